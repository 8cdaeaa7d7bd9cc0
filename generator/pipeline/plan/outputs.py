"""outputs.tf: what a user needs next (cluster, OIDC provider, VPC, the kubeconfig command)."""

from __future__ import annotations

from generator.ir import Attr, Block, Call, Ref, TfFile, Value
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group


def build_outputs(cluster: Cluster) -> TfFile:
    vpc = cluster.spec.vpc
    rows: list[tuple[str, Value, str]] = [
        ("cluster_name", Ref("module.eks.cluster_name"), "EKS cluster name"),
        ("cluster_endpoint", Ref("module.eks.cluster_endpoint"), "Kubernetes API server endpoint"),
        ("oidc_provider_arn", Ref("module.eks.oidc_provider_arn"), "IAM OIDC provider ARN, for IRSA trust"),
    ]
    if vpc.id is None:
        vpc_id: Value = Ref("module.vpc.vpc_id")
        private: Value = Ref("module.vpc.private_subnets")
        public: Value = Ref("module.vpc.public_subnets")
    else:  # an existing VPC: the IDs the spec gave, so consumers read them from one place either way
        subnets = vpc.subnets
        vpc_id, private = vpc.id, list((subnets.private if subnets else None) or [])
        public = list((subnets.public if subnets else None) or [])
    rows += [
        ("vpc_id", vpc_id, "VPC ID"),
        ("private_subnets", private, "Private subnet IDs (nodes and pods)"),
        ("public_subnets", public, "Public subnet IDs (internet-facing load balancers)"),
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
