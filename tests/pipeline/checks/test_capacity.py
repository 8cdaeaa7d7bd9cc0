"""The capacity rule (EKS070) of generator/pipeline/checks/capacity.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import (
    row,
    rule_table_tests,
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


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
