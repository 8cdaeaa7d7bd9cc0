"""Stage 3, defaults: fill every unset field from a named constant. Pure and idempotent.

Nothing here validates: a value that cannot be defaulted (a VPC too small for the
default subnet layout) is left unset for the checks stage to report.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Literal, TypeVar

from generator.facts import instances
from generator.facts.releases import kubernetes_releases, region_zone_letters
from generator.pipeline import awsauth
from generator.pipeline.model import (
    Access,
    Addon,
    AmiType,
    AutoMode,
    AutoModeNodePool,
    Cluster,
    ControlPlane,
    DiskType,
    Endpoint,
    Karpenter,
    Logging,
    LogType,
    ManagedNodeGroup,
    ModulePins,
    NodeGroup,
    NodeGroupIam,
    SecretsEncryption,
    SelfManagedNodeGroup,
    SpotAllocationStrategy,
    Subnets,
    TerraformSettings,
    Vpc,
    VpcCni,
)
from generator.pipeline.net import ipv4_network
from generator.terraform import catalogs

DEFAULT_SUPPORT_TYPE = "STANDARD"
DEFAULT_DELETION_PROTECTION = True  # a production cluster should not vanish on a stray `destroy`
DEFAULT_IP_FAMILY = "ipv4"
DEFAULT_VPC_CIDR = "10.0.0.0/16"
DEFAULT_AZ_COUNT = 3
MAX_DEFAULT_LAYOUT_AZS = 3  # a 4th private /20 (k=3, offset 0) would cover the public /24s at 48
DEFAULT_ZONE_LETTERS = "abc"
DEFAULT_NAT = "Single"
# Subnet layout of the terraform-aws-eks examples: cidrsubnet(cidr, newbits, k + offset).
PRIVATE_SUBNET_NEWBITS, PRIVATE_SUBNET_OFFSET = 4, 0
PUBLIC_SUBNET_NEWBITS, PUBLIC_SUBNET_OFFSET = 8, 48
INTRA_SUBNET_NEWBITS, INTRA_SUBNET_OFFSET = 8, 52
MAX_AWS_SUBNET_PREFIX = 28  # AWS subnets are /16../28
MIN_AWS_VPC_PREFIX = 16  # AWS VPCs are /16../28
DEFAULT_ENDPOINT_PRIVATE = True
DEFAULT_ENDPOINT_PUBLIC = False  # the module's default; a public API server is opt-in
DEFAULT_LOG_TYPES: tuple[LogType, ...] = ("api", "audit", "authenticator")
DEFAULT_LOG_RETENTION_DAYS = 90
DEFAULT_AUTHENTICATION_MODE = "API"  # access entries; the aws-auth ConfigMap is legacy
DEFAULT_CLUSTER_CREATOR_ADMIN = False  # admins are named explicitly in access entries
DEFAULT_ACCESS_ENTRY_TYPE = "STANDARD"
DEFAULT_POLICY_SCOPE = "cluster"
# EKS's own default addon set; vpc-cni and the pod identity agent must exist before nodes join.
DEFAULT_ADDONS = ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")
ADDONS_BEFORE_COMPUTE = frozenset({"vpc-cni", "eks-pod-identity-agent"})
DEFAULT_PREFIX_DELEGATION = False
DEFAULT_INSTANCE_TYPE = "m6i.large"
DEFAULT_CAPACITY_TYPE = "ON_DEMAND"
DEFAULT_MANAGED_MIN_SIZE = 2  # two nodes survive one node's replacement
DEFAULT_MANAGED_MAX_SIZE = 3
DEFAULT_SELF_MANAGED_MIN_SIZE = 1
DEFAULT_SELF_MANAGED_MAX_SIZE = 3
DEFAULT_NODE_SUBNETS = "private"
DEFAULT_DISK_TYPE: DiskType = "gp3"  # the module's and AWS's current general-purpose type
DEFAULT_IMDS_HOP_LIMIT: Literal[1] = 1  # the module's default: pods cannot reach the node's IMDS
DEFAULT_NODE_REPAIR = False  # EKS's default; auto repair replaces nodes, so it is opt-in
DEFAULT_LAUNCH_TEMPLATE_VERSION = "$Default"
DEFAULT_ON_DEMAND_BASE_CAPACITY = 0  # Auto Scaling's defaults for a mixed instances policy
DEFAULT_ON_DEMAND_PERCENTAGE = 100
DEFAULT_SPOT_ALLOCATION_STRATEGY: SpotAllocationStrategy = "price-capacity-optimized"  # AWS's recommendation
DEFAULT_AMI_TYPE: AmiType = "AL2023_x86_64_STANDARD"
DEFAULT_ARM_AMI_TYPE: AmiType = "AL2023_ARM_64_STANDARD"
DEFAULT_GPU_AMI_TYPE: AmiType = "AL2023_x86_64_NVIDIA"
DEFAULT_ARM_GPU_AMI_TYPE: AmiType = "AL2023_ARM_64_NVIDIA"  # g5g: Graviton with NVIDIA GPUs
DEFAULT_NEURON_AMI_TYPE: AmiType = "AL2023_x86_64_NEURON"  # inf*, trn*: AWS Neuron accelerators
DEFAULT_MODULE_VERSIONS = {"eks": "21.19.0", "vpc": "6.6.0", "iam": "6.5.0", "pod_identity": "2.8.1"}
DEFAULT_VPC_ENDPOINTS: tuple[str, ...] = ()
DEFAULT_AUTO_MODE_ENABLED = False
# Both built-in pools, as the module's eks-auto-mode example starts from; [] keeps only the IAM role.
DEFAULT_AUTO_MODE_NODE_POOLS: tuple[AutoModeNodePool, ...] = ("general-purpose", "system")
DEFAULT_KARPENTER_ENABLED = False
DEFAULT_KARPENTER_NAMESPACE = "kube-system"  # the karpenter module's own defaults
DEFAULT_KARPENTER_SERVICE_ACCOUNT = "karpenter"
DEFAULT_KARPENTER_INTERRUPTION_QUEUE = True
DEFAULT_ZONAL_SHIFT = False
# Fallback only: the default is the highest `required_version` floor of the pinned modules' catalogs.
DEFAULT_REQUIRED_VERSION = ">= 1.5.7"
DEFAULT_S3_USE_LOCKFILE = True
DEFAULT_S3_ENCRYPT = True

NodeGroupT = TypeVar("NodeGroupT", bound=NodeGroup)


def default_kubernetes_version() -> str:
    """The newest release in the table; the table is data, so this needs no clock."""
    return kubernetes_releases()[-1].version


def default_availability_zones(region: str) -> list[str]:
    letters = region_zone_letters().get(region, DEFAULT_ZONE_LETTERS)
    return [f"{region}{letter}" for letter in letters[:DEFAULT_AZ_COUNT]]


def default_subnet_layout(cidr: str, az_count: int) -> Subnets | None:
    """The examples' layout, computed here so reviewers see literal ranges; None if it cannot fit."""
    network = ipv4_network(cidr)
    if network is None:
        return None
    if network.prefixlen + max(PUBLIC_SUBNET_NEWBITS, INTRA_SUBNET_NEWBITS) > MAX_AWS_SUBNET_PREFIX:
        return None
    if network.prefixlen < MIN_AWS_VPC_PREFIX:  # not a valid VPC: the checks report the CIDR itself
        return None

    def carve(newbits: int, offset: int) -> list[str]:
        size = 2 ** (32 - network.prefixlen - newbits)
        base = int(network.network_address)
        return [str(ipaddress.ip_network((base + (k + offset) * size, network.prefixlen + newbits)))
                for k in range(az_count)]

    return Subnets(
        private=carve(PRIVATE_SUBNET_NEWBITS, PRIVATE_SUBNET_OFFSET),
        public=carve(PUBLIC_SUBNET_NEWBITS, PUBLIC_SUBNET_OFFSET),
        intra=carve(INTRA_SUBNET_NEWBITS, INTRA_SUBNET_OFFSET),
    )


def default_ami_type(instance_type: str) -> AmiType:
    """Match the AMI to the instance: Graviton needs ARM, GPU families need the NVIDIA AMI."""
    if instances.is_gpu(instance_type):
        return DEFAULT_ARM_GPU_AMI_TYPE if instances.is_arm(instance_type) else DEFAULT_GPU_AMI_TYPE
    if instances.is_neuron(instance_type):
        return DEFAULT_NEURON_AMI_TYPE
    if instances.is_arm(instance_type):
        return DEFAULT_ARM_AMI_TYPE
    return DEFAULT_AMI_TYPE


def apply_defaults(cluster: Cluster) -> Cluster:
    """Return a copy of `cluster` with every unset field filled in."""
    c = cluster.model_copy(deep=True)
    c.metadata.tags = c.metadata.tags if c.metadata.tags is not None else {}
    s = c.spec
    s.kubernetes_version = s.kubernetes_version or default_kubernetes_version()
    s.support_type = s.support_type or DEFAULT_SUPPORT_TYPE  # type: ignore[assignment]
    s.deletion_protection = _or(s.deletion_protection, DEFAULT_DELETION_PROTECTION)
    s.ip_family = s.ip_family or DEFAULT_IP_FAMILY  # type: ignore[assignment]
    s.vpc = _vpc_defaults(s.vpc or Vpc(), c.metadata.region)
    s.endpoint = _endpoint_defaults(s.endpoint or Endpoint())
    s.logging = s.logging or Logging()
    s.logging.types = s.logging.types if s.logging.types is not None else list(DEFAULT_LOG_TYPES)
    s.logging.retention_days = _or(s.logging.retention_days, DEFAULT_LOG_RETENTION_DAYS)
    s.secrets_encryption = s.secrets_encryption or SecretsEncryption()
    if s.secrets_encryption.create_key is None:
        s.secrets_encryption.create_key = s.secrets_encryption.kms_key_arn is None
    s.access = _access_defaults(s.access or Access())
    s.vpc_cni = s.vpc_cni or VpcCni()
    s.vpc_cni.prefix_delegation = _or(s.vpc_cni.prefix_delegation, DEFAULT_PREFIX_DELEGATION)
    s.auto_mode = s.auto_mode or AutoMode()
    s.auto_mode.enabled = _or(s.auto_mode.enabled, DEFAULT_AUTO_MODE_ENABLED)
    if s.auto_mode.node_pools is None:
        s.auto_mode.node_pools = list(DEFAULT_AUTO_MODE_NODE_POOLS)
    s.karpenter = _karpenter_defaults(s.karpenter or Karpenter())
    s.control_plane = s.control_plane or ControlPlane()
    s.control_plane.zonal_shift = _or(s.control_plane.zonal_shift, DEFAULT_ZONAL_SHIFT)
    s.addons = _addon_defaults(s.addons, bool(s.vpc_cni.prefix_delegation), auto_mode_only(c))
    s.managed_node_groups = [_managed_defaults(ng) for ng in s.managed_node_groups or []]
    s.self_managed_node_groups = [_self_managed_defaults(ng) for ng in s.self_managed_node_groups or []]
    s.fargate_profiles = s.fargate_profiles or []
    for profile in s.fargate_profiles:
        profile.subnets = profile.subnets if profile.subnets is not None else DEFAULT_NODE_SUBNETS
    s.service_accounts = s.service_accounts or []
    for sa in s.service_accounts:
        sa.well_known_policies = sa.well_known_policies or []
        sa.policy_arns = sa.policy_arns or []
    s.pod_identity_associations = s.pod_identity_associations or []
    for entry in s.pod_identity_associations:
        entry.well_known_policies = entry.well_known_policies or []
        entry.policy_arns = entry.policy_arns or []
    s.terraform = _terraform_defaults(s.terraform or TerraformSettings())
    return c


def auto_mode_only(cluster: Cluster) -> bool:
    """Auto Mode is the only compute: EKS then runs the default addons' work itself."""
    s = cluster.spec
    karpenter = s.karpenter is not None and bool(s.karpenter.enabled)
    return bool(s.auto_mode and s.auto_mode.enabled) and not (
        s.managed_node_groups or s.self_managed_node_groups or s.fargate_profiles or karpenter)


def _karpenter_defaults(karpenter: Karpenter) -> Karpenter:
    karpenter.enabled = _or(karpenter.enabled, DEFAULT_KARPENTER_ENABLED)
    karpenter.namespace = karpenter.namespace or DEFAULT_KARPENTER_NAMESPACE
    karpenter.service_account = karpenter.service_account or DEFAULT_KARPENTER_SERVICE_ACCOUNT
    karpenter.interruption_queue = _or(karpenter.interruption_queue, DEFAULT_KARPENTER_INTERRUPTION_QUEUE)
    karpenter.node_iam_role_additional_policies = karpenter.node_iam_role_additional_policies or {}
    return karpenter


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _vpc_defaults(vpc: Vpc, region: str) -> Vpc:
    if vpc.id is not None:  # existing VPC: only the control plane subnets default
        if vpc.subnets is not None and vpc.subnets.control_plane is None:
            vpc.subnets.control_plane = vpc.subnets.private
        return vpc
    vpc.cidr = vpc.cidr or DEFAULT_VPC_CIDR
    if vpc.availability_zones is None:  # an explicit [] stays, for the checks to reject
        vpc.availability_zones = default_availability_zones(region)
    vpc.nat = vpc.nat or DEFAULT_NAT  # type: ignore[assignment]
    vpc.secondary_cidrs = vpc.secondary_cidrs or []
    vpc.endpoints = vpc.endpoints if vpc.endpoints is not None else list(DEFAULT_VPC_ENDPOINTS)
    if vpc.subnets is None and len(vpc.availability_zones) <= MAX_DEFAULT_LAYOUT_AZS:
        vpc.subnets = default_subnet_layout(vpc.cidr, len(vpc.availability_zones))
    return vpc


def _endpoint_defaults(endpoint: Endpoint) -> Endpoint:
    endpoint.private = _or(endpoint.private, DEFAULT_ENDPOINT_PRIVATE)
    endpoint.public = _or(endpoint.public, DEFAULT_ENDPOINT_PUBLIC)
    return endpoint


def _access_defaults(access: Access) -> Access:
    access.authentication_mode = access.authentication_mode or DEFAULT_AUTHENTICATION_MODE  # type: ignore[assignment]
    access.cluster_creator_admin = _or(access.cluster_creator_admin, DEFAULT_CLUSTER_CREATOR_ADMIN)
    access.entries = access.entries or []
    for entry in access.entries:
        entry.type = entry.type or DEFAULT_ACCESS_ENTRY_TYPE  # type: ignore[assignment]
        entry.kubernetes_groups = entry.kubernetes_groups or []
        entry.policies = entry.policies or []
        for policy in entry.policies:
            policy.scope = policy.scope or DEFAULT_POLICY_SCOPE  # type: ignore[assignment]
    if access.aws_auth is not None:
        access.set_converted_aws_auth(awsauth.convert(access.aws_auth))
    return access


def _addon_defaults(addons: dict[str, Addon] | None, prefix_delegation: bool,
                    auto_mode_only: bool) -> dict[str, Addon]:
    defaults = () if auto_mode_only else DEFAULT_ADDONS
    result = dict(addons) if addons is not None else {name: Addon() for name in defaults}
    for name, addon in result.items():
        addon.before_compute = _or(addon.before_compute, name in ADDONS_BEFORE_COMPUTE)
    cni = result.get("vpc-cni")
    if prefix_delegation and cni is not None:
        config = dict(cni.configuration or {})
        env = config.get("env") or {}
        if isinstance(env, dict):  # anything else is reported by checks (EKS014); left as written
            config["env"] = {**env, "ENABLE_PREFIX_DELEGATION": env.get("ENABLE_PREFIX_DELEGATION", "true")}
            cni.configuration = config
    return dict(sorted(result.items()))


def _sizes(min_size: int | None, max_size: int | None, desired: int | None,
           default_min: int, default_max: int) -> tuple[int, int, int]:
    lo = min_size if min_size is not None else min(default_min, max_size if max_size is not None else default_min)
    hi = max_size if max_size is not None else max(default_max, lo)
    return lo, hi, desired if desired is not None else lo


def _node_group_defaults(ng: NodeGroupT, first_instance_type: str, default_min: int, default_max: int,
                         own_launch_template: bool = False) -> NodeGroupT:
    """What every node group defaults the same way; the AMI follows its first instance type.

    With the user's own launch template the volume and IMDS settings are that template's,
    so they stay unset here.
    """
    ng.ami_type = ng.ami_type or default_ami_type(first_instance_type)
    ng.min_size, ng.max_size, ng.desired_size = _sizes(ng.min_size, ng.max_size, ng.desired_size,
                                                       default_min, default_max)
    ng.labels = ng.labels or {}
    ng.taints = ng.taints or []
    ng.subnets = ng.subnets if ng.subnets is not None else DEFAULT_NODE_SUBNETS
    ng.pre_bootstrap_commands = ng.pre_bootstrap_commands or []
    ng.tags = ng.tags or {}
    ng.security_group_ids = ng.security_group_ids or []
    ng.iam = ng.iam or NodeGroupIam()
    ng.iam.additional_policies = ng.iam.additional_policies or {}
    if ng.ssh is not None:
        ng.ssh.source_security_group_ids = ng.ssh.source_security_group_ids or []
    if not own_launch_template:
        disk_settings = (ng.disk_size_gib, ng.disk_iops, ng.disk_throughput, ng.disk_kms_key_arn)
        if ng.disk_type is None and any(v is not None for v in disk_settings):
            ng.disk_type = DEFAULT_DISK_TYPE  # no disk setting: the AMI's own root volume, untouched
        ng.imds_hop_limit = ng.imds_hop_limit or DEFAULT_IMDS_HOP_LIMIT
    return ng


def _managed_defaults(ng: ManagedNodeGroup) -> ManagedNodeGroup:
    if ng.instance_types is None:  # an explicit [] stays, for the checks to reject
        ng.instance_types = [DEFAULT_INSTANCE_TYPE]
    ng.capacity_type = ng.capacity_type or DEFAULT_CAPACITY_TYPE  # type: ignore[assignment]
    ng.node_repair = _or(ng.node_repair, DEFAULT_NODE_REPAIR)
    if ng.launch_template is not None:
        ng.launch_template.version = ng.launch_template.version or DEFAULT_LAUNCH_TEMPLATE_VERSION
    first = ng.instance_types[0] if ng.instance_types else ""
    return _node_group_defaults(ng, first, DEFAULT_MANAGED_MIN_SIZE, DEFAULT_MANAGED_MAX_SIZE,
                                own_launch_template=ng.launch_template is not None)


def _self_managed_defaults(ng: SelfManagedNodeGroup) -> SelfManagedNodeGroup:
    mix = ng.instances_distribution
    if mix is None:
        ng.instance_type = ng.instance_type or DEFAULT_INSTANCE_TYPE
    else:  # the policy's types replace instanceType, which stays as written for the checks
        mix.on_demand_base_capacity = _or(mix.on_demand_base_capacity, DEFAULT_ON_DEMAND_BASE_CAPACITY)
        mix.on_demand_percentage_above_base_capacity = _or(mix.on_demand_percentage_above_base_capacity,
                                                           DEFAULT_ON_DEMAND_PERCENTAGE)
        mix.spot_allocation_strategy = mix.spot_allocation_strategy or DEFAULT_SPOT_ALLOCATION_STRATEGY
    first = ng.instance_type or (mix.instance_types[0] if mix and mix.instance_types else "")
    return _node_group_defaults(ng, first, DEFAULT_SELF_MANAGED_MIN_SIZE, DEFAULT_SELF_MANAGED_MAX_SIZE)


def _terraform_defaults(tf: TerraformSettings) -> TerraformSettings:
    pins = tf.modules or ModulePins()
    pins.eks = pins.eks or DEFAULT_MODULE_VERSIONS["eks"]
    pins.vpc = pins.vpc or DEFAULT_MODULE_VERSIONS["vpc"]
    pins.iam = pins.iam or DEFAULT_MODULE_VERSIONS["iam"]
    pins.pod_identity = pins.pod_identity or DEFAULT_MODULE_VERSIONS["pod_identity"]
    tf.modules = pins
    floor = catalogs.highest_terraform_floor(
        {"eks": pins.eks, "vpc": pins.vpc, "iam": pins.iam, "pod-identity": pins.pod_identity},
        {"iam": "iam-role-for-service-accounts"})
    tf.required_version = tf.required_version or floor or DEFAULT_REQUIRED_VERSION
    if tf.backend is not None and tf.backend.s3 is not None:
        tf.backend.s3.use_lockfile = _or(tf.backend.s3.use_lockfile, DEFAULT_S3_USE_LOCKFILE)
        tf.backend.s3.encrypt = _or(tf.backend.s3.encrypt, DEFAULT_S3_ENCRYPT)
    return tf
