"""The capacity rule (EKS070) of generator/pipeline/checks/capacity.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

import pytest

from tests.helpers import (
    Row,
    assert_nearest_valid_is_quiet,
    assert_rule_fires,
    assert_waiver,
    params,
    row,
    spec,
)

ROWS = [
    # /20 VPC: default private subnets are /24 (251 usable); m6i.large takes 29 pods + 1 = 30 IPs per node.
    row("default-layout", "EKS070", spec({14: "      maxSize: 30"}, append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        spec({14: "      maxSize: 24"}, append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        "17:5 vpc.cidr", "private subnet 10.0.0.0/24 in eu-west-1a has 251 usable addresses but node groups need "
                         "up to 300 IPs"),
    row("listed-subnets", "EKS070",
        spec({14: "      maxSize: 10"}, append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                                             "      private: [10.0.0.0/20, 10.0.16.0/26]\n"
                                             "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        spec({14: "      maxSize: 10"}, append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                                             "      private: [10.0.0.0/20, 10.0.16.0/20]\n"
                                             "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        "19:30 vpc.subnets.private[1]", "private subnet 10.0.16.0/26 in eu-west-1b has 59 usable addresses"),
]


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_rule_fires(case: Row) -> None:
    assert_rule_fires(case)


@pytest.mark.parametrize("case", params(ROWS, needs_finding=False))
def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
    assert_nearest_valid_is_quiet(case)


@pytest.mark.parametrize("case", params([r for r in ROWS if r.rule not in ("EKS090", "EKS091")], needs_finding=True))
def test_waiver(case: Row) -> None:
    assert_waiver(case)
