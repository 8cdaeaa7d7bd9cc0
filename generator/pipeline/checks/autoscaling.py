"""EKS Auto Mode and Karpenter rules: where Karpenter's controller runs, what it needs, what Auto Mode
already runs, and the discovery tags eksgen cannot add to an existing VPC."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from generator.errors import Issue
from generator.facts.partition import partition
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.defaults import auto_mode_only

# What EKS runs itself on Auto Mode nodes (docs: automode.html, "Auto Mode components").
AUTO_MODE_BUILT_IN_ADDONS = ("aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")
AGENT_ADDON = "eks-pod-identity-agent"
KARPENTER = ("spec", "karpenter")
DISCOVERY_TAG = "karpenter.sh/discovery"


def check(ctx: CheckContext) -> Iterator[Issue]:
    yield from _auto_mode(ctx)
    yield from _karpenter(ctx)


def _auto_mode(ctx: CheckContext) -> Iterator[Issue]:
    mode = ctx.cluster.spec.auto_mode
    if mode is None or not mode.enabled:
        return
    pools = mode.node_pools or []
    for index, pool in enumerate(pools):
        if pool in pools[:index]:
            yield Issue(("spec", "autoMode", "nodePools", index), f"node pool {pool!r} is listed twice",
                        rule="EKS133")
    if auto_mode_only(ctx.cluster):
        for name in ctx.cluster.spec.addons or {}:
            if name in AUTO_MODE_BUILT_IN_ADDONS:
                yield Issue(("spec", "addons", name), f"Auto Mode runs {name}'s work itself on its nodes; as an "
                            "addon it would run a second copy (keep it only while node groups remain)",
                            severity="warning", rule="EKS110")


def _karpenter(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    karpenter = spec.karpenter
    if karpenter is None or not karpenter.enabled:
        return
    namespace = karpenter.namespace or ""
    if len(namespace) > 63 or not P.DNS_LABEL.fullmatch(namespace):
        yield Issue((*KARPENTER, "namespace"), f"{namespace!r} is not a valid namespace name", rule="EKS132")
    account = karpenter.service_account or ""
    if len(account) > 253 or not P.DNS_SUBDOMAIN.fullmatch(account):
        yield Issue((*KARPENTER, "serviceAccount"), f"{account!r} is not a valid service account name", rule="EKS132")
    region = ctx.cluster.metadata.region
    for key, arn in (karpenter.node_iam_role_additional_policies or {}).items():
        loc = (*KARPENTER, "nodeIamRoleAdditionalPolicies", key)
        if not P.POLICY_ARN.fullmatch(arn):
            yield Issue(loc, f"must be an IAM policy ARN (got {arn!r})", rule="EKS132")
        elif arn.split(":")[1] != partition(region):
            yield Issue(loc, f"policy is in partition {arn.split(':')[1]} but the cluster's region is in "
                        f"{partition(region)}", rule="EKS132")
    auto_mode = spec.auto_mode is not None and bool(spec.auto_mode.enabled)
    fargate = any(_selects(sel.namespace, namespace) for p in spec.fargate_profiles or [] for sel in p.selectors)
    if not (spec.managed_node_groups or fargate or auto_mode):
        yield Issue(KARPENTER, "Karpenter's controller needs somewhere to run before Karpenter launches any node: "
                    f"add a managed node group, a Fargate profile selecting {namespace!r}, or Auto Mode",
                    rule="EKS130")
    elif fargate and not (spec.managed_node_groups or auto_mode):
        yield Issue(KARPENTER, "Karpenter's controller would run on Fargate, where EKS Pod Identity does not "
                    "reach pods: the module gives the controller its role only through Pod Identity; run it on a "
                    "managed node group or Auto Mode", severity="warning", rule="EKS135")
    if AGENT_ADDON not in (spec.addons or {}):
        yield Issue(KARPENTER, f"the controller gets its role through Pod Identity: add {AGENT_ADDON} to addons",
                    rule="EKS131")
    vpc = spec.vpc
    if vpc is not None and vpc.id is not None and vpc.subnets is not None and vpc.subnets.private:
        yield Issue(("spec", "vpc", "subnets", "private"), f"tag {', '.join(vpc.subnets.private)} with "
                    f"{DISCOVERY_TAG}={ctx.cluster.metadata.name} so Karpenter finds them (eksgen does not manage "
                    "an existing VPC; the node security group is tagged)", severity="warning", rule="EKS134")


def _selects(pattern: str, namespace: str) -> bool:
    """Fargate selectors take * and ? wildcards in namespaces."""
    return fnmatch.fnmatchcase(namespace, pattern)
