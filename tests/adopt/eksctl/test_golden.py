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
