"""Stage 4, checks: semantic rules over the defaulted spec. Pure; every problem is collected.

Each area module exposes `check(ctx)` yielding issues; `run_checks` runs them all in a
fixed order. Rules never mutate the cluster and never stop at the first problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from generator.errors import Issue
from generator.pipeline.checks import (
    access,
    autoscaling,
    capacity,
    cluster,
    compute,
    endpoints,
    identity,
    launch,
    network,
    policyresources,
    reachability,
    security,
    strings,
    waivers,
)
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import Cluster

AREAS: tuple[Callable[[CheckContext], Iterable[Issue]], ...] = (
    strings.check,
    cluster.check,
    network.check,
    reachability.check,
    endpoints.check,
    access.check,
    identity.check,
    policyresources.check,
    compute.check,
    launch.check,
    autoscaling.check,
    capacity.check,
    security.check,
)


def run_checks(effective: Cluster, raw: dict[str, object], *, today: dt.date | None = None,
               earlier: list[Issue] | None = None) -> list[Issue]:
    """All issues for one cluster; `raw` is the loaded YAML (for text-level rules). `earlier` are findings of
    stages before the checks (pins), waivable like theirs."""
    ctx = CheckContext(cluster=effective, raw=raw, today=today or dt.date.today())
    issues: list[Issue] = list(earlier or [])
    for area in AREAS:
        issues.extend(area(ctx))
    return waivers.apply(ctx, issues)
