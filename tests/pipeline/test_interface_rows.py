"""The interface check's own messages, row by row: each names the file, the argument or reference and
what is wrong with it, and one problem never hides the next (the rest of a block and of a file are
still checked)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from generator.errors import InterfaceError
from generator.ir import Attr, Block, Expr, Group, Null, Obj, Plan, Ref, Value
from generator.pipeline.interface import check_interfaces, problems
from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from generator.terraform import catalogs
from tests.helpers import MINIMAL_SPEC, TODAY


def plan_of(*, import_blocks: bool = False) -> Plan:
    doc = load_documents(MINIMAL_SPEC, "cluster.yaml")[0]
    result = build_document(doc, "cluster.yaml", today=TODAY, import_blocks=import_blocks)
    assert result.plan is not None
    return result.plan


def eks_block(plan: Plan) -> Block:
    return next(b for b in plan.file("eks.tf").blocks if b.type == "module")


def set_attr(block: Block, name: str, value: Value) -> None:
    for item in block.body:
        if isinstance(item, Group):
            item.attrs = [dataclasses.replace(a, value=value) if a.name == name else a for a in item.attrs]


def test_a_module_source_outside_the_registry_is_refused_by_name() -> None:
    plan = plan_of()
    set_attr(eks_block(plan), "source", "example/nope/aws")
    with pytest.raises(InterfaceError) as info:
        problems(plan)
    assert str(info.value) == "module eks: source example/nope/aws is not in modules/index.json"


def test_the_check_lists_every_problem_under_one_header() -> None:
    plan = plan_of()
    eks_block(plan).body.append(Group([Attr("cluster_name", "x"), Attr("nope", 1)]))
    with pytest.raises(InterfaceError) as info:
        check_interfaces(plan)
    assert str(info.value) == ("generated module calls do not match the pinned interfaces:\n"
                               "  eks.tf: module.eks.cluster_name: not a variable of eks 21.19.0\n"
                               "  eks.tf: module.eks.nope: not a variable of eks 21.19.0")


@pytest.mark.parametrize(("text", "expected"), [
    ("${module.vpc.nope}", ["eks.tf: module.vpc.nope: module 'vpc' (vpc 6.6.0) has no such output"]),
    ("${module.gone.vpc_id}", ["eks.tf: module.gone.vpc_id: no module 'gone' in the output"]),
    ("${module.eks.cluster_name}-${module.vpc.vpc_id}", []),
    ("module.vpc.vpc_id and module.vpc.nope", ["eks.tf: module.vpc.nope: module 'vpc' (vpc 6.6.0) has no such output"]),
])
def test_references_inside_expressions_are_checked_like_references(text: str, expected: list[str]) -> None:
    plan = plan_of()
    eks_block(plan).body.append(Group([Attr("tags", Obj.of(a=Expr(text)))]))
    assert problems(plan) == expected


def test_a_null_for_a_variable_that_is_not_nullable_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    load = catalogs.load

    def strict_tags(key: str, version: str, submodule: str | None = None) -> dict[str, Any]:
        catalog = load(key, version, submodule)
        if key != "eks" or submodule is not None:
            return catalog
        variables = dict(catalog["variables"])
        variables["cluster_tags"] = {**variables["cluster_tags"], "nullable": False}
        return {**catalog, "variables": variables}

    monkeypatch.setattr(catalogs, "load", strict_tags)
    plan = plan_of()
    eks_block(plan).body.append(Group([Attr("cluster_tags", Null()), Attr("cluster_name", "x")]))
    assert problems(plan) == ["eks.tf: module.eks.cluster_tags: null given, but the variable is not nullable",
                              "eks.tf: module.eks.cluster_name: not a variable of eks 21.19.0"]
    set_attr(eks_block(plan), "cluster_tags", {"a": "b"})
    assert problems(plan) == ["eks.tf: module.eks.cluster_name: not a variable of eks 21.19.0"]


def test_a_null_for_a_nullable_variable_is_fine() -> None:
    plan = plan_of()
    eks_block(plan).body.append(Group([Attr("cluster_tags", Null())]))
    assert problems(plan) == []


ASSOCIATION: dict[str, Value] = {
    "cluster_name": Ref("module.eks.cluster_name"), "namespace": "payments", "service_account": "app",
    "role_arn": "arn:aws:iam::111122223333:role/app"}
RESOURCE = "aws_eks_pod_identity_association"


def with_association(plan: Plan, **change: Value) -> Plan:
    attrs = {**ASSOCIATION, **change}
    plan.files[-1].blocks.append(Block("resource", (RESOURCE, "pod_identity_app"),
                                       [Group([Attr(k, v) for k, v in attrs.items()])]))
    return plan


def test_every_wrong_argument_of_a_resource_is_reported() -> None:
    plan = with_association(plan_of(), role="x", namespace=["payments"])
    file = plan.files[-1].name
    assert problems(plan) == [f"{file}: {RESOURCE}.pod_identity_app.namespace: expected string, got list",
                              f"{file}: {RESOURCE}.pod_identity_app.role: not an argument of {RESOURCE}"]


@pytest.mark.parametrize(("value", "expected"), [
    (Ref(f"{RESOURCE}.pod_identity_app.association_arn"), []),
    (Ref(f"{RESOURCE}.pod_identity_app"), [f"{RESOURCE}.pod_identity_app: {RESOURCE} has no attribute ''"]),
    (Ref(f"{RESOURCE}.other.association_id"),
     [f"{RESOURCE}.other.association_id: no resource '{RESOURCE}.other' in the output"]),
    (Ref(f"{RESOURCE}.pod_identity_app[0].association_id"),
     [f"{RESOURCE}.pod_identity_app[0].association_id: {RESOURCE} has no attribute '[0]'"]),
    ([Ref("var.x"), Ref("module.eks.cluster_name"), Ref(f"{RESOURCE}.other.id")],
     [f"{RESOURCE}.other.id: no resource '{RESOURCE}.other' in the output"]),
    ([Expr("${var.x}"), Ref(f"{RESOURCE}.pod_identity_app.nope")],
     [f"{RESOURCE}.pod_identity_app.nope: {RESOURCE} has no attribute 'nope'"]),
])
def test_references_to_the_output_s_resources_name_one_it_has(value: Value, expected: list[str]) -> None:
    plan = with_association(plan_of())
    values = value if isinstance(value, list) else [value]  # in one argument, one after the other
    eks_block(plan).body.append(Group([Attr("tags", Obj.of(**{f"k{i}": v for i, v in enumerate(values)}))]))
    assert problems(plan) == [f"eks.tf: {p}" for p in expected]


def _imports(plan: Plan) -> list[Block]:
    return [b for b in plan.file("imports.tf").blocks if b.type == "import"]


def test_the_import_blocks_eksgen_writes_pass() -> None:
    plan = plan_of(import_blocks=True)
    assert _imports(plan) and problems(plan) == []


@pytest.mark.parametrize(("to", "expected"), [
    (Ref("module.eks.aws_eks_cluster.nope[0]"),
     "import module.eks.aws_eks_cluster.nope[0]: no resource 'aws_eks_cluster.nope' recorded in eks's import targets"),
    (Ref("module.gone.aws_eks_cluster.this[0]"), "import module.gone.aws_eks_cluster.this[0]: no module 'gone' in "
                                                 "the output"),
    ("module.eks.aws_eks_cluster.this[0]", "import 'module.eks.aws_eks_cluster.this[0]': not a resource address"),
    (Ref(f"{RESOURCE}.pod_identity_app"), f"import {RESOURCE}.pod_identity_app: no resource "
                                         f"'{RESOURCE}.pod_identity_app' in the output"),
])
def test_an_import_into_something_the_output_does_not_declare_is_a_problem(to: Value, expected: str) -> None:
    plan = plan_of(import_blocks=True)
    first = _imports(plan)[0]
    set_attr(first, "to", to)
    # a broken reference after the import block, in the same file, is still found
    plan.file("imports.tf").blocks.append(Block("output", ("x",), [Group([Attr("value", Ref("module.vpc.nope"))])]))
    assert problems(plan) == [f"imports.tf: {expected}",
                              "imports.tf: module.vpc.nope: module 'vpc' (vpc 6.6.0) has no such output"]


def test_an_import_into_the_output_s_own_resource_passes() -> None:
    plan = with_association(plan_of(import_blocks=True))
    set_attr(_imports(plan)[0], "to", Ref(f"{RESOURCE}.pod_identity_app"))
    assert problems(plan) == []
