"""`eksgen render`: one spec or a fleet, written safely, with a drift check."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from generator import __version__
from generator.cli.common import (
    REPORT_URL,
    Format,
    OutputFormat,
    Strict,
    Today,
    err,
    handle_errors,
    parse_today,
)
from generator.errors import ExitCode


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
    from generator.gitops.fleet import clamp_jobs, expand, render_fleet, shard

    paths = shard(expand(specs), shard_spec)
    workers, note = clamp_jobs(jobs)
    if note:
        err(note)
    if out is not None and len(paths) > 1:
        _reject_duplicate_names(paths)
    text = output_format == OutputFormat.text
    progress = _Progress(len(paths), enabled=text and len(paths) > 1)
    with progress:
        outcomes = render_fleet(paths, out_dir=out, force=force, check=check, today=parse_today(today),
                                jobs=workers, incremental=incremental and not check, strict=strict,
                                on_done=functools.partial(_on_done, progress, check, text))
    worst = max((o.code for o in outcomes), default=0)
    if output_format == OutputFormat.json:
        from dataclasses import asdict

        clusters = [{"spec": o.spec, **c} for o in outcomes for c in o.clusters]
        typer.echo(json.dumps({"ok": worst == 0, "exitCode": worst, "clusters": clusters,
                               "specs": [asdict(o) for o in outcomes]}, indent=2))
    elif len(outcomes) > 1:
        failed = sum(1 for o in outcomes if o.code not in (0, 1))
        skipped = sum(1 for o in outcomes if o.skipped)
        typer.echo(f"{len(outcomes)} spec(s): {len(outcomes) - failed} ok ({skipped} unchanged), {failed} failed")
    return worst


def _on_done(progress: _Progress, check: bool, text: bool, outcome: Any) -> None:
    progress.advance(outcome)
    if text:
        _print_outcome(outcome, check)


class _Progress:
    """A rich progress bar on a terminal; nothing extra in CI logs (plain lines instead)."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        import os

        self.bar: Any = None
        if enabled and sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.task = self.bar.add_task("rendering", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
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
            err(f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec.")
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


def _reject_duplicate_names(paths: list[Path]) -> None:
    """With one -o for several specs each cluster gets out/<name>: two of a name would collide."""
    from generator.api import cluster_name, load_spec
    from generator.errors import EksgenError, UsageError

    seen: dict[str, Path] = {}
    for path in paths:
        try:
            documents = load_spec(path)
        except EksgenError:
            continue  # reported with the spec's own errors when it renders
        for doc in documents:
            name = cluster_name(doc)
            if name is not None and name in seen and seen[name] != path:
                raise UsageError(f"clusters in {seen[name]} and {path} are both named {name!r}: "
                                 "they would share one output directory")
            if name is not None:
                seen[name] = path


def register(app: typer.Typer) -> None:
    app.command("render")(handle_errors(render))
