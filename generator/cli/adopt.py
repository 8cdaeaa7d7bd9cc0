"""`eksgen import eksctl` and `eksgen import terraform`: another tool's cluster configuration as an eksgen spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import Format, OutputFormat, Strict, Today, err, handle_errors, parse_today
from generator.errors import Issue


def import_eksctl(
    clusterconfig: Annotated[Path, typer.Argument(metavar="CLUSTERCONFIG.yaml", show_default=False,
                                                  help="An eksctl.io/v1alpha5 ClusterConfig file.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="SPEC", show_default=False,
                                                help="Write the spec here (default: print it).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    strict: Strict = False,
    output_format: Format = OutputFormat.text,
    today: Today = None,
) -> int:
    """Write the eksgen spec of the cluster eksctl would make from CLUSTERCONFIG.

    eksctl's defaults that differ from eksgen's are written out with a comment each; fields eksgen
    cannot express stay in the spec as comments and are warnings here (errors with --strict, and then
    nothing is written). The spec is checked and rendered before it is written.
    """
    from generator import api

    result = api.import_eksctl(clusterconfig, output=output, strict=strict, force=force, today=parse_today(today))
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope(
            "import eksctl", 0, issues=[i.as_json() for i in result.issues], notes=[n.as_json() for n in result.notes],
            specWarnings=[f.as_json() for f in result.findings], spec=result.text,
            output=str(output) if output else None), indent=2))
        return 0
    for issue in sorted(result.issues, key=Issue.sort_key):
        err(issue.format())
    for note in sorted(result.notes, key=Issue.sort_key):
        err(issue_note(note))
    rules = sorted({f.rule for f in result.findings if f.rule})
    where = "printed" if output is None else (f"{output} already says this" if result.unchanged
                                               else f"wrote {output}")
    err(f"{clusterconfig}: {len(result.warnings)} warning(s), {len(result.notes)} note(s); the spec "
        f"validates with {len(result.findings)} warning(s)" + (f" ({', '.join(rules)})" if rules else "")
        + f"; {where}")
    if output is None:
        typer.echo(result.text, nl=False)
    return 0


def issue_note(note: Issue) -> str:
    return note.format().replace(f"{note.path}: warning: ", f"{note.path}: note: ", 1)


def import_terraform(
    directory: Annotated[Path, typer.Argument(metavar="DIR", show_default=False,
                                              help="A Terraform root module calling terraform-aws-modules/eks "
                                              "(v20 or v21), vpc, iam IRSA and eks-pod-identity.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="SPEC", show_default=False,
                                                help="Write the spec here (default: print it).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    strict: Strict = False,
    output_format: Format = OutputFormat.text,
    today: Today = None,
) -> int:
    """Write the eksgen spec a terraform-aws-eks root module describes.

    Literal arguments, locals, variable defaults and cidrsubnet layouts are resolved; what the spec
    cannot say (references eksgen cannot resolve, arguments without a spec key) is reported with
    file:line (errors with --strict, and then nothing is written). The spec is checked and rendered
    before it is written: errors of eksgen's rules refuse the import, located at the .tf argument.
    """
    from generator import api

    result = api.import_terraform(directory, output=output, strict=strict, force=force, today=parse_today(today))
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(api.envelope(
            "import terraform", 0, issues=[i.as_json() for i in result.warnings],
            specWarnings=[f.as_json() for f in result.findings], spec=result.text,
            output=str(result.written) if result.written else None), indent=2))
        return 0
    for issue in [*result.warnings, *result.findings]:
        err(issue.format())
    where = "printed" if result.written is None else (f"{result.written} already says this" if result.unchanged
                                                       else f"wrote {result.written}")
    err(f"{directory}: {len(result.warnings)} warning(s); the spec validates with {len(result.findings)} "
        f"finding(s); {where}")
    if result.written is None:
        typer.echo(result.text, nl=False)
    return 0


def register(import_app: typer.Typer) -> None:
    import_app.command("eksctl")(handle_errors(import_eksctl))
    import_app.command("terraform")(handle_errors(import_terraform))
