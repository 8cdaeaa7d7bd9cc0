"""EKS Pod Identity rules: well-formed associations, the agent that serves them, and overlap with IRSA."""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Issue, Loc, format_loc
from generator.facts.partition import partition
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import ClusterSpec, PodIdentityAssociation

AGENT_ADDON = "eks-pod-identity-agent"
ENTRIES = ("spec", "podIdentityAssociations")


def check(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    entries = spec.pod_identity_associations or []
    names: dict[str, int] = {}
    bound: dict[tuple[str, str], Loc] = {}
    addon_of = {addon.pod_identity: name for name, addon in (spec.addons or {}).items()
                if addon.pod_identity is not None}
    karpenter = spec.karpenter
    if karpenter is not None and karpenter.enabled:  # the karpenter module creates this association
        bound[(karpenter.namespace or "", karpenter.service_account or "")] = ("spec", "karpenter")
    for index, entry in enumerate(entries):
        loc: Loc = (*ENTRIES, index)
        yield from _entry(ctx, entry, loc)
        if entry.name in names:
            yield Issue((*loc, "name"), f"duplicate name {entry.name!r} (first at podIdentityAssociations"
                        f"[{names[entry.name]}])", rule="EKS120")
        else:
            names[entry.name] = index
        pair = (entry.namespace, entry.service_account)
        if pair in bound:
            yield Issue((*loc, "serviceAccount"), f"{entry.namespace}/{entry.service_account} already has a Pod "
                        f"Identity association at {format_loc(bound[pair])}; EKS allows one per service account",
                        rule="EKS120")
        else:
            bound[pair] = loc
        if entry.role_arn is None and not entry.well_known_policies and not entry.policy_arns \
                and entry.name not in addon_of:
            yield Issue(loc, "the role gets no permissions: add wellKnownPolicies or policyArns",
                        severity="warning", rule="EKS039")
    yield from _addon_references(ctx, set(names))
    yield from _agent(ctx)
    yield from _irsa_overlap(ctx)


def _entry(ctx: CheckContext, entry: PodIdentityAssociation, loc: Loc) -> Iterator[Issue]:
    region = ctx.cluster.metadata.region
    if not P.MODULE_LABEL_PART.fullmatch(entry.name):
        yield Issue((*loc, "name"), "must be 1-38 lowercase letters, digits and '-' (it names a module and a role)",
                    rule="EKS120")
    elif entry.role_arn is None and len(role := f"{ctx.cluster.metadata.name}-{entry.name}-") > P.IAM_NAME_PREFIX_MAX:
        yield Issue((*loc, "name"), f"the role name prefix {role!r} is {len(role)} characters; IAM allows "
                    f"{P.IAM_NAME_PREFIX_MAX} (the eks-pod-identity module appends '-' to <cluster>-<name>): "
                    "shorten it", rule="EKS120")
    if len(entry.namespace) > 63 or not P.DNS_LABEL.fullmatch(entry.namespace):
        yield Issue((*loc, "namespace"), f"{entry.namespace!r} is not a valid namespace name", rule="EKS120")
    if len(entry.service_account) > 253 or not P.DNS_SUBDOMAIN.fullmatch(entry.service_account):
        yield Issue((*loc, "serviceAccount"), f"{entry.service_account!r} is not a valid service account name",
                    rule="EKS120")
    if entry.role_arn is not None:
        match = P.ROLE_ARN.fullmatch(entry.role_arn)
        if match is None:
            yield Issue((*loc, "roleArn"), f"must be an IAM role ARN (got {entry.role_arn!r})", rule="EKS120")
        elif match.group(1) != partition(region):
            yield Issue((*loc, "roleArn"), f"role is in partition {match.group(1)} but the cluster's region is in "
                        f"{partition(region)}", rule="EKS120")
        if entry.well_known_policies or entry.policy_arns:
            yield Issue((*loc, "roleArn"), "an existing role takes no wellKnownPolicies or policyArns: eksgen "
                        "cannot attach policies to a role it does not create", rule="EKS120")
    for p_index, arn in enumerate(entry.policy_arns or []):
        if not P.POLICY_ARN.fullmatch(arn):
            yield Issue((*loc, "policyArns", p_index), f"must be an IAM policy ARN (got {arn!r})", rule="EKS120")
        elif arn.split(":")[1] != partition(region):
            yield Issue((*loc, "policyArns", p_index), f"policy is in partition {arn.split(':')[1]} but the "
                        f"cluster's region is in {partition(region)}", rule="EKS120")


def _addon_references(ctx: CheckContext, names: set[str]) -> Iterator[Issue]:
    users: dict[str, str] = {}
    for name, addon in (ctx.cluster.spec.addons or {}).items():
        if addon.pod_identity is None:
            continue
        loc = ("spec", "addons", name, "podIdentity")
        if addon.pod_identity not in names:
            yield Issue(loc, f"no podIdentityAssociations entry named {addon.pod_identity!r}", rule="EKS012")
        elif addon.pod_identity in users:
            yield Issue(loc, f"entry {addon.pod_identity!r} is already used by the {users[addon.pod_identity]} "
                        "addon; each addon needs its own role", rule="EKS012")
        else:
            users[addon.pod_identity] = name
        if addon.service_account is not None:
            yield Issue(loc, "set either serviceAccount (IRSA) or podIdentity, not both", rule="EKS012")


def uses_pod_identity(spec: ClusterSpec) -> bool:
    """An association or an addon bound through one: pods that get credentials from the agent (and eks-auth)."""
    return bool(spec.pod_identity_associations) or any(a.pod_identity for a in (spec.addons or {}).values())


def _agent(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    uses = uses_pod_identity(spec)
    auto_mode = spec.auto_mode is not None and bool(spec.auto_mode.enabled)
    if uses and AGENT_ADDON not in (spec.addons or {}) and not auto_mode:
        yield Issue(ENTRIES if spec.pod_identity_associations else ("spec", "addons"),
                    f"Pod Identity needs the {AGENT_ADDON} addon on the nodes (or Auto Mode, which runs it): "
                    f"add {AGENT_ADDON} to addons", rule="EKS121")


def _irsa_overlap(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    irsa = {(sa.namespace, sa.service_account): index for index, sa in enumerate(spec.service_accounts or [])}
    for index, entry in enumerate(spec.pod_identity_associations or []):
        first = irsa.get((entry.namespace, entry.service_account))
        if first is not None:
            yield Issue((*ENTRIES, index, "serviceAccount"), f"{entry.namespace}/{entry.service_account} also has "
                        f"an IRSA role (serviceAccounts[{first}]): two mechanisms for one identity, and which "
                        "one a pod's SDK uses depends on its credential chain", severity="warning", rule="EKS122")
