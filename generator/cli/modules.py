"""`eksgen modules list|import`: the interface catalogs eksgen checks module calls against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import (
    handle_errors,
)


def modules_list() -> int:
    """Show the interface catalogs eksgen knows."""
    from generator import api

    for key, version, sub, path in api.module_catalogs():
        typer.echo(f"{key:<4} {version:<8} {sub or '(root)':<32} {path}")
    return 0


def modules_import(
    path: Annotated[Path, typer.Argument(help="A module directory, e.g. .terraform/modules/eks after init.")],
    name: Annotated[str, typer.Option("--name", help="Catalog key: eks, vpc, iam or pod-identity.")],
    version: Annotated[str | None, typer.Option("--version", help="The module release, e.g. 21.20.0 (read from "
                                                 ".terraform/modules/modules.json when there).")] = None,
    submodule: Annotated[str | None, typer.Option("--submodule", help="Submodule name, if any.")] = None,
    repo: Annotated[str | None, typer.Option("--repo", help="Source repository, e.g. "
                                             "terraform-aws-modules/terraform-aws-eks.")] = None,
    commit: Annotated[str | None, typer.Option("--commit", help="Source commit, when known.")] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Catalog directory; point EKSGEN_MODULES_PATH "
                                      "at it.")] = Path("eksgen-modules"),
) -> int:
    """Read a module's variables and outputs into an interface catalog."""
    from generator import api

    imported = api.import_catalog(path, name=name, version=version, submodule=submodule, repo=repo, commit=commit,
                                  out=out)
    catalog = imported.catalog
    typer.echo(f"wrote {imported.path} ({len(catalog['variables'])} variables, {len(catalog['outputs'])} outputs, "
               f"{catalog['content_hash']}); use it with EKSGEN_MODULES_PATH={out}")
    return 0


def register(modules_app: typer.Typer) -> None:
    modules_app.command("list")(handle_errors(modules_list))
    modules_app.command("import")(handle_errors(modules_import))
