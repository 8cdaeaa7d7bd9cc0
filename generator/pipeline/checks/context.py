"""What every rule sees: the defaulted cluster, the raw document, and an injectable clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.pipeline.effective import Cluster


@dataclass(frozen=True)
class CheckContext:
    cluster: Cluster
    raw: dict[str, object]
    today: dt.date
