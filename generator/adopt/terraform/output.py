"""The imported document as a spec file: the contract's key order, a header naming where it came
from and what the import could not carry, then eksgen's own checks on the result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.adopt.terraform import Imported, import_root_module
from generator.errors import EnvironmentProblem, Issue, RefusedToOverwrite, SpecInvalid
from generator.pipeline.load import dump_yaml, load_documents
from generator.pipeline.model import Cluster
from generator.pipeline.run import check_document
from generator.pipeline.write import atomic_write
from generator.version import __version__


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the model's field order (the contract's), with only the keys the import set."""
    try:
        model = Cluster.model_validate(document)
    except ValidationError:
        return document  # the checks below report it, located in the spec
    result: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_unset=True)
    return result


def spec_text(imported: Imported, spec_name: str) -> tuple[str, list[Issue]]:
    """The spec file's text, and the findings of eksgen's checks on it (their lines are the spec's)."""
    header = [f"# Imported by eksgen {__version__} from the Terraform root module {imported.directory}.",
              "# Review it, then `eksgen render` it and compare the plan with the existing state."]
    if imported.warnings:
        header.append(f"# {len(imported.warnings)} argument(s) were not carried over (see the import report):")
        header += [f"#   {w.format()}" for w in imported.warnings]
    body = dump_yaml(ordered(imported.document), sort_keys=False, allow_unicode=True, default_flow_style=False)
    text = "\n".join(header) + "\n" + body
    found: list[Issue] = []
    for doc in load_documents(text, spec_name):
        found.extend(check_document(doc).issues)
    return text, found


@dataclass
class TerraformImport:
    """A spec imported from a Terraform root module: its text, what could not be carried over (warnings,
    located in the .tf files) and eksgen's own findings on the spec (located in it)."""

    text: str
    warnings: list[Issue]
    findings: list[Issue]
    written: Path | None = None


def import_to(directory: Path, *, output: Path | None = None, strict: bool = False) -> TerraformImport:
    """Import, then write `output` (never over an existing file) only when the whole import succeeded."""
    imported = import_root_module(directory)
    text, findings = spec_text(imported, output.name if output else "spec.yaml")
    if strict and (imported.warnings or findings):
        raise SpecInvalid(sorted([*imported.warnings, *findings], key=Issue.sort_key))
    result = TerraformImport(text, imported.warnings, findings)
    if output is None:
        return result
    if output.exists() or output.is_symlink():
        raise RefusedToOverwrite(f"{output} exists; refusing to overwrite it")
    if not output.parent.is_dir():
        raise EnvironmentProblem(f"{output.parent}: no such directory", f"create it first: mkdir -p {output.parent}")
    try:
        atomic_write(output.resolve(), text.encode("utf-8"))
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {output}: {exc.strerror or exc}",
                                 "choose a writable place with -o") from None
    result.written = output
    return result
