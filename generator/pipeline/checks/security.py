"""Security profile: findings a security review would raise, from the spec alone.

Each rule mirrors a checkov check or an EKS Best Practices item (shared/facts/security-rules.md);
all are warnings, waivable with a reason. What the modules already do safely by default
(KMS key rotation, IMDSv2 itself) is not settable in the spec, so it cannot regress and
needs no rule here; what a node group may loosen (SSH, the IMDS hop limit, public subnets)
is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.pipeline import awsauth
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.compute import node_groups
from generator.pipeline.checks.context import CheckContext

REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")
ADMIN_POLICY_NAMES = frozenset({"AmazonEKSClusterAdminPolicy"})
DANGEROUS_POLICIES = ("/AdministratorAccess", "/IAMFullAccess")
IMDS_POD_HOP_LIMIT = 2  # a container's extra network hop: pods reach IMDS


def check(ctx: CheckContext) -> Iterator[Issue]:
    yield from _encryption(ctx)
    yield from _logging(ctx)
    yield from _access(ctx)
    yield from _public_subnets(ctx)
    yield from _irsa_policies(ctx)
    yield from _node_access(ctx)


def _encryption(ctx: CheckContext) -> Iterator[Issue]:
    enc = ctx.cluster.spec.secrets_encryption
    if enc is not None and not enc.create_key and enc.kms_key_arn is None:
        yield Issue(("spec", "secretsEncryption", "createKey"), "Kubernetes secrets are not envelope-encrypted "
                    "with a KMS key you control", severity="warning", rule="EKS081")


def _logging(ctx: CheckContext) -> Iterator[Issue]:
    logging = ctx.cluster.spec.logging
    missing = [t for t in REQUIRED_LOG_TYPES if t not in logging.types]
    if missing:
        yield Issue(("spec", "logging", "types"), f"missing control-plane log types {', '.join(missing)}; "
                    "audit trails need api, audit and authenticator", severity="warning", rule="EKS082")


def _access(ctx: CheckContext) -> Iterator[Issue]:
    access = ctx.cluster.spec.access
    entries = list(awsauth.all_entries(access))
    if access.cluster_creator_admin and not any(_is_admin(entry) for _, entry in entries):
        yield Issue(("spec", "access", "clusterCreatorAdmin"), "only whoever runs Terraform gets admin: add an "
                    "explicit admin access entry", severity="warning", rule="EKS083")
    for loc, entry in entries:
        if P.USER_ARN.fullmatch(entry.principal_arn):
            key = "userarn" if "mapUsers" in loc else "principalArn"
            yield Issue((*loc, key), "an IAM user is mapped; prefer a role people assume (no long-lived keys)",
                        severity="warning", rule="EKS084")
    if access.authentication_mode == "API_AND_CONFIG_MAP":
        yield Issue(("spec", "access", "authenticationMode"), "the aws-auth ConfigMap stays active; switch to API "
                    "once mappings are access entries", severity="warning", rule="EKS085")


def _is_admin(entry: object) -> bool:
    policies = getattr(entry, "policies", None) or []
    return any(p.policy.rsplit("/", 1)[-1] in ADMIN_POLICY_NAMES for p in policies)


def _public_subnets(ctx: CheckContext) -> Iterator[Issue]:
    vpc = ctx.cluster.spec.vpc
    public = set(vpc.subnets.public or []) if vpc and vpc.subnets else set()
    spec = ctx.cluster.spec
    groups: list[tuple[Loc, object]] = [
        *((("spec", "managedNodeGroups", i, "subnets"), g.subnets)
          for i, g in enumerate(spec.managed_node_groups)),
        *((("spec", "selfManagedNodeGroups", i, "subnets"), g.subnets)
          for i, g in enumerate(spec.self_managed_node_groups)),
        *((("spec", "fargateProfiles", i, "subnets"), p.subnets) for i, p in enumerate(spec.fargate_profiles)),
    ]
    for loc, subnets in groups:
        if subnets == "public" and "fargateProfiles" not in loc:
            yield Issue(loc, "nodes in the VPC's public subnets get public IPs and face the internet",
                        severity="warning", rule="EKS086")
        if isinstance(subnets, list):
            for index, subnet in enumerate(subnets):
                if subnet in public:
                    yield Issue((*loc, index), f"{subnet} is one of the VPC's public subnets", severity="warning",
                                rule="EKS086")


def _irsa_policies(ctx: CheckContext) -> Iterator[Issue]:
    for index, entry in enumerate(ctx.cluster.spec.pod_identity_associations or []):
        for p_index, arn in enumerate(entry.policy_arns or []):
            if arn.endswith(DANGEROUS_POLICIES):
                yield Issue(("spec", "podIdentityAssociations", index, "policyArns", p_index), f"{arn} grants "
                            "administrator or IAM-wide access to a pod", severity="warning", rule="EKS087")
    for index, sa in enumerate(ctx.cluster.spec.service_accounts or []):
        for p_index, arn in enumerate(sa.policy_arns or []):
            if arn.endswith(DANGEROUS_POLICIES):
                yield Issue(("spec", "serviceAccounts", index, "policyArns", p_index), f"{arn} grants "
                            "administrator or IAM-wide access to a pod", severity="warning", rule="EKS087")


def _node_access(ctx: CheckContext) -> Iterator[Issue]:
    for loc, group in node_groups(ctx.cluster.spec):
        if group.ssh is not None and not group.ssh.source_security_group_ids:
            yield Issue((*loc, "ssh"), "SSH is open to the world (port 22 from 0.0.0.0/0): list "
                        "sourceSecurityGroupIds", severity="warning", rule="EKS088")
        if group.imds_hop_limit == IMDS_POD_HOP_LIMIT:
            yield Issue((*loc, "imdsHopLimit"), "hop limit 2 lets every pod reach the node's IMDS and its role "
                        "credentials; keep 1 unless a pod needs IMDS", severity="warning", rule="EKS089")
