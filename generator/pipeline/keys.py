"""The upstream modules' map keys for what eksgen passes, derived from names alone.

The plan uses them to build the maps and the checks use them to find keys the module would
collide on (see modules/internals.json), so both read one definition.
"""

from __future__ import annotations

import hashlib
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
    `<account>_<path>_<name>` instead, a role and a user that still share it
    `<account>_<role|user>_<path>_<name>`, and names that an identifier cannot tell apart (`a-b`, `a_b`)
    that key and a digest of their ARN, so no key depends on which of them came first.
    """
    unique = list(dict.fromkeys(arns))
    keys = _unless_shared({arn: _identifier(arn.rsplit("/", 1)[-1]) for arn in unique}, lambda arn: _identifier(
        _account(arn) + "_" + arn.split(":", 5)[-1].split("/", 1)[-1]))
    keys = _unless_shared(keys, lambda arn: _identifier(_account(arn) + "_" + arn.split(":", 5)[-1]))
    # Names that differ only where an identifier cannot (`role/a-b`, `role/a_b`, `role/A_b`) still meet:
    # a map with one key twice keeps the last entry, and the first principal would lose its access.
    return _unless_shared(keys, lambda arn: f"{keys[arn]}_{_digest(arn)}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


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
