"""The JSON Schema is valid draft 2020-12 and agrees with the model on real specs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.schema import json_schema
from tests.helpers import REPO

EXAMPLES = sorted(REPO.glob("examples/*/cluster.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_every_example_validates(spec: Path, validator: jsonschema.Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(yaml.safe_load(spec.read_text()))] == []


def test_overlays_validate(validator: jsonschema.Draft202012Validator) -> None:
    assert not list(validator.iter_errors({"extends": "base.yaml", "metadata": {"name": "x", "region": "eu-west-1"}}))
    assert list(validator.iter_errors({"metadata": {"name": "x", "region": "eu-west-1"}}))  # no header, no base


@pytest.mark.parametrize(("path", "value"), [
    (("spec", "kubernetesVersoin"), "1.35"),  # unknown key
    (("spec", "kubernetesVersion"), 1.3),  # a YAML number where a string belongs
    (("spec", "managedNodeGroups", 0, "capacityType"), "ONDEMAND"),
    (("spec", "endpoint", "public"), "yes"),
])
def test_editors_see_the_same_mistakes(path: tuple[Any, ...], value: Any,
                                       validator: jsonschema.Draft202012Validator) -> None:
    spec = copy.deepcopy(yaml.safe_load((REPO / "examples" / "production" / "cluster.yaml").read_text()))
    node = spec
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(validator.iter_errors(spec)), path
