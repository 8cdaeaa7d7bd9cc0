"""Risk rules of the second release's keys: Auto Mode, Karpenter, Pod Identity, VPC endpoints and the
control plane, and the IAM roles of service accounts. Reasons name what the upstream module and the AWS
API do with the change."""

from typing import Any

from generator.gitops.diff.labels import IN_PLACE, NODES_ROLL, ONE_WAY, REPLACE, Rule, RuleLike


def _auto_mode_rule(old: Any, new: Any) -> Rule:
    """Turning Auto Mode on is in place; turning it off deletes its nodes and has failed through the module."""
    if new and not old:
        return Rule(IN_PLACE, "UpdateClusterConfig turns on Auto Mode compute, block storage and load balancing "
                              "together; existing node groups keep running beside it")
    return Rule(ONE_WAY, "turning Auto Mode off drops compute_config, storage_config and elastic_load_balancing "
                         "together; through the module it has failed at apply (terraform-aws-eks #3273, #3418, "
                         "#3457), and EKS deletes the Auto Mode nodes: move workloads to node groups first")


def _node_pools_rule(old: Any, new: Any) -> Rule:
    """Adding a built-in pool is in place; removing one drains and deletes its nodes."""
    removed = set(old or []) - set(new or [])
    if removed:
        pools = ", ".join(sorted(removed))
        return Rule(NODES_ROLL, f"compute_config.node_pools updates in place; the nodes of {pools} are drained "
                                "and deleted, their pods move to the remaining pools")
    return Rule(IN_PLACE, "compute_config.node_pools updates in place")


def _karpenter_rule(old: Any, new: Any) -> Rule:
    """Adding Karpenter's prerequisites is in place; removing them cuts running Karpenter nodes off."""
    if new and not old:
        return Rule(IN_PLACE, "module \"karpenter\" adds the controller role, node role, access entry and queue")
    return Rule(REPLACE, "module \"karpenter\" is removed: the node role's access entry, the controller role and "
                         "the queue are deleted, so Karpenter and the nodes it launched lose their access")


def _role_arn_rule(old: Any, new: Any) -> Rule:
    """An existing role swaps in place; moving between eksgen's role and an existing one replaces."""
    if old and new:
        return Rule(IN_PLACE, "role_arn updates in place (UpdatePodIdentityAssociation)")
    return Rule(REPLACE, "switches between the eks-pod-identity module (its own role) and a plain association "
                         "resource: the old role and association are deleted, pods lose the role meanwhile")


POD_IDENTITY_FORCE_NEW = ("the association's namespace and service account are ForceNew: deleted and recreated; "
                          "pods lose the role until the new one exists")
# spec paths below `spec.` (the cluster area's table).
AUTO_MODE_AND_KARPENTER_RULES: dict[str, RuleLike] = {
    "autoMode.enabled": _auto_mode_rule,
    "autoMode.nodePools": _node_pools_rule,
    "karpenter.enabled": _karpenter_rule,
    "karpenter.namespace": Rule(REPLACE, f"Karpenter's Pod Identity association: {POD_IDENTITY_FORCE_NEW}"),
    "karpenter.serviceAccount": Rule(REPLACE, f"Karpenter's Pod Identity association: {POD_IDENTITY_FORCE_NEW}"),
    "karpenter.interruptionQueue": Rule(IN_PLACE, "the SQS queue and its EventBridge rules are added or deleted; "
                                                  "change the chart's settings.interruptionQueue with it"),
    "karpenter.nodeIamRoleAdditionalPolicies": Rule(IN_PLACE, "policy attachments on the node role, added or "
                                                              "removed"),
    "controlPlane.tier": Rule(IN_PLACE, "control_plane_scaling_config: UpdateClusterConfig changes the tier in "
                                        "place; a provisioned tier is billed for every hour"),
    "controlPlane.zonalShift": Rule(IN_PLACE, "zonal_shift_config: UpdateClusterConfig"),
}
# What the well-known policies act on: the module's policy document changes, a new policy version in place.
POLICY_RESOURCE_RULES: dict[str, RuleLike] = {
    field: Rule(IN_PLACE, f"the policy's {what} change: a new policy version, in place", unordered=True)
    for field, what in (("hostedZoneArns", "hosted zones"), ("s3BucketArns", "buckets"), ("sqsQueueArns", "queues"))}
SERVICE_ACCOUNT_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, "the role is named <cluster>-<name>: a rename deletes the role and creates another"),
    "namespace": Rule(IN_PLACE, "trust policy updated in place; the old service account loses the role"),
    "serviceAccount": Rule(IN_PLACE, "trust policy updated in place; the old service account loses the role"),
    "wellKnownPolicies": Rule(IN_PLACE, "policy attachments added or removed", unordered=True),
    "policyArns": Rule(IN_PLACE, "policy attachments (keyed by policy name) added or removed", unordered=True),
    **POLICY_RESOURCE_RULES,
}
POD_IDENTITY_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, "the module label and role name <cluster>-<name>: a rename deletes the role and its "
                          "association and creates others"),
    "namespace": Rule(REPLACE, POD_IDENTITY_FORCE_NEW),
    "serviceAccount": Rule(REPLACE, POD_IDENTITY_FORCE_NEW),
    "wellKnownPolicies": Rule(IN_PLACE, "policy attachments added or removed", unordered=True),
    "policyArns": Rule(IN_PLACE, "policy attachments (keyed by position) added or removed"),
    "roleArn": _role_arn_rule,
    **POLICY_RESOURCE_RULES,
}
POD_IDENTITY_LIFECYCLE = (Rule(IN_PLACE, "a new role and association"),
                          Rule(REPLACE, "the role and association are deleted: pods using it lose their AWS access"))
VPC_ENDPOINTS_RULE = Rule(IN_PLACE, "endpoints are added or deleted in place; without NAT, removing ecr.api, "
                                    "ecr.dkr, s3 or sts cuts the nodes off image pulls and credentials",
                          unordered=True)
ADDON_POD_IDENTITY_RULE = Rule(IN_PLACE, "the addon's pod_identity_association updates in place")
