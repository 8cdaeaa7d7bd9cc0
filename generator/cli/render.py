"""`eksgen render`: one spec or a fleet, written safely, with a drift check."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from generator.cli.common import (
    Format,
    OutputFormat,
    Strict,
    Today,
    bug_report,
    err,
    handle_errors,
    parse_today,
)
from generator.errors import ExitCode, exit_code


def render(
    specs: Annotated[list[str], typer.Argument(help="Spec files or quoted glob patterns ('clusters/*.yaml').",
                                               show_default=False)],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output directory (default: beside each spec, "
                                              "named after metadata.name).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 and show a diff when a "
                                        "directory differs from what its spec renders.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files edited by hand.")] = False,
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="Parallel workers (default: all cores).")] = 0,
    shard_spec: Annotated[str | None, typer.Option("--shard", help="Render only shard I of N (I/N), "
                                                   "for CI matrices.")] = None,
    incremental: Annotated[bool, typer.Option("--incremental/--no-incremental", help="Skip clusters whose "
                                              "spec and output are unchanged since the last render.")] = True,
    output_format: Format = OutputFormat.text,
    strict: Strict = False,
    today: Today = None,
) -> int:
    """Check specs and write their Terraform root modules; many specs render in parallel."""
    from generator import api

    text = output_format == OutputFormat.text
    progress = _Progress(enabled=text)
    with progress:
        outcomes = api.render_specs(specs, out_dir=out, check=check, force=force, jobs=jobs, shard_spec=shard_spec,
                                    incremental=incremental, strict=strict, today=parse_today(today),
                                    on_start=progress.start, on_done=functools.partial(_on_done, progress, check, text),
                                    on_note=err)
    code = exit_code(parts=[o.code for o in outcomes])
    if output_format == OutputFormat.json:
        from dataclasses import asdict

        clusters = [{"spec": o.spec, **c} for o in outcomes for c in o.clusters]
        typer.echo(json.dumps({"ok": code == 0, "exitCode": int(code), "clusters": clusters,
                               "specs": [asdict(o) for o in outcomes]}, indent=2))
    elif len(outcomes) > 1:
        failed = sum(1 for o in outcomes if o.code not in (ExitCode.OK, ExitCode.DIFFERENCES))
        skipped = sum(1 for o in outcomes if o.skipped)
        typer.echo(f"{len(outcomes)} spec(s): {len(outcomes) - failed} ok ({skipped} unchanged), {failed} failed")
    return code


def _on_done(progress: _Progress, check: bool, text: bool, outcome: Any) -> None:
    progress.advance(outcome)
    if text:
        _print_outcome(outcome, check)


class _Progress:
    """A rich progress bar on a terminal for several specs; nothing extra in CI logs (plain lines instead)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self.bar: Any = None

    def start(self, total: int) -> None:
        if self.enabled and total > 1:
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.task = self.bar.add_task("rendering", total=total)
            self.bar.start()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, _: object) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)


def _print_outcome(outcome: Any, check: bool) -> None:
    for line in outcome.warnings:
        err(line)
    if outcome.errors:
        for line in outcome.errors:
            err(line)
        if outcome.code == ExitCode.BAD_INPUT and outcome.error_count:
            err(f"{outcome.error_count} error(s); nothing written")
        elif outcome.code == ExitCode.INTERNAL:
            err(bug_report())
        return
    if outcome.skipped:
        typer.echo(f"{outcome.spec}: unchanged")
        return
    for cluster in outcome.clusters:
        out_dir = Path(str(cluster["outDir"]))
        if check:
            diff = str(cluster.get("diff") or "")
            typer.echo(diff, nl=False) if diff else typer.echo(f"{out_dir}: up to date")
            continue
        changed = False
        for verb in ("created", "updated", "removed"):
            for name in cluster.get(verb) or []:
                typer.echo(f"{verb:>9} {out_dir / str(name)}")
                changed = True
        if not changed:
            typer.echo(f"{out_dir}: up to date")


def register(app: typer.Typer) -> None:
    app.command("render")(handle_errors(render))
