"""The README's rule table and commands stay true to the code."""

from __future__ import annotations

from generator.pipeline.checks.rules import markdown_table
from tests.helpers import REPO


def test_readme_rule_table_is_current() -> None:
    assert markdown_table() in (REPO / "README.md").read_text(), "regenerate with `eksgen rules --markdown`"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = ("python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && npm install --silent --no-audit "
               "--no-fund --prefix .ci/node @cdktf/hcl2json@0.21.0 && .venv/bin/python -m pytest -q")
    assert command in readme and command in ci
