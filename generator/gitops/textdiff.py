"""Unified diffs of rendered file sets: one helper for `render --check` and `eksgen diff`."""

from __future__ import annotations

import difflib


def diff_files(old: dict[str, str], new: dict[str, str], prefix: str = "") -> dict[str, str]:
    """A unified diff per file that differs (a file only on one side diffs against nothing)."""
    diffs = {}
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name, ""), new.get(name, "")
        if a != b:
            lines = difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                         fromfile=f"a/{prefix}{name}", tofile=f"b/{prefix}{name}")
            diffs[f"{prefix}{name}"] = "".join(lines)
    return diffs
