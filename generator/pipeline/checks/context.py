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

    def written(self, *path: str) -> object:
        """What the document itself holds at `path` (None where it holds nothing): what the author
        wrote, before defaults."""
        node: object = self.raw
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node
