"""Capacity planning: pods per node and pod IPs per private subnet at max scale. Pure.

Formulas (the amazon-eks-ami max-pods calculator, with the ENI limits of data/instance-info.jsonl):

* max pods = ENIs x (IPs per ENI - 1) + 2. Each ENI keeps its primary address; the +2 are
  host-network pods (aws-node, kube-proxy) that use the node's own IP. Not capped, like the
  AMI's eni-max-pods.txt (m5.24xlarge: 737).
* with VPC CNI prefix delegation: ENIs x ((IPs per ENI - 1) x 16) + 2, capped as EKS caps it:
  110 for instance types with fewer than 30 vCPUs, 250 otherwise.

vCPUs are not in the data: they are derived from the size name (`vcpus`), by the EC2 convention
large = 2, xlarge = 4, Nxlarge = 4N (metal-Nxl too); nano/micro/small/medium = 2 (an upper bound:
Graviton mediums have 1; either way far below 30); plain metal >= 30, except a1.metal (16).

IPs one node takes from its subnet at max scale:

* without prefix delegation: max pods + 1. The node's primary IP is the +1; the 2 host-network
  pods in max pods need no pod IP, which roughly offsets the primary IPs of secondary ENIs.
* with prefix delegation: the CNI assigns /28 prefixes (16 addresses each):
  ceil(max pods / 16) prefixes, at most ENIs x (IPs per ENI - 1), plus 1 for the node's primary IP.

Per availability zone, a node group at maxSize puts ceil(maxSize / its AZ count) nodes in each of
its AZs (the Auto Scaling group balances zones; ceil is the worst case). A managed node group with
several instance types is counted with the type with the most max pods; unknown types are left out.
A subnet has its size - 5 usable addresses (AWS reserves 5 per subnet). Only new IPv4 VPCs are
compared with their subnets: an existing VPC's subnet sizes are unknown (nodes are then spread per
subnet ID instead of per AZ), and IPv6 pods take no IPv4 addresses. Fargate pods take one IP each,
but nothing in the spec bounds how many run, so they are not counted; nor are Auto Mode and Karpenter
nodes (no maxSize). Each interface VPC endpoint takes one address in every private subnet; those
are taken off the usable addresses (the S3 gateway endpoint takes none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.errors import Loc
from generator.facts import instances
from generator.pipeline.effective import Cluster, ClusterSpec
from generator.pipeline.net import ipv4_network

PREFIX_SIZE = 16  # a VPC CNI prefix is a /28: 16 addresses
HOST_NETWORK_PODS = 2  # aws-node and kube-proxy use the node's IP (the calculator's +2)
NODE_PRIMARY_IPS = 1  # every node's own primary address in the subnet
AWS_RESERVED_PER_SUBNET = 5  # network, VPC router, DNS, future use, broadcast
PD_MAX_PODS_LOW_CPU = 110  # EKS's cap with prefix delegation below the vCPU threshold
PD_MAX_PODS_HIGH_CPU = 250  # EKS's cap with prefix delegation at or above it
PD_CPU_THRESHOLD = 30  # the calculator's CPU_CEILING
VCPUS_PER_XLARGE = 4  # EC2 naming convention: Nxlarge has 4N vCPUs
# Sizes below xlarge. medium is 2 in the t family and 1 on Graviton; 2 is the upper bound and,
# being far below the 30-vCPU threshold, gives the same pod cap either way.
SMALL_SIZE_VCPUS = {"nano": 2, "micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": VCPUS_PER_XLARGE}
# Bare-metal types whose vCPU count is below the threshold; every other `.metal` counts as >= 30.
SMALL_METAL_VCPUS = {"a1.metal": 16}
NXLARGE = re.compile(r"(\d+)xlarge|metal-(\d+)xl")
PREFIX_DELEGATION_ENV = "ENABLE_PREFIX_DELEGATION"
VCPU_NOTE = "vCPUs derived from the size name (large=2, xlarge=4, Nxlarge=4N, smaller=2, metal>=30)"
FARGATE_NOTE = "Fargate pods take one private IP each but are not bounded by the spec: not counted"
UNBOUNDED_NODES_NOTE = "{what} nodes take private IPs too but have no maxSize in the spec: not counted"
ENDPOINTS_NOTE = "{count} interface VPC endpoint(s) take {count} address(es) in each private subnet: not usable"
GATEWAY_ENDPOINTS = frozenset({"s3"})  # route-table entries, no network interface


@dataclass(frozen=True)
class TypeCapacity:
    """Pods and subnet IPs of one node of one instance type."""

    instance_type: str
    enis: int
    ips_per_eni: int
    vcpus: int | None  # None: a metal type, counted as >= PD_CPU_THRESHOLD
    max_pods_plain: int  # without prefix delegation
    max_pods: int  # what the node runs: plain, or prefix-delegated and capped
    prefix_delegation: bool
    prefixes_per_node: int  # 0 without prefix delegation
    ips_per_node: int

    @property
    def vcpus_text(self) -> str:
        return f">={PD_CPU_THRESHOLD}" if self.vcpus is None else str(self.vcpus)

    @property
    def ips_detail(self) -> str:
        """How `ips_per_node` is made up, for messages."""
        if self.prefix_delegation:
            return f"{self.prefixes_per_node} /28 prefixes + node"
        return f"{self.max_pods} pods + node"


@dataclass(frozen=True)
class GroupCapacity:
    """One node group at maxSize."""

    kind: str  # "managed" or "self-managed"
    name: str
    loc: Loc
    types: tuple[TypeCapacity, ...]
    unknown_types: tuple[str, ...]
    max_size: int
    zones: tuple[str, ...]
    note: str = ""

    @property
    def worst(self) -> TypeCapacity | None:
        """The type with the most max pods (ties: the most IPs per node): the worst case."""
        return max(self.types, key=lambda t: (t.max_pods, t.ips_per_node), default=None)

    @property
    def nodes_per_zone(self) -> int:
        return -(-self.max_size // len(self.zones)) if self.zones and self.max_size > 0 else 0  # exact for any size

    @property
    def ips_per_zone(self) -> int:
        worst = self.worst
        return self.nodes_per_zone * worst.ips_per_node if worst else 0


@dataclass(frozen=True)
class Share:
    """What one node group needs in one subnet."""

    group: str
    nodes: int
    node: TypeCapacity

    @property
    def ips(self) -> int:
        return self.nodes * self.node.ips_per_node

    def describe(self) -> str:
        nodes = f"{self.nodes} node" + ("" if self.nodes == 1 else "s")
        return f"{self.group}: {nodes} x {self.node.ips_per_node} IPs ({self.node.ips_detail})"


@dataclass(frozen=True)
class SubnetCapacity:
    """One private subnet: its usable addresses against what the node groups need there."""

    index: int
    zone: str
    cidr: str
    usable: int
    shares: tuple[Share, ...]

    @property
    def needed(self) -> int:
        return sum(s.ips for s in self.shares)

    @property
    def headroom(self) -> int:
        return self.usable - self.needed


@dataclass
class CapacityReport:
    """A cluster's capacity plan; `skipped` says why subnets were not compared, if they were not."""

    cluster: str
    prefix_delegation: bool
    groups: list[GroupCapacity] = field(default_factory=list)
    subnets: list[SubnetCapacity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str = ""


def vcpus(instance_type: str) -> int | None:
    """vCPUs from the size name (EC2 convention); None for bare metal, meaning >= 30."""
    size = instance_type.split(".", 1)[-1]
    if size in SMALL_SIZE_VCPUS:
        return SMALL_SIZE_VCPUS[size]
    match = NXLARGE.fullmatch(size)
    if match:
        return VCPUS_PER_XLARGE * int(match.group(1) or match.group(2))
    return SMALL_METAL_VCPUS.get(instance_type)


def max_pods(limits: instances.EniLimits, *, prefix_delegation: bool, vcpu_count: int | None) -> int:
    """Max pods per node, as the EKS max-pods calculator computes it."""
    if not prefix_delegation:
        return limits.enis * (limits.ips_per_eni - 1) + HOST_NETWORK_PODS
    uncapped = limits.enis * ((limits.ips_per_eni - 1) * PREFIX_SIZE) + HOST_NETWORK_PODS
    low_cpu = vcpu_count is not None and vcpu_count < PD_CPU_THRESHOLD
    return min(uncapped, PD_MAX_PODS_LOW_CPU if low_cpu else PD_MAX_PODS_HIGH_CPU)


def type_capacity(instance_type: str, *, prefix_delegation: bool) -> TypeCapacity | None:
    """Capacity of one node of `instance_type`; None if the type is not in the ENI table."""
    limits = instances.eni_table().get(instance_type)
    if limits is None:
        return None
    count = vcpus(instance_type)
    pods = max_pods(limits, prefix_delegation=prefix_delegation, vcpu_count=count)
    prefixes = 0
    ips = pods + NODE_PRIMARY_IPS
    if prefix_delegation:
        prefixes = min(-(-pods // PREFIX_SIZE), limits.enis * (limits.ips_per_eni - 1))
        ips = prefixes * PREFIX_SIZE + NODE_PRIMARY_IPS
    return TypeCapacity(
        instance_type=instance_type, enis=limits.enis, ips_per_eni=limits.ips_per_eni, vcpus=count,
        max_pods_plain=max_pods(limits, prefix_delegation=False, vcpu_count=count), max_pods=pods,
        prefix_delegation=prefix_delegation, prefixes_per_node=prefixes, ips_per_node=ips,
    )


def prefix_delegation_enabled(spec: ClusterSpec) -> bool:
    """`vpcCni.prefixDelegation`, or the vpc-cni addon's ENABLE_PREFIX_DELEGATION env set to "true"."""
    if spec.vpc_cni is not None and spec.vpc_cni.prefix_delegation:
        return True
    addon = spec.addons.get("vpc-cni")
    env = (addon.configuration or {}).get("env") if addon is not None else None
    return isinstance(env, dict) and env.get(PREFIX_DELEGATION_ENV) == "true"


def plan(cluster: Cluster) -> CapacityReport:
    """The capacity report of a defaulted cluster; never raises on specs with errors."""
    spec = cluster.spec
    delegation = prefix_delegation_enabled(spec)
    report = CapacityReport(cluster=cluster.metadata.name, prefix_delegation=delegation)
    vpc = spec.vpc
    existing = vpc is not None and vpc.id is not None
    zones = _targets(spec)
    report.groups = _groups(spec, zones, delegation, existing)
    report.notes.append(VCPU_NOTE)
    report.notes.extend(f"{g.name}: {g.note}" for g in report.groups if g.note)
    if spec.fargate_profiles:
        report.notes.append(FARGATE_NOTE)
    unbounded = [what for what, on in (("Auto Mode", spec.auto_mode and spec.auto_mode.enabled),
                                       ("Karpenter", spec.karpenter and spec.karpenter.enabled)) if on]
    if unbounded:
        report.notes.append(UNBOUNDED_NODES_NOTE.format(what=" and ".join(unbounded)))
    endpoint_ips = len([e for e in (vpc.endpoints or []) if e not in GATEWAY_ENDPOINTS]) if vpc and not existing else 0
    if endpoint_ips:
        report.notes.append(ENDPOINTS_NOTE.format(count=endpoint_ips))
    if spec.ip_family == "ipv6":
        report.skipped = "ipFamily ipv6: pods get IPv6 addresses, so IPv4 subnet sizes do not limit them"
    elif existing:
        report.skipped = ("existing VPC: subnet sizes are unknown to eksgen; IPs/AZ is per private subnet "
                          "the group uses: compare it with the subnets' free addresses by hand")
    elif vpc is None or vpc.subnets is None or not vpc.subnets.private:
        report.skipped = "no private subnet CIDRs to compare with"
    else:
        report.subnets = _subnets(vpc.subnets.private, zones, report.groups, endpoint_ips)
    return report


def _targets(spec: ClusterSpec) -> tuple[str, ...]:
    """Where `subnets: private` puts nodes: the new VPC's AZs, or an existing VPC's private subnet IDs."""
    vpc = spec.vpc
    if vpc is None:
        return ()
    if vpc.id is None:
        return tuple(vpc.availability_zones or [])
    return tuple(dict.fromkeys(vpc.subnets.private or [])) if vpc.subnets is not None else ()


def _groups(spec: ClusterSpec, zones: tuple[str, ...], delegation: bool, by_id: bool) -> list[GroupCapacity]:
    groups: list[GroupCapacity] = []
    for index, mng in enumerate(spec.managed_node_groups):
        loc: Loc = ("spec", "managedNodeGroups", index)
        placed, note = _placement(mng.subnets, zones, by_id)
        groups.append(_group("managed", mng.name, loc, mng.instance_types, mng.max_size, placed, note,
                             delegation))
    for index, smng in enumerate(spec.self_managed_node_groups):
        loc = ("spec", "selfManagedNodeGroups", index)
        mix = smng.instances_distribution
        types = list(mix.instance_types) if mix else [smng.instance_type] if smng.instance_type else []
        placed, note = _placement(smng.subnets, zones, by_id)
        groups.append(_group("self-managed", smng.name, loc, types, smng.max_size, placed, note, delegation))
    return groups


def _group(kind: str, name: str, loc: Loc, types: list[str], max_size: int | None,
           zones: tuple[str, ...], note: str, delegation: bool) -> GroupCapacity:
    known = [c for t in dict.fromkeys(types) if (c := type_capacity(t, prefix_delegation=delegation))]
    unknown = tuple(t for t in dict.fromkeys(types) if instances.eni_table().get(t) is None)
    if unknown:
        note = "; ".join(filter(None, [note, f"unknown instance types not counted: {', '.join(unknown)}"]))
    return GroupCapacity(kind=kind, name=name, loc=loc, types=tuple(known), unknown_types=unknown,
                         max_size=max(max_size or 0, 0), zones=zones, note=note)


def _placement(subnets: str | list[str] | None, vpc_zones: tuple[str, ...],
               by_id: bool) -> tuple[tuple[str, ...], str]:
    """The AZs (existing VPC: subnet IDs) a node group's nodes go to, and a note when that is not known."""
    if subnets is None or subnets == "private":
        return vpc_zones, ""
    if isinstance(subnets, str):
        return (), f"subnets {subnets!r} not understood: not counted"
    if by_id:
        return tuple(dict.fromkeys(subnets)), ""
    zones = tuple(z for z in dict.fromkeys(subnets) if z in vpc_zones)
    if not zones:
        return zones, "placed by subnet ID: not counted"
    if len(zones) < len(set(subnets)):
        return zones, "placed partly by subnet ID: only the listed availability zones are counted"
    return zones, ""


def _subnets(cidrs: list[str], zones: tuple[str, ...], groups: list[GroupCapacity],
             endpoint_ips: int = 0) -> list[SubnetCapacity]:
    result: list[SubnetCapacity] = []
    for index, (cidr, zone) in enumerate(zip(cidrs, zones, strict=False)):
        addresses = usable_addresses(cidr)
        if addresses is None:
            continue  # the network checks report a bad CIDR
        usable = addresses - endpoint_ips
        shares = tuple(Share(g.name, g.nodes_per_zone, worst) for g in groups
                       if zone in g.zones and (worst := g.worst) is not None and g.nodes_per_zone)
        result.append(SubnetCapacity(index=index, zone=zone, cidr=cidr, usable=usable, shares=shares))
    return result


def usable_addresses(cidr: str) -> int | None:
    """Addresses a subnet can hand out (size - 5); None if `cidr` is not an IPv4 network."""
    network = ipv4_network(cidr)
    return None if network is None else max(network.num_addresses - AWS_RESERVED_PER_SUBNET, 0)
