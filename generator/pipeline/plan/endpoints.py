"""VPC endpoints for a new VPC (vpc.tf): S3 as a gateway on the private route tables, every other
service as an interface endpoint in the private subnets with private DNS, behind a security group
that admits HTTPS from the VPC's own ranges only."""

from __future__ import annotations

from generator.ir import Attr, Block, Call, Obj, Ref, Value
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group, module_block, pins, tags_group

GATEWAY_SERVICES = frozenset({"s3"})  # dynamodb is a gateway too, but nodes do not need it


def endpoint_key(service: str) -> str:
    return service.replace(".", "_").replace("-", "_")


def endpoints_block(cluster: Cluster) -> Block:
    vpc = cluster.spec.vpc
    pairs: list[tuple[str, Value]] = []
    for service in sorted(vpc.endpoints or [], key=endpoint_key):
        if service in GATEWAY_SERVICES:
            body = Obj.of(service=service, service_type="Gateway",
                          route_table_ids=Ref("module.vpc.private_route_table_ids"))
        else:
            body = Obj.of(service=service, private_dns_enabled=True)
        pairs.append((endpoint_key(service), body))
    ingress = Obj.from_pairs([
        ("description", "HTTPS from the VPC"),
        ("cidr_blocks", [Ref("module.vpc.vpc_cidr_block"), *(vpc.secondary_cidrs or [])]),
        ("ipv6_cidr_blocks", [Ref("module.vpc.vpc_ipv6_cidr_block")] if cluster.spec.ip_family == "ipv6" else None),
    ])
    groups = [
        group(Attr("vpc_id", Ref("module.vpc.vpc_id")), Attr("subnet_ids", Ref("module.vpc.private_subnets"))),
        group(Attr("create_security_group", True),
              Attr("security_group_name_prefix", Call("format", ("%s-vpc-endpoints-", Ref("local.name")))),
              Attr("security_group_description", "VPC endpoints: HTTPS from inside the VPC"),
              Attr("security_group_rules", Obj.of(ingress_https=ingress)),
              comment="Interface endpoints answer HTTPS from inside the VPC only."),
        group(Attr("endpoints", Obj(tuple(pairs)))),
        tags_group(cluster),
    ]
    return module_block("vpc_endpoints", "vpc_endpoints", pins(cluster)["vpc_endpoints"], groups,
                        banner="VPC endpoints")
