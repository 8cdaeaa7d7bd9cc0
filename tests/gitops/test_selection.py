"""Which files are bases (generator/gitops/selection.py): one row per kind of file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.gitops.selection import is_base

BASE = "apiVersion: eksgen/v1alpha1\nkind: ClusterBase\nspec: {}\n"


def _linked(path: Path) -> None:
    (path.parent / "target.yaml").write_text(BASE)
    path.symlink_to("target.yaml")


@pytest.mark.parametrize(("name", "make", "expected"), [
    ("base.yaml", lambda p: p.write_text(BASE), True),
    ("quoted.yaml", lambda p: p.write_text(BASE.replace("ClusterBase", '"ClusterBase"')), True),
    ("commented.yaml", lambda p: p.write_text(BASE.replace("ClusterBase", "ClusterBase  # shared")), True),
    ("cluster.yaml", lambda p: p.write_text(BASE.replace("ClusterBase", "Cluster")), False),
    ("indented.yaml", lambda p: p.write_text("spec:\n  kind: ClusterBase\n"), False),  # not a top-level key
    ("late.yaml", lambda p: p.write_text("#" * (1 << 20) + "\n" + BASE), False),  # beyond the first MiB
    ("empty.yaml", lambda p: p.write_text(""), False),
    ("missing.yaml", lambda p: None, False),
    ("dir.yaml", lambda p: p.mkdir(), False),
    ("fifo.yaml", lambda p: os.mkfifo(p), False),  # never waited on
    ("link.yaml", lambda p: _linked(p), True),  # followed, as the loader follows it
])
def test_is_base(tmp_path: Path, name: str, make: object, expected: bool) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    assert is_base(path) is expected
