"""Facts shipped as data (`data/`) and their loaders: Kubernetes releases, regions, instance types, partitions."""
