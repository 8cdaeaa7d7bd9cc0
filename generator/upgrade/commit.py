"""Stage specs out of the plan: `--write DIR` writes one spec per step (NN-cluster-1.MM.yaml, so they sort
in order); `--commit` rewrites each spec in place, one git commit per step on the current branch."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from generator.errors import EnvironmentProblem, InternalError, RefusedToOverwrite, UsageError, quote_name
from generator.pipeline.specfile import read_spec
from generator.pipeline.write import atomic_write
from generator.upgrade.model import UpgradeReport
from generator.upgrade.stages import relocate, set_version


def write_stages(report: UpgradeReport, directory: Path) -> list[Path]:
    """Every step of every cluster as its own spec file in `directory` (created if missing)."""
    if report.blocked:
        raise UsageError("refusing to write stage specs while the plan has blockers")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for plan in report.plans:
        for step in plan.steps:
            if step.stage_text is None:  # only blocked steps lack a stage, and blocked plans were refused above
                raise InternalError(f"{plan.cluster}: step {step.index} has no stage spec")
            target = directory / f"{step.index:02d}-{plan.cluster}-{step.version_to}.yaml"
            text = relocate(step.stage_text, str(plan.spec), plan.cluster, plan.spec, directory)
            atomic_write(target, text.encode("utf-8"))
            written.append(target)
    return written


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot run git: {exc}", "install git, or use --write DIR") from None
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args)} in {repo}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def commit_stages(report: UpgradeReport, render: Callable[[Path], list[Path]]) -> list[str]:
    """One commit per step (wave by wave across a fleet), the step's summary as its message. `render`
    re-renders a spec's output directory when it has one, and returns the paths to add with it."""
    if report.blocked:
        raise UsageError("refusing to commit while the plan has blockers")
    repos = {plan.spec: Path(_git(plan.spec.parent, "rev-parse", "--show-toplevel").strip())
             for plan in report.plans}
    for repo in sorted(set(repos.values())):
        if _git(repo, "status", "--porcelain").strip():
            raise RefusedToOverwrite(f"{quote_name(str(repo))} has uncommitted changes; commit or stash them first "
                                     "(each step becomes its own commit)")
    commits: list[str] = []
    waves = max((len(p.steps) for p in report.plans), default=0)
    for wave in range(waves):
        for plan in report.plans:
            if wave >= len(plan.steps):
                continue
            step = plan.steps[wave]
            text = set_version(read_spec(plan.spec), str(plan.spec), plan.cluster, step.version_to)
            atomic_write(plan.spec, text.encode("utf-8"))
            paths = [plan.spec, *render(plan.spec)]
            repo = repos[plan.spec]
            _git(repo, "add", "-A", "--", *(str(p) for p in paths))
            message = f"{plan.cluster}: {step.summary}\n\nPlanned by eksgen upgrade --to {report.target}."
            _git(repo, "commit", "-q", "-m", message)
            commits.append(_git(repo, "rev-parse", "HEAD").strip())
    return commits
