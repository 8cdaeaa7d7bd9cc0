"""`eksgen modules list|import`: the interface catalogs eksgen checks module calls against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import (
    handle_errors,
)


def modules_list() -> int:
    """Show the interface catalogs eksgen knows."""
    from generator.terraform import catalogs

    for (key, version, sub), path in sorted(catalogs.index().items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                      kv[0][2] or "")):
        typer.echo(f"{key:<4} {version:<8} {sub or '(root)':<32} {path}")
    return 0


def modules_import(
    path: Annotated[Path, typer.Argument(help="A module directory, e.g. .terraform/modules/eks after init.")],
    name: Annotated[str, typer.Option("--name", help="Catalog key: eks, vpc or iam.")],
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
    from generator.errors import UsageError
    from generator.terraform.extract import extract_catalog, write_catalog

    if name not in ("eks", "vpc", "iam"):
        raise UsageError(f"--name must be eks, vpc or iam (got {name!r})")
    if not path.is_dir():
        raise UsageError(f"{path}: not a directory")
    recorded = _terraform_module_record(path)
    version = version or recorded.get("Version")
    if not version:
        raise UsageError("--version is required (no .terraform/modules/modules.json entry for this directory)")
    source = {"repo": repo or recorded.get("Source"), "ref": f"v{version}", "commit": commit,
              "path": f"modules/{submodule}" if submodule else "."}
    catalog = extract_catalog(path, module=name, version=version, submodule=submodule, source=source)
    out.mkdir(parents=True, exist_ok=True)
    target = out / (f"{name}-{version}" + (f"-{submodule}" if submodule else "") + ".json")
    write_catalog(catalog, target)
    typer.echo(f"wrote {target} ({len(catalog['variables'])} variables, {len(catalog['outputs'])} outputs, "
               f"{catalog['content_hash']}); use it with EKSGEN_MODULES_PATH={out}")
    return 0


def _terraform_module_record(path: Path) -> dict[str, str]:
    """The entry `terraform init` wrote for this module directory, if any (Source, Version)."""
    manifest = path.resolve().parent / "modules.json"
    try:
        modules = json.loads(manifest.read_text("utf-8")).get("Modules", [])
    except (OSError, ValueError, AttributeError):
        return {}
    for module in modules:
        if isinstance(module, dict) and Path(str(module.get("Dir", ""))).name == path.resolve().name:
            return {k: str(v) for k, v in module.items() if isinstance(v, str)}
    return {}


def register(modules_app: typer.Typer) -> None:
    modules_app.command("list")(handle_errors(modules_list))
    modules_app.command("import")(handle_errors(modules_import))
