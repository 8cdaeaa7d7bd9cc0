"""`eksgen lock`: the versions Terraform cannot lock (addons, AMI releases, module catalogs), per cluster,
in `eksgen.lock` beside the spec; `pipeline/pins.py` applies them at render time. `sources.py` reads
the offline sources, `build.py` writes and checks the lock."""
