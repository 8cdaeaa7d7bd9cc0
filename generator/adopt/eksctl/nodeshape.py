"""A node group's machine: AMI family, root volume, IMDS, SSH, node role and taints."""

from __future__ import annotations

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.tree import Block, Seq
from generator.errors import Loc
from generator.facts import instances
from generator.facts.partition import partition
from generator.pipeline.defaults import default_ami_type
from generator.pipeline.model import NodeGroupIam, Ssh, Taint

WINDOWS = {f"WindowsServer{year}{kind}Container": f"WINDOWS_{kind.upper()}_{year}_x86_64"
           for year in ("2019", "2022", "2025") for kind in ("Core", "Full")}
EFFECTS = {"NoSchedule": "NO_SCHEDULE", "NoExecute": "NO_EXECUTE", "PreferNoSchedule": "PREFER_NO_SCHEDULE"}
DISK_TYPES = ("gp3", "gp2", "io1", "io2")


def ami_type(ctx: Context, loc: Loc, block: Block, instance: str) -> str | None:
    """eksgen's amiType for eksctl's amiFamily and the first instance type; None when not expressible."""
    family = ctx.src.text((*loc, "amiFamily"))
    arm, gpu = instances.is_arm(instance), instances.is_gpu(instance)
    arch = "ARM_64" if arm else "x86_64"
    chosen: str | None
    if family is None or family == "AmazonLinux2023":
        chosen = default_ami_type(instance)
    elif family == "AmazonLinux2":
        chosen = "AL2_ARM_64" if arm else ("AL2_x86_64_GPU" if gpu else "AL2_x86_64")
    elif family == "Bottlerocket":
        chosen = f"BOTTLEROCKET_{arch}" + ("_NVIDIA" if gpu else "")
    elif family == "BottlerocketFips":
        chosen = f"BOTTLEROCKET_{arch}_FIPS"
    else:
        chosen = WINDOWS.get(family)
    if chosen is None:
        ctx.drop((*loc, "amiFamily"), block, f"eksgen has no {family} AMI type (AL2023, AL2, Bottlerocket and "
                                             "Windows only); the spec falls back to AL2023")
        chosen = default_ami_type(instance)
        block.set("amiType", chosen, comment=f"Not {family}: eksgen has no such AMI type.")
        return chosen
    block.set("amiType", chosen, origin=(*loc, "amiFamily"))
    return chosen


def disk(ctx: Context, loc: Loc, block: Block) -> None:
    src = ctx.src
    size = src.number((*loc, "volumeSize"))
    kind = src.text((*loc, "volumeType"))
    if size is None:
        block.set("diskSizeGiB", E.EKSCTL_DEFAULT_VOLUME_SIZE, comment=(
            f"eksctl's default root volume: {E.EKSCTL_DEFAULT_VOLUME_SIZE} GiB {E.EKSCTL_DEFAULT_VOLUME_TYPE}. "
            "eksgen's default keeps the AMI's own volume (and encrypts it)."))
    else:
        block.set("diskSizeGiB", size, origin=(*loc, "volumeSize"))
    if kind is None:
        block.set("diskType", E.EKSCTL_DEFAULT_VOLUME_TYPE)
    elif kind in DISK_TYPES:
        block.set("diskType", kind, origin=(*loc, "volumeType"))
    else:
        ctx.drop((*loc, "volumeType"), block, f"eksgen's root volume is one of {', '.join(DISK_TYPES)}")
    block.set("diskIops", src.number((*loc, "volumeIOPS")), origin=(*loc, "volumeIOPS"))
    block.set("diskThroughput", src.number((*loc, "volumeThroughput")), origin=(*loc, "volumeThroughput"))
    key = src.text((*loc, "volumeKmsKeyID"))
    if key is not None and key.startswith("arn:"):
        block.set("diskKmsKeyArn", key, origin=(*loc, "volumeKmsKeyID"))
    elif key is not None:
        ctx.drop((*loc, "volumeKmsKeyID"), block, "eksgen takes the KMS key's ARN (diskKmsKeyArn)")
    if src.flag((*loc, "volumeEncrypted")) is False:
        ctx.drop((*loc, "volumeEncrypted"), block)


def imds(ctx: Context, loc: Loc, block: Block) -> None:
    if ctx.src.flag((*loc, "disableIMDSv1")) is False:
        ctx.drop((*loc, "disableIMDSv1"), block, "eksgen always requires IMDSv2 tokens, so a request forged "
                                                 "through a pod's proxy cannot read the node's credentials")
    if not ctx.src.flag((*loc, "disablePodIMDS")):
        block.set("imdsHopLimit", E.EKSCTL_DEFAULT_HOP_LIMIT, comment=(
            "eksctl's default (disablePodIMDS: false): pods reach the instance metadata service. eksgen's "
            "default hop limit 1 keeps the node role's credentials away from pods."))


def ssh(ctx: Context, loc: Loc, block: Block) -> None:
    src = ctx.src
    allow = src.flag((*loc, "allow"))
    name = src.text((*loc, "publicKeyName"))
    material = next((k for k in ("publicKeyPath", "publicKey") if src.has((*loc, k))), None)
    if allow is False or (allow is None and name is None and material is None):
        ctx.drop_unread(loc, block)
        return
    if name is None:
        ctx.drop(loc, block, "eksctl imports a public key as a key pair it names itself; eksgen names an existing "
                             "key pair: give ssh.publicKeyName")
        return
    # The block's place is its key's (block.set below). Its model only orders keys, and Ssh's two are in
    # alphabetical order, which is how a model-less block is written: a mutant dropping it is equivalent.
    entry = Block(Ssh)  # pragma: no mutate
    entry.set("keyName", name, origin=(*loc, "publicKeyName"))
    entry.set("sourceSecurityGroupIds", src.texts((*loc, "sourceSecurityGroupIds")) or None,
              origin=(*loc, "sourceSecurityGroupIds"))
    block.set("ssh", entry, origin=loc)
    ctx.drop_unread(loc, entry)


def node_iam(ctx: Context, loc: Loc, block: Block) -> None:
    src = ctx.src
    iam = Block(NodeGroupIam)  # its place is its key's (block.set below)
    arns = src.texts((*loc, "attachPolicyARNs"))
    prefix = f"arn:{partition(ctx.region)}:iam::aws:policy/"
    policies: dict[str, str] = {}
    comment = None
    if arns:
        for arn in arns:
            name = arn.rsplit("/", 1)[-1]
            if name not in E.EKSCTL_NODE_BASE_POLICIES:
                policies[name] = arn
    else:
        policies[E.EKSCTL_NODE_SSM_POLICY] = prefix + E.EKSCTL_NODE_SSM_POLICY
        comment = ("eksctl gives every node role Session Manager access (a shell on the node for anyone allowed "
                   "to start a session); eksgen's node role has only what nodes need.")
    iam.set("additionalPolicies", policies or None, origin=(*loc, "attachPolicyARNs"), comment=comment)
    iam.set("permissionsBoundaryArn", src.text((*loc, "instanceRolePermissionsBoundary")),
            origin=(*loc, "instanceRolePermissionsBoundary"))
    addon_policies = src.mapping((*loc, "withAddonPolicies"))
    if any(src.flag((*loc, "withAddonPolicies", k)) for k in addon_policies):
        ctx.drop((*loc, "withAddonPolicies"), iam)
    ctx.drop_unread(loc, iam)
    if iam.fields or iam.dropped:
        block.set("iam", iam, origin=loc)


def taints(ctx: Context, loc: Loc) -> Seq | None:
    """A list of {key, value, effect}, or the older map form `key: value:Effect`."""
    raw = ctx.src.raw(loc)
    if raw is None:
        return None
    seq = Seq()
    if isinstance(raw, dict):
        for key in raw:
            text = ctx.src.text((*loc, key)) or ""
            value, _, effect = text.rpartition(":")
            _taint(ctx, (*loc, key), key, value or None, effect, seq)
        return seq
    for item in ctx.src.items(loc):
        key = ctx.src.text((*item, "key"))
        if key is None:
            ctx.src.report((*item, "key"), "required: the taint's key")
            continue
        _taint(ctx, item, key, ctx.src.text((*item, "value")), ctx.src.text((*item, "effect")) or "", seq)
    return seq


def _taint(ctx: Context, loc: Loc, key: str, value: str | None, effect: str, seq: Seq) -> None:
    mapped = EFFECTS.get(effect)
    if mapped is None:
        ctx.src.report(loc, f"effect must be one of {', '.join(EFFECTS)} (got {effect!r})")
        return
    taint = Block(Taint)  # key, value and effect come from one place: the entry's (seq.add)
    taint.set("key", key)
    taint.set("value", value)
    taint.set("effect", mapped)
    seq.add(taint, origin=loc)
