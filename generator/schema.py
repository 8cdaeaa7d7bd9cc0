"""JSON Schema of the spec, and the effective spec as YAML."""

from __future__ import annotations

from typing import Any

import yaml

from generator.pipeline import effective
from generator.pipeline.model import Cluster
from generator.version import __version__

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    schema = Cluster.model_json_schema(by_alias=True, mode="validation")
    # `extends` is resolved before the model sees the document (overlay.py), so it is added here.
    schema["properties"] = {"extends": {"type": "string", "description": "Path of a base spec this one overrides "
                                        "(mappings merge, lists replace)."}, **schema["properties"]}
    # An overlay may leave the header to its base: the top-level keys are required only without `extends`.
    required = schema.pop("required", [])
    schema["if"] = {"required": ["extends"]}
    schema["else"] = {"required": required}
    return {"$schema": SCHEMA_DIALECT, "$id": f"eksgen-v1alpha1-{__version__}.json",
            "title": "eksgen cluster spec (eksgen/v1alpha1)", **schema}


def effective_yaml(cluster: effective.Cluster) -> str:
    data = cluster.model_dump(by_alias=True, mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
