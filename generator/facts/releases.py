"""Facts shipped as data (release table, regions): loaded once, never edited in code."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_json(name: str) -> Any:
    return json.loads(resources.files("generator.facts").joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class Release:
    version: str
    released: dt.date
    end_of_standard: dt.date
    end_of_extended: dt.date

    @property
    def minor(self) -> int:
        return int(self.version.split(".")[1])


@cache
def kubernetes_releases() -> tuple[Release, ...]:
    rows = load_json("kubernetes-releases.json")["releases"]
    releases = [
        Release(
            version=r["version"],
            released=dt.date.fromisoformat(r["released"]),
            end_of_standard=dt.date.fromisoformat(r["endOfStandard"]),
            end_of_extended=dt.date.fromisoformat(r["endOfExtended"]),
        )
        for r in rows
    ]
    return tuple(sorted(releases, key=lambda r: r.minor))


def release(version: str) -> Release | None:
    return next((r for r in kubernetes_releases() if r.version == version), None)


@cache
def region_zone_letters() -> dict[str, str]:
    regions: dict[str, str] = load_json("regions.json")["regions"]
    return regions
