"""`eksgen validate` output: diagnostics show hostile values escaped (P16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TODAY_ARGS

HOSTILE = (
    'apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata:\n  name: "de\\u202emo"\n  region: "eu\\x1b[31m"\n'
    '  tags: {"k\\u202e": "v\\x1b"}\nspec:\n  kubernetesVersion: "1.3\\u202e5"\n  "x\\u202ey\\x07": 1\n'
    '  managedNodeGroups: [{name: "g\\x1b", minSize: 2, maxSize: 3}]\n'
)


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE.replace('  "x\\u202ey\\x07": 1\n', "")],
                         ids=["unknown-key", "bad-values"])
def test_diagnostics_never_print_raw_control_or_bidi_characters(tmp_path: Path, text: str) -> None:
    """P16: hostile values are quoted escaped, so terminals and CI logs show what is there."""
    from typer.testing import CliRunner

    from generator.cli.main import app

    spec = tmp_path / "hostile.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(spec), *TODAY_ARGS])
    assert result.exit_code == 2
    shown = result.stderr
    assert "\\u202e" in shown or "U+202E" in shown  # the problem is named...
    assert not any(ch in shown for ch in "\x1b\x07\u202e")  # ...but never emitted raw
