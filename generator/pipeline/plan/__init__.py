"""Stage 5, plan: the defaulted cluster as ordered Terraform blocks (see ir.py).

One `build_*` function per output file, each in its own module. Argument order follows the
terraform-aws-eks examples: source and version, identity, switches, addons, networking, compute.
"""

from __future__ import annotations

from generator.ir import Plan, TfFile
from generator.pipeline.effective import Cluster
from generator.pipeline.keys import access_entry_keys, policy_arn, policy_key
from generator.pipeline.plan.common import called_modules, irsa_label
from generator.pipeline.plan.eks import build_eks
from generator.pipeline.plan.iam import build_iam
from generator.pipeline.plan.karpenter import build_karpenter
from generator.pipeline.plan.locals import build_locals
from generator.pipeline.plan.outputs import build_outputs
from generator.pipeline.plan.versions import build_versions, required_providers
from generator.pipeline.plan.vpc import build_vpc

__all__ = ["access_entry_keys", "build_plan", "irsa_label", "policy_arn", "policy_key", "required_providers"]


def build_plan(cluster: Cluster) -> Plan:
    files: list[TfFile] = []
    if cluster.spec.vpc is not None and cluster.spec.vpc.id is None:
        files.append(build_vpc(cluster))
    files.append(build_eks(cluster))
    iam = build_iam(cluster)
    if iam.blocks:
        files.append(iam)
    if cluster.spec.karpenter is not None and cluster.spec.karpenter.enabled:
        files.append(build_karpenter(cluster))
    files.append(build_outputs(cluster))
    return Plan([build_versions(cluster, called_modules(files)), build_locals(cluster), *files])
