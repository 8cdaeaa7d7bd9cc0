"""Who may do what: IRSA service accounts, Pod Identity associations, access entries, aws-auth
identity mappings and the authentication mode."""

from __future__ import annotations

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.tree import Block, Seq
from generator.errors import Loc
from generator.pipeline.checks.patterns import IAM_NAME_PREFIX_MAX
from generator.pipeline.default_values import DEFAULT_AUTHENTICATION_MODE
from generator.pipeline.model import (
    Access,
    AccessEntry,
    AccessPolicy,
    AwsAuth,
    AwsAuthRole,
    AwsAuthUser,
    PodIdentityAssociation,
    ServiceAccount,
)

# eksctl's wellKnownPolicies keys (well_known_iam_policy.go) -> eksgen's names; imageBuilder has no twin.
WELL_KNOWN = {"autoScaler": "clusterAutoscaler", "awsLoadBalancerController": "loadBalancerController",
              "externalDNS": "externalDns", "certManager": "certManager", "ebsCSIController": "ebsCsi",
              "efsCSIController": "efsCsi"}
ACCESS_POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
AUTH_MODES = ("API", "API_AND_CONFIG_MAP", "CONFIG_MAP")


def well_known(ctx: Context, loc: Loc, target: Block) -> list[str]:
    chosen = []
    for key in ctx.src.mapping(loc):
        on = ctx.src.flag((*loc, key))
        if key in WELL_KNOWN:
            if on:
                chosen.append(WELL_KNOWN[key])
        elif on:
            ctx.drop((*loc, key), target, f"no {key} policy among eksgen's wellKnownPolicies "
                                          f"({', '.join(sorted(WELL_KNOWN.values()))}); list a policy ARN instead")
        else:
            ctx.src.raw((*loc, key))
    return chosen


def _unique(ctx: Context, loc: Loc, name: str, taken: set[str], namespace: str) -> str:
    """The entry's name: the service account's, unless taken; shortened when `<cluster>-<name>-`, the prefix of
    the role eksgen makes, would not fit IAM's limit. It names only eksgen's new role and module label, so a
    shorter one loses nothing from the ClusterConfig (a note)."""
    chosen = name if name not in taken else f"{namespace}-{name}"
    room = IAM_NAME_PREFIX_MAX - len(ctx.name) - 2  # the two '-' around the name
    if len(chosen) > room > 0:
        short = chosen[:room].rstrip("-")
        for number in range(2, 100):
            if short not in taken:
                break
            short = f"{chosen[:room - len(str(number)) - 1].rstrip('-')}-{number}"
        ctx.note(loc, f"the entry is named {short!r}, not {chosen!r}: the prefix of the role eksgen makes, "
                      f"<cluster>-<name>-, must fit IAM's {IAM_NAME_PREFIX_MAX} characters (the name only names "
                      "that new role and its module)")
        chosen = short
    taken.add(chosen)
    return chosen


def map_service_accounts(ctx: Context) -> None:
    base = ("iam", "serviceAccounts")
    seq = Seq()
    taken: set[str] = set()
    for loc in ctx.src.items(base):
        name = ctx.src.text((*loc, "metadata", "name"))
        if name is None:
            ctx.src.report((*loc, "metadata", "name"), "required: the service account's name")
            continue
        namespace = ctx.src.text((*loc, "metadata", "namespace")) or E.EKSCTL_DEFAULT_SERVICE_ACCOUNT_NAMESPACE
        entry = Block(ServiceAccount, origin=loc)
        entry.set("name", _unique(ctx, (*loc, "metadata", "name"), name, taken, namespace),
                  origin=(*loc, "metadata", "name"))
        entry.set("namespace", namespace, origin=(*loc, "metadata"))
        entry.set("serviceAccount", name, origin=(*loc, "metadata", "name"))
        entry.set("wellKnownPolicies", well_known(ctx, (*loc, "wellKnownPolicies"), entry) or None,
                  origin=(*loc, "wellKnownPolicies"))
        entry.set("policyArns", ctx.src.texts((*loc, "attachPolicyARNs")) or None, origin=(*loc, "attachPolicyARNs"))
        ctx.drop_unread((*loc, "metadata"), entry)
        ctx.drop_unread(loc, entry)
        seq.add(entry, origin=loc)
    if seq.items:
        ctx.spec.set("serviceAccounts", seq, origin=base)


def pod_identity_entry(ctx: Context, loc: Loc, namespace: str | None, taken: set[str]) -> Block | None:
    account = ctx.src.text((*loc, "serviceAccountName"))
    namespace = ctx.src.text((*loc, "namespace")) or namespace
    if account is None or namespace is None:
        missing = "serviceAccountName" if account is None else "namespace"
        ctx.src.report((*loc, missing), f"required: the association's {missing}")
        return None
    entry = Block(PodIdentityAssociation, origin=loc)
    entry.set("name", _unique(ctx, (*loc, "serviceAccountName"), account, taken, namespace),
              origin=(*loc, "serviceAccountName"))
    entry.set("namespace", namespace, origin=(*loc, "namespace"))
    entry.set("serviceAccount", account, origin=(*loc, "serviceAccountName"))
    entry.set("wellKnownPolicies", well_known(ctx, (*loc, "wellKnownPolicies"), entry) or None,
              origin=(*loc, "wellKnownPolicies"))
    entry.set("policyArns", ctx.src.texts((*loc, "permissionPolicyARNs")) or None,
              origin=(*loc, "permissionPolicyARNs"))
    entry.set("roleArn", ctx.src.text((*loc, "roleARN")), origin=(*loc, "roleARN"))
    if ctx.src.flag((*loc, "createServiceAccount")) is False:
        pass  # eksctl's default; eksgen creates no Kubernetes objects either
    ctx.drop_unread(loc, entry)
    return entry


def map_pod_identity(ctx: Context, seq: Seq, taken: set[str]) -> None:
    base = ("iam", "podIdentityAssociations")
    for loc in ctx.src.items(base):
        entry = pod_identity_entry(ctx, loc, None, taken)
        if entry is not None:
            seq.add(entry, origin=loc)


def map_iam(ctx: Context, pod_identities: Seq, taken: set[str]) -> None:
    map_service_accounts(ctx)
    map_pod_identity(ctx, pod_identities, taken)
    if not ctx.src.flag(("iam", "withOIDC")):
        ctx.note(("iam",), "eksctl made no IAM OIDC provider (iam.withOIDC); eksgen always creates one, for IRSA")
    ctx.drop_unread(("iam",), ctx.spec)


def map_access(ctx: Context) -> None:
    base = ("accessConfig",)
    access = ctx.spec.child("access", Access, origin=base)
    mode = ctx.src.text((*base, "authenticationMode"))
    if mode is None:
        access.set("authenticationMode", E.EKSCTL_DEFAULT_AUTHENTICATION_MODE, comment=(
            f"eksctl's default; eksgen's is {DEFAULT_AUTHENTICATION_MODE}: access entries only, so nothing in the "
            "aws-auth ConfigMap (which anyone who can edit kube-system may change) grants access."))
    elif mode not in AUTH_MODES:
        ctx.src.report((*base, "authenticationMode"), f"must be one of {', '.join(AUTH_MODES)} (got {mode!r})")
    elif mode == "CONFIG_MAP":
        access.set("authenticationMode", "API_AND_CONFIG_MAP", origin=(*base, "authenticationMode"))
        ctx.src.report((*base, "authenticationMode"), "eksgen does not write CONFIG_MAP: the spec says "
                       "API_AND_CONFIG_MAP, which EKS switches to in place while aws-auth keeps working",
                       severity="warning")
    else:
        access.set("authenticationMode", mode, origin=(*base, "authenticationMode"))
    admin = ctx.src.flag((*base, "bootstrapClusterCreatorAdminPermissions"))
    if admin is None:
        access.set("clusterCreatorAdmin", E.EKSCTL_DEFAULT_CREATOR_ADMIN, comment=(
            "eksctl's default: whoever created the cluster is its admin. eksgen's default names admins in access "
            "entries instead, so admin rights do not follow whichever identity runs Terraform."))
    else:
        access.set("clusterCreatorAdmin", admin, origin=(*base, "bootstrapClusterCreatorAdminPermissions"))
    entries = Seq()
    for loc in ctx.src.items((*base, "accessEntries")):
        entry = _access_entry(ctx, loc)
        if entry is not None:
            entries.add(entry, origin=loc)
    if entries.items:
        access.set("entries", entries, origin=(*base, "accessEntries"))
    _identity_mappings(ctx, access)
    ctx.drop_unread(base, access)


def _access_entry(ctx: Context, loc: Loc) -> Block | None:
    principal = ctx.src.text((*loc, "principalARN"))
    if principal is None:
        ctx.src.report((*loc, "principalARN"), "required: the IAM principal of the access entry")
        return None
    entry = Block(AccessEntry, origin=loc)
    entry.set("principalArn", principal, origin=(*loc, "principalARN"))
    kind = ctx.src.text((*loc, "type"))
    entry.set("type", kind if kind != "STANDARD" else None, origin=(*loc, "type"))
    entry.set("kubernetesGroups", ctx.src.texts((*loc, "kubernetesGroups")) or None,
              origin=(*loc, "kubernetesGroups"))
    entry.set("username", ctx.src.text((*loc, "kubernetesUsername")), origin=(*loc, "kubernetesUsername"))
    policies = Seq()
    for ploc in ctx.src.items((*loc, "accessPolicies")):
        arn = ctx.src.text((*ploc, "policyARN"))
        scope = ctx.src.text((*ploc, "accessScope", "type"))
        if arn is None or scope not in ("cluster", "namespace"):
            where, what = ((*ploc, "policyARN"), "required: the access policy ARN") if arn is None else (
                (*ploc, "accessScope", "type"), f"must be cluster or namespace (got {scope!r})")
            ctx.src.report(where, what)
            continue
        policy = Block(AccessPolicy, origin=ploc)
        policy.set("policy", arn.removeprefix(ACCESS_POLICY_PREFIX), origin=(*ploc, "policyARN"))
        policy.set("scope", scope, origin=(*ploc, "accessScope", "type"))
        policy.set("namespaces", ctx.src.texts((*ploc, "accessScope", "namespaces")) or None,
                   origin=(*ploc, "accessScope", "namespaces"))
        ctx.drop_unread((*ploc, "accessScope"), policy)
        ctx.drop_unread(ploc, policy)
        policies.add(policy, origin=ploc)
    if policies.items:
        entry.set("policies", policies, origin=(*loc, "accessPolicies"))
    ctx.drop_unread(loc, entry)
    return entry


def _identity_mappings(ctx: Context, access: Block) -> None:
    """iamIdentityMappings are aws-auth entries: eksgen turns `access.awsAuth` into access entries."""
    roles, users = Seq(), Seq()
    aws_auth = Block(AwsAuth, origin=("iamIdentityMappings",))
    for loc in ctx.src.items(("iamIdentityMappings",)):
        if ctx.src.has((*loc, "serviceName")) or ctx.src.has((*loc, "account")):
            ctx.drop(loc, aws_auth, "account and service (EMR on EKS) mappings have no access-entry form: "
                                    "grant the role or user an access entry instead")
            continue
        arn = ctx.src.text((*loc, "arn"))
        if arn is None:
            ctx.src.report((*loc, "arn"), "required: the IAM role or user ARN")
            continue
        is_user = ":user/" in arn
        entry = Block(AwsAuthUser if is_user else AwsAuthRole, origin=loc)
        entry.set("userarn" if is_user else "rolearn", arn, origin=(*loc, "arn"))
        entry.set("username", ctx.src.text((*loc, "username")), origin=(*loc, "username"))
        entry.set("groups", ctx.src.texts((*loc, "groups")) or None, origin=(*loc, "groups"))
        ctx.src.flag((*loc, "noDuplicateARNs"))
        ctx.drop_unread(loc, entry)
        (users if is_user else roles).add(entry, origin=loc)
    aws_auth.set("mapRoles", roles if roles.items else None)
    aws_auth.set("mapUsers", users if users.items else None)
    if not aws_auth.fields:
        access.dropped.extend(aws_auth.dropped)
    else:
        access.set("awsAuth", aws_auth, origin=("iamIdentityMappings",), comment=(
            "eksctl's iamIdentityMappings, as aws-auth mapRoles/mapUsers: eksgen turns them into access entries."))
