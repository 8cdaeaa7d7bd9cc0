"""The warm worker: started before a long survey, used for the few specs it leaves, stopped at once
when there are none or too many, and never changing what is written."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Terminated
from generator.gitops import fleet, workers
from tests.helpers import MINIMAL_SPEC

TODAY = dt.date(2026, 11, 25)


def _fleet(root: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        path = root / f"s{index}.yaml"
        path.write_text(MINIMAL_SPEC.replace("name: demo", f"name: s{index}", 1))
        paths.append(path)
    return paths


def _render(paths: list[Path], jobs: int) -> list[Any]:
    return fleet.render_fleet(paths, out_dir=None, force=False, check=False, today=TODAY, jobs=jobs,
                              incremental=True, strict=False, on_done=lambda outcome: None)


def _tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` (its own path, which findings name, written ROOT)."""
    return {str(p.relative_to(root)): p.read_bytes().replace(str(root).encode(), b"ROOT")
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "lock"}


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Warm starts for any fleet of two or more specs, counted with the stops."""
    calls = {"warm": 0, "stopped": 0}
    warm, stop = workers.warm_worker, workers.stop_now

    def counted_warm() -> Any:
        calls["warm"] += 1
        return warm()

    def counted_stop(pool: Any) -> None:
        calls["stopped"] += 1
        stop(pool)

    monkeypatch.setattr(fleet, "WARM_START_SPECS", 2)
    monkeypatch.setattr(fleet, "warm_worker", counted_warm)
    monkeypatch.setattr(fleet, "stop_now", counted_stop)
    return calls


def test_a_changed_spec_renders_in_the_warm_worker_as_it_would_here(tmp_path: Path, spied: dict[str, int]) -> None:
    warm_root, serial_root = tmp_path / "warm", tmp_path / "serial"
    warm_root.mkdir()
    serial_root.mkdir()
    for root in (warm_root, serial_root):
        _fleet(root, 3)
    first = _render(sorted(warm_root.glob("*.yaml")), jobs=2)  # nothing recorded: all three, no warm worker kept
    assert [o.code for o in first] == [0, 0, 0]
    assert spied == {"warm": 1, "stopped": 0}  # 3 left <= WARM_ONLY_SPECS: the warm worker rendered them
    _render(sorted(serial_root.glob("*.yaml")), jobs=1)
    for root in (warm_root, serial_root):
        spec = root / "s1.yaml"
        spec.write_text(spec.read_text().replace("maxSize: 4", "maxSize: 5"))
    outcomes = _render(sorted(warm_root.glob("*.yaml")), jobs=2)
    assert spied == {"warm": 2, "stopped": 0}
    assert [(o.code, o.skipped) for o in outcomes] == [(0, True), (0, False), (0, True)], outcomes[1].issues
    assert outcomes[1].clusters[0]["status"] == "written"
    _render(sorted(serial_root.glob("*.yaml")), jobs=1)
    assert _tree(warm_root) == _tree(serial_root)  # byte for byte, manifests included
    assert multiprocessing.active_children() == []


def test_nothing_left_stops_the_warm_worker(tmp_path: Path, spied: dict[str, int]) -> None:
    paths = _fleet(tmp_path, 3)
    _render(paths, jobs=1)
    outcomes = _render(paths, jobs=2)
    assert [o.skipped for o in outcomes] == [True, True, True]
    assert spied == {"warm": 1, "stopped": 1}
    assert multiprocessing.active_children() == []


def test_many_left_stop_the_warm_worker_for_a_full_pool(tmp_path: Path, spied: dict[str, int],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fleet, "WARM_ONLY_SPECS", 2)
    outcomes = _render(_fleet(tmp_path, 3), jobs=2)
    assert [o.code for o in outcomes] == [0, 0, 0]
    assert spied == {"warm": 1, "stopped": 1}
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(("jobs", "count", "incremental"), [(1, 3, True), (2, 1, True), (2, 3, False)])
def test_no_warm_worker_without_a_survey_to_overlap(tmp_path: Path, spied: dict[str, int], jobs: int, count: int,
                                                    incremental: bool) -> None:
    paths = _fleet(tmp_path, count)
    fleet.render_fleet(paths, out_dir=None, force=False, check=False, today=TODAY, jobs=jobs,
                       incremental=incremental, strict=False, on_done=lambda outcome: None)
    assert spied == {"warm": 0, "stopped": 0}


def test_a_check_run_starts_no_warm_worker(tmp_path: Path, spied: dict[str, int]) -> None:
    paths = _fleet(tmp_path, 3)
    _render(paths, jobs=1)
    fleet.render_fleet(paths, out_dir=None, force=False, check=True, today=TODAY, jobs=2, incremental=True,
                       strict=False, on_done=lambda outcome: None)
    assert spied == {"warm": 0, "stopped": 0}


def test_stopping_does_not_wait_for_the_warm_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    marker = tmp_path / "warmed"

    def slow_warm_up() -> None:
        time.sleep(60)
        marker.write_text("done")

    monkeypatch.setattr(workers, "warm_up", slow_warm_up)
    pool = workers.warm_worker()
    started = time.monotonic()
    workers.stop_now(pool)
    assert time.monotonic() - started < 30  # not the minute the warm-up would take
    assert multiprocessing.active_children() == [] and not marker.exists()


def test_the_warm_up_loads_what_a_render_needs() -> None:
    """In a fresh interpreter: after warm_up the pipeline and the parser are there."""
    probe = ("import sys\nfrom generator.gitops.workers import warm_up\nwarm_up()\n"
             "from generator.pipeline import hclread\n"
             "print(sorted(m for m in ('generator.pipeline.specfile', 'generator.pipeline.writegroup', 'lark')"
             " if m in sys.modules), hclread._parser.cache_info().currsize)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['generator.pipeline.specfile',", "'generator.pipeline.writegroup',",
                                   "'lark']", "1"]


@pytest.mark.parametrize("signal_raises", [KeyboardInterrupt, Terminated])
def test_an_interrupted_warm_up_stops_quietly(monkeypatch: pytest.MonkeyPatch, signal_raises: type) -> None:
    """Ctrl-C or SIGTERM reach the warm worker too: its warm-up ends without a traceback (the run that
    started it reports the interruption), so the worker never breaks its pool."""
    from generator.pipeline import hclread

    def interrupted() -> None:
        raise signal_raises

    monkeypatch.setattr(hclread, "load_parser", interrupted)
    assert workers.warm_up() is None
