"""What an upgrade plan is made of: steps (one per minor) of ordered actions, blockers with their exact
fix, warnings, and a plan per cluster. Plain data: `output.py` prints it, the JSON format dumps it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Phase = Literal["control plane", "addons", "node groups", "rolls by itself"]
PHASES: tuple[Phase, ...] = ("control plane", "addons", "node groups", "rolls by itself")


@dataclass(frozen=True)
class Action:
    phase: Phase
    subject: str  # "control plane", "addon vpc-cni", "managed node group general", ...
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "subject": self.subject, "text": self.text}


@dataclass(frozen=True)
class Risk:
    """One `eksgen diff` change of a step, with its risk label."""

    summary: str
    risk: str
    note: str

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "risk": self.risk, "note": self.note}


@dataclass
class Step:
    index: int  # 1-based
    version_from: str
    version_to: str
    actions: list[Action] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    worst_risk: str | None = None
    stage_text: str | None = None  # the step's spec file (None when blocked before it could be built)

    @property
    def summary(self) -> str:
        return f"Upgrade to Kubernetes {self.version_to} (step {self.index}: {self.version_from} -> {self.version_to})"

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "from": self.version_from, "to": self.version_to,
                "actions": [a.as_json() for a in self.actions], "risks": [r.as_json() for r in self.risks],
                "worstRisk": self.worst_risk}


@dataclass(frozen=True)
class Blocker:
    step: str | None  # the version the blocker stops, None for the whole plan
    subject: str
    problem: str
    fix: str

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "subject": self.subject, "problem": self.problem, "fix": self.fix}


@dataclass(frozen=True)
class Warning:
    topic: str  # support, removed APIs, free IPs, insights, karpenter, addons, nodes
    text: str
    source: str | None = None
    command: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "text": self.text, "source": self.source, "command": self.command}


@dataclass
class ClusterPlan:
    spec: Path
    cluster: str
    region: str
    current: str
    target: str
    support_type: str
    today: dt.date
    support_status: str
    steps: list[Step] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    @property
    def path(self) -> list[str]:
        return [self.current, *(s.version_to for s in self.steps)]

    @property
    def status(self) -> str:
        if self.blockers:
            return "blocked"
        return "planned" if self.steps else "current"

    def as_json(self) -> dict[str, Any]:
        return {"spec": str(self.spec), "cluster": self.cluster, "status": self.status, "upgrade": {
            "region": self.region, "current": self.current, "target": self.target, "supportType": self.support_type,
            "today": self.today.isoformat(), "supportStatus": self.support_status, "path": self.path,
            "steps": [s.as_json() for s in self.steps], "blockers": [b.as_json() for b in self.blockers],
            "warnings": [w.as_json() for w in self.warnings]}}


@dataclass
class UpgradeReport:
    target: str
    today: dt.date
    plans: list[ClusterPlan] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(p.blockers for p in self.plans)
