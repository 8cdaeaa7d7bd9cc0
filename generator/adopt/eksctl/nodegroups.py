"""Node groups (eksctl's nodeGroups are self-managed, managedNodeGroups managed) and Fargate profiles."""

from __future__ import annotations

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.network import Network
from generator.adopt.eksctl.nodeshape import ami_type, disk, imds, node_iam, ssh, taints
from generator.adopt.eksctl.tree import Block, Seq
from generator.errors import Loc
from generator.pipeline.default_values import DEFAULT_INSTANCE_TYPE
from generator.pipeline.model import (
    FargateProfile,
    FargateSelector,
    InstancesDistribution,
    LaunchTemplate,
    ManagedNodeGroup,
    SelfManagedNodeGroup,
)


def map_node_groups(ctx: Context, net: Network) -> None:
    for source, target, model in (("managedNodeGroups", "managedNodeGroups", ManagedNodeGroup),
                                  ("nodeGroups", "selfManagedNodeGroups", SelfManagedNodeGroup)):
        seq = Seq()
        for loc in ctx.src.items((source,)):
            if ctx.src.text((*loc, "name")) is None:
                ctx.src.report((*loc, "name"), "required: the node group's name")
                continue
            block = Block(model, origin=loc)
            _node_group(ctx, loc, block, net, managed=model is ManagedNodeGroup)
            seq.add(block, origin=loc)
        if seq.items:
            ctx.spec.set(target, seq, origin=(source,))


def _instance_types(ctx: Context, loc: Loc, block: Block, managed: bool) -> str:
    """The instance type(s); returns the first (it picks the AMI's architecture)."""
    single = ctx.src.text((*loc, "instanceType"))
    many = ctx.src.texts((*loc, "instanceTypes")) if managed else None
    mix = None if managed else ctx.src.typed((*loc, "instancesDistribution"), dict)
    if mix is not None:
        return _distribution(ctx, (*loc, "instancesDistribution"), block, single)
    chosen = many or ([single] if single else None)
    comment = None
    if chosen is None:
        chosen = [E.EKSCTL_DEFAULT_INSTANCE_TYPE]
        comment = f"eksctl's default instance type (eksgen's is {DEFAULT_INSTANCE_TYPE}, a newer generation)."
    origin = (*loc, "instanceTypes") if many else (*loc, "instanceType")
    if managed:
        block.set("instanceTypes", chosen, origin=origin, comment=comment)
    else:
        block.set("instanceType", chosen[0], origin=origin, comment=comment)
    return chosen[0]


def _distribution(ctx: Context, loc: Loc, block: Block, single: str | None) -> str:
    mix = Block(InstancesDistribution, origin=loc)
    types = ctx.src.texts((*loc, "instanceTypes")) or []
    mix.set("instanceTypes", types, origin=(*loc, "instanceTypes"))
    mix.set("onDemandBaseCapacity", ctx.src.number((*loc, "onDemandBaseCapacity")),
            origin=(*loc, "onDemandBaseCapacity"))
    mix.set("onDemandPercentageAboveBaseCapacity", ctx.src.number((*loc, "onDemandPercentageAboveBaseCapacity")),
            origin=(*loc, "onDemandPercentageAboveBaseCapacity"))
    strategy = ctx.src.text((*loc, "spotAllocationStrategy"))
    if strategy is None:
        mix.set("spotAllocationStrategy", E.ASG_DEFAULT_SPOT_ALLOCATION_STRATEGY, comment=(
            "eksctl passes no strategy, so Auto Scaling's default applies; eksgen's default, "
            "price-capacity-optimized, picks the pools least likely to be interrupted."))
    else:
        mix.set("spotAllocationStrategy", strategy, origin=(*loc, "spotAllocationStrategy"))
    ctx.drop_unread(loc, mix)
    block.set("instancesDistribution", mix, origin=loc)
    if single not in (None, "mixed"):
        ctx.drop((*loc[:-1], "instanceType"), block, "instancesDistribution.instanceTypes replaces it")
    return types[0] if types else E.EKSCTL_DEFAULT_INSTANCE_TYPE


def _sizes(ctx: Context, loc: Loc, block: Block) -> None:
    """eksctl's sizes: min from desired, else 2; max from desired, else min (at least 1); desired from min."""
    desired = ctx.src.number((*loc, "desiredCapacity"))
    low = ctx.src.number((*loc, "minSize"))
    high = ctx.src.number((*loc, "maxSize"))
    derived = low is None or high is None or desired is None
    low = low if low is not None else (desired if desired is not None else E.EKSCTL_DEFAULT_NODE_COUNT)
    high = high if high is not None else max(desired if desired is not None else low, E.EKSCTL_MIN_MAX_SIZE)
    desired = desired if desired is not None else low
    block.set("minSize", low, origin=(*loc, "minSize"), comment="Sizes eksctl derives when some are unset "
              "(desiredCapacity, else 2)." if derived else None)
    block.set("maxSize", high, origin=(*loc, "maxSize"))
    block.set("desiredSize", desired, origin=(*loc, "desiredCapacity"))


def _placement(ctx: Context, loc: Loc, block: Block, net: Network) -> None:
    private = ctx.src.flag((*loc, "privateNetworking"))
    private = ctx.private_cluster or (E.EKSCTL_DEFAULT_PRIVATE_NETWORKING if private is None else private)
    zones = ctx.src.texts((*loc, "availabilityZones"))
    named = ctx.src.texts((*loc, "subnets"))
    if named:
        block.set("subnets", _subnet_refs(ctx, (*loc, "subnets"), named, net, block) or None,
                  origin=(*loc, "subnets"))
    elif zones and private:
        block.set("subnets", zones, origin=(*loc, "availabilityZones"))
    elif not private:
        if zones:
            ctx.drop((*loc, "availabilityZones"), block, "eksgen places public nodes in every public subnet")
        block.set("subnets", "public", origin=(*loc, "privateNetworking"), comment=(
            "eksctl's default (privateNetworking: false): nodes in the public subnets, with public IPs. eksgen's "
            "default is the private subnets: nodes are not reachable from the internet."))


def _subnet_refs(ctx: Context, loc: Loc, names: list[str], net: Network, target: Block) -> list[str]:
    """eksctl names subnets by ID or by their key under vpc.subnets; eksgen by ID, or by zone in a new VPC."""
    refs: list[str] = []
    for index, name in enumerate(names):
        subnet = net.subnets.get(name)
        if name.startswith("subnet-"):
            refs.append(name)
        elif subnet is not None and net.existing and subnet.id:
            refs.append(subnet.id)
        elif subnet is not None and not net.existing:
            refs.append(subnet.az or subnet.name)
        elif subnet is not None:
            ctx.drop((*loc, index), target, f"the subnet {name!r} has no ID in vpc.subnets, so it was not imported")
        else:
            ctx.src.report((*loc, index), f"{name!r} is neither a subnet ID nor a vpc.subnets entry with an ID")
    return refs


def _node_group(ctx: Context, loc: Loc, block: Block, net: Network, *, managed: bool) -> None:
    src = ctx.src
    block.set("name", src.text((*loc, "name")), origin=(*loc, "name"))
    first = _instance_types(ctx, loc, block, managed)
    template = src.typed((*loc, "launchTemplate"), dict) if managed else None
    family = ami_type(ctx, loc, block, first)
    _sizes(ctx, loc, block)
    if managed and src.flag((*loc, "spot")):
        block.set("capacityType", "SPOT", origin=(*loc, "spot"))
    labels = src.text_map((*loc, "labels"))
    found_taints = taints(ctx, (*loc, "taints"))
    if not managed and family is not None and not family.startswith("AL2023"):
        for key in ("labels", "taints"):
            ctx.drop((*loc, key), block, "eksgen sets a self-managed group's labels and taints through AL2023's "
                                         "nodeadm only")
        ctx.note((*loc, "name"), f"eksctl labels every node {E.EKSCTL_NODEGROUP_NAME_LABEL}="
                                 f"{block.fields['name'].value}; eksgen cannot label this group's nodes")
    else:
        block.set("labels", {**_eksctl_labels(ctx, block), **(labels or {})}, origin=(*loc, "labels"), comment=(
            "eksctl's own labels on every node, kept so that nodeSelectors naming them still match."))
        block.set("taints", found_taints or None, origin=(*loc, "taints"))
    _placement(ctx, loc, block, net)
    ami = src.text((*loc, "ami"))
    if ami is not None and ami.startswith("ami-"):
        block.set("amiId", ami, origin=(*loc, "ami"))
    commands = src.texts((*loc, "preBootstrapCommands"))
    if commands and family is not None and family.startswith(("BOTTLEROCKET", "WINDOWS")):
        ctx.drop((*loc, "preBootstrapCommands"), block, "Bottlerocket and Windows nodes run no shell user data "
                                                        "in eksgen")
    else:
        block.set("preBootstrapCommands", commands or None, origin=(*loc, "preBootstrapCommands"))
    block.set("tags", src.text_map((*loc, "tags")) or None, origin=(*loc, "tags"))
    groups = src.texts((*loc, "securityGroups", "attachIDs"))
    block.set("securityGroupIds", groups or None, origin=(*loc, "securityGroups", "attachIDs"))
    for key in ("withShared", "withLocal"):
        if src.flag((*loc, "securityGroups", key)) is False:
            ctx.drop((*loc, "securityGroups", key), block)
    if template is None:
        disk(ctx, loc, block)
        imds(ctx, loc, block)
    ssh(ctx, (*loc, "ssh"), block)
    node_iam(ctx, (*loc, "iam"), block)
    if managed:
        _managed_only(ctx, loc, block)
    ctx.drop_unread((*loc, "securityGroups"), block)
    ctx.drop_unread(loc, block)


def _eksctl_labels(ctx: Context, block: Block) -> dict[str, str]:
    return {E.EKSCTL_CLUSTER_NAME_LABEL: ctx.name, E.EKSCTL_NODEGROUP_NAME_LABEL: str(block.fields["name"].value)}


def _managed_only(ctx: Context, loc: Loc, block: Block) -> None:
    src = ctx.src
    block.set("maxUnavailable", src.number((*loc, "updateConfig", "maxUnavailable")),
              origin=(*loc, "updateConfig", "maxUnavailable"))
    block.set("maxUnavailablePercentage", src.number((*loc, "updateConfig", "maxUnavailablePercentage")),
              origin=(*loc, "updateConfig", "maxUnavailablePercentage"))
    ctx.drop_unread((*loc, "updateConfig"), block)
    if src.flag((*loc, "nodeRepairConfig", "enabled")):
        block.set("nodeRepair", True, origin=(*loc, "nodeRepairConfig", "enabled"))
    ctx.drop_unread((*loc, "nodeRepairConfig"), block)
    template_id = src.text((*loc, "launchTemplate", "id"))
    if template_id is not None:
        template = Block(LaunchTemplate, origin=(*loc, "launchTemplate"))
        template.set("id", template_id, origin=(*loc, "launchTemplate", "id"))
        template.set("version", src.text((*loc, "launchTemplate", "version")), origin=(*loc, "launchTemplate",
                                                                                         "version"))
        block.set("launchTemplate", template, origin=(*loc, "launchTemplate"))
        ctx.drop_unread((*loc, "launchTemplate"), template)


def map_fargate(ctx: Context, net: Network) -> None:
    seq = Seq()
    for loc in ctx.src.items(("fargateProfiles",)):
        name = ctx.src.text((*loc, "name"))
        if name is None:
            ctx.src.report((*loc, "name"), "required: the profile's name")
            continue
        profile = Block(FargateProfile, origin=loc)
        profile.set("name", name, origin=(*loc, "name"))
        selectors = Seq()
        for sloc in ctx.src.items((*loc, "selectors")):
            selector = Block(FargateSelector, origin=sloc)
            namespace = ctx.src.text((*sloc, "namespace"))
            if namespace is None:
                ctx.src.report((*sloc, "namespace"), "required: the selector's namespace")
                continue
            selector.set("namespace", namespace, origin=(*sloc, "namespace"))
            selector.set("labels", ctx.src.text_map((*sloc, "labels")) or None, origin=(*sloc, "labels"))
            ctx.drop_unread(sloc, selector)
            selectors.add(selector, origin=sloc)
        profile.set("selectors", selectors, origin=(*loc, "selectors"))
        named = ctx.src.texts((*loc, "subnets"))
        if named:
            profile.set("subnets", _subnet_refs(ctx, (*loc, "subnets"), named, net, profile) or None,
                        origin=(*loc, "subnets"))
        ctx.src.raw((*loc, "status"))
        ctx.drop_unread(loc, profile)
        seq.add(profile, origin=loc)
    if seq.items:
        ctx.spec.set("fargateProfiles", seq, origin=("fargateProfiles",))
