"""EKS Pod Identity: one eks-pod-identity module per association, or one resource for an existing role.

An entry an addon names (`addons.X.podIdentity`) gets its role from the module but no association:
the addon creates it through the EKS addon API, and a second association for the same service
account would be refused by EKS.
"""

from __future__ import annotations

from generator.ir import Attr, Block, Group, Obj, Ref, Value
from generator.pipeline.effective import Cluster, PodIdentityAssociation
from generator.pipeline.plan.common import group, module_block, pins, policy_resources, tags_group

# The eks-pod-identity module's attach_*_policy switches (v2.8.1 variables.tf).
POD_IDENTITY_POLICY_SWITCHES = {
    "ebsCsi": "attach_aws_ebs_csi_policy",
    "efsCsi": "attach_aws_efs_csi_policy",
    "vpcCni": "attach_aws_vpc_cni_policy",
    "loadBalancerController": "attach_aws_lb_controller_policy",
    "externalDns": "attach_external_dns_policy",
    "clusterAutoscaler": "attach_cluster_autoscaler_policy",
    "certManager": "attach_cert_manager_policy",
    "externalSecrets": "attach_external_secrets_policy",
    "velero": "attach_velero_policy",
    "nodeTerminationHandler": "attach_aws_node_termination_handler_policy",
    "cloudwatchObservability": "attach_aws_cloudwatch_observability_policy",
    "mountpointS3Csi": "attach_mountpoint_s3_csi_policy",
}
# What those policies act on (v2.8.1: each list straight into a statement; the autoscaler's scaling
# statement once per cluster name): (policy, argument, what), see common.policy_resources.
POD_POLICY_RESOURCES = (
    ("clusterAutoscaler", "cluster_autoscaler_cluster_names", "cluster"),
    ("externalDns", "external_dns_hosted_zone_arns", "zones"),
    ("certManager", "cert_manager_hosted_zone_arns", "zones"),
    ("velero", "velero_s3_bucket_arns", "buckets"),
    ("velero", "velero_s3_bucket_path_arns", "paths"),
    ("mountpointS3Csi", "mountpoint_s3_csi_bucket_arns", "buckets"),
    ("mountpointS3Csi", "mountpoint_s3_csi_bucket_path_arns", "paths"),
    ("nodeTerminationHandler", "aws_node_termination_handler_sqs_queue_arns", "queues"),
)
ASSOCIATION_RESOURCE = "aws_eks_pod_identity_association"
ASSOCIATION_KEY = "this"


def pod_identity_label(name: str) -> str:
    return "pod_identity_" + name.replace("-", "_")


def addon_users(cluster: Cluster) -> dict[str, str]:
    """podIdentityAssociations entry name -> the addon that creates its association."""
    return {addon.pod_identity: name for name, addon in (cluster.spec.addons or {}).items()
            if addon.pod_identity is not None}


def role_arn(cluster: Cluster, name: str) -> Value:
    """The role of an entry: a module output, or the existing role's ARN."""
    entry = next(e for e in cluster.spec.pod_identity_associations or [] if e.name == name)
    return entry.role_arn if entry.role_arn is not None else Ref(f"module.{pod_identity_label(name)}.iam_role_arn")


def pod_identity_blocks(cluster: Cluster) -> list[Block]:
    version = pins(cluster)["pod_identity"]
    users = addon_users(cluster)
    blocks = []
    for entry in cluster.spec.pod_identity_associations or []:
        if entry.role_arn is None:
            blocks.append(_module(cluster, entry, version, users.get(entry.name)))
        elif entry.name not in users:
            blocks.append(_resource(entry))
    if blocks:
        blocks[0].banner = "EKS Pod Identity"
    return blocks


def _module(cluster: Cluster, entry: PodIdentityAssociation, version: str, addon: str | None) -> Block:
    wanted = entry.well_known_policies or []
    switches = [Attr(POD_IDENTITY_POLICY_SWITCHES[p], True) for p in wanted]
    if "vpcCni" in wanted:
        family = "ipv6" if cluster.spec.ip_family == "ipv6" else "ipv4"
        switches.append(Attr(f"aws_vpc_cni_enable_{family}", True))
    switches.extend(policy_resources(entry, POD_POLICY_RESOURCES))
    policies = {f"policy_{i}": arn for i, arn in enumerate(entry.policy_arns or [])}
    if addon is None:
        association = Obj.of(cluster_name=Ref("module.eks.cluster_name"), namespace=entry.namespace,
                             service_account=entry.service_account)
        binding = group(Attr("associations", Obj(((ASSOCIATION_KEY, association),))),
                        comment=f"Only {entry.namespace}/{entry.service_account} may use this role.")
    else:
        binding = Group([], None)
    groups = [
        group(Attr("name", f"{cluster.metadata.name}-{entry.name}"),
              comment=f"The {addon} addon associates this role with its service account." if addon else None),
        Group(switches),
        group(Attr("additional_policy_arns", dict[str, Value](policies) or None)),
        binding,
        tags_group(cluster),
    ]
    return module_block("pod_identity", pod_identity_label(entry.name), version, groups)


def _resource(entry: PodIdentityAssociation) -> Block:
    body = group(
        Attr("cluster_name", Ref("module.eks.cluster_name")),
        Attr("namespace", entry.namespace),
        Attr("service_account", entry.service_account),
        Attr("role_arn", entry.role_arn),
        comment="An existing role: the eks-pod-identity module always creates its own.",
    )
    return Block("resource", (ASSOCIATION_RESOURCE, pod_identity_label(entry.name)), [body])
