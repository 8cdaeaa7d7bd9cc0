"""What an evaluated Terraform expression can be besides plain Python data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.adopt.terraform.source import Where


@dataclass(frozen=True)
class Unknown:
    """A value eksgen cannot know offline: its source text, and why."""

    text: str
    reason: str
    where: Where | None = None


@dataclass(frozen=True)
class Json:
    """`jsonencode(value)`: the value, as the spec writes it (addon configuration)."""

    value: Any


def has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False
