"""vpc.tf: the VPC module call with the subnet layout, NAT and discovery tags."""

from __future__ import annotations

from generator.ir import Attr, Ref, TfFile, Value
from generator.pipeline.effective import Cluster, Subnets
from generator.pipeline.plan.common import group, module_block, pins, tags_group
from generator.pipeline.plan.endpoints import endpoints_block

ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery"


def build_vpc(cluster: Cluster) -> TfFile:
    vpc = cluster.spec.vpc
    subnets = vpc.subnets or Subnets()  # the checks reject a new VPC whose default layout does not fit
    nat = {
        "HighlyAvailable": (True, False, True, "One NAT gateway per AZ: egress survives the loss of a zone."),
        "Single": (True, True, False, "A single NAT gateway: cheaper, but egress depends on one AZ."),
        "Disabled": (False, False, False, "No NAT: nodes need VPC endpoints to reach AWS APIs."),
    }[vpc.nat or "Single"]
    ipv6 = cluster.spec.ip_family == "ipv6"
    azs = len(vpc.availability_zones or [])
    groups = [
        group(Attr("name", Ref("local.name")), Attr("cidr", vpc.cidr),
               Attr("secondary_cidr_blocks", list(vpc.secondary_cidrs or []) or None)),
        group(Attr("azs", list(vpc.availability_zones or [])),
               Attr("private_subnets", list(subnets.private or [])),
               Attr("public_subnets", list(subnets.public or []) or None),
               Attr("intra_subnets", list(subnets.intra or []) or None)),
        group(Attr("enable_nat_gateway", nat[0]), Attr("single_nat_gateway", nat[1]),
               Attr("one_nat_gateway_per_az", nat[2]), comment=nat[3]),
    ]
    if ipv6:
        groups.append(group(
            Attr("enable_ipv6", True), Attr("create_egress_only_igw", True),
            Attr("public_subnet_ipv6_prefixes", list(range(azs)) if subnets.public else None),
            Attr("private_subnet_ipv6_prefixes", list(range(azs, 2 * azs))),
            Attr("intra_subnet_ipv6_prefixes", list(range(2 * azs, 3 * azs)) if subnets.intra else None),
            Attr("public_subnet_assign_ipv6_address_on_creation", True if subnets.public else None),
            Attr("private_subnet_assign_ipv6_address_on_creation", True),
            comment="IPv6 pods get addresses from the subnets' /64 prefixes.",
        ))
    karpenter = cluster.spec.karpenter is not None and bool(cluster.spec.karpenter.enabled)
    private_tags: dict[str, Value] = {INTERNAL_ELB_TAG: "1"}
    if karpenter:
        private_tags[KARPENTER_DISCOVERY_TAG] = Ref("local.name")
    groups.append(group(
        Attr("public_subnet_tags", {ELB_TAG: "1"} if subnets.public else None),
        Attr("private_subnet_tags", private_tags),
        comment="Discovery tags: the AWS Load Balancer Controller and Karpenter pick subnets by these."
        if karpenter else "Discovery tags: the AWS Load Balancer Controller picks subnets by these.",
    ))
    groups.append(tags_group(cluster))
    blocks = [module_block("vpc", "vpc", pins(cluster)["vpc"], groups, banner="VPC")]
    if vpc.endpoints:
        blocks.append(endpoints_block(cluster))
    return TfFile("vpc.tf", blocks)
