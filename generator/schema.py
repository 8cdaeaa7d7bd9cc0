"""JSON Schema of the spec, and the effective spec as YAML."""

from __future__ import annotations

from typing import Any

from generator.pipeline import effective
from generator.pipeline.load import dump_yaml
from generator.pipeline.model import BASE_KIND, Cluster
from generator.version import __version__

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    cluster = Cluster.model_json_schema(by_alias=True, mode="validation")
    definitions = cluster.pop("$defs", {})
    # `extends` is resolved before the model sees the document (overlay.py), so it is added here.
    extends = {"type": "string", "description": "Path of a base spec (kind: ClusterBase) this one overrides "
               "(mappings merge, lists replace)."}
    cluster["properties"] = {"extends": extends, **cluster["properties"]}
    # An overlay may leave the header to its base: the top-level keys are required only without `extends`.
    required = cluster.pop("required", [])
    cluster["if"] = {"required": ["extends"]}
    cluster["else"] = {"required": required}
    # A base is any part of a cluster spec, shared by the specs that extend it; it is checked through them.
    base = {"type": "object", "additionalProperties": False, "required": ["apiVersion", "kind"],
            "properties": {"apiVersion": cluster["properties"]["apiVersion"], "kind": {"const": BASE_KIND},
                           "extends": extends, "metadata": {"type": "object"}, "spec": {"type": "object"}}}
    is_base = {"properties": {"kind": {"const": BASE_KIND}}, "required": ["kind"]}
    return {"$schema": SCHEMA_DIALECT, "$id": f"eksgen-v1alpha1-{__version__}.json",
            "title": "eksgen cluster spec (eksgen/v1alpha1): kind Cluster, or kind ClusterBase for a base",
            "$defs": definitions, "if": is_base, "then": base, "else": cluster}


def effective_yaml(cluster: effective.Cluster) -> str:
    data = cluster.model_dump(by_alias=True, mode="json", exclude_none=True)
    return dump_yaml(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
