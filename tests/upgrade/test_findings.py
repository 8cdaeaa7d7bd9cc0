"""Warnings and support status of an upgrade plan (generator/upgrade/findings.py), one row per condition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from generator.lockfile.sources import Sources
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from generator.upgrade import findings
from tests.helpers import EXISTING_VPC
from tests.upgrade.conftest import GENERAL, KARPENTER, cluster_spec

TODAY = dt.date(2026, 12, 2)
TWO = "[subnet-0a1b2c3d, subnet-0a1b2c3e]"


def cluster(body: str, version: str = "1.32") -> Any:
    (doc,) = load_documents(cluster_spec(version=version, body=body), "c.yaml")
    checked = check_document(doc, today=TODAY, dated_as_warnings=True)
    assert checked.errors == [] and checked.effective is not None, checked.errors
    return checked.effective


def warned(body: str, path: list[str], sources: Sources | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in findings.warnings(cluster(body, path[0]), path, TODAY, sources or Sources()):
        found.setdefault(warning.topic, []).append(warning.text)
    return found


@pytest.mark.parametrize(("body", "subnets"), [
    (GENERAL + EXISTING_VPC + f"    subnets:\n      private: {TWO}\n", "subnet-0a1b2c3d, subnet-0a1b2c3e"),
    (GENERAL + EXISTING_VPC + f"    subnets:\n      private: {TWO}\n"
     "      controlPlane: [subnet-0a1b2c3f, subnet-0a1b2c40]\n",
     "subnet-0a1b2c3f, subnet-0a1b2c40"),  # an existing VPC's control-plane subnets, when given
    (GENERAL + "  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
     "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n",
     "private subnets 10.0.0.0/20, 10.0.16.0/20"),  # a new VPC without intra subnets
    (GENERAL, "intra subnets 10.0.52.0/24, 10.0.53.0/24, 10.0.54.0/24"),  # the default layout
])
def test_the_free_ip_warning_names_the_control_plane_subnets(body: str, subnets: str) -> None:
    assert warned(body, ["1.32", "1.33"])["free IPs"] == [
        f"EKS needs up to 5 free IP addresses in the subnets the cluster was created with ({subnets}) for each "
        "control-plane update"]


def test_nothing_is_warned_without_a_step() -> None:
    assert findings.warnings(cluster(GENERAL), ["1.32"], TODAY, Sources()) == []


def test_insights_name_each_later_step_only_when_there_are_several() -> None:
    one, three = warned(GENERAL, ["1.32", "1.33"])["insights"][0], warned(GENERAL, ["1.32", "1.33", "1.34", "1.35"])
    assert "read EKS upgrade insights before each step; an ERROR" in one
    assert "before each step (then with 1.34, 1.35 before each later step); an ERROR" in three["insights"][0]


def test_a_custom_ami_is_a_warning_for_every_step() -> None:
    body = GENERAL + "    - name: c\n      instanceTypes: [m6i.large]\n      amiId: ami-0123456789abcdef0\n"
    assert warned(body, ["1.32", "1.33"])["nodes"] == [
        "managedNodeGroups[1] (c) runs the custom AMI ami-0123456789abcdef0: in every step give it an image for "
        "that version; EKS updates the control plane only once managed nodes run its minor"]
    assert "nodes" not in warned(GENERAL, ["1.32", "1.33"])


@pytest.mark.parametrize(("running", "expected"), [
    ("9.9.9", ["eksgen's table cannot say whether Karpenter 9.9.9 supports 1.33, 1.34"]),  # past the table
    ("1.9.0", None),  # known to support both steps: nothing to say
])
def test_a_karpenter_version_the_table_cannot_judge_is_a_warning(running: str, expected: list[str] | None) -> None:
    found = warned(GENERAL + KARPENTER, ["1.32", "1.33", "1.34"], Sources(karpenter_version=running))
    assert found.get("karpenter") == expected


@pytest.mark.parametrize(("today", "status"), [
    (dt.date(2026, 3, 23), "standard support until 2026-03-23, extended until 2027-03-23"),  # the last standard day
    (dt.date(2026, 3, 24), "extended support until 2027-03-23 (supportType EXTENDED)"),
    (dt.date(2027, 3, 23), "extended support until 2027-03-23 (supportType EXTENDED)"),  # the last extended day
    (dt.date(2027, 3, 24), "unsupported since 2027-03-23"),
])
def test_support_status_on_both_sides_of_each_date(today: dt.date, status: str) -> None:
    assert findings.support_status("1.32", today, "EXTENDED") == status


def test_a_version_outside_the_release_table_has_no_support_dates() -> None:
    assert findings.support_status("1.99", TODAY, "STANDARD") == "not in eksgen's release table"
