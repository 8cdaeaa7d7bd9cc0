"""The VPC (made by eksctl or existing), its subnets and NAT, the API endpoint and private clusters."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.tree import Block
from generator.errors import Loc
from generator.pipeline.default_values import DEFAULT_VPC_CIDR
from generator.pipeline.defaults import default_availability_zones
from generator.pipeline.model import Endpoint, Subnets, Vpc

VPC: Loc = ("vpc",)


@dataclass
class Subnet:
    name: str
    group: str  # private | public
    id: str | None
    az: str | None
    cidr: str | None
    loc: Loc


@dataclass
class Network:
    """What node groups need to know about the subnets: eksctl names them, eksgen places by kind, zone or ID."""

    existing: bool = False
    zones: list[str] = field(default_factory=list)
    subnets: dict[str, Subnet] = field(default_factory=dict)  # by eksctl's name (a zone or any name)
    public: bool = True  # the VPC has public subnets


def _read_subnets(ctx: Context) -> list[Subnet]:
    found = []
    for group in ("private", "public"):
        loc = (*VPC, "subnets", group)
        for name in ctx.src.mapping(loc):
            spec = (*loc, name)
            if ctx.src.typed(spec, dict) is None:
                continue
            found.append(Subnet(name, group, ctx.src.text((*spec, "id")), ctx.src.text((*spec, "az")),
                                ctx.src.text((*spec, "cidr")), spec))
            ctx.drop_unread(spec, Block())
    return found


def map_network(ctx: Context) -> Network:
    subnets = _read_subnets(ctx)
    vpc_id = ctx.src.text((*VPC, "id"))
    net = Network(existing=vpc_id is not None or any(s.id for s in subnets),
                  subnets={s.name: s for s in subnets})
    ctx.existing_vpc = net.existing
    ctx.private_cluster = bool(ctx.src.flag(("privateCluster", "enabled")))
    vpc = ctx.spec.child("vpc", Vpc, origin=VPC)
    if net.existing:
        _existing(ctx, vpc, vpc_id, subnets, net)
    else:
        _new(ctx, vpc, subnets, net)
    _endpoint(ctx)
    _private_cluster(ctx, vpc, net)
    ctx.drop_unread((*VPC, "subnets"), vpc)
    ctx.drop_unread(VPC, vpc)
    ctx.drop_unread(("privateCluster",), vpc)
    return net


def _existing(ctx: Context, vpc: Block, vpc_id: str | None, subnets: list[Subnet], net: Network) -> None:
    if vpc_id is None:
        ctx.src.report((*VPC, "subnets"), "subnets are given by ID but vpc.id is missing: eksctl looks the VPC up "
                                          "in AWS, eksgen needs it written; add vpc.id")
    vpc.set("id", vpc_id, origin=(*VPC, "id"))
    ctx.src.raw((*VPC, "cidr"))  # eksctl only checks it against the VPC; the VPC keeps its own
    block = vpc.child("subnets", Subnets, origin=(*VPC, "subnets"))
    for group in ("private", "public"):
        ids = []
        for subnet in (s for s in subnets if s.group == group):
            if subnet.id is None:
                ctx.drop(subnet.loc, block, "eksctl finds this subnet in AWS by its CIDR or zone; eksgen needs "
                                            "its ID")
            else:
                ids.append(subnet.id)
        block.set(group, ids or None, origin=(*VPC, "subnets", group))
    net.public = any(s.group == "public" and s.id for s in subnets)
    control = ctx.src.texts((*VPC, "controlPlaneSubnetIDs"))
    on_private = ctx.src.flag((*VPC, "controlPlaneOnPrivateSubnets"))
    if control:
        block.set("controlPlane", control, origin=(*VPC, "controlPlaneSubnetIDs"))
    elif not on_private and net.public:
        every = [s.id for s in subnets if s.id]
        block.set("controlPlane", every, comment=(
            "eksctl's default: the control plane's network interfaces in every subnet, public ones too; "
            "eksgen's default keeps them in the private subnets, off the internet-facing ones."))
    for key in ("nat", "extraCIDRs"):
        if ctx.src.has((*VPC, key)):
            ctx.drop((*VPC, key), vpc, "an existing VPC keeps its own NAT gateways and CIDRs")


def _zones(ctx: Context, subnets: list[Subnet]) -> tuple[list[str], bool]:
    """The VPC's zones and whether the ClusterConfig named them."""
    listed = ctx.src.texts(("availabilityZones",))
    if listed:
        return list(dict.fromkeys(listed)), True
    named = sorted({s.az or s.name for s in subnets})  # eksctl's subnet maps have no order; zones sort
    if named:
        return named, True
    return default_availability_zones(ctx.region)[:E.EKSCTL_DEFAULT_AZ_COUNT], False


def eksctl_layout(cidr: str, zones: int) -> tuple[list[str], list[str]] | None:
    """eksctl's subnets for a VPC it makes: public blocks first, then private ones (pkg/vpc, SetSubnets)."""
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError:
        return None
    total = 2 * zones
    split = next(((count, bits) for count, bits in E.EKSCTL_SUBNET_SPLITS if total <= count), None)
    if split is None or network.prefixlen + split[1] > 28:
        return None
    blocks = list(network.subnets(prefixlen_diff=split[1]))
    return [str(b) for b in blocks[:zones]], [str(b) for b in blocks[zones:total]]


def _new(ctx: Context, vpc: Block, subnets: list[Subnet], net: Network) -> None:
    cidr = ctx.src.text((*VPC, "cidr"))
    if cidr is None:
        cidr = E.EKSCTL_DEFAULT_VPC_CIDR
        vpc.set("cidr", cidr, comment=f"eksctl's default VPC CIDR (eksgen's is {DEFAULT_VPC_CIDR}).")
    else:
        vpc.set("cidr", cidr, origin=(*VPC, "cidr"))
    zones, named = _zones(ctx, subnets)
    net.zones = zones
    vpc.set("availabilityZones", zones, origin=("availabilityZones",) if named else None, comment=None if named else (
        "eksctl picks its zones at random when the ClusterConfig names none: replace these with the zones "
        "the cluster's subnets are in."))
    if not named:
        ctx.note(("metadata", "region"), f"no availabilityZones: eksctl picked {E.EKSCTL_DEFAULT_AZ_COUNT} zones of "
                                         f"{ctx.region} at random; the spec assumes {', '.join(zones)}")
    block = vpc.child("subnets", Subnets, origin=(*VPC, "subnets"))
    given = {g: [s for s in subnets if s.group == g] for g in ("private", "public")}
    if any(given.values()):
        for group, items in given.items():
            ordered = sorted(items, key=lambda s: zones.index(s.az or s.name) if (s.az or s.name) in zones else 99)
            cidrs = [s.cidr for s in ordered if s.cidr]
            if len(cidrs) != len(items):
                missing = next(s for s in ordered if not s.cidr)
                ctx.src.report(missing.loc, "a subnet of a new VPC needs its cidr (eksgen writes every range)")
            block.set(group, cidrs or None, origin=(*VPC, "subnets", group))
    else:
        layout = eksctl_layout(cidr, len(zones))
        if layout is None:
            ctx.src.report((*VPC, "cidr"), f"eksctl cannot split {cidr} into subnets for {len(zones)} zones")
        else:
            public, private = layout
            block.set("private", private, comment=(
                "eksctl's subnet layout: equal blocks, public subnets first. eksgen's default layout adds intra "
                "subnets for the control plane; without them its network interfaces are in the private subnets."))
            block.set("public", [] if ctx.private_cluster else public)
    net.public = not ctx.private_cluster and bool(block.fields.get("public"))
    if not ctx.src.flag((*VPC, "controlPlaneOnPrivateSubnets")) and not ctx.private_cluster:
        ctx.note(VPC, "eksctl puts the control plane's network interfaces in every subnet, public ones too; "
                      "in the spec they are in the private subnets")
    _nat(ctx, vpc)
    extra = ctx.src.texts((*VPC, "extraCIDRs"))
    vpc.set("secondaryCidrs", extra or None, origin=(*VPC, "extraCIDRs"))
    if ctx.src.has((*VPC, "controlPlaneSubnetIDs")):
        ctx.drop((*VPC, "controlPlaneSubnetIDs"), vpc, "subnet IDs for the control plane need an existing VPC "
                                                       "(vpc.id)")


def _nat(ctx: Context, vpc: Block) -> None:
    loc = (*VPC, "nat", "gateway")
    if ctx.private_cluster:
        ctx.src.raw(loc)
        vpc.set("nat", "Disabled", origin=("privateCluster", "enabled"),
                comment="A fully-private cluster: no NAT gateway and no internet gateway, VPC endpoints instead.")
        return
    gateway = ctx.src.text(loc)
    if gateway is None:
        vpc.set("nat", E.EKSCTL_NAT_MODES[E.EKSCTL_DEFAULT_NAT], comment=(
            "eksctl's default, as eksgen's: one NAT gateway for every zone's egress. HighlyAvailable "
            "(one per zone) keeps egress when a zone fails."))
    elif gateway not in E.EKSCTL_NAT_MODES:
        ctx.src.report(loc, f"must be one of {', '.join(E.EKSCTL_NAT_MODES)} (got {gateway!r})")
    else:
        vpc.set("nat", E.EKSCTL_NAT_MODES[gateway], origin=loc)
    ctx.drop_unread((*VPC, "nat"), vpc)


def _endpoint(ctx: Context) -> None:
    base = (*VPC, "clusterEndpoints")
    block = ctx.spec.child("endpoint", Endpoint, origin=base)
    private = ctx.src.flag((*base, "privateAccess"))
    public = ctx.src.flag((*base, "publicAccess"))
    cidrs = ctx.src.texts((*VPC, "publicAccessCIDRs"))
    if ctx.private_cluster:
        block.set("private", True, origin=("privateCluster", "enabled"))
        block.set("public", False, origin=("privateCluster", "enabled"))
        return
    if private is None and public is None:
        block.set("private", E.EKSCTL_DEFAULT_PRIVATE_ACCESS, comment=(
            "eksctl's default: a public endpoint only (open to the internet unless publicAccessCIDRs), nodes reach "
            "the API through it. eksgen's default is private only: the API server is not reachable from the "
            "internet."))
        block.set("public", E.EKSCTL_DEFAULT_PUBLIC_ACCESS)
    else:
        block.set("private", E.EKSCTL_DEFAULT_PRIVATE_ACCESS if private is None else private,
                  origin=(*base, "privateAccess"))
        block.set("public", E.EKSCTL_DEFAULT_PUBLIC_ACCESS if public is None else public,
                  origin=(*base, "publicAccess"))
    if cidrs:
        block.set("publicCidrs", cidrs, origin=(*VPC, "publicAccessCIDRs"))
    ctx.drop_unread(base, block)


def _private_cluster(ctx: Context, vpc: Block, net: Network) -> None:
    base = ("privateCluster",)
    extra = ctx.src.texts((*base, "additionalEndpointServices")) or []
    ctx.src.flag((*base, "skipEndpointCreation"))
    if not ctx.private_cluster:
        return
    for index, service in enumerate(extra):
        if service not in E.EKSCTL_OPTIONAL_ENDPOINTS:
            ctx.src.report((*base, "additionalEndpointServices", index),
                           f"eksctl accepts {', '.join(E.EKSCTL_OPTIONAL_ENDPOINTS)} (got {service!r})")
    services = [*E.EKSCTL_PRIVATE_CLUSTER_ENDPOINTS, *(s for s in extra if s in E.EKSCTL_OPTIONAL_ENDPOINTS)]
    if net.existing:
        ctx.drop((*base, "enabled"), vpc, "eksgen creates VPC endpoints only in a VPC it creates: give the existing "
                                         f"VPC endpoints for {', '.join(services)} yourself")
        return
    if ctx.src.flag((*base, "skipEndpointCreation")):
        ctx.drop((*base, "skipEndpointCreation"), vpc)
        return
    vpc.set("endpoints", services, origin=base, comment=(
        "eksctl's endpoints for a fully-private cluster (and additionalEndpointServices): nodes reach EC2, ECR, "
        "S3 and STS without NAT."))
