"""What one step does (generator/upgrade/steps.py), one row per condition, each text exactly as printed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from generator.lockfile.sources import AddonVersions, Sources
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from generator.upgrade.steps import step_actions
from tests.upgrade.conftest import KARPENTER, cluster_spec

TODAY = dt.date(2026, 12, 2)
SNAPSHOT = "eksgen's amazon-eks-ami snapshot of 2026-07-23"
AMI = "ami-0123456789abcdef0"


def cluster(body: str, version: str) -> Any:
    (doc,) = load_documents(cluster_spec(version=version, body=body), "c.yaml")
    checked = check_document(doc, today=TODAY, dated_as_warnings=True)
    assert checked.errors == [] and checked.effective is not None, checked.errors
    return checked.effective


def texts(body: str, before: str, after: str, sources: Sources | None = None) -> dict[str, str]:
    actions = step_actions(cluster(body, before), before, after, sources or Sources())
    return {a.subject: a.text for a in actions}


def managed(extra: str = "", name: str = "g", instance: str = "m6i.large") -> str:
    return f"  managedNodeGroups:\n    - name: {name}\n      instanceTypes: [{instance}]\n{extra}"


def self_managed(extra: str = "", name: str = "sm", instance: str = "m6i.large") -> str:
    return f"  selfManagedNodeGroups:\n    - name: {name}\n      instanceType: {instance}\n{extra}"


ROLLS = "kubernetes_version follows the control plane: EKS rolls the group to the newest "


@pytest.mark.parametrize(("body", "before", "after", "subject", "text"), [
    (managed("      launchTemplate: {id: lt-0123456789abcdef0}\n"), "1.32", "1.33", "managed node group g",
     "its launch template lt-0123456789abcdef0 decides the AMI: give it an AMI for 1.33; EKS then rolls the group"),
    (managed(f"      amiId: {AMI}\n"), "1.32", "1.33", "managed node group g",
     f"custom AMI {AMI}: replace amiId with an image for 1.33; EKS then rolls the group"),
    (managed("      amiType: AL2_x86_64\n", instance="m5.large"), "1.32", "1.33", "managed node group g",
     "no AL2_x86_64 AMI exists for 1.33: blocked until the group moves to AL2023"),
    (managed("      amiType: AL2_x86_64\n", instance="m5.large"), "1.31", "1.32", "managed node group g",
     ROLLS + f"AL2_x86_64 release for 1.32 (1.32.9-20251209 in {SNAPSHOT}), 1 node(s) at a time"),
    (managed("      maxUnavailablePercentage: 25\n"), "1.32", "1.33", "managed node group g",
     ROLLS + f"AL2023_x86_64_STANDARD release for 1.33 (1.33.13-20260714 in {SNAPSHOT}), 25 % of the nodes at a time"),
    (managed("      maxUnavailable: 2\n"), "1.32", "1.33", "managed node group g",
     ROLLS + f"AL2023_x86_64_STANDARD release for 1.33 (1.33.13-20260714 in {SNAPSHOT}), 2 node(s) at a time"),
    (self_managed(), "1.32", "1.33", "self-managed node group sm",
     "the launch template takes the SSM-recommended AL2023_x86_64_STANDARD AMI for 1.33; an instance refresh "
     "(Rolling, 66 % healthy) replaces the instances"),
    (self_managed(f"      amiId: {AMI}\n"), "1.32", "1.33", "self-managed node group sm",
     f"custom AMI {AMI}: replace amiId with an image for 1.33; the instance refresh then replaces the instances"),
    (self_managed("      amiType: AL2_x86_64\n", instance="m5.large"), "1.32", "1.33", "self-managed node group sm",
     "no AL2_x86_64 AMI exists for 1.33: blocked until the group moves to AL2023"),
    (self_managed("      amiType: AL2_x86_64\n", instance="m5.large"), "1.31", "1.32", "self-managed node group sm",
     "the launch template takes the SSM-recommended AL2_x86_64 AMI for 1.32; an instance refresh (Rolling, 66 % "
     "healthy) replaces the instances"),
    ("  autoMode:\n    enabled: true\n", "1.32", "1.33", "addons",
     "none listed: EKS Auto Mode upgrades the networking, DNS, storage and Pod Identity components itself"),
    ("  autoMode:\n    enabled: true\n", "1.32", "1.33", "EKS Auto Mode",
     "EKS replaces its nodes with 1.33 images after the control plane step, within your disruption budgets"),
    (managed() + "  addons:\n    coredns: {version: v1.11.4-eksbuild.2}\n", "1.32", "1.33", "addon coredns",
     "pinned in the spec to v1.11.4-eksbuild.2"),
])
def test_each_step_action_says_what_happens(body: str, before: str, after: str, subject: str, text: str) -> None:
    assert texts(body, before, after)[subject] == text


def test_without_auto_mode_no_action_rolls_by_itself_and_no_addon_line_stands_for_all() -> None:
    found = texts(managed(), "1.32", "1.33")
    assert "EKS Auto Mode" not in found and "addons" not in found


def test_a_pinned_addon_the_step_does_not_support_says_so() -> None:
    data = AddonVersions("describe-addon-versions: a.json", {"coredns": [
        ("v1.11.4-eksbuild.2", frozenset({"1.32"})), ("v1.12.1-eksbuild.1", frozenset({"1.33"}))]})
    body = managed() + "  addons:\n    coredns: {version: v1.11.4-eksbuild.2}\n"
    assert texts(body, "1.32", "1.33", Sources(addon_versions=data))["addon coredns"] == (
        "pinned in the spec to v1.11.4-eksbuild.2: not compatible with 1.33 per describe-addon-versions: a.json")
    assert texts(body, "1.31", "1.32", Sources(addon_versions=data))["addon coredns"] == \
        "pinned in the spec to v1.11.4-eksbuild.2"


@pytest.mark.parametrize(("after", "running", "text"), [
    ("1.35", None, "drift to the 1.35 AMI when their EC2NodeClass uses an alias such as al2023@latest (a pinned AMI "
                   "does not move) (Karpenter >= 1.9 supports 1.35)"),
    ("1.35", "1.9.0", "drift to the 1.35 AMI when their EC2NodeClass uses an alias such as al2023@latest (a pinned "
                      "AMI does not move) (Karpenter >= 1.9 supports 1.35; running 1.9.0)"),
    ("1.36", None, "drift to the 1.36 AMI when their EC2NodeClass uses an alias such as al2023@latest (a pinned AMI "
                   "does not move) (eksgen's table names no Karpenter release for 1.36)"),
])
def test_karpenter_nodes_drift_with_what_supports_the_step(after: str, running: str | None, text: str) -> None:
    before = f"1.{int(after.split('.')[1]) - 1}"
    found = texts(managed() + KARPENTER, before, after, Sources(karpenter_version=running))
    assert found["Karpenter nodes"] == text
