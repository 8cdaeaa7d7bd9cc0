"""`eksgen import eksctl`: an eksctl.io/v1alpha5 ClusterConfig becomes an eksgen spec that describes the
cluster eksctl would have made.

Stages: read (source.py: the project's bounded loader, typed and located access), map (mapping.py and
one module per area: cluster, network, identity, addons, nodegroups, nodeshape; eksctl's defaults in
eksctl_defaults.py, reasons for what cannot be expressed in unsupported.py), write (tree.py, writer.py),
then prove: the written text goes through eksgen's own load, checks and render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.adopt.eksctl.mapping import Mapped, map_document, relocate
from generator.adopt.eksctl.writer import document
from generator.adopt.output import write_new_spec
from generator.errors import Issue, SpecInvalid, quote_name
from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document, check_document
from generator.pipeline.specfile import read_spec


@dataclass
class Imported:
    """The written spec and what was found: errors and warnings located in the ClusterConfig, notes
    (differences eksgen cannot carry over), and eksgen's own warnings on the written spec."""

    text: str = ""
    issues: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    findings: list[Issue] = field(default_factory=list)
    output: Path | None = None  # where the spec was written (None: returned only)
    unchanged: bool = False  # the output already held exactly this spec

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def header(source: str) -> list[str]:
    shown = "".join(ch for ch in source if ch.isprintable())
    return ["An eksgen spec imported by `eksgen import eksctl` from the eksctl ClusterConfig", f"{shown}.",
            "It describes the cluster eksctl would have made: where eksctl's defaults differ from eksgen's",
            "they are written out, with a comment; `not imported:` comments keep what eksgen cannot express.",
            "Check it with `eksgen validate`; `eksgen explain` shows every default."]


def import_file(source: Path, *, output: Path | None, strict: bool, force: bool, today: dt.date) -> Imported:
    """A ClusterConfig file as a spec, written to `output` when given (an existing file only with `force`).
    With `strict` a field eksgen cannot express is an error, and nothing is written."""
    spec_name = output.name if output is not None else "cluster.yaml"
    imported = import_text(read_spec(source), str(source), spec_name=spec_name, today=today)
    if strict and imported.warnings:
        raise SpecInvalid(sorted(imported.warnings, key=Issue.sort_key))
    if output is not None:
        imported.output = output
        imported.unchanged = write_new_spec(output, imported.text, force=force)
    return imported


def import_text(text: str, source: str, *, spec_name: str, today: dt.date) -> Imported:
    """Map every ClusterConfig document of `text`, write the spec, and prove it validates and renders.

    Raises SpecInvalid (bad ClusterConfig, or a spec eksgen's checks refuse, located in the
    ClusterConfig); InternalError when eksgen cannot prove what it rendered.
    """
    mapped = [map_document(doc, today) for doc in load_documents(text, source)]
    result = Imported(issues=[i for m in mapped for i in m.issues], notes=[n for m in mapped for n in m.notes])
    if result.errors:
        raise SpecInvalid(sorted(result.issues, key=Issue.sort_key))
    parts = [document(m.root, header(quote_name(source)) if index == 0 else []) for index, m in enumerate(mapped)
             if m.root is not None]
    result.text = "---\n".join(parts)
    _prove(result, mapped, spec_name, today)
    return result


def _prove(result: Imported, mapped: list[Mapped], spec_name: str, today: dt.date) -> None:
    written = load_documents(result.text, spec_name)
    failed: list[Issue] = []
    for doc, source in zip(written, mapped, strict=True):
        checked = check_document(doc, today=today)
        failed.extend(relocate(i, source) for i in checked.errors)
        result.findings.extend(checked.warnings)
        if not checked.errors:
            build_document(doc, spec_name, today=today)
    if failed:
        raise SpecInvalid(sorted([*result.issues, *failed], key=Issue.sort_key))
