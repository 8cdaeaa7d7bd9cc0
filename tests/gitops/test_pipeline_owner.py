"""A pipeline owner's repository: bases and overlays in git, rendered by globs, directories and a
pre-commit-style changed-file list, through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from generator.gitops.output import output_schema
from generator.gitops.selection import select
from tests.helpers import MINIMAL_SPEC, TODAY

EKSGEN = shutil.which("eksgen", path=str(Path(sys.executable).parent)) or "eksgen"
BASE = MINIMAL_SPEC.replace("kind: Cluster", "kind: ClusterBase").replace("  name: demo\n", "")


def eksgen(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, "EKSGEN_TODAY": TODAY.isoformat(), **(env or {})}
    return subprocess.run([EKSGEN, *args], cwd=root, capture_output=True, text=True, check=False, env=merged)


def overlay(name: str, max_size: int = 4) -> str:
    return (f"extends: ../bases/standard.yaml\nmetadata:\n  name: {name}\nspec:\n  managedNodeGroups:\n"
            f"    - name: general\n      instanceTypes: [m6i.large]\n      minSize: 2\n      maxSize: {max_size}\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """bases/standard.yaml, clusters/{a,b}.yaml extending it, clusters/lone.yaml on its own, in git."""
    (tmp_path / "bases").mkdir()
    (tmp_path / "clusters").mkdir()
    (tmp_path / "bases" / "standard.yaml").write_text(BASE)
    (tmp_path / "clusters" / "a.yaml").write_text(overlay("a"))
    (tmp_path / "clusters" / "b.yaml").write_text(overlay("b"))
    (tmp_path / "clusters" / "lone.yaml").write_text(MINIMAL_SPEC.replace("name: demo", "name: lone"))
    for args in (["init", "-q"], ["add", "."], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def schema_valid(stdout: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(stdout)
    jsonschema.Draft202012Validator(output_schema()).validate(data)
    return data


@pytest.mark.parametrize("arguments", [["clusters/*.yaml"], ["clusters"], ["clusters/**/*.yaml"],
                                       ["clusters/a.yaml", "clusters/b.yaml", "clusters/lone.yaml"]])
def test_files_globs_and_directories_name_the_same_specs(repo: Path, arguments: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert [str(p) for p in select(arguments).specs] == ["clusters/a.yaml", "clusters/b.yaml", "clusters/lone.yaml"]


def test_a_base_stands_for_the_clusters_that_extend_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    selection = select(["bases/standard.yaml"])
    assert [str(p) for p in selection.specs] == ["clusters/a.yaml", "clusters/b.yaml"]  # not lone, not the base
    assert list(selection.bases) == [Path("bases/standard.yaml")]
    assert [str(p) for p in select(["bases"]).specs] == ["clusters/a.yaml", "clusters/b.yaml"]


def test_a_base_is_never_rendered_and_its_change_rechecks_its_clusters(repo: Path) -> None:
    assert eksgen(repo, "render", "clusters").returncode == 0
    assert not (repo / "bases" / "standard").exists()
    assert eksgen(repo, "render", "--check", "bases/standard.yaml").returncode == 0
    (repo / "bases" / "standard.yaml").write_text(BASE.replace('"1.34"', '"1.35"'))  # both clusters inherit it
    hook = eksgen(repo, "render", "--check", "bases/standard.yaml")  # what pre-commit passes: the changed base
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "bases/standard.yaml: a base; checking the 2 cluster(s) that extend it" in hook.stderr
    assert "clusters/a.yaml (a): stale in clusters/a" in hook.stdout
    assert "--- a/clusters/a/eks.tf" in hook.stdout  # the diff names the cluster's directory
    assert "2 spec(s): 0 up to date, 2 stale, 0 spec(s) failed\n  stale: a (clusters/a.yaml)\n" \
           "  stale: b (clusters/b.yaml)" in hook.stdout


def test_a_base_rendered_directly_is_refused_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE.replace("spec:", "metadata:\n  name: x\nspec:", 1))
    from generator.api import render_spec
    from generator.errors import SpecInvalid

    with pytest.raises(SpecInvalid, match="this is a base"):
        render_spec(tmp_path / "base.yaml")


@pytest.mark.parametrize("layout", [[], ["-o", "out"]])
def test_two_specs_of_one_name_are_refused_before_anything_is_written(repo: Path, layout: list[str]) -> None:
    (repo / "clusters" / "b.yaml").write_text(overlay("a"))
    done = eksgen(repo, "render", "clusters/*.yaml", "-j", "2", *layout)
    assert done.returncode == 2
    assert "clusters/a.yaml (a) and clusters/b.yaml (a) would both write" in done.stderr
    assert not (repo / "clusters" / "a").exists() and not (repo / "out").exists()
    assert not (repo / "clusters" / "lone").exists()  # nothing at all, not even the innocent cluster


def test_two_documents_of_one_name_are_refused_even_after_a_render(repo: Path) -> None:
    spec = repo / "clusters" / "lone.yaml"
    assert eksgen(repo, "render", str(spec)).returncode == 0
    spec.write_text(spec.read_text() + "---\n" + spec.read_text())  # the incremental skip must not hide it
    done = eksgen(repo, "render", str(spec))
    assert done.returncode == 2 and ":17:3 metadata.name: another cluster in this file is named" in done.stderr
    assert eksgen(repo, "validate", str(spec)).returncode == 2


def test_the_incremental_skip_replays_the_verdict(repo: Path) -> None:
    spec = repo / "clusters" / "lone.yaml"
    spec.write_text(spec.read_text().replace("region: eu-west-1", "region: eu-west-1\n  tags: {}").replace(
        "spec:\n", "spec:\n  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0]\n"))
    first = eksgen(repo, "render", str(spec))
    assert first.returncode == 0 and "warning EKS080:" in first.stderr
    again = eksgen(repo, "render", str(spec))
    assert "skipped" in again.stdout
    assert again.stderr == first.stderr  # the same findings, from the record
    strict = eksgen(repo, "render", str(spec), "--strict")
    assert strict.returncode == 2 and "warning(s) treated as errors (--strict)" in strict.stderr


def test_the_drift_gate_is_decided_by_drift_not_by_the_calendar(repo: Path) -> None:
    assert eksgen(repo, "render", "clusters").returncode == 0
    later = {"EKSGEN_TODAY": "2030-01-01"}  # 1.34 long past its end of support
    gate = eksgen(repo, "render", "--check", "clusters", env=later)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "warning EKS006:" in gate.stderr
    assert eksgen(repo, "render", "--check", "clusters", "--gate-on-dates", env=later).returncode == 2
    assert eksgen(repo, "render", "clusters", "--no-incremental", env=later).returncode == 2


def test_every_commands_json_validates_against_the_shipped_schema(repo: Path) -> None:
    outputs = [
        eksgen(repo, "render", "clusters", "--format", "json"),
        eksgen(repo, "render", "clusters", "--format", "json"),  # skipped: cluster details kept
        eksgen(repo, "render", "--check", "clusters", "--format", "json"),
        eksgen(repo, "validate", "clusters", "--format", "json"),
        eksgen(repo, "validate", "clusters/a", "--format", "json"),
        eksgen(repo, "validate", "missing.yaml", "--format", "json"),
        eksgen(repo, "diff", "clusters/a.yaml", "clusters/b.yaml", "--format", "json"),
        eksgen(repo, "rules", "--format", "json"),
        eksgen(repo, "upgrade", "clusters", "--to", "1.35", "--format", "json"),
    ]
    (repo / "clusters" / "b.yaml").write_text(overlay("b", max_size=1))
    outputs.append(eksgen(repo, "render", "clusters", "--format", "json"))
    outputs.append(eksgen(repo, "validate", "clusters", "--format", "json", "--strict"))
    data = [schema_valid(o.stdout) for o in outputs]
    assert [d["exitCode"] for d in data] == [0, 0, 0, 0, 0, 2, 1, 0, 0, 2, 2]
    skipped = data[1]["clusters"]
    assert isinstance(skipped, list) and {c["cluster"] for c in skipped} == {"a", "b", "lone"}
    failed = [c for c in data[9]["clusters"] if isinstance(c, dict) and c["status"] == "failed"]
    assert [c["spec"] for c in failed] == ["clusters/b.yaml"]
    for entry in data:  # counts agree with the list they count
        issues = entry["issues"]
        assert isinstance(issues, list)
        assert entry["errorCount"] == sum(1 for i in issues if i["severity"] == "error")


@pytest.mark.parametrize(("args", "hint"), [
    (["init", "-o", "nowhere/prod.yaml"], "mkdir -p nowhere"),
    (["init", "-o", "readonly/prod.yaml"], "writable"),
])
def test_environment_problems_exit_2_with_a_hint(repo: Path, args: list[str], hint: str) -> None:
    (repo / "readonly").mkdir()
    (repo / "readonly").chmod(0o555)
    if os.access(repo / "readonly", os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    done = eksgen(repo, *args)
    assert done.returncode == 2 and "hint:" in done.stderr and hint in done.stderr
    assert "bug" not in done.stderr


def test_init_writes_the_schema_its_modeline_names(tmp_path: Path) -> None:
    done = eksgen(tmp_path, "init", "-o", "prod.yaml")
    assert done.returncode == 0
    modeline = (tmp_path / "prod.yaml").read_text().splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=./eksgen.schema.json"
    assert json.loads((tmp_path / "eksgen.schema.json").read_text())["$schema"].startswith("https://json-schema")


def test_diff_takes_the_same_spec_arguments_with_git(repo: Path) -> None:
    (repo / "bases" / "standard.yaml").write_text(BASE.replace("maxSize: 4", "maxSize: 4\n      desiredSize: 3"))
    (repo / "clusters" / "lone.yaml").write_text(MINIMAL_SPEC.replace("name: demo", "name: lone").replace(
        "maxSize: 4", "maxSize: 5"))
    done = eksgen(repo, "diff", "clusters", "--git", "HEAD", "--format", "json")
    data = schema_valid(done.stdout)
    assert done.returncode == 1
    clusters = data["clusters"]
    assert isinstance(clusters, list)
    assert [(c["cluster"], c["status"]) for c in clusters] == [("a", "unchanged"), ("b", "unchanged"),
                                                              ("lone", "changed")]
    markdown = eksgen(repo, "diff", "bases/standard.yaml", "--git", "HEAD", "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.count("```mermaid") == 2


def test_online_without_network_is_the_environment_not_a_bug(repo: Path) -> None:
    fake = repo / "terraform"  # fmt passes; init fails the way it does with no route to the registry
    fake.write_text('#!/bin/sh\n[ "$1" = init ] && { echo "Error: Failed to query available provider packages: '
                    'dial tcp: lookup registry.terraform.io: no such host" >&2; exit 1; }\nexit 0\n')
    fake.chmod(0o755)
    done = eksgen(repo, "validate", "--terraform", "--online", "--terraform-bin", str(fake), "clusters/lone.yaml")
    assert done.returncode == 2, done.stderr
    assert "hint: --online needs network access" in done.stderr and "bug" not in done.stderr
