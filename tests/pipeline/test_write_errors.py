"""The writer's refusals from the file system, as the user reads them: each names the path it could
not write, also when the operating system's error carries no file name or no text."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import generator.pipeline.write as W
from generator.errors import UsageError
from generator.pipeline.write import atomic_write, write_tree

META = {"eksgen": "test"}


def failing_replace(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    def replace(src: str | Path, dst: str | Path) -> None:
        raise error

    monkeypatch.setattr(W.os, "replace", replace)


def test_a_failure_without_a_file_name_names_the_output_directory(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    failing_replace(monkeypatch, OSError(errno.EIO, "Input/output error"))  # as a failing disk says it
    with pytest.raises(UsageError) as caught:
        write_tree(tmp_path / "out", {"a.tf": b"a\n"}, META)
    assert str(caught.value) == f"cannot write {tmp_path / 'out'}: Input/output error"
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


@pytest.mark.parametrize(("error", "shown"), [
    (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
    (OSError("the disk went away"), "the disk went away"),  # no errno, no strerror: its own text
])
def test_a_single_file_write_names_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError,
                                            shown: str) -> None:
    failing_replace(monkeypatch, error)
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "cluster.yaml", b"x\n")
    assert (caught.value.strerror, caught.value.filename) == (shown, str(tmp_path / "cluster.yaml"))
    assert os.listdir(tmp_path) == []  # the temp file is gone too
