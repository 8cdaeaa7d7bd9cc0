"""The imported document as a spec file: the contract's key order, a header naming where it came
from and what the import could not carry, then eksgen's own checks on the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.adopt.output import write_new_spec
from generator.adopt.terraform import Imported, import_root_module
from generator.errors import Issue, SpecInvalid
from generator.pipeline.load import dump_yaml, load_documents
from generator.pipeline.model import Cluster
from generator.pipeline.run import build_document, check_document
from generator.version import __version__


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the model's field order (the contract's), with only the keys the import set."""
    try:
        model = Cluster.model_validate(document)
    except ValidationError:
        return document  # the checks below report it, located in the spec
    result: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_unset=True)
    return result


def spec_text(imported: Imported, spec_name: str, today: dt.date | None = None) -> tuple[str, list[Issue]]:
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
        found.extend(check_document(doc, today=today or dt.date.today()).issues)
    return text, found


@dataclass
class TerraformImport:
    """A spec imported from a Terraform root module: its text, what could not be carried over (warnings,
    located in the .tf files) and eksgen's own warnings on the spec (located in it)."""

    text: str
    warnings: list[Issue]
    findings: list[Issue]
    written: Path | None = None
    unchanged: bool = False  # `written` already held exactly this spec


def relocate(found: Issue, imported: Imported) -> Issue:
    """A finding on the spec (which is not written), at the .tf argument its value came from."""
    origin = imported.origin(found.loc)
    if origin is None:
        return found
    where, loc = origin
    return replace(found, loc=loc, message=f"{found.message} (written spec: {found.path})", file=where.file,
                   position=where.position(), document=0)


def import_to(directory: Path, *, output: Path | None = None, strict: bool = False, force: bool = False,
              today: dt.date | None = None) -> TerraformImport:
    """Import, prove that the spec validates and renders, then write `output` (an existing file only with
    `force`, or when it already holds exactly this spec), as `import eksctl` does.

    SpecInvalid (exit 2, nothing written): errors of eksgen's rules on the spec, located at the .tf
    argument they came from, with what the import reported; with `strict`, any argument not carried over.
    """
    today = today or dt.date.today()
    imported = import_root_module(directory, today=today)
    spec_name = output.name if output else "spec.yaml"
    text, findings = spec_text(imported, spec_name, today)
    errors = [relocate(f, imported) for f in findings if f.severity == "error"]
    if errors:
        raise SpecInvalid(sorted([*imported.warnings, *errors], key=Issue.sort_key))
    if strict and imported.warnings:
        raise SpecInvalid(imported.warnings)
    for doc in load_documents(text, spec_name):
        build_document(doc, spec_name, today=today)
    result = TerraformImport(text, imported.warnings, findings)
    if output is not None:
        result.unchanged = write_new_spec(output, text, force=force)
        result.written = output
    return result
