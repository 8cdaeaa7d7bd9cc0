"""The imported document as a spec file: the contract's key order, a header naming where it came
from and what the import could not carry, then eksgen's own checks on the result."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from generator.adopt.terraform import Imported
from generator.errors import Issue
from generator.pipeline.load import dump_yaml, load_documents
from generator.pipeline.model import Cluster
from generator.pipeline.run import check_document
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
