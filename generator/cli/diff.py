"""`eksgen diff`: what a spec change means, before anyone runs terraform plan.

`eksgen diff OLD NEW` compares two spec files; `eksgen diff SPEC... --git REV` compares specs
(files, quoted globs, directories, bases, as for render) with their own versions at a git
revision. Exit codes follow diff(1): 0 no changes, 1 changes, 2 bad input.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import Today
from generator.errors import exit_code


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


SpecsArg = Annotated[list[str], typer.Argument(
    metavar="OLD NEW | SPEC...", show_default=False,
    help="Two spec files (old, new); or with --git, spec files, quoted globs, directories or bases, each compared "
         "with itself at REV.")]
GitRev = Annotated[str | None, typer.Option("--git", metavar="REV",
                                            help="Compare SPEC with its own version at this git revision.")]
FormatOption = Annotated[DiffFormat, typer.Option("--format", help="text, markdown (a pull-request comment with a "
                                                  "Mermaid diagram of each cluster) or json.")]


def register(app: typer.Typer) -> None:
    """Add the `diff` command to `app`."""
    from generator.cli.common import handle_errors

    @app.command("diff")
    @handle_errors
    def diff(specs: SpecsArg, git: GitRev = None, output_format: FormatOption = DiffFormat.text,
             today: Today = None) -> int:
        """Show what changes between two specs: a risk per change, then the Terraform diff.

        Risks: in-place, nodes roll, one-way, replace. Exit 0 without changes, 1 with changes.
        """
        return run_diff(specs, git, output_format, today)


def run_diff(specs: list[str], rev: str | None, output_format: DiffFormat, today: str | None) -> int:
    """Render both sides in memory, print the report; 1 when anything changes."""
    from generator import api
    from generator.cli.common import parse_today
    from generator.errors import UsageError

    with api.parse_helper(specs, at_most=2):  # two renders here
        if rev is not None:
            report = api.diff_at_revision(specs, rev, today=parse_today(today))
        elif len(specs) == 2:
            report = api.diff_specs(Path(specs[0]), Path(specs[1]), today=parse_today(today))
        else:
            raise UsageError("give OLD and NEW spec files, or SPEC... with --git REV")
    formatters = {DiffFormat.text: api.format_text, DiffFormat.markdown: api.format_markdown,
                  DiffFormat.json: api.format_json}
    typer.echo(formatters[output_format](report), nl=False)
    return exit_code(differences=report.has_changes)
