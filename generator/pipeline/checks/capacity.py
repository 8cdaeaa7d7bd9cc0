"""Capacity rules: private subnets big enough for the pod IPs of every node group at max scale.

EKS070 warns when a private subnet has fewer usable addresses than the node groups in its AZ
need at maxSize (formulas in generator/capacity.py). EKS071 (unknown instance type) is never
emitted: compute's EKS064 already warns about it, and unknown types are left out of the sums.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.pipeline import capacity
from generator.pipeline.checks.context import CheckContext

PRIVATE_SUBNETS: Loc = ("spec", "vpc", "subnets", "private")
VPC_CIDR: Loc = ("spec", "vpc", "cidr")


def check(ctx: CheckContext) -> Iterator[Issue]:
    report = capacity.plan(ctx.cluster)
    written = _lists_private_subnets(ctx.raw)
    for subnet in report.subnets:
        if subnet.needed > subnet.usable:
            loc = (*PRIVATE_SUBNETS, subnet.index) if written else VPC_CIDR
            yield Issue(loc, too_small_message(subnet), severity="warning", rule="EKS070")


def too_small_message(subnet: capacity.SubnetCapacity) -> str:
    breakdown = "; ".join(share.describe() for share in subnet.shares)
    return (f"private subnet {subnet.cidr} in {subnet.zone} has {subnet.usable} usable addresses but node groups "
            f"need up to {subnet.needed} IPs for nodes and pods there at max scale ({breakdown}); use a larger subnet, "
            "more availability zones or a lower maxSize")


def _lists_private_subnets(raw: dict[str, object]) -> bool:
    """Whether the document itself lists vpc.subnets.private (else they are the default layout)."""
    node: object = raw
    for key in PRIVATE_SUBNETS:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True
