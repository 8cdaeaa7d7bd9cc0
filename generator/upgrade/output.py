"""The plan as text (a terminal), markdown (a pull request) and the project's one JSON format."""

from __future__ import annotations

import json
from typing import Any

from generator.gitops.output import envelope
from generator.upgrade.model import PHASES, ClusterPlan, Step, UpgradeReport

ARROW = "->"


def _path(plan: ClusterPlan) -> str:
    return f" {ARROW} ".join(plan.path) if plan.steps else f"{plan.current} (already there)"


def format_text(report: UpgradeReport) -> str:
    lines: list[str] = []
    if len(report.plans) > 1:
        lines += [*fleet_table(report, markdown=False), ""]
    for plan in report.plans:
        lines += _text_plan(plan)
    return "\n".join(lines).rstrip("\n") + "\n"


def _text_plan(plan: ClusterPlan) -> list[str]:
    lines = [f"{plan.cluster} ({plan.spec}): {_path(plan)}, {len(plan.steps)} step(s)",
             f"  {plan.current} on {plan.today}: {plan.support_status}", ""]
    for step in plan.steps:
        lines += _text_step(step)
    if plan.blockers:
        lines.append(f"  BLOCKED: {len(plan.blockers)} blocker(s); nothing is written until they are fixed")
        for blocker in plan.blockers:
            at = f" (step to {blocker.step})" if blocker.step else ""
            lines += [f"    x {blocker.subject}{at}: {blocker.problem}", f"      fix: {blocker.fix}"]
        lines.append("")
    if plan.warnings:
        lines.append("  warnings:")
        for warning in plan.warnings:
            lines.append(f"    ! {warning.topic}: {warning.text}")
            if warning.command:
                lines.append(f"      run: {warning.command}")
            if warning.source:
                lines.append(f"      source: {warning.source}")
        lines.append("")
    return lines


def _text_step(step: Step) -> list[str]:
    risk = f" [worst risk: {step.worst_risk}]" if step.worst_risk else ""
    lines = [f"  step {step.index}: {step.version_from} {ARROW} {step.version_to}{risk}"]
    for number, phase in enumerate(PHASES, start=1):
        actions = [a for a in step.actions if a.phase == phase]
        if not actions:
            continue
        lines.append(f"    {number}. {phase}")
        lines += [f"       - {a.subject}: {a.text}" if a.subject != phase else f"       - {a.text}" for a in actions]
    if step.risks:
        lines.append("    eksgen diff:")
        lines += [f"       [{r.risk}] {r.summary}" for r in step.risks]
    lines.append("")
    return lines


def fleet_table(report: UpgradeReport, *, markdown: bool) -> list[str]:
    head = ["cluster", "spec", "current", f"support on {report.today}", "path", "blockers"]
    rows = [[p.cluster, str(p.spec), p.current, p.support_status, _path(p),
             str(len(p.blockers)) if p.blockers else "none"] for p in report.plans]
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
                *("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows)]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [head, *rows]]


def format_markdown(report: UpgradeReport) -> str:
    lines = [f"## eksgen upgrade to {report.target}", ""]
    if len(report.plans) > 1:
        lines += [*fleet_table(report, markdown=True), ""]
    for plan in report.plans:
        lines += [f"### {plan.cluster}: {_path(plan)}", "", f"`{plan.spec}`; {plan.current} on {plan.today}: "
                  f"{plan.support_status}", ""]
        if plan.blockers:
            lines += ["**Blocked**: nothing is written until these are fixed.", ""]
            lines += [f"- [ ] **{b.subject}**{f' (step to {b.step})' if b.step else ''}: {b.problem}. "
                      f"Fix: {b.fix}" for b in plan.blockers]
            lines.append("")
        for step in plan.steps:
            lines += [f"#### Step {step.index}: {step.version_from} {ARROW} {step.version_to}"
                      f"{f' (worst risk: {step.worst_risk})' if step.worst_risk else ''}", ""]
            lines += [f"{PHASES.index(a.phase) + 1}. {a.phase}: **{a.subject}**: {a.text}" for a in step.actions]
            if step.risks:
                lines += ["", "| risk | change |", "|---|---|"]
                lines += [f"| {r.risk} | {r.summary} |" for r in step.risks]
            lines.append("")
        if plan.warnings:
            lines += ["#### Before you start", ""]
            for w in plan.warnings:
                extra = f" `{w.command}`" if w.command else ""
                lines.append(f"- [ ] {w.topic}: {w.text}.{extra}{f' (source: {w.source})' if w.source else ''}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def report_json(report: UpgradeReport) -> dict[str, Any]:
    """The `clusters` entries and the top-level additions of the JSON envelope."""
    return {"clusters": [p.as_json() for p in report.plans], "target": report.target,
            "today": report.today.isoformat()}


def upgrade_report(report: UpgradeReport, output_format: str, exit_code: int = 0, *, written: list[str] | None = None,
                   commits: list[str] | None = None) -> str:
    """The plan as `text`, `markdown` or `json` (the one JSON envelope, with what --write or --commit did)."""
    if output_format == "json":
        body = report_json(report)
        return json.dumps(envelope("upgrade", exit_code, clusters=body.pop("clusters"), **body,
                                   written=written or [], commits=commits or []), indent=2) + "\n"
    return format_markdown(report) if output_format == "markdown" else format_text(report)
