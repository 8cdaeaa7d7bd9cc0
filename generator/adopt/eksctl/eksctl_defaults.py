"""What eksctl does when a ClusterConfig leaves a field unset: facts read from eksctl's source.

Source: github.com/eksctl-io/eksctl at 99984adb6164ece593c0728523b7f497ea61d60e (2026-08-21), the
commit of the examples in shared/data/eksctl-examples. Each constant names the file it was read
from; paths are under pkg/apis/eksctl.io/v1alpha5/ unless they say otherwise. Facts only, no code.
"""

from __future__ import annotations

EKSCTL_COMMIT = "99984adb6164ece593c0728523b7f497ea61d60e"

# types.go, DefaultVersion: the version `eksctl create cluster` uses without metadata.version.
EKSCTL_DEFAULT_VERSION = "1.34"
# types.go, DefaultSupportType (SupportTypeExtended): upgradePolicy.supportType.
EKSCTL_DEFAULT_SUPPORT_TYPE = "EXTENDED"
# defaults.go, ClusterEndpointAccessDefaults: vpc.clusterEndpoints.
EKSCTL_DEFAULT_PUBLIC_ACCESS = True
EKSCTL_DEFAULT_PRIVATE_ACCESS = False
# vpc.go, ClusterNATDefault (ClusterSingleNAT) and the NAT gateway names it accepts.
EKSCTL_DEFAULT_NAT = "Single"
EKSCTL_NAT_MODES = {"HighlyAvailable": "HighlyAvailable", "Single": "Single", "Disable": "Disabled"}
# vpc.go, DefaultCIDR.
EKSCTL_DEFAULT_VPC_CIDR = "192.168.0.0/16"
# vpc.go, RecommendedAvailabilityZones: eksctl picks this many zones of the region at random.
EKSCTL_DEFAULT_AZ_COUNT = 3
# pkg/vpc/vpc.go, SetSubnets and getSubnetNetworkSize: the VPC is split into 8 (up to 8 subnets) or
# 16 (up to 16) equal blocks, prefix + 3 or + 4 bits; public subnets take the first blocks, one per
# zone, private subnets the blocks after them.
EKSCTL_SUBNET_SPLITS = ((8, 3), (16, 4))
# defaults.go, getDefaultAuthenticationMode (not on Outposts): accessConfig.authenticationMode.
EKSCTL_DEFAULT_AUTHENTICATION_MODE = "API_AND_CONFIG_MAP"
# types.go, AccessConfig.BootstrapClusterCreatorAdminPermissions: true unless set to false.
EKSCTL_DEFAULT_CREATOR_ADMIN = True
# known_addons.go, KnownAddons: IsDefault (installed unless addonsConfig.disableDefaultAddons) and
# IsDefaultAutoMode (the only default with Auto Mode); metrics-server is excluded in ExcludedRegions.
EKSCTL_DEFAULT_ADDONS = ("coredns", "kube-proxy", "metrics-server", "vpc-cni")
EKSCTL_DEFAULT_AUTO_MODE_ADDONS = ("metrics-server",)
EKSCTL_METRICS_SERVER_EXCLUDED_REGIONS = frozenset({
    "cn-northwest-1", "cn-north-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-gov-west-1",
    "us-gov-east-1", "us-isof-east-1", "us-isof-south-1", "eu-isoe-west-1",
})
# types.go, DefaultNodeType.
EKSCTL_DEFAULT_INSTANCE_TYPE = "m5.large"
# types.go DefaultNodeCount, and validation.go / pkg/cfn/builder/nodegroup.go: minSize defaults to
# desiredCapacity, else DefaultNodeCount; maxSize to desiredCapacity, else minSize (at least 1);
# desiredCapacity to minSize.
EKSCTL_DEFAULT_NODE_COUNT = 2
EKSCTL_MIN_MAX_SIZE = 1
# types.go DefaultNodeVolumeSize and DefaultNodeVolumeType (non-Outposts); defaults.go setVolumeDefaults
# applies them unless a managed group brings its own launch template.
EKSCTL_DEFAULT_VOLUME_SIZE = 80
EKSCTL_DEFAULT_VOLUME_TYPE = "gp3"
# pkg/cfn/builder/nodegroup.go, makeMetadataOptions: hop limit 2 unless disablePodIMDS.
EKSCTL_DEFAULT_HOP_LIMIT = 2
# defaults.go, setNodeGroupBaseDefaults: disableIMDSv1 defaults to true (IMDSv2 required).
EKSCTL_DEFAULT_DISABLE_IMDSV1 = True
# types.go, DefaultNodeImageFamily.
EKSCTL_DEFAULT_AMI_FAMILY = "AmazonLinux2023"
# types.go, NodeGroupBase.PrivateNetworking: false puts nodes in the public subnets.
EKSCTL_DEFAULT_PRIVATE_NETWORKING = False
# defaults.go, SetClusterConfigDefaults: iam.serviceAccounts[].metadata.namespace.
EKSCTL_DEFAULT_SERVICE_ACCOUNT_NAMESPACE = "default"
# endpoint_service.go, EndpointServices (not Optional, not OutpostsOnly): a fully-private cluster's endpoints.
EKSCTL_PRIVATE_CLUSTER_ENDPOINTS = ("ec2", "ecr.api", "ecr.dkr", "s3", "sts")
# types.go, PrivateCluster.AdditionalEndpointServices: the optional ones it accepts.
EKSCTL_OPTIONAL_ENDPOINTS = ("autoscaling", "cloudformation", "logs")
# cloudwatch.go, SupportedCloudWatchClusterLogTypes; "*" and "all" mean all of them.
EKSCTL_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# types.go, Karpenter.WithSpotInterruptionQueue: off unless set.
EKSCTL_DEFAULT_INTERRUPTION_QUEUE = False
# Auto Scaling's default for a mixed instances policy when eksctl passes no SpotAllocationStrategy
# (pkg/cfn/builder/nodegroup.go sets it only when given): lowest-price.
ASG_DEFAULT_SPOT_ALLOCATION_STRATEGY = "lowest-price"
# pkg/cfn/builder/iam_helper.go, makeManagedPolicies: without iam.attachPolicyARNs every node role also gets
# AmazonSSMManagedInstanceCore (the others, worker, CNI and ECR pull, the eks module attaches too).
EKSCTL_NODE_SSM_POLICY = "AmazonSSMManagedInstanceCore"
EKSCTL_NODE_BASE_POLICIES = frozenset({"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                                       "AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly"})
# defaults.go, setDefaultNodeLabels (names from types.go ClusterNameLabel, NodeGroupNameLabel): every node
# group's nodes carry these two labels; workloads may select on them.
EKSCTL_CLUSTER_NAME_LABEL = "alpha.eksctl.io/cluster-name"
EKSCTL_NODEGROUP_NAME_LABEL = "alpha.eksctl.io/nodegroup-name"
# defaults.go, IAMServiceAccountsWithImplicitServiceAccounts: with iam.withOIDC, default addons on and no
# vpc-cni in addons, eksctl gives kube-system/aws-node (the VPC CNI) an IRSA role with this policy.
EKSCTL_AWS_NODE_POLICY = "AmazonEKS_CNI_Policy"
