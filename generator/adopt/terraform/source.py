"""A Terraform root module as parsed files: every `*.tf` of one directory, read with python-hcl2's
own grammar (which keeps line and column of every node), bad input reported with its place."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import hcl2
import lark
from lark.exceptions import LarkError, UnexpectedInput

from generator.errors import Issue, Position, SpecInvalid, UsageError, quote_name
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file

MAX_FILES = 200  # a root module, not a monorepo


@dataclass(frozen=True)
class Where:
    file: str
    line: int
    column: int

    def position(self) -> Position:
        return Position(self.line, self.column)


@dataclass
class Attribute:
    name: str
    expr: lark.Tree[lark.Token]
    where: Where


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    where: Where
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@dataclass
class RootModule:
    directory: Path
    blocks: list[Block]
    texts: dict[str, str]  # file name -> text, for the source text of an unresolved expression

    def of_type(self, block_type: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.type == block_type)


def issue(where: Where, loc: tuple[str | int, ...], message: str, *, severity: str = "error") -> Issue:
    return Issue(loc=loc, message=message, severity="warning" if severity == "warning" else "error",
                 file=where.file, position=where.position())


def read_root_module(directory: Path) -> RootModule:
    """Every `*.tf` file of `directory` (not below it: child modules are separate), parsed; all syntax
    errors at once (SpecInvalid), a missing or unreadable directory a UsageError."""
    if not directory.is_dir():
        raise UsageError(f"{quote_name(str(directory))}: not a directory (give the root module's directory)")
    paths = sorted(p for p in directory.iterdir() if p.suffix == ".tf" and not p.name.startswith("."))
    if not paths:
        raise UsageError(f"{quote_name(str(directory))}: no *.tf files")
    if len(paths) > MAX_FILES:
        raise UsageError(f"{quote_name(str(directory))}: more than {MAX_FILES} *.tf files; not a root module")
    blocks: list[Block] = []
    texts: dict[str, str] = {}
    problems: list[Issue] = []
    for path in paths:
        name = str(path)
        try:
            text = read_regular_file(path).decode("utf-8")
        except UnreadableFile as exc:
            problems.append(Issue(loc=(), message=str(exc), file=name))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Issue(loc=(), message=f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=name))
            continue
        texts[name] = text
        try:
            tree = hcl2.parses_to_tree(text + "\n")
        except UnexpectedInput as exc:
            where = Where(name, max(exc.line, 1), max(exc.column, 1))
            token = getattr(exc, "token", None)
            shown = (str(token).splitlines() or [""])[0][:40] if token is not None else ""
            found = f"unexpected {shown!r}" if shown else "unexpected end of input or character"
            problems.append(issue(where, (), f"HCL syntax error: {found}"))
            continue
        except LarkError as exc:
            problems.append(Issue(loc=(), message=f"HCL syntax error: {_first_line(exc)}", file=name))
            continue
        blocks.extend(_body_blocks(tree.children[0], name))
    if problems:
        raise SpecInvalid(problems)
    return RootModule(directory, blocks, texts)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["unexpected input"])[0]


def _where(node: lark.Tree[lark.Token], file: str) -> Where:
    meta = node.meta
    return Where(file, getattr(meta, "line", 1), getattr(meta, "column", 1))


def _name(node: lark.Tree[lark.Token] | lark.Token) -> str:
    """An identifier, keyword or literal name (`in`, `true` may name blocks and attributes)."""
    if isinstance(node, lark.Token):
        return str(node)
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, lark.Token)))


def string_text(node: lark.Tree[lark.Token]) -> str | None:
    """A quoted label's text, when it holds no interpolation."""
    parts = []
    for part in node.children:
        if isinstance(part, lark.Tree) and part.data == "string_part":
            token = part.children[0]
            if not isinstance(token, lark.Token) or token.type not in ("STRING_CHARS",):
                return None
            parts.append(str(token))
    return "".join(parts)


def _body_blocks(body: lark.Tree[lark.Token], file: str) -> list[Block]:
    return [_block(child, file) for child in body.children if isinstance(child, lark.Tree) and child.data == "block"]


def _block(node: lark.Tree[lark.Token], file: str) -> Block:
    head = [c for c in node.children if isinstance(c, lark.Tree) and c.data != "new_line_or_comment"]
    body = head.pop()
    labels = tuple(string_text(c) or "" if c.data == "string" else _name(c) for c in head[1:])
    block = Block(_name(head[0]), labels, _where(node, file))
    for child in body.children:
        if not isinstance(child, lark.Tree):
            continue
        if child.data == "attribute":
            name, expr = _name(child.children[0]), child.children[-1]
            if isinstance(expr, lark.Tree):
                block.attributes[name] = Attribute(name, expr, _where(child, file))
        elif child.data == "block":
            block.blocks.append(_block(child, file))
    return block
