"""Shared by the eksctl importer's tests: ClusterConfig text, running an import, reading the written spec."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from generator.adopt.eksctl import Imported, import_text
from generator.errors import Issue, SpecInvalid
from generator.pipeline.load import load_documents
from tests.helpers import TODAY

HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: eu-west-1\n"


def clusterconfig(body: str = "", *, metadata: str = "") -> str:
    """A ClusterConfig: HEAD (lines 1-5), `metadata` keys indented under it, then `body` at the top level."""
    extra = textwrap.indent(textwrap.dedent(metadata), "  ") if metadata else ""
    return HEAD + extra + textwrap.dedent(body)


def run(text: str) -> Imported:
    return import_text(text, "cluster.yaml", spec_name="spec.yaml", today=TODAY)


@dataclass
class Outcome:
    imported: Imported | None
    issues: list[Issue]

    @property
    def spec(self) -> dict[str, Any]:
        assert self.imported is not None
        data: dict[str, Any] = load_documents(self.imported.text, "spec.yaml")[0].data
        return data

    def paths(self, severity: str) -> set[str]:
        return {i.path for i in self.issues if i.severity == severity}


def attempt(text: str) -> Outcome:
    try:
        imported = run(text)
    except SpecInvalid as exc:
        return Outcome(None, list(exc.issues))
    return Outcome(imported, imported.issues)


def at(data: Any, path: str) -> Any:
    """`spec.vpc.subnets.private` or `spec.managedNodeGroups.0.name` in loaded YAML; KeyError when absent."""
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data
