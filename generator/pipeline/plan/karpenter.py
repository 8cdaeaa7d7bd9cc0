"""karpenter.tf: Karpenter's AWS prerequisites through the eks module's karpenter submodule.

The controller's role reaches its pod through a Pod Identity association the module creates; the
node role gets an EC2_LINUX access entry. Installing the chart stays with GitOps tools: the outputs
carry what its values need.
"""

from __future__ import annotations

from generator.ir import Attr, Ref, TfFile
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group, module_block, pins, sorted_map, tags_group


def build_karpenter(cluster: Cluster) -> TfFile:
    karpenter = cluster.spec.karpenter
    groups = [
        group(Attr("cluster_name", Ref("module.eks.cluster_name"))),
        group(Attr("create_pod_identity_association", True),
              Attr("namespace", karpenter.namespace), Attr("service_account", karpenter.service_account),
              comment="The controller's role, bound to exactly its namespace and service account."),
        group(Attr("enable_spot_termination", None if karpenter.interruption_queue else False)),
        group(Attr("node_iam_role_use_name_prefix", False),
              Attr("cluster_ip_family", "ipv6" if cluster.spec.ip_family == "ipv6" else None),
              Attr("node_iam_role_additional_policies",
                   sorted_map(karpenter.node_iam_role_additional_policies or {}) or None),
              comment="A fixed node role name (Karpenter-<cluster>) that EC2NodeClass specs can name."),
        tags_group(cluster),
    ]
    block = module_block("karpenter", "karpenter", pins(cluster)["karpenter"], groups, banner="Karpenter")
    return TfFile("karpenter.tf", [block])
