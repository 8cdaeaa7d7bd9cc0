"""`eksgen validate`: every check on specs or rendered directories, optionally with real Terraform."""

from __future__ import annotations

import json
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
    specs: Annotated[list[str], typer.Argument(
        metavar="SPEC...", show_default=False,
        help="Spec files, quoted glob patterns or directories of specs; a base (kind: ClusterBase) stands for the "
             "clusters that extend it; a directory of rendered Terraform (*.tf or .eksgen/) is checked as such.")],
    with_terraform: Annotated[bool, typer.Option("--terraform", help="Also run terraform fmt -check, init and "
                                                 "validate (offline, against interface stubs).")] = False,
    online: Annotated[bool, typer.Option("--online", help="With --terraform: validate against the real registry "
                                         "modules (needs network).")] = False,
    terraform_bin: Annotated[str | None, typer.Option("--terraform-bin", metavar="PATH", show_default=False,
                                                      help="Terraform or OpenTofu binary.")] = None,
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

    with api.parse_helper(specs):
        report = api.validate(specs, with_terraform=with_terraform, online=online, terraform_bin=terraform_bin,
                              strict=strict, today=parse_today(today))
    code = exit_code(report.failure)
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope(
            "validate", code, clusters=report.targets, issues=[i.as_json() for i in report.warnings],
            directories=report.directories, bases={str(b): [str(c) for c in cs] for b, cs in report.bases.items()},
            findings=[{"target": where, "file": f.file, "line": f.line, "message": f.message, "source": f.source}
                      for where, f, _ in report.findings]), indent=2))
        return code
    for base, dependents in report.bases.items():
        err(f"{base}: a base; checked through the {len(dependents)} cluster(s) that extend it")
    lines = [issue.format() for issue in report.warnings]
    for line in dict.fromkeys(lines):  # a base's finding reads the same for each cluster extending it
        err(line)
    if len(set(lines)) < len(lines):
        err(f"note: {len(lines) - len(set(lines))} warning line(s) shown once above were found again in other "
            "clusters (a base they share); --format json lists every cluster's findings")
    for where, finding, _ in report.findings:
        err(f"{where}/{finding.format()}")
    if code == ExitCode.INTERNAL:
        err(f"{report.failure}: {bug_report()}")
    elif report.failure is not None:
        err(str(report.failure))
    else:
        checked = " and Terraform" if report.with_terraform else ""
        typer.echo(f"ok: {len(report.targets) + len(report.directories)} target(s) valid (eksgen checks{checked}), "
                   f"{len(report.warnings)} warning(s)")
    return code


def register(app: typer.Typer) -> None:
    app.command("validate")(handle_errors(validate))
