"""The library API: every CLI command is one call into this module, and Python code calls it too.

It composes the layers below (pipeline, terraform, gitops) and decides nothing about exit
codes (`errors.exit_code` does) or presentation (the CLI prints).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import (
    EksgenError,
    EnvironmentProblem,
    InternalError,
    Issue,
    RefusedToOverwrite,
    SpecInvalid,
    UsageError,
)
from generator.gitops.fleet import (
    Outcome,
    render_fleet,
    render_to_directory,
    shard,
)
from generator.gitops.output import envelope, fleet_clusters, output_schema
from generator.gitops.selection import Selection, select
from generator.gitops.workers import clamp_jobs
from generator.pipeline.parsehelper import running as parse_helper

if TYPE_CHECKING:
    from generator.adopt.eksctl import Imported
    from generator.adopt.terraform.output import TerraformImport
    from generator.facts.tables import DataTable
    from generator.facts.tables import shipped_tables as data_tables
    from generator.gitops.diff import DiffReport, format_json, format_markdown, format_text
    from generator.lockfile.build import Locked, lock
    from generator.pipeline.capacity import CapacityReport, GroupCapacity, SubnetCapacity, TypeCapacity
    from generator.pipeline.checks.rules import Rule
    from generator.pipeline.effective import Cluster
    from generator.pipeline.layout import output_dir
    from generator.pipeline.specfile import (
        CheckReport,
        RenderResult,
        check_spec,
        document_hash,
        load_spec,
        read_spec,
        render_spec,
    )
    from generator.terraform.static import Finding
    from generator.upgrade.output import upgrade_report
    from generator.upgrade.run import UpgradeOutcome, upgrade

# Re-exported on first use (`name` or `name=attribute`): a cold `eksgen render` imports none of the other
# commands' modules, and a run whose every cluster is unchanged imports no pipeline stage at all.
_LAZY = {alias: (module, attribute or alias) for module, names in {
    "generator.adopt.eksctl": "Imported",
    "generator.adopt.terraform.output": "TerraformImport",
    "generator.facts.tables": "DataTable data_tables=shipped_tables",
    "generator.gitops.diff": "DiffReport format_json format_markdown format_text",
    "generator.lockfile.build": "Locked lock",
    "generator.pipeline.capacity": "CapacityReport GroupCapacity SubnetCapacity TypeCapacity",
    "generator.pipeline.checks.rules": "Rule",
    "generator.pipeline.effective": "Cluster",
    "generator.pipeline.specfile": "CheckReport RenderResult check_spec document_hash load_spec read_spec render_spec",
    "generator.pipeline.write": "output_dir",
    "generator.terraform.static": "Finding",
    "generator.upgrade.output": "upgrade_report",
    "generator.upgrade.run": "UpgradeOutcome upgrade",
}.items() for alias, _, attribute in (name.partition("=") for name in names.split())}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


# Besides its own functions, the API re-exports the types it returns and the diff formatters.
__all__ = [
    "CapacityReport", "CheckReport", "Cluster", "DataTable", "DiffReport", "Finding", "GroupCapacity", "Imported",
    "Locked", "Outcome", "RenderResult", "Rule", "Selection", "SubnetCapacity", "TerraformImport", "TypeCapacity",
    "UpgradeOutcome", "ValidationReport", "capacity", "check_spec", "convert_aws_auth", "data_tables",
    "diff_at_revision", "diff_specs", "document_hash", "effective_clusters", "envelope", "explain",
    "explain_markdown", "fleet_clusters", "format_json", "format_markdown", "format_text", "import_catalog",
    "import_eksctl", "import_terraform", "init_spec", "json_schema", "load_spec", "lock", "module_catalogs",
    "output_dir", "output_schema", "parse_helper", "read_spec", "render_spec", "render_specs", "render_to_directory",
    "rules", "rules_json", "rules_markdown", "select", "upgrade", "upgrade_report", "validate",
]
CATALOG_KEYS = ("eks", "vpc", "iam", "pod-identity")


SCHEMA_FILE = "eksgen.schema.json"  # what the starter spec's yaml-language-server modeline names


def init_spec(output: Path, *, name: str, region: str) -> list[Path]:
    """Write a commented starter spec that renders cleanly (a bad name or region is refused first), and the
    JSON Schema its modeline names when that file is missing. Returns what was written."""
    import os

    from generator.pipeline.load import load_documents
    from generator.pipeline.run import check_document
    from generator.pipeline.write import atomic_write
    from generator.starter import starter_spec

    if output.exists():
        raise RefusedToOverwrite(f"{output} exists; refusing to overwrite it")
    text = starter_spec(name=name, region=region, file=output.name)
    errors = [i for doc in load_documents(text, str(output)) for i in check_document(doc).errors]
    if errors:
        raise SpecInvalid(errors)
    directory = output.parent
    if not directory.is_dir():
        raise EnvironmentProblem(f"{directory}: no such directory", f"create it first: mkdir -p {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise EnvironmentProblem(f"{directory}: not writable",
                                 "choose a writable place with -o, or fix the directory's permissions")
    written = [output]
    try:
        atomic_write(output.resolve(), text.encode("utf-8"))
        schema = directory / SCHEMA_FILE
        if not schema.exists():
            atomic_write(schema.resolve(), (json.dumps(json_schema(), indent=2) + "\n").encode("utf-8"))
            written.append(schema)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {exc.filename or output}: {exc.strerror or exc}",
                                 "choose a writable place with -o, or free some space") from None
    return written


def json_schema() -> dict[str, Any]:
    from generator.schema import json_schema as schema

    return schema()


def effective_clusters(spec: Path, *, today: dt.date | None = None) -> list[Cluster]:
    """Every cluster of `spec` with its defaults filled in; SpecInvalid if any has errors."""
    from generator.pipeline.specfile import check_spec

    report = check_spec(spec, today=today)
    errors = [i for i in report.issues if i.severity == "error"]
    if errors:
        raise SpecInvalid(errors)
    return [r.effective for r in report.results if r.effective is not None]


def explain(spec: Path, *, today: dt.date | None = None) -> str:
    """The effective spec as YAML, one document per cluster."""
    from generator.schema import effective_yaml

    return "---\n".join(effective_yaml(cluster) for cluster in effective_clusters(spec, today=today))


def explain_markdown(spec: Path, *, today: dt.date | None = None) -> str:
    """For a pull request: per cluster a Mermaid diagram, then the effective spec folded away."""
    from generator.gitops.diagram import fenced
    from generator.schema import effective_yaml

    parts = []
    for cluster in effective_clusters(spec, today=today):
        parts.append(f"## {cluster.metadata.name}\n\n{fenced(cluster)}\n<details>\n<summary>Effective spec"
                     f"</summary>\n\n```yaml\n{effective_yaml(cluster)}```\n\n</details>\n")
    return "\n".join(parts)


def capacity(spec: Path, *, today: dt.date | None = None) -> list[CapacityReport]:
    """Max pods per node and pod IPs per private subnet at max scale, per cluster."""
    from generator.pipeline.capacity import plan

    return [plan(cluster) for cluster in effective_clusters(spec, today=today)]


def rules() -> list[Rule]:
    from generator.pipeline.checks.rules import RULES

    return list(RULES.values())


def rules_json() -> list[dict[str, object]]:
    """`eksgen rules --format json`: every rule, with whether it depends on the clock."""
    from generator.pipeline.checks.rules import DATED_RULES

    return [{"id": r.id, "area": r.area, "severity": r.severity, "summary": r.summary, "hint": r.hint,
             "checkov": r.checkov, "waivable": r.waivable, "dated": r.id in DATED_RULES} for r in rules()]


def checkov_differences() -> dict[str, str]:
    """checkov check ID -> why eksgen knowingly answers differently (waivable in the spec for checkov)."""
    from generator.pipeline.checks.rules import CHECKOV_DIFFERENCES

    return dict(CHECKOV_DIFFERENCES)


def rules_markdown() -> str:
    from generator.pipeline.checks.rules import markdown_table

    return markdown_table()


def convert_aws_auth(configmap: Path) -> str:
    """An aws-auth ConfigMap manifest as `access.entries` YAML."""
    from generator.pipeline.awsauth import configmap_to_access_yaml
    from generator.pipeline.specfile import read_spec

    return configmap_to_access_yaml(read_spec(configmap), str(configmap))


def render_specs(patterns: list[str] | Selection, *, out_dir: Path | None = None, check: bool = False,
                 force: bool = False, jobs: int = 0, shard_spec: str | None = None, incremental: bool = True,
                 strict: bool = False, today: dt.date | None = None, dated_gate: bool = False,
                 import_blocks: bool = False, on_start: Callable[[int], None] = lambda total: None,
                 on_done: Callable[[Outcome], None] = lambda outcome: None,
                 on_note: Callable[[str], None] = lambda note: None,
                 on_rendered: Callable[[], None] = lambda: None) -> list[Outcome]:
    """Render (or with `check`, compare) every spec the arguments name (files, globs, directories; a base
    stands for its clusters), in parallel; two clusters bound for one directory refuse the run; `import_blocks`
    adds imports.tf (adopting a cluster that exists). `on_rendered` is called as each spec is rendered in
    memory, `on_done` with each spec's outcome once the writes are done (in spec order)."""
    workers, note = clamp_jobs(jobs)
    if note:
        on_note(note)
    selection = patterns if isinstance(patterns, Selection) else select(patterns)
    paths = shard(selection.specs, shard_spec)
    on_start(len(paths))
    return render_fleet(paths, out_dir=out_dir, force=force, check=check, today=today, jobs=workers,
                        incremental=incremental and not check, strict=strict, on_done=on_done,
                        dated_gate=dated_gate, import_blocks=import_blocks, on_rendered=on_rendered)


def diff_specs(old: Path, new: Path | None = None, *, rev: str | None = None,
               today: dt.date | None = None) -> DiffReport:
    """What changes from `old` to `new` (or from `old` at git revision `rev` to `old` now)."""
    from generator.gitops.diff import diff_results
    from generator.gitops.revision import render_at_revision
    from generator.pipeline.specfile import render_spec

    if new is not None and rev is None:
        return diff_results(render_spec(old, today=today), render_spec(new, today=today))
    if new is None and rev is not None:
        return diff_results(render_at_revision(old, rev, today), render_spec(old, today=today))
    raise UsageError("give OLD and NEW spec files, or one SPEC with --git REV")


def diff_at_revision(arguments: list[str], rev: str, *, today: dt.date | None = None) -> DiffReport:
    """Every spec the arguments name (a base stands for its clusters), each against itself at `rev`."""
    from generator.gitops.diff import DiffReport

    reports = [diff_specs(spec, rev=rev, today=today) for spec in select(arguments).specs]
    return DiffReport([cluster for report in reports for cluster in report.clusters])


@dataclass
class ValidationReport:
    """Every target's outcome: spec warnings, and findings of the static checks and Terraform."""

    targets: list[dict[str, object]] = field(default_factory=list)
    directories: list[dict[str, object]] = field(default_factory=list)
    bases: dict[Path, list[Path]] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    findings: list[tuple[str, Finding, bool]] = field(default_factory=list)  # (where, finding, from a spec)
    with_terraform: bool = False

    @property
    def failure(self) -> EksgenError | None:
        """A finding on what eksgen rendered is eksgen's bug; on a directory, the user's input."""
        if any(from_spec for _, _, from_spec in self.findings):
            return InternalError("Terraform rejected what eksgen rendered")
        return UsageError(f"{len(self.findings)} problem(s) found") if self.findings else None


def validate(targets: list[str], *, with_terraform: bool = False, online: bool = False,
             terraform_bin: str | None = None, strict: bool = False,
             today: dt.date | None = None) -> ValidationReport:
    """Every check on spec files (the same arguments as render: files, globs, directories, bases), eksgen's
    static checks on rendered directories, and with `with_terraform` real Terraform on both; nothing is
    written. Every spec is checked; their errors are raised together."""
    from generator.pipeline.specfile import render_spec
    from generator.terraform.runner import find_terraform
    from generator.terraform.static import static_findings, terraform_findings

    selection = select(targets, rendered_directories=True)
    runner = find_terraform(terraform_bin) if with_terraform else None
    report = ValidationReport(with_terraform=runner is not None, bases=selection.bases)
    for directory in selection.directories:
        found = static_findings(directory)
        if runner is not None:
            found += terraform_findings(directory, runner, online=online)
        report.findings.extend((str(directory), f, False) for f in found)
        report.directories.append({"directory": str(directory), "findingCount": len(found)})
    failed: list[Issue] = []
    for spec in selection.specs:
        try:
            rendered = render_spec(spec, today=today)
        except SpecInvalid as exc:
            failed.extend(exc.issues)
            continue
        for item in rendered:
            report.warnings.extend(item.result.warnings)
            report.targets.append({"spec": str(spec), "cluster": item.name, "status": "valid",
                                   "files": sorted(item.files)})
            if runner is None:
                continue
            with _rendered(item) as root:
                found = static_findings(root) + terraform_findings(root, runner, online=online)
            report.findings.extend((f"{spec} ({item.name})", f, True) for f in found)
    if failed or (strict and report.warnings):
        raise SpecInvalid(sorted([*failed, *report.warnings], key=Issue.sort_key))
    return report


@contextlib.contextmanager
def _rendered(item: RenderResult) -> Iterator[Path]:
    """A temporary directory holding one rendered cluster's files."""
    with tempfile.TemporaryDirectory(prefix="eksgen-") as tmp:
        for name, text in item.files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        yield Path(tmp)


def module_catalogs() -> Iterator[tuple[str, str, str | None, Path]]:
    """Every interface catalog eksgen knows: (key, version, submodule, file)."""
    from generator.terraform import catalogs

    for (key, version, sub), path in sorted(catalogs.index().items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                      kv[0][2] or "")):
        yield key, version, sub, path


@dataclass
class ImportedCatalog:
    path: Path
    catalog: dict[str, Any]


def import_catalog(module_dir: Path, *, name: str, version: str | None = None, submodule: str | None = None,
                   repo: str | None = None, commit: str | None = None, out: Path) -> ImportedCatalog:
    """Read a module's variables and outputs into an interface catalog file under `out`."""
    from generator.terraform.extract import extract_catalog, write_catalog

    if name not in CATALOG_KEYS:
        raise UsageError(f"--name must be one of {', '.join(CATALOG_KEYS)} (got {name!r})")
    if not module_dir.is_dir():
        raise UsageError(f"{module_dir}: not a directory")
    recorded = _terraform_module_record(module_dir)
    version = version or recorded.get("Version")
    if not version:
        raise UsageError("--version is required (no .terraform/modules/modules.json entry for this directory)")
    source = {"repo": repo or recorded.get("Source"), "ref": f"v{version}", "commit": commit,
              "path": f"modules/{submodule}" if submodule else "."}
    catalog = extract_catalog(module_dir, module=name, version=version, submodule=submodule, source=source)
    out.mkdir(parents=True, exist_ok=True)
    target = out / (f"{name}-{version}" + (f"-{submodule}" if submodule else "") + ".json")
    write_catalog(catalog, target)
    return ImportedCatalog(target, catalog)


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



def import_eksctl(source: Path, *, output: Path | None = None, strict: bool = False, force: bool = False,
                  today: dt.date | None = None) -> Imported:
    """An eksctl ClusterConfig as a spec that validates and renders (`adopt.eksctl.import_file`)."""
    from generator.adopt.eksctl import import_file
    return import_file(source, output=output, strict=strict, force=force, today=today or dt.date.today())


def import_terraform(directory: Path, *, output: Path | None = None, strict: bool = False, force: bool = False,
                     today: dt.date | None = None) -> TerraformImport:
    """A terraform-aws-eks root module as a spec that validates and renders (`adopt.terraform.output.import_to`)."""
    from generator.adopt.terraform.output import import_to
    return import_to(directory, output=output, strict=strict, force=force, today=today or dt.date.today())
