"""The `to` of an import block against what the modules really declare: each step of the address
(module calls, then the resource) names something the pinned module has, with the right kind of
instance key (`[0]` for count, `["key"]` for for_each, none for neither).

The facts are the registry's `import_targets` (modules/index.json), read from the pinned sources.
eksgen's own module calls and resources have neither count nor for_each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.terraform.registry import KeyKind, registry

STEP = re.compile(r'(?P<name>module\.[A-Za-z0-9_-]+|[a-z0-9_]+\.[A-Za-z0-9_-]+)'
                  r'(?:\[(?:(?P<count>[0-9]+)|"(?P<each>[^"\\]*)")\])?(?:\.|$)')


@dataclass(frozen=True)
class Step:
    name: str  # module.<label> or <type>.<name>
    key: KeyKind


def parse_address(text: str) -> list[Step] | None:
    """The steps of a resource instance address, or None when it is not one."""
    steps: list[Step] = []
    position = 0
    while position < len(text):
        match = STEP.match(text, position)
        if match is None:
            return None
        key: KeyKind = "count" if match["count"] is not None else "for_each" if match["each"] is not None else "none"
        steps.append(Step(match["name"], key))
        position = match.end()
    if not steps or text.endswith(".") or any(s.name.startswith("module.") for s in steps[-1:]) or any(
            not s.name.startswith("module.") for s in steps[:-1]):
        return None
    return steps


def _keys(steps: list[Step]) -> str:
    return ", ".join(f"{s.name}: {s.key}" for s in steps)


def target_problem(to: str, modules: dict[str, str | None], resources: frozenset[str]) -> str | None:
    """Why `to` names no resource the output declares, or None. `modules` maps each module label of the
    output to its registry key (None for a module eksgen does not know); `resources` are the root
    module's own resource addresses."""
    steps = parse_address(to)
    if steps is None:
        return f"import {to}: not a resource instance address"
    first, rest = steps[0], steps[1:]
    if not rest:
        if first.name not in resources:
            return f"import {to}: no resource {first.name!r} in the output"
        return None if first.key == "none" else f"import {to}: {first.name} has neither count nor for_each"
    label = first.name.removeprefix("module.")
    if label not in modules:
        return f"import {to}: no module {label!r} in the output"
    if first.key != "none":
        return f"import {to}: module {label!r} has neither count nor for_each"
    key = modules[label]
    address = ".".join(s.name for s in rest)
    targets = {t.address: t.keys for t in registry().modules[key].import_targets} if key else {}
    if address not in targets:
        return f"import {to}: no resource {address!r} recorded in {key or label}'s import targets"
    expected = [Step(s.name, k) for s, k in zip(rest, targets[address], strict=True)]
    if expected != rest:
        return f"import {to}: instance keys ({_keys(rest)}) do not match the module's ({_keys(expected)})"
    return None
