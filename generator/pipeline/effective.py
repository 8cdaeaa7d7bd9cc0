"""The effective model: the spec after the defaults stage, as frozen types whose defaulted
fields are not Optional. Checks, plan, capacity and diff read these, so they need no asserts.

Class and field names match model.py one for one (a test holds them to it), so
`effective_yaml` dumps the same document and downstream code reads `cluster.spec.vpc.cidr`
either way. What stays Optional is genuinely optional after defaults: a user's choice with no
default (kmsKeyArn, desiredSize has one, serviceIpv4Cidr has none), a new-VPC field of an
existing VPC, or a value defaults could not compute, which the checks then report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from pydantic.alias_generators import to_camel

from generator.errors import Issue, Loc
from generator.pipeline.model import (
    AccessEntryType,
    AmiType,
    AuthenticationMode,
    AutoModeNodePool,
    AwsAuth,
    AwsAuthRole,
    AwsAuthUser,
    CapacityType,
    ControlPlaneTier,
    DiskType,
    FargateSelector,
    IpFamily,
    LogType,
    NatMode,
    PolicyScope,
    SpotAllocationStrategy,
    Subnets,
    SupportType,
    Taint,
    Waiver,
    WellKnownPolicy,
)

# Reused from the spec model: nothing in them has a default.
__all__ = ["AwsAuth", "AwsAuthRole", "AwsAuthUser", "FargateSelector", "Subnets", "Taint", "Waiver"]


class EffectiveModel(BaseModel):
    # strict: the defaults stage must hand over exactly these types; frozen: later stages only read.
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, alias_generator=to_camel, populate_by_name=True, defer_build=True
    )


class Metadata(EffectiveModel):
    name: str
    region: str
    tags: dict[str, str]


class Vpc(EffectiveModel):
    id: str | None = None
    cidr: str | None = None  # None only for an existing VPC (id set), and so are the next four
    availability_zones: list[str] | None = None
    nat: NatMode | None = None
    subnets: Subnets | None = None  # None: the default layout does not fit (the checks say why)
    secondary_cidrs: list[str] | None = None
    endpoints: list[str] | None = None


class Endpoint(EffectiveModel):
    private: bool
    public: bool
    public_cidrs: list[str] | None = None


class Logging(EffectiveModel):
    types: list[LogType]
    retention_days: int


class SecretsEncryption(EffectiveModel):
    kms_key_arn: str | None = None
    create_key: bool


class AccessPolicy(EffectiveModel):
    policy: str
    scope: PolicyScope
    namespaces: list[str] | None = None


class AccessEntry(EffectiveModel):
    principal_arn: str
    type: AccessEntryType
    kubernetes_groups: list[str]
    username: str | None = None
    policies: list[AccessPolicy]


@dataclass
class ConvertedAwsAuth:
    """aws-auth mappings as access entries, each with its place in the spec, and what was dropped."""

    entries: list[tuple[Loc, AccessEntry]] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


class Access(EffectiveModel):
    authentication_mode: AuthenticationMode
    cluster_creator_admin: bool
    entries: list[AccessEntry]
    aws_auth: AwsAuth | None = None
    # The defaults stage converts aws_auth once (awsauth.convert); checks, plan and diff read the result.
    _converted: ConvertedAwsAuth = PrivateAttr(default_factory=ConvertedAwsAuth)

    @property
    def converted_aws_auth(self) -> ConvertedAwsAuth:
        return self._converted

    def set_converted_aws_auth(self, converted: ConvertedAwsAuth) -> None:
        self._converted = converted


class Addon(EffectiveModel):
    version: str | None = None
    before_compute: bool
    configuration: dict[str, Any] | None = None
    service_account: str | None = None
    pod_identity: str | None = None


class VpcCni(EffectiveModel):
    prefix_delegation: bool
    create_ipv6_policy: bool


class Ssh(EffectiveModel):
    key_name: str
    source_security_group_ids: list[str]


class NodeGroupIam(EffectiveModel):
    additional_policies: dict[str, str]
    permissions_boundary_arn: str | None = None


class LaunchTemplate(EffectiveModel):
    id: str
    version: str


class InstancesDistribution(EffectiveModel):
    instance_types: list[str]
    on_demand_base_capacity: int
    on_demand_percentage_above_base_capacity: int
    spot_allocation_strategy: SpotAllocationStrategy


class NodeGroup(EffectiveModel):
    """What managed and self-managed groups share (model.NodeGroup), every default filled."""

    name: str
    ami_type: AmiType
    min_size: int
    max_size: int
    desired_size: int
    disk_size_gib: int | None = Field(None, alias="diskSizeGiB")
    labels: dict[str, str]
    taints: list[Taint]
    subnets: str | list[str]
    ami_id: str | None = None
    pre_bootstrap_commands: list[str]
    tags: dict[str, str]
    security_group_ids: list[str]
    disk_type: DiskType | None = None  # set exactly when some disk setting is, without a launch template
    disk_iops: int | None = None
    disk_throughput: int | None = None
    disk_kms_key_arn: str | None = None
    ssh: Ssh | None = None
    imds_hop_limit: Literal[1, 2] | None = None  # None: the user's own launch template decides
    iam: NodeGroupIam


class ManagedNodeGroup(NodeGroup):
    instance_types: list[str]
    capacity_type: CapacityType
    max_unavailable: int | None = None
    max_unavailable_percentage: int | None = None
    node_repair: bool
    launch_template: LaunchTemplate | None = None
    ami_release_version: str | None = None


class SelfManagedNodeGroup(NodeGroup):
    instance_type: str | None = None  # None with a mixed instances policy, whose types replace it
    instances_distribution: InstancesDistribution | None = None


class FargateProfile(EffectiveModel):
    name: str
    selectors: list[FargateSelector]
    subnets: str | list[str]
    tags: dict[str, str]


class ServiceAccount(EffectiveModel):
    name: str
    namespace: str
    service_account: str
    well_known_policies: list[WellKnownPolicy]
    policy_arns: list[str]
    hosted_zone_arns: list[str]
    s3_bucket_arns: list[str]
    sqs_queue_arns: list[str]


class PodIdentityAssociation(EffectiveModel):
    name: str
    namespace: str
    service_account: str
    well_known_policies: list[WellKnownPolicy]
    policy_arns: list[str]
    role_arn: str | None = None
    hosted_zone_arns: list[str]
    s3_bucket_arns: list[str]
    sqs_queue_arns: list[str]


class AutoMode(EffectiveModel):
    enabled: bool
    node_pools: list[AutoModeNodePool]


class Karpenter(EffectiveModel):
    enabled: bool
    namespace: str
    service_account: str
    interruption_queue: bool
    node_iam_role_additional_policies: dict[str, str]


class ControlPlane(EffectiveModel):
    tier: ControlPlaneTier | None = None  # unset: standard
    zonal_shift: bool


class S3Backend(EffectiveModel):
    bucket: str
    key: str
    region: str
    use_lockfile: bool
    encrypt: bool
    dynamodb_table: str | None = None


class Backend(EffectiveModel):
    s3: S3Backend | None = None


class TerraformSettings(EffectiveModel):
    required_version: str
    backend: Backend | None = None
    modules: dict[str, str]  # every pin of modules/index.json (spec key: podIdentity) -> its version


class ClusterSpec(EffectiveModel):
    kubernetes_version: str
    support_type: SupportType
    deletion_protection: bool
    vpc: Vpc
    endpoint: Endpoint
    service_ipv4_cidr: str | None = None
    ip_family: IpFamily
    logging: Logging
    secrets_encryption: SecretsEncryption
    access: Access
    addons: dict[str, Addon]
    vpc_cni: VpcCni
    managed_node_groups: list[ManagedNodeGroup]
    self_managed_node_groups: list[SelfManagedNodeGroup]
    fargate_profiles: list[FargateProfile]
    service_accounts: list[ServiceAccount]
    pod_identity_associations: list[PodIdentityAssociation]
    auto_mode: AutoMode
    karpenter: Karpenter
    control_plane: ControlPlane
    terraform: TerraformSettings
    waivers: list[Waiver]


class Cluster(EffectiveModel):
    api_version: str
    kind: str
    metadata: Metadata
    spec: ClusterSpec
