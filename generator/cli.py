"""The typer app: one function per command, each a thin call into the library API.

`handle_errors` is the one place that turns exceptions into exit codes:
0 ok, 1 differences (--check), 2 bad input, 3 internal error, 4 hand-edited files, 130 Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from generator import __version__
from generator.errors import EksgenError, ExitCode, Issue, SpecInvalid

F = TypeVar("F", bound=Callable[..., Any])
REPORT_URL = "https://github.com/eksgen/eksgen/issues"

app = typer.Typer(name="eksgen", help="Generate a proven Terraform root module for Amazon EKS from one YAML spec.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
aws_auth_app = typer.Typer(help="Work with legacy aws-auth ConfigMaps.", no_args_is_help=True)
modules_app = typer.Typer(help="Module interface catalogs.", no_args_is_help=True)
app.add_typer(aws_auth_app, name="aws-auth")
app.add_typer(modules_app, name="modules")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def err(message: str) -> None:
    typer.echo(message, err=True)


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except SpecInvalid as exc:
            if kwargs.get("output_format") == OutputFormat.json:
                typer.echo(json.dumps({"ok": False, "exitCode": 2, "issues": [i.as_json() for i in
                                       sorted(exc.issues, key=Issue.sort_key)]}, indent=2))
            else:
                err(str(exc))
                err(f"{exc.error_count} error(s); nothing written")
            raise typer.Exit(ExitCode.BAD_INPUT) from None
        except KeyboardInterrupt:
            err("interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except EksgenError as exc:
            err(f"error: {exc}")
            if exc.exit_code == ExitCode.INTERNAL:
                err(f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec.")
            raise typer.Exit(exc.exit_code) from None
        except typer.Exit:
            raise
        except Exception as exc:
            last = traceback.extract_tb(exc.__traceback__)[-1]
            err(f"internal error: {type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})")
            err(f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec "
                "and this message (set EKSGEN_DEBUG=1 for the full traceback).")
            if _debug():
                traceback.print_exc()
            raise typer.Exit(ExitCode.INTERNAL) from None
        raise typer.Exit(code or 0)

    return wrapper  # type: ignore[return-value]


def _debug() -> bool:
    import os

    return os.environ.get("EKSGEN_DEBUG") == "1"


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


Specs = Annotated[list[Path], typer.Argument(help="Spec files (YAML).", show_default=False)]
Format = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Today = Annotated[str | None, typer.Option("--today", hidden=True, help="Pretend today is YYYY-MM-DD.")]


def parse_today(value: str | None) -> dt.date | None:
    from generator.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: not a date: {value!r}") from None


@app.command()
@handle_errors
def init(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the starter spec.")] = Path(
        "cluster.yaml"),
    name: Annotated[str, typer.Option("--name", help="Cluster name.")] = "my-cluster",
    region: Annotated[str, typer.Option("--region", help="AWS region.")] = "eu-west-1",
) -> int:
    """Write a commented starter spec that renders cleanly."""
    from generator.starter import starter_spec
    from generator.write import atomic_write

    if output.exists():
        err(f"error: {output} exists; refusing to overwrite it")
        return ExitCode.HAND_EDITED
    text = starter_spec(name=name, region=region)
    atomic_write(output.resolve(), text.encode("utf-8"))
    typer.echo(f"wrote {output}; next: eksgen render {output}")
    return 0


@app.command()
@handle_errors
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
    from generator.fleet import default_jobs, expand, render_fleet, shard

    paths = shard(expand(specs), shard_spec)
    if out is not None and len(paths) > 1:
        from generator.errors import UsageError

        raise UsageError("-o/--out takes one spec; several specs render beside themselves")
    text = output_format == OutputFormat.text
    progress = _Progress(len(paths), enabled=text and len(paths) > 1)
    with progress:
        outcomes = render_fleet(paths, out_dir=out, force=force, check=check, today=parse_today(today),
                                jobs=jobs or default_jobs(), incremental=incremental and not check, strict=strict,
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
        if outcome.code == ExitCode.BAD_INPUT:
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


@app.command()
@handle_errors
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
    from generator.terraform import find_terraform
    from generator.tfcheck import Finding, static_findings, terraform_findings

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


@app.command()
@handle_errors
def schema() -> int:
    """Print the JSON Schema (draft 2020-12) of the spec."""
    from generator.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
    return 0


@app.command()
@handle_errors
def explain(
    spec: Annotated[Path, typer.Argument(help="Spec file.")],
    capacity: Annotated[bool, typer.Option("--capacity", help="Print the pod-IP capacity table instead.")] = False,
    today: Today = None,
) -> int:
    """Print the effective spec, every default filled in, as YAML (or, with --capacity, the capacity plan)."""
    from generator.api import check_spec
    from generator.schema import effective_yaml

    report = check_spec(spec, today=parse_today(today))
    errors = [i for i in report.issues if i.severity == "error"]
    if errors:
        raise SpecInvalid(errors)
    if capacity:
        from generator.cli_capacity import show_capacity

        show_capacity(r.effective for r in report.results if r.effective)
        return 0
    typer.echo("---\n".join(effective_yaml(r.effective) for r in report.results if r.effective), nl=False)
    return 0


@app.command()
@handle_errors
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown (for the README).")] = False,
) -> int:
    """List every check: ID, area, severity, what it checks, its checkov twin, whether it can be waived."""
    from generator.rules import RULES, markdown_table

    if markdown:
        typer.echo(markdown_table(), nl=False)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("rule", "area", "severity", "checks", "fix", "checkov", "waivable")
    for rule in RULES.values():
        table.add_row(rule.id, rule.area, rule.severity, rule.summary, rule.hint, rule.checkov or "",
                      "yes" if rule.waivable else "no")
    Console(width=200).print(table)
    return 0


@aws_auth_app.command("convert")
@handle_errors
def aws_auth_convert(configmap: Annotated[Path, typer.Argument(help="aws-auth ConfigMap manifest (YAML).")]) -> int:
    """Turn an aws-auth ConfigMap into `access.entries` YAML."""
    from generator.api import read_spec
    from generator.awsauth import configmap_to_access_yaml
    from generator.errors import UsageError

    try:
        typer.echo(configmap_to_access_yaml(read_spec(configmap)), nl=False)
    except ValueError as exc:
        raise UsageError(f"{configmap}: {exc}") from None
    return 0


@modules_app.command("list")
@handle_errors
def modules_list() -> int:
    """Show the interface catalogs eksgen knows."""
    from generator import catalogs

    for (key, version, sub), path in sorted(catalogs.index().items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                      kv[0][2] or "")):
        typer.echo(f"{key:<4} {version:<8} {sub or '(root)':<32} {path}")
    return 0


@modules_app.command("import")
@handle_errors
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
    from generator.extract import extract_catalog, write_catalog

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


def _register_commands() -> None:
    """Commands that live in their own modules, each adding itself to the app."""
    from generator import cli_capacity

    cli_capacity.register(app)
    try:
        from generator import cli_diff
    except ImportError:  # pragma: no cover - present in every release
        return
    cli_diff.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        app(args=argv, prog_name="eksgen")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
