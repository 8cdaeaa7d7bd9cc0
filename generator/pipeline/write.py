"""Stage 9, write: atomic, lock-protected, and only ever touching files eksgen owns.

A manifest (`.eksgen/manifest.json`, written last) records the SHA-256 of every file
eksgen wrote. A file whose bytes no longer match was edited by hand and is never
overwritten without `force`; a file eksgen never wrote is never touched at all.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import HandEditedFiles, UsageError, quote_name
from generator.pipeline.lock import exclusive, open_no_follow, state_dir, wait_seconds

STATE_DIR = ".eksgen"
MANIFEST = f"{STATE_DIR}/manifest.json"
IMPORT_BLOCKS_MARK = "+import-blocks"  # on a recorded spec hash: rendered with imports.tf, never replayed
LOCK = f"{STATE_DIR}/lock"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class WriteReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class ManifestRecord:
    """A manifest as read: its checked `files` and `pending` entries, and the whole record."""

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)


def read_manifest_record(out_dir: Path | str) -> ManifestRecord:
    """The manifest, read once without following a symlink, every `files` and `pending` entry
    checked (empty when there is none)."""
    directory = os.fspath(out_dir)
    state, path = (os.path.join(directory, STATE_DIR), os.path.join(directory, MANIFEST)) if directory != "." else (
        STATE_DIR, MANIFEST)  # as pathlib writes them
    if os.path.islink(state):
        raise UsageError(f"refusing to use {state}: it is a symlink")
    try:
        fd = open_no_follow(path, os.O_RDONLY)
    except FileNotFoundError:
        return ManifestRecord()
    try:
        with os.fdopen(fd, "rb") as handle:
            record = json.loads(handle.read(MAX_MANIFEST_BYTES + 1))
        read = ManifestRecord({str(k): str(v) for k, v in record.get("files", {}).items()},
                              {str(k): str(v) for k, v in record.get("pending", {}).items()}, record)
    except (ValueError, AttributeError) as exc:
        raise UsageError(f"{path}: unreadable manifest ({exc}); remove it to start over") from exc
    for name in [*read.files, *read.pending]:
        problem = unsafe_name(name)
        if problem:
            raise UsageError(f"{path}: entry {name!r} {problem}; remove the manifest to start over")
    return read


@functools.lru_cache(maxsize=1024)
def unsafe_name(name: str) -> str | None:
    """Why a manifest or output name could reach outside the output directory, or None (a pure
    function of the name, asked for the same few names by every cluster of a fleet)."""
    if not name or "\0" in name or "\\" in name or not name.isprintable():
        return "is not a plain file name"
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        return "points outside the output directory"
    if path.parts[0] == STATE_DIR:
        return "is inside eksgen's state directory"
    return None


def read_manifest(out_dir: Path) -> dict[str, str]:
    """File name -> SHA-256 of the bytes eksgen last wrote completely."""
    return read_manifest_record(out_dir).files


def read_pending(out_dir: Path) -> dict[str, str]:
    """Hashes a run intended to write but may not have finished (it was killed)."""
    return read_manifest_record(out_dir).pending


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Write to a temp file in the same directory, fsync, then rename over the target.

    `sync_dir=False` leaves the directory fsync to the caller, who batches it.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")  # any length matches `.NAME.*.tmp`
    try:
        _write_and_rename(tmp, path, data)
    except OSError as exc:  # name the file being written (disk full has no file name of its own)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    if sync_dir:
        _fsync_dir(path.parent)


def _write_and_rename(tmp: Path, path: Path, data: bytes) -> None:
    # os.open with 0o666 lets the umask decide the mode, as for any file a tool writes; mkstemp forces 0o600.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe_target(out_dir: Path, name: str) -> Path:
    target = out_dir / name
    if unsafe_name(name):
        raise UsageError(f"refusing to write outside {out_dir}: {quote_name(name)}")
    # Not a symlink, a target resolves where its directory does: inside when that is out_dir itself.
    if target.is_symlink() or (target.parent != out_dir
                               and not target.parent.resolve().is_relative_to(out_dir.resolve())):
        raise UsageError(f"refusing to write through a symlink or outside {out_dir}: {name}")
    return target


@contextlib.contextmanager
def locked(out_dir: Path, limit: float | None = None) -> Iterator[None]:
    """An exclusive lock, so two renders into one directory run one after the other."""
    limit = wait_seconds() if limit is None else limit
    state_dir(out_dir, STATE_DIR)
    with exclusive(out_dir / LOCK, limit):
        yield


def _remove_interrupted_temps(out_dir: Path, names: set[str]) -> None:
    """Temp files a killed run left behind (`.NAME.*.tmp`); the targets themselves are intact."""
    wanted: dict[Path, set[str]] = {}
    for name in names:
        target = out_dir / name
        wanted.setdefault(target.parent, set()).add(target.name)
    for directory, bases in wanted.items():  # one listing per directory, not one per name
        try:
            entries = [entry.name for entry in os.scandir(directory)]
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.endswith(".tmp") and any(entry.startswith(f".{base}.") and len(entry) >= len(base) + 6
                                              for base in bases):  # as the glob `.NAME.*.tmp` matches
                # Under the lock nothing else removes it: missing_ok only guards a race (equivalent when False).
                (directory / entry).unlink(missing_ok=True)


def read_current(out_dir: Path, names: set[str]) -> dict[str, bytes | None]:
    """What is on disk, read once: bytes of regular files, None for anything else present."""
    current: dict[str, bytes | None] = {}
    for name in names:
        target = out_dir / name
        if target.is_file():
            current[name] = target.read_bytes()
        elif target.exists() or target.is_symlink():
            current[name] = None
    return current


def plan_conflicts(current: dict[str, bytes | None], files: dict[str, bytes], manifest: dict[str, str],
                   pending: dict[str, str] | None = None) -> list[str]:
    """Files eksgen would overwrite or delete that are not as it left them."""
    pending = pending or {}
    conflicts = []
    for name in sorted(set(files) | set(manifest)):
        if name not in current:
            continue
        current_bytes = current[name] or b""
        if name not in manifest:
            if sha256(current_bytes) == pending.get(name):
                continue
            if name in files and current_bytes != files[name]:
                conflicts.append(f"{name} (not written by eksgen)")
        elif sha256(current_bytes) not in (manifest[name], pending.get(name)) and files.get(name) != current_bytes:
            conflicts.append(f"{name} (edited since eksgen wrote it)")
    return conflicts


def _manifest_bytes(record: dict[str, object]) -> bytes:
    return (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()


def write_tree(out_dir: Path, files: dict[str, bytes], meta: dict[str, object], *, force: bool = False) -> WriteReport:
    """Write `files` into `out_dir` under the lock; a run with nothing to change touches nothing.

    The file system's refusals (not a directory, permission denied, disk full) are the user's
    environment, not a bug: they become a UsageError naming the path.
    """
    steps = write_steps(out_dir, files, meta, force=force, whole_file_system=False)
    with as_usage_error(out_dir):
        try:
            request = next(steps)
            while True:
                _sync_alone(request)
                request = steps.send(None)
        except StopIteration as done:
            report: WriteReport = done.value
            return report
        finally:
            steps.close()


@contextlib.contextmanager
def as_usage_error(out_dir: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        where = exc.filename or out_dir
        raise UsageError(f"cannot write {where}: {exc.strerror or exc}") from None


@dataclass
class Sync:
    """A durability point of a write: it goes on only once these are on disk.

    `fds`: staged files to fsync (empty when the driver syncs whole file systems); `directories`:
    directories whose entries must be on disk (fsynced alone; their file systems synced in a group).
    """

    fds: list[int] = field(default_factory=list)
    directories: list[Path] = field(default_factory=list)


def _sync_alone(request: Sync) -> None:
    _sync_together(request.fds)
    _fsync_dirs(request.directories)


def _refuse_links(out_dir: Path) -> None:
    """Symlinks where eksgen keeps its state, refused before anything is created (again under the lock)."""
    for name in (STATE_DIR, LOCK, MANIFEST):
        if (out_dir / name).is_symlink():
            raise UsageError(f"refusing to use {out_dir / name}: it is a symlink")


def write_steps(out_dir: Path, files: dict[str, bytes], meta: dict[str, object], *, force: bool,
                whole_file_system: bool) -> Generator[Sync, None, WriteReport]:
    """The write, one durability point at a time: it yields a Sync wherever what it did so far must
    be on disk before it goes on, and returns the report. The driver decides how to satisfy a Sync:
    one tree's fsyncs (write_tree), or one sync of each file system for many trees at once
    (writegroup); `whole_file_system` says which, so staged files need not stay open."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory")
    limit = wait_seconds()  # a bad setting is refused before anything is created
    _refuse_links(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = WriteReport()
    with locked(out_dir, limit):
        recorded = read_manifest_record(out_dir)
        manifest, pending = recorded.files, recorded.pending
        known = set(files) | set(manifest) | set(pending)
        _remove_interrupted_temps(out_dir, known | {MANIFEST})
        targets = {name: _safe_target(out_dir, name) for name in files}
        current = read_current(out_dir, known)
        # Files an interrupted run left intact are eksgen's too, however many runs were interrupted.
        owned = {**manifest, **{n: sha256(b) for n, b in current.items()
                                if b is not None and sha256(b) == pending.get(n)}}
        conflicts = plan_conflicts(current, files, owned, pending)
        if conflicts and not force:
            raise HandEditedFiles(conflicts)
        changed = {n for n, d in files.items() if current.get(n) != d}
        report.unchanged = sorted(set(files) - changed)
        record = _manifest_bytes({"files": {n: sha256(d) for n, d in sorted(files.items())}, **meta})
        stale = sorted(set(owned) - set(files))
        manifest_path = out_dir / MANIFEST
        if not changed and not stale and manifest_path.is_file() and manifest_path.read_bytes() == record:
            return report  # idempotent: files, manifest and their mtimes stay as they are
        # Intent first: a run killed mid-way leaves files the next run still recognises.
        intent = {"files": owned, "pending": {n: sha256(d) for n, d in sorted(files.items())}, **meta}
        writes = ([(manifest_path, _manifest_bytes(intent))] if changed else []) + \
            [(targets[n], files[n]) for n in sorted(changed)] + [(manifest_path, record)]
        with _staged(writes, keep_open=not whole_file_system) as (temps, fds):
            yield Sync(fds=fds, directories=sorted({t.parent for t in temps}) if whole_file_system else [])
            if changed:
                _publish(temps[0], manifest_path)
                yield Sync(directories=[manifest_path.parent])  # the intent is on disk before any file changes
            for name, temp in zip(sorted(changed), temps[1:-1], strict=True):
                (report.updated if name in current else report.created).append(name)
                _publish(temp, targets[name])
            yield Sync(directories=[out_dir])  # every rename above is on disk before the manifest claims the files
            for name in stale:
                target, on_disk = _safe_target(out_dir, name), current.get(name)
                # `owned` already holds the pending hash of a file an interrupted run left intact.
                if on_disk is not None and (force or sha256(on_disk) == owned[name]):
                    target.unlink()
                    report.removed.append(name)
            _publish(temps[-1], manifest_path)
            yield Sync(directories=[manifest_path.parent, *([out_dir] if report.removed else [])])  # finished
    return report


@contextlib.contextmanager
def _staged(writes: list[tuple[Path, bytes]], *, keep_open: bool) -> Iterator[tuple[list[Path], list[int]]]:
    """Every temp file written; yields their paths in order and, with `keep_open`, their open
    descriptors for the caller's fsync (else each is closed once written). Temps not renamed by the
    end are removed."""
    temps: list[Path] = []
    fds: list[int] = []
    try:
        for target, data in writes:
            temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
            temps.append(temp)
            try:
                fd = _stage(temp, data)
            except OSError as exc:  # name the file being written (disk full has no file name of its own)
                raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
            if keep_open:
                fds.append(fd)
            else:
                os.close(fd)
        yield temps, fds
    finally:
        for fd in fds:
            os.close(fd)
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def _stage(temp: Path, data: bytes) -> int:
    """`data` in a new temp file; returns its descriptor, left open for the batch's fsync."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        raise
    return fd


def _publish(temp: Path, target: Path) -> None:
    """A staged file takes its place (one hook for tests/faults, which interrupts between renames)."""
    os.replace(temp, target)


def _sync_together(fds: list[int]) -> None:
    """fsync every descriptor at once, from threads: a journaling file system (ext4's jbd2, xfs)
    folds concurrent syncs into one journal commit, so a cluster's files cost about one sync, not
    one each. Each fsync still returns only once its own file is on disk, as a lone one does."""
    if len(fds) <= 1:  # one descriptor needs no threads; through a one-thread pool (`< 1`) it is the same fsync
        for fd in fds:
            os.fsync(fd)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(fds), 16)) as pool:  # the cap is speed only: 17 is the same
        list(pool.map(os.fsync, fds))


def _fsync_dirs(directories: list[Path]) -> None:
    fds = [os.open(d, os.O_RDONLY) for d in directories]
    try:
        _sync_together(fds)
    finally:
        for fd in fds:
            os.close(fd)
