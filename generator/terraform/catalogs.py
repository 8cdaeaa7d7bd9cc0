"""Module interface catalogs: the pinned upstream variables and outputs, as data.

Shipped catalogs live in `modules/`; users can add their own directory with
`EKSGEN_MODULES_PATH` (written by `eksgen modules import`). File name:
`<key>-<version>[-<submodule>].json`, key a pin of modules/index.json (eks, vpc, iam, ...).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from generator.paths import shipped_dir

CATALOG_NAME = re.compile(r"(?P<key>[a-z][a-z-]*?)-(?P<version>\d+\.\d+\.\d+)(?:-(?P<sub>[a-z0-9-]+))?\.json")
USER_CATALOGS_ENV = "EKSGEN_MODULES_PATH"


def catalog_dirs() -> list[Path]:
    extra = os.environ.get(USER_CATALOGS_ENV)
    dirs = [Path(p) for p in extra.split(os.pathsep) if p] if extra else []
    return [*dirs, shipped_dir("modules")]


@cache
def _index(dirs: tuple[Path, ...]) -> dict[tuple[str, str, str | None], Path]:
    found: dict[tuple[str, str, str | None], Path] = {}
    for directory in reversed(dirs):  # earlier directories win
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.json")):
            match = CATALOG_NAME.fullmatch(path.name)
            if match:
                found[(match["key"], match["version"], match["sub"])] = path
    return found


def index() -> dict[tuple[str, str, str | None], Path]:
    return _index(tuple(catalog_dirs()))


def versions(key: str) -> list[str]:
    return sorted({v for (k, v, _sub) in index() if k == key})


@cache
def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def load(key: str, version: str, submodule: str | None = None) -> dict[str, Any]:
    path = index().get((key, version, submodule))
    if path is None:
        name = f"{key} {version}" + (f" ({submodule})" if submodule else "")
        raise KeyError(f"no interface catalog for {name}")
    return _read(path)


def version_floor(constraint: str) -> tuple[int, ...]:
    """The lowest version a `>= X.Y.Z` constraint admits; (0,) when it names none."""
    match = re.search(r">=\s*([\d.]+)", constraint)
    return tuple(int(p) for p in match.group(1).split(".") if p) if match else (0,)


def highest_terraform_floor(catalog_keys: list[tuple[str, str, str | None]]) -> str | None:
    """`>= X` for the highest `required_version` floor among these catalogs (name, version, submodule)."""
    floors = []
    for key in catalog_keys:
        try:
            catalog = load(*key)
        except KeyError:
            continue  # the checks report a missing catalog
        floors.append((version_floor(catalog.get("required_version") or ""), catalog.get("required_version")))
    if not floors:
        return None
    best = max(floors)[0]
    return ">= " + ".".join(str(p) for p in best) if best != (0,) else None
