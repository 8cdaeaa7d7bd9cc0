"""Writing many trees with one file-system sync per durability point: the same files, manifests and
reports as each tree written alone, the same order of durability points, old-or-new after a failure at
any step, and one tree's refusal never stopping the others."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.pipeline.write as W
import generator.pipeline.writegroup as G
from generator.errors import HandEditedFiles, UsageError
from generator.pipeline.write import MANIFEST, read_manifest, sha256, write_tree
from generator.pipeline.writegroup import TreeWrite, write_trees

META = {"eksgen": "test"}
OLD = {"a.tf": b"old a\n", "b.tf": b"old b\n", "gone.tf": b"old gone\n"}
NEW = {"a.tf": b"new a\n", "b.tf": b"old b\n", "c.tf": b"new c\n"}

pytestmark = pytest.mark.skipif(G._syncfs() is None, reason="syncfs is Linux's")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by relative path (the lock file's bytes are not the writer's)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "lock"}


def trees(root: Path, files: dict[str, bytes], count: int = 3) -> list[TreeWrite]:
    return [TreeWrite(root / f"cluster-{i}", {**files, "own.tf": f"{i}\n".encode()}, META) for i in range(count)]


def test_a_group_writes_what_each_tree_alone_writes(tmp_path: Path) -> None:
    alone, grouped = tmp_path / "alone", tmp_path / "grouped"
    for files in (OLD, NEW, NEW):  # a first render, a change with a stale file, then nothing to change
        expected = [write_tree(t.out_dir, t.files, t.meta) for t in trees(alone, files)]
        assert write_trees(trees(grouped, files)) == expected
        assert snapshot(grouped) == snapshot(alone)
    assert read_manifest(grouped / "cluster-1") == {n: sha256(d) for n, d in {**NEW, "own.tf": b"1\n"}.items()}


def record_events(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """"sync" for each file-system sync, "fsync" for any per-file one, and each rename's target."""
    events: list[str] = []
    real_syncfs, real_replace, real_fsync = G._syncfs(), os.replace, os.fsync
    assert real_syncfs is not None

    def syncfs(fd: int) -> int:
        events.append("sync")
        return real_syncfs(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(str(Path(dst).relative_to(root)))
        real_replace(src, dst)

    monkeypatch.setattr(G, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(W.os, "replace", replace)
    monkeypatch.setattr(W.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    return events


def test_each_durability_point_is_one_sync_for_the_whole_group(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_trees(trees(tmp_path, OLD))
    events = record_events(monkeypatch, tmp_path)
    write_trees(trees(tmp_path, NEW))
    manifests = [f"cluster-{i}/{MANIFEST}" for i in range(3)]
    assert events == [
        "sync",  # every staged file of every tree, before anything is renamed
        *manifests, "sync",  # each tree's intent, on disk before any of its files changes
        *[f"cluster-{i}/{n}" for i in range(3) for n in ("a.tf", "c.tf")], "sync",  # the files, before the claim
        *manifests, "sync",  # the manifests: a finished group is on disk
    ]


def test_one_tree_is_written_alone_with_its_own_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = record_events(monkeypatch, tmp_path)
    (report,) = write_trees(trees(tmp_path, OLD, count=1))
    assert not isinstance(report, Exception) and "sync" not in events and "fsync" in events


def test_without_syncfs_each_tree_is_written_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(G, "_syncfs", lambda: None)
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(W.os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    reports = write_trees(trees(tmp_path, OLD))
    assert all(not isinstance(r, Exception) for r in reports) and len(fsyncs) >= 3 * 4
    assert snapshot(tmp_path / "cluster-2")["own.tf"] == b"2\n"


def test_a_hand_edited_tree_is_refused_and_the_others_are_written(tmp_path: Path) -> None:
    write_trees(trees(tmp_path, OLD))
    (tmp_path / "cluster-1" / "a.tf").write_bytes(b"edited by hand\n")
    first, second, third = write_trees(trees(tmp_path, NEW))
    assert isinstance(second, HandEditedFiles)
    assert (tmp_path / "cluster-1" / "a.tf").read_bytes() == b"edited by hand\n"
    assert not isinstance(first, Exception) and not isinstance(third, Exception)
    assert [(tmp_path / f"cluster-{i}" / "c.tf").read_bytes() for i in (0, 2)] == [b"new c\n"] * 2


def test_a_failed_sync_stops_every_waiting_tree_before_its_next_step(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_trees(trees(tmp_path, OLD))
    before = snapshot(tmp_path)
    monkeypatch.setattr(G, "_syncfs", lambda: lambda fd: -1)
    results = write_trees(trees(tmp_path, NEW))
    assert all(isinstance(r, UsageError) and "cannot write" in str(r) for r in results)
    assert snapshot(tmp_path) == before  # the first point failed: nothing was renamed, no temp is left


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM in the middle of the group: it propagates."""


class Failed(OSError):
    """One file system call of one tree failing: that tree's result, the others go on."""


def failing_at(monkeypatch: pytest.MonkeyPatch, fail_at: int | None,
               kind: type[BaseException] = Interrupted) -> list[str]:
    """Count staged writes, renames and syncs; raise at the `fail_at`-th."""
    calls: list[str] = []
    real_syncfs = G._syncfs()
    assert real_syncfs is not None

    def counted(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object) -> object:
            calls.append(name)
            if len(calls) == fail_at:
                raise kind(f"{name} #{fail_at}")
            return real(*args)
        return call

    monkeypatch.setattr(W.os, "replace", counted("replace", os.replace))
    monkeypatch.setattr(W.os, "write", counted("write", os.write))
    syncfs = counted("sync", real_syncfs)
    monkeypatch.setattr(G, "_syncfs", lambda: syncfs)
    return calls


@pytest.mark.parametrize("kind", [Interrupted, Failed])
def test_a_failure_at_any_step_leaves_old_or_new_and_a_rerun_finishes(tmp_path: Path,
                                                                     kind: type[BaseException]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        write_trees(trees(tmp_path / "probe", OLD))
        calls = failing_at(mp, None)
        write_trees(trees(tmp_path / "probe", NEW))
        total = len(calls)
    assert total > 20
    for fail_at in range(1, total + 1):
        root = tmp_path / f"run{fail_at}"
        write_trees(trees(root, OLD))
        with pytest.MonkeyPatch.context() as mp:
            failing_at(mp, fail_at, kind)
            if kind is Interrupted:
                with pytest.raises(Interrupted):
                    write_trees(trees(root, NEW))
            else:
                results = write_trees(trees(root, NEW))
                assert any(isinstance(r, UsageError) for r in results), fail_at
        for tree_old, tree_new in zip(trees(root, OLD), trees(root, NEW), strict=True):
            for name in set(tree_old.files) | set(tree_new.files):
                path = tree_new.out_dir / name
                if path.exists():
                    assert path.read_bytes() in (tree_old.files.get(name), tree_new.files.get(name)), (fail_at, path)
        assert not list(root.rglob("*.tmp")), fail_at
        assert all(not isinstance(r, Exception) for r in write_trees(trees(root, NEW)))  # no --force needed
        for tree in trees(root, NEW):
            assert {n: (tree.out_dir / n).read_bytes() for n in tree.files} == tree.files
            assert not (tree.out_dir / "gone.tf").exists()


@pytest.fixture
def other_fs(tmp_path: Path) -> Iterator[Path]:
    """A directory on another file system than tmp_path (a tmpfs), one that sorts before it."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev or str(shm) > str(tmp_path):
        pytest.skip("needs a second file system that sorts before the test's temporary directory")
    path = Path(tempfile.mkdtemp(dir=shm, prefix="eksgen-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def two_file_systems(tmp_path: Path, other_fs: Path) -> list[TreeWrite]:
    """Two trees on the tmpfs (first in sorted order), one on tmp_path's file system."""
    return [*trees(other_fs, NEW, count=2), trees(tmp_path, NEW)[2]]


def test_each_file_system_of_a_group_is_synced_once_per_durability_point(tmp_path: Path, other_fs: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = G._syncfs()
    assert real is not None
    devices: list[int] = []
    monkeypatch.setattr(G, "_syncfs", lambda: lambda fd: (devices.append(os.fstat(fd).st_dev), real(fd))[1])
    assert all(not isinstance(r, Exception) for r in write_trees(two_file_systems(tmp_path, other_fs)))
    both = {os.stat(other_fs).st_dev, os.stat(tmp_path).st_dev}
    assert [set(devices[i:i + 2]) for i in range(0, len(devices), 2)] == [both] * 4  # four points, two syncs each


def test_a_failed_sync_names_the_directory_whose_file_system_failed(tmp_path: Path, other_fs: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real, failing = G._syncfs(), os.stat(tmp_path).st_dev
    assert real is not None

    def syncfs(fd: int) -> int:
        if os.fstat(fd).st_dev != failing:
            return real(fd)
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(G, "_syncfs", lambda: syncfs)
    results = write_trees(two_file_systems(tmp_path, other_fs))
    assert [str(r) for r in results] == [f"cannot write {tmp_path / 'cluster-2'}: Input/output error"] * 3


def test_a_failure_without_a_file_name_names_its_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if "cluster-1" in str(dst):
            raise OSError(errno.EIO, "Input/output error")  # as a failing disk says it: no file name
        real_replace(src, dst)

    monkeypatch.setattr(W.os, "replace", replace)
    first, second, third = write_trees(trees(tmp_path, OLD))
    assert str(second) == f"cannot write {tmp_path / 'cluster-1'}: Input/output error"
    assert not isinstance(first, Exception) and not isinstance(third, Exception)


def test_syncing_file_systems_without_syncfs_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(G, "_syncfs", lambda: None)
    with pytest.raises(OSError, match=r"^syncfs is not available on this system$"):
        G.sync_file_systems([tmp_path])


@pytest.mark.parametrize("count", [1, 3])  # one tree is written alone, several as a group
def test_force_overwrites_a_hand_edited_tree(tmp_path: Path, count: int) -> None:
    write_trees(trees(tmp_path, OLD, count))
    (tmp_path / "cluster-0" / "a.tf").write_bytes(b"edited by hand\n")
    forced = [TreeWrite(t.out_dir, t.files, t.meta, force=True) for t in trees(tmp_path, NEW, count)]
    assert all(not isinstance(r, Exception) for r in write_trees(forced))
    assert (tmp_path / "cluster-0" / "a.tf").read_bytes() == b"new a\n"
