"""Stage 1, load: YAML text to plain data, remembering where every node was written.

PyYAML's composer gives nodes with marks; we build the data ourselves from the node
tree so that duplicate keys are reported (PyYAML silently keeps the last), recursive
aliases and alias bombs are refused (loadlimits.py), YAML 1.1 coercions (`on:` -> True,
`010` -> 8, custom tags) are refused with a hint, and every path maps to a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Issue, Loc, Position, SpecInvalid
from generator.pipeline.loadlimits import MAX_SPEC_BYTES, scan_bounds

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
    pins: dict[str, Any] | None = None  # this cluster's entry of eksgen.lock beside the spec (pipeline/pins.py)

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


_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null"))
MERGE, MAP, SEQ = f"{_TAG}merge", f"{_TAG}map", f"{_TAG}seq"
# Spellings YAML 1.1 (PyYAML) and YAML 1.2 read alike; anything else PyYAML would change silently.
_CANONICAL = {
    INT: re.compile(r"[-+]?(0|[1-9][0-9]*)"),
    FLOAT: re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+][0-9]+)?"),
    BOOL: re.compile(r"true|false|True|False|TRUE|FALSE"),
    NULL: re.compile(r"|~|null|Null|NULL"),
}
# Plain text to PyYAML but a number to YAML 1.2 readers (Go, JavaScript): ambiguous.
_YAML12_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)")


_UNREADABLE = object()  # an explicitly tagged scalar its tag cannot read (`!!float abc`)


class SpecDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting the strings this loader refuses plain (`1e5`, `0o17`), so
    every YAML eksgen writes (explain, aws-auth convert) loads back unchanged."""


SpecDumper.add_implicit_resolver(FLOAT, re.compile(f"^(?:{_YAML12_NUMBER.pattern})$"), list("-+.0123456789"))


def dump_yaml(data: Any, **options: Any) -> str:
    return str(yaml.dump(data, Dumper=SpecDumper, **options))


def _coercion(node: yaml.ScalarNode, value: Any) -> str | None:
    """Why a plain scalar must be quoted or rewritten, or None when it means what it spells."""
    raw = node.value
    if node.tag == STR:
        if node.style in (None, "") and _YAML12_NUMBER.fullmatch(raw):
            return (f"YAML 1.1 reads {raw} as text but YAML 1.2 as a number; quote it (\"{raw}\") "
                    "or write the plain number")
        return None
    pattern = _CANONICAL.get(node.tag)
    if pattern is None:
        return _tag_problem(node.tag, raw)
    if pattern.fullmatch(raw):
        return None
    if value is _UNREADABLE or node.tag == NULL:
        return f"{raw} is not a valid {node.tag.replace(_TAG, '!!')}; quote it (\"{raw}\") for text"
    if node.tag == BOOL:
        meaning = str(value).lower()
        return f"YAML 1.1 reads {raw} as the boolean {meaning}; write {meaning} or quote it (\"{raw}\")"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return f"{raw} is not a finite number; quote it (\"{raw}\") for text"
    return f"YAML 1.1 reads {raw} as the number {value!r}; write the plain number {value!r} or quote it (\"{raw}\")"


def _tag_problem(tag: str, raw: str) -> str:
    if tag == f"{_TAG}timestamp":
        return f"YAML 1.1 reads {raw} as a date; quote it (\"{raw}\")"
    shown = tag.replace(_TAG, "!!")
    return f"the YAML tag {shown} is not supported; remove it (quote the value for text)"


class _Builder:
    def __init__(self, file: str, index: int) -> None:
        self.doc = Document(file=file, index=index, data=None)
        self.active: set[int] = set()  # nodes on the current path: a repeat is a recursive alias
        self.problems: list[Issue] = []  # values PyYAML would change: all reported, the document refused
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.active:
            where = self.doc.positions.get(loc, _position(node))
            raise _Refused("recursive alias: a node cannot contain itself", where, loc)
        self.doc.positions.setdefault(loc, _position(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        expected = MAP if isinstance(node, yaml.MappingNode) else SEQ
        if node.tag != expected:
            self._problem(loc, node, _tag_problem(node.tag, ""))
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        self.doc.scalars[loc] = str(node.value)
        if node.tag != STR and node.tag not in _CANONICAL:
            self._problem(loc, node, _tag_problem(node.tag, node.value))
            return node.value
        value = self._safe_construct(node)
        problem = _coercion(node, value)
        if problem:
            self._problem(loc, node, problem)
        return value

    def _problem(self, loc: Loc, node: yaml.Node, message: str) -> None:
        self.problems.append(self.doc.issue(Issue(loc=loc, message=message, position=_position(node))))

    def _key(self, node: yaml.Node, loc: Loc) -> str | None:
        """A mapping key as the file spells it; None (and a problem) for one YAML would change."""
        if not isinstance(node, yaml.ScalarNode):
            self._problem(loc, node, "mapping keys must be plain text, not a list or mapping")
            return None
        if node.tag == STR:
            problem = _coercion(node, node.value)
        elif node.tag in (INT, FLOAT) and _CANONICAL[node.tag].fullmatch(node.value):
            return str(node.value)  # `80:` is the key "80", as written
        elif node.tag in (BOOL, NULL) and (value := self._safe_construct(node)) is not _UNREADABLE and (
                node.tag == BOOL or _CANONICAL[NULL].fullmatch(node.value)):
            meaning = "null" if value is None else f"the boolean {str(value).lower()}"
            problem = f"YAML reads the key {node.value or '(empty)'} as {meaning}; quote it (\"{node.value}\")"
        else:
            problem = _coercion(node, self._safe_construct(node))
        if problem:
            self._problem((*loc, node.value), node, problem)
            return None
        return str(node.value)

    def _safe_construct(self, node: yaml.ScalarNode) -> Any:
        """The scalar's value; _UNREADABLE when an explicit tag does not fit its text."""
        if node.tag == STR or _CANONICAL.get(node.tag) is None:
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            return _UNREADABLE

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        explicit: set[str] = set()
        for key_node, value_node, merged in self._pairs(node, loc):
            key = self._key(key_node, loc)
            if key is None:
                continue
            if merged:  # `<<: *base`: earlier merged maps win, explicit keys (below) override silently
                if key not in result:
                    result[key] = (key_node, value_node)
                continue
            if key in explicit:
                first = self.doc.positions.get((*loc, key))
                where = f" (first at line {first.line})" if first else ""
                self.doc.load_issues.append(self.doc.issue(Issue(
                    loc=(*loc, key), message=f"duplicate key {key!r}{where}", position=_position(key_node))))
                continue
            explicit.add(key)
            self.doc.positions[(*loc, key)] = _position(key_node)
            result[key] = (key_node, value_node)
        built: dict[Any, Any] = {}
        for key, (key_node, value_node) in result.items():
            self.doc.positions.setdefault((*loc, key), _position(key_node))
            built[key] = self.build(value_node, (*loc, key))
        return built

    def _pairs(self, node: yaml.MappingNode, loc: Loc) -> list[tuple[yaml.Node, yaml.Node, bool]]:
        """Explicit pairs first, then merged ones in the order merge keys give them precedence."""
        explicit: list[tuple[yaml.Node, yaml.Node, bool]] = []
        merged: list[tuple[yaml.Node, yaml.Node, bool]] = []
        for key_node, value_node in node.value:
            if key_node.tag != MERGE:
                explicit.append((key_node, value_node, False))
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise _Refused("a merge key (<<) takes a mapping or a list of mappings", _position(source), loc)
                if id(source) in self.active:
                    raise _Refused("recursive alias: a node cannot contain itself", _position(source), loc)
                self.active.add(id(source))
                try:
                    merged.extend((k, v, True) for k, v, _ in self._pairs(source, loc))
                finally:
                    self.active.discard(id(source))
        return explicit + merged


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


NULL_TAG = "tag:yaml.org,2002:null"


def _empty_document(root: yaml.Node) -> bool:
    """A `---` with nothing after it (a trailing separator, a file of separators): no document at all,
    as kubectl reads it. A document that says `null` or `~` is still one, and is refused as such."""
    return isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG and root.value == "" and not root.style


def load_documents(text: str, file: str) -> list[Document]:
    """Parse every document of a spec file; raise SpecInvalid with all fatal load problems.

    Duplicate keys are not fatal here: they travel with the document (`load_issues`) so
    the later stages can still report everything else in the same run.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        raise SpecInvalid([Issue(loc=(), message=f"file is larger than {MAX_SPEC_BYTES} bytes", file=file,
                                 position=START)])
    bounds = scan_bounds(text, file, _LOADER)
    if bounds:
        raise SpecInvalid(bounds)
    documents: list[Document] = []
    issues: list[Issue] = []
    try:
        for index, root in enumerate(yaml.compose_all(text, Loader=_LOADER)):
            if root is None or _empty_document(root):
                continue
            builder = _Builder(file, index)
            try:
                builder.doc.data = builder.build(root, ())
            except _Refused as exc:
                issues.append(Issue(loc=exc.loc, message=str(exc), file=file, position=exc.position,
                                    document=index))
                continue
            if builder.problems:
                issues.extend(builder.problems)
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


def decode_utf8(data: bytes, file: str) -> str:
    """UTF-8 text, or SpecInvalid located at the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SpecInvalid([Issue(loc=(), message=f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason})",
                                 file=file, position=Position(line, column))]) from None


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
