"""`eksgen diff`: semantic changes with a risk each, output formats, exit codes, `--git`."""

from __future__ import annotations

import copy
import json
import subprocess
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import typer
import yaml
from typer.testing import CliRunner

from generator.api import render_spec
from generator.cli.diff import register
from generator.gitops.diff import (
    REMOVED,
    DiffReport,
    diff_results,
    format_json,
    format_markdown,
    format_text,
    risk_table,
    rule_for_path,
)
from generator.gitops.diff.risks import RISK_ORDER, Rule, worst
from generator.pipeline.model import Cluster
from tests.helpers import TODAY, TODAY_ARGS

ADMIN = "arn:aws:iam::111122223333:role/platform-admins"
OTHER_ACCOUNT_ADMIN = "arn:aws:iam::444455556666:role/platform-admins"
DEV = "arn:aws:iam::111122223333:role/developers"
KMS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DEFAULT_ADDONS = ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")

BASE: dict[str, Any] = {
    "apiVersion": "eksgen/v1alpha1",
    "kind": "Cluster",
    "metadata": {"name": "demo", "region": "eu-west-1"},
    "spec": {
        "kubernetesVersion": "1.34",
        "managedNodeGroups": [{"name": "general", "instanceTypes": ["m6i.large"], "minSize": 2, "maxSize": 4}],
    },
}

Spec = dict[str, Any]
Tweak = Callable[[Spec], None]
Expected = set[tuple[str, str, str, str]]  # (area, subject, field, risk)


def spec_of(doc: Spec) -> Spec:
    return doc["spec"]  # type: ignore[no-any-return]


def group(doc: Spec, index: int = 0) -> Spec:
    return spec_of(doc)["managedNodeGroups"][index]  # type: ignore[no-any-return]


def put(path: str, value: Any) -> Tweak:
    """A tweak that sets a dotted path (`spec.vpc.cidr`), creating mappings on the way."""
    def tweak(doc: Spec) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = copy.deepcopy(value)  # each side its own copy: a later tweak must not reach both
    return tweak


def put_group(key: str, value: Any, index: int = 0) -> Tweak:
    def tweak(doc: Spec) -> None:
        group(doc, index)[key] = copy.deepcopy(value)
    return tweak


def both(*tweaks: Tweak) -> Tweak:
    def tweak(doc: Spec) -> None:
        for each in tweaks:
            each(doc)
    return tweak


def nothing(doc: Spec) -> None:
    """No setup: old and new start from BASE."""


def with_entry(*arns: str, groups: list[str] | None = None, entry_type: str | None = None) -> Tweak:
    def tweak(doc: Spec) -> None:
        entries = []
        for arn in arns:
            entry: Spec = {"principalArn": arn}
            if groups is not None:
                entry["kubernetesGroups"] = groups
            if entry_type is not None:
                entry["type"] = entry_type
            entries.append(entry)
        spec_of(doc).setdefault("access", {})["entries"] = entries
    return tweak


def with_addons(**overrides: Spec) -> Tweak:
    """Addons listed explicitly (the default set), each overridable; `None` drops one."""
    def tweak(doc: Spec) -> None:
        addons = {name: {} for name in DEFAULT_ADDONS}
        addons.update(overrides)
        spec_of(doc)["addons"] = {k: v for k, v in addons.items() if v is not None}
    return tweak


def with_fargate(selectors: list[Spec] | None = None, subnets: Any = None, tags: Spec | None = None) -> Tweak:
    def tweak(doc: Spec) -> None:
        profile: Spec = {"name": "system", "selectors": selectors or [{"namespace": "kube-system"}]}
        if subnets is not None:
            profile["subnets"] = subnets
        if tags is not None:
            profile["tags"] = tags
        spec_of(doc)["fargateProfiles"] = [profile]
    return tweak


def with_service_account(namespace: str = "kube-system") -> Tweak:
    return put("spec.serviceAccounts", [{"name": "ebs-csi", "namespace": namespace,
                                         "serviceAccount": "ebs-csi-controller-sa", "wellKnownPolicies": ["ebsCsi"]}])


def with_self_managed(**fields: Any) -> Tweak:
    return put("spec.selfManagedNodeGroups", [{"name": "legacy", "instanceType": "m6i.large", **fields}])


def existing_vpc(private: list[str], control_plane: list[str] | None = None) -> Tweak:
    subnets: Spec = {"private": private}
    if control_plane is not None:
        subnets["controlPlane"] = control_plane
    return put("spec.vpc", {"id": "vpc-0a1b2c3d4e5f67890", "subnets": subnets})


def without_group(doc: Spec) -> None:
    spec_of(doc)["managedNodeGroups"] = []


def second_group(doc: Spec) -> None:
    spec_of(doc)["managedNodeGroups"].append({"name": "batch", "instanceTypes": ["m6i.xlarge"],
                                              "minSize": 1, "maxSize": 3})


def with_pod_identity(namespace: str = "payments") -> Tweak:
    return put("spec.podIdentityAssociations", [{"name": "app", "namespace": namespace, "serviceAccount": "app",
                                                 "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}])


AUTO_MODE_BOTH_POOLS = put("spec.autoMode", {"enabled": True, "nodePools": ["general-purpose", "system"]})
SUBNETS_A = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SUBNETS_B = ["subnet-0fedcba9876543210", "subnet-0fedcba9876543211"]

# (id, setup for both sides, tweak of the new side, every expected change)
CASES: list[tuple[str, Tweak, Tweak, Expected]] = [
    ("instance types", nothing, put_group("instanceTypes", ["m5.large"]),
     {("node group", "general", "instanceTypes", "nodes roll")}),
    ("ami type", nothing, put_group("amiType", "BOTTLEROCKET_x86_64"),
     {("node group", "general", "amiType", "nodes roll")}),
    ("capacity type", nothing, put_group("capacityType", "SPOT"),
     {("node group", "general", "capacityType", "nodes roll")}),
    ("disk size", put_group("diskSizeGiB", 50), put_group("diskSizeGiB", 100),
     {("node group", "general", "diskSizeGiB", "nodes roll")}),
    # node-group customisation: launch template settings roll nodes, the node role changes in place
    ("custom ami", nothing, put_group("amiId", "ami-0abcdef1234567890"),
     {("node group", "general", "amiId", "nodes roll")}),
    ("pre-bootstrap commands", nothing, put_group("preBootstrapCommands", ["sysctl --system"]),
     {("node group", "general", "preBootstrapCommands", "nodes roll")}),
    ("node group tags", nothing, put_group("tags", {"workload": "web"}),
     {("node group", "general", "tags", "nodes roll")}),
    ("extra security groups", nothing, put_group("securityGroupIds", ["sg-0123456789abcdef0"]),
     {("node group", "general", "securityGroupIds", "nodes roll")}),
    ("disk iops", put_group("diskSizeGiB", 100), put_group("diskIops", 6000),
     {("node group", "general", "diskIops", "nodes roll")}),
    ("ssh", nothing, put_group("ssh", {"keyName": "ops", "sourceSecurityGroupIds": ["sg-0123456789abcdef0"]}),
     {("node group", "general", "ssh", "nodes roll")}),
    ("imds hop limit", nothing, put_group("imdsHopLimit", 2),
     {("node group", "general", "imdsHopLimit", "nodes roll")}),
    ("node role policies", nothing,
     put_group("iam", {"additionalPolicies": {"ssm": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}}),
     {("node group", "general", "iam.additionalPolicies", "in-place")}),
    ("node repair", nothing, put_group("nodeRepair", True), {("node group", "general", "nodeRepair", "in-place")}),
    ("AMI release pinned", nothing, put_group("amiReleaseVersion", "1.34.9-20260714"),
     {("node group", "general", "amiReleaseVersion", "nodes roll")}),
    ("own launch template", nothing, put_group("launchTemplate", {"id": "lt-0123456789abcdef0"}),
     {("node group", "general", "launchTemplate", "nodes roll"),
      ("node group", "general", "imdsHopLimit", "nodes roll")}),  # the template's now, no longer eksgen's
    ("self-managed mixed instances", with_self_managed(),
     put("spec.selfManagedNodeGroups", [{"name": "legacy", "instancesDistribution": {
         "instanceTypes": ["m6i.large", "m6a.large"]}}]),
     {("self-managed node group", "legacy", "instancesDistribution", "nodes roll"),
      ("self-managed node group", "legacy", "instanceType", "nodes roll")}),
    ("labels", nothing, put_group("labels", {"workload": "general"}),
     {("node group", "general", "labels", "in-place")}),
    ("taints", nothing, put_group("taints", [{"key": "dedicated", "value": "x", "effect": "NO_SCHEDULE"}]),
     {("node group", "general", "taints", "in-place")}),
    ("max size", nothing, put_group("maxSize", 6), {("node group", "general", "maxSize", "in-place")}),
    ("min size moves the defaulted desired size", nothing, put_group("minSize", 3),
     {("node group", "general", "minSize", "in-place"), ("node group", "general", "desiredSize", "in-place")}),
    ("node group subnets", nothing, put_group("subnets", ["eu-west-1a", "eu-west-1b"]),
     {("node group", "general", "subnets", "nodes roll")}),
    ("node group added", nothing, second_group, {("node group", "batch", "added", "in-place")}),
    ("node group removed", second_group, lambda d: spec_of(d)["managedNodeGroups"].pop(),
     {("node group", "batch", "removed", "replace")}),
    ("version upgrade", nothing, put("spec.kubernetesVersion", "1.35"),
     {("cluster", "demo", "kubernetesVersion", "in-place"),
      ("node group", "general", "kubernetesVersion", "nodes roll")}),
    ("version downgrade", put("spec.kubernetesVersion", "1.35"), put("spec.kubernetesVersion", "1.34"),
     {("cluster", "demo", "kubernetesVersion", "one-way")}),
    ("cluster name", nothing, put("metadata.name", "prod"), {("cluster", "prod", "name", "replace")}),
    ("region moves the default zones", nothing, put("metadata.region", "eu-central-1"),
     {("cluster", "demo", "region", "replace"), ("vpc", "demo", "availabilityZones", "replace"),
      ("node group", "general", "subnets", "nodes roll")}),
    ("vpc cidr", nothing, put("spec.vpc.cidr", "10.1.0.0/16"),
     {("vpc", "demo", "cidr", "replace"), ("vpc", "demo", "subnets.private", "replace"),
      ("vpc", "demo", "subnets.public", "replace"), ("vpc", "demo", "subnets.intra", "replace"),
      ("node group", "general", "subnets", "nodes roll")}),
    ("nat", nothing, put("spec.vpc.nat", "HighlyAvailable"), {("vpc", "demo", "nat", "in-place")}),
    ("service cidr", nothing, put("spec.serviceIpv4Cidr", "172.20.0.0/16"),
     {("cluster", "demo", "serviceIpv4Cidr", "replace")}),
    ("kms key", nothing, put("spec.secretsEncryption", {"kmsKeyArn": KMS_KEY}),
     {("cluster", "demo", "secretsEncryption", "replace")}),
    ("encryption turned off", nothing, put("spec.secretsEncryption", {"createKey": False}),
     {("cluster", "demo", "secretsEncryption", "replace")}),
    ("encryption turned on", put("spec.secretsEncryption", {"createKey": False}),
     put("spec.secretsEncryption", {"createKey": True}),
     {("cluster", "demo", "secretsEncryption", "one-way")}),
    ("public endpoint", nothing, put("spec.endpoint", {"public": True, "publicCidrs": ["203.0.113.0/24"]}),
     {("cluster", "demo", "endpoint.public", "in-place"), ("cluster", "demo", "endpoint.publicCidrs", "in-place")}),
    ("logging", nothing, put("spec.logging", {"types": ["api", "audit"], "retentionDays": 30}),
     {("cluster", "demo", "logging.types", "in-place"), ("cluster", "demo", "logging.retentionDays", "in-place")}),
    ("tags", nothing, put("metadata.tags", {"team": "payments"}), {("cluster", "demo", "tags", "in-place")}),
    ("deletion protection", nothing, put("spec.deletionProtection", False),
     {("cluster", "demo", "deletionProtection", "in-place")}),
    ("support type", nothing, put("spec.supportType", "EXTENDED"), {("cluster", "demo", "supportType", "in-place")}),
    ("authentication mode towards API", put("spec.access.authenticationMode", "API_AND_CONFIG_MAP"),
     put("spec.access.authenticationMode", "API"), {("access", "demo", "authenticationMode", "one-way")}),
    ("authentication mode back", nothing, put("spec.access.authenticationMode", "API_AND_CONFIG_MAP"),
     {("access", "demo", "authenticationMode", "one-way")}),
    ("cluster creator admin", nothing, put("spec.access.clusterCreatorAdmin", True),
     {("access", "demo", "clusterCreatorAdmin", "in-place")}),
    ("access entry added", nothing, with_entry(ADMIN), {("access entry", ADMIN, "added", "in-place")}),
    ("access entry removed", with_entry(ADMIN, DEV), with_entry(ADMIN), {("access entry", DEV, "removed", "replace")}),
    ("access entry principal", with_entry(ADMIN), with_entry(DEV),
     {("access entry", ADMIN, "removed", "replace"), ("access entry", DEV, "added", "in-place")}),
    ("access entry groups", with_entry(DEV), with_entry(DEV, groups=["viewers"]),
     {("access entry", DEV, "kubernetesGroups", "in-place")}),
    ("access entry type", with_entry(DEV), with_entry(DEV, entry_type="EC2_LINUX"),
     {("access entry", DEV, "type", "replace")}),
    ("addon version", with_addons(), with_addons(**{"vpc-cni": {"version": "v1.20.4-eksbuild.1"}}),
     {("addon", "vpc-cni", "version", "in-place")}),
    ("addon removed", with_addons(), with_addons(coredns=None), {("addon", "coredns", "removed", "replace")}),
    ("addon before compute", with_addons(), with_addons(coredns={"beforeCompute": True}),
     {("addon", "coredns", "beforeCompute", "replace")}),
    ("prefix delegation", nothing, put("spec.vpcCni", {"prefixDelegation": True}),
     {("addon", "vpc-cni", "vpcCni.prefixDelegation", "in-place"), ("addon", "vpc-cni", "configuration", "in-place")}),
    ("fargate profile added", nothing, with_fargate(), {("fargate profile", "system", "added", "in-place")}),
    ("fargate selectors", with_fargate(), with_fargate([{"namespace": "kube-system"}, {"namespace": "batch"}]),
     {("fargate profile", "system", "selectors", "replace")}),
    ("fargate subnets", with_fargate(), with_fargate(subnets=["eu-west-1a", "eu-west-1b"]),
     {("fargate profile", "system", "subnets", "replace")}),
    ("fargate tags", with_fargate(), with_fargate(tags={"cost-center": "web"}),
     {("fargate profile", "system", "tags", "in-place")}),
    ("self-managed instance type", with_self_managed(), with_self_managed(instanceType="m7i.large"),
     {("self-managed node group", "legacy", "instanceType", "nodes roll")}),
    ("self-managed labels are user data", with_self_managed(), with_self_managed(labels={"tier": "legacy"}),
     {("self-managed node group", "legacy", "labels", "nodes roll")}),
    ("service account added", nothing, with_service_account(), {("service account", "ebs-csi", "added", "in-place")}),
    ("service account namespace", with_service_account(), with_service_account("storage"),
     {("service account", "ebs-csi", "namespace", "in-place")}),
    ("existing vpc control plane", existing_vpc(SUBNETS_A), existing_vpc(SUBNETS_A, SUBNETS_B),
     {("vpc", "demo", "subnets.controlPlane", "in-place")}),
    ("existing vpc node subnets", existing_vpc(SUBNETS_A), existing_vpc(SUBNETS_B),
     {("vpc", "demo", "subnets.private", "in-place"), ("vpc", "demo", "subnets.controlPlane", "in-place"),
      ("node group", "general", "subnets", "nodes roll")}),
    ("existing vpc id", existing_vpc(SUBNETS_A),
     both(existing_vpc(SUBNETS_A), put("spec.vpc.id", "vpc-0fedcba9876543210")), {("vpc", "demo", "id", "replace")}),
    ("terraform backend", nothing,
     put("spec.terraform.backend", {"s3": {"bucket": "tfstate", "key": "demo.tfstate", "region": "eu-west-1"}}),
     # use_lockfile (the default) raises the default required_version to 1.10.0: a second, true change.
     {("terraform", "demo", "backend", "in-place"), ("terraform", "demo", "requiredVersion", "in-place")}),
    ("auto mode on", nothing, put("spec.autoMode", {"enabled": True}),
     {("cluster", "demo", "autoMode.enabled", "in-place")}),
    ("auto mode off", put("spec.autoMode", {"enabled": True}), put("spec.autoMode", {"enabled": False}),
     {("cluster", "demo", "autoMode.enabled", "one-way")}),
    ("auto mode pool removed", AUTO_MODE_BOTH_POOLS,
     put("spec.autoMode", {"enabled": True, "nodePools": ["system"]}),
     {("cluster", "demo", "autoMode.nodePools", "nodes roll")}),
    ("karpenter on", nothing, put("spec.karpenter", {"enabled": True}),
     {("cluster", "demo", "karpenter.enabled", "in-place")}),
    ("karpenter off", put("spec.karpenter", {"enabled": True}), put("spec.karpenter", {"enabled": False}),
     {("cluster", "demo", "karpenter.enabled", "replace")}),
    ("pod identity added", nothing, with_pod_identity(),
     {("pod identity association", "app", "added", "in-place")}),
    ("pod identity namespace", with_pod_identity(), with_pod_identity("billing"),
     {("pod identity association", "app", "namespace", "replace")}),
    ("control plane tier", nothing, put("spec.controlPlane", {"tier": "tier-xl"}),
     {("cluster", "demo", "controlPlane.tier", "in-place")}),
    ("vpc endpoints", nothing, put("spec.vpc.endpoints", ["s3"]), {("vpc", "demo", "endpoints", "in-place")}),
]


def write(directory: Path, doc: Spec | list[Spec], name: str = "cluster.yaml") -> Path:
    docs = doc if isinstance(doc, list) else [doc]
    path = directory / name
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return path


def variant(*tweaks: Tweak) -> Spec:
    doc = copy.deepcopy(BASE)
    for tweak in tweaks:
        tweak(doc)
    return doc


def renders(tmp_path: Path, old: Spec | list[Spec], new: Spec | list[Spec]) -> tuple[Any, Any]:
    before = render_spec(write(tmp_path, old, "old.yaml"), today=TODAY)
    after = render_spec(write(tmp_path, new, "new.yaml"), today=TODAY)
    return before, after


def report_for(tmp_path: Path, old: Spec | list[Spec], new: Spec | list[Spec]) -> DiffReport:
    return diff_results(*renders(tmp_path, old, new))


def changes_of(report: DiffReport) -> Expected:
    return {(c.area, c.subject, c.field, c.risk) for cd in report.clusters for c in cd.changes}


def test_the_table_has_enough_cases() -> None:
    assert len(CASES) >= 24


@pytest.mark.parametrize(("setup", "tweak", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_gets_its_area_subject_and_risk(tmp_path: Path, setup: Tweak, tweak: Tweak,
                                                    expected: Expected) -> None:
    before, after = renders(tmp_path, variant(setup), variant(setup, tweak))
    report = diff_results(before, after)
    assert changes_of(report) == expected
    assert report.has_changes
    # Every semantic change shows in the HCL too, as lines really removed from and added to the renders.
    diffs = report.clusters[0].files
    assert diffs
    old_files, new_files = before[0].result.files, after[0].result.files
    for name, text in diffs.items():
        lines = text.splitlines()
        assert lines[0] == f"--- a/{name}" and lines[1] == f"+++ b/{name}"
        removed = [line[1:] for line in lines[2:] if line.startswith("-")]
        added = [line[1:] for line in lines[2:] if line.startswith("+")]
        assert removed or added
        assert set(removed) <= set(old_files.get(name, "").splitlines())
        assert set(added) <= set(new_files.get(name, "").splitlines())
        assert removed != added


def test_skipping_a_minor_version_is_noted(tmp_path: Path) -> None:
    report = report_for(tmp_path, variant(), variant(put("spec.kubernetesVersion", "1.36")))
    version = next(c for c in report.clusters[0].changes if c.area == "cluster")
    assert (version.risk, version.note) == ("in-place", "control plane upgrade, one minor at a time: skips 1.35, "
                                                        "which EKS refuses; apply each version in turn")
    one_step = report_for(tmp_path, variant(), variant(put("spec.kubernetesVersion", "1.35")))
    assert one_step.clusters[0].changes[0].note == "control plane upgrade, one minor at a time"


def test_downgrade_says_eks_refuses(tmp_path: Path) -> None:
    report = report_for(tmp_path, variant(put("spec.kubernetesVersion", "1.35")), variant())
    assert "cannot downgrade" in report.clusters[0].changes[0].note


def test_worst_risk_per_area_and_overall(tmp_path: Path) -> None:
    new = variant(put_group("instanceTypes", ["m5.large"]), put_group("maxSize", 6),
                  put("spec.access.authenticationMode", "API_AND_CONFIG_MAP"), put("spec.endpoint.public", True))
    report = report_for(tmp_path, variant(), new)
    assert report.clusters[0].area_risks() == {"cluster": "in-place", "access": "one-way",
                                               "node group": "nodes roll"}
    assert report.worst_risk == "one-way"


def test_replace_is_worse_than_one_way(tmp_path: Path) -> None:
    assert RISK_ORDER == ("in-place", "nodes roll", "one-way", "replace")
    assert worst(["one-way", "replace", "in-place"]) == worst(["replace", "one-way"]) == "replace"
    assert worst(["nodes roll", "one-way"]) == "one-way" and worst([]) is None
    new = variant(put("spec.access.authenticationMode", "API_AND_CONFIG_MAP"),
                  put("spec.serviceIpv4Cidr", "172.20.0.0/16"))
    report = report_for(tmp_path, variant(), new)
    assert report.clusters[0].area_risks() == {"access": "one-way", "cluster": "replace"}
    assert report.worst_risk == "replace"


@pytest.mark.parametrize(("old", "new", "major"), [
    ("21.19.0", "21.20.0", False),
    ("21.19.0", "21.19.1", False),
    ("21.19.0", "22.0.0", True),
    ("21.19.0", "22.19.0", True),  # the same minor under another major
    ("6.6.0", "6.7.0", False),
])
def test_module_upgrades_warn_louder_on_a_new_major(old: str, new: str, major: bool) -> None:
    for module in ("eks", "vpc", "iam"):
        classify = rule_for_path(f"spec.terraform.modules.{module}")
        assert callable(classify) and not isinstance(classify, Rule)
        rule = classify(old, new)
        assert rule.risk == "in-place"
        assert rule.reason.startswith("major module upgrade") is major, rule.reason


REORDERS: list[tuple[str, Tweak]] = [
    ("node groups", lambda d: spec_of(d)["managedNodeGroups"].reverse()),
    ("access entries", lambda d: spec_of(d)["access"]["entries"].reverse()),
    ("addons", lambda d: spec_of(d).update(addons=dict(reversed(spec_of(d)["addons"].items())))),
    ("taints", lambda d: group(d)["taints"].reverse()),
    ("taints with one key twice", lambda d: group(d)["taints"].insert(0, group(d)["taints"].pop())),
    ("log types", lambda d: spec_of(d)["logging"]["types"].reverse()),
]


@pytest.mark.parametrize("reorder", [r[1] for r in REORDERS], ids=[r[0] for r in REORDERS])
def test_reordering_is_not_a_change(tmp_path: Path, reorder: Tweak) -> None:
    setup = both(second_group, with_entry(ADMIN, DEV), with_addons(),
                 put_group("taints", [{"key": "a", "effect": "NO_SCHEDULE"}, {"key": "b", "effect": "NO_EXECUTE"},
                                      {"key": "a", "effect": "NO_EXECUTE"}]),
                 put("spec.logging", {"types": ["api", "audit", "scheduler"]}))
    report = report_for(tmp_path, variant(setup), variant(setup, reorder))
    assert changes_of(report) == set()
    assert not report.has_changes


def test_order_only_differences_still_show_the_files(tmp_path: Path) -> None:
    setup = second_group
    report = report_for(tmp_path, variant(setup), variant(setup, REORDERS[0][1]))
    text = format_text(report)
    assert text.startswith("no changes\n(the rendered files differ only in the order")
    assert "--- a/eks.tf" in text


def test_reordering_entries_whose_names_collide_is_not_a_change(tmp_path: Path) -> None:
    # Both principals end in "platform-admins": their keys take account and path, whatever the order.
    setup = with_entry(ADMIN, OTHER_ACCOUNT_ADMIN)
    report = report_for(tmp_path, variant(setup), variant(setup, lambda d: spec_of(d)["access"]["entries"].reverse()))
    assert changes_of(report) == set()


def test_adding_a_principal_with_the_same_name_moves_the_existing_key(tmp_path: Path) -> None:
    # The existing entry's key grows from platform_admins to p_111122223333_platform_admins: diff says replace.
    report = report_for(tmp_path, variant(with_entry(ADMIN)), variant(with_entry(ADMIN, OTHER_ACCOUNT_ADMIN)))
    assert changes_of(report) == {("access entry", ADMIN, "terraformKey", "replace"),
                                  ("access entry", OTHER_ACCOUNT_ADMIN, "added", "in-place")}


def test_aws_auth_mapping_moved_to_entries_is_not_a_change(tmp_path: Path) -> None:
    old = variant(put("spec.access", {"authenticationMode": "API_AND_CONFIG_MAP", "awsAuth": {
        "mapRoles": [{"rolearn": DEV, "username": "dev", "groups": ["viewers"]}]}}))
    new = variant(put("spec.access", {"authenticationMode": "API_AND_CONFIG_MAP", "entries": [
        {"principalArn": DEV, "username": "dev", "kubernetesGroups": ["viewers"]}]}))
    assert changes_of(report_for(tmp_path, old, new)) == set()


def test_added_and_removed_node_groups_carry_their_definition(tmp_path: Path) -> None:
    report = report_for(tmp_path, variant(), variant(without_group, second_group))
    changes = {c.field: c for c in report.clusters[0].changes}
    assert set(changes) == {"added", "removed"}
    assert changes["added"].subject == "batch" and changes["added"].new["instanceTypes"] == ["m6i.xlarge"]
    assert changes[REMOVED].subject == "general" and changes[REMOVED].old["maxSize"] == 4


def test_clusters_of_multi_document_files_pair_by_name(tmp_path: Path) -> None:
    other = variant(put("metadata.name", "other"))
    report = report_for(tmp_path, [variant(), other],
                        [variant(put("metadata.name", "other"), put_group("maxSize", 5)), variant(),
                         variant(put("metadata.name", "third"))])
    assert changes_of(report) == {("node group", "general", "maxSize", "in-place"),
                                  ("cluster", "third", "added", "in-place")}
    assert {cd.name for cd in report.clusters} == {"demo", "other", "third"}
    assert "other/eks.tf" in report.clusters[1].files


def test_every_spec_field_has_a_rule() -> None:
    paths = [p for p in model_paths(Cluster, "") if not p.startswith("spec.access.awsAuth.")]
    missing = [p for p in paths if rule_for_path(p) is None or rule_for_path(p, existing_vpc=True) is None]
    assert missing == []
    assert all(risk in ("in-place", "nodes roll", "one-way", "replace", "computed") for _, _, risk, _ in risk_table())


def model_paths(model: type[pydantic.BaseModel], prefix: str) -> Iterator[str]:
    """Dotted alias paths of every leaf field; list items and map values are entered without a key."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        nested = _nested_model(info.annotation)
        if nested is None:
            yield path
        else:
            yield from model_paths(nested, f"{path}.")


def _nested_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, dict):
        found = [m for arg in typing.get_args(annotation) if (m := _nested_model(arg)) is not None]
        return found[0] if found else None
    return None


# --- output formats -----------------------------------------------------------------------------------------


@pytest.fixture
def instance_type_report(tmp_path: Path) -> DiffReport:
    return report_for(tmp_path, variant(put_group("instanceTypes", ["m5.large"])), variant())


def test_text_groups_by_area_then_shows_the_hcl_diff(instance_type_report: DiffReport) -> None:
    text = format_text(instance_type_report)
    assert "  node group [nodes roll]\n    node group general: instanceTypes m5.large → m6i.large [nodes roll]" in text
    assert "overall: nodes roll" in text
    assert '-      instance_types = ["m5.large"]\n+      instance_types = ["m6i.large"]' in text
    assert text.index("overall") < text.index("--- a/eks.tf")


def test_markdown_has_a_table_and_a_folded_diff(instance_type_report: DiffReport) -> None:
    markdown = format_markdown(instance_type_report)
    assert markdown.startswith("## eksgen diff: worst risk **nodes roll**")
    assert "| Area | Subject | Change | Risk | Why |" in markdown
    assert "| node group | general | `instanceTypes`: `m5.large` → `m6i.large` | **nodes roll** |" in markdown
    details = markdown[markdown.index("<details>"):]
    assert details.startswith("<details>\n<summary>Terraform diff (1 file(s))</summary>\n\n```diff\n--- a/eks.tf\n")
    assert "```\n\n</details>\n" in details
    assert markdown.endswith("- **nodes roll**: nodes are replaced gradually; pods are evicted and rescheduled\n")


def test_json_lists_changes_worst_risk_and_file_diffs(instance_type_report: DiffReport) -> None:
    data = json.loads(format_json(instance_type_report))
    assert data["worstRisk"] == "nodes roll"
    assert data["changes"] == [{"cluster": "demo", "area": "node group", "subject": "general", "field": "instanceTypes",
                                "old": ["m5.large"], "new": ["m6i.large"], "risk": "nodes roll",
                                "note": data["changes"][0]["note"]}]
    assert "create_before_destroy" in data["changes"][0]["note"]
    assert list(data["files"]) == ["eks.tf"] and data["files"]["eks.tf"].startswith("--- a/eks.tf")
    assert data["clusters"] == [{"cluster": "demo", "status": "changed", "worstRisk": "nodes roll",
                                 "areas": {"node group": "nodes roll"}}]


def test_no_changes_in_every_format(tmp_path: Path) -> None:
    report = report_for(tmp_path, variant(), variant())
    assert format_text(report) == "no changes\n"
    assert "No changes." in format_markdown(report)
    assert json.loads(format_json(report))["worstRisk"] is None


# --- command line -------------------------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def cb() -> None:
        """A group, so `diff` is a subcommand."""

    register(app)
    return app


def run_cli(*args: str | Path) -> Any:
    return CliRunner().invoke(cli_app(), ["diff", *map(str, args), *TODAY_ARGS])


def test_exit_codes_follow_diff(tmp_path: Path) -> None:
    old = write(tmp_path, variant(), "old.yaml")
    same = write(tmp_path, variant(), "same.yaml")  # another file name alone is no change
    new = write(tmp_path, variant(put_group("maxSize", 6)), "new.yaml")
    unchanged = run_cli(old, same)
    assert (unchanged.exit_code, unchanged.stdout) == (0, "no changes\n")
    changed = run_cli(old, new)
    assert changed.exit_code == 1
    assert "node group general: maxSize 4 → 6 [in-place]" in changed.stdout


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_every_format_from_the_command_line(tmp_path: Path, output_format: str) -> None:
    old = write(tmp_path, variant(), "old.yaml")
    new = write(tmp_path, variant(put("spec.ipFamily", "ipv6")), "new.yaml")
    result = run_cli(old, new, "--format", output_format)
    assert result.exit_code == 1, result.output
    assert "ipFamily" in result.stdout
    if output_format == "json":
        assert json.loads(result.stdout)["worstRisk"] == "replace"


def test_bad_input_exits_2(tmp_path: Path) -> None:
    old = write(tmp_path, variant(), "old.yaml")
    assert run_cli(old).exit_code == 2  # neither NEW nor --git
    assert run_cli(old, old, "--git", "HEAD").exit_code == 2  # both
    missing = run_cli(old, tmp_path / "missing.yaml")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    invalid = write(tmp_path, variant(put_group("maxSize", 1)), "invalid.yaml")
    assert run_cli(old, invalid).exit_code == 2


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "clusters").mkdir(parents=True)
    git(root, "init", "-q")
    git(root, "config", "user.name", "eksgen tests")
    git(root, "config", "user.email", "tests@example.com")
    write(root / "clusters", variant())
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "demo cluster")
    return root


def test_git_compares_a_spec_with_its_committed_version(repo: Path) -> None:
    spec = repo / "clusters" / "cluster.yaml"
    assert run_cli(spec, "--git", "HEAD").exit_code == 0
    write(repo / "clusters", variant(put_group("instanceTypes", ["m7i.large"])))
    result = run_cli(spec, "--git", "HEAD")
    assert result.exit_code == 1
    assert "node group general: instanceTypes m6i.large → m7i.large [nodes roll]" in result.stdout
    assert "--- a/eks.tf" in result.stdout


def test_git_reads_the_base_spec_at_the_revision_too(repo: Path) -> None:
    base = variant(put_group("maxSize", 4), put("kind", "ClusterBase"))
    write(repo / "clusters", base, "base.yaml")
    overlay = repo / "clusters" / "prod.yaml"
    overlay.write_text("extends: base.yaml\nmetadata:\n  name: prod\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "overlay")
    write(repo / "clusters", variant(put_group("maxSize", 8), put("kind", "ClusterBase")), "base.yaml")
    result = run_cli(overlay, "--git", "HEAD")
    assert result.exit_code == 1, result.output
    assert "node group general: maxSize 4 → 8 [in-place]" in result.stdout


def test_git_errors_in_the_old_version_name_the_revision(repo: Path) -> None:
    spec = repo / "clusters" / "cluster.yaml"
    write(repo / "clusters", variant(put_group("maxSize", 1)))
    git(repo, "commit", "-q", "-am", "broken")
    write(repo / "clusters", variant())
    result = run_cli(spec, "--git", "HEAD")
    assert result.exit_code == 2
    assert "clusters/cluster.yaml@HEAD:" in result.stderr and "must be >= minSize" in result.stderr


@pytest.mark.parametrize(("where", "rev", "message"), [
    ("outside", "HEAD", "not in a git repository"),
    ("untracked", "HEAD", "no such file at that revision"),
    ("tracked", "no-such-rev", "unknown revision"),
    ("tracked", "--output=x", "not a revision"),
])
def test_git_problems_are_usage_errors(repo: Path, tmp_path: Path, where: str, rev: str, message: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    spec = {"outside": write(outside, variant()), "untracked": write(repo / "clusters", variant(), "new.yaml"),
            "tracked": repo / "clusters" / "cluster.yaml"}[where]
    result = run_cli(spec, "--git", rev)
    assert result.exit_code == 2
    assert message in result.stderr
