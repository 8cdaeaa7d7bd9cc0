"""Access rules: authentication mode, access entries, aws-auth conversion, IRSA accounts."""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Issue, Loc, format_loc
from generator.facts.partition import partition
from generator.pipeline import awsauth
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import AccessEntry
from generator.pipeline.keys import access_entry_keys, policy_arn, policy_key
from generator.terraform.internals import internals

ACCESS = ("spec", "access")
NODE_ENTRY_TYPES = frozenset({"EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"})


def check(ctx: CheckContext) -> Iterator[Issue]:
    access = ctx.cluster.spec.access
    if access.authentication_mode == "CONFIG_MAP":
        yield Issue((*ACCESS, "authenticationMode"), "CONFIG_MAP is not supported: use API (access entries); "
                    "move aws-auth mappings to access.awsAuth and eksgen converts them", rule="EKS030")
    seen: dict[str, Loc] = {}
    folded: dict[str, tuple[str, Loc]] = {}
    for loc, entry in awsauth.all_entries(access):
        yield from _entry(loc, entry, is_converted="awsAuth" in loc,
                          expected_partition=partition(ctx.cluster.metadata.region))
        first = seen.get(entry.principal_arn)
        same_name = folded.get(entry.principal_arn.lower())
        if first is not None:
            yield Issue(_arn_loc(loc), f"principal {entry.principal_arn} already has an access entry at "
                        f"{format_loc(first)}; EKS would answer 409 Conflict", rule="EKS031")
        elif same_name is not None:
            yield Issue(_arn_loc(loc), f"IAM names are case-insensitive: {entry.principal_arn} is the principal "
                        f"of {format_loc(same_name[1])} ({same_name[0]}); EKS would answer 409 Conflict",
                        rule="EKS031")
        else:
            seen[entry.principal_arn] = loc
            folded[entry.principal_arn.lower()] = (entry.principal_arn, loc)
    yield from access.converted_aws_auth.warnings
    yield from _module_keys(ctx)
    yield from _service_accounts(ctx)


def _module_keys(ctx: CheckContext) -> Iterator[Issue]:
    """The eks module keys entries by their map key and associations by "<entry>_<policy>"
    (modules/internals.json): two items with one key fail the plan, and the key cluster_creator
    silently replaces the module's own creator-admin entry."""
    access, tf = ctx.cluster.spec.access, ctx.cluster.spec.terraform
    facts = internals("eks", tf.modules["eks"])
    if facts is None:
        return
    creator = facts["creator_access_entry_key"]
    template = facts["policy_association_key"]["template"]
    entries = list(awsauth.all_entries(access))
    keys = access_entry_keys([e.principal_arn for _, e in entries])
    seen: dict[str, str] = {}
    if access.cluster_creator_admin:
        seen[template.format(entry_key=creator["key"], policy_key=creator["policy_key"])] = \
            "the module's creator-admin entry (clusterCreatorAdmin: true)"
    for loc, entry in entries:
        key = keys[entry.principal_arn]
        if access.cluster_creator_admin and key == creator["key"]:
            yield Issue(_arn_loc(loc), f"its module key {key!r} is the one the eks module uses for the cluster "
                        "creator's admin entry, which it would silently replace: set clusterCreatorAdmin: false "
                        "and list the creator's role as an entry instead", rule="EKS041")
        for index, policy in enumerate(entry.policies):
            ploc = (*loc, "groups") if "awsAuth" in loc else (*loc, "policies", index, "policy")
            association = template.format(entry_key=key, policy_key=policy_key(policy_arn(
                policy.policy, ctx.cluster.metadata.region)))
            first = seen.get(association)
            if first is None:
                seen[association] = format_loc(ploc)
                continue
            same_entry = first.startswith(format_loc(loc) + ".")
            yield Issue(ploc, f"the eks module keys this policy association {association!r}, as it does "
                        f"{first}: Terraform stops with 'Two different items produced the key'; "
                        + ("list each policy once" if same_entry else "rename one of the roles"), rule="EKS041")


def _arn_loc(loc: Loc) -> Loc:
    if "mapRoles" in loc:
        return (*loc, "rolearn")
    if "mapUsers" in loc:
        return (*loc, "userarn")
    return (*loc, "principalArn")


def _entry(loc: Loc, entry: AccessEntry, *, is_converted: bool, expected_partition: str) -> Iterator[Issue]:
    arn = entry.principal_arn
    if ":sts::" in arn or ":assumed-role/" in arn:
        yield Issue(_arn_loc(loc), "use the IAM role ARN, not an STS assumed-role session ARN", rule="EKS032")
    elif not (P.ROLE_ARN.fullmatch(arn) or P.USER_ARN.fullmatch(arn)):
        yield Issue(_arn_loc(loc), f"must be an IAM role or user ARN (got {arn!r})", rule="EKS032")
    elif (problem := P.arn_path_problem(arn)) is not None:
        yield Issue(_arn_loc(loc), problem, rule="EKS032")
    elif arn.split(":")[1] != expected_partition:
        yield Issue(_arn_loc(loc), f"ARN is in partition {arn.split(':')[1]} but the cluster's region is in "
                    f"{expected_partition}", rule="EKS032")
    groups_key = "groups" if is_converted else "kubernetesGroups"
    for index, group in enumerate(entry.kubernetes_groups):
        if group.startswith("system:"):
            yield Issue((*loc, groups_key, index), f"Kubernetes group {group!r}: EKS rejects groups starting "
                        "with 'system:'; grant an access policy instead", rule="EKS033")
    for index, group in enumerate(entry.kubernetes_groups or []):
        if not 1 <= len(group) <= P.KUBERNETES_SUBJECT_MAX:
            yield Issue((*loc, groups_key, index), f"Kubernetes group names are 1-{P.KUBERNETES_SUBJECT_MAX} "
                        f"characters (got {len(group)})", rule="EKS034")
    if entry.username is not None and not 1 <= len(entry.username) <= P.KUBERNETES_SUBJECT_MAX:
        yield Issue((*loc, "username"), f"usernames are 1-{P.KUBERNETES_SUBJECT_MAX} characters (got "
                    f"{len(entry.username)}); leave it unset to let EKS choose", rule="EKS034")
    elif entry.username is not None and entry.username.startswith(P.RESERVED_USERNAME_PREFIXES):
        yield Issue((*loc, "username"), f"usernames may not start with {', '.join(P.RESERVED_USERNAME_PREFIXES)}",
                    rule="EKS034")
    if entry.type in NODE_ENTRY_TYPES and (entry.kubernetes_groups or entry.policies):
        yield Issue((*loc, "type"), f"{entry.type} entries take no Kubernetes groups and no policies",
                    rule="EKS035")
    if entry.type in NODE_ENTRY_TYPES and not P.ROLE_ARN.fullmatch(arn):
        yield Issue((*loc, "type"), f"{entry.type} entries need an IAM role ARN", rule="EKS035")
    if is_converted:
        return
    for index, policy in enumerate(entry.policies):
        ploc = (*loc, "policies", index)
        if policy.policy not in P.ACCESS_POLICY_NAMES and not P.ACCESS_POLICY_ARN.fullmatch(policy.policy):
            names = ", ".join(sorted(P.ACCESS_POLICY_NAMES))
            yield Issue((*ploc, "policy"), f"unknown access policy {policy.policy!r}; use one of {names} "
                        "or a full cluster-access-policy ARN", rule="EKS036")
        if policy.scope == "namespace":
            if not policy.namespaces:
                yield Issue((*ploc, "namespaces"), "scope: namespace needs at least one namespace", rule="EKS037")
            for n_index, namespace in enumerate(policy.namespaces or []):
                if len(namespace) > 63 or not P.DNS_LABEL.fullmatch(namespace.replace("*", "a")):
                    yield Issue((*ploc, "namespaces", n_index), f"{namespace!r} is not a valid namespace name",
                                rule="EKS037")
        elif policy.namespaces:
            yield Issue((*ploc, "namespaces"), "namespaces apply only with scope: namespace", rule="EKS037")


def _service_accounts(ctx: CheckContext) -> Iterator[Issue]:
    names: dict[str, int] = {}
    for index, sa in enumerate(ctx.cluster.spec.service_accounts):
        loc: Loc = ("spec", "serviceAccounts", index)
        if not P.MODULE_LABEL_PART.fullmatch(sa.name):
            yield Issue((*loc, "name"), "must be 1-38 lowercase letters, digits and '-' (it names a module and a role)",
                        rule="EKS038")
        elif sa.name in names:
            yield Issue((*loc, "name"), f"duplicate service account name {sa.name!r} "
                        f"(first at serviceAccounts[{names[sa.name]}])", rule="EKS038")
        elif len(role := f"{ctx.cluster.metadata.name}-{sa.name}-") > P.IAM_NAME_PREFIX_MAX:
            yield Issue((*loc, "name"), f"the role name prefix {role!r} is {len(role)} characters; IAM allows "
                        f"{P.IAM_NAME_PREFIX_MAX} (the iam module appends '-' to <cluster>-<name>): shorten it",
                        rule="EKS038")
        else:
            names[sa.name] = index
        if len(sa.namespace) > 63 or not P.DNS_LABEL.fullmatch(sa.namespace):
            yield Issue((*loc, "namespace"), f"{sa.namespace!r} is not a valid namespace name", rule="EKS038")
        if len(sa.service_account) > 253 or not P.DNS_SUBDOMAIN.fullmatch(sa.service_account):
            yield Issue((*loc, "serviceAccount"), f"{sa.service_account!r} is not a valid service account name",
                        rule="EKS038")
        for p_index, arn in enumerate(sa.policy_arns):
            if arn in sa.policy_arns[:p_index]:
                yield Issue((*loc, "policyArns", p_index), f"{arn} is listed twice", rule="EKS038")
            elif not P.POLICY_ARN.fullmatch(arn):
                yield Issue((*loc, "policyArns", p_index), f"must be an IAM policy ARN (got {arn!r})", rule="EKS038")
            elif (problem := P.arn_path_problem(arn)) is not None:
                yield Issue((*loc, "policyArns", p_index), problem, rule="EKS038")
            elif arn.split(":")[1] != partition(ctx.cluster.metadata.region):
                yield Issue((*loc, "policyArns", p_index), f"policy is in partition {arn.split(':')[1]} but the "
                            f"cluster's region is in {partition(ctx.cluster.metadata.region)}", rule="EKS038")
        if not sa.well_known_policies and not sa.policy_arns:
            yield Issue(loc, "the role gets no permissions: add wellKnownPolicies or policyArns",
                        severity="warning", rule="EKS039")
