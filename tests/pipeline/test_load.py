"""The loader (generator/pipeline/load.py): keys become strings, and its limits hold on both sides."""

from __future__ import annotations

import pytest

from generator.errors import SpecInvalid
from generator.pipeline.load import MAX_DEPTH, MAX_SPEC_BYTES, load_documents


def test_mapping_keys_are_strings_whatever_yaml_made_of_them() -> None:
    (doc,) = load_documents("labels: {1: a, 2.5: b, true: c, null: d, x: e}\n", "c.yaml")
    assert list(doc.data["labels"]) == ["1", "2.5", "True", "None", "x"]
    assert all(isinstance(k, str) for k in doc.data["labels"])
    assert doc.positions[("labels", "1")].line == 1


def test_duplicate_keys_are_compared_as_strings() -> None:
    (doc,) = load_documents("labels:\n  1: a\n  '1': b\n", "c.yaml")
    assert doc.data["labels"] == {"1": "a"}
    assert [i.message for i in doc.load_issues] == ["duplicate key '1' (first at line 2)"]


def nested(depth: int) -> str:
    """A document whose innermost value sits `depth` levels down (`a` is level 1)."""
    return "a: " + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "\n"


def test_nesting_depth_limit_on_both_sides() -> None:
    (doc,) = load_documents(nested(MAX_DEPTH), "c.yaml")  # at the limit
    value = doc.data["a"]
    for _ in range(MAX_DEPTH - 1):
        (value,) = value
    assert value == 1
    with pytest.raises(SpecInvalid, match=f"nested more than {MAX_DEPTH} levels deep"):
        load_documents(nested(MAX_DEPTH + 1), "c.yaml")


def test_size_limit_on_both_sides() -> None:
    head = "a: "
    (doc,) = load_documents(head + "x" * (MAX_SPEC_BYTES - len(head) - 1) + "\n", "c.yaml")
    assert len(doc.data["a"]) == MAX_SPEC_BYTES - len(head) - 1
    with pytest.raises(SpecInvalid, match=f"larger than {MAX_SPEC_BYTES} bytes"):
        load_documents(head + "x" * (MAX_SPEC_BYTES - len(head)) + "\n", "c.yaml")
