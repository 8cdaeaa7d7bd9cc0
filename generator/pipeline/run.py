"""The fixed pipeline, stage by stage: load -> model -> defaults -> checks -> plan ->
render -> round-trip -> interface check, for one document (`specfile` does a file and writes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from generator.errors import Issue, SpecInvalid
from generator.ir import Plan
from generator.pipeline.checks import run_checks
from generator.pipeline.checks.rules import DATED_RULES
from generator.pipeline.defaults import apply_defaults
from generator.pipeline.effective import Cluster as EffectiveCluster
from generator.pipeline.interface import check_interfaces
from generator.pipeline.load import Document
from generator.pipeline.model import Cluster
from generator.pipeline.pins import apply_pins
from generator.pipeline.plan import build_plan
from generator.pipeline.render import render_plan
from generator.pipeline.roundtrip import verify_round_trip
from generator.pipeline.spec import parse_cluster


@dataclass
class ClusterResult:
    """One document's journey: its effective spec, findings, plan and rendered files."""

    document: Document
    cluster: Cluster | None = None
    effective: EffectiveCluster | None = None
    issues: list[Issue] = field(default_factory=list)
    plan: Plan | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def check_document(doc: Document, *, today: dt.date | None = None, dated_as_warnings: bool = False) -> ClusterResult:
    """Stages model, defaults and checks; never raises for bad input.

    `dated_as_warnings` reports the date-driven errors (rules.DATED_RULES) as warnings: the drift gate's
    verdict is about the files, not about the calendar.
    """
    result = ClusterResult(document=doc)
    cluster, issues = parse_cluster(doc)
    if cluster is None:
        result.issues = sorted([*doc.load_issues, *issues], key=Issue.sort_key)
        return result
    result.cluster = cluster
    result.effective, pinned = apply_pins(apply_defaults(cluster), doc.pins)
    raw = doc.data if isinstance(doc.data, dict) else {}
    found = [doc.issue(i) for i in run_checks(result.effective, raw, today=today, earlier=pinned)]
    if dated_as_warnings:
        found = [replace(i, severity="warning") if i.rule in DATED_RULES else i for i in found]
    result.issues = sorted([*doc.load_issues, *found], key=Issue.sort_key)
    return result


def build_document(doc: Document, spec_name: str, *, today: dt.date | None = None,
                   dated_as_warnings: bool = False) -> ClusterResult:
    """All stages; raises SpecInvalid on errors, InternalError if the output cannot be proven."""
    result = check_document(doc, today=today, dated_as_warnings=dated_as_warnings)
    if result.errors or result.effective is None:
        raise SpecInvalid(result.issues)  # warnings too: the author sees everything at once
    result.plan = build_plan(result.effective)
    result.files = render_plan(result.plan, spec_name)
    verify_round_trip(result.plan, result.files)
    check_interfaces(result.plan)
    return result
