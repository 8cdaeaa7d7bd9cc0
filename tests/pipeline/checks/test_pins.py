"""The release-version and lock rules: EKS150 (generator/pipeline/checks/launch.py, amiReleaseVersion) and
EKS151 (generator/pipeline/pins.py, eksgen.lock pins that no longer fit), one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import (
    row,
    rule_table_tests,
    spec,
)

FITTING = {"kubernetesVersion": "1.35", "nodeGroups": {
    "general": {"amiType": "AL2023_x86_64_STANDARD", "releaseVersion": "1.35.6-20260714"}}}

ROWS = [
    row("release-of-another-minor", "EKS150", spec(append="      amiReleaseVersion: 1.34.9-20260714\n"),
        spec(append="      amiReleaseVersion: 1.35.6-20260714\n"), "16:7 managedNodeGroups[0].amiReleaseVersion",
        "is not an AL2023_x86_64_STANDARD release for Kubernetes 1.35"),
    row("release-with-ami-id", "EKS150",
        spec(append="      amiId: ami-0123456789abcdef0\n      amiReleaseVersion: 1.35.6-20260714\n"),
        spec(append="      amiId: ami-0123456789abcdef0\n"), "17:7 managedNodeGroups[0].amiReleaseVersion",
        "a custom amiId fixes the image"),
    row("lock-for-another-version", "EKS151", spec(), spec(), "9:3 kubernetesVersion",
        "pins are for Kubernetes 1.34, the cluster is 1.35", pins={"kubernetesVersion": "1.34"}, good_pins=FITTING),
    row("lock-for-a-removed-group", "EKS151", spec(), spec(), "10:3 managedNodeGroups",
        "node group old is pinned but not in the spec", pins={"kubernetesVersion": "1.35", "nodeGroups": {
            "old": {"amiType": "AL2023_x86_64_STANDARD", "releaseVersion": "1.35.6-20260714"}}}, good_pins=FITTING),
    row("lock-for-another-ami-type", "EKS151", spec(append="      amiType: AL2023_ARM_64_STANDARD\n").replace(
        "m6i.large", "m7g.large"), spec(), "16:7 managedNodeGroups[0].amiType",
        "node group general is pinned for AL2023_x86_64_STANDARD, the spec says AL2023_ARM_64_STANDARD",
        pins=FITTING, good_pins=FITTING),
    row("lock-for-a-removed-addon", "EKS151", spec(append="  addons:\n    vpc-cni: {}\n"), spec(),
        "16:3 addons", "addon coredns is pinned but not in the spec",
        pins={"kubernetesVersion": "1.35", "addons": {"coredns": {"version": "v1.12.1-eksbuild.2"}}},
        good_pins={"kubernetesVersion": "1.35", "addons": {"coredns": {"version": "v1.12.1-eksbuild.2"}}}),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
