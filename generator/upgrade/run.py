"""`eksgen upgrade` from spec paths to a plan, and what `--write` or `--commit` does with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError
from generator.gitops.fleet import render_to_directory
from generator.gitops.selection import select
from generator.lockfile.sources import sources_from
from generator.pipeline.layout import output_dir
from generator.pipeline.write import MANIFEST
from generator.upgrade.commit import commit_stages, write_stages
from generator.upgrade.model import UpgradeReport
from generator.upgrade.plan import plan_upgrade


@dataclass
class UpgradeOutcome:
    """A plan, and what `--write` or `--commit` did with it."""

    report: UpgradeReport
    written: list[Path] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)


def upgrade(arguments: list[str], target: str, *, today: dt.date | None = None, addon_versions: Path | None = None,
            ami_releases: Path | None = None, karpenter_version: str | None = None, write: Path | None = None,
            commit: bool = False) -> UpgradeOutcome:
    """`eksgen upgrade`: plan every cluster the arguments name to `target` a minor at a time; with `write` a spec
    per step in that directory, with `commit` a git commit per step. Blockers write nothing."""
    specs = select(arguments).specs
    if write is not None and commit:
        raise UsageError("give --write DIR or --commit, not both")
    sources = sources_from(addon_versions, ami_releases, karpenter_version)
    report = plan_upgrade(specs, target, today=today, sources=sources)
    outcome = UpgradeOutcome(report)
    if report.blocked:
        return outcome
    if write is not None:
        outcome.written = write_stages(report, write)
    elif commit:
        def rerender(spec: Path) -> list[Path]:
            """A spec whose clusters were rendered beside it gets its Terraform re-rendered in the same commit."""
            names = [p.cluster for p in report.plans if p.spec == spec]
            if not any((output_dir(spec, None, n, len(names)) / MANIFEST).exists() for n in names):
                return []
            return [item.out_dir for item in render_to_directory(spec, today=today)]
        outcome.commits = commit_stages(report, rerender)
    return outcome
