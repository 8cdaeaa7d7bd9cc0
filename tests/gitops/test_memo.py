"""The survey's memo (generator/gitops/memo.py): an entry gives exactly what loading gives, and any
change to the spec, a base of its chain, the path or the working directory misses."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.gitops import memo
from generator.gitops.fleet import survey_one
from tests.helpers import MINIMAL_SPEC, TODAY, TODAY_ARGS

BASE = MINIMAL_SPEC.replace('"1.34"', '"1.35"').replace("kind: Cluster", "kind: ClusterBase")
MIDDLE = "apiVersion: eksgen/v1alpha1\nkind: ClusterBase\nextends: base.yaml\nmetadata:\n  tags: {tier: a}\n"
OVERLAY = "extends: middle.yaml\nmetadata:\n  name: {name}\n"


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(memo.CACHE_ENV, str(tmp_path / "memo"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "middle.yaml").write_text(MIDDLE)
    (tmp_path / "a.yaml").write_text(OVERLAY.format(name="alpha"))
    return tmp_path


def survey(path: Path, *, incremental: bool = True) -> object:
    found = survey_one(path, None, False, TODAY, incremental, False)
    return (found.targets, found.replay)


def test_an_entry_gives_what_loading_gives(fleet: Path) -> None:
    spec = Path("a.yaml")
    loaded = survey(spec, incremental=False)  # the memo is neither read nor written
    assert not (fleet / "memo").exists()
    first = survey(spec)  # loads and remembers
    assert len(list((fleet / "memo").iterdir())) == 1
    assert memo.recall(spec, spec.read_bytes()) is not None
    assert survey(spec) == first == loaded  # recalled


@pytest.mark.parametrize("change", ["spec", "base", "middle"])
def test_any_file_of_the_chain_changing_misses(fleet: Path, change: str) -> None:
    spec = Path("a.yaml")
    survey(spec)
    (hit,) = memo.recall(spec, spec.read_bytes()) or [("?", "?")]
    name, old, new = {"spec": ("a.yaml", "alpha", "beta"), "base": ("base.yaml", "maxSize: 4", "maxSize: 5"),
                      "middle": ("middle.yaml", "tier: a", "tier: b")}[change]
    (fleet / name).write_text((fleet / name).read_text().replace(old, new))
    assert memo.recall(spec, spec.read_bytes()) is None
    survey(spec)  # remembered again, with the new document hash
    (again,) = memo.recall(spec, spec.read_bytes()) or [("?", "?")]
    assert again[0] == ("beta" if change == "spec" else "alpha") and again[1] != hit[1]


def test_the_path_and_the_working_directory_are_part_of_the_key(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = Path("a.yaml")
    survey(spec)
    data = spec.read_bytes()
    assert memo.recall(spec, data) is not None
    assert memo.recall(fleet / "a.yaml", data) is None  # positions name the path as given
    (fleet / "sub").mkdir()
    monkeypatch.chdir(fleet / "sub")
    assert memo.recall(Path("../a.yaml"), data) is None


def test_a_damaged_or_missing_cache_is_no_cache(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = Path("a.yaml")
    expected = survey(spec)
    for entry in (fleet / "memo").iterdir():
        entry.write_text('{"bases": [], "clusters": [["alpha"]]}')
    assert memo.recall(spec, spec.read_bytes()) is None and survey(spec) == expected
    monkeypatch.setenv(memo.CACHE_ENV, str(fleet / "a.yaml" / "not-a-directory"))
    assert survey(spec) == expected
    monkeypatch.setenv(memo.CACHE_ENV, "off")
    assert memo.cache_dir() is None and survey(spec) == expected


def render(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "render", "*.yaml", *args, *TODAY_ARGS], cwd=root,
                          capture_output=True, text=True, check=False)


def test_an_unchanged_fleet_is_replayed_without_loading_a_pipeline_stage(fleet: Path) -> None:
    (fleet / "b.yaml").write_text(OVERLAY.format(name="bravo"))
    assert render(fleet).returncode == 0
    probe = ("import runpy, sys\nsys.argv = ['eksgen', 'render', '*.yaml', '--today', "
             f"'{TODAY.isoformat()}', '--format', 'json']\n"
             "try:\n    runpy.run_module('generator', run_name='__main__')\nexcept SystemExit as exit:\n"
             "    code = exit.code\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'hcl2', 'lark')\n"
             "               or m.startswith(('generator.pipeline.run', 'generator.pipeline.model')))\n"
             "print('\\nHEAVY', code, heavy)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=fleet, capture_output=True, text=True, check=False)
    summary, _, heavy = done.stdout.rpartition("\nHEAVY ")
    assert heavy.strip() == "0 []", done.stderr
    assert [c["status"] for c in json.loads(summary)["clusters"]] == ["up to date", "up to date"]
    assert all(c["skipped"] for c in json.loads(summary)["clusters"])
    (fleet / "base.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 5"))
    for expected, skipped in (("written", False), ("up to date", True)):  # the base changed: both render again
        clusters = json.loads(render(fleet, "--format", "json").stdout)["clusters"]
        assert [(c["status"], c["skipped"]) for c in clusters] == [(expected, skipped)] * 2


def test_a_recalled_entry_still_replays_only_within_the_verdict_window(fleet: Path) -> None:
    """The memo holds names and hashes only; whether the recorded verdict holds today stays the manifest's."""
    assert render(fleet).returncode == 0
    spec = Path("a.yaml")
    assert memo.recall(spec, spec.read_bytes()) is not None
    (entry,) = (fleet / "memo").iterdir()
    assert set(json.loads(entry.read_text())) == {"bases", "clusters"}
    assert survey_one(spec, None, False, TODAY, True, False).replay is not None
    assert survey_one(spec, None, False, dt.date(2099, 1, 1), True, False).replay is None
