"""The whole plan for each cluster of each spec: its path one minor at a time, each step's actions,
its proven stage spec and risks, the blockers with their fixes, and the warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.errors import InternalError, Issue, SpecInvalid, UsageError
from generator.facts.releases import kubernetes_releases, release
from generator.facts.upgrades import minor_of
from generator.lockfile.sources import Sources
from generator.pipeline.checks.rules import RULES
from generator.pipeline.run import check_document
from generator.pipeline.specfile import cluster_name, load_spec, read_spec
from generator.upgrade import findings
from generator.upgrade.model import Blocker, ClusterPlan, Step, UpgradeReport
from generator.upgrade.stages import prove, risks, set_version
from generator.upgrade.steps import step_actions

EXPLAINED = frozenset({"EKS065"})  # stage errors a blocker of findings.py already states with its fix


def check_target(target: str) -> None:
    known = ", ".join(r.version for r in kubernetes_releases())
    if minor_of(target) is None or release(target) is None:
        raise UsageError(f"--to {target}: not a Kubernetes version in eksgen's release table ({known})")


def versions_between(current: str, target: str) -> list[str]:
    low, high = minor_of(current), minor_of(target)
    if low is None or high is None:  # check_target and the spec checks refuse such versions first
        raise InternalError(f"no upgrade path between {current!r} and {target!r}")
    return [r.version for r in kubernetes_releases() if low < (1, r.minor) <= high]


def plan_upgrade(specs: list[Path], target: str, *, today: dt.date | None = None,
                 sources: Sources | None = None) -> UpgradeReport:
    """Plan every cluster of `specs` to `target`. Bad input (an invalid spec, a target outside the release
    table or below a cluster's version) raises before anything is planned."""
    check_target(target)
    clock = today or dt.date.today()
    chosen = sources or Sources()
    report = UpgradeReport(target=target, today=clock)
    errors: list[Issue] = []
    found: list[tuple[Path, str, Any, dict[str, Any] | None]] = []
    for spec in specs:
        for doc in load_spec(spec):
            pins, doc.pins = doc.pins, None  # the spec's own choices; the lock's pins are reported apart
            # A version past its support dates is why one upgrades: the dated rules warn here, never refuse.
            checked = check_document(doc, today=clock, dated_as_warnings=True)
            if checked.errors or checked.effective is None:
                errors.extend(checked.errors or checked.issues)
                continue
            found.append((spec, cluster_name(doc) or "?", checked.effective, pins))
    if errors:
        raise SpecInvalid(errors)
    for spec, name, effective, _ in found:
        current = effective.spec.kubernetes_version
        if (minor_of(target) or (0, 0)) < (minor_of(current) or (0, 0)):
            raise UsageError(f"{spec} ({name}): --to {target} is lower than its kubernetesVersion {current}: "
                             "EKS cannot downgrade a cluster")
    for spec, name, effective, pins in found:
        report.plans.append(_plan_cluster(spec, name, effective, target, clock, chosen, pins))
    return report


def _plan_cluster(spec: Path, name: str, effective: Any, target: str, today: dt.date, sources: Sources,
                  pins: dict[str, Any] | None) -> ClusterPlan:
    current = effective.spec.kubernetes_version
    support_type = effective.spec.support_type or "STANDARD"
    plan = ClusterPlan(spec=spec, cluster=name, region=effective.metadata.region, current=current, target=target,
                       support_type=support_type, today=today,
                       support_status=findings.support_status(current, today, support_type))
    path = [current, *versions_between(current, target)]
    plan.blockers = findings.blockers(effective, path, sources)
    text, before, reported = read_spec(spec), effective, True
    for index, version in enumerate(path[1:], start=1):
        step = Step(index, path[index - 1], version, step_actions(effective, path[index - 1], version, sources, pins))
        text = set_version(text, str(spec), name, version)
        step.stage_text = text
        proof = prove(text, spec, name, today)
        if proof.errors and reported:
            reported = False  # later steps repeat the same errors
            plan.blockers += [_stage_blocker(version, issue) for issue in proof.errors if issue.rule not in EXPLAINED]
        if proof.effective is not None:
            step.risks, step.worst_risk = risks(before, proof.effective)
            before = proof.effective
        plan.steps.append(step)
    plan.warnings = findings.warnings(effective, path, today, sources)
    return plan


def _stage_blocker(version: str, issue: Issue) -> Blocker:
    rule = RULES.get(issue.rule or "")
    return Blocker(version, issue.path, f"the step's spec fails: {issue.label}{issue.message}",
                   rule.hint if rule else "fix the spec as the message says, then plan again")
