"""Module blocks: source and version first, tags last, whatever order the plan's groups give."""

from __future__ import annotations

from generator.ir import Attr, Group, Ref
from generator.pipeline.plan.common import module_block


def test_tags_go_last_in_their_own_group_and_the_rest_keeps_its_order() -> None:
    block = module_block("vpc", "vpc", "6.6.0", [
        Group([Attr("name", "x"), Attr("tags", Ref("local.tags")), Attr("cidr", "10.0.0.0/16")], "why"),
        Group([Attr("tags", Ref("local.tags"))]),
        Group([Attr("azs", ["a", "b"])]),
    ])
    assert [[a.name for a in g.attrs] for g in block.body if isinstance(g, Group)] == [
        ["source", "version"], ["name", "cidr"], ["azs"], ["tags", "tags"]]
    assert [g.comment for g in block.body if isinstance(g, Group)][1] == "why"


def test_a_group_of_only_tags_leaves_no_empty_group() -> None:
    block = module_block("vpc", "vpc", "6.6.0", [Group([Attr("tags", {"a": "b"})])])
    assert [[a.name for a in g.attrs] for g in block.body if isinstance(g, Group)] == [["source", "version"], ["tags"]]


def test_a_group_of_only_tags_keeps_its_comment_when_moved_last() -> None:
    block = module_block("vpc", "vpc", "6.6.0", [Group([Attr("tags", {"a": "b"})], "why tags"),
                                                 Group([Attr("azs", ["a"])])])
    groups = [g for g in block.body if isinstance(g, Group)]
    assert [[a.name for a in g.attrs] for g in groups] == [["source", "version"], ["azs"], ["tags"]]
    assert groups[-1].comment == "why tags"
