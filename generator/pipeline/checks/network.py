"""Network rules: VPC CIDR and subnets, availability zones, endpoint, service CIDR."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import Subnets, Vpc

VPC_PREFIX_RANGE = (16, 28)
SUBNET_PREFIX_RANGE = (16, 28)
SERVICE_CIDR_PREFIX_RANGE = (12, 24)
MAX_PUBLIC_ACCESS_CIDRS = 40
MIN_AZS = 2
MAX_DEFAULT_LAYOUT_AZS = 3  # the examples' layout: a 4th private /20 would cover the public /24s
# Ranges a public endpoint CIDR can never usefully be (RFC 1918, CGNAT, loopback, link-local,
# multicast, reserved). Documentation ranges stay allowed: the contract's own example uses one.
NOT_PUBLIC = tuple(ipaddress.IPv4Network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "224.0.0.0/4", "240.0.0.0/4",
))
VPC = ("spec", "vpc")


def check(ctx: CheckContext) -> Iterator[Issue]:
    vpc = ctx.cluster.spec.vpc
    written = _written_subnets(ctx.raw)
    if vpc.id is not None:
        yield from _existing_vpc(vpc, written)
    else:
        yield from _new_vpc(vpc, ctx.cluster.metadata.region, written)
    yield from _endpoint(ctx)
    yield from _service_cidr(ctx, vpc)


def _written_subnets(raw: dict[str, object]) -> set[str] | None:
    """Subnet groups the author wrote (None: no `subnets` at all, the default layout applies)."""
    node: object = raw
    for key in ("spec", "vpc", "subnets"):
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    return {"control_plane" if k == "controlPlane" else str(k) for k in node}


def _existing_vpc(vpc: Vpc, written: set[str] | None) -> Iterator[Issue]:
    if not P.VPC_ID.fullmatch(vpc.id or ""):
        yield Issue((*VPC, "id"), f"must be a VPC ID like vpc-0a1b2c3d4e5f67890 (got {vpc.id!r})", rule="EKS020")
    for field in ("cidr", "availabilityZones", "nat", "secondaryCidrs"):
        if getattr(vpc, _attr(field)) not in (None, []):
            yield Issue((*VPC, field), "applies only to a new VPC; remove it or remove vpc.id", rule="EKS020")
    subnets = vpc.subnets
    if subnets is None or not subnets.private:
        yield Issue((*VPC, "subnets", "private"), "an existing VPC needs at least 2 private subnet IDs",
                    rule="EKS021")
        return
    if subnets.intra:
        yield Issue((*VPC, "subnets", "intra"), "applies only to a new VPC; use controlPlane for existing subnets",
                    rule="EKS021")
    if len(set(subnets.private)) < MIN_AZS:
        yield Issue((*VPC, "subnets", "private"), "needs at least 2 distinct subnets (in different AZs)",
                    rule="EKS021")
    if written and "control_plane" in written and len(set(subnets.control_plane or [])) < MIN_AZS:
        yield Issue((*VPC, "subnets", "controlPlane"), "needs at least 2 distinct subnets (in different AZs): EKS "
                    "places the control plane's network interfaces in them", rule="EKS021")
    for group in ("private", "public", "control_plane"):
        if written and group in written:
            yield from _subnet_ids(getattr(subnets, group) or [], (*VPC, "subnets", _camel(group)))
    yield from _discovery_tags(subnets)


def _discovery_tags(subnets: Subnets) -> Iterator[Issue]:
    """eksgen cannot tag subnets it does not own: say exactly which tags to add."""
    for group, tag in (("private", "kubernetes.io/role/internal-elb=1"), ("public", "kubernetes.io/role/elb=1")):
        ids = getattr(subnets, group) or []
        if ids:
            yield Issue((*VPC, "subnets", group), f"tag {', '.join(ids)} with {tag} so load balancers find them "
                        "(eksgen does not manage an existing VPC)", severity="warning", rule="EKS029")


def _subnet_ids(ids: list[str], loc: Loc) -> Iterator[Issue]:
    for index, subnet in enumerate(ids):
        if not P.SUBNET_ID.fullmatch(subnet):
            yield Issue((*loc, index), f"must be a subnet ID like subnet-0a1b2c3d (got {subnet!r})", rule="EKS021")
        elif subnet in ids[:index]:
            yield Issue((*loc, index), f"duplicate subnet {subnet}", rule="EKS021")


def _new_vpc(vpc: Vpc, region: str, written: set[str] | None) -> Iterator[Issue]:
    cidr, problem = P.parse_ipv4_network(vpc.cidr or "")
    if problem:
        yield Issue((*VPC, "cidr"), problem, rule="EKS022")
    elif cidr is not None and not VPC_PREFIX_RANGE[0] <= cidr.prefixlen <= VPC_PREFIX_RANGE[1]:
        yield Issue((*VPC, "cidr"), f"VPC netmask must be /16 to /28 (got /{cidr.prefixlen})", rule="EKS022")
        cidr = None
    ranges = [cidr] if cidr else []
    for index, text in enumerate(vpc.secondary_cidrs or []):
        network, problem = P.parse_ipv4_network(text)
        if problem:
            yield Issue((*VPC, "secondaryCidrs", index), problem, rule="EKS022")
        elif network is not None:
            if any(network.overlaps(r) for r in ranges):
                yield Issue((*VPC, "secondaryCidrs", index), f"{network} overlaps another VPC CIDR", rule="EKS022")
            ranges.append(network)
    azs = vpc.availability_zones or []
    yield from _zones(azs, region)
    if vpc.subnets is None:
        if len(azs) > MAX_DEFAULT_LAYOUT_AZS:
            yield Issue((*VPC, "availabilityZones"), f"the default subnet layout fits at most "
                        f"{MAX_DEFAULT_LAYOUT_AZS} zones (got {len(azs)}); list vpc.subnets explicitly", rule="EKS023")
        elif cidr is not None:
            yield Issue((*VPC, "cidr"), f"{cidr} is too small for the default subnet layout (needs /20 or larger); "
                        "list vpc.subnets explicitly", rule="EKS023")
        return
    if written is None:
        return  # the default layout: derived from a valid CIDR and zone list, nothing to report
    if vpc.subnets.control_plane:
        yield Issue((*VPC, "subnets", "controlPlane"), "applies only to an existing VPC; use intra for a new one",
                    rule="EKS023")
    yield from _subnet_cidrs(vpc.subnets, ranges, len(azs))
    if vpc.nat != "Disabled" and not vpc.subnets.public:
        yield Issue((*VPC, "nat"), f"NAT mode {vpc.nat} needs public subnets for the gateways", rule="EKS024")


def _zones(azs: list[str], region: str) -> Iterator[Issue]:
    loc = (*VPC, "availabilityZones")
    for index, zone in enumerate(azs):
        if not (zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha()
                and zone[-1].islower()):
            yield Issue((*loc, index), f"{zone!r} is not an availability zone of {region} (like {region}a)",
                        rule="EKS025")
        elif zone in azs[:index]:
            yield Issue((*loc, index), f"duplicate availability zone {zone}", rule="EKS025")
    if len(set(azs)) < MIN_AZS:
        yield Issue(loc, "EKS needs subnets in at least 2 distinct availability zones", rule="EKS025")


def _subnet_cidrs(subnets: Subnets, vpc_ranges: list[ipaddress.IPv4Network], az_count: int) -> Iterator[Issue]:
    seen: list[tuple[ipaddress.IPv4Network, str]] = []
    for group in ("private", "public", "intra"):
        values = getattr(subnets, group) or []
        loc = (*VPC, "subnets", group)
        if group == "private" and len(values) < MIN_AZS:
            yield Issue(loc, "needs at least 2 private subnets (one per availability zone)", rule="EKS026")
        if values and len(values) != az_count:
            yield Issue(loc, f"has {len(values)} subnets for {az_count} availability zones; give one per zone",
                        rule="EKS026")
        for index, text in enumerate(values):
            network, problem = P.parse_ipv4_network(text)
            if problem or network is None:
                yield Issue((*loc, index), problem or "invalid", rule="EKS026")
                continue
            if not SUBNET_PREFIX_RANGE[0] <= network.prefixlen <= SUBNET_PREFIX_RANGE[1]:
                yield Issue((*loc, index), f"subnet netmask must be /16 to /28 (got /{network.prefixlen})",
                            rule="EKS026")
            if vpc_ranges and not any(network.subnet_of(r) for r in vpc_ranges):
                yield Issue((*loc, index), f"{network} is not inside the VPC CIDR "
                            f"{', '.join(str(r) for r in vpc_ranges)}", rule="EKS026")
            clash = next((where for other, where in seen if network.overlaps(other)), None)
            if clash:
                yield Issue((*loc, index), f"{network} overlaps {clash}", rule="EKS026")
            seen.append((network, f"vpc.subnets.{group}[{index}] ({network})"))


def _endpoint(ctx: CheckContext) -> Iterator[Issue]:
    endpoint = ctx.cluster.spec.endpoint
    loc = ("spec", "endpoint")
    if not endpoint.private and not endpoint.public:
        yield Issue(loc, "private and public access are both off: nothing could reach the API server",
                    rule="EKS027")
    cidrs = endpoint.public_cidrs
    if cidrs is None:
        if endpoint.public:
            yield Issue((*loc, "public"), "public endpoint without publicCidrs is open to 0.0.0.0/0; "
                        "list the CIDRs that may reach it", severity="warning", rule="EKS080")
        return
    if not endpoint.public:
        yield Issue((*loc, "publicCidrs"), "applies only with public: true", rule="EKS027")
    if endpoint.public and not cidrs:
        yield Issue((*loc, "publicCidrs"), "an empty list leaves the public endpoint open to 0.0.0.0/0; "
                    "list the CIDRs that may reach it", severity="warning", rule="EKS080")
    if len(cidrs) > MAX_PUBLIC_ACCESS_CIDRS:
        yield Issue((*loc, "publicCidrs"), f"EKS allows at most {MAX_PUBLIC_ACCESS_CIDRS} CIDRs (got {len(cidrs)})",
                    rule="EKS027")
    for index, text in enumerate(cidrs):
        network, problem = P.parse_ipv4_network(text)
        if problem:
            yield Issue((*loc, "publicCidrs", index), problem, rule="EKS027")
        elif network is not None and network.prefixlen == 0:
            yield Issue((*loc, "publicCidrs", index), "0.0.0.0/0 opens the API server to the whole internet; "
                        "list your egress ranges", severity="warning", rule="EKS080")
        elif network is not None and any(network.subnet_of(r) for r in NOT_PUBLIC):
            yield Issue((*loc, "publicCidrs", index), f"{network} is not a public range (private, loopback, "
                        "link-local, multicast or reserved)", rule="EKS027")


def _service_cidr(ctx: CheckContext, vpc: Vpc) -> Iterator[Issue]:
    text = ctx.cluster.spec.service_ipv4_cidr
    if text is None:
        return
    loc = ("spec", "serviceIpv4Cidr")
    if ctx.cluster.spec.ip_family == "ipv6":
        yield Issue(loc, "omit serviceIpv4Cidr for an IPv6 cluster", rule="EKS028")
        return
    network, problem = P.parse_ipv4_network(text)
    if problem or network is None:
        yield Issue(loc, problem or "invalid", rule="EKS028")
        return
    if not any(network.subnet_of(r) for r in P.PRIVATE_RANGES):
        yield Issue(loc, "must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", rule="EKS028")
    if not SERVICE_CIDR_PREFIX_RANGE[0] <= network.prefixlen <= SERVICE_CIDR_PREFIX_RANGE[1]:
        yield Issue(loc, f"netmask must be between /12 and /24 (got /{network.prefixlen})", rule="EKS028")
    for vpc_text in [vpc.cidr, *(vpc.secondary_cidrs or [])] if vpc.id is None else []:
        vpc_net, _ = P.parse_ipv4_network(vpc_text or "")
        if vpc_net is not None and network.overlaps(vpc_net):
            yield Issue(loc, f"{network} overlaps the VPC CIDR {vpc_net}", rule="EKS028")


def _attr(field: str) -> str:
    return {"availabilityZones": "availability_zones", "secondaryCidrs": "secondary_cidrs"}.get(field, field)


def _camel(field: str) -> str:
    return {"control_plane": "controlPlane"}.get(field, field)
