"""`eksgen diff`: what a spec change means, before anyone runs terraform plan.

`eksgen diff OLD NEW` compares two spec files; `eksgen diff SPEC --git REV` compares a spec
with its own version at a git revision. Exit codes follow diff(1): 0 no changes, 1 changes,
2 bad input.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from dataclasses import replace
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from generator.errors import ExitCode, Issue, SpecInvalid, UsageError

if TYPE_CHECKING:
    import datetime as dt

    from generator.api import RenderResult
    from generator.gitops.diff import DiffReport

EXTENDS_KEY = "extends"
GIT_TIMEOUT_SECONDS = 60


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
    # Imported here: the CLI imports this module at start-up, and rendering pulls in the whole pipeline.
    from generator.api import render_spec
    from generator.cli.common import parse_today
    from generator.gitops.diff import diff_results

    if (new is None) == (rev is None):
        raise UsageError("give OLD and NEW spec files, or one SPEC with --git REV")
    date = parse_today(today)
    if rev is None:
        assert new is not None
        report = diff_results(render_spec(old, today=date), render_spec(new, today=date))
    else:
        report = diff_results(render_at_revision(old, rev, date), render_spec(old, today=date))
    typer.echo(_formatted(report, output_format), nl=False)
    return ExitCode.DIFFERENCES if report.has_changes else ExitCode.OK


def render_at_revision(spec: Path, rev: str, today: dt.date | None) -> list[RenderResult]:
    """Render `spec` as it was at `rev`; its errors name the file as `path@REV`, not the temporary copy."""
    from generator.api import render_spec

    with tempfile.TemporaryDirectory(prefix="eksgen-diff-") as tmp:
        before = spec_at_revision(spec, rev, Path(tmp))
        try:
            return render_spec(before, today=today)
        except SpecInvalid as exc:
            raise SpecInvalid([_at_revision(issue, tmp, rev) for issue in exc.issues]) from None


def _at_revision(issue: Issue, tmp: str, rev: str) -> Issue:
    def label(path: str | None) -> str | None:
        prefix = f"{tmp}{os.sep}"
        return f"{path.removeprefix(prefix)}@{rev}" if path and path.startswith(prefix) else path

    position = replace(issue.position, file=label(issue.position.file)) if issue.position else None
    return replace(issue, file=label(issue.file) or issue.file, position=position)


def _formatted(report: DiffReport, output_format: DiffFormat) -> str:
    from generator.gitops.diff import format_json, format_markdown, format_text

    formatters = {DiffFormat.text: format_text, DiffFormat.markdown: format_markdown, DiffFormat.json: format_json}
    text: str = formatters[output_format](report)
    return text


def spec_at_revision(spec: Path, rev: str, dest: Path) -> Path:
    """Write `spec` as it was at `rev` (and the base specs it extends) under `dest`; return its path.

    The copy keeps the file's name and its place in the repository, so relative `extends` resolve
    to the bases of that revision too.
    """
    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    if rev.startswith("-"):  # git would read it as an option (git show --output=... writes files)
        raise UsageError(f"--git: not a revision: {rev!r}")
    root = Path(_git(spec.resolve().parent, "rev-parse", "--show-toplevel", what=str(spec)).strip())
    relative = PurePosixPath(spec.resolve().relative_to(root.resolve()).as_posix())
    _materialize(root, rev, relative, dest, seen=set())
    return dest / relative


def _materialize(root: Path, rev: str, relative: PurePosixPath, dest: Path, seen: set[PurePosixPath]) -> None:
    seen.add(relative)
    text = _git(root, "show", f"{rev}:{relative}", what=f"{relative} at {rev}")
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    for base in _extends(text):
        path = PurePosixPath(_normalized(relative.parent / base))
        if path not in seen and not path.is_absolute() and ".." not in path.parts:
            with contextlib.suppress(UsageError):  # a base missing at REV: the loader reports it, with position
                _materialize(root, rev, path, dest, seen)


def _extends(text: str) -> list[str]:
    """The `extends` targets of a spec's documents; unreadable YAML is left to the loader to report."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return []
    return [d[EXTENDS_KEY] for d in documents if isinstance(d, dict) and isinstance(d.get(EXTENDS_KEY), str)]


def _normalized(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."


def _git(cwd: Path, *args: str, what: str) -> str:
    """Run git; its failures are the user's input problems (exit 2), worded for them."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                              timeout=GIT_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise UsageError("--git needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS}s") from None
    if done.returncode != 0:
        raise UsageError(_git_error(done.stderr, what))
    return done.stdout


def _git_error(stderr: str, what: str) -> str:
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "git failed"
    lowered = message.lower()
    if "not a git repository" in lowered:
        return f"{what}: not in a git repository"
    if "does not exist in" in lowered or "exists on disk, but not in" in lowered:
        return f"{what}: no such file at that revision"
    if "invalid object name" in lowered or "unknown revision" in lowered or "bad revision" in lowered:
        return f"{what}: unknown revision"
    return f"{what}: {message.removeprefix('fatal: ')}"
