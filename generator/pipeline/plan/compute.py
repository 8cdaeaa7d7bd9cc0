"""Compute: managed and self-managed node groups and Fargate profiles as module arguments."""

from __future__ import annotations

from generator.ir import Heredoc, Obj, Ref, Value
from generator.pipeline.effective import (
    Cluster,
    ManagedNodeGroup,
    NodeGroup,
    SelfManagedNodeGroup,
    Taint,
)
from generator.pipeline.plan.common import sorted_map

# Root volume device per AMI family: Bottlerocket keeps its data on the second volume.
ROOT_DEVICE = {"BOTTLEROCKET": "/dev/xvdb"}
DEFAULT_ROOT_DEVICE = "/dev/xvda"
NODEADM_CONTENT_TYPE = "application/node.eks.aws"


def _subnet_ids(cluster: Cluster, subnets: str | list[str] | None) -> Value:
    """`private` is the cluster's node subnets (the module default); AZs pick new-VPC subnets."""
    vpc = cluster.spec.vpc
    if subnets is None or subnets == "private" or isinstance(subnets, str):
        return None
    zones = vpc.availability_zones or []
    return [Ref(f"module.vpc.private_subnets[{zones.index(v)}]") if v in zones else v for v in subnets]


def _taints(taints: list[Taint]) -> Obj | None:
    keys = [t.key for t in taints]
    pairs = []
    for taint in taints:
        label = taint.key if keys.count(taint.key) == 1 else f"{taint.key}-{taint.effect.lower()}"
        pairs.append((label, Obj.from_pairs([("key", taint.key), ("value", taint.value), ("effect", taint.effect)])))
    return Obj(tuple(pairs)) if pairs else None


def _disk(ami_type: str | None, size: int | None) -> Obj | None:
    """The module's default launch template ignores `disk_size`; the root volume is set here."""
    if size is None:
        return None
    family = (ami_type or "").split("_", 1)[0]
    device = ROOT_DEVICE.get(family, DEFAULT_ROOT_DEVICE)
    ebs = Obj.of(volume_size=size, volume_type="gp3", encrypted=True, delete_on_termination=True)
    return Obj(((device.rsplit("/", 1)[-1], Obj.of(device_name=device, ebs=ebs)),))


def _node_group(ng: NodeGroup, instances: list[tuple[str, Value]],
                placement: list[tuple[str, Value]], kind_pairs: list[tuple[str, Value]]) -> Obj:
    """The arguments every node group takes, in one order; each kind adds its own."""
    return Obj.from_pairs([
        ("ami_type", ng.ami_type),
        *instances,
        ("min_size", ng.min_size),
        ("max_size", ng.max_size),
        ("desired_size", ng.desired_size),
        ("block_device_mappings", _disk(ng.ami_type, ng.disk_size_gib)),
        *kind_pairs,
        *placement,
    ])


def managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _managed(cluster, ng)) for ng in cluster.spec.managed_node_groups))


def _managed(cluster: Cluster, ng: ManagedNodeGroup) -> Obj:
    update = None
    if ng.max_unavailable is not None or ng.max_unavailable_percentage is not None:
        update = Obj.from_pairs([("max_unavailable", ng.max_unavailable),
                                 ("max_unavailable_percentage", ng.max_unavailable_percentage)])
    return _node_group(ng, [
        ("instance_types", list(ng.instance_types)),
        ("capacity_type", ng.capacity_type),
    ], [("subnet_ids", _subnet_ids(cluster, ng.subnets))], [
        ("labels", sorted_map(ng.labels) if ng.labels else None),  # the module sets them on the EKS API
        ("taints", _taints(ng.taints)),
        ("update_config", update),
    ])


def self_managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _self_managed(cluster, ng)) for ng in cluster.spec.self_managed_node_groups))


def _self_managed(cluster: Cluster, ng: SelfManagedNodeGroup) -> Obj:
    subnets = _subnet_ids(cluster, ng.subnets)
    if subnets is None:  # self-managed groups take no default from the cluster's subnets
        vpc = cluster.spec.vpc
        subnets = Ref("module.vpc.private_subnets") if vpc.id is None else list(
            (vpc.subnets.private if vpc.subnets else None) or [])
    return _node_group(ng, [("instance_type", ng.instance_type)], [("subnet_ids", subnets)],
                       [("cloudinit_pre_nodeadm", _nodeadm(ng))])


def _nodeadm(ng: NodeGroup) -> list[Value] | None:
    """AL2023 nodes take labels and taints from a nodeadm NodeConfig, not from the module."""
    flags = []
    if ng.labels:
        flags.append("--node-labels=" + ",".join(f"{k}={v}" for k, v in sorted(ng.labels.items())))
    if ng.taints:
        flags.append("--register-with-taints=" + ",".join(
            f"{t.key}={t.value or ''}:{_kubelet_effect(t.effect)}" for t in ng.taints))
    if not flags:
        return None
    lines = ["apiVersion: node.eks.aws/v1alpha1", "kind: NodeConfig", "spec:", "  kubelet:", "    flags:"]
    lines += [f"      - {flag}" for flag in flags]
    # A heredoc, so the NodeConfig reads as the YAML document it is.
    return [Obj.of(content_type=NODEADM_CONTENT_TYPE, content=Heredoc("---\n" + "\n".join(lines) + "\n"))]


def _kubelet_effect(effect: str) -> str:
    return {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}[effect]


def fargate_profiles(cluster: Cluster) -> Obj:
    pairs: list[tuple[str, Value]] = []
    for profile in cluster.spec.fargate_profiles:
        selectors: list[Value] = [
            Obj.from_pairs([("namespace", sel.namespace), ("labels", sorted_map(sel.labels) if sel.labels else None)])
            for sel in profile.selectors
        ]
        pairs.append((profile.name, Obj.from_pairs([
            ("selectors", selectors), ("subnet_ids", _subnet_ids(cluster, profile.subnets)),
        ])))
    return Obj(tuple(pairs))
