"""The upstream modules' map keys for what eksgen passes, derived from names alone.

The plan uses them to build the maps and the checks use them to find keys the module would
collide on (see modules/internals.json), so both read one definition.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from generator.facts.partition import partition

ACCESS_POLICY_ARN = "arn:{partition}:eks::aws:cluster-access-policy/{name}"


def _identifier(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "entry"
    return f"p_{key}" if key[0].isdigit() else key


def access_entry_keys(arns: list[str]) -> dict[str, str]:
    """The module map key of each principal, from its name alone: reordering entries moves no key.

    The key is the role or user name; principals sharing a name (other paths or accounts) all take
    `<account>_<path>_<name>` instead, and a role and a user that still share it
    `<account>_<role|user>_<path>_<name>`, so no key depends on which of them came first.
    """
    unique = list(dict.fromkeys(arns))
    keys = _unless_shared({arn: _identifier(arn.rsplit("/", 1)[-1]) for arn in unique}, lambda arn: _identifier(
        _account(arn) + "_" + arn.split(":", 5)[-1].split("/", 1)[-1]))
    return _unless_shared(keys, lambda arn: _identifier(_account(arn) + "_" + arn.split(":", 5)[-1]))


def _unless_shared(keys: dict[str, str], longer: Callable[[str], str]) -> dict[str, str]:
    """Each ARN keeps its key unless another ARN has the same one; then all of them take the longer form."""
    counts = Counter(keys.values())
    return {arn: key if counts[key] == 1 else longer(arn) for arn, key in keys.items()}


def _account(arn: str) -> str:
    return arn.split(":")[4] if arn.count(":") >= 5 else ""


def policy_arn(policy: str, region: str) -> str:
    return policy if policy.startswith("arn:") else ACCESS_POLICY_ARN.format(partition=partition(region), name=policy)


def policy_key(arn: str) -> str:
    """AmazonEKSAdminViewPolicy -> admin_view: the association key part, from the policy's name."""
    name = arn.rsplit("/", 1)[-1].removeprefix("AmazonEKS").removesuffix("Policy")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() or "policy"


def irsa_policy_keys(arns: list[str]) -> dict[str, str]:
    """`policies` map keys from the policy names, so reordering `policyArns` moves no attachment;
    names shared by several ARNs (other accounts or paths) take the account too."""
    names = [arn.rsplit("/", 1)[-1] for arn in arns]
    result: dict[str, str] = {}
    for arn, name in zip(arns, names, strict=True):
        account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        result[name if names.count(name) == 1 else f"{account}-{arn.split(':', 5)[-1]}"] = arn
    return dict(sorted(result.items()))
