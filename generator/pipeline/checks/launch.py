"""Node-group launch settings: custom AMI, bootstrap commands, root volume, network, node
role, an existing launch template and the mixed instances policy. What AWS would refuse at
apply time is an error here; the security side (SSH, IMDS, public subnets) is in security.py.

EBS limits per volume type, from the EC2 API reference (EbsBlockDevice: Iops, Throughput,
VolumeSize) and the EBS user guide's volume-type pages (general-purpose.html,
provisioned-iops.html), read 2026-12: see EBS_LIMITS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.errors import Issue, Loc
from generator.facts.partition import partition
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.cluster import merged_tag_issues
from generator.pipeline.checks.compute import node_groups
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import ManagedNodeGroup, NodeGroup, SelfManagedNodeGroup


@dataclass(frozen=True)
class EbsLimits:
    min_gib: int
    iops: tuple[int, int] | None  # provisionable IOPS; None: the type takes no IOPS setting
    iops_per_gib: int | None = None  # most IOPS per GiB of size
    iops_required: bool = False


# EBS user guide, ebs-volume-types.html (general purpose and provisioned IOPS SSD), as eksgen last confirmed
# them; AWS's 2025 raise of gp3 (80,000 IOPS, 2,000 MiB/s) is not confirmed here, so the older caps stay.
EBS_LIMITS = {
    "gp2": EbsLimits(1, None),
    "gp3": EbsLimits(1, (3000, 16000), 500),
    "io1": EbsLimits(4, (100, 64000), 50, iops_required=True),
    "io2": EbsLimits(4, (100, 256000), 1000, iops_required=True),  # io2 Block Express (all io2 since 2023)
}
GP3_BASELINE_IOPS = 3000
GP3_THROUGHPUT = (125, 1000)  # MiB/s
GP3_MIB_PER_IOPS = 0.25  # throughput at most IOPS / 4
BOOTSTRAP_SHELL_FAMILIES = ("AL2023", "AL2")
MAX_MIXED_INSTANCE_TYPES = 40  # Auto Scaling: at most 40 overrides in a mixed instances policy
# Tags the modules add themselves: managed groups Name; self-managed Auto Scaling groups Name and two cluster tags.
MODULE_TAGS = {"managed": 1, "self-managed": 3}
LAUNCH_TEMPLATE_EXCLUDES = {  # spec key -> model attribute: what an existing launch template already decides
    "amiId": "ami_id", "preBootstrapCommands": "pre_bootstrap_commands", "diskSizeGiB": "disk_size_gib",
    "diskType": "disk_type", "diskIops": "disk_iops", "diskThroughput": "disk_throughput",
    "diskKmsKeyArn": "disk_kms_key_arn", "securityGroupIds": "security_group_ids", "ssh": "ssh",
    "imdsHopLimit": "imds_hop_limit",
}


def check(ctx: CheckContext) -> Iterator[Issue]:
    cluster_tags = ctx.cluster.metadata.tags or {}
    for loc, group in node_groups(ctx.cluster.spec):
        managed = isinstance(group, ManagedNodeGroup)
        yield from _ami(group, loc)
        yield from _commands(group, loc)
        yield from _disk(ctx, group, loc)
        yield from _network(group, loc)
        yield from _iam(group, loc)
        kind = "managed" if managed else "self-managed"
        yield from merged_tag_issues(group.tags or {}, cluster_tags, (*loc, "tags"), MODULE_TAGS[kind])
        if isinstance(group, ManagedNodeGroup):
            yield from _launch_template(group, loc)
            yield from _release_version(ctx, group, loc)
        if isinstance(group, SelfManagedNodeGroup):
            yield from _mixed(group, loc)


RELEASE_VERSION = re.compile(r"(\d+)\.(\d+)\.\d+-\d{8}")  # amazon-eks-ami's release versions (AL2023, AL2)


def _release_version(ctx: CheckContext, ng: ManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    """The module passes release_version only without a custom image; AL2023/AL2 releases name their version."""
    version, at = ng.ami_release_version, (*loc, "amiReleaseVersion")
    if version is None:
        return
    if ng.ami_id is not None:
        yield Issue(at, "a custom amiId fixes the image: the module sends no release version with it", rule="EKS150")
        return
    cluster = ctx.cluster.spec.kubernetes_version or ""
    match = RELEASE_VERSION.fullmatch(version)
    if (ng.ami_type or "").startswith(("AL2023_", "AL2_")) and (
            match is None or f"{match.group(1)}.{match.group(2)}" != cluster):
        yield Issue(at, f"{version!r} is not an {ng.ami_type} release for Kubernetes {cluster} (like "
                    f"{cluster}.N-YYYYMMDD)", rule="EKS150")
    elif not version.strip() or not version.isprintable():
        yield Issue(at, "must be a release version", rule="EKS150")


def _ami(ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    if ng.ami_id is None:
        return
    if not P.AMI_ID.fullmatch(ng.ami_id):
        yield Issue((*loc, "amiId"), f"{ng.ami_id!r} is not an AMI ID (ami- and 8 or 17 hex digits)", rule="EKS071")
    if ng.ami_type == "CUSTOM":
        yield Issue((*loc, "amiType"), "with amiId, amiType names the AMI's family (AL2023_*, BOTTLEROCKET_*, ...): "
                    "the module picks the bootstrap user data by it", rule="EKS071")


def _commands(ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    commands = ng.pre_bootstrap_commands or []
    family = (ng.ami_type or "").split("_", 1)[0]
    if commands and family not in BOOTSTRAP_SHELL_FAMILIES:
        yield Issue((*loc, "preBootstrapCommands"), f"{ng.ami_type} runs no shell user data; preBootstrapCommands "
                    "work on AL2023 and AL2 AMI types only", rule="EKS072")
    for index, command in enumerate(commands):
        if not command.strip():
            yield Issue((*loc, "preBootstrapCommands", index), "must not be empty", rule="EKS072")


def _disk(ctx: CheckContext, ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    if ng.disk_type is None:
        return
    limits = EBS_LIMITS[ng.disk_type]
    size, iops = ng.disk_size_gib, ng.disk_iops
    if size is not None and 1 <= size < limits.min_gib:  # below 1 is EKS058's
        yield Issue((*loc, "diskSizeGiB"), f"{ng.disk_type} volumes are at least {limits.min_gib} GiB (got {size})",
                    rule="EKS073")
    if limits.iops is None and iops is not None:
        yield Issue((*loc, "diskIops"), f"{ng.disk_type} takes no IOPS setting (its IOPS follow the size); "
                    "use gp3, io1 or io2", rule="EKS073")
    if limits.iops_required and iops is None:
        yield Issue((*loc, "diskType"), f"{ng.disk_type} volumes need diskIops", rule="EKS073")
    if limits.iops is not None and iops is not None:
        low, high = limits.iops
        if not low <= iops <= high:
            yield Issue((*loc, "diskIops"), f"{ng.disk_type} IOPS must be between {low} and {high} (got {iops})",
                        rule="EKS073")
        elif size is not None and limits.iops_per_gib is not None and iops > max(size * limits.iops_per_gib,
                                                                                 _baseline(ng.disk_type)):
            yield Issue((*loc, "diskIops"), f"{ng.disk_type} allows at most {limits.iops_per_gib} IOPS per GiB: "
                        f"{size} GiB takes at most {size * limits.iops_per_gib} (got {iops})", rule="EKS073")
    yield from _throughput(ng, loc)
    if ng.disk_kms_key_arn is not None:
        yield from _kms(ctx, ng.disk_kms_key_arn, (*loc, "diskKmsKeyArn"))


def _baseline(disk_type: str) -> int:
    return GP3_BASELINE_IOPS if disk_type == "gp3" else 0


def _throughput(ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    throughput = ng.disk_throughput
    if throughput is None:
        return
    if ng.disk_type != "gp3":
        yield Issue((*loc, "diskThroughput"), f"throughput is set on gp3 volumes only (diskType is {ng.disk_type})",
                    rule="EKS073")
        return
    low, high = GP3_THROUGHPUT
    iops = ng.disk_iops if ng.disk_iops is not None else GP3_BASELINE_IOPS
    if not low <= throughput <= high:
        yield Issue((*loc, "diskThroughput"), f"gp3 throughput must be between {low} and {high} MiB/s "
                    f"(got {throughput})", rule="EKS073")
    elif throughput > iops * GP3_MIB_PER_IOPS:
        yield Issue((*loc, "diskThroughput"), f"gp3 throughput is at most IOPS / 4: {iops} IOPS allow "
                    f"{int(iops * GP3_MIB_PER_IOPS)} MiB/s (got {throughput}); raise diskIops", rule="EKS073")


def _kms(ctx: CheckContext, arn: str, loc: Loc) -> Iterator[Issue]:
    region = ctx.cluster.metadata.region
    match = P.KMS_KEY_ARN.fullmatch(arn)
    if match is None:
        yield Issue(loc, "must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)", rule="EKS073")
    elif match.group(1) != partition(region):
        yield Issue(loc, f"KMS key is in partition {match.group(1)} but region {region} is in {partition(region)}",
                    rule="EKS073")
    elif match.group(2) != region:
        yield Issue(loc, f"KMS key is in {match.group(2)} but the nodes are in {region}; EBS needs a key in the "
                    "same region", rule="EKS073")


def _security_groups(ids: list[str], loc: Loc) -> Iterator[Issue]:
    for index, sg in enumerate(ids):
        if not P.SECURITY_GROUP_ID.fullmatch(sg):
            yield Issue((*loc, index), f"{sg!r} is not a security group ID (sg- and 8 or 17 hex digits)",
                        rule="EKS074")
        elif sg in ids[:index]:
            yield Issue((*loc, index), f"duplicate security group {sg}", rule="EKS074")


def _network(ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    yield from _security_groups(ng.security_group_ids or [], (*loc, "securityGroupIds"))
    if ng.ssh is not None:
        if not P.EC2_KEY_NAME.fullmatch(ng.ssh.key_name):
            yield Issue((*loc, "ssh", "keyName"), "EC2 key pair names are 1-255 printable ASCII characters",
                        rule="EKS074")
        yield from _security_groups(ng.ssh.source_security_group_ids or [], (*loc, "ssh", "sourceSecurityGroupIds"))


def _iam(ng: NodeGroup, loc: Loc) -> Iterator[Issue]:
    if ng.iam is None:
        return
    for name, arn in (ng.iam.additional_policies or {}).items():
        if not name:
            yield Issue((*loc, "iam", "additionalPolicies"), "policy names (map keys) must not be empty",
                        rule="EKS077")
        if not P.POLICY_ARN.fullmatch(arn):
            yield Issue((*loc, "iam", "additionalPolicies", name), f"{arn!r} is not an IAM policy ARN "
                        "(arn:aws:iam::ACCOUNT:policy/NAME or arn:aws:iam::aws:policy/NAME)", rule="EKS077")
    boundary = ng.iam.permissions_boundary_arn
    if boundary is not None and not P.POLICY_ARN.fullmatch(boundary):
        yield Issue((*loc, "iam", "permissionsBoundaryArn"), f"{boundary!r} is not an IAM policy ARN",
                    rule="EKS077")


def _launch_template(ng: ManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    template = ng.launch_template
    if template is None:
        return
    tloc = (*loc, "launchTemplate")
    if not P.LAUNCH_TEMPLATE_ID.fullmatch(template.id):
        yield Issue((*tloc, "id"), f"{template.id!r} is not a launch template ID (lt- and 8 or 17 hex digits)",
                    rule="EKS075")
    if template.version is not None and not P.LAUNCH_TEMPLATE_VERSION.fullmatch(template.version):
        yield Issue((*tloc, "version"), f"must be a version number, $Latest or $Default (got {template.version!r})",
                    rule="EKS075")
    for key, attr in LAUNCH_TEMPLATE_EXCLUDES.items():
        if getattr(ng, attr) not in (None, []):
            yield Issue((*loc, key), f"{key} is the launch template's to set: remove it, or drop launchTemplate",
                        rule="EKS075")


def _mixed(ng: SelfManagedNodeGroup, loc: Loc) -> Iterator[Issue]:
    mix = ng.instances_distribution
    if mix is None:
        return
    mloc = (*loc, "instancesDistribution")
    # The contract's own example keeps instanceType beside the policy: fine while it is one of the policy's
    # types (the policy's list is what launches); a type outside it would silently never run.
    if ng.instance_type is not None and ng.instance_type not in mix.instance_types:
        yield Issue((*loc, "instanceType"), f"{ng.instance_type} is not among instancesDistribution.instanceTypes, "
                    "which replace instanceType: list it there or drop instanceType", rule="EKS076")
    if not 1 <= len(mix.instance_types) <= MAX_MIXED_INSTANCE_TYPES:
        yield Issue((*mloc, "instanceTypes"), f"give 1 to {MAX_MIXED_INSTANCE_TYPES} instance types", rule="EKS076")
    for index, instance_type in enumerate(mix.instance_types):
        if instance_type in mix.instance_types[:index]:
            yield Issue((*mloc, "instanceTypes", index), f"duplicate instance type {instance_type}", rule="EKS076")
    base = mix.on_demand_base_capacity
    if base is not None and base < 0:
        yield Issue((*mloc, "onDemandBaseCapacity"), f"must be >= 0 (got {base})", rule="EKS076")
    percentage = mix.on_demand_percentage_above_base_capacity
    if percentage is not None and not 0 <= percentage <= 100:
        yield Issue((*mloc, "onDemandPercentageAboveBaseCapacity"), f"must be between 0 and 100 (got {percentage})",
                    rule="EKS076")
