"""`eksgen upgrade` from the installed console script: exit codes, JSON against the shipped schema, --write,
and --commit in a temporary git repository (one commit per step, refused on a dirty tree)."""

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
from tests.upgrade.conftest import AL2_GROUP, GENERAL, cluster_spec

EKSGEN = shutil.which("eksgen", path=str(Path(sys.executable).parent)) or "eksgen"
ENV = {**os.environ, "EKSGEN_TODAY": "2026-12-02"}


def eksgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EKSGEN, *args], cwd=cwd, capture_output=True, text=True, check=False, env=ENV)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "clusters").mkdir()
    (tmp_path / "clusters" / "payments.yaml").write_text(cluster_spec())
    (tmp_path / "clusters" / "legacy.yaml").write_text(cluster_spec(name="legacy", body=GENERAL + AL2_GROUP))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "specs")
    return tmp_path


@pytest.mark.parametrize(("args", "code", "status"), [
    (["clusters/payments.yaml", "--to", "1.35"], 0, ["planned"]),
    (["clusters", "--to", "1.35"], 1, ["blocked", "planned"]),
    (["clusters/payments.yaml", "--to", "1.32"], 0, ["current"]),
])
def test_json_fits_the_shipped_schema(repo: Path, args: list[str], code: int, status: list[str]) -> None:
    done = eksgen(repo, "upgrade", *args, "--format", "json")
    data = json.loads(done.stdout)
    jsonschema.Draft202012Validator(output_schema()).validate(data)
    assert (done.returncode, data["exitCode"], [c["status"] for c in data["clusters"]]) == (code, code, status)


@pytest.mark.parametrize(("target", "fragment"), [("1.31", "EKS cannot downgrade"), ("1.40", "release table")])
def test_bad_targets_exit_2(repo: Path, target: str, fragment: str) -> None:
    done = eksgen(repo, "upgrade", "clusters/payments.yaml", "--to", target)
    assert done.returncode == 2 and fragment in done.stderr


def test_a_fleet_prints_a_table_of_every_cluster(repo: Path) -> None:
    done = eksgen(repo, "upgrade", "clusters", "--to", "1.35")
    table = done.stdout.splitlines()[:3]
    assert table[0].split() == ["cluster", "spec", "current", "support", "on", "2026-12-02", "path", "blockers"]
    assert table[1].startswith("legacy") and table[1].endswith("1")
    assert table[2].startswith("payments") and table[2].endswith("none")


def test_blockers_write_nothing(repo: Path) -> None:
    done = eksgen(repo, "upgrade", "clusters/legacy.yaml", "--to", "1.35", "--write", "stages")
    assert done.returncode == 1 and "BLOCKED" in done.stdout
    assert not (repo / "stages").exists()
    done = eksgen(repo, "upgrade", "clusters/legacy.yaml", "--to", "1.35", "--commit")
    assert done.returncode == 1 and git(repo, "status", "--porcelain") == ""


def test_write_then_every_stage_validates(repo: Path) -> None:
    done = eksgen(repo, "upgrade", "clusters/payments.yaml", "--to", "1.34", "--write", "stages")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (repo / "stages").iterdir()) == ["01-payments-1.33.yaml", "02-payments-1.34.yaml"]
    assert eksgen(repo, "validate", "stages").returncode == 0


def test_commit_makes_one_commit_per_step_with_its_rendered_terraform(repo: Path) -> None:
    assert eksgen(repo, "render", "clusters/payments.yaml").returncode == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "rendered")
    done = subprocess.run([EKSGEN, "upgrade", "clusters/payments.yaml", "--to", "1.35", "--commit"], cwd=repo,
                          capture_output=True, text=True, check=False,
                          env={**ENV, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t"})
    assert done.returncode == 0, done.stderr
    log = git(repo, "log", "--format=%s", "-4").splitlines()
    assert log == ["payments: Upgrade to Kubernetes 1.35 (step 3: 1.34 -> 1.35)",
                   "payments: Upgrade to Kubernetes 1.34 (step 2: 1.33 -> 1.34)",
                   "payments: Upgrade to Kubernetes 1.33 (step 1: 1.32 -> 1.33)", "rendered"]
    assert git(repo, "status", "--porcelain") == ""
    for rev, version in (("HEAD~2", "1.33"), ("HEAD", "1.35")):
        assert f'kubernetesVersion: "{version}"' in git(repo, "show", f"{rev}:clusters/payments.yaml")
        assert f'kubernetes_version = "{version}"' in git(repo, "show", f"{rev}:clusters/payments/eks.tf")
    assert eksgen(repo, "render", "--check", "clusters/payments.yaml").returncode == 0


def test_commit_is_refused_on_a_dirty_tree(repo: Path) -> None:
    (repo / "clusters" / "payments.yaml").write_text(cluster_spec() + "  # an edit\n")
    done = eksgen(repo, "upgrade", "clusters/payments.yaml", "--to", "1.33", "--commit")
    assert done.returncode == 4 and "uncommitted changes" in done.stderr
    assert git(repo, "log", "--format=%s") == "specs\n"
