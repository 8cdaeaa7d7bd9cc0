"""Stage 3, defaults: fill every unset field from a named constant. Pure and idempotent.

Nothing here validates: a value that cannot be defaulted (a VPC too small for the
default subnet layout) is left unset for the checks stage to report.
"""

from __future__ import annotations

import ipaddress
from typing import Any, TypeVar

from generator.facts import instances
from generator.facts.releases import kubernetes_releases, region_zone_letters
from generator.pipeline.model import (
    Access,
    Addon,
    AmiType,
    Cluster,
    Endpoint,
    Logging,
    LogType,
    ManagedNodeGroup,
    ModulePins,
    NodeGroup,
    SecretsEncryption,
    SelfManagedNodeGroup,
    Subnets,
    TerraformSettings,
    Vpc,
    VpcCni,
)
from generator.pipeline.net import ipv4_network
from generator.terraform import catalogs
from generator.terraform.registry import registry

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
DEFAULT_AMI_TYPE: AmiType = "AL2023_x86_64_STANDARD"
DEFAULT_ARM_AMI_TYPE: AmiType = "AL2023_ARM_64_STANDARD"
DEFAULT_GPU_AMI_TYPE: AmiType = "AL2023_x86_64_NVIDIA"
DEFAULT_ARM_GPU_AMI_TYPE: AmiType = "AL2023_ARM_64_NVIDIA"  # g5g: Graviton with NVIDIA GPUs
DEFAULT_NEURON_AMI_TYPE: AmiType = "AL2023_x86_64_NEURON"  # inf*, trn*: AWS Neuron accelerators
DEFAULT_MODULE_VERSIONS = registry().default_versions()  # modules/index.json: one line per release bump
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
    s.addons = _addon_defaults(s.addons, bool(s.vpc_cni.prefix_delegation))
    s.managed_node_groups = [_managed_defaults(ng) for ng in s.managed_node_groups or []]
    s.self_managed_node_groups = [_self_managed_defaults(ng) for ng in s.self_managed_node_groups or []]
    s.fargate_profiles = s.fargate_profiles or []
    for profile in s.fargate_profiles:
        profile.subnets = profile.subnets if profile.subnets is not None else DEFAULT_NODE_SUBNETS
    s.service_accounts = s.service_accounts or []
    for sa in s.service_accounts:
        sa.well_known_policies = sa.well_known_policies or []
        sa.policy_arns = sa.policy_arns or []
    s.terraform = _terraform_defaults(s.terraform or TerraformSettings())
    return c


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
    return access


def _addon_defaults(addons: dict[str, Addon] | None, prefix_delegation: bool) -> dict[str, Addon]:
    result = dict(addons) if addons is not None else {name: Addon() for name in DEFAULT_ADDONS}
    for name, addon in result.items():
        addon.before_compute = _or(addon.before_compute, name in ADDONS_BEFORE_COMPUTE)
    cni = result.get("vpc-cni")
    if prefix_delegation and cni is not None:
        config = dict(cni.configuration or {})
        env = dict(config.get("env") or {})
        env.setdefault("ENABLE_PREFIX_DELEGATION", "true")
        config["env"] = env
        cni.configuration = config
    return dict(sorted(result.items()))


def _sizes(min_size: int | None, max_size: int | None, desired: int | None,
           default_min: int, default_max: int) -> tuple[int, int, int]:
    lo = min_size if min_size is not None else min(default_min, max_size if max_size is not None else default_min)
    hi = max_size if max_size is not None else max(default_max, lo)
    return lo, hi, desired if desired is not None else lo


def _node_group_defaults(ng: NodeGroupT, first_instance_type: str, default_min: int, default_max: int) -> NodeGroupT:
    """What every node group defaults the same way; the AMI follows its first instance type."""
    ng.ami_type = ng.ami_type or default_ami_type(first_instance_type)
    ng.min_size, ng.max_size, ng.desired_size = _sizes(ng.min_size, ng.max_size, ng.desired_size,
                                                       default_min, default_max)
    ng.labels = ng.labels or {}
    ng.taints = ng.taints or []
    ng.subnets = ng.subnets if ng.subnets is not None else DEFAULT_NODE_SUBNETS
    return ng


def _managed_defaults(ng: ManagedNodeGroup) -> ManagedNodeGroup:
    if ng.instance_types is None:  # an explicit [] stays, for the checks to reject
        ng.instance_types = [DEFAULT_INSTANCE_TYPE]
    ng.capacity_type = ng.capacity_type or DEFAULT_CAPACITY_TYPE  # type: ignore[assignment]
    first = ng.instance_types[0] if ng.instance_types else ""
    return _node_group_defaults(ng, first, DEFAULT_MANAGED_MIN_SIZE, DEFAULT_MANAGED_MAX_SIZE)


def _self_managed_defaults(ng: SelfManagedNodeGroup) -> SelfManagedNodeGroup:
    ng.instance_type = ng.instance_type or DEFAULT_INSTANCE_TYPE
    return _node_group_defaults(ng, ng.instance_type, DEFAULT_SELF_MANAGED_MIN_SIZE, DEFAULT_SELF_MANAGED_MAX_SIZE)


def _terraform_defaults(tf: TerraformSettings) -> TerraformSettings:
    pins = tf.modules or ModulePins()
    for name, default in DEFAULT_MODULE_VERSIONS.items():
        setattr(pins, name, getattr(pins, name) or default)
    tf.modules = pins
    versions = {name: version or "" for name, version in pins.versions().items()}
    floor = catalogs.highest_terraform_floor([registry().catalog_key(key, versions[module.pin])
                                              for key, module in registry().modules.items()])
    tf.required_version = tf.required_version or floor or DEFAULT_REQUIRED_VERSION
    if tf.backend is not None and tf.backend.s3 is not None:
        tf.backend.s3.use_lockfile = _or(tf.backend.s3.use_lockfile, DEFAULT_S3_USE_LOCKFILE)
        tf.backend.s3.encrypt = _or(tf.backend.s3.encrypt, DEFAULT_S3_ENCRYPT)
    return tf
