"""Issue 13, the writer, signals, the lock and the fleet, through the installed `eksgen` script.

Interruptions are deterministic: tests/faults/sitecustomize.py (on PYTHONPATH for these runs only)
sends the signal right after the N-th file eksgen writes, or fails a write as a full disk does.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import CLEAN_SPEC as BASE
from tests.helpers import EKSGEN, assert_clean_refusal, eksgen, snapshot, spec_with
from tests.helpers import TODAY as _TODAY

TODAY = _TODAY.isoformat()

FAULTS = Path(__file__).resolve().parent.parent / "faults"
RENDER = ("render", "cluster.yaml", "-o", "out", "--today", TODAY)


def _fault(spec: str) -> dict[str, str]:
    return {"EKSGEN_FAULT": spec, "PYTHONPATH": os.pathsep.join(filter(None, [str(FAULTS),
                                                                          os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    (path / "cluster.yaml").write_text(BASE)
    return path


def _rendered(work: Path) -> None:
    assert_clean_refusal(eksgen(*RENDER, cwd=work), 0, ())


# Item 4: nothing is created, written or deleted outside the output directory.
def _state_symlink(work: Path) -> None:
    (work.parent / "elsewhere").mkdir()
    (work / "out").mkdir()
    (work / "out" / ".eksgen").symlink_to(work.parent / "elsewhere")


def _lock_symlink(work: Path) -> None:
    (work / "out" / ".eksgen").mkdir(parents=True)
    (work / "out" / ".eksgen" / "lock").symlink_to(work.parent / "created-by-eksgen")


def _manifest_symlink(work: Path) -> None:
    (work.parent / "manifest.json").write_text('{"files": {}}')
    (work / "out" / ".eksgen").mkdir(parents=True)
    (work / "out" / ".eksgen" / "manifest.json").symlink_to(work.parent / "manifest.json")


def _manifest_escape(work: Path) -> None:
    _rendered(work)
    manifest = work / "out" / ".eksgen" / "manifest.json"
    record = json.loads(manifest.read_text())
    record["files"]["../x"] = "0" * 64
    manifest.write_text(json.dumps(record))
    (work / ".x.0123456789abcdef.tmp").write_text("a temp file outside out/, not eksgen's to delete")
    (work / "x").write_text("not eksgen's either")


def _manifest_absolute(work: Path) -> None:
    _rendered(work)
    manifest = work / "out" / ".eksgen" / "manifest.json"
    record = json.loads(manifest.read_text())
    record["files"][str(work / "cluster.yaml")] = "0" * 64
    manifest.write_text(json.dumps(record))


# (id, setup, message, exit code of render --check: it reads the manifest, never the lock)
ESCAPES = [
    ("state-dir-symlink", _state_symlink, "refusing to use out/.eksgen: it is a symlink", 2),
    ("lock-symlink", _lock_symlink, "refusing to use out/.eksgen/lock: it is a symlink", 1),
    ("manifest-symlink", _manifest_symlink, "refusing to use out/.eksgen/manifest.json: it is a symlink", 2),
    ("manifest-entry-parent", _manifest_escape, "entry '../x' points outside the output directory", 2),
    ("manifest-entry-absolute", _manifest_absolute, "points outside the output directory", 2),
]


@pytest.mark.parametrize("check", [False, True], ids=["render", "render-check"])
@pytest.mark.parametrize(("setup", "message", "check_code"), [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES])
def test_writer_never_leaves_the_output_directory(work: Path, setup: object, message: str, check_code: int,
                                                  check: bool) -> None:
    assert callable(setup)
    setup(work)
    before = snapshot(work.parent)
    run = eksgen(*RENDER, *(["--check"] if check else []), cwd=work)
    assert_clean_refusal(run, check_code if check else 2, (message,) if not check or check_code == 2 else ())
    assert snapshot(work.parent) == before


# Item 9: interrupted runs recover exactly as after Ctrl-C; SIGTERM exits 143.
@pytest.mark.parametrize(("sig", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
@pytest.mark.parametrize("after", [1, 2, 4])
def test_interrupted_render_cleans_up_and_the_next_run_recovers(work: Path, sig: str, code: int,
                                                                 after: int) -> None:
    run = eksgen(*RENDER, cwd=work, env=_fault(f"signal:{sig}:{after}"))
    assert run.code == code, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert ("terminated" if sig == "SIGTERM" else "interrupted") in run.stderr
    assert not list(work.rglob("*.tmp")), "a temp file survived the interruption"
    assert_clean_refusal(eksgen(*RENDER, cwd=work), 0, ())
    assert_clean_refusal(eksgen(*RENDER, "--check", cwd=work), 0, ())


def test_two_interrupted_renders_of_different_specs_then_a_normal_one(work: Path) -> None:
    _rendered(work)
    (work / "b.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 5"))
    (work / "c.yaml").write_text(spec_with(replace={"region: eu-west-1": "region: eu-west-1\n  tags:\n    a: b"}))
    for spec in ("b.yaml", "c.yaml"):
        run = eksgen("render", spec, "-o", "out", "--today", TODAY, cwd=work, env=_fault(f"signal:SIGTERM:{2}"))
        assert run.code == 143, run.stderr
    for spec in ("b.yaml", "c.yaml", "cluster.yaml"):
        run = eksgen("render", spec, "-o", "out", "--today", TODAY, cwd=work)
        assert_clean_refusal(run, 0, ())
        assert "edited since eksgen wrote it" not in run.stderr


def test_sigterm_from_outside_while_waiting_for_the_lock(work: Path) -> None:
    _rendered(work)
    with _held_lock(work / "out"):
        before = snapshot(work.parent)
        proc = subprocess.Popen([str(EKSGEN), *RENDER, "--force"], cwd=work, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "EKSGEN_LOCK_TIMEOUT": "60"})
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "waiting up to 60 s" in line and "pid 424242" in line, line
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 143, rest
        assert snapshot(work.parent) == before
    assert "Traceback" not in rest and "terminated" in rest


# Item 10: a held lock waits a bounded time while saying so, then exit 2 naming the holder.
class _held_lock:
    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> None:
        (self.out / ".eksgen").mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.out / ".eksgen" / "lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        os.write(self.fd, b"pid 424242 on ci-runner ('eksgen render x.yaml', since 2026-11-25T00:00:00Z)\n")

    def __exit__(self, *_: object) -> None:
        os.close(self.fd)


def test_a_held_lock_is_waited_for_a_bounded_time_then_named(work: Path) -> None:
    _rendered(work)
    (work / "cluster.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 5"))
    started = time.monotonic()
    with _held_lock(work / "out"):
        before = snapshot(work.parent)
        run = eksgen(*RENDER, cwd=work, env={"EKSGEN_LOCK_TIMEOUT": "1.5"})
        after = snapshot(work.parent)
    elapsed = time.monotonic() - started
    assert_clean_refusal(run, 2, ("waiting up to 1.5 s for out: locked by pid 424242 on ci-runner",
                                  "error: out is locked by pid 424242 on ci-runner ('eksgen render x.yaml', since "
                                  "2026-11-25T00:00:00Z); gave up after 1.5 s"))
    assert 1.5 <= elapsed < 30
    assert after == before
    assert_clean_refusal(eksgen(*RENDER, cwd=work), 0, ())  # released: the next run proceeds


@pytest.mark.parametrize("value", ["soon", "-1", "1e9"])
def test_a_bad_lock_timeout_is_a_usage_error(work: Path, value: str) -> None:
    before = snapshot(work.parent)
    assert_clean_refusal(eksgen(*RENDER, cwd=work, env={"EKSGEN_LOCK_TIMEOUT": value}), 2,
                         ("EKSGEN_LOCK_TIMEOUT must be",))
    assert snapshot(work.parent) == before


@pytest.mark.parametrize("write", [1, 2, 3])
def test_a_full_disk_names_the_file(work: Path, write: int) -> None:
    _rendered(work)
    (work / "cluster.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 5"))
    run = eksgen(*RENDER, cwd=work, env=_fault(f"enospc:{write}"))
    target = "out/eks.tf" if write == 2 else "out/.eksgen/manifest.json"  # intent, eks.tf, manifest
    assert_clean_refusal(run, 2, (f"error: cannot write {target}: No space left on device",))
    assert not list(work.rglob("*.tmp"))
    assert_clean_refusal(eksgen(*RENDER, cwd=work), 0, ())


# Item 5: the fleet and -j.
@pytest.mark.parametrize("metadata", ["metadata:", "metadata: x", "metadata: [a]"])
def test_a_fleet_reports_a_bad_spec_and_still_renders_and_reports_the_rest(work: Path, metadata: str) -> None:
    (work / "bad.yaml").write_text(f"apiVersion: eksgen/v1alpha1\nkind: Cluster\n{metadata}\n")
    run = eksgen("render", "cluster.yaml", "bad.yaml", "-o", "out", "-j", "2", "--today", TODAY, cwd=work)
    assert_clean_refusal(run, 2, ("bad.yaml:3:1 metadata: must be a mapping",))
    assert "cluster.yaml (demo): written to out/demo: created eks.tf" in run.stdout  # the rest still renders
    assert "failed: bad.yaml" in run.stdout  # and the bad spec is named


@pytest.mark.parametrize(("jobs", "code", "message"), [
    ("99999999999999999999", 0, "note: -j 999999... (20 digits) is more than the"),
    ("100000", 0, "note: -j 100000 is more than the"),
    ("-1", 2, "error: -j/--jobs must be 0 (all CPUs) or a positive number (got -1)"),
])
def test_jobs_above_the_cpu_count_are_clamped(work: Path, jobs: str, code: int, message: str) -> None:
    (work / "b.yaml").write_text(BASE.replace("name: demo", "name: other"))
    run = eksgen("render", "cluster.yaml", "b.yaml", "-o", "out", "-j", jobs, "--today", TODAY, cwd=work)
    assert_clean_refusal(run, code, (message,))
    assert (work / "out").exists() == (code == 0)


def test_configuration_floats_with_exponents_render(work: Path) -> None:
    (work / "cluster.yaml").write_text(BASE + "  addons:\n    coredns:\n      configuration:\n"
                                       "        a: 0.00001\n        b: 1.0e+16\n        c: -2.5e-3\n")
    _rendered(work)
    text = (work / "out" / "eks.tf").read_text()
    assert '"a" = 0.00001' in text and '"b" = 10000000000000000' in text and '"c" = -0.0025' in text
