"""Why a ClusterConfig field has no place in an eksgen spec: one reason per field, by its path
with list indexes as `[]` (`nodeGroups[].overrideBootstrapCommand`), or by its key alone."""

from __future__ import annotations

import difflib

from generator.errors import Loc

NO_KEY = "eksgen's spec has no key for it"
# Every JSON field name of pkg/apis/eksctl.io/v1alpha5/*.go (the `json:"..."` tags) at the eksctl commit
# eksctl_defaults.EKSCTL_COMMIT: a key outside this set is one eksctl's strict parse refuses.
EKSCTL_FIELDS = frozenset({
    "Action", "Condition", "Effect", "Id", "NotAction", "NotPrincipal", "NotResource", "Principal", "Resource",
    "Sid", "Statement", "Version", "accessConfig", "accessEntries", "accessPolicies", "accessScope", "account",
    "additionalEndpointServices", "additionalVolumes", "addons", "addonsConfig", "albIngress", "allow", "ami",
    "amiFamily", "annotations", "apiVersion", "appMesh", "appMeshPreview", "argocd", "arn", "asgMetricsCollection",
    "asgSuspendProcesses", "attachIDs", "attachPolicy", "attachPolicyARNs", "attachRoleARN", "authenticationMode",
    "autoAllocateIPv6", "autoApplyPodIdentityAssociations", "autoModeConfig", "autoScaler", "availabilityZones",
    "awsIdc", "awsLoadBalancerController", "az", "bootstrapClusterCreatorAdminPermissions", "bottlerocket",
    "caBundleCert", "capabilities", "capacityRebalance", "capacityReservation", "capacityReservationID",
    "capacityReservationPreference", "capacityReservationResourceGroupARN", "capacityReservationTarget",
    "certManager", "certificateAuthorityData", "cidr", "cidrs", "classicLoadBalancerNames", "clientID",
    "cloudWatch", "clusterDNS", "clusterEndpoints", "clusterLogging", "configuration", "configurationValues",
    "containerRuntime", "controlPlaneEgressMode", "controlPlaneInstanceType", "controlPlaneOnPrivateSubnets",
    "controlPlaneOutpostARN", "controlPlanePlacement", "controlPlaneScalingConfig", "controlPlaneSecurityGroupIDs",
    "controlPlaneSubnetIDs", "cpuArchitecture", "cpuCredits", "createServiceAccount", "defaultInstanceProfile",
    "deletePropagationPolicy", "deny", "desiredCapacity", "disableDefaultAddons", "disableIMDSv1",
    "disablePodIMDS", "disableSessionTags", "ebs", "ebsCSIController", "ebsOptimized", "efaEnabled", "effect",
    "efs", "efsCSIController", "eksctlCreated", "enableAdminContainer", "enableDetailedMonitoring", "enableSsm",
    "enableTypes", "enabled", "enclaveEnabled", "endpoint", "etcdInstanceType", "etcdPlacement", "eventTTL",
    "externalDNS", "extraCIDRs", "extraIPv6CIDRs", "fargatePodExecutionRoleARN",
    "fargatePodExecutionRolePermissionsBoundary", "fargateProfiles", "flags", "flux", "forceUpdateVersion", "fsx",
    "gateway", "gitProvider", "gitops", "gpus", "granularity", "groupName", "groups", "groupsClaim",
    "groupsPrefix", "horizontalPodAutoscalerControllerConfig", "horizontalPodAutoscalerSyncPeriod", "hostnameType",
    "iam", "iamIdentityMappings", "id", "idcInstanceArn", "idcRegion", "identities", "identityProviders",
    "imageBuilder", "instanceMarketOptions", "instanceName", "instancePrefix", "instanceProfileARN",
    "instanceRoleARN", "instanceRoleName", "instanceRolePermissionsBoundary", "instanceSelector", "instanceType",
    "instanceTypes", "instancesDistribution", "ipFamily", "ipv6Cidr", "ipv6Pool", "issuerURL", "items",
    "karpenter", "key", "keyARN", "kind", "kubeAPIServerConfig", "kubeControllerManagerConfig",
    "kubeSchedulerConfig", "kubeletExtraConfig", "kubernetesGroups", "kubernetesNetworkConfig",
    "kubernetesUsername", "labels", "launchTemplate", "localZones", "logRetentionInDays",
    "manageSharedNodeSecurityGroupRules", "managedNodeGroups", "marketType", "maxInstanceLifetime",
    "maxParallelNodesRepairedCount", "maxParallelNodesRepairedPercentage", "maxPodsPerNode", "maxPort", "maxPrice",
    "maxSize", "maxUnavailable", "maxUnavailablePercentage", "maxUnhealthyNodeThresholdCount",
    "maxUnhealthyNodeThresholdPercentage", "memory", "metadata", "metrics", "minPort", "minRepairWaitTimeMins",
    "minSize", "name", "namespace", "namespaceConfig", "namespaces", "nat", "networkAccess", "neuron_devices",
    "noDuplicateARNs", "nodeGroups", "nodeMonitoringCondition", "nodePools", "nodeRepairConfig",
    "nodeRepairConfigOverrides", "nodeResourcesFit", "nodeRoleARN", "nodeUnhealthyReason", "onDemandBaseCapacity",
    "onDemandPercentageAboveBaseCapacity", "outpost", "outpostARN", "overrideBootstrapCommand", "owners",
    "permissionPolicy", "permissionPolicyARNs", "permissionPolicyName", "permissionsBoundary",
    "permissionsBoundaryARN", "placement", "podExecutionRoleARN", "podIdentityAssociations", "policy", "policyARN",
    "preBootstrapCommands", "principalARN", "private", "privateAccess", "privateCluster", "privateNetworking",
    "propagateASGTags", "provider", "public", "publicAccess", "publicAccessCIDRs", "publicKey", "publicKeyName",
    "publicKeyPath", "publishers", "rbacRoleMappings", "region", "releaseVersion", "remoteNetworkConfig",
    "remoteNodeNetworks", "remotePodNetworks", "repairAction", "requiredClaims", "resolveConflicts", "resources",
    "role", "roleARN", "roleArn", "roleName", "roleOnly", "rollbackConfig", "scoringStrategy", "secretsEncryption",
    "securityGroup", "securityGroups", "selectors", "serviceAccountName", "serviceAccountRoleARN",
    "serviceAccounts", "serviceIPv4CIDR", "serviceIPv6CIDR", "serviceName", "serviceNodePortRange",
    "serviceRoleARN", "serviceRolePermissionsBoundary", "settings", "sharedNodeSecurityGroup",
    "skipEndpointCreation", "snapshotID", "sourceSecurityGroupIds", "spot", "spotAllocationStrategy",
    "spotInstancePools", "spreadLevel", "ssh", "stackName", "status", "subjectPattern", "subnets", "supportType",
    "tags", "taints", "targetGroupARNs", "targetRoleARN", "tier", "timeoutMinutes", "type", "types",
    "updateConfig", "upgradePolicy", "useDefaultPodIdentityAssociations", "username", "usernameClaim",
    "usernamePrefix", "vCPUs", "value", "version", "volumeEncrypted", "volumeIOPS", "volumeKmsKeyID", "volumeName",
    "volumeSize", "volumeThroughput", "volumeType", "vpc", "vpcGatewayID", "vpcResourceControllerPolicy",
    "vpceIds", "weight", "wellKnownPolicies", "withAddonPolicies", "withLocal", "withOIDC", "withShared",
    "withSpotInterruptionQueue", "xRay", "zonalShiftConfig",
})
_NODE = ("nodeGroups[]", "managedNodeGroups[]")

_BY_KEY: dict[str, str] = {
    "overrideBootstrapCommand": "eksgen writes the node's join configuration itself (nodeadm, bootstrap.sh or "
                                "Bottlerocket settings); a replacement command cannot be expressed",
    "kubeletExtraConfig": "eksgen sets no kubelet configuration; on AL2023 add it with preBootstrapCommands "
                          "or a NodeConfig of your own launch template",
    "maxPodsPerNode": "eksgen leaves max pods to the AMI's calculation (the VPC CNI's ENI limits)",
    "asgSuspendProcesses": NO_KEY, "ebsOptimized": "current instance types are EBS-optimised by default",
    "cpuCredits": NO_KEY, "classicLoadBalancerNames": "attach load balancers from Kubernetes (Service) instead",
    "targetGroupARNs": "attach target groups from Kubernetes (TargetGroupBinding) instead",
    "asgMetricsCollection": NO_KEY, "clusterDNS": "eksgen uses the cluster's DNS service address",
    "containerRuntime": "containerd is the only runtime of the AMIs eksgen supports",
    "maxInstanceLifetime": NO_KEY, "localZones": "eksgen places nodes in availability zones only",
    "enclaveEnabled": NO_KEY, "instancePrefix": NO_KEY, "instanceName": NO_KEY, "placement": NO_KEY,
    "efaEnabled": NO_KEY, "instanceSelector": "list the instance types the selector chose instead",
    "bottlerocket": "eksgen writes Bottlerocket's settings itself", "enableDetailedMonitoring": NO_KEY,
    "capacityReservation": NO_KEY, "instanceMarketOptions": NO_KEY, "outpostARN": "eksgen does not support Outposts",
    "additionalVolumes": "eksgen configures the root volume only", "volumeName": "eksgen names the root device "
    "from the AMI type", "snapshotID": NO_KEY, "volumeEncrypted": "eksgen always encrypts the root volume",
    "releaseVersion": "eksgen uses the latest AMI release of the version", "propagateASGTags": NO_KEY,
    "annotations": NO_KEY, "forceUpdateVersion": "an eksctl command-line behaviour, not cluster state",
    "rollbackConfig": "an eksctl command-line behaviour, not cluster state",
    "identityProviders": "eksgen does not configure OIDC identity providers",
    "gitops": "eksgen installs nothing in the cluster (Flux is left to GitOps tools)",
    "outpost": "eksgen does not support Outposts", "remoteNetworkConfig": "eksgen does not support hybrid nodes",
    "kubeAPIServerConfig": NO_KEY, "kubeSchedulerConfig": NO_KEY, "kubeControllerManagerConfig": NO_KEY,
    "capabilities": "eksgen does not manage EKS capabilities", "status": "status is written by eksctl",
    "tags": NO_KEY, "labels": NO_KEY, "serviceRoleARN": "eksgen lets the eks module create the cluster role",
    "serviceRolePermissionsBoundary": NO_KEY, "fargatePodExecutionRoleARN": "the eks module creates the Fargate "
    "pod execution role", "fargatePodExecutionRolePermissionsBoundary": NO_KEY,
    "vpcResourceControllerPolicy": "the eks module attaches AmazonEKSVPCResourceController itself",
    "podExecutionRoleARN": "the eks module creates the Fargate pod execution role",
    "permissionsBoundary": NO_KEY, "permissionsBoundaryARN": NO_KEY, "roleName": "eksgen names roles after the "
    "cluster and the entry", "roleOnly": NO_KEY, "attachPolicy": "inline policy documents cannot be expressed; "
    "create a managed policy and list its ARN", "attachRoleARN": "an existing role for IRSA cannot be expressed",
    "subjectPattern": NO_KEY, "permissionPolicy": "inline policy documents cannot be expressed; create a managed "
    "policy and list its ARN", "permissionPolicyName": NO_KEY, "createServiceAccount": "eksgen creates no "
    "Kubernetes objects", "targetRoleARN": NO_KEY, "disableSessionTags": NO_KEY, "policy": NO_KEY,
    "resolveConflicts": NO_KEY, "namespaceConfig": NO_KEY, "publishers": NO_KEY, "types": NO_KEY,
    "owners": NO_KEY, "useDefaultPodIdentityAssociations": "list the association in iam.podIdentityAssociations",
    "serviceAccountRoleARN": "an existing role for an addon cannot be expressed; let eksgen create it "
    "(serviceAccounts or podIdentityAssociations)",
    "securityGroup": "the eks module creates the cluster security group",
    "sharedNodeSecurityGroup": "the eks module creates the node security group",
    "manageSharedNodeSecurityGroupRules": NO_KEY, "hostnameType": NO_KEY, "autoAllocateIPv6": NO_KEY,
    "extraIPv6CIDRs": NO_KEY, "ipv6Cidr": NO_KEY, "ipv6Pool": NO_KEY,
    "controlPlaneSecurityGroupIDs": "the eks module creates the cluster security group",
    "controlPlaneEgressMode": NO_KEY, "serviceIPv6CIDR": "EKS assigns the IPv6 service range",
    "nodeRoleARN": "the eks module creates the Auto Mode node role",
    "skipEndpointCreation": "eksgen creates a private cluster's VPC endpoints itself (new VPC only)",
    "defaultInstanceProfile": NO_KEY, "version": NO_KEY, "account": "EMR on EKS mappings cannot be expressed",
    "serviceName": "EMR on EKS mappings cannot be expressed", "namespace": NO_KEY,
    "noDuplicateARNs": NO_KEY, "autoApplyPodIdentityAssociations": "list the associations in "
    "iam.podIdentityAssociations and name them from the addon (podIdentity)",
    "instanceProfileARN": "eksgen creates the node role", "instanceRoleARN": "eksgen creates the node role",
    "instanceRoleName": "eksgen names the node role", "withLocal": NO_KEY, "withShared": NO_KEY,
    "maxPrice": NO_KEY, "spotInstancePools": NO_KEY, "capacityRebalance": NO_KEY,
    "enableSsm": "SSM access comes from the node role's AmazonSSMManagedInstanceCore (iam.additionalPolicies)",
}

_BY_PATH: dict[str, str] = {
    "karpenter.version": "eksgen creates Karpenter's AWS prerequisites only; install the chart (this version) "
                         "with your GitOps tool",
    "karpenter.createServiceAccount": "eksgen creates no Kubernetes objects; the chart creates the account",
    "fargateProfiles[].tags": "eksgen's Fargate profiles take no tags of their own (metadata.tags reach them)",
    "iam.serviceAccounts[].metadata.labels": "eksgen creates no Kubernetes objects",
    "iam.serviceAccounts[].metadata.annotations": "eksgen creates no Kubernetes objects",
    "iam.serviceAccounts[].tags": "eksgen's IRSA roles take metadata.tags only",
    "iam.podIdentityAssociations[].tags": "eksgen's Pod Identity roles take metadata.tags only",
    "addons[].tags": "eksgen's addons take metadata.tags only",
    "metadata.annotations": "ClusterConfig annotations are eksctl's own; they are not cluster state",
    **{f"{ng}.iam.withAddonPolicies": "eksgen gives these permissions to the workload's own role, not to "
       "every pod on the node: use serviceAccounts or podIdentityAssociations with wellKnownPolicies"
       for ng in _NODE},
}


def pattern(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += "[]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def reason(loc: Loc) -> str:
    """Why the field at `loc` cannot be expressed."""
    found = _BY_PATH.get(pattern(loc))
    if found:
        return found
    key = next((p for p in reversed(loc) if isinstance(p, str)), "")
    return _BY_KEY.get(key, NO_KEY)


def unknown_field(loc: Loc) -> str | None:
    """Why the key at `loc` is no ClusterConfig field at all (with a near miss), or None when it is one."""
    key = loc[-1] if loc else None
    if not isinstance(key, str) or key in EKSCTL_FIELDS:
        return None
    close = difflib.get_close_matches(key, sorted(EKSCTL_FIELDS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown ClusterConfig field {key!r} (eksctl refuses it too){hint}"
