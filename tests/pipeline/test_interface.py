"""The interface check catches each kind of mistake a plan could make against modules/."""

from __future__ import annotations

import dataclasses

import pytest

from generator.errors import InterfaceError
from generator.ir import Attr, Block, Call, Group, Obj, Plan, Ref, Value
from generator.pipeline.interface import check_interfaces, problems
from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from tests.helpers import MINIMAL_SPEC, REPO, TODAY


def fresh_plan() -> Plan:
    doc = load_documents(MINIMAL_SPEC, "cluster.yaml")[0]
    result = build_document(doc, "cluster.yaml", today=TODAY)
    assert result.plan is not None
    return result.plan


def eks_block(plan: Plan) -> Block:
    return next(b for b in plan.file("eks.tf").blocks if b.type == "module")


def replace_attr(block: Block, name: str, value: object) -> None:
    for item in block.body:
        if isinstance(item, Group):
            item.attrs = [dataclasses.replace(a, value=value) if a.name == name else a for a in item.attrs]


def test_rendered_plan_passes() -> None:
    assert problems(fresh_plan()) == []


def test_unknown_root_argument() -> None:
    plan = fresh_plan()
    eks_block(plan).body.append(Group([Attr("cluster_name", "x")]))  # the v20 name, gone in v21
    assert any("module.eks.cluster_name: not a variable of eks 21.19.0" in p for p in problems(plan))


def test_unknown_nested_node_group_key() -> None:
    plan = fresh_plan()
    groups = Obj.of(general=Obj.of(instance_type_list=["m6i.large"], min_size=1))
    replace_attr(eks_block(plan), "eks_managed_node_groups", groups)
    found = problems(plan)
    assert any("eks_managed_node_groups[\"general\"].instance_type_list: not an attribute" in p for p in found), found


def test_wrong_type() -> None:
    plan = fresh_plan()
    replace_attr(eks_block(plan), "endpoint_private_access", "yes")
    assert any("endpoint_private_access: expected bool, got string" in p for p in problems(plan))


def test_wrong_nested_type() -> None:
    plan = fresh_plan()
    replace_attr(eks_block(plan), "eks_managed_node_groups", Obj.of(general=Obj.of(min_size="two")))
    assert any(".min_size: expected number, got string" in p for p in problems(plan))


def test_missing_required_object_attribute() -> None:
    plan = fresh_plan()
    eks_block(plan).body.append(Group([Attr("access_entries", Obj.of(admin=Obj.of(type="STANDARD")))]))
    assert any("required attribute 'principal_arn' is missing" in p for p in problems(plan))


def test_reference_to_missing_output() -> None:
    plan = fresh_plan()
    replace_attr(eks_block(plan), "vpc_id", Ref("module.vpc.vpc_identifier"))
    assert any("module.vpc.vpc_identifier: module 'vpc' (vpc 6.6.0) has no such output" in p for p in problems(plan))


def test_reference_to_missing_module() -> None:
    plan = fresh_plan()
    replace_attr(eks_block(plan), "vpc_id", Ref("module.network.vpc_id"))
    assert any("no module 'network'" in p for p in problems(plan))


def test_check_raises_internal_error() -> None:
    plan = fresh_plan()
    replace_attr(eks_block(plan), "endpoint_private_access", 1)
    with pytest.raises(InterfaceError, match="expected bool"):
        check_interfaces(plan)


def test_never_sets_putin_khuylo() -> None:
    plan = fresh_plan()
    eks_block(plan).body.append(Group([Attr("putin_khuylo", True)]))
    assert any("putin_khuylo: eksgen never sets" in p for p in problems(plan))


def test_catalogs_match_shared_upstream_facts() -> None:
    """Our catalogs hold the same interface facts as the reference extraction."""
    import json

    shared = REPO.parent / "shared" / "upstream"
    if not shared.is_dir():
        pytest.skip("shared/ not beside the project")
    ours = json.loads((REPO / "modules" / "eks-21.19.0.json").read_text())
    theirs = json.loads((shared / "terraform-aws-eks-v21.19.0.json").read_text())
    assert ours["variables"] == theirs["variables"]
    assert ours["outputs"] == theirs["outputs"]


MISSING = Ref("module.vpc.no_such_output")


@pytest.mark.parametrize("value", [
    MISSING,
    Obj.of(nested=MISSING),
    Obj.of(outer=Obj.of(inner=MISSING)),
    [MISSING],
    {"key": MISSING},
    Call("concat", ([MISSING],)),
    Call("format", ("%s", Obj.of(a=[MISSING]))),
], ids=["top-level", "in-object", "in-nested-object", "in-list", "in-map", "call-argument", "deep-in-call"])
def test_references_are_checked_wherever_they_are_nested(value: object) -> None:
    plan = fresh_plan()
    eks_block(plan).body.append(Group([Attr("tags", value)]))
    found = problems(plan)
    assert any(p.startswith("eks.tf: module.vpc.no_such_output: module 'vpc'") and "has no such output" in p
               for p in found), found


def test_every_nested_reference_is_reported_in_the_order_it_is_written() -> None:
    plan = fresh_plan()
    inner = Obj.of(x=Ref("module.vpc.third"), y=[Ref("module.vpc.fourth")])
    value = [Ref("module.vpc.first"), {"k": Call("f", (Ref("module.vpc.second"), inner))}, Ref("module.vpc.fifth")]
    eks_block(plan).body.append(Group([Attr("tags", value)]))
    named = [p.split(": ")[1] for p in problems(plan) if "has no such output" in p]
    assert named == [f"module.vpc.{n}" for n in ("first", "second", "third", "fourth", "fifth")]


@pytest.mark.parametrize(("expr", "fragment"), [
    ("module.nope.vpc_id", "no module 'nope' in the output"),
    ("module.vpc", "has no such output"),
])
def test_reference_to_a_missing_module_or_without_output(expr: str, fragment: str) -> None:
    plan = fresh_plan()
    eks_block(plan).body.append(Group([Attr("tags", Obj.of(a=Ref(expr)))]))
    assert any(fragment in p for p in problems(plan))
def _association(**attrs: Value) -> Block:
    return Block("resource", ("aws_eks_pod_identity_association", "pod_identity_app"),
                 [Group([Attr(k, v) for k, v in attrs.items()])])


ASSOCIATION: dict[str, Value] = {
    "cluster_name": Ref("module.eks.cluster_name"), "namespace": "payments", "service_account": "app",
    "role_arn": "arn:aws:iam::111122223333:role/app"}


@pytest.mark.parametrize(("change", "expected"), [
    ({}, []),
    ({"role_arn": None}, ["aws_eks_pod_identity_association.pod_identity_app.role_arn: required argument missing"]),
    ({"role": "x"}, ["aws_eks_pod_identity_association.pod_identity_app.role: not an argument of "
                     "aws_eks_pod_identity_association"]),
])
def test_the_pod_identity_resource_is_checked_like_a_module(change: dict[str, Value], expected: list[str]) -> None:
    plan = fresh_plan()
    attrs = {k: v for k, v in {**ASSOCIATION, **change}.items() if v is not None}
    plan.files[-1].blocks.append(_association(**attrs))
    assert [p.split(": ", 1)[1] for p in problems(plan)] == expected


def test_a_reference_to_a_missing_resource_attribute_is_a_problem() -> None:
    plan = fresh_plan()
    plan.files[-1].blocks.append(_association(**ASSOCIATION))
    replace_attr(eks_block(plan), "name", Ref("aws_eks_pod_identity_association.pod_identity_app.arn"))
    assert problems(plan) == ["eks.tf: aws_eks_pod_identity_association.pod_identity_app.arn: "
                              "aws_eks_pod_identity_association has no attribute 'arn'"]
