"""Compute rules: managed and self-managed node groups, Fargate profiles."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.errors import Issue, Loc, format_loc
from generator.facts import instances
from generator.facts import labels as labels_facts
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.cluster import merged_tag_issues
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import (
    ClusterSpec,
    FargateProfile,
    ManagedNodeGroup,
    NodeGroup,
    SelfManagedNodeGroup,
    Taint,
)
from generator.terraform.internals import internals

MAX_MANAGED_NODE_GROUPS = 30
MAX_NODES_PER_GROUP = 450
# AWS What's New 2025-07-16, "Amazon EKS enables ultra scale AI/ML workloads with support for 100K nodes per cluster".
MAX_NODES_PER_CLUSTER = 100_000
MAX_INSTANCE_TYPES = 20
MAX_TAINTS = 50
MAX_FARGATE_PROFILES = 10
MAX_FARGATE_SELECTORS = 5
MAX_FARGATE_SELECTOR_LABELS = 5
MAX_DISK_GIB = 16384
MANAGED_LABEL_MAX = 63  # the EKS API's labelsMap caps key and value at 63 in total (API_CreateNodegroup)
GPU_AMI_MARKERS = ("NVIDIA", "GPU", "NEURON")
# EKS AL2 AMIs end with Kubernetes 1.32 (EKS user guide, eks-ami-deprecation-faqs): nothing to boot on 1.33+.
LAST_AL2_MINOR = 32
AL2_SUCCESSORS = {"AL2_x86_64": "AL2023_x86_64_STANDARD", "AL2_x86_64_GPU": "AL2023_x86_64_NVIDIA",
                  "AL2_ARM_64": "AL2023_ARM_64_STANDARD"}


def check(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    names: dict[str, str] = {}
    existing = spec.vpc.id is not None if spec.vpc else False
    zones = set(spec.vpc.availability_zones or []) if spec.vpc and not existing else set()
    managed = spec.managed_node_groups
    if len(managed) > MAX_MANAGED_NODE_GROUPS:
        yield Issue(("spec", "managedNodeGroups"), f"EKS allows {MAX_MANAGED_NODE_GROUPS} managed node groups "
                    f"per cluster (got {len(managed)})", rule="EKS050")
    for loc, group in node_groups(spec):
        yield from _unique(names, group.name, loc)
        yield from _managed(group, loc) if isinstance(group, ManagedNodeGroup) else _self_managed(group, loc)
        yield from _placement(group.subnets, (*loc, "subnets"), zones, existing, public=_public_subnets(spec))
        yield from _ami_published(ctx, group, loc)
    profiles = spec.fargate_profiles or []
    if len(profiles) > MAX_FARGATE_PROFILES:
        yield Issue(("spec", "fargateProfiles"), f"EKS allows {MAX_FARGATE_PROFILES} Fargate profiles per cluster",
                    rule="EKS050")
    fargate_names: dict[str, str] = {}
    for index, profile in enumerate(profiles):
        loc = ("spec", "fargateProfiles", index)
        yield from _unique(fargate_names, profile.name, loc)
        yield from _fargate(profile, loc)
        yield from merged_tag_issues(profile.tags, ctx.cluster.metadata.tags, (*loc, "tags"))  # fargate-profile module
        yield from _placement(profile.subnets, (*loc, "subnets"), zones, existing)


def _ami_published(ctx: CheckContext, ng: ManagedNodeGroup | SelfManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    """AMI types AWS publishes no image for at this version, and the pinned module's own lookup slips."""
    ami = ng.ami_type or ""
    version = P.KUBERNETES_VERSION.fullmatch(ctx.cluster.spec.kubernetes_version or "")
    if ami in AL2_SUCCESSORS and version and int(version.group(1)) >= LAST_AL2_MINOR + 1:
        yield Issue((*loc, "amiType"), f"AWS publishes no {ami} AMIs for Kubernetes 1.{LAST_AL2_MINOR + 1} and "
                    f"later (Amazon Linux 2 ended with 1.{LAST_AL2_MINOR}): use {AL2_SUCCESSORS[ami]}",
                    rule="EKS065")
    facts = internals("eks", ctx.cluster.spec.terraform.modules["eks"])
    if isinstance(ng, SelfManagedNodeGroup) and facts is not None:
        lookup = facts["self_managed_windows_ami_lookup"]
        for pair in lookup["swapped"]:
            if ami in pair:
                other = pair[1 - pair.index(ami)]
                yield Issue((*loc, "amiType"), f"the pinned self-managed-node-group module looks up the {other} "
                            f"AMI for {ami} and the other way round ({lookup['file']}:{lookup['line']}): "
                            f"set amiType: {other} to get {ami.split('_')[1].title()}, or use the 2025 AMIs",
                            severity="warning", rule="EKS066")


def node_groups(spec: ClusterSpec) -> Iterator[tuple[Loc, ManagedNodeGroup | SelfManagedNodeGroup]]:
    """Every node group with its location, managed first, as the spec lists them."""
    for index, mng in enumerate(spec.managed_node_groups):
        yield ("spec", "managedNodeGroups", index), mng
    for index, smng in enumerate(spec.self_managed_node_groups):
        yield ("spec", "selfManagedNodeGroups", index), smng


def _unique(names: dict[str, str], name: str, loc: Loc) -> Iterator[Issue]:
    if name in names:
        yield Issue((*loc, "name"), f"duplicate name {name!r} (first at {names[name]})", rule="EKS051")
    else:
        names[name] = format_loc(loc)


def _name(name: str, loc: Loc, max_with_module: int) -> Iterator[Issue]:
    if not P.NODE_GROUP_NAME.fullmatch(name):
        yield Issue((*loc, "name"), "must start with a letter or digit and contain only letters, digits, '-', '_'",
                    rule="EKS052")
    elif len(name) > max_with_module:
        yield Issue((*loc, "name"), f"must be at most {max_with_module} characters (got {len(name)}): "
                    "the module derives IAM role name prefixes from it", rule="EKS052")


def _scaling(lo: int, hi: int, desired: int, loc: Loc) -> Iterator[Issue]:
    if lo < 0:
        yield Issue((*loc, "minSize"), f"must be >= 0 (got {lo})", rule="EKS053")
    if hi < 1:
        yield Issue((*loc, "maxSize"), f"must be >= 1 (got {hi})", rule="EKS053")
    elif hi < lo:
        yield Issue((*loc, "maxSize"), f"must be >= minSize ({lo})", rule="EKS053")
    elif hi > MAX_NODES_PER_CLUSTER:
        yield Issue((*loc, "maxSize"), f"exceeds {MAX_NODES_PER_CLUSTER} nodes, the most any EKS cluster supports "
                    "(no quota increase reaches it)", rule="EKS067")
    elif hi > MAX_NODES_PER_GROUP:
        yield Issue((*loc, "maxSize"), f"exceeds the EKS quota of {MAX_NODES_PER_GROUP} nodes per group "
                    "(adjustable: request an increase first)", severity="warning", rule="EKS063")
    if lo <= hi and not lo <= desired <= hi:
        yield Issue((*loc, "desiredSize"), f"must be between minSize ({lo}) and maxSize ({hi}) (got {desired})",
                    rule="EKS053")


def _instance(instance_type: str, loc: Loc) -> Iterator[Issue]:
    if not instances.is_valid_name(instance_type):
        yield Issue(loc, f"{instance_type!r} is not an EC2 instance type name ({_did_you_mean(instance_type)})",
                    rule="EKS054")
    elif instances.max_pods(instance_type) is None:
        yield Issue(loc, f"unknown instance type {instance_type!r}; max pods cannot be checked "
                    f"({_did_you_mean(instance_type)})", severity="warning", rule="EKS064")


def _did_you_mean(instance_type: str) -> str:
    # compared in lower case: 'M6i.Large' is m6i.large, not the r6i.large its capitals put closer
    close = difflib.get_close_matches(instance_type.lower(), sorted(instances.eni_table()), n=1, cutoff=0.75)
    return f"did you mean {close[0]}?" if close else "like m6i.large"


def _ami_matches(instance_type: str, ami_type: str | None, loc: Loc) -> Iterator[Issue]:
    if ami_type is None or ami_type == "CUSTOM" or not instances.is_valid_name(instance_type):
        return
    gpu_ami = any(marker in ami_type for marker in GPU_AMI_MARKERS)
    arm_ami = "ARM" in ami_type
    if (instances.is_gpu(instance_type) or instances.is_neuron(instance_type)) and not gpu_ami:
        yield Issue(loc, f"{instance_type} has accelerators but {ami_type} has no GPU/Neuron drivers; "
                    "use an *_NVIDIA or *_NEURON AMI type", rule="EKS055")
    if instances.is_arm(instance_type) != arm_ami:
        arch = "arm64" if instances.is_arm(instance_type) else "x86_64"
        yield Issue(loc, f"{instance_type} is {arch} but amiType {ami_type} is not", rule="EKS055")


def _labels(labels: dict[str, str], loc: Loc, *, managed: bool = False) -> Iterator[Issue]:
    for key, value in labels.items():
        problem = P.label_key_problem(key)
        if problem:
            yield Issue((*loc, key), f"label key {problem}", rule="EKS056")
        elif managed and len(key) > MANAGED_LABEL_MAX:
            yield Issue((*loc, key), f"managed node group label keys are at most {MANAGED_LABEL_MAX} characters "
                        f"in total, prefix included (got {len(key)})", rule="EKS056")
        if managed and not value:
            yield Issue((*loc, key), "managed node group label values must not be empty", rule="EKS056")
        if managed and labels_facts.eks_refuses(key):
            yield Issue((*loc, key), "the EKS API refuses managed node group labels under kubernetes.io, k8s.io "
                        "and eks.amazonaws.com (subdomains included); use your own prefix", rule="EKS056")
        elif not managed and labels_facts.kubelet_refuses(key):
            yield Issue((*loc, key), "the kubelet refuses --node-labels under kubernetes.io and k8s.io (subdomains "
                        "included) except its own labels and the node.kubernetes.io and kubelet.kubernetes.io "
                        "namespaces; use your own prefix", rule="EKS056")
        value_problem = P.label_value_problem(value)
        if value_problem:
            yield Issue((*loc, key), f"label value {value_problem}", rule="EKS056")


def _taints(taints: list[Taint], loc: Loc) -> Iterator[Issue]:
    if len(taints) > MAX_TAINTS:
        yield Issue(loc, f"at most {MAX_TAINTS} taints per node group", rule="EKS057")
    seen: set[tuple[str, str]] = set()
    for index, taint in enumerate(taints):
        tloc = (*loc, index)
        problem = P.label_key_problem(taint.key)
        if problem or len(taint.key) > 63:
            yield Issue((*tloc, "key"), f"taint key {problem or 'must be at most 63 characters'}", rule="EKS057")
        if taint.value is not None and (len(taint.value) > 63 or P.label_value_problem(taint.value)):
            yield Issue((*tloc, "value"), "taint value must be at most 63 characters, alphanumeric at both ends",
                        rule="EKS057")
        if (taint.key, taint.effect) in seen:
            yield Issue(tloc, f"duplicate taint {taint.key}:{taint.effect}", rule="EKS057")
        seen.add((taint.key, taint.effect))


def _disk(size: int | None, loc: Loc) -> Iterator[Issue]:
    if size is not None and not 1 <= size <= MAX_DISK_GIB:
        yield Issue((*loc, "diskSizeGiB"), f"must be between 1 and {MAX_DISK_GIB} (got {size})", rule="EKS058")


def _node_group(ng: NodeGroup, loc: Loc, instance_types: list[tuple[Loc, str]], *, name_max: int,
                managed: bool) -> Iterator[Issue]:
    """The rules every node group shares; `instance_types` are the kind's own, with their locations."""
    yield from _name(ng.name, loc, name_max)
    for instance_loc, instance_type in instance_types:
        yield from _instance(instance_type, instance_loc)
        yield from _ami_matches(instance_type, ng.ami_type, (*loc, "amiType"))
    yield from _scaling(ng.min_size, ng.max_size, ng.desired_size, loc)
    yield from _disk(ng.disk_size_gib, loc)
    yield from _labels(ng.labels, (*loc, "labels"), managed=managed)
    yield from _taints(ng.taints, (*loc, "taints"))


def _managed(ng: ManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    types = ng.instance_types
    if not 1 <= len(types) <= MAX_INSTANCE_TYPES:
        yield Issue((*loc, "instanceTypes"), f"give 1 to {MAX_INSTANCE_TYPES} instance types", rule="EKS054")
    for index, instance_type in enumerate(types):
        if instance_type in types[:index]:
            yield Issue((*loc, "instanceTypes", index), f"duplicate instance type {instance_type}", rule="EKS054")
    yield from _node_group(ng, loc, [((*loc, "instanceTypes", i), t) for i, t in enumerate(types)],
                           name_max=P.MANAGED_NODE_GROUP_NAME_MAX_WITH_MODULE, managed=True)
    if ng.max_unavailable is not None and ng.max_unavailable_percentage is not None:
        yield Issue((*loc, "maxUnavailablePercentage"), "set maxUnavailable or maxUnavailablePercentage, not both",
                    rule="EKS059")
    if ng.max_unavailable is not None and not 1 <= ng.max_unavailable <= 100:
        yield Issue((*loc, "maxUnavailable"), f"must be between 1 and 100 (got {ng.max_unavailable})", rule="EKS059")
    if ng.max_unavailable_percentage is not None and not 1 <= ng.max_unavailable_percentage <= 100:
        yield Issue((*loc, "maxUnavailablePercentage"),
                    f"must be between 1 and 100 (got {ng.max_unavailable_percentage})", rule="EKS059")


def _self_managed(ng: SelfManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    if (ng.labels or ng.taints) and not (ng.ami_type or "").startswith("AL2023"):
        key = "labels" if ng.labels else "taints"
        yield Issue((*loc, key), f"labels and taints on self-managed groups are set through AL2023 nodeadm; "
                    f"{ng.ami_type} needs them in its own bootstrap settings", rule="EKS062")
    mix = ng.instances_distribution
    types = ([((*loc, "instancesDistribution", "instanceTypes", i), t) for i, t in enumerate(mix.instance_types)]
             if mix is not None else [((*loc, "instanceType"), ng.instance_type or "")])
    yield from _node_group(ng, loc, types,
                           name_max=P.SELF_MANAGED_NODE_GROUP_NAME_MAX_WITH_MODULE, managed=False)


def _fargate(profile: FargateProfile, loc: Loc) -> Iterator[Issue]:
    if P.NODE_GROUP_NAME.fullmatch(profile.name) and len(profile.name) > P.FARGATE_PROFILE_NAME_MAX_WITH_MODULE:
        yield Issue((*loc, "name"), f"must be at most {P.FARGATE_PROFILE_NAME_MAX_WITH_MODULE} characters "
                    f"(got {len(profile.name)}): the module derives the IAM role name prefix from it", rule="EKS060")
    elif not P.NODE_GROUP_NAME.fullmatch(profile.name) or len(profile.name) > P.FARGATE_PROFILE_NAME_MAX:
        yield Issue((*loc, "name"), "must be 1-63 letters, digits, '-' or '_', starting with a letter or digit",
                    rule="EKS060")
    if not 1 <= len(profile.selectors) <= MAX_FARGATE_SELECTORS:
        yield Issue((*loc, "selectors"), f"give 1 to {MAX_FARGATE_SELECTORS} selectors", rule="EKS060")
    for index, selector in enumerate(profile.selectors):
        sloc = (*loc, "selectors", index)
        plain = selector.namespace.replace("*", "a").replace("?", "a")
        if len(selector.namespace) > 63 or not P.DNS_LABEL.fullmatch(plain):
            yield Issue((*sloc, "namespace"), f"{selector.namespace!r} is not a valid namespace name", rule="EKS060")
        labels = selector.labels or {}
        if len(labels) > MAX_FARGATE_SELECTOR_LABELS:
            yield Issue((*sloc, "labels"), f"at most {MAX_FARGATE_SELECTOR_LABELS} labels per selector",
                        rule="EKS060")


def _public_subnets(spec: ClusterSpec) -> list[str]:
    return list((spec.vpc.subnets.public if spec.vpc and spec.vpc.subnets else None) or [])


def _placement(subnets: str | list[str] | None, loc: Loc, zones: set[str], existing: bool,
               public: list[str] | None = None) -> Iterator[Issue]:
    """`private`, `public` (node groups only: `public` is then the VPC's public subnets), a list
    of the VPC's AZs (new VPC), or a list of subnet IDs (existing VPC)."""
    if isinstance(subnets, str):
        if subnets == "public" and public is not None:
            if not public:
                yield Issue(loc, "the VPC has no public subnets: list them under vpc.subnets.public", rule="EKS061")
        elif subnets != "private":
            hint = "; Fargate pods run in private subnets only" if subnets == "public" else ""
            choices = "'private'" if public is None else "'private', 'public'"
            yield Issue(loc, f"must be {choices}, a list of availability zones or subnet IDs (got {subnets!r}){hint}",
                        rule="EKS061")
        return
    values = subnets or []
    if not values:
        yield Issue(loc, "must not be empty", rule="EKS061")
    for index, value in enumerate(values):
        if P.SUBNET_ID.fullmatch(value):
            if not existing:  # the module creates the VPC's subnets: no ID written today can be one of them
                yield Issue((*loc, index), f"{value} cannot be a subnet of the VPC eksgen creates (its subnets do "
                            f"not exist yet): name availability zones ({', '.join(sorted(zones))}) or "
                            "'private'", rule="EKS061")
            continue
        if existing:
            yield Issue((*loc, index), f"{value!r} is not a subnet ID (an existing VPC's zones are not known)",
                        rule="EKS061")
        elif value not in zones:
            yield Issue((*loc, index), f"{value!r} is neither a subnet ID nor one of the VPC's availability "
                        f"zones ({', '.join(sorted(zones))})", rule="EKS061")
