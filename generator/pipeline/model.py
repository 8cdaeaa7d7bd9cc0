"""Stage 2, model: the `eksgen/v1alpha1` spec as pydantic types.

Every field is optional unless the contract requires it; `None` means "unset" and the
defaults stage fills it (eksctl's pointer-bool idea). Types only: no defaults logic and
no cross-field rules here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.alias_generators import to_camel, to_snake

from generator.pipeline import default_values as D
from generator.terraform.registry import registry

API_VERSION = "eksgen/v1alpha1"
KIND = "Cluster"
BASE_KIND = "ClusterBase"  # a partial spec other specs extend; never rendered on its own

LogType = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
NatMode = Literal["HighlyAvailable", "Single", "Disabled"]
CapacityType = Literal["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"]
TaintEffect = Literal["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]
SupportType = Literal["STANDARD", "EXTENDED"]
IpFamily = Literal["ipv4", "ipv6"]
AuthenticationMode = Literal["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]
PolicyScope = Literal["cluster", "namespace"]
AccessEntryType = Literal["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX",
                          "HYPERPOD_LINUX"]
AmiType = Literal[
    "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
    "AL2023_x86_64_NEURON", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64_NVIDIA",
    "BOTTLEROCKET_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_FIPS", "BOTTLEROCKET_ARM_64_FIPS",
    "WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64", "WINDOWS_CORE_2022_x86_64",
    "WINDOWS_FULL_2022_x86_64", "WINDOWS_CORE_2025_x86_64", "WINDOWS_FULL_2025_x86_64",
    "AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "CUSTOM",
]
AutoModeNodePool = Literal["general-purpose", "system"]
ControlPlaneTier = Literal["standard", "tier-xl", "tier-2xl", "tier-4xl", "tier-8xl"]
DiskType = Literal["gp3", "gp2", "io1", "io2"]
SpotAllocationStrategy = Literal[
    "price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price",
]
WellKnownPolicy = Literal[
    "ebsCsi", "efsCsi", "vpcCni", "loadBalancerController", "externalDns", "clusterAutoscaler",
    "certManager", "externalSecrets", "velero", "nodeTerminationHandler", "cloudwatchObservability",
    "mountpointS3Csi",
]


def opt(description: str, default: Any = None) -> Any:
    """An optional field: unset is `None`; `default` (a default_values constant) is documented in the
    JSON Schema only. A default that depends on other fields is described, not given."""
    extra = {} if default is None else {"default": default}
    return Field(None, description=description, json_schema_extra=extra)


class SpecModel(BaseModel):
    # strict: `kubernetesVersion: 1.30` (a YAML float) must fail, not become "1.3".
    model_config = ConfigDict(
        extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True, defer_build=True
    )


class Metadata(SpecModel):
    name: str = Field(description="EKS cluster name; letters, digits, '-' and '_', at most 29 characters.")
    region: str = Field(description="AWS region code, e.g. eu-west-1.")
    tags: dict[str, str] | None = opt("Tags for every resource (provider default_tags).", {})


class Subnets(SpecModel):
    private: list[str] | None = opt("New VPC: private subnet CIDRs. Existing VPC: subnet IDs for nodes.")
    public: list[str] | None = opt("Public subnet CIDRs (new VPC) or IDs (existing VPC).")
    intra: list[str] | None = opt("New VPC only: intra subnet CIDRs for the control-plane ENIs.")
    control_plane: list[str] | None = opt("Existing VPC only: subnet IDs for the control plane.")


class Vpc(SpecModel):
    id: str | None = opt("ID of an existing VPC; when set, eksgen creates no VPC.")
    cidr: str | None = opt("New VPC: IPv4 CIDR.", D.DEFAULT_VPC_CIDR)
    availability_zones: list[str] | None = opt("New VPC: availability zones (>= 2).")
    nat: NatMode | None = opt("New VPC: NAT gateways.", D.DEFAULT_NAT)
    subnets: Subnets | None = opt("Subnets; a default layout is computed for a new VPC.")
    secondary_cidrs: list[str] | None = opt("New VPC: secondary IPv4 CIDRs.", [])
    endpoints: list[str] | None = opt(
        "New VPC: VPC endpoints by service name (s3 becomes a gateway, the rest interface endpoints with "
        "private DNS); with nat: Disabled nodes need ecr.api, ecr.dkr, s3 and sts.", list(D.DEFAULT_VPC_ENDPOINTS))


class Endpoint(SpecModel):
    private: bool | None = opt("Private API endpoint.", D.DEFAULT_ENDPOINT_PRIVATE)
    public: bool | None = opt("Public API endpoint.", D.DEFAULT_ENDPOINT_PUBLIC)
    public_cidrs: list[str] | None = opt("CIDRs allowed to reach the public endpoint (<= 40).")


class Logging(SpecModel):
    types: list[LogType] | None = opt("Control-plane log types.", list(D.DEFAULT_LOG_TYPES))
    retention_days: int | None = opt("CloudWatch log retention in days.", D.DEFAULT_LOG_RETENTION_DAYS)


class SecretsEncryption(SpecModel):
    kms_key_arn: str | None = opt("ARN of an existing symmetric KMS key in the cluster's region.")
    create_key: bool | None = opt("Let the module create a KMS key; default: true unless kmsKeyArn is set.")


class AccessPolicy(SpecModel):
    policy: str = Field(description="Access policy short name or full ARN.")
    scope: PolicyScope | None = opt("Scope of the association.", D.DEFAULT_POLICY_SCOPE)
    namespaces: list[str] | None = opt("Namespaces, for scope: namespace.")


class AccessEntry(SpecModel):
    principal_arn: str = Field(description="IAM role or user ARN.")
    type: AccessEntryType | None = opt("Access entry type.", D.DEFAULT_ACCESS_ENTRY_TYPE)
    kubernetes_groups: list[str] | None = opt("Kubernetes groups (never system:*).", [])
    username: str | None = opt("Kubernetes username.")
    policies: list[AccessPolicy] | None = opt("Access policy associations.", [])


class AwsAuthRole(SpecModel):
    rolearn: str
    username: str | None = None
    groups: list[str] | None = None


class AwsAuthUser(SpecModel):
    userarn: str
    username: str | None = None
    groups: list[str] | None = None


class AwsAuth(SpecModel):
    map_roles: list[AwsAuthRole] | None = opt("aws-auth mapRoles, converted to access entries.", [])
    map_users: list[AwsAuthUser] | None = opt("aws-auth mapUsers, converted to access entries.", [])


class Access(SpecModel):
    authentication_mode: AuthenticationMode | None = opt(
        "Cluster authentication mode; CONFIG_MAP is rejected.", D.DEFAULT_AUTHENTICATION_MODE
    )
    cluster_creator_admin: bool | None = opt("Grant the identity running Terraform cluster admin.",
                                              D.DEFAULT_CLUSTER_CREATOR_ADMIN)
    entries: list[AccessEntry] | None = opt("Access entries.", [])
    aws_auth: AwsAuth | None = opt("Legacy aws-auth ConfigMap data, converted to access entries.")


class Addon(SpecModel):
    version: str | None = opt("Addon version; unset means the latest at apply time.")
    before_compute: bool | None = opt("Create before node groups (default true for vpc-cni, pod identity).")
    configuration: dict[str, Any] | None = opt("Addon configuration values, rendered with jsonencode().")
    service_account: str | None = opt("Name of a serviceAccounts entry whose IAM role the addon uses.")
    pod_identity: str | None = opt("Name of a podIdentityAssociations entry whose role the addon uses "
                                   "(instead of serviceAccount); the addon creates the association.")


class VpcCni(SpecModel):
    prefix_delegation: bool | None = opt("Enable VPC CNI prefix delegation.", D.DEFAULT_PREFIX_DELEGATION)
    create_ipv6_policy: bool | None = opt(
        "IPv6: create the account-wide IAM policy AmazonEKS_CNI_IPv6_Policy (false: it exists already).",
        D.DEFAULT_CREATE_IPV6_POLICY)


class Taint(SpecModel):
    key: str
    value: str | None = None
    effect: TaintEffect


AMI_TYPE_DESCRIPTION = ("AMI type; default: the AL2023 AMI that suits the first instance type (x86_64 or ARM_64, "
                        "STANDARD, NVIDIA for GPU types, NEURON for inf/trn).")


class Ssh(SpecModel):
    key_name: str = Field(description="EC2 key pair name for the nodes.")
    source_security_group_ids: list[str] | None = opt(
        "Security groups allowed to reach port 22; unset or [] opens SSH to 0.0.0.0/0 (a security finding).", []
    )


class NodeGroupIam(SpecModel):
    additional_policies: dict[str, str] | None = opt("Extra IAM policy ARNs for the node role, by a stable name.", {})
    permissions_boundary_arn: str | None = opt("Permissions boundary policy ARN for the node role.")


class LaunchTemplate(SpecModel):
    id: str = Field(description="ID of an existing launch template (lt-...).")
    version: str | None = opt("Launch template version: a number, $Latest or $Default.",
                              D.DEFAULT_LAUNCH_TEMPLATE_VERSION)


class InstancesDistribution(SpecModel):
    instance_types: list[str] = Field(description="EC2 instance types of the mixed instances policy (1..40).")
    on_demand_base_capacity: int | None = opt("On-Demand instances before any Spot.",
                                              D.DEFAULT_ON_DEMAND_BASE_CAPACITY)
    on_demand_percentage_above_base_capacity: int | None = opt(
        "Percentage of On-Demand above the base; 0 = all Spot above the base.", D.DEFAULT_ON_DEMAND_PERCENTAGE
    )
    spot_allocation_strategy: SpotAllocationStrategy | None = opt(
        "How Spot capacity is chosen across the instance types.", D.DEFAULT_SPOT_ALLOCATION_STRATEGY
    )


class NodeGroup(SpecModel):
    """What managed and self-managed node groups share; each kind adds how it picks instances."""

    name: str = Field(description="Unique node group name (across managed and self-managed groups).")
    ami_type: AmiType | None = opt(AMI_TYPE_DESCRIPTION)
    min_size: int | None = opt("Minimum nodes.")
    max_size: int | None = opt("Maximum nodes.", D.DEFAULT_MANAGED_MAX_SIZE)
    desired_size: int | None = opt("Desired nodes at creation; defaults to minSize.")
    disk_size_gib: int | None = Field(None, alias="diskSizeGiB", description="Root volume size in GiB.")
    labels: dict[str, str] | None = opt("Kubernetes labels.", {})
    taints: list[Taint] | None = opt("Kubernetes taints.", [])
    subnets: str | list[str] | None = opt(
        "'private', 'public' (public IPs; a security finding), a list of AZs, or a list of subnet IDs.",
        D.DEFAULT_NODE_SUBNETS)
    ami_id: str | None = opt("Custom AMI ID; amiType still names its family (the bootstrap format).")
    pre_bootstrap_commands: list[str] | None = opt("Shell commands run before the node joins (AL2023 and AL2).", [])
    tags: dict[str, str] | None = opt("Tags for the group's resources and instances, merged over metadata.tags.", {})
    security_group_ids: list[str] | None = opt("Extra security groups on the nodes.", [])
    disk_type: DiskType | None = opt("Root volume type (set when any disk setting is).", D.DEFAULT_DISK_TYPE)
    disk_iops: int | None = opt("Root volume IOPS (gp3, io1, io2), within the EBS limits for type and size.")
    disk_throughput: int | None = opt("Root volume throughput in MiB/s (gp3 only, 125-1000, <= IOPS/4).")
    disk_kms_key_arn: str | None = opt("Customer-managed KMS key for the root volume (default: the EBS key).")
    ssh: Ssh | None = opt("SSH access; unset means no key and no port 22.")
    imds_hop_limit: Literal[1, 2] | None = opt("IMDSv2 hop limit; IMDSv2 is always required. 2 lets pods reach "
                                               "IMDS (a security finding).", D.DEFAULT_IMDS_HOP_LIMIT)
    iam: NodeGroupIam | None = opt("Node IAM role additions.")


class ManagedNodeGroup(NodeGroup):
    name: str = Field(description="Unique node group name (<= 22 characters under the module's IAM prefix).")
    ami_type: AmiType | None = opt(AMI_TYPE_DESCRIPTION)
    min_size: int | None = opt("Minimum nodes.", D.DEFAULT_MANAGED_MIN_SIZE)
    instance_types: list[str] | None = opt("EC2 instance types (1..20).", [D.DEFAULT_INSTANCE_TYPE])
    capacity_type: CapacityType | None = opt("Capacity type.", D.DEFAULT_CAPACITY_TYPE)
    max_unavailable: int | None = opt("Nodes unavailable during an update.")
    max_unavailable_percentage: int | None = opt("Percentage of nodes unavailable during an update.")
    node_repair: bool | None = opt("EKS node auto repair.", D.DEFAULT_NODE_REPAIR)
    launch_template: LaunchTemplate | None = opt(
        "An existing launch template; excludes amiId, preBootstrapCommands, disk*, securityGroupIds, ssh, imdsHopLimit."
    )
    ami_release_version: str | None = opt(
        "EKS AMI release version of the amiType for the cluster's version (1.35.6-20260714 on AL2023); unset: the "
        "newest at apply time, or the pin in eksgen.lock.")


class SelfManagedNodeGroup(NodeGroup):
    name: str = Field(description="Unique node group name.")
    ami_type: AmiType | None = opt(AMI_TYPE_DESCRIPTION)
    min_size: int | None = opt("Minimum nodes.", D.DEFAULT_SELF_MANAGED_MIN_SIZE)
    instance_type: str | None = opt("EC2 instance type.", D.DEFAULT_INSTANCE_TYPE)
    instances_distribution: InstancesDistribution | None = opt("Mixed instances policy; replaces instanceType.")


class FargateSelector(SpecModel):
    namespace: str
    labels: dict[str, str] | None = None


class FargateProfile(SpecModel):
    name: str = Field(description="Unique Fargate profile name.")
    selectors: list[FargateSelector] = Field(description="Pod selectors (1..5).")
    subnets: str | list[str] | None = opt("'private', a list of AZs, or a list of subnet IDs.", D.DEFAULT_NODE_SUBNETS)
    tags: dict[str, str] | None = opt("Tags for the profile and its pod execution role, merged over metadata.tags.",
                                      {})


class ServiceAccount(SpecModel):
    name: str = Field(description="Role name part and module label suffix.")
    namespace: str
    service_account: str
    well_known_policies: list[WellKnownPolicy] | None = opt("Policies the IAM module can attach.", [])
    policy_arns: list[str] | None = opt("Extra IAM policy ARNs to attach.", [])
    hosted_zone_arns: list[str] | None = opt("Route 53 zones externalDns and certManager may change (default: all).")
    s3_bucket_arns: list[str] | None = opt("S3 buckets velero and mountpointS3Csi use, with their objects.")
    sqs_queue_arns: list[str] | None = opt("SQS queues the nodeTerminationHandler policy reads.")


class PodIdentityAssociation(SpecModel):
    name: str = Field(description="Module label and role name part.")
    namespace: str = Field(description="Namespace of the service account.")
    service_account: str = Field(description="Service account the association binds the role to.")
    well_known_policies: list[WellKnownPolicy] | None = opt(
        "Policies the eks-pod-identity module can attach (its attach_*_policy switches).", [])
    policy_arns: list[str] | None = opt("Extra IAM policy ARNs to attach.", [])
    role_arn: str | None = opt("An existing IAM role instead of a new one (excludes wellKnownPolicies and "
                               "policyArns); rendered as an aws_eks_pod_identity_association resource.")
    hosted_zone_arns: list[str] | None = opt("Route 53 zones externalDns and certManager may change (default: all).")
    s3_bucket_arns: list[str] | None = opt("S3 buckets velero and mountpointS3Csi use, with their objects.")
    sqs_queue_arns: list[str] | None = opt("SQS queues the nodeTerminationHandler policy reads.")


class AutoMode(SpecModel):
    enabled: bool | None = opt("EKS Auto Mode: EKS runs the nodes, networking, storage and load balancing.",
                               D.DEFAULT_AUTO_MODE_ENABLED)
    node_pools: list[AutoModeNodePool] | None = opt(
        "Built-in node pools; [] when only your own NodePools are used.", list(D.DEFAULT_AUTO_MODE_NODE_POOLS))


class Karpenter(SpecModel):
    enabled: bool | None = opt("Create Karpenter's AWS prerequisites (module \"karpenter\").",
                               D.DEFAULT_KARPENTER_ENABLED)
    namespace: str | None = opt("Namespace the Karpenter controller runs in.", D.DEFAULT_KARPENTER_NAMESPACE)
    service_account: str | None = opt("Service account of the Karpenter controller.",
                                      D.DEFAULT_KARPENTER_SERVICE_ACCOUNT)
    interruption_queue: bool | None = opt("SQS queue and EventBridge rules for spot interruptions.",
                                          D.DEFAULT_KARPENTER_INTERRUPTION_QUEUE)
    node_iam_role_additional_policies: dict[str, str] | None = opt(
        "Extra IAM policies for the node role, by name.", {})


class ControlPlane(SpecModel):
    tier: ControlPlaneTier | None = opt("Provisioned control plane tier; unset means standard (billed per "
                                        "tier-hour when set to a tier).")
    zonal_shift: bool | None = opt("ARC zonal shift for the cluster.", D.DEFAULT_ZONAL_SHIFT)


class S3Backend(SpecModel):
    bucket: str
    key: str
    region: str
    use_lockfile: bool | None = opt("S3-native state locking.", D.DEFAULT_S3_USE_LOCKFILE)
    encrypt: bool | None = opt("Server-side encryption of the state object.", D.DEFAULT_S3_ENCRYPT)
    dynamodb_table: str | None = opt("Legacy DynamoDB lock table.")


class Backend(SpecModel):
    s3: S3Backend | None = opt("S3 backend.")


class ModulePinsBase(SpecModel):
    """Exact module versions: one field per pin of modules/index.json, built by `_module_pins`."""

    def versions(self) -> dict[str, str | None]:
        return {name: getattr(self, to_snake(name)) for name in registry().pins}


def _module_pins() -> type[ModulePinsBase]:
    # a pin is keyed by its spec name (podIdentity); the field is its snake_case form
    fields: dict[str, Any] = {to_snake(name): (str | None, opt(f"{registry().pins[name].registry} version.", version))
                              for name, version in D.DEFAULT_MODULE_VERSIONS.items()}
    return create_model("ModulePins", __base__=ModulePinsBase, __module__=__name__, **fields)


# mypy sees the base; at run time the fields come from the registry, so a new pin is data only.
if TYPE_CHECKING:
    ModulePins = ModulePinsBase
else:
    ModulePins = _module_pins()


class TerraformSettings(SpecModel):
    required_version: str | None = opt("Terraform version constraint; default: the highest required_version "
                                       "floor of the pinned modules' catalogs.")
    backend: Backend | None = opt("State backend; unset means local state.")
    modules: ModulePins | None = opt("Exact module versions.")


class Waiver(SpecModel):
    rule: str = Field(description="ID of a waivable rule, e.g. EKS080 (see `eksgen rules`).")
    reason: str = Field(description="Why the finding is accepted; kept in the spec for reviewers.")


class ClusterSpec(SpecModel):
    kubernetes_version: str | None = opt("Kubernetes version \"1.MM\" (quote it).")
    support_type: SupportType | None = opt("Upgrade policy support type.", D.DEFAULT_SUPPORT_TYPE)
    deletion_protection: bool | None = opt("EKS deletion protection.", D.DEFAULT_DELETION_PROTECTION)
    vpc: Vpc | None = opt("A new VPC (default) or an existing one.")
    endpoint: Endpoint | None = opt("API server endpoint access.")
    service_ipv4_cidr: str | None = opt("Kubernetes service CIDR; unset lets EKS choose.")
    ip_family: IpFamily | None = opt("Pod and service IP family.", D.DEFAULT_IP_FAMILY)
    logging: Logging | None = opt("Control-plane logging.")
    secrets_encryption: SecretsEncryption | None = opt("Envelope encryption of Kubernetes secrets.")
    access: Access | None = opt("Cluster access: authentication mode and access entries.")
    addons: dict[str, Addon] | None = opt("EKS addons; listing any replaces the default set.")
    vpc_cni: VpcCni | None = opt("VPC CNI shortcuts.")
    managed_node_groups: list[ManagedNodeGroup] | None = opt("EKS managed node groups.", [])
    self_managed_node_groups: list[SelfManagedNodeGroup] | None = opt("Self-managed node groups.", [])
    fargate_profiles: list[FargateProfile] | None = opt("Fargate profiles.", [])
    service_accounts: list[ServiceAccount] | None = opt("IAM roles for service accounts (IRSA).", [])
    pod_identity_associations: list[PodIdentityAssociation] | None = opt(
        "EKS Pod Identity: IAM roles bound to one namespace and service account each.", [])
    auto_mode: AutoMode | None = opt("EKS Auto Mode (the eks module's compute_config).")
    karpenter: Karpenter | None = opt("Karpenter prerequisites: controller role, node role, interruption queue.")
    control_plane: ControlPlane | None = opt("Control plane: provisioned tier and zonal shift.")
    terraform: TerraformSettings | None = opt("Terraform settings.")
    waivers: list[Waiver] | None = opt("Accepted findings of waivable rules, each with a reason.", [])


class Cluster(SpecModel):
    api_version: Literal["eksgen/v1alpha1"] = Field(description="Always eksgen/v1alpha1.")
    kind: Literal["Cluster"] = Field(description="Always Cluster.")
    metadata: Metadata
    spec: ClusterSpec = Field(default_factory=lambda: ClusterSpec(), description="Cluster settings.")
