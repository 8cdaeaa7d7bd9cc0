"""Stage 3, defaults: the spec with every unset field filled, as the effective model
(effective.py). Pure; the spec is not changed; defaulting the effective spec again is a no-op.

The values are the constants of default_values.py, which the schema documents too. Nothing
here validates: a value that cannot be defaulted (a VPC too small for the default subnet
layout) is left unset for the checks stage to report.
"""

from __future__ import annotations

import ipaddress
from typing import Any, TypeVar

from pydantic import BaseModel

from generator.facts import instances
from generator.facts.partition import partition
from generator.facts.releases import kubernetes_releases, region_zone_letters
from generator.pipeline import awsauth
from generator.pipeline import default_values as D
from generator.pipeline import effective as E
from generator.pipeline.default_values import (
    DEFAULT_ACCESS_ENTRY_TYPE,
    DEFAULT_AUTHENTICATION_MODE,
    DEFAULT_AUTO_MODE_ENABLED,
    DEFAULT_AUTO_MODE_NODE_POOLS,
    DEFAULT_CAPACITY_TYPE,
    DEFAULT_CLUSTER_CREATOR_ADMIN,
    DEFAULT_CREATE_IPV6_POLICY,
    DEFAULT_DELETION_PROTECTION,
    DEFAULT_DISK_TYPE,
    DEFAULT_ENDPOINT_PRIVATE,
    DEFAULT_ENDPOINT_PUBLIC,
    DEFAULT_IMDS_HOP_LIMIT,
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_IP_FAMILY,
    DEFAULT_KARPENTER_ENABLED,
    DEFAULT_KARPENTER_INTERRUPTION_QUEUE,
    DEFAULT_KARPENTER_NAMESPACE,
    DEFAULT_KARPENTER_SERVICE_ACCOUNT,
    DEFAULT_LAUNCH_TEMPLATE_VERSION,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_LOG_TYPES,
    DEFAULT_MANAGED_MAX_SIZE,
    DEFAULT_MANAGED_MIN_SIZE,
    DEFAULT_MODULE_VERSIONS,
    DEFAULT_NAT,
    DEFAULT_NODE_REPAIR,
    DEFAULT_NODE_SUBNETS,
    DEFAULT_ON_DEMAND_BASE_CAPACITY,
    DEFAULT_ON_DEMAND_PERCENTAGE,
    DEFAULT_POLICY_SCOPE,
    DEFAULT_PREFIX_DELEGATION,
    DEFAULT_S3_ENCRYPT,
    DEFAULT_S3_USE_LOCKFILE,
    DEFAULT_SELF_MANAGED_MAX_SIZE,
    DEFAULT_SELF_MANAGED_MIN_SIZE,
    DEFAULT_SPOT_ALLOCATION_STRATEGY,
    DEFAULT_SUPPORT_TYPE,
    DEFAULT_VPC_CIDR,
    DEFAULT_VPC_ENDPOINTS,
    DEFAULT_ZONAL_SHIFT,
)
from generator.pipeline.model import (
    Access,
    AccessEntry,
    Addon,
    AmiType,
    AutoMode,
    AwsAuth,
    Cluster,
    ControlPlane,
    Endpoint,
    Karpenter,
    Logging,
    ManagedNodeGroup,
    ModulePins,
    NodeGroup,
    NodeGroupIam,
    PodIdentityAssociation,
    SecretsEncryption,
    SelfManagedNodeGroup,
    ServiceAccount,
    Subnets,
    TerraformSettings,
    Vpc,
    VpcCni,
)
from generator.pipeline.net import ipv4_network
from generator.terraform import catalogs
from generator.terraform.registry import registry

DEFAULT_AZ_COUNT = 3
MAX_DEFAULT_LAYOUT_AZS = 3  # a 4th private /20 (k=3, offset 0) would cover the public /24s at 48
DEFAULT_ZONE_LETTERS = "abc"
# Subnet layout of the terraform-aws-eks examples: cidrsubnet(cidr, newbits, k + offset).
PRIVATE_SUBNET_NEWBITS, PRIVATE_SUBNET_OFFSET = 4, 0
PUBLIC_SUBNET_NEWBITS, PUBLIC_SUBNET_OFFSET = 8, 48
INTRA_SUBNET_NEWBITS, INTRA_SUBNET_OFFSET = 8, 52
MAX_AWS_SUBNET_PREFIX = 28  # AWS subnets are /16../28
# An ALB needs a /27 or larger with at least 8 free addresses per subnet (ELB user guide, "Subnets for
# your load balancer"); internet-facing ones live in the public subnets.
LOAD_BALANCER_MIN_PREFIX = 27
MIN_AWS_VPC_PREFIX = 16  # AWS VPCs are /16../28
# EKS's own default addon set; vpc-cni and the pod identity agent must exist before nodes join.
DEFAULT_ADDONS = ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")
ADDONS_BEFORE_COMPUTE = frozenset({"vpc-cni", "eks-pod-identity-agent"})
DEFAULT_AMI_TYPE: AmiType = "AL2023_x86_64_STANDARD"
DEFAULT_ARM_AMI_TYPE: AmiType = "AL2023_ARM_64_STANDARD"
DEFAULT_GPU_AMI_TYPE: AmiType = "AL2023_x86_64_NVIDIA"
DEFAULT_ARM_GPU_AMI_TYPE: AmiType = "AL2023_ARM_64_NVIDIA"  # g5g: Graviton with NVIDIA GPUs
DEFAULT_NEURON_AMI_TYPE: AmiType = "AL2023_x86_64_NEURON"  # inf*, trn*: AWS Neuron accelerators
# Fallback only: the default is the highest `required_version` floor of the pinned modules' catalogs.
DEFAULT_REQUIRED_VERSION = ">= 1.5.7"
LOCKFILE_REQUIRED_VERSION = ">= 1.10.0"  # the S3 backend's use_lockfile arrived in Terraform 1.10

M = TypeVar("M", bound=E.EffectiveModel)
T = TypeVar("T")


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

    # Public subnets hold internet-facing load balancers: never smaller than an ALB's /27. In a /20 the
    # examples' /28s become /27s at the same address, and the intra /28s move up behind them.
    public_newbits = min(PUBLIC_SUBNET_NEWBITS, LOAD_BALANCER_MIN_PREFIX - network.prefixlen)
    shrink = PUBLIC_SUBNET_NEWBITS - public_newbits
    public_offset = PUBLIC_SUBNET_OFFSET >> shrink
    intra_offset = max(INTRA_SUBNET_OFFSET, PUBLIC_SUBNET_OFFSET + (az_count << shrink))
    return Subnets(
        private=carve(PRIVATE_SUBNET_NEWBITS, PRIVATE_SUBNET_OFFSET),
        public=carve(public_newbits, public_offset),
        intra=carve(INTRA_SUBNET_NEWBITS, intra_offset),
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


def apply_defaults(cluster: Cluster) -> E.Cluster:
    """The effective cluster: `cluster` with every unset field filled in."""
    s = cluster.spec
    region = cluster.metadata.region
    vpc_cni = s.vpc_cni or VpcCni()
    prefix_delegation = _or(vpc_cni.prefix_delegation, DEFAULT_PREFIX_DELEGATION)
    auto_mode = s.auto_mode or AutoMode()
    control_plane = s.control_plane or ControlPlane()
    spec = _carry(s, E.ClusterSpec,
                  kubernetes_version=s.kubernetes_version or default_kubernetes_version(),
                  support_type=s.support_type or DEFAULT_SUPPORT_TYPE,
                  deletion_protection=_or(s.deletion_protection, DEFAULT_DELETION_PROTECTION),
                  vpc=_vpc_defaults(s.vpc or Vpc(), cluster.metadata.region),
                  endpoint=_endpoint_defaults(s.endpoint or Endpoint()),
                  ip_family=s.ip_family or DEFAULT_IP_FAMILY,
                  logging=_logging_defaults(s.logging or Logging()),
                  secrets_encryption=_encryption_defaults(s.secrets_encryption or SecretsEncryption()),
                  access=_access_defaults(s.access or Access()),
                  addons=_addon_defaults(s.addons, prefix_delegation, auto_mode_only(cluster)),
                  vpc_cni=E.VpcCni(prefix_delegation=prefix_delegation,
                                   create_ipv6_policy=_or(vpc_cni.create_ipv6_policy, DEFAULT_CREATE_IPV6_POLICY)),
                  managed_node_groups=[_managed_defaults(ng) for ng in s.managed_node_groups or []],
                  self_managed_node_groups=[_self_managed_defaults(ng) for ng in s.self_managed_node_groups or []],
                  fargate_profiles=[_carry(p, E.FargateProfile, subnets=_or(p.subnets, DEFAULT_NODE_SUBNETS),
                                          tags=p.tags or {}) for p in s.fargate_profiles or []],
                  service_accounts=[_identity(sa, E.ServiceAccount, region) for sa in s.service_accounts or []],
                  pod_identity_associations=[_identity(entry, E.PodIdentityAssociation, region)
                                             for entry in s.pod_identity_associations or []],
                  auto_mode=E.AutoMode(enabled=_or(auto_mode.enabled, DEFAULT_AUTO_MODE_ENABLED),
                                       node_pools=_or(auto_mode.node_pools, list(DEFAULT_AUTO_MODE_NODE_POOLS))),
                  karpenter=_karpenter_defaults(s.karpenter or Karpenter()),
                  control_plane=E.ControlPlane(tier=control_plane.tier,
                                               zonal_shift=_or(control_plane.zonal_shift, DEFAULT_ZONAL_SHIFT)),
                  terraform=_terraform_defaults(s.terraform or TerraformSettings()),
                  waivers=s.waivers or [])
    metadata = _carry(cluster.metadata, E.Metadata, tags=_or(cluster.metadata.tags, {}))
    return _carry(cluster, E.Cluster, metadata=metadata, spec=spec)


def auto_mode_only(cluster: Cluster | E.Cluster) -> bool:
    """Auto Mode is the only compute: EKS then runs the default addons' work itself."""
    s = cluster.spec
    karpenter = s.karpenter is not None and bool(s.karpenter.enabled)
    return bool(s.auto_mode and s.auto_mode.enabled) and not (
        s.managed_node_groups or s.self_managed_node_groups or s.fargate_profiles or karpenter)


def _karpenter_defaults(karpenter: Karpenter) -> E.Karpenter:
    return E.Karpenter(
        enabled=_or(karpenter.enabled, DEFAULT_KARPENTER_ENABLED),
        namespace=karpenter.namespace or DEFAULT_KARPENTER_NAMESPACE,
        service_account=karpenter.service_account or DEFAULT_KARPENTER_SERVICE_ACCOUNT,
        interruption_queue=_or(karpenter.interruption_queue, DEFAULT_KARPENTER_INTERRUPTION_QUEUE),
        node_iam_role_additional_policies=karpenter.node_iam_role_additional_policies or {})


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def _identity(entry: ServiceAccount | PodIdentityAssociation, target: type[M], region: str) -> M:
    """An IRSA or Pod Identity role. The Route 53 policies act on every hosted zone of the partition
    unless the spec names some (eksctl's grant); buckets and queues have no default (checks: EKS043)."""
    policies = entry.well_known_policies or []
    zones = [D.DEFAULT_HOSTED_ZONE_ARNS.format(partition=partition(region))] * bool(set(policies) & D.ROUTE_53_POLICIES)
    return _carry(entry, target, well_known_policies=policies, policy_arns=entry.policy_arns or [],
                  hosted_zone_arns=_or(entry.hosted_zone_arns, zones), s3_bucket_arns=entry.s3_bucket_arns or [],
                  sqs_queue_arns=entry.sqs_queue_arns or [])


def _carry(source: BaseModel, target: type[M], **values: Any) -> M:
    """`target` from the user's `source` fields, with `values` (the defaulted ones) in their place.
    The effective types are strict: a field defaults forgot, left None where None is not allowed,
    fails here rather than downstream."""
    data = {name: getattr(source, name) for name in target.model_fields if name not in values}
    return target.model_validate({**data, **values})


def _vpc_defaults(vpc: Vpc, region: str) -> E.Vpc:
    if vpc.id is not None:  # existing VPC: only the control plane subnets default
        subnets = vpc.subnets
        if subnets is not None and subnets.control_plane is None:
            subnets = subnets.model_copy(update={"control_plane": subnets.private})
        return _carry(vpc, E.Vpc, subnets=subnets)
    cidr = vpc.cidr or DEFAULT_VPC_CIDR
    # an explicit [] stays, for the checks to reject
    zones = vpc.availability_zones if vpc.availability_zones is not None else default_availability_zones(region)
    subnets = vpc.subnets
    if subnets is None and len(zones) <= MAX_DEFAULT_LAYOUT_AZS:
        subnets = default_subnet_layout(cidr, len(zones))
    return _carry(vpc, E.Vpc, cidr=cidr, availability_zones=zones, nat=vpc.nat or DEFAULT_NAT,
                  secondary_cidrs=vpc.secondary_cidrs or [], subnets=subnets,
                  endpoints=_or(vpc.endpoints, list(DEFAULT_VPC_ENDPOINTS)))


def _endpoint_defaults(endpoint: Endpoint) -> E.Endpoint:
    return _carry(endpoint, E.Endpoint, private=_or(endpoint.private, DEFAULT_ENDPOINT_PRIVATE),
                  public=_or(endpoint.public, DEFAULT_ENDPOINT_PUBLIC))


def _logging_defaults(logging: Logging) -> E.Logging:
    return E.Logging(types=_or(logging.types, list(DEFAULT_LOG_TYPES)),
                     retention_days=_or(logging.retention_days, DEFAULT_LOG_RETENTION_DAYS))


def _encryption_defaults(enc: SecretsEncryption) -> E.SecretsEncryption:
    return E.SecretsEncryption(kms_key_arn=enc.kms_key_arn, create_key=_or(enc.create_key, enc.kms_key_arn is None))


def _access_defaults(access: Access) -> E.Access:
    aws_auth = access.aws_auth
    if aws_auth is not None:
        aws_auth = AwsAuth(map_roles=aws_auth.map_roles or [], map_users=aws_auth.map_users or [])
    result = _carry(access, E.Access,
                    authentication_mode=access.authentication_mode or DEFAULT_AUTHENTICATION_MODE,
                    cluster_creator_admin=_or(access.cluster_creator_admin, DEFAULT_CLUSTER_CREATOR_ADMIN),
                    entries=[_entry_defaults(entry) for entry in access.entries or []],
                    aws_auth=aws_auth)
    if aws_auth is not None:
        result.set_converted_aws_auth(awsauth.convert(aws_auth))
    return result


def _entry_defaults(entry: AccessEntry) -> E.AccessEntry:
    policies = [_carry(policy, E.AccessPolicy, scope=policy.scope or DEFAULT_POLICY_SCOPE)
                for policy in entry.policies or []]
    return _carry(entry, E.AccessEntry, type=entry.type or DEFAULT_ACCESS_ENTRY_TYPE,
                  kubernetes_groups=entry.kubernetes_groups or [], policies=policies)


def _addon_defaults(addons: dict[str, Addon] | None, prefix_delegation: bool,
                    auto_mode_only: bool) -> dict[str, E.Addon]:
    defaults = () if auto_mode_only else DEFAULT_ADDONS
    given = dict(addons) if addons is not None else {name: Addon() for name in defaults}
    result: dict[str, E.Addon] = {}
    for name, addon in sorted(given.items()):
        configuration = addon.configuration
        if prefix_delegation and name == "vpc-cni":
            env = (configuration or {}).get("env") or {}
            if isinstance(env, dict):  # anything else is reported by checks (EKS014); left as written
                flag = env.get("ENABLE_PREFIX_DELEGATION", "true")
                configuration = {**(configuration or {}), "env": {**env, "ENABLE_PREFIX_DELEGATION": flag}}
        result[name] = _carry(addon, E.Addon, before_compute=_or(addon.before_compute, name in ADDONS_BEFORE_COMPUTE),
                              configuration=configuration)
    return result


def _sizes(min_size: int | None, max_size: int | None, desired: int | None,
           default_min: int, default_max: int) -> tuple[int, int, int]:
    lo = min_size if min_size is not None else min(default_min, max_size if max_size is not None else default_min)
    hi = max_size if max_size is not None else max(default_max, lo)
    return lo, hi, desired if desired is not None else lo


def _node_group_defaults(ng: NodeGroup, first_instance_type: str, default_min: int, default_max: int,
                         own_launch_template: bool = False) -> dict[str, Any]:
    """The fields of E.NodeGroup, which every node group defaults the same way; the AMI follows
    its first instance type. With the user's own launch template the volume and IMDS settings
    are that template's, so they stay unset here."""
    min_size, max_size, desired_size = _sizes(ng.min_size, ng.max_size, ng.desired_size, default_min, default_max)
    iam = ng.iam or NodeGroupIam()
    ssh = ng.ssh
    disk_type, hop_limit = ng.disk_type, ng.imds_hop_limit
    if not own_launch_template:
        disk_settings = (ng.disk_size_gib, ng.disk_iops, ng.disk_throughput, ng.disk_kms_key_arn)
        if disk_type is None and any(v is not None for v in disk_settings):
            disk_type = DEFAULT_DISK_TYPE  # no disk setting: the AMI's own root volume, untouched
        hop_limit = hop_limit or DEFAULT_IMDS_HOP_LIMIT
    return {"ami_type": ng.ami_type or default_ami_type(first_instance_type), "min_size": min_size,
            "max_size": max_size, "desired_size": desired_size, "labels": ng.labels or {}, "taints": ng.taints or [],
            "subnets": _or(ng.subnets, DEFAULT_NODE_SUBNETS), "pre_bootstrap_commands": ng.pre_bootstrap_commands or [],
            "tags": ng.tags or {}, "security_group_ids": ng.security_group_ids or [],
            "iam": _carry(iam, E.NodeGroupIam, additional_policies=iam.additional_policies or {}),
            "ssh": None if ssh is None else _carry(ssh, E.Ssh,
                                                   source_security_group_ids=ssh.source_security_group_ids or []),
            "disk_type": disk_type, "imds_hop_limit": hop_limit}


def _managed_defaults(ng: ManagedNodeGroup) -> E.ManagedNodeGroup:
    # an explicit [] stays, for the checks to reject
    types = ng.instance_types if ng.instance_types is not None else [DEFAULT_INSTANCE_TYPE]
    shared = _node_group_defaults(ng, types[0] if types else "", DEFAULT_MANAGED_MIN_SIZE, DEFAULT_MANAGED_MAX_SIZE,
                                  own_launch_template=ng.launch_template is not None)
    template = ng.launch_template
    return _carry(ng, E.ManagedNodeGroup, instance_types=types,
                  capacity_type=ng.capacity_type or DEFAULT_CAPACITY_TYPE,
                  node_repair=_or(ng.node_repair, DEFAULT_NODE_REPAIR),
                  launch_template=None if template is None else _carry(
                      template, E.LaunchTemplate, version=template.version or DEFAULT_LAUNCH_TEMPLATE_VERSION),
                  **shared)


def _self_managed_defaults(ng: SelfManagedNodeGroup) -> E.SelfManagedNodeGroup:
    given = ng.instances_distribution
    mix = None
    instance_type = ng.instance_type
    if given is None:
        instance_type = instance_type or DEFAULT_INSTANCE_TYPE
    else:  # the policy's types replace instanceType, which stays as written for the checks
        mix = _carry(given, E.InstancesDistribution,
                     on_demand_base_capacity=_or(given.on_demand_base_capacity, DEFAULT_ON_DEMAND_BASE_CAPACITY),
                     on_demand_percentage_above_base_capacity=_or(given.on_demand_percentage_above_base_capacity,
                                                                  DEFAULT_ON_DEMAND_PERCENTAGE),
                     spot_allocation_strategy=given.spot_allocation_strategy or DEFAULT_SPOT_ALLOCATION_STRATEGY)
    first = instance_type or (given.instance_types[0] if given and given.instance_types else "")
    shared = _node_group_defaults(ng, first, DEFAULT_SELF_MANAGED_MIN_SIZE, DEFAULT_SELF_MANAGED_MAX_SIZE)
    return _carry(ng, E.SelfManagedNodeGroup, instance_type=instance_type, instances_distribution=mix, **shared)


def modules_terraform_floor(pins: dict[str, str]) -> str | None:
    """`>= X`, the highest `required_version` floor among the catalogs of every pinned module."""
    return catalogs.highest_terraform_floor([registry().catalog_key(key, pins[module.pin])
                                             for key, module in registry().modules.items() if module.pin in pins])


def _terraform_defaults(tf: TerraformSettings) -> E.TerraformSettings:
    given = (tf.modules or ModulePins()).versions()
    pins = {name: given.get(name) or default for name, default in DEFAULT_MODULE_VERSIONS.items()}
    floor = modules_terraform_floor(pins)
    backend = None
    if tf.backend is not None:
        s3 = tf.backend.s3
        backend = E.Backend(s3=None if s3 is None else _carry(
            s3, E.S3Backend, use_lockfile=_or(s3.use_lockfile, DEFAULT_S3_USE_LOCKFILE),
            encrypt=_or(s3.encrypt, DEFAULT_S3_ENCRYPT)))
        if backend.s3 is not None and backend.s3.use_lockfile:
            floor = max(floor or LOCKFILE_REQUIRED_VERSION, LOCKFILE_REQUIRED_VERSION, key=catalogs.version_floor)
    # An explicit "" stays, for the checks to reject.
    return E.TerraformSettings(required_version=_or(tf.required_version, floor or DEFAULT_REQUIRED_VERSION),
                               backend=backend, modules=pins)
