"""What every mapping step shares: the ClusterConfig being read, the spec being written, and the
findings: warnings (a field eksgen cannot express) and notes (a difference eksgen cannot carry over,
said in the spec's comments and the report, but nothing lost from the ClusterConfig)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.adopt.eksctl import unsupported
from generator.adopt.eksctl.source import Source
from generator.adopt.eksctl.tree import Block
from generator.errors import Issue, Loc
from generator.pipeline.model import ClusterSpec, Metadata


@dataclass
class Context:
    src: Source
    today: dt.date
    spec: Block = field(default_factory=lambda: Block(ClusterSpec))
    metadata: Block = field(default_factory=lambda: Block(Metadata, origin=("metadata",)))
    notes: list[Issue] = field(default_factory=list)
    existing_vpc: bool = False
    private_cluster: bool = False
    reported: set[Loc] = field(default_factory=set)  # wrong-type mappings already reported

    @property
    def region(self) -> str:
        return self.src.text(("metadata", "region")) or ""

    @property
    def name(self) -> str:
        return self.src.text(("metadata", "name")) or ""

    def drop(self, loc: Loc, target: Block, why: str | None = None) -> None:
        """Keep the field at `loc` as a comment in `target` and warn, with its ClusterConfig location."""
        data = self.src.raw(loc)
        if data is None:
            return
        why = why or unsupported.reason(loc)
        target.drop(_label(loc), data, why)
        self.src.report(loc, f"not imported: {why}", severity="warning")

    def drop_unread(self, loc: Loc, target: Block) -> None:
        """Every key of the mapping at `loc` that no mapping step read (a non-mapping there is an error)."""
        value = self.src.raw_unmarked(loc)
        if value is not None and not isinstance(value, dict):
            if loc not in self.reported:
                self.reported.add(loc)
                self.src.raw(loc)
                self.src.report(loc, f"must be a mapping (got {'a list' if isinstance(value, list) else repr(value)})")
            return
        for key in self.src.unread(loc):
            unknown = unsupported.unknown_field(key)
            if unknown is not None:
                self.src.raw(key)
                self.src.report(key, unknown)
            else:
                self.drop(key, target)

    def note(self, loc: Loc, message: str) -> None:
        self.notes.append(self.src.doc.issue(Issue(loc=loc, message=message, severity="warning")))


def _label(loc: Loc) -> str:
    last = loc[-1]
    if isinstance(last, int):
        parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        return f"{parent}[{last}]"
    return last
