"""VPC endpoint rules: what a private cluster's nodes need when there is no NAT gateway."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.errors import Issue
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.checks.identity import uses_pod_identity

ENDPOINTS = ("spec", "vpc", "endpoints")
# Nodes pull images (ECR API and registry, layers from S3) and get credentials (STS) without egress
# (EKS user guide, private-clusters.html).
REQUIRED_WITHOUT_NAT = ("ecr.api", "ecr.dkr", "s3", "sts")
# The Pod Identity agent trades a pod's token for credentials at eks-auth (EKS user guide, pod-id-how-it-works.html);
# Karpenter's controller gets its role that way too.
POD_IDENTITY_SERVICE = "eks-auth"
# Services a private EKS cluster uses (private-clusters.html and the controllers' own docs).
KNOWN_SERVICES = frozenset({
    "aps-workspaces", "autoscaling", "ebs", "ec2", "ec2messages", "ecr.api", "ecr.dkr", "efs", "eks", "eks-auth",
    "elasticfilesystem", "elasticloadbalancing", "kms", "logs", "monitoring", "s3", "secretsmanager", "sqs", "ssm",
    "ssmmessages", "sts", "xray",
})


def check(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    vpc = spec.vpc
    if vpc is None:
        return
    endpoints = vpc.endpoints or []
    if vpc.id is not None:
        if endpoints:
            yield Issue(ENDPOINTS, "applies only to a new VPC: eksgen knows neither the existing VPC's route tables "
                        "nor its CIDRs; create the endpoints where that VPC is managed", rule="EKS100")
        return
    for index, service in enumerate(endpoints):
        loc = (*ENDPOINTS, index)
        if service in endpoints[:index]:
            yield Issue(loc, f"endpoint {service!r} is listed twice", rule="EKS100")
        elif service not in KNOWN_SERVICES:
            close = difflib.get_close_matches(service, sorted(KNOWN_SERVICES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (waive this for a newer service)"
            yield Issue(loc, f"{service!r} is not a VPC endpoint service eksgen knows{hint}", severity="warning",
                        rule="EKS101")
    karpenter = spec.karpenter is not None and bool(spec.karpenter.enabled)
    auto_mode = spec.auto_mode is not None and bool(spec.auto_mode.enabled)
    compute = bool(spec.managed_node_groups or spec.self_managed_node_groups or spec.fargate_profiles
                   or karpenter or auto_mode)
    needed = (*REQUIRED_WITHOUT_NAT, POD_IDENTITY_SERVICE) if karpenter or uses_pod_identity(spec) \
        else REQUIRED_WITHOUT_NAT
    missing = [s for s in needed if s not in endpoints]
    if vpc.nat == "Disabled" and compute and missing:
        yield Issue(("spec", "vpc", "nat"), "with nat: Disabled nodes cannot pull images or get credentials: add "
                    f"VPC endpoints {', '.join(missing)} to vpc.endpoints (or a NAT gateway)", rule="EKS102")
