"""Ownership and safety of the write stage: manifest, refusal, stale removal, path escapes,
locking, and atomicity under SIGKILL at arbitrary points."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import generator.pipeline.write as W
from generator.errors import HandEditedFiles, UsageError
from generator.pipeline.write import MANIFEST, read_manifest, sha256, write_tree
from tests.helpers import REPO, TODAY_ARGS

META = {"eksgen": "test"}


def test_manifest_records_hashes_and_is_written_last(tmp_path: Path) -> None:
    report = write_tree(tmp_path, {"a.tf": b"a\n", "b.tf": b"b\n"}, META)
    assert report.created == ["a.tf", "b.tf"]
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["files"] == {"a.tf": sha256(b"a\n"), "b.tf": sha256(b"b\n")}
    assert manifest["eksgen"] == "test"


def test_stale_files_removed_only_when_unedited(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.tf": b"a\n", "iam.tf": b"i\n", "old.tf": b"o\n"}, META)
    (tmp_path / "old.tf").write_text("edited\n")
    with pytest.raises(HandEditedFiles, match=r"old\.tf"):
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    (tmp_path / "old.tf").write_text("o\n")
    report = write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    assert report.removed == ["iam.tf", "old.tf"]
    assert not (tmp_path / "iam.tf").exists()
    assert set(read_manifest(tmp_path)) == {"a.tf"}


def test_unowned_files_are_never_touched(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    write_tree(tmp_path, {"b.tf": b"b\n"}, META)
    assert (tmp_path / "README.md").read_text() == "mine\n"


def test_identical_unowned_file_is_adopted(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_bytes(b"a\n")
    report = write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    assert report.unchanged == ["a.tf"]


@pytest.mark.parametrize("name", ["../escape.tf", "/etc/passwd", "sub/../../x.tf"])
def test_paths_cannot_escape(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match="outside"):
        write_tree(tmp_path / "out", {name: b"x"}, META)


@pytest.mark.parametrize("force", [False, True])
def test_a_directory_symlinked_outside_is_not_written_through(tmp_path: Path, force: bool) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "sub").symlink_to(outside)
    with pytest.raises(UsageError, match=r"refusing to write through a symlink or outside .*: sub/x.tf"):
        write_tree(out, {"sub/x.tf": b"x"}, META, force=force)
    assert list(outside.iterdir()) == []
    (out / "inside").mkdir()
    (out / "alias").symlink_to(out / "inside")  # a link that stays inside is followed
    write_tree(out, {"alias/x.tf": b"x\n"}, META)
    assert (out / "inside" / "x.tf").read_bytes() == b"x\n"


# (leftover file, inside .eksgen?, removed?): what `.NAME.*.tmp` matches for the names eksgen knows
LEFTOVERS = [
    (".eks.tf.0123abcd.tmp", False, True),
    (".eks.tf..tmp", False, True),  # the glob's `*` may match nothing
    (".eks.tf.tmp", False, False),
    (".eks.tf.0123.tmpx", False, False),
    ("eks.tf.0123.tmp", False, False),
    (".other.tf.0123.tmp", False, False),
    (".eks.tf.notes", False, False),
    (".manifest.json.0123.tmp", True, True),
    (".manifest.json.0123.tmp", False, False),
]


@pytest.mark.parametrize(("leftover", "in_state", "removed"), LEFTOVERS,
                         ids=[f"{'state/' if s else ''}{name}" for name, s, _ in LEFTOVERS])
def test_only_temp_files_of_known_names_are_removed(tmp_path: Path, leftover: str, in_state: bool,
                                                    removed: bool) -> None:
    write_tree(tmp_path, {"eks.tf": b"a\n"}, META)
    path = tmp_path / (".eksgen" if in_state else "") / leftover
    path.write_bytes(b"left\n")
    write_tree(tmp_path, {"eks.tf": b"b\n"}, META)
    assert path.exists() is not removed


def test_a_missing_directory_does_not_stop_the_temp_file_sweep(tmp_path: Path) -> None:
    """A name in a directory that is gone (nothing to sweep there) comes first: the others are still swept."""
    leftover = tmp_path / ".eks.tf.0123.tmp"
    leftover.write_bytes(b"left\n")
    names = cast(set[str], ["gone/a.tf", "also/gone/b.tf", "eks.tf"])  # in this order: the missing ones first
    W._remove_interrupted_temps(tmp_path, names)
    assert not leftover.exists()


def test_symlink_is_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "eks.tf").symlink_to(victim)
    for force in (False, True):  # even --force never follows the link
        with pytest.raises(UsageError, match=r"refusing to write through a symlink or outside .*: eks.tf"):
            write_tree(out, {"eks.tf": b"x"}, META, force=force)
        assert victim.read_text() == "precious\n"
        assert (out / "eks.tf").is_symlink()


def test_concurrent_writers_serialise(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def run(payload: bytes) -> None:
        try:
            for _ in range(20):
                write_tree(tmp_path, {"a.tf": payload, "b.tf": payload}, META, force=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in (b"one\n", b"two\n")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    a, b = (tmp_path / "a.tf").read_bytes(), (tmp_path / "b.tf").read_bytes()
    assert a == b and read_manifest(tmp_path)["a.tf"] == sha256(a)


def test_two_concurrent_cli_renders(tmp_path: Path, spec_file: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "render", str(spec_file), "-o", str(out), *TODAY_ARGS]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(60) for p in procs] == [0, 0]
    manifest = read_manifest(out)
    for name, digest in manifest.items():
        assert sha256((out / name).read_bytes()) == digest


KILL_SCRIPT = """
import sys
from pathlib import Path
from typing import cast
from generator.pipeline.write import write_tree
out, tag = Path(sys.argv[1]), sys.argv[2].encode()
files = {f"f{i}.tf": (tag * 200_000) + b"\\n" for i in range(8)}
write_tree(out, files, {"tag": sys.argv[2]})
"""


def test_sigkill_at_random_points_leaves_old_or_new(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    versions = {"A": b"A" * 200_000 + b"\n", "B": b"B" * 200_000 + b"\n"}
    subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), "A"], check=True, env=env)
    rng = random.Random(1234)
    for attempt in range(12):
        tag = "B" if attempt % 2 == 0 else "A"
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(out), tag], env=env)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for i in range(8):
            assert (out / f"f{i}.tf").read_bytes() in versions.values(), f"torn file f{i}.tf after kill {attempt}"
        json.loads((out / MANIFEST).read_text())  # the manifest is never torn either
        # and the next run (no --force) still recognises every file as eksgen's
    subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), "A"], check=True, env=env)
    assert not list(out.glob(".*.tmp")), "leftover temp files are cleaned by the next run"


def test_files_get_the_umask_mode_not_private_temp_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    finally:
        os.umask(old)
    assert (tmp_path / "a.tf").stat().st_mode & 0o777 == 0o644


def test_an_output_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    from generator.errors import UsageError

    target = tmp_path / "out"
    target.write_text("not a directory\n")
    with pytest.raises(UsageError, match="is not a directory"):
        write_tree(target, {"a.tf": b"a\n"}, META)
    assert target.read_text() == "not a directory\n"


def test_file_system_refusals_become_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.errors import UsageError

    def full(*_: object, **__: object) -> int:
        raise OSError(28, "No space left on device", str(tmp_path / "a.tf"))

    monkeypatch.setattr(os, "open", full)
    with pytest.raises(UsageError, match="No space left on device"):
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)


# Reliability properties from shared/facts/reliability.md: idempotence (P8), crash safety by fault
# injection at every step (P13), no clobbering as a state machine (P11, P12).
OLD = {"a.tf": b"old a\n", "b.tf": b"old b\n", "gone.tf": b"old gone\n"}
NEW = {"a.tf": b"new a\n", "b.tf": b"old b\n", "c.tf": b"new c\n"}


def test_a_second_identical_write_touches_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, NEW, META)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"}
    os.utime(tmp_path / "a.tf", ns=(1, 1))  # any rewrite would move this
    stamps[tmp_path / "a.tf"] = 1
    report = write_tree(tmp_path, NEW, META)
    assert report.created == report.updated == report.removed == []
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


class Boom(Exception):
    pass


def _count_calls(monkeypatch: pytest.MonkeyPatch, fail_at: int | None) -> list[str]:
    """Patch replace, fsync and write; raise at the `fail_at`-th call (counting all three)."""
    calls: list[str] = []
    for name, owner in (("replace", W.os), ("fsync", W.os), ("write", W.os)):
        real = getattr(owner, name)

        def wrapped(*args: object, _real=real, _name=name) -> object:  # type: ignore[no-untyped-def]
            calls.append(_name)
            if fail_at is not None and len(calls) == fail_at:
                raise Boom(f"{_name} #{fail_at}")
            return _real(*args)

        monkeypatch.setattr(owner, name, wrapped)
    return calls


def test_a_failure_at_any_step_leaves_old_or_new_and_a_rerun_finishes(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        probe = tmp_path / "probe"
        write_tree(probe, OLD, META)
        calls = _count_calls(mp, None)
        write_tree(probe, NEW, META)
        total = len(calls)
    assert total > 5
    for fail_at in range(1, total + 1):
        out = tmp_path / f"run{fail_at}"
        write_tree(out, OLD, META)
        with pytest.MonkeyPatch.context() as mp:
            _count_calls(mp, fail_at)
            with pytest.raises(Boom):
                write_tree(out, NEW, META)
        for name in set(OLD) | set(NEW):
            path = out / name
            if path.exists():
                assert path.read_bytes() in (OLD.get(name), NEW.get(name)), (fail_at, name)
        write_tree(out, NEW, META)  # no --force: the interrupted run's files are recognised
        assert {n: (out / n).read_bytes() for n in NEW} == NEW and not (out / "gone.tf").exists()
        assert read_manifest(out) == {n: sha256(d) for n, d in NEW.items()}
        assert not list(out.glob(".*.tmp"))


SPECS = [{"a.tf": b"1\n", "b.tf": b"2\n"}, {"a.tf": b"1b\n"}, {"a.tf": b"1\n", "c.tf": b"3\n"}, {}]


class OwnershipMachine(RuleBasedStateMachine):
    """Renders alternate with a user's edits, new files and deletions. A model of the disk
    predicts every refusal; the directory must always equal the model (user bytes survive)."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="eksgen-sm-"))
        self.disk: dict[str, bytes] = {}  # what should be in the directory
        self.owned: dict[str, bytes] = {}  # what eksgen last wrote (its manifest)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _conflict(self, name: str, files: dict[str, bytes]) -> bool:
        if name not in self.disk:
            return False
        if name not in self.owned:  # unmanaged: only a byte-identical file may be adopted
            return name in files and self.disk[name] != files[name]
        return self.disk[name] != self.owned[name] and files.get(name) != self.disk[name]

    @rule(index=st.integers(0, len(SPECS) - 1))
    def render(self, index: int) -> None:
        files = SPECS[index]
        refused = any(self._conflict(n, files) for n in set(files) | set(self.owned))
        try:
            write_tree(self.root, files, META)
        except HandEditedFiles:
            assert refused, "refused although nothing was edited"
            return
        assert not refused, "overwrote or deleted a user's bytes"
        for name in set(self.owned) - set(files):
            self.disk.pop(name, None)  # stale and unedited: removed
        self.disk.update(files)
        self.owned = dict(files)

    @rule(name=st.sampled_from(["a.tf", "b.tf", "c.tf", "notes.md"]), data=st.binary(min_size=1, max_size=4))
    def user_writes(self, name: str, data: bytes) -> None:
        (self.root / name).write_bytes(data)
        self.disk[name] = data

    @rule(name=st.sampled_from(["a.tf", "b.tf", "c.tf", "notes.md"]))
    def user_deletes(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)
        self.disk.pop(name, None)

    @invariant()
    def directory_equals_the_model(self) -> None:
        actual = {p.name: p.read_bytes() for p in self.root.iterdir() if p.is_file()}
        assert actual == self.disk


OwnershipMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=12, deadline=None,
                                              suppress_health_check=list(HealthCheck))
TestOwnership = OwnershipMachine.TestCase


# --- the pending hashes of an interrupted run, and atomic writes ---------------------------------------

@pytest.mark.parametrize(("current", "pending", "conflicts"), [
    (b"interrupted\n", {"a.tf": sha256(b"interrupted\n")}, []),  # the killed run's own write: not an edit
    (b"interrupted\n", {}, ["a.tf (edited since eksgen wrote it)"]),
    (b"edited\n", {"a.tf": sha256(b"interrupted\n")}, ["a.tf (edited since eksgen wrote it)"]),
    (b"old\n", {"a.tf": sha256(b"interrupted\n")}, []),  # as eksgen left it
    (b"new\n", {}, []),  # edited by hand into exactly what eksgen writes now: nothing would be lost
])
def test_pending_hashes_of_an_interrupted_run_are_eksgens_own(current: bytes, pending: dict[str, str],
                                                               conflicts: list[str]) -> None:
    found = W.plan_conflicts({"a.tf": current}, {"a.tf": b"new\n"}, {"a.tf": sha256(b"old\n")}, pending)
    assert found == conflicts


@pytest.mark.parametrize(("pending", "conflicts"), [
    ({"new.tf": sha256(b"interrupted\n")}, []),
    ({}, ["new.tf (not written by eksgen)"]),
])
def test_pending_hash_adopts_a_file_the_interrupted_run_created(pending: dict[str, str],
                                                                 conflicts: list[str]) -> None:
    assert W.plan_conflicts({"new.tf": b"interrupted\n"}, {"new.tf": b"new\n"}, {}, pending) == conflicts


def test_interrupted_write_is_finished_by_the_next_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.tf": b"old\n"}, META)
    record = json.loads((tmp_path / MANIFEST).read_text())
    record["pending"] = {"a.tf": sha256(b"interrupted\n")}  # as a run killed after its first rename leaves it
    (tmp_path / MANIFEST).write_text(json.dumps(record))
    (tmp_path / "a.tf").write_bytes(b"interrupted\n")
    report = write_tree(tmp_path, {"a.tf": b"new\n"}, META)
    assert report.updated == ["a.tf"] and (tmp_path / "a.tf").read_bytes() == b"new\n"


def test_atomic_write_syncs_the_data_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(W.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(W.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    W.atomic_write(tmp_path / "a.tf", b"data\n", sync_dir=False)
    assert events == ["fsync", "replace"]
    events.clear()
    W.atomic_write(tmp_path / "b.tf", b"data\n")
    assert events == ["fsync", "replace", "fsync"]  # then the directory entry


def test_atomic_write_removes_its_temp_file_when_the_rename_fails(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.tf").write_bytes(b"old\n")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(W.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        W.atomic_write(tmp_path / "a.tf", b"new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tf"]
    assert (tmp_path / "a.tf").read_bytes() == b"old\n"



# --- the cheapest durable order (one batch of file syncs, then three ordered directory syncs) --------


def _durability_events(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[tuple[str, str]]:
    """(fsync | replace, what it names relative to `root`), in the order the writer makes them."""
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    real_fsync, real_replace = os.fsync, os.replace

    def name(path: str) -> str:
        relative = os.path.relpath(path, root)
        return "temp" if relative.endswith(".tmp") else relative

    def fsync(fd: int) -> None:
        with lock:
            events.append(("fsync", name(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        with lock:
            events.append(("replace", name(str(dst))))
        real_replace(src, dst)

    monkeypatch.setattr(W.os, "fsync", fsync)
    monkeypatch.setattr(W.os, "replace", replace)
    return events


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names descriptors through /proc")
def test_every_temp_is_on_disk_before_the_first_rename_and_each_step_before_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_tree(out, OLD, META)
    events = _durability_events(monkeypatch, out)
    report = write_tree(out, NEW, META)
    assert report.updated == ["a.tf"] and report.created == ["c.tf"] and report.removed == ["gone.tf"]
    temps = [("fsync", "temp")] * 4  # intent, a.tf, c.tf, final manifest: one batch, synced together
    assert events[:-2] == [*temps, ("replace", MANIFEST), ("fsync", ".eksgen"),  # the intent, before any file
                           ("replace", "a.tf"), ("replace", "c.tf"), ("fsync", "."),  # files, before the claim
                           ("replace", MANIFEST)]
    assert sorted(events[-2:]) == [("fsync", "."), ("fsync", ".eksgen")]  # the removal and the manifest
    assert read_manifest(out) == {n: sha256(d) for n, d in NEW.items()}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names descriptors through /proc")
def test_a_first_render_syncs_its_files_in_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    events = _durability_events(monkeypatch, out)
    write_tree(out, {"a.tf": b"a\n", "b.tf": b"b\n"}, META)
    assert events == [*[("fsync", "temp")] * 4, ("replace", MANIFEST), ("fsync", ".eksgen"), ("replace", "a.tf"),
                      ("replace", "b.tf"), ("fsync", "."), ("replace", MANIFEST), ("fsync", ".eksgen")]
