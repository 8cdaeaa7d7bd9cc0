"""Stage 1, load: YAML text to plain data, remembering where every node was written.

PyYAML's composer gives nodes with marks; we build the data ourselves from the node
tree so that duplicate keys are reported (PyYAML silently keeps the last), recursive
aliases and alias bombs are refused, and every path maps to a line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Issue, Loc, Position, SpecInvalid

# A spec is a few hundred lines; these bounds stop alias bombs and accidental huge files.
MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_NODES_PER_DOCUMENT = 200_000
MAX_DEPTH = 64
START = Position(1, 1)
# libyaml's composer when present (several times faster); marks are the same.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One YAML document: its data, where each path was written, and its raw scalars."""

    file: str
    index: int
    data: Any
    positions: dict[Loc, Position] = field(default_factory=dict)
    scalars: dict[Loc, str] = field(default_factory=dict)
    overrides: list[Loc] = field(default_factory=list)  # paths an `extends` overlay changed
    load_issues: list[Issue] = field(default_factory=list)  # duplicate keys: reported, not fatal

    def locate(self, loc: Loc) -> Position | None:
        """Position of `loc`, or of its nearest written ancestor (for missing keys)."""
        for end in range(len(loc), -1, -1):
            pos = self.positions.get(tuple(loc[:end]))
            if pos is not None:
                return pos
        return START

    def issue(self, issue: Issue) -> Issue:
        """Attach file, document and position to an issue found in this document."""
        return Issue(
            loc=issue.loc,
            message=issue.message,
            severity=issue.severity,
            rule=issue.rule,
            file=self.file,
            position=issue.position or self.locate(issue.loc),
            document=self.index,
        )


class _Refused(Exception):
    def __init__(self, message: str, position: Position, loc: Loc = ()) -> None:
        super().__init__(message)
        self.position = position
        self.loc = loc


class _Builder:
    def __init__(self, file: str, index: int) -> None:
        self.doc = Document(file=file, index=index, data=None)
        self.nodes = 0
        self.active: set[int] = set()  # nodes on the current path: a repeat is a recursive alias
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES_PER_DOCUMENT:
            raise _Refused("document too large (alias expansion?)", _position(node))
        if len(loc) > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", _position(node))
        if id(node) in self.active:
            where = self.doc.positions.get(loc, _position(node))
            raise _Refused("recursive alias: a node cannot contain itself", where, loc)
        self.doc.positions.setdefault(loc, _position(node))
        if isinstance(node, yaml.ScalarNode):
            self.doc.scalars[loc] = str(node.value)
            return self._constructor.construct_object(node, deep=True)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        self._constructor.flatten_mapping(node)  # resolves `<<` merge keys
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                first = self.doc.positions.get((*loc, key))
                where = f" (first at line {first.line})" if first else ""
                self.doc.load_issues.append(self.doc.issue(Issue(
                    loc=(*loc, key), message=f"duplicate key {key!r}{where}", position=_position(key_node))))
                continue
            self.doc.positions[(*loc, key)] = _position(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def load_documents(text: str, file: str) -> list[Document]:
    """Parse every document of a spec file; raise SpecInvalid with all fatal load problems.

    Duplicate keys are not fatal here: they travel with the document (`load_issues`) so
    the later stages can still report everything else in the same run.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        raise SpecInvalid([Issue(loc=(), message=f"file is larger than {MAX_SPEC_BYTES} bytes", file=file,
                                 position=START)])
    documents: list[Document] = []
    issues: list[Issue] = []
    try:
        for index, root in enumerate(yaml.compose_all(text, Loader=_LOADER)):
            if root is None:
                continue
            builder = _Builder(file, index)
            try:
                builder.doc.data = builder.build(root, ())
            except _Refused as exc:
                issues.append(Issue(loc=exc.loc, message=str(exc), file=file, position=exc.position,
                                    document=index))
                continue
            documents.append(builder.doc)
    except yaml.YAMLError as exc:
        issues.append(_yaml_issue(exc, file, text))
    except RecursionError:
        issues.append(Issue(loc=(), message="invalid YAML: nested too deeply", file=file, position=START))
    if issues:
        raise SpecInvalid(issues)
    if not documents:
        raise SpecInvalid([Issue(loc=(), message="no YAML document found (the file is empty)", file=file,
                                 position=START)])
    return documents


def _yaml_issue(exc: yaml.YAMLError, file: str, text: str) -> Issue:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        message = f"invalid YAML: {exc.reason} (character {exc.character!r})"
        line, column = _line_col(text, exc.position)
        return Issue(loc=(), message=message, file=file, position=Position(line, column))
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else START
    lines = text.splitlines()
    line_text = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if mark is not None and ("tab" in str(problem) or line_text[mark.column:mark.column + 1] == "\t"):
        column = line_text.find("\t") + 1 or mark.column + 1  # the commonest YAML mistake, said plainly
        message = "invalid YAML: a tab character; YAML indents with spaces only (replace the tab with spaces)"
        position = Position(mark.line + 1, column)
    return Issue(loc=(), message=message, file=file, position=position)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
