"""Every default value, written once. model.py documents these in the JSON Schema, defaults.py
applies them; tests/pipeline/test_defaults.py holds the two to each other.

No imports from the model (it imports this module): `Final` lets mypy read each value as its
literal type where a Literal field takes it.
"""

from __future__ import annotations

from typing import Final

from generator.terraform.registry import registry

DEFAULT_SUPPORT_TYPE: Final = "STANDARD"
DEFAULT_DELETION_PROTECTION: Final = True  # a production cluster should not vanish on a stray `destroy`
DEFAULT_IP_FAMILY: Final = "ipv4"
DEFAULT_VPC_CIDR: Final = "10.0.0.0/16"
DEFAULT_NAT: Final = "Single"
DEFAULT_ENDPOINT_PRIVATE: Final = True
DEFAULT_ENDPOINT_PUBLIC: Final = False  # the module's default; a public API server is opt-in
DEFAULT_LOG_TYPES: Final = ("api", "audit", "authenticator")
DEFAULT_LOG_RETENTION_DAYS: Final = 90
DEFAULT_AUTHENTICATION_MODE: Final = "API"  # access entries; the aws-auth ConfigMap is legacy
DEFAULT_CLUSTER_CREATOR_ADMIN: Final = False  # admins are named explicitly in access entries
DEFAULT_ACCESS_ENTRY_TYPE: Final = "STANDARD"
DEFAULT_POLICY_SCOPE: Final = "cluster"
DEFAULT_PREFIX_DELEGATION: Final = False
# The first IPv6 cluster of an account creates the policy; later ones must set createIpv6Policy: false.
DEFAULT_CREATE_IPV6_POLICY: Final = True
DEFAULT_INSTANCE_TYPE: Final = "m6i.large"
DEFAULT_CAPACITY_TYPE: Final = "ON_DEMAND"
DEFAULT_MANAGED_MIN_SIZE: Final = 2  # two nodes survive one node's replacement
DEFAULT_MANAGED_MAX_SIZE: Final = 3
DEFAULT_SELF_MANAGED_MIN_SIZE: Final = 1
DEFAULT_SELF_MANAGED_MAX_SIZE: Final = 3
DEFAULT_NODE_SUBNETS: Final = "private"
DEFAULT_S3_USE_LOCKFILE: Final = True
DEFAULT_S3_ENCRYPT: Final = True
DEFAULT_MODULE_VERSIONS: Final = registry().default_versions()  # modules/index.json: one line per bump
DEFAULT_VPC_ENDPOINTS: Final[tuple[str, ...]] = ()
DEFAULT_AUTO_MODE_ENABLED: Final = False
# Both built-in pools, as the module's eks-auto-mode example starts from; [] keeps only the IAM role.
DEFAULT_AUTO_MODE_NODE_POOLS: Final = ("general-purpose", "system")
DEFAULT_KARPENTER_ENABLED: Final = False
DEFAULT_KARPENTER_NAMESPACE: Final = "kube-system"  # the karpenter module's own defaults
DEFAULT_KARPENTER_SERVICE_ACCOUNT: Final = "karpenter"
DEFAULT_KARPENTER_INTERRUPTION_QUEUE: Final = True
DEFAULT_ZONAL_SHIFT: Final = False
DEFAULT_DISK_TYPE: Final = "gp3"  # the module's and AWS's current general-purpose type
DEFAULT_IMDS_HOP_LIMIT: Final = 1  # the module's default: pods cannot reach the node's IMDS
DEFAULT_NODE_REPAIR: Final = False  # EKS's default; auto repair replaces nodes, so it is opt-in
DEFAULT_LAUNCH_TEMPLATE_VERSION: Final = "$Default"
DEFAULT_ON_DEMAND_BASE_CAPACITY: Final = 0  # Auto Scaling's defaults for a mixed instances policy
DEFAULT_ON_DEMAND_PERCENTAGE: Final = 100
DEFAULT_SPOT_ALLOCATION_STRATEGY: Final = "price-capacity-optimized"  # AWS's recommendation
# The Route 53 policies (externalDns, certManager) may change records in every hosted zone unless the
# spec names some: eksctl's wellKnownPolicies grant the same (the modules' own default, [], is a
# statement without resources, which IAM refuses).
DEFAULT_HOSTED_ZONE_ARNS: Final = "arn:{partition}:route53:::hostedzone/*"
ROUTE_53_POLICIES: Final = frozenset({"externalDns", "certManager"})
