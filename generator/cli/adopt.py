"""`eksgen import terraform DIR`: a spec from an existing root module (`import eksctl` lives beside it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import OutputFormat, err, handle_errors

import_app = typer.Typer(help="Import existing clusters as eksgen specs.", no_args_is_help=True)


def import_terraform(
    directory: Annotated[Path, typer.Argument(help="A Terraform root module calling terraform-aws-modules/eks "
                                              "(v20 or v21), vpc, iam IRSA and eks-pod-identity.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the spec here (never over an "
                                                "existing file); default: print it.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse the import (exit 2, nothing written) when "
                                         "anything could not be carried over.")] = False,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = OutputFormat.text,
) -> int:
    """Turn a terraform-aws-eks root module into a spec; report what it could not carry over, with file:line."""
    from generator import api

    result = api.import_terraform(directory, output=output, strict=strict)
    issues = [*result.warnings, *result.findings]
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope("import", 0, issues=[i.as_json() for i in issues], spec=result.text,
                                           output=str(result.written) if result.written else None), indent=2))
        return 0
    for issue in issues:
        err(issue.format())
    if result.written is not None:
        err(f"wrote {result.written} ({len(result.warnings)} warning(s) from the import, "
            f"{len(result.findings)} finding(s) of eksgen's checks)")
    else:
        typer.echo(result.text, nl=False)
    return 0


def register(app: typer.Typer) -> None:
    import_app.command("terraform")(handle_errors(import_terraform))
    app.add_typer(import_app, name="import")
