"""Import targets: each `to` eksgen renders names a resource the pinned module declares (modules/index.json's
import_targets, read from the pinned sources) with the instance keys of its count or for_each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings

from generator.ir import Block, Obj, Ref, Value
from generator.pipeline.import_targets import Step, parse_address, target_problem
from generator.pipeline.load import load_documents
from generator.pipeline.plan.imports import IMPORTS_FILE
from generator.pipeline.run import ClusterResult, build_document
from generator.terraform.registry import registry
from tests.helpers import REPO, TODAY
from tests.pipeline.test_run import dump, parse, specs

EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if (p / "cluster.yaml").is_file())
MODULES = {"eks": "eks", "irsa_x": "iam", "pod_identity_x": "pod_identity", "karpenter": "karpenter", "vpc": "vpc",
           "other": None}
RESOURCES = frozenset({"aws_eks_pod_identity_association.pod_identity_ledger"})


@pytest.mark.parametrize(("to", "problem"), [
    ("module.eks.aws_eks_cluster.this[0]", None),
    ('module.eks.aws_eks_cluster.this["x"]', "instance keys"),  # count, not for_each
    ("module.eks.aws_eks_cluster.this", "instance keys"),
    ('module.eks.aws_eks_addon.this["coredns"]', None),
    ("module.eks.aws_eks_addon.this[0]", "instance keys"),  # for_each, not count
    ('module.eks.aws_eks_addon.before_compute["vpc-cni"]', None),
    ('module.eks.module.eks_managed_node_group["system"].aws_eks_node_group.this[0]', None),
    ("module.eks.module.eks_managed_node_group[0].aws_eks_node_group.this[0]", "instance keys"),
    ('module.eks.module.eks_managed_node_group["system"].aws_eks_node_group.this["a"]', "instance keys"),
    ('module.eks.module.self_managed_node_group["a"].aws_autoscaling_group.this[0]', "no resource"),
    ('module.eks.module.fargate_profile["kube-system"].aws_eks_fargate_profile.this[0]', None),
    ("module.eks.aws_iam_openid_connect_provider.oidc_provider[0]", None),
    ('module.eks.aws_eks_access_entry.this["admins"]', None),
    ("module.eks.aws_eks_access_entry.this[0]", "instance keys"),
    ('module.eks.aws_eks_access_policy_association.this["admins_admin"]', None),
    ("module.eks.aws_cloudwatch_log_group.this[0]", None),
    ("module.eks.aws_eks_cluster.main[0]", "no resource"),
    ("module.karpenter.aws_eks_cluster.this[0]", "no resource"),  # the eks catalog, another module
    ("module.irsa_x.aws_iam_role.this[0]", None),
    ('module.irsa_x.aws_iam_role.this["x"]', "instance keys"),
    ('module.pod_identity_x.aws_eks_pod_identity_association.this["this"]', None),
    ("module.pod_identity_x.aws_eks_pod_identity_association.this[0]", "instance keys"),
    ("module.pod_identity_x.aws_iam_role.this[0]", "no resource"),
    ("module.vpc.aws_vpc.this[0]", "no resource"),  # vpc pieces stay by hand
    ("module.other.aws_iam_role.this[0]", "no resource"),
    ("module.nowhere.aws_iam_role.this[0]", "no module"),
    ("module.eks[0].aws_eks_cluster.this[0]", "neither count nor for_each"),
    ("aws_eks_pod_identity_association.pod_identity_ledger", None),
    ("aws_eks_pod_identity_association.pod_identity_ledger[0]", "neither count nor for_each"),
    ("aws_eks_pod_identity_association.pod_identity_other", "no resource"),
    ("module.eks", "not a resource instance address"),
    ("module.eks.aws_eks_cluster", "not a resource instance address"),
    ("module.eks.aws_eks_cluster.this[0].", "not a resource instance address"),
    ("aws_eks_cluster.this.module.eks", "not a resource instance address"),
])
def test_target_rows(to: str, problem: str | None) -> None:
    found = target_problem(to, MODULES, RESOURCES)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_an_address_parses_into_steps_with_their_key_kinds() -> None:
    assert parse_address('module.eks.module.fargate_profile["a.b"].aws_eks_fargate_profile.this[10]') == [
        Step("module.eks", "none"), Step("module.fargate_profile", "for_each"),
        Step("aws_eks_fargate_profile.this", "count")]


def test_every_recorded_target_has_one_key_kind_per_step_and_the_required_arguments_of_its_type() -> None:
    for key, module in registry().modules.items():
        for target in module.import_targets:
            steps = target.address.split(".")
            assert len(steps) == 2 * len(target.keys), (key, target.address)
            assert all(s == "module" for s in steps[:-2:2]), (key, target.address)
            assert steps[-2] in registry().import_resources.required, (key, target.address)
            # The facts were read at the pinned release: bumping a pin means reading the source again.
            assert target.source.startswith(f"v{registry().pins[module.pin].version} "), (key, target.address)


def _imports(result: ClusterResult) -> list[str]:
    assert result.plan is not None
    return [str(a.value.expr) for b in result.plan.file(IMPORTS_FILE).blocks if b.type == "import"
            for a in b.attributes() if a.name == "to" and isinstance(a.value, Ref)]


def _labels(result: ClusterResult) -> tuple[dict[str, str | None], frozenset[str]]:
    assert result.plan is not None
    modules = {}
    for block in (b for f in result.plan.files for b in f.blocks if b.type == "module"):
        source = next(str(a.value) for a in block.attributes() if a.name == "source")
        modules[block.labels[0]] = registry().by_source(source)
    resources = frozenset(f"{b.labels[0]}.{b.labels[1]}" for f in result.plan.files for b in f.blocks
                          if b.type == "resource")
    return modules, resources


def _expected_counts(document: dict[str, Any]) -> dict[str, int]:
    """How many import blocks of each kind the spec asks for: one per node group, profile, association
    eksgen writes (an addon's own is part of the addon)."""
    spec = document.get("spec", {})
    associations = [e for e in spec.get("podIdentityAssociations") or []
                    if e["name"] not in {a.get("podIdentity") for a in (spec.get("addons") or {}).values()}]
    return {"aws_eks_node_group": len(spec.get("managedNodeGroups") or []),
            "aws_eks_fargate_profile": len(spec.get("fargateProfiles") or []),
            "aws_eks_pod_identity_association": len(associations),
            "aws_eks_cluster": 1, "aws_iam_openid_connect_provider": 1}


def _pairs(value: Value) -> dict[str, Value]:
    if isinstance(value, Obj):
        return dict(value.items)
    return dict(value) if isinstance(value, dict) else {}


def _for_each_keys(block: Block, address: str) -> set[str]:
    """The instance keys the module's for_each gives `address` from this call's arguments, as the pinned source
    computes them: addons split by before_compute (eks v21.19.0 main.tf:770, 815), policy associations keyed
    "<entry>_<policy>" (main.tf:315), node groups, profiles, entries and associations by their map keys."""
    args = {a.name: a.value for a in block.attributes()}
    addons = _pairs(args.get("addons"))
    entries = _pairs(args.get("access_entries"))
    keys: dict[str, set[str]] = {
        "aws_eks_addon.this": {k for k, v in addons.items() if _pairs(v).get("before_compute") is not True},
        "aws_eks_addon.before_compute": {k for k, v in addons.items() if _pairs(v).get("before_compute") is True},
        "module.eks_managed_node_group": set(_pairs(args.get("eks_managed_node_groups"))),
        "module.fargate_profile": set(_pairs(args.get("fargate_profiles"))),
        "aws_eks_access_entry.this": set(entries),
        "aws_eks_access_policy_association.this": {f"{e}_{p}" for e, body in entries.items()
                                                   for p in _pairs(_pairs(body).get("policy_associations"))},
        "aws_eks_pod_identity_association.this": set(_pairs(args.get("associations"))),
    }
    return keys[address]


def _assert_instances_exist(result: ClusterResult, to: str) -> None:
    """Each for_each key of an import target is one the module call creates (else `terraform plan` fails)."""
    assert result.plan is not None
    steps = parse_address(to)
    assert steps is not None
    calls = {b.labels[0]: b for f in result.plan.files for b in f.blocks if b.type == "module"}
    if len(steps) < 2:
        return
    call = calls[steps[0].name.removeprefix("module.")]
    first = steps[1]
    if first.key == "for_each":
        key = re.search(r'\["([^"]*)"\]', to.split(".", 2)[2])
        assert key is not None and key.group(1) in _for_each_keys(call, first.name), to


def _assert_targets(result: ClusterResult, document: dict[str, Any]) -> None:
    modules, resources = _labels(result)
    targets = _imports(result)
    for to in targets:
        assert target_problem(to, modules, resources) is None, to
        _assert_instances_exist(result, to)
    assert len(set(targets)) == len(targets)
    kinds = [re.sub(r"\[[^]]*\]", "", to).split(".")[-2] for to in targets]
    for kind, count in _expected_counts(document).items():
        assert kinds.count(kind) == count, (kind, targets)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_targets_recorded_addresses(example: str) -> None:
    import yaml

    text = (REPO / "examples" / example / "cluster.yaml").read_text("utf-8")
    (doc,) = load_documents(text, "cluster.yaml")
    _assert_targets(build_document(doc, "cluster.yaml", today=TODAY, import_blocks=True), yaml.safe_load(text))


@settings(max_examples=30, deadline=None)
@given(specs())
def test_random_valid_specs_target_recorded_addresses(document: dict[str, Any]) -> None:
    _assert_targets(build_document(parse(dump(document)), "cluster.yaml", today=TODAY, import_blocks=True), document)
