"""The shipped upgrade tables: sources named, and the facts the plan relies on, row by row."""

from __future__ import annotations

import pytest

from generator.facts.releases import kubernetes_releases, load_json
from generator.facts.upgrades import (
    ami_family,
    karpenter_minimum,
    karpenter_supports,
    minor_of,
    newest_ami_release,
    removed_apis,
    shipped_ami_releases,
    support_pricing,
)


@pytest.mark.parametrize("table", ["ami-releases.json", "removed-apis.json", "karpenter-compatibility.json",
                                   "eks-pricing.json", "version-skew.json"])
def test_every_table_names_its_source_and_date(table: str) -> None:
    data = load_json(table)
    assert data["source"].strip() and len(data["date"]) == 10


@pytest.mark.parametrize(("karpenter", "kubernetes", "supported"), [
    ("1.5.0", "1.33", True), ("1.5.4", "1.34", False),   # 1.34 needs 1.6
    ("1.6.0", "1.34", True), ("1.8.2", "1.35", False),   # 1.35 needs 1.9
    ("1.9.0", "1.35", True), ("1.11.1", "1.36", False),  # no known release reaches 1.36
    ("0.37.0", "1.30", True), ("0.37.0", "1.31", False),  # before 1.0: up to the newest minimum met
    ("1.0.4", "1.31", False), ("1.0.5", "1.31", True),   # 1.31 needs 1.0.5 exactly
    ("1.14.0", "1.35", None),                            # newer than the table: it cannot say
])
def test_karpenter_ranges(karpenter: str, kubernetes: str, supported: bool | None) -> None:
    assert karpenter_supports(karpenter, kubernetes) is supported


def test_karpenter_minimums_cover_the_release_table_but_its_newest() -> None:
    assert [r.version for r in kubernetes_releases() if karpenter_minimum(r.version) is None] == ["1.36"]


def test_removed_apis_cover_every_release() -> None:
    assert all(removed_apis(r.version) is not None for r in kubernetes_releases())
    assert [a.api for a in removed_apis("1.32") or ()] == ["flowcontrol.apiserver.k8s.io/v1beta3"]
    assert removed_apis("1.28") is None


def test_ami_snapshot_release_versions_match_their_kubernetes_version() -> None:
    releases = shipped_ami_releases()
    assert all(minor_of(r.release_version) == minor_of(r.kubernetes_version) for r in releases)
    # Amazon Linux 2 ends with 1.32 (the fact behind EKS065 and the upgrade blocker)
    assert max(minor_of(r.kubernetes_version) or (0, 0) for r in releases if r.family == "AL2") == (1, 32)
    found = newest_ami_release(releases, "1.35", "AL2023")
    assert found is not None and found.release_version == "1.35.6-20260714"


@pytest.mark.parametrize(("ami_type", "family"), [("AL2023_ARM_64_STANDARD", "AL2023"), ("AL2_x86_64_GPU", "AL2"),
                                                  ("BOTTLEROCKET_x86_64", None), ("WINDOWS_CORE_2022_x86_64", None)])
def test_ami_family(ami_type: str, family: str | None) -> None:
    assert ami_family(ami_type) == family


def test_extended_support_costs_half_a_dollar_more_per_hour() -> None:
    assert support_pricing().extra_per_hour == "0.50"
