"""Where each cluster's files go: beside its spec, or in `-o` (one directory per cluster for several)."""

from __future__ import annotations

import os
import re
from pathlib import Path


def output_dir(spec: Path, out_dir: Path | None, name: str, count: int) -> Path:
    """Where a cluster is written: beside its spec, or `out_dir` (`out_dir/<name>` for one of several)."""
    if out_dir is None:
        return spec.parent / name
    return out_dir / name if count > 1 else out_dir


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # one path component, never "." or ".."


def output_path(spec: Path | str, out_dir: Path | str | None, name: str, count: int) -> str:
    """`str(output_dir(...))` for a spec and `out_dir` written as `str(Path)` writes them, joined as
    text (an unchanged fleet's survey asks this thousands of times)."""
    if not _PLAIN_NAME.fullmatch(name):
        return str(output_dir(Path(spec), None if out_dir is None else Path(out_dir), name, count))
    if out_dir is None:
        return os.path.join(os.path.dirname(spec), name)
    out = os.fspath(out_dir)
    if count > 1:
        return os.path.join(out, name) if out != "." else name
    return out
