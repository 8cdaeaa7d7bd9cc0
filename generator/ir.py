"""The plan's intermediate representation: ordered Terraform blocks whose values are
literals, references, function calls or heredocs.

It carries what a reviewer reads: which blocks each file holds and in what order, the order
of arguments, their groups (rendered a blank line apart), banners, and comments that say
why. It carries no text: quoting, indentation and `=` alignment are `pipeline/hcl.py`'s,
the file frame is the template's. Values are frozen and comparable; blocks are built up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

# A reference is a plain traversal the plan writes itself (never spec text).
TRAVERSAL = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*|\[\d+\]|\[\"[a-z0-9_-]+\"\])*")
FUNCTION = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Ref:
    """A reference such as `module.vpc.vpc_id` or `local.tags`."""

    expr: str

    def __post_init__(self) -> None:
        if not TRAVERSAL.fullmatch(self.expr):
            raise ValueError(f"not a traversal: {self.expr!r}")


@dataclass(frozen=True)
class Call:
    """A function call such as `jsonencode({...})`."""

    name: str
    args: tuple[Value, ...]

    def __post_init__(self) -> None:
        if not FUNCTION.fullmatch(self.name):
            raise ValueError(f"not a function name: {self.name!r}")


@dataclass(frozen=True)
class Heredoc:
    """A multi-line string a reviewer reads as a document (the nodeadm NodeConfig), written as
    an indented heredoc. Only text a heredoc holds exactly: printable lines, each ending in a
    newline, none of spaces only (`<<-` leaves those alone), at least one unindented (so `<<-`
    strips no more than eksgen added)."""

    text: str

    def __post_init__(self) -> None:
        lines = self.text.split("\n")
        if not self.text.endswith("\n") or lines.pop() != "":
            raise ValueError(f"a heredoc ends with a newline: {self.text!r}")
        if any(not line.isprintable() or "\t" in line or (line and not line.strip()) for line in lines):
            raise ValueError(f"a heredoc holds printable lines, none of spaces only: {self.text!r}")
        if not any(line and not line[0].isspace() for line in lines):
            raise ValueError(f"a heredoc needs an unindented line: {self.text!r}")


@dataclass(frozen=True)
class Expr:
    """An expression read back from existing HCL text; its type is Terraform's to check."""

    text: str


@dataclass(frozen=True)
class Null:
    """An explicit `null`: unlike an unset argument, it overrides a module's non-null default."""


NULL = Null()


@dataclass(frozen=True)
class Obj:
    """An object whose keys are schema attribute names (rendered as bare identifiers)."""

    items: tuple[tuple[str, Value], ...]

    @staticmethod
    def of(**kwargs: Value) -> Obj:
        return Obj(tuple(kwargs.items()))

    @staticmethod
    def from_pairs(pairs: list[tuple[str, Value]]) -> Obj:
        return Obj(tuple((k, v) for k, v in pairs if v is not None))


# Plain dicts are user maps (keys always quoted); lists are tuples in HCL.
Value = Union[str, int, float, bool, None, Null, Ref, Call, Heredoc, Expr, Obj, "list[Value]", "dict[str, Value]"]


@dataclass(frozen=True)
class Attr:
    name: str
    value: Value
    comment: str | None = None


@dataclass
class Group:
    """A run of attributes rendered together, optionally under a comment giving a reason."""

    attrs: list[Attr]
    comment: str | None = None


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Group | Block] = field(default_factory=list)
    banner: str | None = None

    def attributes(self) -> list[Attr]:
        return [a for item in self.body if isinstance(item, Group) for a in item.attrs]

    def blocks(self) -> list[Block]:
        return [item for item in self.body if isinstance(item, Block)]


@dataclass
class TfFile:
    name: str
    blocks: list[Block]


@dataclass
class Plan:
    files: list[TfFile]

    def file(self, name: str) -> TfFile:
        return next(f for f in self.files if f.name == name)
