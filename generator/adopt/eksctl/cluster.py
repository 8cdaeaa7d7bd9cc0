"""Cluster-wide settings: metadata, version and support, network config, logging, encryption,
control plane, Auto Mode and Karpenter."""

from __future__ import annotations

import re

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.facts.releases import Release, kubernetes_releases, release
from generator.pipeline.default_values import (
    DEFAULT_DELETION_PROTECTION,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_LOG_TYPES,
    DEFAULT_SUPPORT_TYPE,
)
from generator.pipeline.defaults import default_kubernetes_version
from generator.pipeline.model import AutoMode, ControlPlane, Karpenter, Logging, SecretsEncryption

VERSION = re.compile(r"1\.(0|[1-9][0-9]?)")
META = ("metadata",)


def map_metadata(ctx: Context) -> None:
    src = ctx.src
    ctx.metadata.set("name", src.text((*META, "name")), origin=(*META, "name"))
    ctx.metadata.set("region", src.text((*META, "region")), origin=(*META, "region"))
    tags = src.text_map((*META, "tags"))
    ctx.metadata.set("tags", tags or None, origin=(*META, "tags"))
    map_version(ctx)
    ctx.drop_unread(META, ctx.metadata)


def _support_type(ctx: Context) -> str:
    loc = ("upgradePolicy", "supportType")
    value = ctx.src.text(loc)
    if value is None:
        ctx.spec.set("supportType", E.EKSCTL_DEFAULT_SUPPORT_TYPE, origin=("upgradePolicy",), comment=(
            f"eksctl's default support type; eksgen's is {DEFAULT_SUPPORT_TYPE}: no extended-support fee, and "
            "the end of standard support is an error to act on instead of a bill that keeps growing."))
        return E.EKSCTL_DEFAULT_SUPPORT_TYPE
    if value not in ("STANDARD", "EXTENDED"):
        ctx.src.report(loc, f"must be STANDARD or EXTENDED (got {value!r})")
        return E.EKSCTL_DEFAULT_SUPPORT_TYPE
    ctx.spec.set("supportType", value, origin=loc)
    return value


def map_version(ctx: Context) -> None:
    loc = (*META, "version")
    support = _support_type(ctx)
    raw = ctx.src.raw(loc)
    if raw is None:
        ctx.spec.set("kubernetesVersion", E.EKSCTL_DEFAULT_VERSION, origin=META, comment=(
            f"eksctl's default version at the eksctl release eksgen knows (metadata.version unset): a cluster "
            f"made by another eksctl release may run another; eksgen's default is the newest, "
            f"{default_kubernetes_version()}, for the longest support window."))
        return
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        written = ctx.src.doc.scalars.get(loc, str(raw))
        ctx.src.report(loc, f"must be text; YAML reads {written} as the number {raw!r}: quote it (\"{written}\")")
        return
    version = ctx.src.text(loc)
    if version is None:
        return
    version = version.removeprefix("v")
    if not VERSION.fullmatch(version):
        ctx.src.report(loc, f"must be a Kubernetes version like \"1.34\" (got {version!r})")
        return
    known = release(version)
    newest = kubernetes_releases()[-1]
    if known is None and int(version.split(".")[1]) > newest.minor:
        ctx.src.report(loc, f"{version} is newer than eksgen's release table (newest {newest.version}); "
                            "upgrade eksgen")
        return
    runnable = _runnable(ctx, support)
    if known is not None and known in runnable:
        ctx.spec.set("kubernetesVersion", version, origin=loc)
        return
    oldest = runnable[0]
    oldest_known = kubernetes_releases()[0].version
    why = (f"older than {oldest_known}, the oldest release in eksgen's table" if known is None
           else f"{support.lower()} support ended on {_end(known, support)}")
    ctx.src.report(loc, f"EKS no longer runs {version} ({why}); EKS upgrades such clusters itself, to the oldest "
                        f"version it supports: the spec says {oldest.version}; set the version the cluster runs "
                        "now (aws eks describe-cluster)", severity="warning")
    ctx.spec.set("kubernetesVersion", oldest.version, origin=loc, comment=(
        f"eksctl's metadata.version was \"{version}\", which EKS no longer runs: check the version the cluster "
        "runs now."))


def _end(item: Release, support: str) -> str:
    return (item.end_of_extended if support == "EXTENDED" else item.end_of_standard).isoformat()


def _runnable(ctx: Context, support: str) -> list[Release]:
    return [r for r in kubernetes_releases()
            if (r.end_of_extended if support == "EXTENDED" else r.end_of_standard) >= ctx.today]


def map_deletion_protection(ctx: Context) -> None:
    if DEFAULT_DELETION_PROTECTION:
        ctx.spec.set("deletionProtection", False, comment=(
            "eksctl sets no deletion protection; eksgen's default turns it on (a stray `terraform destroy` "
            "cannot delete the cluster), and turning it on changes nothing else."))


def map_network_config(ctx: Context) -> None:
    base = ("kubernetesNetworkConfig",)
    family = ctx.src.text((*base, "ipFamily"))
    legacy = ctx.src.text(("vpc", "ipFamily"))  # older ClusterConfigs put it under vpc
    chosen, where = (family, (*base, "ipFamily")) if family is not None else (legacy, ("vpc", "ipFamily"))
    if chosen is not None:
        if chosen.lower() not in ("ipv4", "ipv6"):
            ctx.src.report(where, f"must be IPv4 or IPv6 (got {chosen!r})")
        elif chosen.lower() == "ipv6":
            ctx.spec.set("ipFamily", "ipv6", origin=where)
    ctx.spec.set("serviceIpv4Cidr", ctx.src.text((*base, "serviceIPv4CIDR")), origin=(*base, "serviceIPv4CIDR"))
    ctx.drop_unread(base, ctx.spec)


def map_logging(ctx: Context) -> None:
    base = ("cloudWatch", "clusterLogging")
    logging = ctx.spec.child("logging", Logging, origin=("cloudWatch",))
    types = ctx.src.texts((*base, "enableTypes"))
    days = ctx.src.number((*base, "logRetentionInDays"))
    defaults = ", ".join(DEFAULT_LOG_TYPES)
    if not types:
        logging.set("types", [], origin=base, comment=(
            f"eksctl's default: no control-plane logs. eksgen's default sends {defaults} to CloudWatch, so "
            "who did what to the cluster stays on record."))
    else:
        chosen = list(E.EKSCTL_LOG_TYPES) if any(t in ("*", "all") for t in types) else []
        for index, kind in enumerate(types):
            if kind in ("*", "all"):
                continue
            match = next((t for t in E.EKSCTL_LOG_TYPES if t.lower() == kind.lower()), None)
            if match is None:
                ctx.src.report((*base, "enableTypes", index),
                               f"unknown log type {kind!r}; eksctl accepts {', '.join(E.EKSCTL_LOG_TYPES)}, * and all")
            elif match not in chosen:
                chosen.append(match)
        logging.set("types", [t for t in E.EKSCTL_LOG_TYPES if t in chosen], origin=(*base, "enableTypes"))
    if days:
        logging.set("retentionDays", days, origin=(*base, "logRetentionInDays"))
    elif types:
        logging.set("retentionDays", DEFAULT_LOG_RETENTION_DAYS, comment=(
            "eksctl leaves retention unset: EKS's log group keeps logs forever. eksgen's module creates the "
            "group and needs a retention; this is eksgen's default."))
        ctx.note((*base, "enableTypes"), f"logs kept forever by eksctl; the spec keeps them "
                                         f"{DEFAULT_LOG_RETENTION_DAYS} days (set logging.retentionDays)")
    ctx.drop_unread(base, logging)
    ctx.drop_unread(("cloudWatch",), logging)


def map_secrets_encryption(ctx: Context) -> None:
    loc = ("secretsEncryption", "keyARN")
    block = ctx.spec.child("secretsEncryption", SecretsEncryption, origin=("secretsEncryption",))
    key = ctx.src.text(loc)
    if key is not None:
        block.set("kmsKeyArn", key, origin=loc)
    else:
        block.set("createKey", False, comment=(
            "eksctl's default: secrets are not envelope-encrypted. eksgen's default creates a KMS key for them, "
            "so a copy of etcd does not reveal them; turning it on cannot be undone."))
    ctx.drop_unread(("secretsEncryption",), ctx.spec)


def map_control_plane(ctx: Context) -> None:
    tier = ctx.src.text(("controlPlaneScalingConfig", "tier"))
    shift = ctx.src.flag(("zonalShiftConfig", "enabled"))
    if tier is None and not shift:
        return
    block = ctx.spec.child("controlPlane", ControlPlane)
    block.set("tier", tier, origin=("controlPlaneScalingConfig", "tier"))
    block.set("zonalShift", True if shift else None, origin=("zonalShiftConfig", "enabled"))
    ctx.drop_unread(("controlPlaneScalingConfig",), block)
    ctx.drop_unread(("zonalShiftConfig",), block)


def map_auto_mode(ctx: Context) -> bool:
    base = ("autoModeConfig",)
    enabled = ctx.src.flag((*base, "enabled"))
    if not enabled:
        return False
    block = ctx.spec.child("autoMode", AutoMode, origin=base)
    block.set("enabled", True, origin=(*base, "enabled"))
    pools = ctx.src.texts((*base, "nodePools"))
    if pools is not None:
        for index, pool in enumerate(pools):
            if pool not in ("general-purpose", "system"):
                ctx.src.report((*base, "nodePools", index), f"unknown node pool {pool!r}; EKS has general-purpose "
                                                            "and system")
        block.set("nodePools", [p for p in pools if p in ("general-purpose", "system")], origin=(*base, "nodePools"))
    ctx.drop_unread(base, block)
    return True


def map_karpenter(ctx: Context) -> bool:
    base = ("karpenter",)
    if ctx.src.typed(base, dict) is None:
        return False
    block = ctx.spec.child("karpenter", Karpenter, origin=base)
    block.set("enabled", True, origin=base)
    queue = ctx.src.flag((*base, "withSpotInterruptionQueue"))
    if queue is None:
        queue = E.EKSCTL_DEFAULT_INTERRUPTION_QUEUE
        block.set("interruptionQueue", queue, comment=(
            "eksctl's default: no interruption queue. eksgen's default creates it, so Karpenter drains spot "
            "nodes before EC2 reclaims them."))
    else:
        block.set("interruptionQueue", queue, origin=(*base, "withSpotInterruptionQueue"))
    if ctx.src.flag((*base, "createServiceAccount")) is False:
        pass  # eksctl's default: the chart creates the account, as it does with eksgen
    ctx.drop_unread(base, block)
    return True
