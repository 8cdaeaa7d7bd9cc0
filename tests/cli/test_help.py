"""`--help` is written for people: no Python types, no `{required}` braces, on every command."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from generator.cli.main import app

COMMANDS = [["render"], ["validate"], ["diff"], ["explain"], ["init"], ["rules"], ["schema"], ["capacity"],
            ["aws-auth", "convert"], ["modules", "list"], ["modules", "import"], ["import", "eksctl"]]
PYTHON_TYPE = re.compile(r"<[a-z_\[\], ]+>|\{[A-Za-z_.]+\}")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_no_python_types(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert PYTHON_TYPE.findall(result.output) == [], result.output


# Every command whose result can depend on the date-driven rules (it runs the checks).
DATED_COMMANDS = [["render"], ["validate"], ["diff"], ["explain"], ["capacity"], ["upgrade"], ["lock"],
                  ["import", "eksctl"], ["import", "terraform"]]


@pytest.mark.parametrize("command", DATED_COMMANDS, ids=" ".join)
def test_the_clock_is_documented_with_its_environment_variable(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert "--today" in result.output and "EKSGEN_TODAY" in result.output
