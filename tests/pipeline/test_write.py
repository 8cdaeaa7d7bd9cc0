"""Ownership and safety of the write stage: manifest, refusal, stale removal, path escapes,
locking, and atomicity under SIGKILL at arbitrary points."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.errors import HandEditedFiles, UsageError
from generator.pipeline.write import MANIFEST, read_manifest, sha256, write_tree

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


def test_symlink_is_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "eks.tf").symlink_to(victim)
    with pytest.raises((UsageError, HandEditedFiles)):
        write_tree(out, {"eks.tf": b"x"}, META)
    assert victim.read_text() == "precious\n"


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
    cmd = [sys.executable, "-m", "generator", "render", str(spec_file), "-o", str(out), "--today", "2026-11-25"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(60) for p in procs] == [0, 0]
    manifest = read_manifest(out)
    for name, digest in manifest.items():
        assert sha256((out / name).read_bytes()) == digest


KILL_SCRIPT = """
import sys
from pathlib import Path
from generator.pipeline.write import write_tree
out, tag = Path(sys.argv[1]), sys.argv[2].encode()
files = {f"f{i}.tf": (tag * 200_000) + b"\\n" for i in range(8)}
write_tree(out, files, {"tag": sys.argv[2]})
"""


def test_sigkill_at_random_points_leaves_old_or_new(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
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
