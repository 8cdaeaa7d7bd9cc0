"""eks.tf: the EKS module call, in the examples' order: identity, switches, addons, networking, compute."""

from __future__ import annotations

from generator.ir import NULL, Attr, Call, Group, Obj, Ref, TfFile, Value
from generator.pipeline.checks.rules import checkov_skips
from generator.pipeline.effective import Cluster, Subnets
from generator.pipeline.plan.access import access_entries
from generator.pipeline.plan.common import group, irsa_label, module_block, nonempty, pins, sorted_map, tags_group
from generator.pipeline.plan.compute import fargate_profiles, managed_groups, self_managed_groups
from generator.pipeline.plan.pod_identity import role_arn

KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery"


def build_eks(cluster: Cluster) -> TfFile:
    s = cluster.spec
    groups = [
        group(Attr("name", Ref("local.name")), Attr("kubernetes_version", s.kubernetes_version)),
        group(Attr("upgrade_policy", Obj.of(support_type=s.support_type)),
               Attr("deletion_protection", s.deletion_protection)),
        control_plane(cluster),
        group(Attr("endpoint_private_access", s.endpoint.private),
               Attr("endpoint_public_access", s.endpoint.public),
               Attr("endpoint_public_access_cidrs", list(s.endpoint.public_cidrs)
                    if s.endpoint.public and s.endpoint.public_cidrs is not None else None)),
        group(Attr("enabled_log_types", list(s.logging.types)),
               Attr("cloudwatch_log_group_retention_in_days", s.logging.retention_days)),
        _encryption(cluster),
        group(Attr("authentication_mode", s.access.authentication_mode),
               Attr("enable_cluster_creator_admin_permissions", s.access.cluster_creator_admin)),
        group(Attr("access_entries", access_entries(cluster))),
        group(Attr("enable_irsa", True), comment="The OIDC provider lets IAM roles trust service accounts (IRSA)."),
        auto_mode(cluster),
        group(Attr("addons", nonempty(addons(cluster)))),
        networking(cluster),
        group(Attr("eks_managed_node_groups", nonempty(managed_groups(cluster))),
               comment="desired_size applies at creation; afterwards the autoscaler owns it."
               if s.managed_node_groups else None),
        group(Attr("self_managed_node_groups", nonempty(self_managed_groups(cluster)))),
        group(Attr("fargate_profiles", nonempty(fargate_profiles(cluster)))),
        group(Attr("node_security_group_tags", {KARPENTER_DISCOVERY_TAG: Ref("local.name")}
                   if s.karpenter and s.karpenter.enabled else None),
              comment="Karpenter finds the node security group by this tag."),
        tags_group(cluster, "Also on nodes and their volumes, which the provider's default_tags do not reach."),
    ]
    return TfFile("eks.tf", [module_block("eks", "eks", pins(cluster)["eks"], groups, banner="EKS",
                                          comment=checkov_skip_comment(cluster))])


def checkov_skip_comment(cluster: Cluster) -> str | None:
    """Spec waivers that have a checkov twin, as checkov:skip lines checkov honours on the module call."""
    lines = [f"checkov:skip={check}:{waiver.rule} waived: {waiver.reason.strip()}"
             for waiver in cluster.spec.waivers or [] for check in checkov_skips(waiver.rule)]
    return "\n".join(dict.fromkeys(lines)) or None


def _encryption(cluster: Cluster) -> Group:
    enc = cluster.spec.secrets_encryption
    if enc.kms_key_arn:
        return group(Attr("create_kms_key", False),
                     Attr("encryption_config", Obj.of(provider_key_arn=enc.kms_key_arn, resources=["secrets"])),
                     comment="Secrets are envelope-encrypted with the spec's own KMS key, not one the module creates.")
    if enc.create_key:
        return group(Attr("create_kms_key", True),
                     comment="The module creates a KMS key to envelope-encrypt Kubernetes secrets.")
    # The module's default `{}` would still add an encryption_config with key_arn = null (UPGRADE-21.0.md).
    return group(Attr("create_kms_key", False), Attr("encryption_config", NULL),
                 comment="No KMS envelope encryption of secrets: null (not unset) turns the module's default off.")


def control_plane(cluster: Cluster) -> Group:
    plane = cluster.spec.control_plane
    tier = plane.tier if plane else None
    return group(
        Attr("control_plane_scaling_config", Obj.of(tier=tier) if tier else None),
        Attr("zonal_shift_config", Obj.of(enabled=True) if plane and plane.zonal_shift else None),
        comment="A provisioned control plane tier is billed per tier-hour." if tier and tier != "standard" else None,
    )


def auto_mode(cluster: Cluster) -> Group:
    """EKS Auto Mode; the module creates its node role (an output). Without built-in pools the role is
    still created for your own NodeClasses, as the module's custom-node-pools example does."""
    mode = cluster.spec.auto_mode
    if mode is None or not mode.enabled:
        return Group([])
    pools: list[Value] = list(mode.node_pools or [])
    return group(
        Attr("compute_config", Obj.of(enabled=True, node_pools=pools) if pools else Obj.of(enabled=True)),
        Attr("create_auto_mode_iam_resources", None if pools else True),
        comment="EKS Auto Mode runs the nodes, their networking, storage and load balancing.",
    )


def networking(cluster: Cluster) -> Group:
    s = cluster.spec
    if s.vpc.id is None:
        vpc_id: Value = Ref("module.vpc.vpc_id")
        subnets: Value = Ref("module.vpc.private_subnets")
        control: Value = Ref("module.vpc.intra_subnets") if s.vpc.subnets and s.vpc.subnets.intra else None
    else:
        given = s.vpc.subnets or Subnets()  # the checks reject an existing VPC without subnets
        vpc_id, subnets = s.vpc.id, list(given.private or [])
        control = list(given.control_plane or []) or None
    return group(
        Attr("vpc_id", vpc_id), Attr("subnet_ids", subnets), Attr("control_plane_subnet_ids", control),
        Attr("ip_family", s.ip_family if s.ip_family != "ipv4" else None),
        # IPv6 nodes need the account's AmazonEKS_CNI_IPv6_Policy, which AWS does not provide; its name is
        # fixed, so only one cluster per account creates it (vpcCni.createIpv6Policy).
        Attr("create_cni_ipv6_iam_policy", bool(s.vpc_cni.create_ipv6_policy) if s.ip_family == "ipv6" and s.vpc_cni
             else None),
        Attr("service_ipv4_cidr", s.service_ipv4_cidr),
    )


def _pod_identity(cluster: Cluster, name: str | None) -> list[Value] | None:
    if name is None:
        return None
    entry = next(e for e in cluster.spec.pod_identity_associations or [] if e.name == name)
    return [Obj.of(role_arn=role_arn(cluster, name), service_account=entry.service_account)]


def addons(cluster: Cluster) -> Obj:
    pairs: list[tuple[str, Value]] = []
    for name, addon in cluster.spec.addons.items():
        config = Call("jsonencode", (sorted_map(addon.configuration),)) if addon.configuration else None
        role = Ref(f"module.{irsa_label(addon.service_account)}.arn") if addon.service_account else None
        pairs.append((name, Obj.from_pairs([
            ("addon_version", addon.version),
            ("before_compute", True if addon.before_compute else None),
            ("configuration_values", config),
            ("pod_identity_association", _pod_identity(cluster, addon.pod_identity)),
            ("service_account_role_arn", role),
        ])))
    return Obj(tuple(pairs))
