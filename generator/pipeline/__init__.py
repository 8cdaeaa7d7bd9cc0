"""The pipeline, one module per stage, in order.

load -> overlay -> model/spec -> defaults -> checks/ -> plan/ -> render -> roundtrip -> interface -> write.
`run` strings the stages together for one document. A stage imports only earlier stages and the
shared vocabulary (`generator.errors`, `generator.ir`, `generator.facts`, `generator.terraform.catalogs`
and `generator.terraform.types`).
"""
