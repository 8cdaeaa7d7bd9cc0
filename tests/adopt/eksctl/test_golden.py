"""Golden specs: each golden/<name>/clusterconfig.yaml imports to exactly golden/<name>/spec.yaml,
which validates and renders (the import proves both; here again through the public API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import api
from tests.adopt.eksctl.regen_golden import REGEN_COMMAND, cases, imported
from tests.helpers import TODAY


@pytest.mark.parametrize("source", cases(), ids=lambda p: p.parent.name)
def test_golden_spec(source: Path) -> None:
    expected = (source.parent / "spec.yaml").read_text("utf-8")
    assert imported(source) == expected, f"regenerate with `{REGEN_COMMAND}` and review the diff"


@pytest.mark.parametrize("source", cases(), ids=lambda p: p.parent.name)
def test_golden_spec_validates_and_renders(source: Path) -> None:
    spec = source.parent / "spec.yaml"
    report = api.validate([str(spec)], today=TODAY)
    assert [t["status"] for t in report.targets] == ["valid"]
    (rendered,) = api.render_spec(spec, today=TODAY)
    assert "eks.tf" in rendered.files


def test_there_are_goldens() -> None:
    assert len(cases()) >= 5


def test_the_readme_example_is_what_the_import_writes() -> None:
    from tests.adopt.eksctl.helpers import run
    from tests.helpers import REPO

    section = (REPO / "README.md").read_text("utf-8").split("## Coming from eksctl", 1)[1]
    blocks = [part.split("```", 1)[0] for part in section.split("```yaml\n")[1:3]]
    clusterconfig, snippet = blocks
    assert snippet in run(clusterconfig).text
