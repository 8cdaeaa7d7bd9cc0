"""The one JSON output format of `render`, `validate`, `diff` and `rules` (`--format json`).

Every command prints one object, camelCase throughout (like the spec): `eksgen` (version),
`command`, `ok`, `exitCode`, `clusters` (one entry per cluster, or per spec that failed before
naming one), `issues` (findings, located), `errorCount` and `warningCount` (counted from
`issues`, so they always agree), plus what the command adds (`findings`, `changes`, `rules`,
`bases`, `message`). `generator/schemas/output.schema.json` is its JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from generator.version import __version__

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "output.schema.json"


def envelope(command: str, exit_code: int, *, clusters: Iterable[dict[str, Any]] = (),
             issues: Iterable[dict[str, Any]] = (), **extra: Any) -> dict[str, Any]:
    listed = list(issues)
    errors = sum(1 for i in listed if i.get("severity") == "error")
    return {"eksgen": __version__, "command": command, "ok": int(exit_code) == 0, "exitCode": int(exit_code),
            "clusters": list(clusters), "issues": listed, "errorCount": errors,
            "warningCount": len(listed) - errors, **extra}


def fleet_clusters(outcomes: Iterable[Any]) -> list[dict[str, Any]]:
    """Render outcomes as cluster entries; a spec that failed keeps its name, its errors and its exit code."""
    entries: list[dict[str, Any]] = []
    for outcome in outcomes:
        if outcome.code not in (0, 1):
            entries.append({"spec": outcome.spec, "cluster": None, "status": "failed", "exitCode": outcome.code,
                            "errors": list(outcome.errors)})
            continue
        for cluster in outcome.clusters:
            entries.append({"spec": outcome.spec, **cluster, "skipped": outcome.skipped})
    return entries


@cache
def output_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text("utf-8"))
    return loaded
