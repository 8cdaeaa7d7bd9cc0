"""The typer app: one function per command, each argument parsing, one `generator.api` call
and printing. Commands with more to say live in their own `cli/` modules and add themselves
through `register`; `cli.common.handle_errors` reports what a command raises.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.coercion import install as install_plain_coercion
from generator.cli.common import Format, OutputFormat, Today, handle_errors, parse_today
from generator.cli.help import install as install_readable_help
from generator.errors import Terminated
from generator.version import __version__

# A command is a short run that creates many long-lived objects (modules, pydantic's validators, the
# parser's tables); the collector's default pace re-scans them hundreds of times, ~10 % of a cold
# render and of a fleet's. Collected less often, as mypy does: about 2 MB more at the peak.
# (bench/render_bench.py and bench/fleet_bench.py measure it.)
GC_THRESHOLDS = (200_000, 30, 30)

app = typer.Typer(name="eksgen", help="Generate a proven Terraform root module for Amazon EKS from one YAML spec.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
aws_auth_app = typer.Typer(help="Work with legacy aws-auth ConfigMaps.", no_args_is_help=True)
modules_app = typer.Typer(help="Module interface catalogs.", no_args_is_help=True)
app.add_typer(aws_auth_app, name="aws-auth")
app.add_typer(modules_app, name="modules")
import_app = typer.Typer(help="Turn other tools' cluster configuration into eksgen specs.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"eksgen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """eksgen: one cluster spec in, a complete and proven Terraform root module out."""


class ExplainFormat(StrEnum):
    yaml = "yaml"
    markdown = "markdown"


def init(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the starter spec.")] = Path(
        "cluster.yaml"),
    name: Annotated[str, typer.Option("--name", help="Cluster name.")] = "my-cluster",
    region: Annotated[str, typer.Option("--region", help="AWS region.")] = "eu-west-1",
) -> int:
    """Write a commented starter spec that renders cleanly."""
    from generator import api

    written = api.init_spec(output, name=name, region=region)
    typer.echo(f"wrote {' and '.join(str(p) for p in written)}; next: eksgen render {output}")
    return 0


def schema() -> int:
    """Print the JSON Schema (draft 2020-12) of the spec."""
    from generator import api

    typer.echo(json.dumps(api.json_schema(), indent=2))
    return 0


def explain(
    spec: Annotated[Path, typer.Argument(help="Spec file.")],
    capacity: Annotated[bool, typer.Option("--capacity", help="Print the pod-IP capacity table instead.")] = False,
    output_format: Annotated[ExplainFormat, typer.Option("--format", help="yaml, or markdown: a Mermaid diagram "
                                                          "of each cluster and its effective spec, for a pull "
                                                          "request.")] = ExplainFormat.yaml,
    today: Today = None,
) -> int:
    """Print the effective spec, every default filled in, as YAML (or, with --capacity, the capacity plan)."""
    from generator import api

    if capacity:
        from generator.cli.capacity import print_reports

        print_reports(api.capacity(spec, today=parse_today(today)))
        return 0
    if output_format == ExplainFormat.markdown:
        typer.echo(api.explain_markdown(spec, today=parse_today(today)), nl=False)
        return 0
    typer.echo(api.explain(spec, today=parse_today(today)), nl=False)
    return 0


def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown (for the README).")] = False,
    output_format: Format = OutputFormat.text,
) -> int:
    """List every check: ID, area, severity, what it checks, its checkov twin, whether it can be waived."""
    from generator import api

    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope("rules", 0, rules=api.rules_json()), indent=2))
        return 0
    if markdown:
        typer.echo(api.rules_markdown(), nl=False)
        return 0
    from rich.table import Table

    from generator.cli.common import console

    table = Table("rule", "area", "severity", "checks", "fix", "checkov", "waivable")
    for rule in api.rules():
        table.add_row(rule.id, rule.area, rule.severity, rule.summary, rule.hint, rule.checkov or "",
                      "yes" if rule.waivable else "no")
    console(width=200).print(table)
    differs = Table("checkov", "where eksgen knowingly differs (waive the ID in the spec to skip it in checkov)")
    for check, why in api.checkov_differences().items():
        differs.add_row(check, why)
    console(width=200).print(differs)
    return 0


def aws_auth_convert(configmap: Annotated[Path, typer.Argument(help="aws-auth ConfigMap manifest (YAML).")]) -> int:
    """Turn an aws-auth ConfigMap into `access.entries` YAML."""
    from generator import api

    typer.echo(api.convert_aws_auth(configmap), nl=False)
    return 0


def _register_commands() -> None:
    """Commands that live in their own modules, each adding itself to the app."""
    from generator.cli import adopt as cli_adopt
    from generator.cli import capacity as cli_capacity
    from generator.cli import data as cli_data
    from generator.cli import diff as cli_diff
    from generator.cli import lock as cli_lock
    from generator.cli import modules as cli_modules
    from generator.cli import render as cli_render
    from generator.cli import upgrade as cli_upgrade
    from generator.cli import validate as cli_validate

    app.command("init")(handle_errors(init))
    cli_render.register(app)
    cli_validate.register(app)
    cli_diff.register(app)
    cli_upgrade.register(app)
    cli_lock.register(app)
    cli_data.register(app)
    app.command("explain")(handle_errors(explain))
    cli_capacity.register(app)
    app.command("schema")(handle_errors(schema))
    app.command("rules")(handle_errors(rules))
    aws_auth_app.command("convert")(handle_errors(aws_auth_convert))
    cli_modules.register(modules_app)
    cli_adopt.register(import_app)


_register_commands()
install_readable_help()
install_plain_coercion()


PYDANTIC_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"  # pydantic's documented switch; "__all__" turns every plugin off


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (the process's: it tunes the collector); returns the exit code."""
    gc.set_threshold(*GC_THRESHOLDS)
    # eksgen's models validate alike in every environment: a pydantic plugin installed beside it (an
    # observability hook, say) has no say in them, and finding plugins scans every installed package.
    os.environ.setdefault(PYDANTIC_PLUGINS_ENV, "__all__")
    if threading.current_thread() is threading.main_thread():  # a cancelled CI job exits 143, cleaning up
        signal.signal(signal.SIGTERM, _terminate)
    try:
        app(args=argv, prog_name="eksgen")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    finally:
        # The command is done (its files written, synced and closed): what it leaves is freed by the
        # exit, and the interpreter's shutdown need not scan it again (~20 ms of an unchanged fleet's run).
        gc.freeze()
    return 0


if __name__ == "__main__":
    sys.exit(main())
