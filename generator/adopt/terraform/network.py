"""The VPC: a vpc module call (new VPC) with its endpoints, or literal IDs on the eks module (existing)."""

from __future__ import annotations

from typing import Any

from generator.adopt.terraform.calls import Call, Reporter, literal, strings
from generator.adopt.terraform.values import Unknown

NAT_MODES = {(True, True, False): "Single", (True, False, True): "HighlyAvailable", (False, False, False): "Disabled"}
_VPC_KNOWN = {"name", "cidr", "secondary_cidr_blocks", "azs", "private_subnets", "public_subnets", "intra_subnets",
              "enable_nat_gateway", "single_nat_gateway", "one_nat_gateway_per_az", "enable_ipv6",
              "create_egress_only_igw", "public_subnet_ipv6_prefixes", "private_subnet_ipv6_prefixes",
              "intra_subnet_ipv6_prefixes", "public_subnet_assign_ipv6_address_on_creation",
              "private_subnet_assign_ipv6_address_on_creation", "public_subnet_tags", "private_subnet_tags", "tags"}


def new_vpc(vpc: Call, report: Reporter) -> dict[str, Any]:
    result: dict[str, Any] = {}
    cidr = literal(vpc, report, "cidr", vpc.take("cidr")[1], str, "VPC CIDR")
    if cidr is not None:
        result["cidr"] = cidr
    zones = vpc.take("azs")[1]
    if strings(zones):
        result["availabilityZones"] = zones
    elif isinstance(zones, list) and all(isinstance(z, Unknown) for z in zones):
        report.warn(vpc.where("azs"), vpc.loc("azs"), f"{len(zones)} zones from a data source: the spec leaves "
                    "availabilityZones to eksgen's default (the region's first zones, a, b, c); check they match")
    else:
        literal(vpc, report, "azs", zones, list, "availability zones")
    nat = (vpc.take("enable_nat_gateway")[1] is True, vpc.take("single_nat_gateway")[1] is True,
           vpc.take("one_nat_gateway_per_az")[1] is True)
    mode = NAT_MODES.get(nat) or ("Single" if nat[0] and nat[1] else "HighlyAvailable" if nat[0] else "Disabled")
    result["nat"] = mode
    subnets: dict[str, Any] = {}
    for key in ("private", "public", "intra"):
        value = literal(vpc, report, f"{key}_subnets", vpc.take(f"{key}_subnets")[1], list, f"{key} subnets")
        if value is not None and strings(value) and value:
            subnets[key] = value
    if subnets:
        result["subnets"] = subnets
    secondary = vpc.take("secondary_cidr_blocks")[1]
    if strings(secondary) and secondary:
        result["secondaryCidrs"] = secondary
    vpc.used.update(a for a in vpc.args if a in _VPC_KNOWN)
    return result


def ipv6_settings(vpc: Call) -> bool:
    return vpc.args.get("enable_ipv6") is True


def endpoints(call: Call, report: Reporter) -> list[str]:
    value = call.take("endpoints")[1]
    services = []
    for key, body in (value.items() if isinstance(value, dict) else []):
        service = body.get("service") if isinstance(body, dict) else None
        if isinstance(service, str):
            services.append(service)
        else:
            report.warn(call.where("endpoints"), call.loc("endpoints", key), "no literal service name; left out")
    for arg in ("vpc_id", "subnet_ids", "create_security_group", "security_group_name_prefix",
                "security_group_description", "security_group_rules", "tags"):
        call.take(arg)
    return services


def eks_networking(eks: Call, report: Reporter, vpc: dict[str, Any] | None, spec: dict[str, Any],
                   public: Any = None) -> None:
    """vpc_id, subnet_ids and control_plane_subnet_ids, the IP family and the service CIDR; `public` is an
    existing VPC's public subnet list when the root module names it (an output, as eksgen writes one)."""
    vpc_id = eks.take("vpc_id")[1]
    subnets = eks.take("subnet_ids")[1]
    control = eks.take("control_plane_subnet_ids")[1]
    if isinstance(vpc_id, str):
        existing: dict[str, Any] = {"id": vpc_id}
        chosen: dict[str, Any] = {}
        if strings(subnets):
            chosen["private"] = subnets
        else:
            literal(eks, report, "subnet_ids", subnets, list, "node subnets of an existing VPC")
        if strings(public) and public:
            chosen["public"] = public
        if strings(control) and control != subnets:
            chosen["controlPlane"] = control
        existing["subnets"] = chosen
        spec["vpc"] = existing
    elif vpc is not None:
        spec["vpc"] = vpc
        if not (isinstance(subnets, Unknown) and subnets.text == "module.vpc.private_subnets"):
            report.warn(eks.where("subnet_ids"), eks.loc("subnet_ids"), "eksgen puts the cluster in "
                        "module.vpc.private_subnets; other subnets move the cluster")
        intra = bool(vpc.get("subnets", {}).get("intra"))
        uses_intra = isinstance(control, Unknown) and control.text == "module.vpc.intra_subnets"
        if intra and not uses_intra:
            report.warn(eks.where("control_plane_subnet_ids"), eks.loc("control_plane_subnet_ids"),
                        "the VPC has intra subnets, which eksgen gives the control plane "
                        "(control_plane_subnet_ids = module.vpc.intra_subnets): EKS replaces the cluster's ENIs")
    else:
        report.error(eks.where("vpc_id"), eks.loc("vpc_id"), "the VPC is neither a literal vpc-... ID nor "
                     "module.vpc.vpc_id of a terraform-aws-modules/vpc call in this root module")
    family = eks.take("ip_family", "cluster_ip_family")[1]
    if isinstance(family, str):
        spec["ipFamily"] = family
    policy = eks.take("create_cni_ipv6_iam_policy")[1]
    if family == "ipv6":
        spec["vpcCni"] = {"createIpv6Policy": policy is True}
    cidr = eks.take("service_ipv4_cidr", "cluster_service_ipv4_cidr")[1]
    if isinstance(cidr, str):
        spec["serviceIpv4Cidr"] = cidr
