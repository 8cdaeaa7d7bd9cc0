"""Module internals (modules/internals.json): the upstream expressions that decide keys and
fixed names, per module version, so rules about them follow the pinned release."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from generator.paths import shipped_dir

INTERNALS_FILE = "internals.json"


@cache
def _all() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shipped_dir("modules") / INTERNALS_FILE).read_text("utf-8"))
    return data


def internals(key: str, version: str) -> dict[str, Any] | None:
    """The recorded internals of module `key` at `version`, or None when none are recorded."""
    found = _all().get(key, {}).get(version)
    return found if isinstance(found, dict) else None


def recorded_versions(key: str) -> list[str]:
    return sorted(_all().get(key, {}))
