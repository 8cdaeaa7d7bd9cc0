"""imports.tf (`render --import-blocks`): Terraform `import {}` blocks that adopt a cluster which exists
already, so the first `terraform plan` shows imports, not replacements.

Addresses are the resources inside the pinned modules, as recorded in modules/index.json (`import_targets`,
checked by pipeline/import_targets.py); IDs are the
AWS provider's import IDs, built from names where a name is the ID. Where it is not (the OIDC provider's
ARN holds the cluster's issuer ID; IRSA roles are named with a random suffix by `name_prefix`), the ID is a
variable without default: `terraform plan` refuses to run until it is given, and its validation refuses
a value of the wrong shape.
"""

from __future__ import annotations

from generator.ir import Attr, Block, Call, Group, Ref, TfFile, Value
from generator.pipeline import awsauth
from generator.pipeline.effective import Cluster
from generator.pipeline.keys import access_entry_keys, policy_arn, policy_key
from generator.pipeline.plan.common import irsa_label
from generator.pipeline.plan.pod_identity import ASSOCIATION_KEY, ASSOCIATION_RESOURCE, addon_users, pod_identity_label

IMPORTS_FILE = "imports.tf"
# Import IDs from expressions (a variable) need Terraform 1.6; literal IDs alone would do with 1.5.
IMPORT_REQUIRED_VERSION = ">= 1.6.0"
OIDC_VARIABLE = "import_oidc_provider_arn"


def _import(to: str, id_: Value, comment: str | None = None) -> Block:
    return Block("import", (), [Group([Attr("to", Ref(to)), Attr("id", id_)], comment)])


def _variable(name: str, description: str, condition: Value, message: str) -> Block:
    validation = Block("validation", (), [Group([Attr("condition", condition), Attr("error_message", message)])])
    # No `type`: the value is text either way, and python-hcl2 reads a bare type keyword unlike a reference.
    return Block("variable", (name,), [Group([Attr("description", description)]), validation])


def build_imports(cluster: Cluster) -> TfFile:
    s = cluster.spec
    name = cluster.metadata.name
    blocks: list[Block] = [Block("terraform", (), [Group([Attr("required_version", IMPORT_REQUIRED_VERSION)])],
                                 banner="Adoption: import what exists (remove this file after the first apply)")]
    blocks.append(_import("module.eks.aws_eks_cluster.this[0]", name, "The cluster: its name is its import ID."))
    if s.logging and s.logging.types:
        blocks.append(_import("module.eks.aws_cloudwatch_log_group.this[0]", f"/aws/eks/{name}/cluster"))
    for addon, settings in (s.addons or {}).items():
        resource = "before_compute" if settings.before_compute else "this"
        blocks.append(_import(f'module.eks.aws_eks_addon.{resource}["{addon}"]', f"{name}:{addon}"))
    for group in s.managed_node_groups or []:
        blocks.append(_import(f'module.eks.module.eks_managed_node_group["{group.name}"].aws_eks_node_group.this[0]',
                              f"{name}:{group.name}"))
    for profile in s.fargate_profiles or []:
        blocks.append(_import(f'module.eks.module.fargate_profile["{profile.name}"].aws_eks_fargate_profile.this[0]',
                              f"{name}:{profile.name}"))
    blocks += _access(cluster)
    blocks.append(_variable(
        OIDC_VARIABLE, f"ARN of the existing OIDC provider of {name}: aws eks describe-cluster --name {name} "
        "--query cluster.identity.oidc.issuer gives its host and ID (arn:<partition>:iam::<account>:oidc-provider/"
        "<issuer without https://>)",
        Call("strcontains", (Ref(f"var.{OIDC_VARIABLE}"), ":oidc-provider/")),
        "Give the OIDC provider's ARN (arn:...:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>)."))
    blocks.append(_import("module.eks.aws_iam_openid_connect_provider.oidc_provider[0]", Ref(f"var.{OIDC_VARIABLE}"),
                          "Its ARN holds the cluster's issuer ID, which only AWS knows: a variable without default."))
    for account in s.service_accounts or []:
        label = irsa_label(account.name)
        variable = f"import_role_{label}"
        prefix = f"{name}-{account.name}-"
        blocks.append(_variable(
            variable, f"Name of the existing IAM role of service account {account.namespace}/{account.service_account}"
            f"; the module names it with the prefix {prefix} (name_prefix), so only a role named so is adopted "
            "without replacement",
            Call("startswith", (Ref(f"var.{variable}"), prefix)), f"The role's name must start with {prefix}."))
        blocks.append(_import(f"module.{label}.aws_iam_role.this[0]", Ref(f"var.{variable}")))
    blocks += _pod_identity(cluster)
    return TfFile(IMPORTS_FILE, blocks)


def _pod_identity(cluster: Cluster) -> list[Block]:
    """Each association eksgen writes (EKS refuses a second one for the same service account, so it must be
    adopted): its import ID `<cluster>,<association ID>` holds an ID only AWS knows, a variable without default.
    An association an addon names is part of that addon. The module's role is not imported: a new one is
    made and the association's role_arn changes in place."""
    name = cluster.metadata.name
    users = addon_users(cluster)
    blocks = []
    for entry in cluster.spec.pod_identity_associations or []:
        if entry.name in users:
            continue
        label = pod_identity_label(entry.name)
        variable = f"import_{label}"
        to = (f"{ASSOCIATION_RESOURCE}.{label}" if entry.role_arn is not None
              else f'module.{label}.{ASSOCIATION_RESOURCE}.this["{ASSOCIATION_KEY}"]')
        blocks.append(_variable(
            variable, f"ID of the existing Pod Identity association of {entry.namespace}/{entry.service_account}: "
            f"aws eks list-pod-identity-associations --cluster-name {name} --namespace {entry.namespace} "
            f"--service-account {entry.service_account} --query 'associations[0].associationId' --output text",
            Call("startswith", (Ref(f"var.{variable}"), "a-")),
            "The association ID starts with a- (aws eks list-pod-identity-associations gives it)."))
        blocks.append(_import(to, Call("format", (f"{name},%s", Ref(f"var.{variable}"))),
                              "The import ID is <cluster>,<association ID>; only AWS knows the ID."))
    return blocks


def _access(cluster: Cluster) -> list[Block]:
    access = cluster.spec.access
    entries = [e for _, e in awsauth.all_entries(access)]
    keys = access_entry_keys([e.principal_arn for e in entries])
    name, region = cluster.metadata.name, cluster.metadata.region
    blocks = []
    for entry in entries:
        key = keys[entry.principal_arn]
        blocks.append(_import(f'module.eks.aws_eks_access_entry.this["{key}"]', f"{name}:{entry.principal_arn}"))
        for policy in entry.policies or []:
            arn = policy_arn(policy.policy, region)
            blocks.append(_import(f'module.eks.aws_eks_access_policy_association.this["{key}_{policy_key(arn)}"]',
                                  f"{name}#{entry.principal_arn}#{arn}"))
    return blocks
