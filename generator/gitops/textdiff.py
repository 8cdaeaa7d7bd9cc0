"""Unified diffs of rendered file sets: one helper for `render --check` and `eksgen diff`."""

from __future__ import annotations

import difflib
from pathlib import Path

from generator.pipeline.write import read_manifest


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


def directory_diff(out_dir: Path, files: dict[str, bytes]) -> str:
    """A unified diff from what is on disk to what the spec renders (owned files only)."""
    names = set(files) | set(read_manifest(out_dir) if out_dir.is_dir() else {})
    on_disk = {n: (out_dir / n).read_text("utf-8", errors="replace") for n in names if (out_dir / n).is_file()}
    prefix = f"{out_dir.as_posix().rstrip('/')}/" if str(out_dir) not in ("", ".") else ""
    rendered = {n: data.decode("utf-8") for n, data in files.items()}
    return "".join(diff_files(on_disk, rendered, prefix).values())  # headers name the cluster's directory
