"""`eksgen validate`: every check on specs or rendered directories, optionally with real Terraform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

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
from generator.errors import ExitCode, Issue, SpecInvalid
from generator.version import __version__


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
    import tempfile

    from generator.api import render_spec
    from generator.terraform.runner import find_terraform
    from generator.terraform.static import Finding, static_findings, terraform_findings

    runner = find_terraform(terraform_bin) if with_terraform else None
    issues: list[Issue] = []
    findings: list[tuple[str, Finding, bool]] = []  # (where, finding, from a spec)
    clusters = []
    for target in specs:
        if target.is_dir():
            found = static_findings(target)
            if runner is not None:
                found += terraform_findings(target, runner, online=online)
            findings.extend((str(target), f, False) for f in found)
            clusters.append({"directory": str(target), "findings": len(found)})
            continue
        for item in render_spec(target, today=parse_today(today)):
            issues.extend(item.result.warnings)
            clusters.append({"spec": str(target), "cluster": item.name, "files": sorted(item.files)})
            if runner is None:
                continue
            with tempfile.TemporaryDirectory(prefix="eksgen-") as tmp:
                for name, text in item.files.items():
                    (Path(tmp) / name).write_text(text, encoding="utf-8")
                found = static_findings(Path(tmp)) + terraform_findings(Path(tmp), runner, online=online)
            findings.extend((f"{target} ({item.name})", f, True) for f in found)
    if strict and issues:
        raise SpecInvalid(issues)
    code = 0
    if findings:
        code = ExitCode.INTERNAL if any(from_spec for _, _, from_spec in findings) else ExitCode.BAD_INPUT
    if output_format == OutputFormat.json:
        typer.echo(json.dumps({"ok": code == 0, "exitCode": int(code), "clusters": clusters,
                               "issues": [i.as_json() for i in issues],
                               "findings": [{"target": where, "file": f.file, "line": f.line, "message": f.message,
                                             "source": f.source} for where, f, _ in findings]}, indent=2))
        return code
    for issue in issues:
        err(issue.format())
    for where, finding, _ in findings:
        err(f"{where}/{finding.format()}")
    if code == ExitCode.INTERNAL:
        err(f"Terraform rejected what eksgen rendered: a bug in eksgen {__version__}; "
            f"please report it at {REPORT_URL}.")
    elif code:
        err(f"{len(findings)} problem(s) found")
    else:
        checked = " and Terraform" if runner else ""
        typer.echo(f"ok: {len(clusters)} target(s) valid (eksgen checks{checked}), {len(issues)} warning(s)")
    return code


def register(app: typer.Typer) -> None:
    app.command("validate")(handle_errors(validate))
