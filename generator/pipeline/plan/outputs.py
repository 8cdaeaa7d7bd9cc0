"""outputs.tf: what a user needs next (cluster, OIDC provider, VPC, the kubeconfig command)."""

from __future__ import annotations

from generator.ir import Attr, Block, Call, Obj, Ref, TfFile, Value
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group, irsa_label
from generator.pipeline.plan.pod_identity import role_arn


def build_outputs(cluster: Cluster) -> TfFile:
    vpc = cluster.spec.vpc
    rows: list[tuple[str, Value, str]] = [
        ("cluster_name", Ref("module.eks.cluster_name"), "EKS cluster name"),
        ("cluster_endpoint", Ref("module.eks.cluster_endpoint"), "Kubernetes API server endpoint"),
        ("cluster_certificate_authority_data", Ref("module.eks.cluster_certificate_authority_data"),
         "Base64-encoded cluster CA certificate, for kubeconfigs and the kubernetes/helm providers"),
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
    if vpc.id is None and vpc.nat != "Disabled":
        rows.append(("nat_public_ips", Ref("module.vpc.nat_public_ips"),
                     "Elastic IPs of the NAT gateways: what nodes' traffic to a public endpoint comes from"))
    rows += [
        ("vpc_id", vpc_id, "VPC ID"),
        ("private_subnets", private, "Private subnet IDs (nodes and pods)"),
        ("public_subnets", public, "Public subnet IDs (internet-facing load balancers)"),
    ]
    accounts = cluster.spec.service_accounts or []
    if accounts:
        arns = {sa.name: Ref(f"module.{irsa_label(sa.name)}.arn") for sa in sorted(accounts, key=lambda a: a.name)}
        rows.append(("irsa_role_arns", dict[str, Value](arns),
                     "IAM role ARN per serviceAccounts entry, for the eks.amazonaws.com/role-arn annotation"))
    rows.append((
        "configure_kubectl",
        Call("format", ("aws eks --region %s update-kubeconfig --name %s", cluster.metadata.region,
                        Ref("module.eks.cluster_name"))),
        "Command that writes a kubeconfig entry for this cluster",
    ))
    rows += modern_outputs(cluster)
    blocks = [Block("output", (name,), [group(Attr("description", text), Attr("value", value))])
              for name, value, text in rows]
    return TfFile("outputs.tf", blocks)


def modern_outputs(cluster: Cluster) -> list[tuple[str, Value, str]]:
    """Pod Identity roles, the Auto Mode node role and what the Karpenter chart needs."""
    s = cluster.spec
    rows: list[tuple[str, Value, str]] = []
    entries = s.pod_identity_associations or []
    if entries:
        arns: dict[str, Value] = {e.name: role_arn(cluster, e.name) for e in sorted(entries, key=lambda e: e.name)}
        rows.append(("pod_identity_role_arns", arns, "IAM role ARN of each podIdentityAssociations entry"))
    if s.auto_mode is not None and s.auto_mode.enabled:
        rows.append(("auto_mode_node_iam_role_name", Ref("module.eks.node_iam_role_name"),
                     "IAM role of Auto Mode nodes, for your own NodeClasses"))
    karpenter = s.karpenter
    if karpenter is not None and karpenter.enabled:
        settings = [("clusterName", Ref("module.eks.cluster_name")),
                    ("clusterEndpoint", Ref("module.eks.cluster_endpoint"))]
        if karpenter.interruption_queue:
            settings.append(("interruptionQueue", Ref("module.karpenter.queue_name")))
            rows.append(("karpenter_queue_name", Ref("module.karpenter.queue_name"),
                         "Karpenter interruption queue (settings.interruptionQueue)"))
        rows += [
            ("karpenter_node_iam_role_name", Ref("module.karpenter.node_iam_role_name"),
             "IAM role for Karpenter nodes (EC2NodeClass spec.role)"),
            ("karpenter_controller_role_arn", Ref("module.karpenter.iam_role_arn"),
             "IAM role of the Karpenter controller (through Pod Identity)"),
            ("karpenter_helm_values", Call("yamlencode", (Obj.of(settings=Obj(tuple(settings))),)),
             "Karpenter chart values: helm install -f <(terraform output -raw karpenter_helm_values)"),
        ]
    return rows
