"""Whether what eksgen renders can work once applied: zones that exist in every account, nodes that
can reach the API endpoint, public subnets that can hold a load balancer."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.facts.releases import load_json
from generator.pipeline.checks.context import CheckContext

# An ALB needs a /27 or larger per subnet with at least 8 free addresses (ELB user guide).
LOAD_BALANCER_MIN_PREFIX = 27


def check(ctx: CheckContext) -> Iterator[Issue]:
    yield from _zones_given(ctx)
    yield from _nodes_reach_public_endpoint(ctx)
    yield from _nodes_reach_an_endpoint(ctx)
    yield from _public_subnets_hold_a_load_balancer(ctx)


def _zones_given(ctx: CheckContext) -> Iterator[Issue]:
    """In some regions the zone letters an account sees differ: a default could name a zone that is not there."""
    region, vpc = ctx.cluster.metadata.region, ctx.cluster.spec.vpc
    differing: dict[str, str] = load_json("regions.json").get("zonesDifferPerAccount", {})
    if vpc is None or vpc.id is not None or region not in differing or ctx.written("spec", "vpc", "availabilityZones"):
        return
    loc: Loc = ("spec", "vpc") if ctx.written("spec", "vpc") is not None else ("spec",)
    yield Issue(loc, f"in {region} {differing[region]}: list vpc.availabilityZones with the zones your account "
                f"has (aws ec2 describe-availability-zones --region {region})", rule="EKS025")


def _nodes_reach_public_endpoint(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    endpoint, vpc = spec.endpoint, spec.vpc
    if endpoint is None or vpc is None or endpoint.private or not endpoint.public or not endpoint.public_cidrs:
        return
    if not (spec.managed_node_groups or spec.self_managed_node_groups or spec.fargate_profiles):
        return
    if vpc.id is None and vpc.nat == "Disabled":
        return
    how = ("after the first apply, `terraform output nat_public_ips` lists them" if vpc.id is None
           else "they are the Elastic IPs of the NAT gateways of the VPC's private subnets")
    yield Issue(("spec", "endpoint", "private"), "nodes and pods reach a public-only endpoint through the NAT "
                f"gateways, so publicCidrs must include the gateways' public IPs ({how}), or nodes cannot "
                "join: set private: true (recommended), or add those IPs", severity="warning", rule="EKS140")


def _nodes_reach_an_endpoint(ctx: CheckContext) -> Iterator[Issue]:
    """In the VPC eksgen creates with nat: Disabled, private subnets have no route out: nodes and Fargate
    pods there reach the API server only through its private endpoint (VPC endpoints serve other services)."""
    spec = ctx.cluster.spec
    endpoint, vpc = spec.endpoint, spec.vpc
    if endpoint is None or vpc is None or vpc.id is not None or vpc.nat != "Disabled" or endpoint.private:
        return
    groups = [*spec.managed_node_groups, *spec.self_managed_node_groups]
    private_compute = spec.fargate_profiles or spec.auto_mode.enabled or spec.karpenter.enabled  # private subnets
    if private_compute or any(group.subnets != "public" for group in groups):
        yield Issue(("spec", "endpoint", "private"), "with nat: Disabled, nodes in private subnets have no route to "
                    "the public endpoint, so they cannot join: set private: true", rule="EKS142")


def _public_subnets_hold_a_load_balancer(ctx: CheckContext) -> Iterator[Issue]:
    vpc = ctx.cluster.spec.vpc
    if vpc is None or vpc.id is not None or vpc.subnets is None:
        return
    for index, text in enumerate(vpc.subnets.public or []):
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError:
            continue  # EKS026 reports it
        if network.prefixlen > LOAD_BALANCER_MIN_PREFIX:
            yield Issue(("spec", "vpc", "subnets", "public", index), f"{network} is smaller than /"
                        f"{LOAD_BALANCER_MIN_PREFIX}: an internet-facing ALB needs a /{LOAD_BALANCER_MIN_PREFIX} "
                        "or larger with 8 free addresses per subnet", severity="warning", rule="EKS141")
