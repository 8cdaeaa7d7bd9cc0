"""Risk labels and the rule for every spec field: what a change does to a running cluster."""


import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Re-exported: the labels and Rule type live in labels.py, shared with second_release.py.
from generator.gitops.diff.labels import IN_PLACE as IN_PLACE
from generator.gitops.diff.labels import NODES_ROLL as NODES_ROLL
from generator.gitops.diff.labels import ONE_WAY as ONE_WAY
from generator.gitops.diff.labels import REPLACE as REPLACE
from generator.gitops.diff.labels import RISK_MEANING as RISK_MEANING
from generator.gitops.diff.labels import RISK_ORDER as RISK_ORDER
from generator.gitops.diff.labels import Classifier as Classifier
from generator.gitops.diff.labels import Risk as Risk
from generator.gitops.diff.labels import Rule as Rule
from generator.gitops.diff.labels import RuleLike as RuleLike
from generator.gitops.diff.second_release import (
    ADDON_POD_IDENTITY_RULE,
    AUTO_MODE_AND_KARPENTER_RULES,
    POD_IDENTITY_LIFECYCLE,
    POD_IDENTITY_RULES,
    SERVICE_ACCOUNT_RULES,
    VPC_ENDPOINTS_RULE,
)
from generator.terraform.registry import registry

CLUSTER = "cluster"
VPC = "vpc"
ACCESS = "access"
ACCESS_ENTRY = "access entry"
ADDON = "addon"
NODE_GROUP = "node group"
SELF_MANAGED = "self-managed node group"
FARGATE = "fargate profile"
SERVICE_ACCOUNT = "service account"
POD_IDENTITY = "pod identity association"
TERRAFORM = "terraform"
AREAS = (CLUSTER, VPC, ACCESS, ACCESS_ENTRY, ADDON, NODE_GROUP, SELF_MANAGED, FARGATE, SERVICE_ACCOUNT, POD_IDENTITY,
         TERRAFORM)

ADDED = "added"
REMOVED = "removed"
ARROW = "→"
UNSET = "(unset)"
NONE = "(none)"


@dataclass(frozen=True)
class Change:
    area: str
    subject: str
    field: str
    old: Any
    new: Any
    risk: Risk
    note: str = ""

    def summary(self) -> str:
        """`node group general: instanceTypes m5.large → m6i.large`."""
        head = f"{self.area} {self.subject}"
        if self.field in (ADDED, REMOVED):
            return f"{head}: {self.field}"
        return f"{head}: {self.field} {show(self.old)} {ARROW} {show(self.new)}"

    def as_json(self, cluster: str) -> dict[str, Any]:
        return {"cluster": cluster, "area": self.area, "subject": self.subject, "field": self.field,
                "old": self.old, "new": self.new, "risk": self.risk, "note": self.note}


def _minor(version: Any) -> tuple[int, int] | None:
    try:
        major, minor = str(version).split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def _version_rule(old: Any, new: Any) -> Rule:
    """Upgrades are in place, one minor at a time; EKS cannot downgrade."""
    before, after = _minor(old), _minor(new)
    if before is None or after is None or before[0] != after[0]:
        return Rule(IN_PLACE, "control plane upgrade, one minor at a time")
    if after < before:
        return Rule(ONE_WAY, "EKS cannot downgrade: apply fails, and the only way back is a new cluster")
    skipped = [f"{after[0]}.{m}" for m in range(before[1] + 1, after[1])]
    if skipped:
        return Rule(IN_PLACE, f"control plane upgrade, one minor at a time: skips {', '.join(skipped)}, "
                              "which EKS refuses; apply each version in turn")
    return Rule(IN_PLACE, "control plane upgrade, one minor at a time")


AUTH_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")  # the only direction EKS allows


def _auth_mode_rule(old: Any, new: Any) -> Rule:
    """Authentication mode only moves towards API."""
    if AUTH_MODES.index(str(new)) > AUTH_MODES.index(str(old)):
        return Rule(ONE_WAY, "authentication mode only moves towards API: there is no way back")
    return Rule(ONE_WAY, "EKS refuses to move the authentication mode away from API: apply fails")


MODULE_KEY = "module-created key"


def _encryption_key(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    if value.get("createKey"):
        return MODULE_KEY  # the module prefers its own key when asked to create one
    return value.get("kmsKeyArn") or None


def _encryption_rule(old: Any, new: Any) -> Rule:
    """Secrets encryption can be turned on in place, never off, and its key never changes."""
    before, after = _encryption_key(old), _encryption_key(new)
    if before == after:
        return Rule(IN_PLACE, "same key")
    if before is None:
        return Rule(ONE_WAY, "envelope encryption can be turned on in place but never off")
    if after is None:
        return Rule(REPLACE, "encryption cannot be turned off: the AWS provider forces a new cluster")
    return Rule(REPLACE, "EKS cannot change the secrets key once set: only a new cluster takes another key")


def _module_rule(old: Any, new: Any) -> Rule:
    """Module upgrades are reviewed through terraform plan; a new major version warns louder."""
    if str(old).split(".")[0] != str(new).split(".")[0]:
        return Rule(IN_PLACE, "major module upgrade: read its upgrade guide; resources may move or be replaced")
    return Rule(IN_PLACE, "module upgrade: read its changelog, then terraform plan")


CLUSTER_RULES: dict[str, RuleLike] = {
    "apiVersion": Rule(IN_PLACE, "the spec format: no infrastructure change"),
    "kind": Rule(IN_PLACE, "the spec format: no infrastructure change"),
    "name": Rule(REPLACE, "EKS cluster names are immutable (ForceNew): Terraform builds a new cluster"),
    "region": Rule(REPLACE, "a cluster cannot move regions: everything is created anew in the other one"),
    "tags": Rule(IN_PLACE, "provider default_tags: tags change in place on every resource"),
    "kubernetesVersion": _version_rule,
    "supportType": Rule(IN_PLACE, "upgrade policy: UpdateClusterConfig"),
    "deletionProtection": Rule(IN_PLACE, "UpdateClusterConfig; when off, a destroy can delete the cluster"),
    "endpoint.private": Rule(IN_PLACE, "endpoint access: UpdateClusterConfig, the API server stays up"),
    "endpoint.public": Rule(IN_PLACE, "endpoint access: UpdateClusterConfig, the API server stays up"),
    "endpoint.publicCidrs": Rule(IN_PLACE, "endpoint access: UpdateClusterConfig", unordered=True),
    "serviceIpv4Cidr": Rule(REPLACE, "kubernetes_network_config.service_ipv4_cidr is ForceNew: a new cluster"),
    "ipFamily": Rule(REPLACE, "kubernetes_network_config.ip_family is ForceNew: a new cluster"),
    "logging.types": Rule(IN_PLACE, "control-plane log types: UpdateClusterConfig", unordered=True),
    "logging.retentionDays": Rule(IN_PLACE, "CloudWatch log group retention, updated in place"),
    "secretsEncryption": _encryption_rule,
    "waivers": Rule(IN_PLACE, "eksgen check waivers: no infrastructure change", unordered=True),
    **AUTO_MODE_AND_KARPENTER_RULES,
}
NEW_VPC_RULES: dict[str, RuleLike] = {
    "id": Rule(REPLACE, "a cluster cannot move to another VPC: only a new cluster can"),
    "cidr": Rule(REPLACE, "a VPC's primary CIDR is immutable (ForceNew): new VPC, subnets and cluster"),
    "availabilityZones": Rule(REPLACE, "subnets are tied to their AZ (ForceNew): they are recreated with "
                                       "everything in them"),
    "nat": Rule(IN_PLACE, "NAT gateways and routes are added or removed; egress blips while routes move"),
    "subnets.private": Rule(REPLACE, "subnet CIDRs are immutable (ForceNew): node subnets are recreated"),
    "subnets.public": Rule(REPLACE, "subnet CIDRs are immutable: public subnets, their NAT gateway and load "
                                    "balancers are recreated"),
    "subnets.intra": Rule(REPLACE, "subnet CIDRs are immutable: the control-plane ENI subnets are recreated"),
    "subnets.controlPlane": Rule(IN_PLACE, "not used with a new VPC (intra subnets hold the control plane)"),
    "secondaryCidrs": Rule(IN_PLACE, "CIDR block associations are added or removed in place"),
    "endpoints": VPC_ENDPOINTS_RULE,
}
UNUSED_WITH_EXISTING_VPC = Rule(IN_PLACE, "not used with an existing VPC")
EXISTING_VPC_RULES: dict[str, RuleLike] = {
    "id": NEW_VPC_RULES["id"],
    "cidr": UNUSED_WITH_EXISTING_VPC,
    "availabilityZones": UNUSED_WITH_EXISTING_VPC,
    "nat": UNUSED_WITH_EXISTING_VPC,
    "secondaryCidrs": UNUSED_WITH_EXISTING_VPC,
    "endpoints": UNUSED_WITH_EXISTING_VPC,
    "subnets.intra": UNUSED_WITH_EXISTING_VPC,
    "subnets.private": Rule(IN_PLACE, "the subnets are not managed here; node groups and Fargate profiles "
                                      "on them are listed separately", unordered=True),
    "subnets.public": Rule(IN_PLACE, "not referenced by Terraform: only the discovery tags to add change",
                           unordered=True),
    "subnets.controlPlane": Rule(IN_PLACE, "control-plane subnets update in place (UpdateClusterConfig, AWS "
                                           "provider >= 5.25); EKS rejects subnets outside the cluster's VPC",
                                 unordered=True),
}
ACCESS_RULES: dict[str, RuleLike] = {
    "authenticationMode": _auth_mode_rule,
    "clusterCreatorAdmin": Rule(IN_PLACE, "the module grants it through an access entry it adds or removes"),
    "awsAuth": Rule(IN_PLACE, "converted to access entries, which are compared by principal"),
}
ACCESS_ENTRY_KEY_RULE = Rule(REPLACE, "the module's map key for this entry moves (another principal now shares, or "
                             "no longer shares, its name, so the key gains or loses account and path): Terraform "
                             "deletes and recreates the entry")
ACCESS_ENTRY_RULES: dict[str, RuleLike] = {
    "principalArn": Rule(REPLACE, "the entry's identity (ForceNew): another principal is a removal plus an "
                                  "addition"),
    "type": Rule(REPLACE, "access entry type is ForceNew: deleted and recreated, access lapses meanwhile"),
    "kubernetesGroups": Rule(IN_PLACE, "UpdateAccessEntry", unordered=True),
    "username": Rule(IN_PLACE, "UpdateAccessEntry"),
    "policies": Rule(IN_PLACE, "policy associations are added or deleted; a changed scope recreates its "
                               "association", unordered=True),
    "terraformKey": ACCESS_ENTRY_KEY_RULE,
}
ADDON_RULES: dict[str, RuleLike] = {
    "version": Rule(IN_PLACE, "UpdateAddon: the addon's pods roll"),
    "beforeCompute": Rule(REPLACE, "moves between the module's before_compute and regular addon resources: "
                                   "deleted (preserve keeps its pods) and recreated"),
    "configuration": Rule(IN_PLACE, "UpdateAddon with the new configuration values"),
    "serviceAccount": Rule(IN_PLACE, "service_account_role_arn updates in place"),
    "vpcCni.createIpv6Policy": Rule(REPLACE, "IPv6 clusters: the account-wide AmazonEKS_CNI_IPv6_Policy is "
                                             "created or deleted (deleting it breaks other IPv6 clusters' nodes)"),
    "podIdentity": ADDON_POD_IDENTITY_RULE,
    "vpcCni.prefixDelegation": Rule(IN_PLACE, "VPC CNI setting: nodes launched afterwards get prefix-based "
                                              "max pods"),
}
MANAGED_ROLL = "is ForceNew: the module creates the new group before deleting the old (create_before_destroy)"
NODE_GROUP_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, "the group's identity: a rename deletes the old group (its nodes drain) and adds one"),
    "instanceTypes": Rule(NODES_ROLL, f"instance_types {MANAGED_ROLL}"),
    "capacityType": Rule(NODES_ROLL, f"capacity_type {MANAGED_ROLL}"),
    "amiType": Rule(NODES_ROLL, f"ami_type {MANAGED_ROLL}"),
    "diskSizeGiB": Rule(NODES_ROLL, "the root volume is in the launch template: a new version rolls the nodes"),
    "labels": Rule(IN_PLACE, "UpdateNodegroupConfig relabels the existing nodes"),
    "taints": Rule(IN_PLACE, "UpdateNodegroupConfig retaints the existing nodes", unordered=True),
    "minSize": Rule(IN_PLACE, "scaling config; nodes are added or removed to fit"),
    "maxSize": Rule(IN_PLACE, "scaling config; nodes are added or removed to fit"),
    "desiredSize": Rule(IN_PLACE, "no effect on a running group: the module ignores desired_size after creation"),
    "maxUnavailable": Rule(IN_PLACE, "update_config: only paces future rolls"),
    "maxUnavailablePercentage": Rule(IN_PLACE, "update_config: only paces future rolls"),
    "subnets": Rule(NODES_ROLL, f"subnet_ids {MANAGED_ROLL}", unordered=True),
    **{key: Rule(NODES_ROLL, f"{what} in the module's launch template: a new version rolls the nodes "
                             "(UpdateNodegroupVersion)") for key, what in (
        ("amiId", "the image is"), ("preBootstrapCommands", "user data is"),
        ("tags", "tags reach instances through tag_specifications"), ("securityGroupIds", "security groups are"),
        ("diskType", "the root volume is"), ("diskIops", "the root volume is"),
        ("diskThroughput", "the root volume is"), ("diskKmsKeyArn", "the root volume is"),
        ("ssh", "the key pair is (source groups alone change the group's rules in place)"),
        ("imdsHopLimit", "metadata_options are"))},
    "iam.additionalPolicies": Rule(IN_PLACE, "policy attachments on the node role added or removed"),
    "iam.permissionsBoundaryArn": Rule(IN_PLACE, "the node role's permissions boundary updates in place"),
    "nodeRepair": Rule(IN_PLACE, "node_repair_config: UpdateNodegroupConfig"),
    "amiReleaseVersion": Rule(NODES_ROLL, "release_version: EKS rolls the nodes to that AMI release "
                                          "(UpdateNodegroupVersion)"),
    "launchTemplate": Rule(NODES_ROLL, f"launch_template id {MANAGED_ROLL}; a new version rolls the nodes"),
}
INSTANCE_REFRESH = "the module's default instance refresh (Rolling) replaces the instances"
SELF_MANAGED_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, "the group's identity: a rename deletes the old Auto Scaling group and adds one"),
    "instanceType": Rule(NODES_ROLL, f"launch template change; {INSTANCE_REFRESH}"),
    "amiType": Rule(NODES_ROLL, f"launch template change; {INSTANCE_REFRESH}"),
    "diskSizeGiB": Rule(NODES_ROLL, f"launch template change; {INSTANCE_REFRESH}"),
    "labels": Rule(NODES_ROLL, f"labels are in the launch template's nodeadm user data; {INSTANCE_REFRESH}"),
    "taints": Rule(NODES_ROLL, f"taints are in the launch template's nodeadm user data; {INSTANCE_REFRESH}"),
    "minSize": Rule(IN_PLACE, "Auto Scaling group size; instances are added or removed to fit"),
    "maxSize": Rule(IN_PLACE, "Auto Scaling group size; instances are added or removed to fit"),
    "desiredSize": Rule(IN_PLACE, "no effect on a running group: the module ignores desired_capacity after "
                                  "creation"),
    "subnets": Rule(NODES_ROLL, "the Auto Scaling group moves instances out of removed subnets", unordered=True),
    **{key: Rule(NODES_ROLL, f"launch template change; {INSTANCE_REFRESH}") for key in (
        "amiId", "preBootstrapCommands", "tags", "securityGroupIds", "diskType", "diskIops", "diskThroughput",
        "diskKmsKeyArn", "ssh", "imdsHopLimit")},
    "iam.additionalPolicies": Rule(IN_PLACE, "policy attachments on the node role added or removed"),
    "iam.permissionsBoundaryArn": Rule(IN_PLACE, "the node role's permissions boundary updates in place"),
    "instancesDistribution": Rule(NODES_ROLL, f"mixed_instances_policy change; {INSTANCE_REFRESH}"),
}
FARGATE_IMMUTABLE = "Fargate profiles are immutable: deleted and recreated, and the pods it runs are deleted"
FARGATE_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, FARGATE_IMMUTABLE),
    "selectors": Rule(REPLACE, FARGATE_IMMUTABLE, unordered=True),
    "subnets": Rule(REPLACE, FARGATE_IMMUTABLE, unordered=True),
    "tags": Rule(IN_PLACE, "tags update in place (TagResource); the profile and its pods stay"),
}
TERRAFORM_RULES: dict[str, RuleLike] = {
    "requiredVersion": Rule(IN_PLACE, "Terraform version constraint: no infrastructure change"),
    "backend": Rule(IN_PLACE, "the state moves: run terraform init -migrate-state first, or Terraform "
                              "starts from an empty state"),
    **{f"modules.{pin}": _module_rule for pin in registry().pins},
}
LIFECYCLE: dict[str, tuple[Rule, Rule]] = {  # area -> (added, removed)
    CLUSTER: (Rule(IN_PLACE, "a new cluster"),
              Rule(REPLACE, "gone from the spec: destroying its root module deletes the cluster")),
    ACCESS_ENTRY: (Rule(IN_PLACE, "the principal gains access"),
                   Rule(REPLACE, "the entry is deleted: the principal loses access to the cluster")),
    ADDON: (Rule(IN_PLACE, "a new addon"),
            Rule(REPLACE, "EKS stops managing the addon; the module's preserve = true leaves its pods running")),
    NODE_GROUP: (Rule(IN_PLACE, "a new group; existing nodes are untouched"),
                 Rule(REPLACE, "the group is deleted: its nodes drain and terminate, pods must fit elsewhere")),
    SELF_MANAGED: (Rule(IN_PLACE, "a new group; existing nodes are untouched"),
                   Rule(REPLACE, "the Auto Scaling group is deleted: its instances terminate without draining")),
    FARGATE: (Rule(IN_PLACE, "a new profile; only pods started afterwards use it"),
              Rule(REPLACE, "the profile is deleted, and the pods it runs with it")),
    POD_IDENTITY: POD_IDENTITY_LIFECYCLE,
    SERVICE_ACCOUNT: (Rule(IN_PLACE, "a new IAM role"),
                      Rule(REPLACE, "the IAM role is deleted: pods using it lose their AWS access")),
}
FALLBACK = Rule(REPLACE, "eksgen has no rule for this field: assume the worst until terraform plan says otherwise")


@dataclass(frozen=True)
class Section:
    """A part of the dump compared as one area; `strip` is cut from a path to name the field."""

    prefix: str
    area: str
    strip: str
    subject: str | None = None  # None: the cluster's name


DOCUMENT = Section("", CLUSTER, "")
SECTIONS = (
    Section("spec.vpcCni", ADDON, "spec.", "vpc-cni"),
    Section("spec.vpc", VPC, "spec.vpc."),
    Section("spec.access", ACCESS, "spec.access."),
    Section("spec.terraform", TERRAFORM, "spec.terraform."),
    Section("metadata", CLUSTER, "metadata."),
    Section("spec", CLUSTER, "spec."),
)


@dataclass(frozen=True)
class Collection:
    """Named items compared by key: a list of objects (`key` names the field) or a map (`key` None)."""

    area: str
    key: str | None
    rules: dict[str, RuleLike]


COLLECTIONS = {
    "spec.managedNodeGroups": Collection(NODE_GROUP, "name", NODE_GROUP_RULES),
    "spec.selfManagedNodeGroups": Collection(SELF_MANAGED, "name", SELF_MANAGED_RULES),
    "spec.fargateProfiles": Collection(FARGATE, "name", FARGATE_RULES),
    "spec.serviceAccounts": Collection(SERVICE_ACCOUNT, "name", SERVICE_ACCOUNT_RULES),
    "spec.podIdentityAssociations": Collection(POD_IDENTITY, "name", POD_IDENTITY_RULES),
    "spec.addons": Collection(ADDON, None, ADDON_RULES),
}
# Entries and aws-auth mappings become one set of access entries, compared by principal.
ACCESS_ENTRY_SOURCES = ("spec.access.entries", "spec.access.awsAuth")
NODE_NETWORK_FIELDS = frozenset({"cidr", "availabilityZones", "subnets.private"})  # new subnet IDs
SUBNETS_FOLLOW_VPC = "private"




def is_scalar(value: Any) -> bool:
    return not isinstance(value, list | dict)



def show(value: Any) -> str:
    """A value as a reviewer reads it: lists joined, maps as k=v, nothing as (unset)."""
    if value is None:
        return UNSET
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if not value:
            return NONE
        if all(is_scalar(v) for v in value):
            return ", ".join(show(v) for v in value)
    if isinstance(value, dict):
        items = {k: v for k, v in value.items() if v is not None}
        if not items:
            return NONE
        if all(is_scalar(v) for v in items.values()):
            return ", ".join(f"{k}={show(v)}" for k, v in items.items())
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)



def worst(risks: Iterable[Risk]) -> Risk | None:
    found = list(risks)
    return max(found, key=RISK_ORDER.index) if found else None


def risk_table() -> list[tuple[str, str, str, str]]:
    """(area, field, risk, reason) for every fixed rule; computed rules show their docstring."""
    tables = {CLUSTER: CLUSTER_RULES, f"{VPC} (new)": NEW_VPC_RULES, f"{VPC} (existing)": EXISTING_VPC_RULES,
              ACCESS: ACCESS_RULES, ACCESS_ENTRY: ACCESS_ENTRY_RULES, ADDON: ADDON_RULES,
              NODE_GROUP: NODE_GROUP_RULES, SELF_MANAGED: SELF_MANAGED_RULES, FARGATE: FARGATE_RULES,
              SERVICE_ACCOUNT: SERVICE_ACCOUNT_RULES, POD_IDENTITY: POD_IDENTITY_RULES, TERRAFORM: TERRAFORM_RULES}
    rows: list[tuple[str, str, str, str]] = []
    for area, rules in tables.items():
        for name, rule in rules.items():
            if isinstance(rule, Rule):
                rows.append((area, name, rule.risk, rule.reason))
            else:
                rows.append((area, name, "computed", (rule.__doc__ or "").strip()))
    return rows


