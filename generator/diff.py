"""Semantic diff of two effective specs: what changes, and what each change does to a running cluster.

Both sides are defaulted `Cluster` models, compared field by field on their JSON dump. Lists
of named things (node groups, Fargate profiles, access entries, addons, service accounts) are
matched by name or principal ARN, so reordering them is not a change. Every field has a rule
(a risk label and a one-line reason grounded in EKS and the terraform-aws-eks module); the
rendered files are compared too, as a unified diff.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from generator import awsauth
from generator.api import RenderResult
from generator.model import Cluster
from generator.plan import access_entry_key
from generator.render import header

Risk = Literal["in-place", "nodes roll", "one-way", "replace"]
IN_PLACE: Risk = "in-place"
NODES_ROLL: Risk = "nodes roll"
ONE_WAY: Risk = "one-way"
REPLACE: Risk = "replace"
# Mildest first. "replace" ranks above "one-way": it destroys what exists, while a one-way step
# applies without disruption and only removes the way back.
RISK_ORDER: tuple[Risk, ...] = (IN_PLACE, NODES_ROLL, ONE_WAY, REPLACE)
RISK_MEANING: dict[Risk, str] = {
    IN_PLACE: "updated where it stands; workloads keep running",
    NODES_ROLL: "nodes are replaced gradually; pods are evicted and rescheduled",
    ONE_WAY: "applies in place but cannot be undone (or EKS refuses it outright)",
    REPLACE: "destroyed (and recreated if still in the spec); what runs on it is lost or disrupted",
}

CLUSTER = "cluster"
VPC = "vpc"
ACCESS = "access"
ACCESS_ENTRY = "access entry"
ADDON = "addon"
NODE_GROUP = "node group"
SELF_MANAGED = "self-managed node group"
FARGATE = "fargate profile"
SERVICE_ACCOUNT = "service account"
TERRAFORM = "terraform"
AREAS = (CLUSTER, VPC, ACCESS, ACCESS_ENTRY, ADDON, NODE_GROUP, SELF_MANAGED, FARGATE, SERVICE_ACCOUNT, TERRAFORM)

ADDED = "added"
REMOVED = "removed"
ARROW = "→"
UNSET = "(unset)"
NONE = "(none)"


@dataclass(frozen=True)
class Rule:
    """What changing one field does: a risk label and why. `unordered`: list order is not a change."""

    risk: Risk
    reason: str
    unordered: bool = False


Classifier = Callable[[Any, Any], Rule]
RuleLike = Rule | Classifier


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
}
UNUSED_WITH_EXISTING_VPC = Rule(IN_PLACE, "not used with an existing VPC")
EXISTING_VPC_RULES: dict[str, RuleLike] = {
    "id": NEW_VPC_RULES["id"],
    "cidr": UNUSED_WITH_EXISTING_VPC,
    "availabilityZones": UNUSED_WITH_EXISTING_VPC,
    "nat": UNUSED_WITH_EXISTING_VPC,
    "secondaryCidrs": UNUSED_WITH_EXISTING_VPC,
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
ACCESS_ENTRY_RULES: dict[str, RuleLike] = {
    "principalArn": Rule(REPLACE, "the entry's identity (ForceNew): another principal is a removal plus an "
                                  "addition"),
    "type": Rule(REPLACE, "access entry type is ForceNew: deleted and recreated, access lapses meanwhile"),
    "kubernetesGroups": Rule(IN_PLACE, "UpdateAccessEntry", unordered=True),
    "username": Rule(IN_PLACE, "UpdateAccessEntry"),
    "policies": Rule(IN_PLACE, "policy associations are added or deleted; a changed scope recreates its "
                               "association", unordered=True),
    "terraformKey": Rule(REPLACE, "the module's map key for this entry moves (colliding names renumbered): "
                                  "Terraform deletes and recreates the entry"),
}
ADDON_RULES: dict[str, RuleLike] = {
    "version": Rule(IN_PLACE, "UpdateAddon: the addon's pods roll"),
    "beforeCompute": Rule(REPLACE, "moves between the module's before_compute and regular addon resources: "
                                   "deleted (preserve keeps its pods) and recreated"),
    "configuration": Rule(IN_PLACE, "UpdateAddon with the new configuration values"),
    "serviceAccount": Rule(IN_PLACE, "service_account_role_arn updates in place"),
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
}
FARGATE_IMMUTABLE = "Fargate profiles are immutable: deleted and recreated, and the pods it runs are deleted"
FARGATE_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, FARGATE_IMMUTABLE),
    "selectors": Rule(REPLACE, FARGATE_IMMUTABLE, unordered=True),
    "subnets": Rule(REPLACE, FARGATE_IMMUTABLE, unordered=True),
}
SERVICE_ACCOUNT_RULES: dict[str, RuleLike] = {
    "name": Rule(REPLACE, "the role is named <cluster>-<name>: a rename deletes the role and creates another"),
    "namespace": Rule(IN_PLACE, "trust policy updated in place; the old service account loses the role"),
    "serviceAccount": Rule(IN_PLACE, "trust policy updated in place; the old service account loses the role"),
    "wellKnownPolicies": Rule(IN_PLACE, "policy attachments added or removed", unordered=True),
    "policyArns": Rule(IN_PLACE, "policy attachments (keyed by position) added or removed"),
}
TERRAFORM_RULES: dict[str, RuleLike] = {
    "requiredVersion": Rule(IN_PLACE, "Terraform version constraint: no infrastructure change"),
    "backend": Rule(IN_PLACE, "the state moves: run terraform init -migrate-state first, or Terraform "
                              "starts from an empty state"),
    "modules.eks": _module_rule,
    "modules.vpc": _module_rule,
    "modules.iam": _module_rule,
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
    "spec.addons": Collection(ADDON, None, ADDON_RULES),
}
# Entries and aws-auth mappings become one set of access entries, compared by principal.
ACCESS_ENTRY_SOURCES = ("spec.access.entries", "spec.access.awsAuth")
NODE_NETWORK_FIELDS = frozenset({"cidr", "availabilityZones", "subnets.private"})  # new subnet IDs
SUBNETS_FOLLOW_VPC = "private"


def show(value: Any) -> str:
    """A value as a reviewer reads it: lists joined, maps as k=v, nothing as (unset)."""
    if value is None:
        return UNSET
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if not value:
            return NONE
        if all(_scalar(v) for v in value):
            return ", ".join(show(v) for v in value)
    if isinstance(value, dict):
        items = {k: v for k, v in value.items() if v is not None}
        if not items:
            return NONE
        if all(_scalar(v) for v in items.values()):
            return ", ".join(f"{k}={show(v)}" for k, v in items.items())
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def _scalar(value: Any) -> bool:
    return not isinstance(value, list | dict)


def worst(risks: Iterable[Risk]) -> Risk | None:
    found = list(risks)
    return max(found, key=RISK_ORDER.index) if found else None


def _lookup(rules: dict[str, RuleLike], name: str) -> RuleLike | None:
    """The rule for a field, or for the nearest enclosing field that has one."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        rule = rules.get(".".join(parts[:end]))
        if rule is not None:
            return rule
    return None


def _resolve(rule: RuleLike | None, old: Any, new: Any) -> Rule:
    if rule is None:
        return FALLBACK
    return rule if isinstance(rule, Rule) else rule(old, new)


def _same(rule: RuleLike | None, old: Any, new: Any) -> bool:
    if isinstance(rule, Rule) and rule.unordered and isinstance(old, list) and isinstance(new, list):
        return _sorted(old) == _sorted(new)
    return bool(old == new)


def _sorted(items: list[Any]) -> list[str]:
    return sorted(json.dumps(i, sort_keys=True) for i in items)


def _leaves(value: Any, path: str, stop: Callable[[str], bool]) -> Iterator[tuple[str, Any]]:
    """Flatten nested mappings into dotted paths, keeping whole any value `stop` says is one field."""
    if isinstance(value, dict) and value and not stop(path):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key), stop)
    else:
        yield path, value


def _differences(old: Any, new: Any, stop: Callable[[str], bool], rule_for: Callable[[str], RuleLike | None]
                 ) -> Iterator[tuple[str, Any, Any, RuleLike | None]]:
    """(path, old, new, rule) for every leaf that differs."""
    before = dict(_leaves(old, "", stop))
    after = dict(_leaves(new, "", stop))
    for name in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(name), after.get(name)
        rule = rule_for(name)
        if not _same(rule, a, b):
            yield name, a, b, rule


def _change(area: str, subject: str, name: str, old: Any, new: Any, rule: RuleLike | None) -> Change:
    resolved = _resolve(rule, old, new)
    return Change(area, subject, name, old, new, resolved.risk, resolved.reason)


def _compare(area: str, subject: str, old: Any, new: Any, rules: dict[str, RuleLike]) -> list[Change]:
    """Field-by-field changes of one item under its area's rules."""
    found = _differences(old, new, lambda p: p in rules, lambda p: _lookup(rules, p))
    return [_change(area, subject, name, a, b, rule) for name, a, b, rule in found]


def _section(path: str) -> Section:
    return next((s for s in SECTIONS if path == s.prefix or path.startswith(f"{s.prefix}.")), DOCUMENT)


def _area_rules(*, existing_vpc: bool) -> dict[str, dict[str, RuleLike]]:
    """Rule tables of the areas outside the named collections."""
    return {CLUSTER: CLUSTER_RULES, VPC: EXISTING_VPC_RULES if existing_vpc else NEW_VPC_RULES,
            ACCESS: ACCESS_RULES, ADDON: ADDON_RULES, TERRAFORM: TERRAFORM_RULES}


def _is_existing_vpc(cluster: Cluster) -> bool:
    return cluster.spec.vpc is not None and cluster.spec.vpc.id is not None


def _handled_elsewhere(path: str) -> bool:
    return path in COLLECTIONS or path in ACCESS_ENTRY_SOURCES


def _singletons(old: Cluster, new: Cluster) -> list[Change]:
    """Everything outside the named collections, each section under its own area."""
    rules = _area_rules(existing_vpc=_is_existing_vpc(old) or _is_existing_vpc(new))

    def split(path: str) -> tuple[Section, str]:
        section = _section(path)
        return section, path.removeprefix(section.strip)

    def stop(path: str) -> bool:
        section, name = split(path)
        return bool(path) and (_handled_elsewhere(path) or name in rules[section.area])

    changes = []
    for path, a, b, rule in _differences(_dump(old), _dump(new), stop, lambda p: _singleton_rule(p, rules)):
        if not _handled_elsewhere(path):
            section, name = split(path)
            changes.append(_change(section.area, section.subject or new.metadata.name, name, a, b, rule))
    return changes


def _singleton_rule(path: str, rules: dict[str, dict[str, RuleLike]]) -> RuleLike | None:
    section = _section(path)
    return _lookup(rules[section.area], path.removeprefix(section.strip))


def rule_for_path(path: str, *, existing_vpc: bool = False) -> RuleLike | None:
    """The rule for a dotted spec path, list items and map keys left out: `spec.managedNodeGroups.amiType`."""
    for prefix, collection in COLLECTIONS.items():
        if path.startswith(f"{prefix}."):
            return _lookup(collection.rules, path.removeprefix(f"{prefix}."))
    entries = f"{ACCESS_ENTRY_SOURCES[0]}."
    if path.startswith(entries):
        return _lookup(ACCESS_ENTRY_RULES, path.removeprefix(entries))
    return _singleton_rule(path, _area_rules(existing_vpc=existing_vpc))


def _dump(cluster: Cluster) -> dict[str, Any]:
    dumped: dict[str, Any] = cluster.model_dump(by_alias=True, mode="json")
    return dumped


def _items(dump: dict[str, Any], path: str, key: str | None) -> dict[str, Any]:
    """A collection as {key: item}: a map as it is, a list keyed by each item's `key` field."""
    node: Any = dump
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) or key is None:
        return dict(node or {})
    return {item[key]: item for item in node or []}


def _keyed(area: str, before: dict[str, Any], after: dict[str, Any], rules: dict[str, RuleLike],
           key: str | None) -> list[Change]:
    """Match items by key: added, removed, or compared field by field."""
    added, removed = LIFECYCLE[area]
    changes = []
    for name in [*before, *(k for k in after if k not in before)]:
        if name not in after:
            changes.append(Change(area, name, REMOVED, before[name], None, removed.risk, removed.reason))
        elif name not in before:
            changes.append(Change(area, name, ADDED, None, after[name], added.risk, added.reason))
        else:
            changes += _compare(area, name, _without(before[name], key), _without(after[name], key), rules)
    return changes


def _without(item: Any, key: str | None) -> Any:
    return {k: v for k, v in item.items() if k != key} if isinstance(item, dict) and key else item


def _collections(old: Cluster, new: Cluster) -> list[Change]:
    a, b = _dump(old), _dump(new)
    changes = []
    for path, coll in COLLECTIONS.items():
        changes += _keyed(coll.area, _items(a, path, coll.key), _items(b, path, coll.key), coll.rules, coll.key)
    return changes


def _access_entries(cluster: Cluster) -> dict[str, Any]:
    access = cluster.spec.access
    if access is None:
        return {}
    entries = awsauth.all_entries(access.entries or [], access.aws_auth)
    return {e.principal_arn: e.model_dump(by_alias=True, mode="json") for _, e in entries}


def _entry_keys(cluster: Cluster) -> dict[str, str]:
    """The module map key of each entry, as plan.py assigns it (order matters when names collide)."""
    used: set[str] = set()
    return {arn: access_entry_key(arn, used) for arn in _access_entries(cluster)}


def _access_entry_changes(old: Cluster, new: Cluster) -> list[Change]:
    changes = _keyed(ACCESS_ENTRY, _access_entries(old), _access_entries(new), ACCESS_ENTRY_RULES,
                     "principalArn")
    before, after = _entry_keys(old), _entry_keys(new)
    rule = ACCESS_ENTRY_RULES["terraformKey"]
    assert isinstance(rule, Rule)
    for arn in before.keys() & after.keys():
        if before[arn] != after[arn]:
            changes.append(Change(ACCESS_ENTRY, arn, "terraformKey", before[arn], after[arn], rule.risk, rule.reason))
    return changes


def _follows_vpc(subnets: Any, cluster: Cluster) -> bool:
    """True when a group's subnets come from the VPC's private subnets (the default, or AZs of a new VPC)."""
    return subnets == SUBNETS_FOLLOW_VPC or (isinstance(subnets, list) and not _is_existing_vpc(cluster))


def _shared_groups(old: Cluster, new: Cluster, attr: str) -> list[Any]:
    names = {g.name for g in getattr(old.spec, attr) or []}
    return [g for g in getattr(new.spec, attr) or [] if g.name in names]


def _version_follow_ups(old: Cluster, new: Cluster) -> list[Change]:
    """Node groups follow the cluster version (the module's default), so an upgrade rolls them too."""
    before, after = _minor(old.spec.kubernetes_version), _minor(new.spec.kubernetes_version)
    if before is None or after is None or after <= before:
        return []
    reasons = {NODE_GROUP: "follows the cluster version: a new AMI release, rolled by EKS",
               SELF_MANAGED: f"follows the cluster version: a new AMI in the launch template; {INSTANCE_REFRESH}"}
    changes = []
    for area, attr in ((NODE_GROUP, "managed_node_groups"), (SELF_MANAGED, "self_managed_node_groups")):
        changes += [Change(area, g.name, "kubernetesVersion", old.spec.kubernetes_version,
                           new.spec.kubernetes_version, NODES_ROLL, reasons[area])
                    for g in _shared_groups(old, new, attr)]
    return changes


SUBNET_FOLLOW_UPS = (  # (area, spec attribute, risk, why), for groups on the VPC's private subnets
    (NODE_GROUP, "managed_node_groups", NODES_ROLL, f"on the VPC's private subnets, which change: subnet_ids "
                                                    f"{MANAGED_ROLL}"),
    (SELF_MANAGED, "self_managed_node_groups", NODES_ROLL, "on the VPC's private subnets, which change: the Auto "
                                                           "Scaling group moves instances out of removed subnets"),
    (FARGATE, "fargate_profiles", REPLACE, f"on the VPC's private subnets, which change: {FARGATE_IMMUTABLE}"),
)


def _private_subnets(cluster: Cluster) -> list[str] | None:
    vpc = cluster.spec.vpc
    return vpc.subnets.private if vpc is not None and vpc.subnets is not None else None


def _subnet_follow_ups(old: Cluster, new: Cluster, vpc_changes: list[Change]) -> list[Change]:
    """Groups and profiles on the VPC's private subnets move when those subnets change."""
    if not any(c.field in NODE_NETWORK_FIELDS for c in vpc_changes):
        return []
    before, after = _private_subnets(old), _private_subnets(new)
    return [Change(area, g.name, "subnets", before, after, risk, reason)
            for area, attr, risk, reason in SUBNET_FOLLOW_UPS
            for g in _shared_groups(old, new, attr) if _follows_vpc(g.subnets, new)]


def _ordered(changes: Iterable[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (AREAS.index(c.area), c.subject))


def diff_clusters(old: Cluster, new: Cluster) -> list[Change]:
    """Every change from `old` to `new` (both defaulted), with its risk; reordering named things is none."""
    singles = _singletons(old, new)
    follow_ups = _version_follow_ups(old, new) + _subnet_follow_ups(old, new, [c for c in singles if c.area == VPC])
    return _ordered([*singles, *_access_entry_changes(old, new), *_collections(old, new), *follow_ups])


def diff_files(old: dict[str, str], new: dict[str, str], prefix: str = "") -> dict[str, str]:
    """A unified diff per rendered file that differs (a file only on one side diffs against nothing)."""
    diffs = {}
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name, ""), new.get(name, "")
        if a != b:
            lines = difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                         fromfile=f"a/{prefix}{name}", tofile=f"b/{prefix}{name}")
            diffs[f"{prefix}{name}"] = "".join(lines)
    return diffs


def align_headers(files: dict[str, str], old_spec: str, new_spec: str) -> dict[str, str]:
    """Give `files` the header `new_spec` would: a renamed spec file alone is not a change."""
    before, after = str(header(old_spec)), str(header(new_spec))
    return {name: after + text[len(before):] if text.startswith(before) else text for name, text in files.items()}


@dataclass
class ClusterDiff:
    name: str
    changes: list[Change] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def worst_risk(self) -> Risk | None:
        return worst(c.risk for c in self.changes)

    def area_risks(self) -> dict[str, Risk]:
        found: dict[str, list[Risk]] = {}
        for change in self.changes:
            found.setdefault(change.area, []).append(change.risk)
        return {area: risk for area, risks in found.items() if (risk := worst(risks)) is not None}


@dataclass
class DiffReport:
    clusters: list[ClusterDiff] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return any(c.changes for c in self.clusters)

    @property
    def worst_risk(self) -> Risk | None:
        return worst(c.risk for cd in self.clusters for c in cd.changes)

    def file_diffs(self) -> str:
        return "".join(d for cd in self.clusters for d in cd.files.values())


def _effective(item: RenderResult) -> Cluster:
    effective = item.result.effective
    assert effective is not None  # render_spec raises before returning a cluster without one
    return effective


def _pairs(old: Sequence[RenderResult], new: Sequence[RenderResult]
           ) -> list[tuple[RenderResult | None, RenderResult | None]]:
    """One cluster a side pairs whatever its name (a rename is a change); several pair by metadata.name."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    before = {r.name: r for r in old}
    after = {r.name: r for r in new}
    return [(before.get(n), after.get(n)) for n in [*before, *(k for k in after if k not in before)]]


def _lifecycle_change(name: str, *, added: bool) -> Change:
    rule = LIFECYCLE[CLUSTER][0 if added else 1]
    return Change(CLUSTER, name, ADDED if added else REMOVED, None, None, rule.risk, rule.reason)


def _pair_diff(old: RenderResult | None, new: RenderResult | None, prefix: str) -> ClusterDiff:
    if new is None or old is None:
        name = _name(old, new)
        files = diff_files(old.files if old else {}, new.files if new else {}, prefix)
        return ClusterDiff(name, [_lifecycle_change(name, added=old is None)], files)
    old_files = align_headers(old.files, old.spec.name, new.spec.name)
    return ClusterDiff(new.name, diff_clusters(_effective(old), _effective(new)),
                       diff_files(old_files, new.files, prefix))


def diff_results(old: Sequence[RenderResult], new: Sequence[RenderResult]) -> DiffReport:
    """Pair the clusters of two rendered spec files and diff each pair, semantically and as HCL."""
    pairs = _pairs(old, new)
    several = len(pairs) > 1
    return DiffReport([_pair_diff(a, b, f"{_name(a, b)}/" if several else "") for a, b in pairs])


def _name(old: RenderResult | None, new: RenderResult | None) -> str:
    item = new or old
    assert item is not None
    return item.name


def risk_table() -> list[tuple[str, str, str, str]]:
    """(area, field, risk, reason) for every fixed rule; computed rules show their docstring."""
    tables = {CLUSTER: CLUSTER_RULES, f"{VPC} (new)": NEW_VPC_RULES, f"{VPC} (existing)": EXISTING_VPC_RULES,
              ACCESS: ACCESS_RULES, ACCESS_ENTRY: ACCESS_ENTRY_RULES, ADDON: ADDON_RULES,
              NODE_GROUP: NODE_GROUP_RULES, SELF_MANAGED: SELF_MANAGED_RULES, FARGATE: FARGATE_RULES,
              SERVICE_ACCOUNT: SERVICE_ACCOUNT_RULES, TERRAFORM: TERRAFORM_RULES}
    rows: list[tuple[str, str, str, str]] = []
    for area, rules in tables.items():
        for name, rule in rules.items():
            if isinstance(rule, Rule):
                rows.append((area, name, rule.risk, rule.reason))
            else:
                rows.append((area, name, "computed", (rule.__doc__ or "").strip()))
    return rows


ORDER_ONLY = "the rendered files differ only in the order of named things, which Terraform ignores"


def format_text(report: DiffReport) -> str:
    """Changes grouped by area, one line each, then the unified diff of the rendered files."""
    diffs = report.file_diffs()
    if not report.has_changes:
        return "no changes\n" + (f"({ORDER_ONLY})\n\n{diffs}" if diffs else "")
    lines: list[str] = []
    for cluster in report.clusters:
        lines += _text_cluster(cluster)
    lines.append(f"overall: {report.worst_risk}")
    return "\n".join(lines) + "\n" + (f"\n{diffs}" if diffs else "")


def _text_cluster(cluster: ClusterDiff) -> list[str]:
    if not cluster.changes:
        return [f"{cluster.name}: no changes", ""]
    lines = [f"{cluster.name}: {len(cluster.changes)} change(s), worst risk: {cluster.worst_risk}"]
    for area, risk in cluster.area_risks().items():
        lines.append(f"  {area} [{risk}]")
        lines += [f"    {c.summary()} [{c.risk}]" + (f" -- {c.note}" if c.note else "")
                  for c in cluster.changes if c.area == area]
    return [*lines, ""]


def format_markdown(report: DiffReport) -> str:
    """A pull-request comment: a heading, a table of changes with risk, the HCL diff folded away."""
    if not report.has_changes:
        diffs = report.file_diffs()
        return "## eksgen diff\n\nNo changes.\n" + (f"({ORDER_ONLY})\n\n{_folded(diffs)}" if diffs else "")
    parts = [f"## eksgen diff: worst risk **{report.worst_risk}**\n"]
    parts += [_markdown_cluster(cluster) for cluster in report.clusters]
    return "\n".join([*parts, _legend(report)])


def _legend(report: DiffReport) -> str:
    risks = [r for r in RISK_ORDER if any(c.risk == r for cd in report.clusters for c in cd.changes)]
    return "".join(f"- **{risk}**: {RISK_MEANING[risk]}\n" for risk in risks)


def _markdown_cluster(cluster: ClusterDiff) -> str:
    head = f"### {cluster.name}: {len(cluster.changes)} change(s), worst risk **{cluster.worst_risk or 'none'}**\n"
    rows = ["| Area | Subject | Change | Risk | Why |", "| --- | --- | --- | --- | --- |"]
    rows += [f"| {_cell(c.area)} | {_cell(c.subject)} | {_cell(_markdown_change(c))} | **{c.risk}** | "
             f"{_cell(c.note)} |" for c in cluster.changes]
    table = "\n".join(rows) + "\n" if cluster.changes else "No changes.\n"
    return f"{head}\n{table}\n{_markdown_files(cluster.files)}"


def _markdown_change(change: Change) -> str:
    if change.field in (ADDED, REMOVED):
        return change.field
    return f"`{change.field}`: `{show(change.old)}` {ARROW} `{show(change.new)}`"


def _markdown_files(files: dict[str, str]) -> str:
    return _folded("".join(files.values()), len(files)) if files else ""


def _folded(body: str, count: int | None = None) -> str:
    """A ```diff block inside <details>, so a long diff does not bury the table."""
    files = f" ({count} file(s))" if count else ""
    newline = "" if body.endswith("\n") else "\n"
    return f"<details>\n<summary>Terraform diff{files}</summary>\n\n```diff\n{body}{newline}```\n\n</details>\n"


def _cell(text: str) -> str:
    """Table cells are one line and must not end the cell early."""
    return text.replace("|", "\\|").replace("\n", " ")


def report_json(report: DiffReport) -> dict[str, Any]:
    """`{"changes": [...], "worstRisk": ..., "clusters": [...], "files": {name: unified diff}}`."""
    return {
        "changes": [c.as_json(cd.name) for cd in report.clusters for c in cd.changes],
        "worstRisk": report.worst_risk,
        "clusters": [{"name": cd.name, "worstRisk": cd.worst_risk, "areas": cd.area_risks()}
                     for cd in report.clusters],
        "files": {name: text for cd in report.clusters for name, text in cd.files.items()},
    }


def format_json(report: DiffReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
