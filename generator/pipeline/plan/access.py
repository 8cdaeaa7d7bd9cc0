"""Access entries: from the spec's entries and the converted aws-auth mappings."""

from __future__ import annotations

from generator.ir import Obj, Value
from generator.pipeline import awsauth
from generator.pipeline.effective import (
    AccessEntry,
    Cluster,
)
from generator.pipeline.keys import access_entry_keys, policy_arn, policy_key


def access_entries(cluster: Cluster) -> Obj | None:
    access = cluster.spec.access
    entries = [e for _, e in awsauth.all_entries(access)]
    keys = access_entry_keys([e.principal_arn for e in entries])
    pairs = [(keys[e.principal_arn], _access_entry(e, cluster.metadata.region)) for e in entries]
    return Obj(tuple(pairs)) if pairs else None


def _access_entry(entry: AccessEntry, region: str) -> Obj:
    policies: list[tuple[str, Value]] = []
    for policy in entry.policies:
        arn = policy_arn(policy.policy, region)
        scope = Obj.from_pairs([("type", policy.scope),
                                ("namespaces", list(policy.namespaces or []) if policy.scope == "namespace" else None)])
        policies.append((policy_key(arn), Obj.of(policy_arn=arn, access_scope=scope)))
    return Obj.from_pairs([
        ("principal_arn", entry.principal_arn),
        ("type", entry.type if entry.type != "STANDARD" else None),
        ("kubernetes_groups", list(entry.kubernetes_groups) if entry.kubernetes_groups else None),
        ("user_name", entry.username),
        ("policy_associations", Obj(tuple(policies)) if policies else None),
    ])
