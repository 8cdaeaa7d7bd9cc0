"""Stage specs: the spec's own text with the step's version, proven, written in order; golden plans."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.pipeline.specfile import render_spec
from generator.upgrade.commit import write_stages
from generator.upgrade.output import format_markdown, format_text
from generator.upgrade.plan import plan_upgrade
from generator.upgrade.stages import set_version
from tests.upgrade.conftest import AL2_GROUP, GENERAL, cluster_spec

TODAY = dt.date(2026, 12, 2)
GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("EKSGEN_REGEN_UPGRADE") == "1"


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.write_text(actual)
    assert actual == path.read_text()


@pytest.mark.parametrize(("text", "expected"), [
    ('spec:\n  kubernetesVersion: "1.32"  # keep me\n', 'spec:\n  kubernetesVersion: "1.33"  # keep me\n'),
    ("spec:\n  kubernetesVersion: '1.32'\n", 'spec:\n  kubernetesVersion: "1.33"\n'),
    ("spec:\n  supportType: EXTENDED\n", 'spec:\n  kubernetesVersion: "1.33"\n  supportType: EXTENDED\n'),
])
def test_set_version_replaces_or_adds_only_the_version(text: str, expected: str) -> None:
    head = "apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata:\n  name: a\n  region: eu-west-1\n"
    assert set_version(head + text, "c.yaml", "a", "1.33") == head + expected


def test_set_version_of_one_cluster_in_a_multi_document_file() -> None:
    one = cluster_spec(name="one")
    two = cluster_spec(name="two")
    assert set_version(f"{one}---\n{two}", "c.yaml", "two", "1.33") == \
        f"{one}---\n{two.replace('1.32', '1.33')}"


def test_a_flow_style_spec_is_refused_with_its_location() -> None:
    text = 'apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: {name: a, region: eu-west-1}\nspec: {}\n'
    with pytest.raises(UsageError, match="no block `spec:` of its own"):
        set_version(text, "c.yaml", "a", "1.33")


def test_stage_specs_sort_in_order_and_each_validates_and_renders(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster_spec())
    report = plan_upgrade([spec], "1.35", today=TODAY)
    written = write_stages(report, tmp_path / "stages")
    assert [p.name for p in written] == sorted(p.name for p in written) == [
        "01-payments-1.33.yaml", "02-payments-1.34.yaml", "03-payments-1.35.yaml"]
    for path, version in zip(written, ("1.33", "1.34", "1.35"), strict=True):
        golden(f"stage-{path.name}", path.read_text())
        (rendered,) = render_spec(path, today=TODAY, dated_as_warnings=True)
        assert f'kubernetes_version = "{version}"' in rendered.files["eks.tf"]


def test_a_stage_of_an_overlay_keeps_its_base(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    (tmp_path / "clusters").mkdir()
    base = cluster_spec().replace("kind: Cluster", "kind: ClusterBase").replace("  name: payments\n", "")
    (tmp_path / "bases" / "standard.yaml").write_text(base)
    spec = tmp_path / "clusters" / "prod.yaml"
    spec.write_text("extends: ../bases/standard.yaml\nmetadata:\n  name: prod\nspec:\n  supportType: EXTENDED\n")
    report = plan_upgrade([spec], "1.33", today=TODAY)
    (written,) = write_stages(report, tmp_path / "out" / "stages")
    assert written.read_text() == ('extends: "../../bases/standard.yaml"\nmetadata:\n  name: prod\nspec:\n'
                                   '  kubernetesVersion: "1.33"\n  supportType: EXTENDED\n')
    (rendered,) = render_spec(written, today=TODAY, dated_as_warnings=True)
    assert 'kubernetes_version = "1.33"' in rendered.files["eks.tf"]


def test_golden_plan_of_a_1_32_cluster_with_an_al2_group_to_1_35(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster_spec(body=GENERAL + AL2_GROUP))
    monkeypatch.chdir(tmp_path)
    report = plan_upgrade([Path("cluster.yaml")], "1.35", today=TODAY)
    golden("al2-1.32-to-1.35.txt", format_text(report))
    golden("al2-1.32-to-1.35.md", format_markdown(report))
    with pytest.raises(UsageError, match="blockers"):
        write_stages(report, tmp_path / "stages")
    assert not (tmp_path / "stages").exists()


def test_the_readme_worked_example_is_the_golden_plan() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert (GOLDEN / "al2-1.32-to-1.35.txt").read_text() in readme
