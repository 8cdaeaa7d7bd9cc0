"""outputs.tf: what a user needs next (cluster, OIDC provider, VPC, the kubeconfig command)."""

from __future__ import annotations

from generator.ir import Attr, Block, Call, Ref, TfFile, Value
from generator.model import (
    Cluster,
)
from generator.plan.common import group


def build_outputs(cluster: Cluster) -> TfFile:
    new_vpc = cluster.spec.vpc is not None and cluster.spec.vpc.id is None
    rows: list[tuple[str, Value, str]] = [
        ("cluster_name", Ref("module.eks.cluster_name"), "EKS cluster name"),
        ("cluster_endpoint", Ref("module.eks.cluster_endpoint"), "Kubernetes API server endpoint"),
        ("oidc_provider_arn", Ref("module.eks.oidc_provider_arn"), "IAM OIDC provider ARN, for IRSA trust"),
    ]
    if new_vpc:
        rows += [
            ("vpc_id", Ref("module.vpc.vpc_id"), "VPC ID"),
            ("private_subnets", Ref("module.vpc.private_subnets"), "Private subnet IDs (nodes and pods)"),
            ("public_subnets", Ref("module.vpc.public_subnets"), "Public subnet IDs (internet-facing load balancers)"),
        ]
    rows.append((
        "configure_kubectl",
        Call("format", ("aws eks --region %s update-kubeconfig --name %s", cluster.metadata.region,
                        Ref("module.eks.cluster_name"))),
        "Command that writes a kubeconfig entry for this cluster",
    ))
    blocks = [Block("output", (name,), [group(Attr("description", text), Attr("value", value))])
              for name, value, text in rows]
    return TfFile("outputs.tf", blocks)
