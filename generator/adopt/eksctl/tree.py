"""The spec being written, as a tree that carries comments: what a hand-written spec says beside its keys.

A `Block` is a mapping whose keys are ordered as the contract orders them (its pydantic model's
field order); `Dropped` is a ClusterConfig field eksgen cannot express, kept as a comment where
it would go. Each field remembers the ClusterConfig path it came from, so a finding on the
written spec can be reported at the line of the ClusterConfig that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import BaseModel

from generator.errors import Loc

Value = Union[str, int, bool, list[Any], dict[str, Any], "Block", "Seq"]


@dataclass
class Field:
    value: Value
    comment: list[str] = field(default_factory=list)  # lines written above the key
    origin: Loc | None = None


@dataclass
class Dropped:
    label: str  # the ClusterConfig key as written, e.g. `overrideBootstrapCommand`
    data: Any
    reason: str


@dataclass
class Block:
    model: type[BaseModel] | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)
    origin: Loc | None = None

    def set(self, key: str, value: Value | None, *, comment: str | list[str] | None = None,
            origin: Loc | None = None) -> None:
        """Set `key` unless `value` is None; a comment may be one paragraph or several lines."""
        if value is None:
            return
        lines = [comment] if isinstance(comment, str) else list(comment or [])
        self.fields[key] = Field(value, lines, origin)

    def child(self, key: str, model: type[BaseModel] | None, origin: Loc | None = None) -> Block:
        """The sub-block at `key`, created on first use."""
        existing = self.fields.get(key)
        if existing is not None and isinstance(existing.value, Block):
            return existing.value
        block = Block(model, origin=origin)
        self.fields[key] = Field(block, origin=origin)
        return block

    def note(self, key: str, line: str) -> None:
        """Add a comment line above an existing key."""
        if key in self.fields:
            self.fields[key].comment.append(line)

    def drop(self, label: str, data: Any, reason: str) -> None:
        self.dropped.append(Dropped(label, data, reason))

    def is_empty(self) -> bool:
        return not self.fields and not self.dropped


@dataclass
class Seq:
    items: list[Field] = field(default_factory=list)

    def add(self, value: Value, origin: Loc | None = None) -> None:
        self.items.append(Field(value, origin=origin))


# The contract's node-group snippets: what the group runs first, then its sizes, then the rest; the
# model's field order (shared base first) would put the instance types last.
NODE_GROUP_FIRST = ("name", "instanceTypes", "instanceType", "instancesDistribution", "capacityType", "amiType",
                    "amiId", "minSize", "maxSize", "desiredSize", "diskSizeGiB", "diskType", "diskIops",
                    "diskThroughput", "diskKmsKeyArn", "labels", "taints", "maxUnavailable",
                    "maxUnavailablePercentage", "subnets")


def key_order(model: type[BaseModel] | None) -> list[str]:
    """The contract's key order for a mapping of `model` (its field order; node groups as the contract's)."""
    if model is None:
        return []
    fields = [f.alias or name for name, f in model.model_fields.items()]
    if "amiType" in fields and "minSize" in fields:
        return [k for k in NODE_GROUP_FIRST if k in fields] + [k for k in fields if k not in NODE_GROUP_FIRST]
    return fields


def origins(block: Block, loc: Loc = ()) -> dict[Loc, Loc]:
    """Every path of the written document that came from a ClusterConfig path."""
    found: dict[Loc, Loc] = {}
    if block.origin is not None:
        found[loc] = block.origin
    for key, item in block.fields.items():
        _walk(item, (*loc, key), found)
    return found


def _walk(item: Field, loc: Loc, found: dict[Loc, Loc]) -> None:
    if item.origin is not None:
        found[loc] = item.origin
    if isinstance(item.value, Block):
        found.update(origins(item.value, loc))
    elif isinstance(item.value, Seq):
        for index, entry in enumerate(item.value.items):
            _walk(entry, (*loc, index), found)
