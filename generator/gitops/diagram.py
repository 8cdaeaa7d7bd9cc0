"""A Mermaid flowchart of one effective cluster, for reviewers: GitHub draws it in a pull-request
comment (`explain --format markdown`, `diff --format markdown`).

It shows the VPC and its CIDR, one box per availability zone with its subnets and their sizes,
the control plane and its API endpoints, and the node groups and Fargate profiles joined to the
subnets they run in. Labels are quoted and escaped, so no spec string can break the diagram.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from generator.pipeline.effective import Cluster, FargateProfile, NodeGroup

AWS_RESERVED_PER_SUBNET = 5  # network, router, DNS, future use, broadcast
SUBNET_KINDS = ("private", "public", "intra")


def mermaid(cluster: Cluster) -> str:
    """The flowchart source (without the ``` fence)."""
    return "\n".join(["flowchart TB", *_lines(cluster)]) + "\n"


def fenced(cluster: Cluster) -> str:
    return f"```mermaid\n{mermaid(cluster)}```\n"


def _lines(cluster: Cluster) -> Iterator[str]:
    spec = cluster.spec
    vpc = spec.vpc
    subnets = vpc.subnets if vpc else None
    zones = list(vpc.availability_zones or []) if vpc else []
    if vpc and vpc.id:
        yield f'  subgraph vpc["existing VPC {_text(vpc.id)} · {_text(cluster.metadata.region)}"]'
        for kind in SUBNET_KINDS:
            for index, subnet_id in enumerate(getattr(subnets, kind, None) or []):
                yield f'    subnet_{kind}_{index}["{kind} {_text(subnet_id)}"]'
        yield "  end"
    else:
        cidr = vpc.cidr if vpc else None
        yield f'  subgraph vpc["VPC {_text(cidr or "")} · {_text(cluster.metadata.region)}"]'
        for zone_index, zone in enumerate(zones):
            yield f'    subgraph zone_{zone_index}["{_text(zone)}"]'
            for kind in SUBNET_KINDS:
                cidrs = getattr(subnets, kind, None) or []
                if zone_index < len(cidrs):
                    cidr_text, size = _text(cidrs[zone_index]), _size(cidrs[zone_index])
                    yield f'      subnet_{kind}_{zone_index}["{kind} {cidr_text}<br/>{size}"]'
            yield "    end"
        yield "  end"
    version = spec.kubernetes_version or ""
    yield f'  control_plane{{{{"EKS {_text(cluster.metadata.name)}<br/>Kubernetes {_text(version)}"}}}}'
    yield from _endpoints(cluster)
    private_subnets = [f"subnet_private_{i}" for i in range(len(getattr(subnets, "private", None) or []))]
    groups: list[tuple[str, NodeGroup]] = [*(("managed", g) for g in spec.managed_node_groups or []),
                                           *(("self-managed", g) for g in spec.self_managed_node_groups or [])]
    for index, (kind, group) in enumerate(groups):
        node = f"node_group_{index}"
        yield f'  {node}[["{kind} node group {_text(group.name)}<br/>{_instances(group)} · ' \
              f'{group.min_size}-{group.max_size} nodes"]]'
        yield f"  control_plane --- {node}"
        yield from (f"  {node} -.-> {s}" for s in _placed(group.subnets, zones, private_subnets))
    for index, profile in enumerate(spec.fargate_profiles or []):
        node = f"fargate_{index}"
        yield f'  {node}[/"Fargate profile {_text(profile.name)}<br/>{_selectors(profile)}"/]'
        yield f"  control_plane --- {node}"
        yield from (f"  {node} -.-> {s}" for s in _placed(profile.subnets, zones, private_subnets))


def _endpoints(cluster: Cluster) -> Iterator[str]:
    endpoint = cluster.spec.endpoint
    if endpoint is None:
        return
    if endpoint.public:
        cidrs = endpoint.public_cidrs or []
        allowed = ", ".join(_text(c) for c in cidrs[:3]) + (f" +{len(cidrs) - 3}" if len(cidrs) > 3 else "")
        yield f'  endpoint_public(["public API endpoint<br/>{allowed or "0.0.0.0/0"}"])'
        yield "  endpoint_public --> control_plane"
    if endpoint.private:
        yield '  endpoint_private(["private API endpoint<br/>inside the VPC"])'
        yield "  vpc --> endpoint_private --> control_plane"


def _placed(where: str | list[str] | None, zones: list[str], private: list[str]) -> list[str]:
    """The private subnets a group runs in: all, those of the listed zones, or none drawn (subnet IDs)."""
    if where in (None, "private"):
        return private
    if isinstance(where, list):
        return [private[zones.index(z)] for z in where if z in zones and zones.index(z) < len(private)]
    return []


def _instances(group: NodeGroup) -> str:
    types = getattr(group, "instance_types", None) or [getattr(group, "instance_type", None) or "?"]
    return _text(", ".join(str(t) for t in types))


def _selectors(profile: FargateProfile) -> str:
    return _text(", ".join(f"namespace {s.namespace}" for s in profile.selectors))


def _size(cidr: str) -> str:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return ""
    if network.version == 6:
        return f"/{network.prefixlen}"
    return f"{max(network.num_addresses - AWS_RESERVED_PER_SUBNET, 0):,} usable IPs"


def _text(value: object) -> str:
    """Inside a quoted Mermaid label: entity codes for what would end the label or start markup."""
    replacements = {"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "\n": " ", "`": "#96;"}
    return "".join(replacements.get(ch, ch) for ch in str(value))
