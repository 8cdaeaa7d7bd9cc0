"""Each step's spec: the spec file's own text with `kubernetesVersion` set to the step's version (the rest
of the file, comments included, unchanged), proven like any spec (checks, render, round trip, interface
check), and compared with the step before it by `eksgen diff`'s rules."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Issue, SpecInvalid, UsageError
from generator.gitops.diff import diff_clusters, worst
from generator.pipeline import overlay
from generator.pipeline.load import Document, load_documents
from generator.pipeline.run import build_document, check_document
from generator.pipeline.specfile import cluster_name
from generator.upgrade.model import Risk

VERSION_VALUE = re.compile(r"""(kubernetesVersion\s*:\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}#]+)""")
EXTENDS_VALUE = re.compile(r"""(extends\s*:\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}#]+)""")


def _document(text: str, file: str, name: str) -> Document:
    for doc in load_documents(text, file):
        if cluster_name(doc) == name:
            return doc
    raise UsageError(f"{file}: no cluster named {name!r} any more")


def _replace_at(lines: list[str], line: int, column: int, pattern: re.Pattern[str], value: str, file: str) -> None:
    text = lines[line - 1]
    head, tail = text[: column - 1], text[column - 1:]
    match = pattern.match(tail)
    if match is None:
        raise UsageError(f"{file}:{line}:{column}: cannot rewrite this value in place; write it as `key: value`")
    lines[line - 1] = head + match.group(1) + value + tail[match.end():]


def set_version(text: str, file: str, name: str, version: str) -> str:
    """`text` with cluster `name`'s kubernetesVersion set to `version`: replaced where the file writes it,
    else added as the first key of its `spec` (a version from an `extends` base is overridden here)."""
    doc = _document(text, file, name)
    lines = text.splitlines(keepends=True)
    written = doc.positions.get(("spec", "kubernetesVersion"))
    if written is not None and written.file is None:
        _replace_at(lines, written.line, written.column, VERSION_VALUE, f'"{version}"', file)
        return "".join(lines)
    own = sorted(p for loc, p in doc.positions.items() if len(loc) == 2 and loc[0] == "spec" and p.file is None)
    spec_key = doc.positions.get(("spec",))
    if not own or spec_key is None or spec_key.file is not None or own[0].line == spec_key.line:
        raise UsageError(f"{file}: cluster {name!r} has no block `spec:` of its own to add kubernetesVersion to")
    first = own[0]
    lines.insert(first.line - 1, " " * (first.column - 1) + f'kubernetesVersion: "{version}"\n')
    return "".join(lines)


def relocate(text: str, file: str, name: str, spec: Path, directory: Path) -> str:
    """The same spec written into `directory`: a relative `extends` is re-pointed at the same base."""
    doc = _document(text, file, name)
    where = doc.positions.get(("extends",))
    target = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if where is None or not isinstance(target, str) or Path(target).is_absolute():
        return text
    base = (spec.parent / target).resolve()
    lines = text.splitlines(keepends=True)
    _replace_at(lines, where.line, where.column, EXTENDS_VALUE,
                '"' + os.path.relpath(base, directory.resolve()).replace(os.sep, "/") + '"', file)
    return "".join(lines)


@dataclass
class Proof:
    effective: Any | None = None  # the checked model, even when the step's spec has errors (for its risks)
    errors: list[Issue] = field(default_factory=list)


def prove(text: str, spec: Path, name: str, today: dt.date | None) -> Proof:
    """Check and render one cluster of a stage spec in memory, as `eksgen render` would (nothing written)."""
    doc = overlay.resolve(_document(text, str(spec), name), spec)
    checked = check_document(doc, today=today, dated_as_warnings=True)
    if checked.errors or checked.effective is None:
        return Proof(checked.effective, checked.errors)
    try:
        built = build_document(doc, spec.name, today=today, dated_as_warnings=True)
    except SpecInvalid as exc:
        return Proof(checked.effective, [i for i in exc.issues if i.severity == "error"])
    return Proof(built.effective)


def risks(before: Any, after: Any) -> tuple[list[Risk], str | None]:
    changes = diff_clusters(before, after)
    return [Risk(c.summary(), c.risk, c.note) for c in changes], worst(c.risk for c in changes)
