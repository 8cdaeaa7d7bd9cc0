"""The survey's shortcut (generator/gitops/recorded.py): the manifest's record of what a spec file was
loaded from gives exactly what loading gives, and any change to what loading reads misses."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.gitops import recorded
from generator.gitops.fleet import _loaded_clusters, survey_one
from tests.helpers import MINIMAL_SPEC, TODAY, TODAY_ARGS

BASE = MINIMAL_SPEC.replace('"1.34"', '"1.35"').replace("kind: Cluster", "kind: ClusterBase")
MIDDLE = "apiVersion: eksgen/v1alpha1\nkind: ClusterBase\nextends: ../base.yaml\nmetadata:\n  tags: {tier: a}\n"
OVERLAY = "extends: bases/middle.yaml\nmetadata:\n  name: {name}\n"
TWO = "extends: bases/middle.yaml\nmetadata:\n  name: one\n---\nextends: bases/middle.yaml\nmetadata:\n  name: two\n"


def render(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "render", "*.yaml", *args, *TODAY_ARGS], cwd=root,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bases").mkdir()
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "bases" / "middle.yaml").write_text(MIDDLE)
    (tmp_path / "a.yaml").write_text(OVERLAY.format(name="alpha"))
    (tmp_path / "two.yaml").write_text(TWO)
    assert render(tmp_path).returncode == 0
    recorded.forget()
    return tmp_path


def shortcut(name: str) -> list[tuple[str, str]] | None:
    recorded.forget()
    path = Path(name)
    return recorded.recorded_clusters(path, path.read_bytes(), None, False)


@pytest.mark.parametrize("spec", ["a.yaml", "two.yaml"])
def test_a_record_gives_what_loading_gives(fleet: Path, spec: str) -> None:
    path = Path(spec)
    loaded = _loaded_clusters(path, path.read_bytes())
    assert loaded is not None and shortcut(spec) == loaded


@pytest.mark.parametrize(("file", "old", "new"), [
    ("a.yaml", "alpha", "beta"),
    ("a.yaml", "name:", "# a comment, same documents\n  name:"),  # misses too: loading decides
    ("base.yaml", "maxSize: 4", "maxSize: 5"),
    ("bases/middle.yaml", "tier: a", "tier: b"),
])
def test_any_file_loading_reads_changing_misses(fleet: Path, file: str, old: str, new: str) -> None:
    (fleet / file).write_text((fleet / file).read_text().replace(old, new))
    assert shortcut("a.yaml") is None


def test_a_lock_file_appearing_or_changing_misses(fleet: Path) -> None:
    (fleet / "eksgen.lock").write_text('{"lockVersion": 1, "clusters": {}}\n')
    assert shortcut("a.yaml") is None


def test_a_moved_base_or_another_working_directory_misses(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (fleet / "bases" / "base.yaml").write_text(BASE)  # same bytes, but not the file `../base.yaml` names
    (fleet / "bases" / "middle.yaml").write_text(MIDDLE.replace("../base.yaml", "base.yaml"))
    assert shortcut("a.yaml") is None
    (fleet / "bases" / "middle.yaml").write_text(MIDDLE)
    assert shortcut("a.yaml") is not None
    monkeypatch.chdir(fleet / "bases")  # positions would name the bases differently
    recorded.forget()
    assert recorded.recorded_clusters(Path("../a.yaml"), (fleet / "a.yaml").read_bytes(), None, False) is None


def test_every_cluster_of_a_file_must_hold_the_record(fleet: Path) -> None:
    assert shortcut("two.yaml") is not None
    shutil.rmtree(fleet / "two")
    assert shortcut("two.yaml") is None
    survey = survey_one(Path("two.yaml"), None, False, TODAY, True, False)
    assert [name for name, _ in survey.targets] == ["one", "two"] and survey.replay is None


def test_a_damaged_record_is_no_record(fleet: Path) -> None:
    manifest = fleet / "alpha" / ".eksgen" / "manifest.json"
    record = json.loads(manifest.read_text())
    for damage in ({"clusters": []}, {"clusters": [1]}, {"bases": "x"}, {"bases": [["a", "b"]]}):
        manifest.write_text(json.dumps({**record, "source": {**record["source"], **damage}}))
        assert shortcut("a.yaml") is None
    manifest.write_text(json.dumps({**record, "eksgen": "0.0.0"}))
    assert shortcut("a.yaml") is None


def test_a_recorded_file_still_replays_only_within_the_verdict_window(fleet: Path) -> None:
    assert shortcut("a.yaml") is not None
    assert survey_one(Path("a.yaml"), None, False, TODAY, True, False).replay is not None
    assert survey_one(Path("a.yaml"), None, False, dt.date(2099, 1, 1), True, False).replay is None


@pytest.mark.parametrize("jobs", ["1", "2"])  # in-process, and with workers (the survey is the parent's)
def test_an_unchanged_fleet_is_replayed_without_loading_a_pipeline_stage(fleet: Path, jobs: str) -> None:
    probe = ("import runpy, sys\nsys.argv = ['eksgen', 'render', '*.yaml', '--today', "
             f"'{TODAY.isoformat()}', '--format', 'json', '-j', '{jobs}']\n"
             "try:\n    runpy.run_module('generator', run_name='__main__')\nexcept SystemExit as exit:\n"
             "    code = exit.code\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'hcl2', 'lark',\n"
             "                                                  'multiprocessing', 'pydantic')\n"
             "               or m.startswith(('generator.pipeline.run', 'generator.pipeline.model',\n"
             "                                'generator.pipeline.specfile', 'generator.pipeline.writegroup')))\n"
             "print('\\nHEAVY', code, heavy)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=fleet, capture_output=True, text=True, check=False)
    summary, _, heavy = done.stdout.rpartition("\nHEAVY ")
    assert heavy.strip() == "0 []", done.stderr
    clusters = json.loads(summary)["clusters"]
    assert [(c["cluster"], c["status"], c["skipped"]) for c in clusters] == [
        ("alpha", "up to date", True), ("one", "up to date", True), ("two", "up to date", True)]
    (fleet / "base.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 5"))
    for expected, skipped in (("written", False), ("up to date", True)):  # the base changed: all render again
        clusters = json.loads(render(fleet, "--format", "json").stdout)["clusters"]
        assert [(c["status"], c["skipped"]) for c in clusters] == [(expected, skipped)] * 3


def test_a_cluster_named_unlike_its_file_is_found_beside_decoys(fleet: Path) -> None:
    """The directories a spec's `name:` lines and file name suggest are only tried first: a decoy there
    (another spec's manifest, or this spec's stale one) never decides, the full survey still does."""
    flow = "extends: bases/middle.yaml\nmetadata: {name: &cluster gamma}\n"  # an anchor: no name to guess
    (fleet / "g.yaml").write_text(flow)
    assert render(fleet).returncode == 0
    loaded = _loaded_clusters(Path("g.yaml"), flow.encode())
    assert loaded is not None and shortcut("g.yaml") == loaded
    shutil.copytree(fleet / "alpha", fleet / "g")  # the file-name guess holds a.yaml's manifest
    assert shortcut("g.yaml") == loaded
    (fleet / "a.yaml").write_text(OVERLAY.format(name="alpha") + "# now another file\n")
    assert render(fleet).returncode == 0
    (fleet / "a.yaml").write_text(OVERLAY.format(name="alpha"))  # alpha/ records the commented bytes
    assert shortcut("a.yaml") is None
    (fleet / "b.yaml").write_text(OVERLAY.format(name="alpha").replace("alpha", "alpha  # same cluster"))
    assert shortcut("b.yaml") is None  # alpha/ is a.yaml's, whatever b.yaml's name line says


def test_an_output_file_is_hashed_only_when_it_is_a_regular_file(tmp_path: Path) -> None:
    import hashlib
    import os

    (tmp_path / "f.tf").write_bytes(b"x" * 3_000_000)  # more than one read
    os.symlink(tmp_path / "f.tf", tmp_path / "link.tf")
    os.mkfifo(tmp_path / "fifo.tf")  # opening must not block, nor read anything
    (tmp_path / "dir.tf").mkdir()
    expected = hashlib.sha256(b"x" * 3_000_000).hexdigest()
    digests = {n: recorded.regular_file_digest(str(tmp_path / n)) for n in ("f.tf", "link.tf", "fifo.tf", "dir.tf",
                                                                            "missing.tf")}
    assert digests == {"f.tf": expected, "link.tf": expected, "fifo.tf": None, "dir.tf": None, "missing.tf": None}


def test_a_copy_of_a_spec_under_another_name_is_not_its_record(fleet: Path) -> None:
    assert shortcut("a.yaml") is not None
    (fleet / "c.yaml").write_bytes((fleet / "a.yaml").read_bytes())  # alpha/ records these very bytes
    assert shortcut("c.yaml") is None  # but for a.yaml: so the render finds the two sharing alpha/
    done = render(fleet)
    assert done.returncode == 2 and "would both write" in done.stderr


@pytest.mark.parametrize("document", [
    "extends: bases/middle.yaml\nmetadata: {name: gamma_1}\n",  # flow style, an underscore
    "extends: bases/middle.yaml\nmetadata:\n  name: 'gamma_1'  # quoted, commented\n",
])
def test_a_spec_s_own_name_finds_its_record_without_reading_every_manifest(
        fleet: Path, monkeypatch: pytest.MonkeyPatch, document: str) -> None:
    (fleet / "g.yaml").write_text(document)
    assert render(fleet).returncode == 0
    loaded = _loaded_clusters(Path("g.yaml"), document.encode())
    recorded.forget()

    def every_manifest(directory: str) -> dict[str, list[dict[str, object]]]:
        raise AssertionError(f"read every manifest below {directory}")

    monkeypatch.setattr(recorded, "_manifests_below", every_manifest)
    assert loaded is not None and recorded.recorded_clusters(Path("g.yaml"), document.encode(), None, False) == loaded


def test_a_spec_full_of_names_is_guessed_a_bounded_number_of_times(fleet: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    text = (fleet / "a.yaml").read_text() + "".join(f"# name: n{i}\n" for i in range(5000))
    (fleet / "a.yaml").write_text(text)
    assert render(fleet).returncode == 0
    looked: list[Path] = []
    record = recorded.manifest_record

    def counted(directory: Path) -> object:
        looked.append(directory)
        return record(directory)

    recorded.forget()
    monkeypatch.setattr(recorded, "manifest_record", counted)
    loaded = _loaded_clusters(Path("a.yaml"), text.encode())
    assert loaded is not None and recorded.recorded_clusters(Path("a.yaml"), text.encode(), None, False) == loaded
    assert len(looked) < 100  # the guesses (at most 64) and the record's own directory, not 5,000
