"""Upgrade paths, table by table: what each step does, what blocks it and what it warns about."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecInvalid, UsageError
from generator.lockfile.sources import Sources, read_addon_versions
from generator.pipeline.checks.rules import RULES
from generator.upgrade.model import ClusterPlan
from generator.upgrade.plan import plan_upgrade, versions_between
from tests.upgrade.conftest import AL2_GROUP, FARGATE_ONLY, GENERAL, KARPENTER, Write, cluster_spec

TODAY = dt.date(2026, 12, 2)


def plan(path: Path, target: str = "1.35", **sources: Any) -> ClusterPlan:
    report = plan_upgrade([path], target, today=TODAY, sources=Sources(**sources))
    return report.plans[0]


@pytest.mark.parametrize(("current", "target", "expected"), [
    ("1.32", "1.35", ["1.33", "1.34", "1.35"]),
    ("1.32", "1.33", ["1.33"]),
    ("1.32", "1.32", []),
    ("1.29", "1.36", ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]),
])
def test_the_path_is_one_minor_at_a_time(current: str, target: str, expected: list[str]) -> None:
    assert versions_between(current, target) == expected


def test_an_al2_group_blocks_the_step_to_1_33_with_the_exact_fix(write: Write) -> None:
    result = plan(write(cluster_spec(body=GENERAL + AL2_GROUP)))
    assert result.status == "blocked"
    assert [(b.step, b.subject) for b in result.blockers] == [("1.33", "managedNodeGroups[1] (legacy)")]
    assert "set managedNodeGroups[1].amiType: AL2023_x86_64_STANDARD and apply it on 1.32 first" in \
        result.blockers[0].fix
    legacy = [a.text for s in result.steps for a in s.actions if a.subject == "managed node group legacy"]
    assert all(text.startswith("no AL2_x86_64 AMI exists for 1.3") for text in legacy)
    assert [s.worst_risk for s in result.steps] == ["nodes roll"] * 3  # the diff risks are still shown


def test_al2_is_no_blocker_when_the_path_stays_below_1_33(write: Write) -> None:
    # 1.31 is past its support on TODAY: a reason to upgrade, not a refusal
    result = plan(write(cluster_spec(version="1.31", body=GENERAL + AL2_GROUP)), "1.32")
    assert result.blockers == []


def test_a_clean_path_orders_each_steps_actions(write: Write) -> None:
    result = plan(write(cluster_spec()))
    assert result.status == "planned" and result.path == ["1.32", "1.33", "1.34", "1.35"]
    first = result.steps[0]
    assert [a.phase for a in first.actions] == ["control plane", *["addons"] * 4, "node groups"]
    # before_compute addons come first, as the module creates them before the node groups
    assert [a.subject for a in first.actions[1:5]] == ["addon eks-pod-identity-agent", "addon vpc-cni",
                                                        "addon coredns", "addon kube-proxy"]
    assert "1.33.13-20260714" in first.actions[-1].text  # the newest AL2023 release in the shipped snapshot
    assert [r.summary for r in first.risks] == ["cluster payments: kubernetesVersion 1.32 → 1.33",
                                                "node group general: kubernetesVersion 1.32 → 1.33"]
    assert [r.risk for r in first.risks] == ["in-place", "nodes roll"]


@pytest.mark.parametrize(("karpenter", "blocked_at", "fix"), [
    ("1.5.0", "1.34", "upgrade the Karpenter chart to >= 1.6 before the step to 1.34"),
    ("1.6.3", "1.35", "upgrade the Karpenter chart to >= 1.9 before the step to 1.35"),
    ("1.9.0", None, None),
    ("1.11.1", None, None),
])
def test_karpenter_must_support_every_step(write: Write, karpenter: str, blocked_at: str | None,
                                           fix: str | None) -> None:
    result = plan(write(cluster_spec(body=GENERAL + KARPENTER)), karpenter_version=karpenter)
    assert [(b.step, b.fix) for b in result.blockers] == ([(blocked_at, fix)] if blocked_at else [])
    rolling = [a.text for a in result.steps[-1].actions if a.phase == "rolls by itself"]
    assert rolling and "Karpenter >= 1.9 supports 1.35" in rolling[0]


def test_karpenter_1_36_is_outside_every_known_range(write: Write) -> None:
    result = plan(write(cluster_spec(body=GENERAL + KARPENTER)), "1.36", karpenter_version="1.11.1")
    assert [b.step for b in result.blockers] == ["1.36"]
    assert "no Karpenter release in eksgen's table supports 1.36" in result.blockers[0].fix


def test_karpenter_without_its_version_is_a_warning_naming_the_minimum(write: Write) -> None:
    result = plan(write(cluster_spec(body=GENERAL + KARPENTER)))
    assert result.blockers == []
    (warning,) = [w for w in result.warnings if w.topic == "karpenter"]
    assert ">= 1.9 for 1.35" in warning.text and warning.command and "--karpenter-version" in warning.command


def test_fargate_only_restarts_pods_and_rolls_nothing(write: Write) -> None:
    result = plan(write(cluster_spec(body=FARGATE_ONLY)), "1.33")
    (step,) = result.steps
    fargate = [a for a in step.actions if a.phase == "node groups"]
    assert [a.subject for a in fargate] == ["Fargate profile system"]
    assert "`kubectl rollout restart` the deployments in apps, kube-system" in fargate[0].text
    assert step.worst_risk == "in-place"


@pytest.mark.parametrize(("current", "target", "support", "fragment"), [
    ("1.32", "1.33", "EXTENDED", "1.33 is already in extended support on 2026-12-02 (until 2027-07-29)"),
    ("1.32", "1.35", "EXTENDED", "standard support until 2027-03-27, then extended (supportType EXTENDED) until "
                                 "2028-03-27"),
    ("1.34", "1.35", "STANDARD", "with supportType STANDARD EKS upgrades the cluster itself after that date"),
])
def test_support_status_and_cost_of_the_target(write: Write, current: str, target: str, support: str,
                                               fragment: str) -> None:
    today = dt.date(2026, 11, 25) if support == "STANDARD" else TODAY
    report = plan_upgrade([write(cluster_spec(version=current, support=support))], target, today=today)
    (warning,) = [w for w in report.plans[0].warnings if w.topic == "support"]
    assert fragment in warning.text
    assert "USD 0.60 per cluster-hour instead of 0.10 (+0.50)" in warning.text
    assert warning.source and "extended-support-for-kubernetes-versions-pricing" in warning.source


def test_removed_apis_of_each_minor_crossed(write: Write) -> None:
    report = plan_upgrade([write(cluster_spec(version="1.30", support="EXTENDED"))], "1.33",
                          today=dt.date(2026, 7, 1))
    (warning,) = [w for w in report.plans[0].warnings if w.topic == "removed APIs"]
    assert "1.31: none; 1.32: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema, PriorityLevelConfiguration" in \
        warning.text
    assert warning.text.endswith("1.33: none")


def test_insights_and_free_ips_give_the_commands(write: Write) -> None:
    warnings = {w.topic: w for w in plan(write(cluster_spec())).warnings}
    assert warnings["insights"].command == (
        "aws eks list-insights --region eu-west-1 --cluster-name payments --filter "
        "'{\"categories\":[\"UPGRADE_READINESS\"],\"kubernetesVersions\":[\"1.33\"]}'")
    assert "intra subnets 10.0.52.0/24, 10.0.53.0/24, 10.0.54.0/24" in warnings["free IPs"].text


SELF_MANAGED_CUSTOM = """\
  selfManagedNodeGroups:
    - name: custom
      amiId: ami-0123456789abcdef0
      instanceType: m6i.large
"""


@pytest.mark.parametrize(("current", "target", "blocked_at"), [
    ("1.32", "1.35", None),   # three minors ahead: the skew policy's limit, allowed
    ("1.32", "1.36", "1.36"),  # four: the control plane would outrun the custom AMI's kubelet
])
def test_a_custom_ami_blocks_past_the_kubelet_skew(write: Write, current: str, target: str,
                                                   blocked_at: str | None) -> None:
    result = plan(write(cluster_spec(version=current, body=GENERAL + SELF_MANAGED_CUSTOM)), target)
    skew = [b for b in result.blockers if b.subject.startswith("selfManagedNodeGroups[0]")]
    assert [b.step for b in skew] == ([blocked_at] if blocked_at else [])
    if skew:
        assert "replace selfManagedNodeGroups[0].amiId (ami-0123456789abcdef0)" in skew[0].fix


def _addon_versions(tmp_path: Path) -> Path:
    path = tmp_path / "addons.json"
    path.write_text(json.dumps({"addons": [{"addonName": "coredns", "type": "networking", "addonVersions": [
        {"addonVersion": "v1.11.4-eksbuild.2", "compatibilities": [{"clusterVersion": "1.32", "defaultVersion": True,
                                                                     "platformVersions": ["*"]}]},
        {"addonVersion": "v1.12.1-eksbuild.1", "compatibilities": [
            {"clusterVersion": v, "defaultVersion": False, "platformVersions": ["*"]} for v in ("1.33", "1.34")]},
    ]}]}))
    return path


def test_a_pinned_addon_the_step_does_not_support_is_a_blocker(write: Write, tmp_path: Path) -> None:
    body = GENERAL + "  addons:\n    coredns: {version: v1.11.4-eksbuild.2}\n    vpc-cni: {}\n"
    result = plan(write(cluster_spec(body=body)), "1.34", addon_versions=read_addon_versions(_addon_versions(tmp_path)))
    assert [(b.step, b.subject) for b in result.blockers] == [("1.33", "addons.coredns")]
    assert result.blockers[0].fix.startswith("set addons.coredns.version: v1.12.1-eksbuild.1 (the newest for 1.33")


def test_a_floating_addon_names_the_version_it_would_get(write: Write, tmp_path: Path) -> None:
    body = GENERAL + "  addons:\n    coredns: {}\n    vpc-cni: {}\n"
    result = plan(write(cluster_spec(body=body)), "1.33", addon_versions=read_addon_versions(_addon_versions(tmp_path)))
    (coredns,) = [a for a in result.steps[0].actions if a.subject == "addon coredns"]
    assert coredns.text == "floats: most_recent for 1.33 at apply time, v1.12.1-eksbuild.1 per " \
                           "describe-addon-versions: addons.json"


def test_a_mixed_version_fleet_plans_each_cluster(write: Write) -> None:
    old = write(cluster_spec(name="old"), "old.yaml")
    new = write(cluster_spec(name="new", version="1.34", support="STANDARD"), "new.yaml")
    done = write(cluster_spec(name="done", version="1.35", support="STANDARD"), "done.yaml")
    report = plan_upgrade([old, new, done], "1.35", today=dt.date(2026, 11, 25))
    assert [(p.cluster, p.path, p.status) for p in report.plans] == [
        ("old", ["1.32", "1.33", "1.34", "1.35"], "planned"), ("new", ["1.34", "1.35"], "planned"),
        ("done", ["1.35"], "current")]
    assert [p.support_status for p in report.plans] == [
        "extended support until 2027-03-23 (supportType EXTENDED)",
        "standard support until 2026-12-02, extended until 2027-12-02",
        "standard support until 2027-03-27, extended until 2028-03-27"]


@pytest.mark.parametrize(("target", "message"), [
    ("1.31", "--to 1.31 is lower than its kubernetesVersion 1.32: EKS cannot downgrade a cluster"),
    ("1.40", "--to 1.40: not a Kubernetes version in eksgen's release table"),
    ("2", "--to 2: not a Kubernetes version in eksgen's release table"),
])
def test_a_target_outside_the_table_or_below_the_cluster_is_bad_input(write: Write, target: str,
                                                                      message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.").replace("(", r"\(")):
        plan(write(cluster_spec()), target)


def test_an_invalid_spec_is_bad_input_with_its_located_errors(write: Write) -> None:
    with pytest.raises(SpecInvalid) as raised:
        plan(write(cluster_spec(body=GENERAL + "      maxSize: 0\n")))
    assert "managedNodeGroups[0].maxSize" in str(raised.value)


def test_a_locked_addon_says_to_lock_again_after_the_step(write: Write) -> None:
    spec = write(cluster_spec(body=GENERAL + "  addons:\n    coredns: {}\n"))
    (spec.parent / "eksgen.lock").write_text(json.dumps({"lockVersion": 1, "clusters": {"payments": {
        "kubernetesVersion": "1.32", "addons": {"coredns": {"version": "v1.11.4-eksbuild.24"}}}}}))
    result = plan(spec, "1.33")
    (coredns,) = [a for a in result.steps[0].actions if a.subject == "addon coredns"]
    assert coredns.text == "eksgen.lock pins v1.11.4-eksbuild.24 for 1.32: re-lock after this step (`eksgen lock`)"


def test_a_step_spec_eksgen_refuses_is_one_blocker_with_the_rules_fix(write: Write) -> None:
    """A release version pinned for 1.32 fails EKS150 in the 1.33 stage: reported once, at its first step,
    with the rule's own hint (the later steps repeat the same error)."""
    result = plan(write(cluster_spec(body=GENERAL + "      amiReleaseVersion: 1.32.13-20260714\n")), "1.34")
    assert (result.status, result.region, result.support_type) == ("blocked", "eu-west-1", "EXTENDED")
    assert [(b.step, b.subject, b.problem, b.fix) for b in result.blockers] == [(
        "1.33", "managedNodeGroups[0].amiReleaseVersion",
        "the step's spec fails: error EKS150: '1.32.13-20260714' is not an AL2023_x86_64_STANDARD release for "
        "Kubernetes 1.33 (like 1.33.N-YYYYMMDD)",
        RULES["EKS150"].hint)]
