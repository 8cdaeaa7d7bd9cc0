"""iam.tf: one IRSA role module per service account, trusted by exactly its namespace and account,
then the Pod Identity roles (see pod_identity.py)."""

from __future__ import annotations

from generator.ir import Attr, Block, Group, Obj, Ref, TfFile, Value
from generator.pipeline.effective import (
    Cluster,
    ServiceAccount,
)
from generator.pipeline.keys import irsa_policy_keys
from generator.pipeline.plan.common import group, irsa_label, module_block, pins, policy_resources, tags_group
from generator.pipeline.plan.pod_identity import pod_identity_blocks

WELL_KNOWN_POLICY_SWITCHES = {
    "ebsCsi": "attach_ebs_csi_policy",
    "efsCsi": "attach_efs_csi_policy",
    "vpcCni": "attach_vpc_cni_policy",
    "loadBalancerController": "attach_load_balancer_controller_policy",
    "externalDns": "attach_external_dns_policy",
    "clusterAutoscaler": "attach_cluster_autoscaler_policy",
    "certManager": "attach_cert_manager_policy",
    "externalSecrets": "attach_external_secrets_policy",
    "velero": "attach_velero_policy",
    "nodeTerminationHandler": "attach_node_termination_handler_policy",
    "cloudwatchObservability": "attach_cloudwatch_observability_policy",
    "mountpointS3Csi": "attach_mountpoint_s3_csi_policy",
}
# What those policies act on (iam v6.5.0 policies.tf puts each list straight into a statement, and makes
# the autoscaler's scaling statement once per cluster name): (policy, argument, what), see
# common.policy_resources.
IRSA_POLICY_RESOURCES = (
    ("externalDns", "external_dns_hosted_zone_arns", "zones"),
    ("certManager", "cert_manager_hosted_zone_arns", "zones"),
    ("clusterAutoscaler", "cluster_autoscaler_cluster_names", "cluster"),
    ("velero", "velero_s3_bucket_arns", "buckets"),
    ("mountpointS3Csi", "mountpoint_s3_csi_bucket_arns", "buckets"),
    ("mountpointS3Csi", "mountpoint_s3_csi_path_arns", "paths"),
    ("nodeTerminationHandler", "node_termination_handler_sqs_queue_arns", "queues"),
)


def build_iam(cluster: Cluster) -> TfFile:
    version = pins(cluster)["iam"]
    blocks = [_irsa(cluster, sa, version) for sa in cluster.spec.service_accounts]
    if blocks:
        blocks[0].banner = "IAM roles for service accounts"
    return TfFile("iam.tf", [*blocks, *pod_identity_blocks(cluster)])


def _irsa(cluster: Cluster, sa: ServiceAccount, version: str) -> Block:
    switches = [Attr(WELL_KNOWN_POLICY_SWITCHES[p], True) for p in sa.well_known_policies]
    if "vpcCni" in sa.well_known_policies:
        family = "ipv6" if cluster.spec.ip_family == "ipv6" else "ipv4"
        switches.append(Attr(f"vpc_cni_enable_{family}", True))
    switches.extend(policy_resources(sa, IRSA_POLICY_RESOURCES))
    policies = irsa_policy_keys(sa.policy_arns)
    trust = Obj.of(this=Obj.of(provider_arn=Ref("module.eks.oidc_provider_arn"),
                               namespace_service_accounts=[f"{sa.namespace}:{sa.service_account}"]))
    groups = [
        group(Attr("name", f"{cluster.metadata.name}-{sa.name}")),
        Group(switches),
        group(Attr("policies", dict[str, Value](policies) or None)),
        group(Attr("oidc_providers", trust),
               comment=f"Only {sa.namespace}/{sa.service_account} may assume this role."),
        tags_group(cluster),
    ]
    return module_block("iam", irsa_label(sa.name), version, groups)
