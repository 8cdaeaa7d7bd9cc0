"""`eksgen upgrade` from spec paths to a plan, and what `--write` or `--commit` does with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError
from generator.gitops.fleet import render_to_directory
from generator.pipeline.write import MANIFEST, output_dir
from generator.upgrade.commit import commit_stages, write_stages
from generator.upgrade.model import UpgradeReport
from generator.upgrade.plan import plan_upgrade
from generator.upgrade.sources import Sources, read_addon_versions, read_ami_releases


@dataclass
class UpgradeOutcome:
    """A plan, and what `--write` or `--commit` did with it."""

    report: UpgradeReport
    written: list[Path] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)


def run_upgrade(specs: list[Path], target: str, *, today: dt.date | None = None, addon_versions: Path | None = None,
                ami_releases: Path | None = None, karpenter_version: str | None = None, write: Path | None = None,
                commit: bool = False) -> UpgradeOutcome:
    if write is not None and commit:
        raise UsageError("give --write DIR or --commit, not both")
    sources = Sources(addon_versions=read_addon_versions(addon_versions) if addon_versions else None,
                      karpenter_version=karpenter_version)
    if ami_releases is not None:
        sources = Sources(sources.addon_versions, read_ami_releases(ami_releases), ami_releases.name,
                          karpenter_version)
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
