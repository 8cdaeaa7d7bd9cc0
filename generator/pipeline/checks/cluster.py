"""Cluster-level rules: identity, tags, version and support, logging, encryption, Terraform."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.facts.partition import partition
from generator.facts.releases import kubernetes_releases, region_zone_letters, release
from generator.pipeline.capacity import PREFIX_DELEGATION_ENV
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.defaults import modules_terraform_floor
from generator.terraform import catalogs, constraints
from generator.terraform.internals import internals
from generator.terraform.registry import registry

# Warn this many days before a support boundary, so upgrades are planned, not forced.
SUPPORT_WARNING_DAYS = 60
# EKS addons published by AWS (`aws eks describe-addon-versions`, 2026); marketplace addons warn.
KNOWN_ADDONS = frozenset({
    "adot", "amazon-cloudwatch-observability", "aws-ebs-csi-driver", "aws-efs-csi-driver", "aws-fsx-csi-driver",
    "aws-guardduty-agent", "aws-mountpoint-s3-csi-driver", "aws-network-flow-monitoring-agent",
    "aws-privateca-connector-for-kubernetes", "aws-secrets-store-csi-driver-provider", "cert-manager", "coredns",
    "eks-node-monitoring-agent", "eks-pod-identity-agent", "external-dns", "fluent-bit", "kube-proxy",
    "kube-state-metrics", "metrics-server", "prometheus-node-exporter", "snapshot-controller", "vpc-cni",
})
LOCKFILE_FLOOR = (1, 10, 0)  # the S3 backend's use_lockfile needs Terraform 1.10
S3_KEY_MAX_BYTES = 1024  # S3 user guide, "Naming Amazon S3 objects": keys up to 1,024 bytes UTF-8
PRICING_PAGE = "https://aws.amazon.com/eks/pricing/"  # tier rates differ by region; the page is authoritative
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 127  # EC2 resources (VPC, subnets) cap keys at 127, EKS at 128
MAX_TAG_VALUE_LENGTH = 256


def check(ctx: CheckContext) -> Iterator[Issue]:
    yield from _name(ctx)
    yield from _region(ctx)
    yield from _tags(ctx)
    yield from _version(ctx)
    yield from _logging(ctx)
    yield from _encryption(ctx)
    yield from _terraform(ctx)
    yield from _addons(ctx)
    yield from _control_plane(ctx)


def _name(ctx: CheckContext) -> Iterator[Issue]:
    name, loc = ctx.cluster.metadata.name, ("metadata", "name")
    if not P.CLUSTER_NAME.fullmatch(name):
        yield Issue(loc, "must start with a letter or digit and contain only letters, digits, '-' and '_'",
                    rule="EKS002")
    elif len(name) > P.CLUSTER_NAME_MAX_WITH_MODULE:
        yield Issue(loc, f"must be at most {P.CLUSTER_NAME_MAX_WITH_MODULE} characters (got {len(name)}): "
                    "the eks module derives IAM name prefixes from it", rule="EKS002")


def _region(ctx: CheckContext) -> Iterator[Issue]:
    region = ctx.cluster.metadata.region
    known = region_zone_letters()
    if region not in known:
        close = difflib.get_close_matches(region, list(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield Issue(("metadata", "region"), f"unknown AWS region {region!r}{hint}", rule="EKS003")


def _tags(ctx: CheckContext) -> Iterator[Issue]:
    yield from tag_issues(ctx.cluster.metadata.tags or {}, ("metadata", "tags"))


def merged_tag_issues(own: dict[str, str], cluster_tags: dict[str, str], loc: Loc,
                      module_tags: int = 0) -> Iterator[Issue]:
    """EKS004 for a resource's own tags, which the modules merge over the cluster's: the resource ends up with
    the cluster's, its own over them and `module_tags` of the module's own, 50 at most."""
    if own:
        room = MAX_TAGS - module_tags - len(set(cluster_tags) - set(own))
        yield from tag_issues(own, loc, max_tags=max(room, 0))


def tag_issues(tags: dict[str, str], loc: Loc, *, max_tags: int = MAX_TAGS) -> Iterator[Issue]:
    """EKS004 for one tag map; `max_tags` is what is left once other tags on the resource count."""
    if len(tags) > max_tags:
        yield Issue(loc, f"at most {max_tags} tags per resource (got {len(tags)})", rule="EKS004")
    for key, value in tags.items():
        tag_loc = (*loc, key)
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            yield Issue(tag_loc, f"tag key must be 1-{MAX_TAG_KEY_LENGTH} characters", rule="EKS004")
        elif key.lower().startswith("aws:"):
            yield Issue(tag_loc, "tag keys starting with 'aws:' are reserved by AWS", rule="EKS004")
        elif not P.is_iam_tag_text(key, allow_empty=False):
            yield Issue(tag_loc, "tag key may contain only letters, digits, spaces and _ . : / = + - @",
                        rule="EKS004")
        if len(value) > MAX_TAG_VALUE_LENGTH:
            yield Issue(tag_loc, f"tag value must be at most {MAX_TAG_VALUE_LENGTH} characters", rule="EKS004")
        elif not P.is_iam_tag_text(value, allow_empty=True):
            yield Issue(tag_loc, "tag value may contain only letters, digits, spaces and _ . : / = + - @",
                        rule="EKS004")


def _version(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    version = spec.kubernetes_version or ""
    loc = ("spec", "kubernetesVersion")
    if not P.KUBERNETES_VERSION.fullmatch(version):
        yield Issue(loc, f"must look like \"1.MM\" (got {version!r})", rule="EKS005")
        return
    info = release(version)
    known = ", ".join(r.version for r in kubernetes_releases())
    if info is None:
        yield Issue(loc, f"EKS version {version} is not in eksgen's release table ({known})", rule="EKS005")
        return
    today = ctx.today
    if today > info.end_of_extended:
        yield Issue(loc, f"{version} reached end of extended support on {info.end_of_extended}; "
                    f"EKS no longer runs it (supported: {_supported(today)})", rule="EKS006")
    elif today > info.end_of_standard and spec.support_type == "STANDARD":
        yield Issue(loc, f"{version} left standard support on {info.end_of_standard}; "
                    "set supportType: EXTENDED (billed) or pick a newer version", rule="EKS006")
    elif spec.support_type == "STANDARD" and (info.end_of_standard - today).days <= SUPPORT_WARNING_DAYS:
        yield Issue(loc, f"{version} leaves standard support on {info.end_of_standard}; plan the upgrade",
                    severity="warning", rule="EKS007")
    elif today > info.end_of_standard and (info.end_of_extended - today).days <= SUPPORT_WARNING_DAYS:
        yield Issue(loc, f"{version} leaves extended support on {info.end_of_extended}; plan the upgrade",
                    severity="warning", rule="EKS007")


def verdict_window(version: str | None, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates [start, end) around `today` over which the date-driven rules (EKS006, EKS007) say the same
    about `version`: a verdict recorded on one day of the window holds on every other."""
    info = release(version) if version else None
    if info is None:
        return None, None  # no date-driven finding for an unknown version, whatever the day
    margin = dt.timedelta(days=SUPPORT_WARNING_DAYS)
    day = dt.timedelta(days=1)
    edges = {info.end_of_standard - margin, info.end_of_standard + day, info.end_of_extended - margin,
             info.end_of_extended + day, *(r.end_of_extended + day for r in kubernetes_releases())}
    return max((e for e in edges if e <= today), default=None), min((e for e in edges if e > today), default=None)


def _supported(today: dt.date) -> str:
    return ", ".join(r.version for r in kubernetes_releases() if r.end_of_extended >= today)


def _logging(ctx: CheckContext) -> Iterator[Issue]:
    logging = ctx.cluster.spec.logging
    types = logging.types
    for index, kind in enumerate(types):
        if kind in types[:index]:
            yield Issue(("spec", "logging", "types", index), f"duplicate log type {kind!r}", rule="EKS008")
    days = logging.retention_days
    if days not in P.LOG_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in sorted(P.LOG_RETENTION_DAYS))
        yield Issue(("spec", "logging", "retentionDays"), f"CloudWatch accepts only {allowed} (got {days})",
                    rule="EKS008")


def _encryption(ctx: CheckContext) -> Iterator[Issue]:
    enc = ctx.cluster.spec.secrets_encryption
    loc = ("spec", "secretsEncryption")
    if enc.kms_key_arn is not None and enc.create_key:
        yield Issue((*loc, "createKey"), "set either kmsKeyArn or createKey: true, not both", rule="EKS009")
    if enc.kms_key_arn is not None:
        match = P.KMS_KEY_ARN.fullmatch(enc.kms_key_arn)
        if match is None:
            yield Issue((*loc, "kmsKeyArn"), "must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
                        rule="EKS009")
        elif match.group(1) != partition(ctx.cluster.metadata.region):
            yield Issue((*loc, "kmsKeyArn"), f"KMS key is in partition {match.group(1)} but region "
                        f"{ctx.cluster.metadata.region} is in {partition(ctx.cluster.metadata.region)}",
                        rule="EKS009")
        elif match.group(2) != ctx.cluster.metadata.region:
            yield Issue((*loc, "kmsKeyArn"), f"KMS key is in {match.group(2)} but the cluster is in "
                        f"{ctx.cluster.metadata.region}; EKS needs a key in the same region", rule="EKS009")


def _terraform(ctx: CheckContext) -> Iterator[Issue]:
    tf = ctx.cluster.spec.terraform
    for key, version in tf.modules.items():
        available = catalogs.versions(registry().pins[key].catalog)
        if version not in available:
            yield Issue(("spec", "terraform", "modules", key),
                        f"no interface catalog for {key} {version} (available: {', '.join(available)}); "
                        "import one with `eksgen modules import`", rule="EKS010")
        elif key in ("eks", "iam") and internals(key, version) is None:
            yield Issue(("spec", "terraform", "modules", key), f"no recorded module internals for {key} {version} "
                        "(modules/internals.json): its map keys and fixed names are not checked (EKS019, EKS041, "
                        "EKS066); record them from the upstream source", severity="warning", rule="EKS010")
    s3 = tf.backend.s3 if tf.backend else None
    yield from _required_version(ctx, bool(s3 and s3.use_lockfile))
    if s3 is not None:
        loc = ("spec", "terraform", "backend", "s3")
        if not P.S3_BUCKET.fullmatch(s3.bucket) or ".." in s3.bucket:
            yield Issue((*loc, "bucket"), "must be a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')",
                        rule="EKS011")
        if not s3.key or s3.key.startswith("/"):
            yield Issue((*loc, "key"), "must be a non-empty object key not starting with '/'", rule="EKS011")
        elif len(s3.key.encode("utf-8")) > S3_KEY_MAX_BYTES:
            yield Issue((*loc, "key"), f"S3 object keys are at most {S3_KEY_MAX_BYTES} bytes of UTF-8 (got "
                        f"{len(s3.key.encode('utf-8'))})", rule="EKS011")
        if s3.region not in region_zone_letters():
            yield Issue((*loc, "region"), f"unknown AWS region {s3.region!r}", rule="EKS011")


def _required_version(ctx: CheckContext, lockfile: bool) -> Iterator[Issue]:
    tf = ctx.cluster.spec.terraform
    text, loc = tf.required_version, ("spec", "terraform", "requiredVersion")
    floor_text = modules_terraform_floor(tf.modules) or ">= 0"
    floor = constraints.parse_version(".".join(str(p) for p in catalogs.version_floor(floor_text)))
    needs, why = (max(floor, LOCKFILE_FLOOR), "the pinned modules' floor and use_lockfile's 1.10") if lockfile \
        else (floor, "the pinned modules' floor")
    shown = ".".join(str(p) for p in needs)
    # Both readings must accept it: eksgen's constraint parser and Terraform's per-term syntax.
    if constraints.terms(text) is None or not all(P.TERRAFORM_CONSTRAINT.fullmatch(part) for part in text.split(",")):
        yield Issue(loc, f"must be a Terraform version constraint such as \">= {shown}\" or \">= {shown}, < 2.0.0\" "
                    f"(got {text!r})", rule="EKS017")
    elif not constraints.admits_from(text, needs):
        yield Issue(loc, f"{text!r} admits no Terraform 1.x release at or above {shown} ({why}); "
                    f"write one like \">= {shown}\"", rule="EKS017")


def _json_values(value: object, loc: Loc) -> Iterator[Issue]:
    """Addon configuration becomes jsonencode(...): only JSON values, and finite numbers."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_values(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_values(item, (*loc, index))
    # The loader already refuses .inf, .nan and YAML's dates (load.py): these two branches guard configuration
    # that reaches the checks another way.
    elif isinstance(value, float) and not math.isfinite(value):
        yield Issue(loc, f"JSON has no {value}; use a finite number or quote it", rule="EKS012")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        yield Issue(loc, f"must be a JSON value (string, number, boolean, null, list or mapping); YAML read a "
                    f"{type(value).__name__}: quote it", rule="EKS012")


def _coredns_on_fargate(ctx: CheckContext) -> Iterator[Issue]:
    """Without nodes, CoreDNS stays Pending unless told to run on Fargate."""
    spec = ctx.cluster.spec
    coredns = spec.addons.get("coredns")
    if coredns is None or spec.managed_node_groups or spec.self_managed_node_groups or not spec.fargate_profiles:
        return
    if (spec.auto_mode and spec.auto_mode.enabled) or (spec.karpenter and spec.karpenter.enabled):
        return
    if (coredns.configuration or {}).get("computeType") != "Fargate":
        yield Issue(("spec", "addons", "coredns"), "a Fargate-only cluster needs CoreDNS on Fargate: set "
                    "configuration: {computeType: Fargate} and a profile selecting kube-system",
                    severity="warning", rule="EKS016")


def _ipv6_policy(ctx: CheckContext) -> Iterator[Issue]:
    spec, tf = ctx.cluster.spec, ctx.cluster.spec.terraform
    if spec.ip_family != "ipv6" or not spec.vpc_cni.create_ipv6_policy:
        return
    facts = internals("eks", tf.modules["eks"])
    # The fallback is the name recorded for every pinned version, so dropping the facts changes nothing today.
    fixed = facts["fixed_names"]["cni_ipv6_policy"] if facts else {"name": "AmazonEKS_CNI_IPv6_Policy"}
    yield Issue(("spec", "ipFamily"), f"the eks module creates the IAM policy {fixed['name']}, whose name is fixed "
                "account-wide: a second IPv6 cluster in this account fails with EntityAlreadyExists; give it "
                "vpcCni: {createIpv6Policy: false} (waive this on the account's first IPv6 cluster)",
                severity="warning", rule="EKS019")


def _addons(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    accounts = {sa.name for sa in spec.service_accounts or []}
    for name, addon in spec.addons.items():
        loc = ("spec", "addons", name)
        if not P.ADDON_NAME.fullmatch(name):
            yield Issue(loc, "addon names are lowercase letters, digits and '-'", rule="EKS012")
        if addon.version is not None and not P.ADDON_VERSION.fullmatch(addon.version):
            yield Issue((*loc, "version"), f"must look like v1.2.3-eksbuild.1 (got {addon.version!r})", rule="EKS012")
        if addon.configuration is not None:
            yield from _json_values(addon.configuration, (*loc, "configuration"))
        if addon.service_account is not None and addon.service_account not in accounts:
            yield Issue((*loc, "serviceAccount"), f"no serviceAccounts entry named {addon.service_account!r}",
                        rule="EKS012")
    for name in spec.addons:
        if P.ADDON_NAME.fullmatch(name) and name not in KNOWN_ADDONS:
            close = difflib.get_close_matches(name, sorted(KNOWN_ADDONS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (a marketplace addon is fine: waive this)"
            yield Issue(("spec", "addons", name), f"{name!r} is not an EKS addon eksgen knows{hint}",
                        severity="warning", rule="EKS015")
    yield from _coredns_on_fargate(ctx)
    yield from _ipv6_policy(ctx)
    if spec.vpc_cni and spec.vpc_cni.prefix_delegation and "vpc-cni" not in spec.addons:
        yield Issue(("spec", "vpcCni", "prefixDelegation"), "has no effect: the vpc-cni addon is not listed",
                    severity="warning", rule="EKS014")
    cni = (spec.addons or {}).get("vpc-cni")
    env = (cni.configuration or {}).get("env") if cni is not None else None
    if spec.vpc_cni and spec.vpc_cni.prefix_delegation and env is not None and not isinstance(env, dict):
        yield Issue(("spec", "addons", "vpc-cni", "configuration", "env"), "must be a mapping of variable names "
                    "to values: vpcCni.prefixDelegation adds ENABLE_PREFIX_DELEGATION to it", rule="EKS012")
    yield from _prefix_delegation_conflict(ctx, env)
    auto_mode = spec.auto_mode is not None and bool(spec.auto_mode.enabled)
    if not (spec.managed_node_groups or spec.self_managed_node_groups or spec.fargate_profiles or auto_mode):
        yield Issue(("spec",), "the cluster has no node groups and no Fargate profile (and no Auto Mode): nothing "
                    "can run pods", severity="warning", rule="EKS013")


def _control_plane(ctx: CheckContext) -> Iterator[Issue]:
    plane = ctx.cluster.spec.control_plane
    tier = plane.tier if plane else None
    if tier is not None and tier != "standard":
        yield Issue(("spec", "controlPlane", "tier"), f"{tier} is a provisioned control plane, billed for every "
                    f"hour the cluster exists at the {tier} rate on top of the standard cluster fee, used or not "
                    f"({PRICING_PAGE})", severity="warning", rule="EKS111")


def _prefix_delegation_conflict(ctx: CheckContext, env: object) -> Iterator[Issue]:
    """vpcCni.prefixDelegation as written against the vpc-cni env it sets: one of them would be silently
    overruled (the env is what the addon gets, and the capacity plan would count the other)."""
    wanted = ctx.written("spec", "vpcCni", "prefixDelegation")
    given = env.get(PREFIX_DELEGATION_ENV) if isinstance(env, dict) else None
    if isinstance(wanted, bool) and given is not None and given != str(wanted).lower():
        yield Issue(("spec", "addons", "vpc-cni", "configuration", "env", PREFIX_DELEGATION_ENV),
                    f"{given!r} contradicts vpcCni.prefixDelegation: {str(wanted).lower()}; set one of them",
                    rule="EKS012")
