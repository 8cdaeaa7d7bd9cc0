"""Reading a ClusterConfig through the project's bounded YAML loader, with typed, located access.

Every read marks its path as used; what the mapping never reads is reported afterwards
(`unread`), so no field of a ClusterConfig is lost without a warning. Wrong types are located
errors, collected rather than raised, so one run reports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.errors import Issue, Loc, Severity
from generator.pipeline.load import Document

API_VERSION = "eksctl.io/v1alpha5"
KIND = "ClusterConfig"

_TYPE_NAMES = {str: "text", bool: "true or false", int: "a whole number", dict: "a mapping", list: "a list"}


@dataclass
class Source:
    """One ClusterConfig document and what has been read from it."""

    doc: Document
    used: set[Loc] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.doc.file

    def report(self, loc: Loc, message: str, severity: Severity = "error") -> None:
        self.issues.append(self.doc.issue(Issue(loc=loc, message=message, severity=severity)))

    def raw(self, loc: Loc) -> Any:
        """The value at `loc` (None when absent); marks it and its ancestors used."""
        value: Any = self.doc.data
        for part in loc:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                return None
        for end in range(1, len(loc) + 1):
            self.used.add(loc[:end])
        return value

    def has(self, loc: Loc) -> bool:
        return self.raw(loc) is not None

    def typed(self, loc: Loc, kind: type) -> Any:
        value = self.raw(loc)
        if value is None:
            return None
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.report(loc, f"must be {_TYPE_NAMES.get(kind, kind.__name__)} (got {_shown(value)})")
            return None
        return value

    def text(self, loc: Loc) -> str | None:
        value = self.typed(loc, str)
        return value if isinstance(value, str) else None

    def flag(self, loc: Loc) -> bool | None:
        value = self.typed(loc, bool)
        return value if isinstance(value, bool) else None

    def number(self, loc: Loc) -> int | None:
        value = self.typed(loc, int)
        return value if isinstance(value, int) else None

    def mapping(self, loc: Loc) -> dict[str, Any]:
        value = self.typed(loc, dict)
        return value if isinstance(value, dict) else {}

    def items(self, loc: Loc) -> list[Loc]:
        """The paths of a list's items (each item still to be read)."""
        value = self.typed(loc, list)
        return [(*loc, i) for i in range(len(value))] if isinstance(value, list) else []

    def texts(self, loc: Loc) -> list[str] | None:
        if self.typed(loc, list) is None:
            return None
        found = [self.text(item) for item in self.items(loc)]
        return [t for t in found if t is not None]

    def text_map(self, loc: Loc) -> dict[str, str] | None:
        """A map of text values (labels, tags); numbers and booleans are refused, as eksctl's Go types do."""
        if self.typed(loc, dict) is None:
            return None
        values = {key: self.text((*loc, key)) for key in self.mapping(loc)}
        return {k: v for k, v in values.items() if v is not None}

    def unread(self, loc: Loc) -> list[Loc]:
        """Keys under the mapping at `loc` that nothing read (neither them nor anything inside)."""
        value = self.raw_unmarked(loc)
        if not isinstance(value, dict):
            return []
        return [(*loc, key) for key in value if (*loc, key) not in self.used]

    def raw_unmarked(self, loc: Loc) -> Any:
        value: Any = self.doc.data
        for part in loc:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        return value


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"{type(value).__name__} {value!r}"


def check_header(doc: Document) -> list[Issue]:
    """apiVersion and kind of a ClusterConfig; anything else is refused before mapping starts."""
    data = doc.data
    if not isinstance(data, dict):
        return [doc.issue(Issue(loc=(), message="a ClusterConfig document must be a mapping"))]
    issues = []
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        if key not in data:
            issues.append(Issue(loc=(key,), message=f"missing: an eksctl ClusterConfig has {key}: {expected}"))
        elif data[key] != expected:
            hint = "; this is already an eksgen spec" if data[key] in ("eksgen/v1alpha1", "Cluster") else ""
            issues.append(Issue(loc=(key,), message=f"must be {expected!r} (got {data[key]!r}){hint}"))
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        issues.append(Issue(loc=("metadata",), message="required: a mapping with name and region"))
    else:
        for key in ("name", "region"):
            if not isinstance(metadata.get(key), str):
                got = "missing" if key not in metadata else f"must be text (got {_shown(metadata[key])})"
                issues.append(Issue(loc=("metadata", key), message=f"required: {got}"))
    return [doc.issue(i) for i in issues]
