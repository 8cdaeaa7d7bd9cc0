"""Shared pieces of the plan: module sources, module blocks, argument groups, pinned versions."""

from __future__ import annotations

from typing import Any

from generator.ir import Attr, Block, Group, Obj
from generator.pipeline.model import (
    Cluster,
)

MODULE_SOURCES = {
    "vpc": "terraform-aws-modules/vpc/aws",
    "eks": "terraform-aws-modules/eks/aws",
    "iam": "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts",
    "karpenter": "terraform-aws-modules/eks/aws//modules/karpenter",
    "vpc_endpoints": "terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
    "pod_identity": "terraform-aws-modules/eks-pod-identity/aws",
}
# Module kind -> (catalog key, submodule, spec pin). Submodules share their parent's pin.
MODULE_CATALOGS: dict[str, tuple[str, str | None, str]] = {
    "vpc": ("vpc", None, "vpc"),
    "eks": ("eks", None, "eks"),
    "iam": ("iam", "iam-role-for-service-accounts", "iam"),
    "karpenter": ("eks", "karpenter", "eks"),
    "vpc_endpoints": ("vpc", "vpc-endpoints", "vpc"),
    "pod_identity": ("pod-identity", None, "podIdentity"),
}


TAGS = "tags"


def module_block(key: str, label: str, version: str, groups: list[Group], banner: str | None = None) -> Block:
    """source and version first, `tags` last (in its own group), as the terraform-aws-eks examples write them."""
    head = Group([Attr("source", MODULE_SOURCES[key]), Attr("version", version)])
    tags = [a for g in groups for a in g.attrs if a.name == TAGS]
    body = [Group([a for a in g.attrs if a.name != TAGS], g.comment) for g in groups]
    return Block("module", (label,), [head, *[g for g in [*body, Group(tags)] if g.attrs]], banner=banner)


def group(*attrs: Attr | None, comment: str | None = None) -> Group:
    return Group([a for a in attrs if a is not None and a.value is not None], comment)


def pins(cluster: Cluster) -> dict[str, str]:
    """The pinned version of every module kind, keyed like MODULE_SOURCES."""
    tf = cluster.spec.terraform
    assert tf is not None and tf.modules is not None
    by_pin = {"eks": tf.modules.eks or "", "vpc": tf.modules.vpc or "", "iam": tf.modules.iam or "",
              "podIdentity": tf.modules.pod_identity or ""}
    return {kind: by_pin[pin] for kind, (_key, _sub, pin) in MODULE_CATALOGS.items()}


def used_modules(cluster: Cluster) -> list[str]:
    """The module kinds (MODULE_SOURCES keys) this cluster's plan calls."""
    s = cluster.spec
    new_vpc = s.vpc is not None and s.vpc.id is None
    kinds = ["eks", "vpc"]  # vpc: its providers count even for an existing VPC, as before
    if s.service_accounts:
        kinds.append("iam")
    if any(e.role_arn is None for e in s.pod_identity_associations or []):
        kinds.append("pod_identity")
    if s.karpenter is not None and s.karpenter.enabled:
        kinds.append("karpenter")
    if new_vpc and s.vpc is not None and s.vpc.endpoints:
        kinds.append("vpc_endpoints")
    return kinds


def nonempty(obj: Obj) -> Obj | None:
    return obj if obj.items else None


def sorted_map(mapping: dict[str, Any]) -> dict[str, Any]:
    """User maps in key order, nested maps too: reordering a spec's mapping changes no output
    (Terraform's own map iteration and jsonencode are key-ordered anyway)."""
    return {k: sorted_map(v) if isinstance(v, dict) else v for k, v in sorted(mapping.items())}


def irsa_label(name: str) -> str:
    return "irsa_" + name.replace("-", "_")
