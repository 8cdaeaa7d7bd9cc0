"""Writing many output trees at once with one sync per durability point, not one per file.

Each tree is written exactly as `write_tree` writes it (write.write_steps: lock, intent, files,
manifest), with the same order of durability points. Only the way a point is made durable differs:
all trees advance in lockstep to their next point, then each file system they live on is synced
once (Linux `syncfs`, which returns when every dirty file and directory entry of that file system
is on disk). So after a crash every file is old or new, and a finished group survives power loss,
at the cost of four syncs for the group instead of four or more per tree. Where `syncfs` is not
available (not Linux), each tree is written alone.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from generator.pipeline.write import Sync, WriteReport, as_usage_error, write_steps, write_tree

Steps = Generator[Sync, None, WriteReport]


@dataclass
class TreeWrite:
    """One output tree to write: what `write_tree` takes."""

    out_dir: Path
    files: dict[str, bytes]
    meta: dict[str, object]
    force: bool = False


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    return function


def sync_file_systems(directories: list[Path]) -> None:
    """Every file system holding one of `directories`, synced once each (a directory's own entry
    included: syncfs commits the journal)."""
    syncfs = _syncfs()
    if syncfs is None:
        raise OSError("syncfs is not available on this system")
    seen: set[int] = set()
    for directory in directories:
        fd = os.open(directory, os.O_RDONLY)
        try:
            device = os.fstat(fd).st_dev
            if device in seen:
                continue
            seen.add(device)
            if syncfs(fd) != 0:
                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno), str(directory))
        finally:
            os.close(fd)


def write_trees(trees: list[TreeWrite]) -> list[WriteReport | Exception]:
    """Each tree's report, or the exception its write raised (the others still finish); in order.

    One tree, or no syncfs: each tree alone (`write_tree`), whose fsyncs touch only its own files.
    """
    if len(trees) < 2 or _syncfs() is None:
        return [_alone(tree) for tree in trees]
    results: dict[int, WriteReport | Exception] = {}
    active: dict[int, Steps] = {}
    try:
        requests: dict[int, Sync] = {}
        for index, tree in enumerate(trees):
            steps = write_steps(tree.out_dir, tree.files, tree.meta, force=tree.force, whole_file_system=True)
            active[index] = steps
            _advance(index, steps, None, requests, results, active, tree.out_dir)
        while requests:
            directories = sorted({d for request in requests.values() for d in request.directories})
            sync_failed: Exception | None = None
            try:
                with as_usage_error(directories[0] if directories else Path(".")):
                    sync_file_systems(directories)
            except Exception as exc:  # every waiting tree stops here: nothing after this point is durable
                sync_failed = exc
            waiting, requests = requests, {}
            for index in sorted(waiting):
                _advance(index, active[index], sync_failed, requests, results, active, trees[index].out_dir)
    finally:
        for steps in active.values():
            steps.close()  # an interrupt: each unfinished tree unwinds (temps removed, lock released)
    return [results[i] for i in range(len(trees))]


def _advance(index: int, steps: Steps, failure: Exception | None, requests: dict[int, Sync],
             results: dict[int, WriteReport | Exception], active: dict[int, Steps], out_dir: Path) -> None:
    """Run one tree to its next durability point (recorded in `requests`) or to its end."""
    try:
        with as_usage_error(out_dir):
            requests[index] = steps.throw(failure) if failure is not None else steps.send(None)
    except StopIteration as done:
        results[index] = done.value
        active.pop(index).close()
    except Exception as exc:
        results[index] = exc
        active.pop(index).close()


def _alone(tree: TreeWrite) -> WriteReport | Exception:
    try:
        return write_tree(tree.out_dir, tree.files, tree.meta, force=tree.force)
    except Exception as exc:
        return exc
