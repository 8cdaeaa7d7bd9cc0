"""Field-by-field comparison of two effective specs; named things are matched, not indexed."""


import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generator.gitops.diff.risks import (
    ACCESS,
    ACCESS_ENTRY,
    ACCESS_ENTRY_KEY_RULE,
    ACCESS_ENTRY_RULES,
    ACCESS_ENTRY_SOURCES,
    ACCESS_RULES,
    ADDED,
    ADDON,
    ADDON_RULES,
    AREAS,
    CLUSTER,
    CLUSTER_RULES,
    COLLECTIONS,
    DOCUMENT,
    EXISTING_VPC_RULES,
    FALLBACK,
    FARGATE,
    FARGATE_IMMUTABLE,
    INSTANCE_REFRESH,
    LIFECYCLE,
    MANAGED_ROLL,
    NEW_VPC_RULES,
    NODE_GROUP,
    NODE_NETWORK_FIELDS,
    NODES_ROLL,
    REMOVED,
    REPLACE,
    SECTIONS,
    SELF_MANAGED,
    SUBNETS_FOLLOW_VPC,
    TERRAFORM,
    TERRAFORM_RULES,
    VPC,
    Change,
    Rule,
    RuleLike,
    Section,
    _minor,
)
from generator.pipeline import awsauth
from generator.pipeline.effective import Cluster
from generator.pipeline.keys import access_entry_keys


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
    entries = awsauth.all_entries(access)
    return {e.principal_arn: e.model_dump(by_alias=True, mode="json") for _, e in entries}


def _entry_keys(cluster: Cluster) -> dict[str, str]:
    """The module map key of each entry, as the plan assigns it (from names; never from positions)."""
    return access_entry_keys(list(_access_entries(cluster)))


def _access_entry_changes(old: Cluster, new: Cluster) -> list[Change]:
    changes = _keyed(ACCESS_ENTRY, _access_entries(old), _access_entries(new), ACCESS_ENTRY_RULES,
                     "principalArn")
    before, after = _entry_keys(old), _entry_keys(new)
    rule = ACCESS_ENTRY_KEY_RULE
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


