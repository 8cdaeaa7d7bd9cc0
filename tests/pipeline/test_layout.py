"""Where each cluster's files go (generator/pipeline/layout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline.layout import output_dir, output_path


@pytest.mark.parametrize(("out_dir", "count", "expected"), [
    (None, 1, "specs/demo"), (None, 2, "specs/demo"),  # beside the spec, always under its name
    ("out", 1, "out"),  # one cluster: the directory itself
    ("out", 2, "out/demo"),  # several: one directory each
])
def test_output_dir(out_dir: str | None, count: int, expected: str) -> None:
    spec = Path("specs/cluster.yaml")
    assert output_dir(spec, Path(out_dir) if out_dir else None, "demo", count) == Path(expected)


SPECS = ["c.yaml", "/c.yaml", "specs/c.yaml", "/abs/specs/c.yaml", "../up/c.yaml", "a b/c.yaml", "é/c.yaml"]
OUT_DIRS = [None, ".", "/", "out", "out/sub", "/abs/out", "../up", "a b"]
NAMES = ["demo", "team-0007", "a_b", "x.y", "", ".", "..", "...", "a/b", "/abs", "x/./y", "a//b", "sub/", "é",
         "-lead", ".hidden"]


@pytest.mark.parametrize("spec", SPECS)
def test_output_path_is_output_dir_as_text(spec: str) -> None:
    """The survey's pathlib-free output_path names exactly what output_dir names, for every layout and
    for names a manifest might hold (odd ones go through output_dir itself)."""
    for out_dir in OUT_DIRS:
        for name in NAMES:
            for count in (0, 1, 2):
                expected = str(output_dir(Path(spec), None if out_dir is None else Path(out_dir), name, count))
                assert output_path(spec, out_dir, name, count) == expected, (spec, out_dir, name, count)
                as_paths = output_path(Path(spec), None if out_dir is None else Path(out_dir), name, count)
                assert as_paths == expected, (spec, out_dir, name, count)  # the survey passes Paths
