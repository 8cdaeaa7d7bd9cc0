"""The writer: every scalar reads back identical through eksgen's loader, comments never change the data,
keys follow the contract's order."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.adopt.eksctl.tree import Block, Seq, key_order
from generator.adopt.eksctl.writer import document, scalar
from generator.pipeline.load import load_documents
from generator.pipeline.model import ClusterSpec, ManagedNodeGroup

TRICKY = ["1.30", "1e5", "yes", "on", "010", "0x1F", "null", "~", "", " lead", "trail ", "a: b", "# not", "- x",
          "'q'", '"dq"', "{x}", "[x]", "*alias", "&anchor", "!tag", "%x", "@x", "`x`", "2026-01-01", "1:30", ".inf",
          "0...", "a...", "...", "x\n...", "---", "a ---"]
texts = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                                  max_size=30))
scalars = st.one_of(texts, st.integers(-10**6, 10**6), st.booleans())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(string.ascii_letters, min_size=1,
                                                                               max_size=8), inner, max_size=3)),
                      max_leaves=8)


def load(text: str) -> object:
    return load_documents(text, "spec.yaml")[0].data


@pytest.mark.parametrize("value", TRICKY)
def test_each_tricky_scalar_reads_back(value: str) -> None:
    assert load(f"k: {scalar(value)}\n") == {"k": value}
    assert load(f"k: [{scalar(value, in_flow=True)}]\n") == {"k": [value]}


@given(scalars)
@settings(max_examples=300, deadline=None)
def test_scalar_reads_back(value: object) -> None:
    assert load(f"k: {scalar(value)}\n") == {"k": value}


@given(st.lists(texts, max_size=4), st.text(max_size=60).filter(lambda t: "\n" not in t and "\r" not in t))
@settings(max_examples=150, deadline=None)
def test_flow_lists_and_comments(items: list[str], comment: str) -> None:
    block = Block()
    block.set("items", items, comment=comment.replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " "))
    assert load(document(block, ["header"])) == {"items": items}


@given(values)
@settings(max_examples=150, deadline=None)
def test_dropped_fields_are_only_comments(data: object) -> None:
    block = Block()
    block.set("kept", "x")
    block.drop("gone", data, "a reason\nover two lines")
    text = document(block, [])
    assert load(text) == {"kept": "x"}
    assert [line for line in text.splitlines() if not line.lstrip().startswith("#")] == ["kept: x"]


def test_keys_follow_the_contract() -> None:
    spec = Block(ClusterSpec)
    for key in ("managedNodeGroups", "addons", "vpc", "kubernetesVersion"):
        spec.set(key, "x")
    text = document(spec, [])
    assert [line.split(":")[0] for line in text.splitlines()] == ["kubernetesVersion", "vpc", "addons",
                                                                  "managedNodeGroups"]


def test_node_groups_start_with_what_they_run() -> None:
    order = key_order(ManagedNodeGroup)
    assert order[:3] == ["name", "instanceTypes", "capacityType"]
    assert order.index("minSize") < order.index("maxSize") < order.index("desiredSize") < order.index("labels")
    assert sorted(order) == sorted(f.alias or n for n, f in ManagedNodeGroup.model_fields.items())


def test_an_empty_block_is_an_empty_mapping_not_null() -> None:
    outer = Block()
    inner = outer.child("addon", None)
    inner.drop("tags", {"a": "b"}, "no key")
    assert load(document(outer, [])) == {"addon": {}}


def test_sequences_of_blocks() -> None:
    seq = Seq()
    first = Block()
    first.set("name", "a")
    first.set("size", 2)
    seq.add(first)
    seq.add(Block())
    root = Block()
    root.set("groups", seq)
    assert load(document(root, [])) == {"groups": [{"name": "a", "size": 2}, {}]}
