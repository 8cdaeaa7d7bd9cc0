"""Module calls of a root module, classified by source, with their arguments evaluated and every
argument the importer reads marked, so what is left over is reported where it was written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.adopt.terraform.evaluate import Scope
from generator.adopt.terraform.source import Block, Where, issue
from generator.adopt.terraform.values import Json, Unknown, has_unknown
from generator.errors import Issue

# Registry source (without a `//submodule` unless named) -> the kind the importer maps.
SOURCES = {
    "terraform-aws-modules/eks/aws": "eks",
    "terraform-aws-modules/vpc/aws": "vpc",
    "terraform-aws-modules/vpc/aws//modules/vpc-endpoints": "vpc_endpoints",
    "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts": "irsa",
    "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks": "irsa",  # iam v5
    "terraform-aws-modules/eks-pod-identity/aws": "pod_identity",
    "terraform-aws-modules/eks/aws//modules/karpenter": "karpenter",
}
_MAJOR = re.compile(r"(\d+)")
_SKIPPED = frozenset({"source", "version", "providers", "depends_on", "count", "for_each"})


@dataclass
class Reporter:
    """Findings of one import, in the order they are found (sorted when reported)."""

    issues: list[Issue] = field(default_factory=list)

    def warn(self, where: Where, loc: tuple[str | int, ...], message: str) -> None:
        self.issues.append(issue(where, loc, message, severity="warning"))

    def error(self, where: Where, loc: tuple[str | int, ...], message: str) -> None:
        self.issues.append(issue(where, loc, message))


@dataclass
class Call:
    """One module call: its label, kind and evaluated arguments."""

    label: str
    kind: str
    block: Block
    args: dict[str, Any]
    version: str | None
    used: set[str] = field(default_factory=set)

    @property
    def major(self) -> int | None:
        found = _MAJOR.search(self.version or "")
        return int(found.group(1)) if found else None

    def where(self, name: str) -> Where:
        attr = self.block.attributes.get(name)
        return attr.where if attr else self.block.where

    def loc(self, *path: str | int) -> tuple[str | int, ...]:
        return ("module", self.label, *path)

    def has(self, *names: str) -> bool:
        return any(n in self.args for n in names)

    def take(self, *names: str) -> tuple[str | None, Any]:
        """The first of `names` the call sets (v21 name first, then v20's), marked as read."""
        for name in names:
            if name in self.args:
                self.used.add(name)
                return name, self.args[name]
        return None, None

    def leftovers(self) -> list[str]:
        return [n for n in self.args if n not in self.used and n not in _SKIPPED]


def module_calls(root_blocks: list[Block], scope: Scope, report: Reporter) -> list[Call]:
    calls = []
    for block in root_blocks:
        if block.type != "module" or not block.labels:
            continue
        label = block.labels[0]
        source_attr = block.attributes.get("source")
        source = scope.evaluate(source_attr.expr, source_attr.where.file) if source_attr else None
        kind = SOURCES.get(source) if isinstance(source, str) else None
        if kind is None:
            report.warn(block.where, ("module", label), f"source {source!r} is not a module eksgen maps "
                        "(terraform-aws-modules eks, vpc, iam IRSA, eks-pod-identity); left out of the spec")
            continue
        version_attr = block.attributes.get("version")
        version = scope.evaluate(version_attr.expr, version_attr.where.file) if version_attr else None
        args = {name: scope.evaluate(attr.expr, attr.where.file) for name, attr in block.attributes.items()}
        calls.append(Call(label, kind, block, args, version if isinstance(version, str) else None))
    return calls


def describe(value: Any) -> str:
    if isinstance(value, Unknown):
        return f"{value.text or 'an expression'} ({value.reason})"
    if isinstance(value, Json):
        return "jsonencode(...)"
    return repr(value)


def first_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
    return next((u for u in (first_unknown(v) for v in items) if u is not None), None)


def literal(call: Call, report: Reporter, name: str, value: Any, expected: type | tuple[type, ...],
            what: str) -> Any:
    """`value` when it is literal and of the expected type; otherwise reported at the argument, None."""
    if has_unknown(value):
        unknown = first_unknown(value)
        report.warn(call.where(name), call.loc(name), f"{what}: {describe(unknown)} cannot be resolved offline; "
                    "left out of the spec, set it by hand")
        return None
    if value is None:
        return None
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in _types(expected)):
        report.warn(call.where(name), call.loc(name), f"{what}: {describe(value)} is not a {_type_names(expected)}; "
                    "left out of the spec")
        return None
    return value


def _types(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _type_names(expected: type | tuple[type, ...]) -> str:
    names = {str: "string", int: "number", bool: "bool", list: "list", dict: "map", float: "number"}
    return " or ".join(names.get(t, t.__name__) for t in _types(expected))


def strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
