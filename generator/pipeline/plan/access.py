"""Access entries: from the spec's entries and the converted aws-auth mappings."""

from __future__ import annotations

import re

from generator.facts.partition import partition
from generator.ir import Obj, Value
from generator.pipeline import awsauth
from generator.pipeline.effective import (
    AccessEntry,
    Cluster,
)

ACCESS_POLICY_ARN = "arn:{partition}:eks::aws:cluster-access-policy/{name}"


def _identifier(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "entry"
    return f"p_{key}" if key[0].isdigit() else key


def access_entry_keys(arns: list[str]) -> dict[str, str]:
    """The module map key of each principal, from its name alone: reordering entries moves no key.

    The key is the role or user name; principals sharing a name (other paths or accounts) all take
    `<account>_<path>_<name>` instead, so no key depends on which of them came first.
    """
    short = {arn: _identifier(arn.rsplit("/", 1)[-1]) for arn in arns}
    counts: dict[str, int] = {}
    for arn in dict.fromkeys(arns):
        counts[short[arn]] = counts.get(short[arn], 0) + 1
    keys = {}
    for arn in arns:
        if counts[short[arn]] == 1:
            keys[arn] = short[arn]
        else:
            account = arn.split(":")[4] if arn.count(":") >= 5 else ""
            keys[arn] = _identifier(account + "_" + arn.split(":", 5)[-1].split("/", 1)[-1])
    return keys


def policy_arn(policy: str, region: str) -> str:
    return policy if policy.startswith("arn:") else ACCESS_POLICY_ARN.format(partition=partition(region), name=policy)


def policy_key(arn: str) -> str:
    """AmazonEKSAdminViewPolicy -> admin_view: the association key part, from the policy's name."""
    name = arn.rsplit("/", 1)[-1].removeprefix("AmazonEKS").removesuffix("Policy")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() or "policy"


def access_entries(cluster: Cluster) -> Obj | None:
    access = cluster.spec.access
    entries = [e for _, e in awsauth.all_entries(access.entries, access.aws_auth)]
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
