"""`eksgen validate`: every check on specs or rendered directories, optionally with real Terraform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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


def validate(
    specs: Annotated[list[Path], typer.Argument(help="Spec files, or directories of rendered Terraform.",
                                                show_default=False)],
    with_terraform: Annotated[bool, typer.Option("--terraform", help="Also run terraform fmt -check, init and "
                                                 "validate (offline, against interface stubs).")] = False,
    online: Annotated[bool, typer.Option("--online", help="With --terraform: validate against the real registry "
                                         "modules (needs network).")] = False,
    terraform_bin: Annotated[str | None, typer.Option("--terraform-bin", help="Terraform or OpenTofu binary.")] = None,
    output_format: Format = OutputFormat.text,
    strict: Strict = False,
    today: Today = None,
) -> int:
    """Run every check and prove the rendered output; write nothing.

    A directory argument is checked as a rendered root module: eksgen's static checks
    (unknown arguments and nested keys, types, module outputs, providers, live `${`),
    and with --terraform real Terraform too.
    """
    from generator import api

    report = api.validate(specs, with_terraform=with_terraform, online=online, terraform_bin=terraform_bin,
                          strict=strict, today=parse_today(today))
    code = exit_code(report.failure)
    if output_format == OutputFormat.json:
        typer.echo(json.dumps({"ok": code == 0, "exitCode": int(code), "clusters": report.targets,
                               "issues": [i.as_json() for i in report.warnings],
                               "findings": [{"target": where, "file": f.file, "line": f.line, "message": f.message,
                                             "source": f.source} for where, f, _ in report.findings]}, indent=2))
        return code
    for issue in report.warnings:
        err(issue.format())
    for where, finding, _ in report.findings:
        err(f"{where}/{finding.format()}")
    if code == ExitCode.INTERNAL:
        err(f"{report.failure}: {bug_report()}")
    elif report.failure is not None:
        err(str(report.failure))
    else:
        checked = " and Terraform" if report.with_terraform else ""
        typer.echo(f"ok: {len(report.targets)} target(s) valid (eksgen checks{checked}), "
                   f"{len(report.warnings)} warning(s)")
    return code


def register(app: typer.Typer) -> None:
    app.command("validate")(handle_errors(validate))
