"""A fleet of 50 specs from one base: parallel render, one broken cluster, shards,
incremental skips and the JSON summary, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.gitops.fleet import expand, shard
from tests.helpers import MINIMAL_SPEC, TODAY_ARGS

FLEET_SIZE = 50
BROKEN = 17


def make_fleet(root: Path) -> None:
    base = MINIMAL_SPEC.replace('"1.34"', '"1.35"').replace("kind: Cluster", "kind: ClusterBase")
    (root / "base.yaml").write_text(base)
    for index in range(FLEET_SIZE):
        max_size = 1 if index == BROKEN else 3 + index % 5  # cluster 17: maxSize below minSize
        (root / f"c{index:02d}.yaml").write_text(
            f"extends: base.yaml\nmetadata:\n  name: c{index:02d}\nspec:\n  managedNodeGroups:\n"
            f"    - name: general\n      minSize: 2\n      maxSize: {max_size}\n")


def eksgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args, *TODAY_ARGS], cwd=root,
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("fleet")
    make_fleet(root)
    return root, eksgen(root, "render", "c*.yaml", "-j", "2", "--format", "json")


def test_one_broken_cluster_fails_alone(rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, done = rendered
    assert done.returncode == 2, done.stderr
    summary = json.loads(done.stdout)
    assert summary["exitCode"] == 2 and len(summary["clusters"]) == FLEET_SIZE
    broken = [s for s in summary["clusters"] if s["status"] == "failed"]
    assert [(s["spec"], s["exitCode"]) for s in broken] == [(f"c{BROKEN}.yaml", 2)]
    assert broken[0]["errors"] == [
        f"c{BROKEN}.yaml:8:7 managedNodeGroups[0].maxSize: error EKS053: must be >= minSize (2)"]
    assert not (root / f"c{BROKEN}").exists()
    for index in range(FLEET_SIZE):
        if index != BROKEN:
            assert (root / f"c{index:02d}" / "eks.tf").is_file()
    first = next(s for s in summary["clusters"] if s["spec"] == "c00.yaml")
    assert first["overrides"] == ["metadata.name", "spec.managedNodeGroups"]


def test_second_run_skips_unchanged_and_renders_the_changed(
        rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, _ = rendered
    spec = root / "c03.yaml"
    spec.write_text(spec.read_text().replace("maxSize: 6", "maxSize: 9"))
    done = eksgen(root, "render", "c*.yaml", "--format", "json")
    specs = {s["spec"]: s for s in json.loads(done.stdout)["clusters"]}
    assert not specs["c03.yaml"]["skipped"] and specs["c03.yaml"]["updated"] == ["eks.tf"]
    skipped = [name for name, s in specs.items() if s.get("skipped")]
    assert len(skipped) == FLEET_SIZE - 2  # all but the changed one and the broken one
    assert "max_size       = 9" in (root / "c03" / "eks.tf").read_text()


def test_check_mode_over_the_fleet(rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    root, _ = rendered
    done = eksgen(root, "render", "--check", "c0[0-5].yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    (root / "c01" / "outputs.tf").write_text("# drift\n")
    assert eksgen(root, "render", "--check", "c0[0-5].yaml").returncode == 1


def test_shards_partition_the_fleet(tmp_path: Path) -> None:
    paths = [Path(f"s{i}.yaml") for i in range(10)]
    shards = [shard(paths, f"{i}/3") for i in (1, 2, 3)]
    assert sorted(p for s in shards for p in s) == sorted(paths)
    assert shards[0] == [Path("s0.yaml"), Path("s3.yaml"), Path("s6.yaml"), Path("s9.yaml")]
    for bad in ("0/3", "4/3", "x", "1/0"):
        with pytest.raises(UsageError):
            shard(paths, bad)


def test_glob_expansion(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "c.txt"):
        (tmp_path / name).write_text("")
    assert expand([str(tmp_path / "*.yaml")]) == [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    with pytest.raises(UsageError, match="no spec file matches"):
        expand([str(tmp_path / "*.json")])


def test_one_out_dir_for_several_specs_nests_by_cluster_name(tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        (tmp_path / f"{name}.yaml").write_text(MINIMAL_SPEC.replace("name: demo", f"name: {name}"))
    done = eksgen(tmp_path, "render", "alpha.yaml", "beta.yaml", "-o", "out")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "alpha" / "eks.tf").is_file() and (tmp_path / "out" / "beta" / "eks.tf").is_file()
    (tmp_path / "gamma.yaml").write_text(MINIMAL_SPEC.replace("name: demo", "name: alpha"))
    clash = eksgen(tmp_path, "render", "alpha.yaml", "gamma.yaml", "-o", "out2")
    assert clash.returncode == 2 and "alpha.yaml (alpha) and gamma.yaml (alpha) would both write" in clash.stderr
    assert not (tmp_path / "out2").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hand_edited_cluster_is_refused_and_the_rest_of_its_write_group_written(tmp_path: Path, jobs: str) -> None:
    """Clusters are written in groups (one sync per durability point): a refusal stays its own spec's."""
    make_fleet(tmp_path)
    assert eksgen(tmp_path, "render", "c*.yaml", "-j", jobs).returncode == 2  # the broken cluster
    (tmp_path / "c05" / "eks.tf").write_text((tmp_path / "c05" / "eks.tf").read_text() + "# my note\n")
    for index in range(FLEET_SIZE):
        if index != BROKEN:
            spec = tmp_path / f"c{index:02d}.yaml"
            spec.write_text(spec.read_text().replace("minSize: 2", "minSize: 1"))
    run = eksgen(tmp_path, "render", "c*.yaml", "-j", jobs, "--format", "json")
    by_spec = {item["spec"]: item for item in json.loads(run.stdout)["clusters"]}
    assert by_spec["c05.yaml"]["exitCode"] == 4 and by_spec[f"c{BROKEN}.yaml"]["exitCode"] == 2
    assert "edited since eksgen wrote it" in " ".join(by_spec["c05.yaml"]["errors"])
    assert (tmp_path / "c05" / "eks.tf").read_text().endswith("# my note\n")
    assert not (tmp_path / f"c{BROKEN}").exists()
    written = [i for i in range(FLEET_SIZE) if i != BROKEN
               and "min_size       = 1" in (tmp_path / f"c{i:02d}" / "eks.tf").read_text()]
    assert written == [i for i in range(FLEET_SIZE) if i not in (5, BROKEN)]


@pytest.mark.parametrize("incremental", [False, True])  # rendered, and replayed from the records
def test_a_warning_located_in_a_shared_base_is_printed_once(tmp_path: Path, incremental: bool) -> None:
    base = MINIMAL_SPEC.replace('"1.34"', '"1.35"').replace("kind: Cluster", "kind: ClusterBase") + (
        "  access:\n    entries:\n      - principalArn: arn:aws:iam::111122223333:role/admins\n"
        "        policies: [{policy: AmazonEKSClusterAdminPolicy}]\n")
    (tmp_path / "base.yaml").write_text(base)
    for name in ("a", "b", "c"):
        own = 'spec:\n  kubernetesVersion: "1.34"\n' if name == "c" else ""  # c's own warning, in c.yaml
        (tmp_path / f"{name}.yaml").write_text(f"extends: base.yaml\nmetadata:\n  name: {name}\n{own}")
    first = eksgen(tmp_path, "render", "[abc].yaml")
    done = eksgen(tmp_path, "render", "[abc].yaml") if incremental else first
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    placeholder = [line for line in warnings if line.startswith("base.yaml:") and "EKS018" in line]
    assert len(placeholder) == 1, done.stderr
    own = [line for line in warnings if line.startswith("c.yaml:")]  # a cluster's own finding: its own line
    assert own and all("EKS018" not in line for line in own), done.stderr
    assert "note: 2 warning line(s) shown once above were found again in other clusters" in done.stderr
    listed = json.loads(eksgen(tmp_path, "render", "[abc].yaml", "--format", "json").stdout)["issues"]
    assert sum(1 for issue in listed if issue["rule"] == "EKS018") == 3  # JSON keeps every cluster's findings


def test_validate_prints_a_shared_base_warning_once_and_counts_every_one(tmp_path: Path) -> None:
    base = MINIMAL_SPEC.replace('"1.34"', '"1.35"').replace("kind: Cluster", "kind: ClusterBase") + (
        "  access:\n    entries:\n      - principalArn: arn:aws:iam::111122223333:role/admins\n"
        "        policies: [{policy: AmazonEKSClusterAdminPolicy}]\n")
    (tmp_path / "base.yaml").write_text(base)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"extends: base.yaml\nmetadata:\n  name: {name}\n")
    done = eksgen(tmp_path, "validate", "[ab].yaml")
    assert done.returncode == 0, done.stderr
    assert sum(1 for line in done.stderr.splitlines() if "EKS018" in line) == 1, done.stderr
    assert "note: 1 warning line(s) shown once above" in done.stderr
    assert done.stdout.strip() == "ok: 2 target(s) valid (eksgen checks), 2 warning(s)"
