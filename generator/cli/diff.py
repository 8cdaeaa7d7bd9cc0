"""`eksgen diff`: what a spec change means, before anyone runs terraform plan.

`eksgen diff OLD NEW` compares two spec files; `eksgen diff SPEC --git REV` compares a spec
with its own version at a git revision. Exit codes follow diff(1): 0 no changes, 1 changes,
2 bad input.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from generator.errors import exit_code


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


OldSpec = Annotated[Path, typer.Argument(metavar="OLD", help="The old spec file (or, with --git, the spec).",
                                         show_default=False)]
NewSpec = Annotated[Path | None, typer.Argument(metavar="NEW", help="The new spec file.", show_default=False)]
GitRev = Annotated[str | None, typer.Option("--git", metavar="REV",
                                            help="Compare SPEC with its own version at this git revision.")]
FormatOption = Annotated[DiffFormat, typer.Option("--format", help="Output format.")]
TodayOption = Annotated[str | None, typer.Option("--today", hidden=True, help="Pretend today is YYYY-MM-DD.")]


def register(app: typer.Typer) -> None:
    """Add the `diff` command to `app`."""
    from generator.cli.common import handle_errors  # here, not at the top: generator.cli.main imports this module

    @app.command("diff")
    @handle_errors
    def diff(old: OldSpec, new: NewSpec = None, git: GitRev = None,
             output_format: FormatOption = DiffFormat.text, today: TodayOption = None) -> int:
        """Show what changes between two specs: a risk per change, then the Terraform diff.

        Risks: in-place, nodes roll, one-way, replace. Exit 0 without changes, 1 with changes.
        """
        return run_diff(old, new, git, output_format, today)


def run_diff(old: Path, new: Path | None, rev: str | None, output_format: DiffFormat, today: str | None) -> int:
    """Render both sides in memory, print the report; 1 when anything changes."""
    from generator import api
    from generator.cli.common import parse_today

    report = api.diff_specs(old, new, rev=rev, today=parse_today(today))
    formatters = {DiffFormat.text: api.format_text, DiffFormat.markdown: api.format_markdown,
                  DiffFormat.json: api.format_json}
    typer.echo(formatters[output_format](report), nl=False)
    return exit_code(differences=report.has_changes)
