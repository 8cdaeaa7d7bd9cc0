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
    SpecArgs,
    Strict,
    Today,
    bug_report,
    err,
    handle_errors,
    parse_today,
)
from generator.errors import ExitCode, exit_code


def render(
    specs: SpecArgs,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output directory (default: beside each spec, "
                                              "named after metadata.name).", show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 and show a diff when a "
                                        "directory differs from what its spec renders (the drift gate).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files edited by hand.")] = False,
    jobs: Annotated[int, typer.Option("-j", "--jobs", metavar="N", help="Parallel workers (default: all cores).",
                                      show_default=False)] = 0,
    shard_spec: Annotated[str | None, typer.Option("--shard", metavar="I/N", help="Render only shard I of N, "
                                                   "for CI matrices.", show_default=False)] = None,
    incremental: Annotated[bool, typer.Option("--incremental/--no-incremental", help="Skip clusters whose "
                                              "spec and output are unchanged since the last render (their "
                                              "recorded findings are still reported).")] = True,
    gate_on_dates: Annotated[bool, typer.Option("--gate-on-dates", help="With --check: let date-driven errors "
                                                "(end of support, EKS006) fail the gate too.")] = False,
    import_blocks: Annotated[bool, typer.Option("--import-blocks", help="Also write imports.tf: Terraform import "
                                                "blocks adopting a cluster that exists already (see the README, "
                                                "'Adopting an existing cluster').")] = False,
    output_format: Format = OutputFormat.text,
    strict: Strict = False,
    today: Today = None,
) -> int:
    """Check specs and write their Terraform root modules; many specs render in parallel."""
    from generator import api

    text = output_format == OutputFormat.text
    progress = _Progress(enabled=text)
    shown = _Warnings()
    with api.parse_helper(specs):
        selection = api.select(specs)
        if text:
            for base, clusters in selection.bases.items():
                err(f"{base}: a base; checking the {len(clusters)} cluster(s) that extend it")
        with progress:
            outcomes = api.render_specs(selection, out_dir=out, check=check, force=force, jobs=jobs,
                                        shard_spec=shard_spec, incremental=incremental, strict=strict,
                                        today=parse_today(today), dated_gate=gate_on_dates,
                                        import_blocks=import_blocks, on_start=progress.start,
                                        on_rendered=progress.advance,
                                        on_done=functools.partial(_on_done, check, text, shown), on_note=err)
    code = exit_code(parts=[o.code for o in outcomes])
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope("render", code, clusters=api.fleet_clusters(outcomes),
                                       issues=[i for o in outcomes for i in o.issues],
                                       bases={str(b): [str(c) for c in cs] for b, cs in selection.bases.items()}),
                              indent=2))
    elif len(outcomes) > 1 or check:
        typer.echo(fleet_summary(outcomes, check))
    if text and shown.repeated:
        err(f"note: {shown.repeated} warning line(s) shown once above were found again in other clusters "
            "(a base they share); --format json lists every cluster's findings")
    return code


def fleet_summary(outcomes: list[Any], check: bool) -> str:
    """One line of true counts, then every stale, failed or skipped cluster by name and spec."""
    stale, failed, skipped, fine = [], [], [], 0
    for outcome in outcomes:
        if outcome.code not in (0, 1):
            failed.append(f"{outcome.spec} (exit {outcome.code})")
            continue
        for cluster in outcome.clusters:
            label = f"{cluster['cluster']} ({outcome.spec})"
            if cluster.get("status") == "stale":
                stale.append(label)
            elif outcome.skipped:
                skipped.append(label)
            else:
                fine += 1
    counts = [f"{fine} up to date" if check else f"{fine} rendered"]
    if check:
        counts.append(f"{len(stale)} stale")
    counts += [f"{len(skipped)} skipped (unchanged)"] * bool(skipped) + [f"{len(failed)} spec(s) failed"]
    lines = [f"{len(outcomes)} spec(s): " + ", ".join(counts)]
    lines += [f"  stale: {s}" for s in stale] + [f"  failed: {f}" for f in failed]
    lines += [f"  skipped: {s}" for s in skipped]
    return "\n".join(lines)


def _on_done(check: bool, text: bool, shown: _Warnings, outcome: Any) -> None:
    if text:
        _print_outcome(outcome, check, shown)


class _Warnings:
    """Warning lines already printed this run: a finding located in a base reads the same for every
    cluster extending it, so a fleet prints it once (and counts the repeats), not once per cluster."""

    def __init__(self) -> None:
        self.lines: set[str] = set()
        self.repeated = 0

    def first_time(self, line: str) -> bool:
        if line in self.lines:
            self.repeated += 1
            return False
        self.lines.add(line)
        return True


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

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)


def _print_outcome(outcome: Any, check: bool, shown: _Warnings) -> None:
    """Status lines worded alike for render and --check: `SPEC (CLUSTER): STATUS in DIR`."""
    for line in outcome.warnings:
        if shown.first_time(line):
            err(line)
    if outcome.errors:
        for line in outcome.errors:
            err(line)
        if outcome.code == ExitCode.BAD_INPUT and outcome.error_count:
            errors = sum(1 for i in outcome.issues if i.get("severity") == "error")
            if errors:
                err(f"{errors} error(s) in {outcome.spec}; nothing written")
            else:  # --strict: the warnings are what failed, counted as such
                err(f"{len(outcome.issues)} warning(s) treated as errors (--strict) in {outcome.spec}; nothing written")
        elif outcome.code == ExitCode.INTERNAL:
            err(bug_report())
        return
    for cluster in outcome.clusters:
        out_dir = Path(str(cluster["outDir"]))
        where = f"{outcome.spec} ({cluster['cluster']})"
        if outcome.skipped:
            typer.echo(f"{where}: up to date in {out_dir} (unchanged since the last render; skipped)")
        elif check:
            diff = str(cluster.get("diff") or "")
            typer.echo(f"{where}: stale in {out_dir}" if diff else f"{where}: up to date in {out_dir}")
            typer.echo(diff, nl=False)
        else:
            changes = [f"{verb} {name}" for verb in ("created", "updated", "removed")
                       for name in _names(cluster.get(verb))]
            status = f"written to {out_dir}: " + ", ".join(changes) if changes else f"up to date in {out_dir}"
            typer.echo(f"{where}: {status}")


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def register(app: typer.Typer) -> None:
    app.command("render")(handle_errors(render))
