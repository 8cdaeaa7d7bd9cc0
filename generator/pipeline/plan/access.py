"""Access entries: from the spec's entries and the converted aws-auth mappings."""

from __future__ import annotations

import re

from generator.facts.partition import partition
from generator.ir import Obj, Value
from generator.pipeline import awsauth
from generator.pipeline.model import (
    AccessEntry,
    Cluster,
)

ACCESS_POLICY_ARN = "arn:{partition}:eks::aws:cluster-access-policy/{name}"


def access_entry_key(arn: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", arn.rsplit("/", 1)[-1].lower()).strip("_") or "entry"
    if base[0].isdigit():
        base = f"p_{base}"
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    used.add(key)
    return key


def access_entries(cluster: Cluster) -> Obj | None:
    access = cluster.spec.access
    assert access is not None
    used: set[str] = set()
    pairs = [(access_entry_key(e.principal_arn, used), _access_entry(e, cluster.metadata.region))
             for _, e in awsauth.all_entries(access.entries or [], access.aws_auth)]
    return Obj(tuple(pairs)) if pairs else None


def _access_entry(entry: AccessEntry, region: str) -> Obj:
    policies: list[tuple[str, Value]] = []
    for index, policy in enumerate(entry.policies or []):
        arn = policy.policy if policy.policy.startswith("arn:") else ACCESS_POLICY_ARN.format(
            partition=partition(region), name=policy.policy)
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", arn.rsplit("/", 1)[-1].removeprefix("AmazonEKS")
                      .removesuffix("Policy")).lower() or "policy"
        scope = Obj.from_pairs([("type", policy.scope),
                                ("namespaces", list(policy.namespaces or []) if policy.scope == "namespace" else None)])
        key = name if all(k != name for k, _ in policies) else f"{name}_{index}"
        policies.append((key, Obj.of(policy_arn=arn, access_scope=scope)))
    return Obj.from_pairs([
        ("principal_arn", entry.principal_arn),
        ("type", entry.type if entry.type != "STANDARD" else None),
        ("kubernetes_groups", list(entry.kubernetes_groups) if entry.kubernetes_groups else None),
        ("user_name", entry.username),
        ("policy_associations", Obj(tuple(policies)) if policies else None),
    ])
