"""VPC endpoint rules (checks/endpoints.py) beyond one row per rule: EKS102 for each kind of compute that
needs the endpoints (and none without compute), and each message word for word."""

from __future__ import annotations

import pytest

from tests.helpers import EXISTING_VPC, TWO_PRIVATE, fargate, issues_of, spec, where

NO_NODE_GROUPS: dict[int, str | None] = {n: None for n in range(10, 16)}  # BASE without its node group
NO_NAT = "  vpc:\n    nat: Disabled\n    endpoints: [s3]\n"
MISSING = ("with nat: Disabled nodes cannot pull images or get credentials: add VPC endpoints ecr.api, ecr.dkr, "
           "sts{} to vpc.endpoints (or a NAT gateway)")


def eks102(text: str) -> list[str]:
    return [i.message for i in issues_of(text) if i.rule == "EKS102"]


@pytest.mark.parametrize(("compute", "message"), [
    ("  selfManagedNodeGroups:\n    - name: batch\n", MISSING.format("")),
    (fargate(), MISSING.format("")),
    ("  karpenter:\n    enabled: true\n", MISSING.format(", eks-auth")),  # its controller uses Pod Identity
    ("  autoMode:\n    enabled: true\n", MISSING.format("")),
])
def test_each_kind_of_compute_needs_the_endpoints_alone(compute: str, message: str) -> None:
    assert eks102(spec(NO_NODE_GROUPS, NO_NAT + compute)) == [message]


def test_the_managed_node_group_of_the_base_spec_needs_them() -> None:
    assert eks102(spec(append=NO_NAT)) == [MISSING.format("")]


@pytest.mark.parametrize("extra", [
    "",  # no compute at all: nothing pulls images
    "  autoMode:\n    enabled: false\n",
    "  karpenter:\n    enabled: false\n",
])
def test_without_compute_no_endpoint_is_needed(extra: str) -> None:
    assert eks102(spec(NO_NODE_GROUPS, NO_NAT + extra)) == []


@pytest.mark.parametrize(("text", "found"), [
    (spec(append=EXISTING_VPC + TWO_PRIVATE + "    endpoints: [s3]\n"),
     ["20:5 vpc.endpoints: error EKS100: applies only to a new VPC: eksgen knows neither the existing VPC's route "
      "tables nor its CIDRs; create the endpoints where that VPC is managed"]),
    (spec(append="  vpc:\n    endpoints: [zzzz]\n"),
     ["17:17 vpc.endpoints[0]: warning EKS101: 'zzzz' is not a VPC endpoint service eksgen knows (waive this for a "
      "newer service)"]),
])
def test_endpoint_findings_word_for_word(text: str, found: list[str]) -> None:
    shown = [f"{where(i)}: {i.label}{i.message}" for i in issues_of(text) if i.rule in ("EKS100", "EKS101")]
    assert shown == found
