"""Compute: managed and self-managed node groups and Fargate profiles as module arguments."""

from __future__ import annotations

from generator.ir import Obj, Ref, Value
from generator.pipeline.effective import (
    Cluster,
    ManagedNodeGroup,
    NodeGroup,
    SelfManagedNodeGroup,
    Taint,
)
from generator.pipeline.plan import launch
from generator.pipeline.plan.common import sorted_map


def _subnet_ids(cluster: Cluster, subnets: str | list[str] | None) -> Value:
    """`private` is the cluster's node subnets (the module default); AZs pick new-VPC subnets."""
    vpc = cluster.spec.vpc
    if subnets == "public":
        return launch.public_subnets(cluster)
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


def _node_group(cluster: Cluster, ng: NodeGroup, instances: list[tuple[str, Value]], subnets: Value,
                kind_pairs: list[tuple[str, Value]], *, managed: bool) -> Obj:
    """The arguments every node group takes, in one order; each kind adds its own."""
    return Obj.from_pairs([
        ("ami_type", ng.ami_type),
        *instances,
        ("min_size", ng.min_size),
        ("max_size", ng.max_size),
        ("desired_size", ng.desired_size),
        ("block_device_mappings", launch.disk(ng)),
        *kind_pairs,
        *launch.user_data(ng, managed=managed),
        *launch.network(cluster, ng),
        *launch.iam(ng),
        ("subnet_ids", subnets),
        ("tags", sorted_map(ng.tags) if ng.tags else None),  # the module merges them over the cluster's
    ])


def managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _managed(cluster, ng)) for ng in cluster.spec.managed_node_groups))


def _managed(cluster: Cluster, ng: ManagedNodeGroup) -> Obj:
    update = None
    if ng.max_unavailable is not None or ng.max_unavailable_percentage is not None:
        update = Obj.from_pairs([("max_unavailable", ng.max_unavailable),
                                 ("max_unavailable_percentage", ng.max_unavailable_percentage)])
    return _node_group(cluster, ng, [
        ("instance_types", list(ng.instance_types)),
        ("capacity_type", ng.capacity_type),
        # The module ignores ami_release_version while use_latest_ami_release_version is true (its default).
        ("ami_release_version", ng.ami_release_version),
        ("use_latest_ami_release_version", False if ng.ami_release_version else None),
    ], _subnet_ids(cluster, ng.subnets), [
        ("labels", sorted_map(ng.labels) if ng.labels else None),  # the module sets them on the EKS API
        ("taints", _taints(ng.taints)),
        ("update_config", update),
        *launch.managed_only(ng),
    ], managed=True)


def self_managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _self_managed(cluster, ng)) for ng in cluster.spec.self_managed_node_groups))


def _self_managed(cluster: Cluster, ng: SelfManagedNodeGroup) -> Obj:
    subnets = _subnet_ids(cluster, ng.subnets)
    if subnets is None:  # self-managed groups take no default from the cluster's subnets
        vpc = cluster.spec.vpc
        subnets = Ref("module.vpc.private_subnets") if vpc.id is None else list(
            (vpc.subnets.private if vpc.subnets else None) or [])
    mix = ng.instances_distribution
    # With a mixed instances policy the launch template's type is the policy's first; overrides win.
    instance_type = mix.instance_types[0] if mix and mix.instance_types else ng.instance_type
    return _node_group(cluster, ng, [("instance_type", instance_type)], subnets, launch.mixed_instances(ng),
                       managed=False)


def fargate_profiles(cluster: Cluster) -> Obj:
    pairs: list[tuple[str, Value]] = []
    for profile in cluster.spec.fargate_profiles:
        selectors: list[Value] = [
            Obj.from_pairs([("namespace", sel.namespace), ("labels", sorted_map(sel.labels) if sel.labels else None)])
            for sel in profile.selectors
        ]
        pairs.append((profile.name, Obj.from_pairs([
            ("selectors", selectors), ("subnet_ids", _subnet_ids(cluster, profile.subnets)),
            ("tags", sorted_map(profile.tags) if profile.tags else None),  # merged over the cluster's by the module
        ])))
    return Obj(tuple(pairs))
