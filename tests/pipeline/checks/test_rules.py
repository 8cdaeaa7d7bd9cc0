"""The rule catalogue (generator.pipeline.checks.rules.RULES): every rule has a row in its module's table,
the catalogue is well formed, and `eksgen rules` lists it.

The rows live beside the module that implements the rule: tests/pipeline/checks/test_<module>.py (and
tests/pipeline/test_awsauth.py for EKS040); the machinery is in tests/helpers.py.
"""

from __future__ import annotations

from typer.testing import CliRunner

from generator.cli.main import app
from generator.pipeline.checks.rules import RULES
from tests.pipeline import test_awsauth
from tests.pipeline.checks import (
    test_access,
    test_capacity,
    test_cluster,
    test_compute,
    test_network,
    test_pins,
    test_second_release,
    test_security,
    test_strings,
    test_waivers,
)

ROWS = [
    *test_awsauth.ROWS,
    *test_access.ROWS,
    *test_capacity.ROWS,
    *test_cluster.ROWS,
    *test_compute.ROWS,
    *test_network.ROWS,
    *test_pins.ROWS,
    *test_second_release.ROWS,
    *test_security.ROWS,
    *test_strings.ROWS,
    *test_waivers.ROWS,
]


# --- coverage and the catalogue -------------------------------------------------------------------------


def test_every_rule_has_a_triggering_row() -> None:
    covered = {r.rule for r in ROWS if not r.bug}
    assert sorted(set(RULES) - covered) == []
    assert covered <= set(RULES), "a row names a rule the catalogue does not have"


def test_row_ids_are_unique() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))


def test_catalogue_is_well_formed() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.summary and rule.hint
        if rule.severity == "warning" and rule.id != "EKS091":
            assert rule.waivable, f"{rule_id}: a warning the author cannot waive"
        if rule.waivable:
            assert rule.severity == "warning", f"{rule_id}: waivable errors are not part of the design"


def test_rules_markdown_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules", "--markdown"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| rule | area | severity |")
    for rule_id, rule in RULES.items():
        row_lines = [line for line in lines if line.startswith(f"| {rule_id} |")]
        assert len(row_lines) == 1, rule_id
        assert f"| {rule.severity} |" in row_lines[0]
        assert row_lines[0].rstrip().endswith("| yes |" if rule.waivable else "| no |")


def test_rules_table_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    for rule_id in RULES:
        assert rule_id in result.stdout
