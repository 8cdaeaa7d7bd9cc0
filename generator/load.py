"""Stage 1, load: YAML text to plain data, remembering where every node was written.

PyYAML's composer gives nodes with marks; we build the data ourselves from the node
tree so that duplicate keys are reported (PyYAML silently keeps the last) and every
path maps to a line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Issue, Loc, Position, SpecInvalid

# A spec is a few hundred lines; these bounds stop alias bombs and accidental huge files.
MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_NODES_PER_DOCUMENT = 200_000


@dataclass
class Document:
    """One YAML document: its data, where each path was written, and its raw scalars."""

    file: str
    index: int
    data: Any
    positions: dict[Loc, Position] = field(default_factory=dict)
    scalars: dict[Loc, str] = field(default_factory=dict)

    def locate(self, loc: Loc) -> Position | None:
        """Position of `loc`, or of its nearest written ancestor (for missing keys)."""
        for end in range(len(loc), -1, -1):
            pos = self.positions.get(tuple(loc[:end]))
            if pos is not None:
                return pos
        return None

    def issue(self, issue: Issue) -> Issue:
        """Attach file, document and position to an issue found in this document."""
        return Issue(
            loc=issue.loc,
            message=issue.message,
            severity=issue.severity,
            rule=issue.rule,
            file=self.file,
            position=self.locate(issue.loc),
            document=self.index,
        )


class _Builder:
    def __init__(self, file: str, index: int) -> None:
        self.doc = Document(file=file, index=index, data=None)
        self.issues: list[Issue] = []
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES_PER_DOCUMENT:
            raise _TooLarge
        self.doc.positions.setdefault(loc, _position(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        self.doc.scalars[loc] = str(node.value)
        return self._constructor.construct_object(node, deep=True)

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
                self.issues.append(
                    Issue(loc=(*loc, key), message=f"duplicate key {key!r}{where}",
                          position=_position(key_node))
                )
                continue
            self.doc.positions[(*loc, key)] = _position(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result


class _TooLarge(Exception):
    pass


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def load_documents(text: str, file: str) -> list[Document]:
    """Parse every document of a spec file; raise SpecInvalid with all load problems."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        raise SpecInvalid([Issue(loc=(), message=f"file is larger than {MAX_SPEC_BYTES} bytes", file=file)])
    documents: list[Document] = []
    issues: list[Issue] = []
    try:
        for index, root in enumerate(yaml.compose_all(text, Loader=yaml.SafeLoader)):
            if root is None:
                continue
            builder = _Builder(file, index)
            try:
                builder.doc.data = builder.build(root, ())
            except _TooLarge:
                issues.append(Issue(loc=(), message="document too large (alias expansion?)",
                                    file=file, position=_position(root), document=index))
                continue
            issues.extend(builder.doc.issue(i) if i.position is None else _with_file(i, file, index)
                          for i in builder.issues)
            documents.append(builder.doc)
    except yaml.YAMLError as exc:
        issues.append(_yaml_issue(exc, file))
    if issues:
        raise SpecInvalid(issues)
    if not documents:
        raise SpecInvalid([Issue(loc=(), message="no YAML document found", file=file)])
    return documents


def _with_file(issue: Issue, file: str, index: int) -> Issue:
    return Issue(loc=issue.loc, message=issue.message, file=file, position=issue.position, document=index)


def _yaml_issue(exc: yaml.YAMLError, file: str) -> Issue:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else None
    return Issue(loc=(), message=message, file=file, position=position)
