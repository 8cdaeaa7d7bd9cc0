"""Reading rendered HCL back with python-hcl2, as fast as its grammar allows.

Two things make it fast without skipping a parse:
  * python-hcl2's own transformer runs inside the LALR parse (Lark's `transformer=`), so no raw
    tree is built and walked a second time; each node goes through the very call
    `Transformer.transform` would make (`_call_userfunc` on the node with transformed children);
  * a file is parsed one top-level block at a time, and each block's body one statement (attribute
    or nested block) at a time, every part's result cached by its text: a fleet repeats most blocks
    and most statements (versions, outputs, module arguments), and identical text parses
    identically. The parts are merged as python-hcl2 lays out a body (attributes by name, blocks of
    one type in order, labels nesting the body); anything the merge cannot place, or a part that
    does not parse on its own (a cut inside a heredoc, a comment or a nested body leaves one),
    falls back to the whole-file parse. tests/pipeline/test_hclread.py proves the two agree over
    every golden file and over generated specs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import hcl2
import lark
import lark.exceptions
from hcl2.transformer import RuleTransformer
from lark.tree import Meta

OPTIONS = hcl2.SerializationOptions(with_comments=False, strip_string_quotes=True, explicit_blocks=True)
_CACHED_PARTS = 16384  # block headers and body statements; a fleet repeats most of them
# Lark's callables carry no annotations; typed as Any once here.
_NEW_META: Any = Meta
_VISIT_ERROR: Any = lark.exceptions.VisitError


class _InlineTransformer:
    """What Lark asks for, rule by rule: a callback applying python-hcl2's RuleTransformer to one node.

    Lark builds the tree's shape (inlined `_rules`, `?rules` of one child) around these callbacks
    exactly as it does when it builds a tree. Terminals get no callback of their own (so they reach
    the rule as Lark tokens) and are transformed here, as `_transform_children` does.
    """

    def __init__(self) -> None:
        self._rules = RuleTransformer(discard_new_line_or_comments=True)
        self._token_functions: dict[str, Callable[[lark.Token], Any]] = {}

    def _token(self, token: lark.Token) -> Any:
        function = self._token_functions.get(token.type)
        if function is None:
            function = self._token_functions[token.type] = getattr(self._rules, token.type,
                                                                   self._rules.__default_token__)
        return function(token)

    def __getattr__(self, name: str) -> Callable[[list[Any]], Any]:
        if not name[:1].islower():  # a terminal, `__default__`, or an inlined `_rule`: Lark's own handling
            raise AttributeError(name)
        rules: Any = self._rules
        token = self._token
        function = getattr(rules, name, None)
        wrapper = getattr(function, "visit_wrapper", None)

        def callback(children: list[Any]) -> Any:
            kept = []
            for child in children:
                value = token(child) if isinstance(child, lark.Token) else child
                if value is not lark.Discard:
                    kept.append(value)
            meta = _NEW_META()  # what an unpositioned tree's node carries
            try:
                if function is None:
                    return rules.__default__(name, kept, meta)
                return wrapper(function, name, kept, meta) if wrapper is not None else function(kept)
            except lark.exceptions.GrammarError:
                raise
            except Exception as exc:  # as Transformer._call_userfunc reports it
                raise _VISIT_ERROR(name, lark.Tree(name, kept), exc) from exc

        return callback


@functools.cache
def _parser() -> lark.Lark:
    """python-hcl2's grammar and post-lexer, without position tracking (never read here), its
    transformer inline; Lark caches the built tables on disk."""
    from hcl2 import parser as hcl2_parser
    from hcl2.postlexer import PostLexer

    return lark.Lark.open("hcl2.lark", parser="lalr", rel_to=hcl2_parser.__file__, propagate_positions=False,
                          postlex=PostLexer(), cache=True, transformer=_InlineTransformer())


def load_parser() -> None:
    """Load the parser now (a warm worker does, before its first spec)."""
    _parser()


def parse(text: str) -> dict[str, Any]:
    """Exactly `hcl2.loads(text, serialization_options=OPTIONS)`, faster (see the module docstring)."""
    start: Any = _parser().parse(text + "\n")  # the trailing newline is python-hcl2's own EOF workaround
    result: dict[str, Any] = hcl2.serialize(start, serialization_options=OPTIONS)
    return result


def top_level_parts(text: str) -> list[str]:
    """The text cut after each line that is a lone `}` (where canonical HCL closes a top-level block).

    The parts join back to `text` exactly. A cut that is not really at the top level (inside a
    heredoc, a comment or a nested body) leaves a part that does not parse on its own.
    """
    parts, start = [], 0
    while True:
        end = text.find("\n}\n", start)
        if end == -1:
            break
        parts.append(text[start:end + 3])
        start = end + 3
    if start < len(text):
        parts.append(text[start:])
    return parts


@functools.lru_cache(maxsize=_CACHED_PARTS)
def _parsed_part(text: str) -> dict[str, Any]:
    return parse(text)


class _Unmergeable(Exception):
    """Parts whose results cannot be put together as python-hcl2 would: the whole text decides."""


_STATEMENT = re.compile(r"^  [A-Za-z_]", re.MULTILINE)  # a top-level block's body statement, as fmt indents it
_ATTRIBUTE = re.compile(r"  [A-Za-z_][\w-]*\s*=")
BLOCK_MARKER = "__is_block__"
_OBJECT_ATTRIBUTE = re.compile(r"( *)([A-Za-z_][\w-]*) *= \{\n")  # `NAME = {` ending its line
_ELEMENT_WRAPPER = "__element__"


def _parsed_block(part: str) -> dict[str, Any]:
    """One top-level block `TYPE LABELS {` ... `}`: its header parsed once, its body one statement at a
    time, each cached by its text (most statements of a fleet's blocks repeat)."""
    header_end = part.find("\n") + 1
    if not (part[:header_end].endswith("{\n") and part.endswith("\n}\n") and header_end < len(part) - 1):
        return _parsed_part(part)
    body_text = part[header_end:-2]
    starts = [m.start() for m in _STATEMENT.finditer(body_text)]
    if body_text[:starts[0] if starts else len(body_text)].strip():
        raise _Unmergeable
    body: dict[str, Any] = {}
    nested: set[str] = set()
    for start, end in zip(starts, [*starts[1:], len(body_text)], strict=True):
        statement = body_text[start:end]
        parsed = _parsed_statement(statement, "  ")
        if len(parsed) != 1:
            raise _Unmergeable
        ((key, value),) = parsed.items()
        if _ATTRIBUTE.match(statement):
            if key in body:
                raise _Unmergeable
            body[key] = value
        elif isinstance(value, list) and len(value) == 1 and (key not in body or key in nested):
            nested.add(key)
            body.setdefault(key, []).extend(value)
        else:
            raise _Unmergeable
    if BLOCK_MARKER in body:
        raise _Unmergeable
    ((kind, (shell,)),) = _parsed_part(part[:header_end] + "}\n").items()
    return {kind: [_with_body(shell, body)]}


def _parsed_statement(statement: str, indent: str) -> dict[str, Any]:
    """One body statement: an attribute whose value is a multi-line object (`NAME = {` ... `}` as fmt
    lays it out) is read one object element at a time, each element the same way, every part cached;
    anything else is parsed whole (cached). Node groups, tags and labels repeat element by element
    across a fleet even where the whole object differs."""
    head = _OBJECT_ATTRIBUTE.match(statement)
    inner_indent = indent + "  "
    closing = f"\n{indent}}}"
    trimmed = statement.rstrip("\n")
    if head is None or head.group(1) != indent or not trimmed.endswith(closing):
        return _parsed_part(statement)
    inner = trimmed[head.end():len(trimmed) - len(closing) + 1]
    starts = [m.start() for m in re.finditer(rf"^{inner_indent}[^\s}})\]]", inner, re.MULTILINE)]
    if not starts or starts[0] != 0:
        return _parsed_part(statement)
    merged: dict[str, Any] = {}
    for start, end in zip(starts, [*starts[1:], len(inner)], strict=True):
        element = inner[start:end]
        parsed: object
        if _OBJECT_ATTRIBUTE.match(element):
            parsed = _parsed_statement(element, inner_indent)
        else:  # a quoted key is no attribute name: read the element inside an object of its own
            wrapped = _parsed_part(f"{_ELEMENT_WRAPPER} = {{\n{element}}}\n")
            parsed = wrapped.get(_ELEMENT_WRAPPER) if len(wrapped) == 1 else None
        if not isinstance(parsed, dict) or len(parsed) != 1:
            raise _Unmergeable
        ((key, value),) = parsed.items()
        if key in merged:
            raise _Unmergeable
        merged[key] = value
    shell = _parsed_part(f"{head.group(2)} = {{}}\n")
    if shell != {head.group(2): {}}:
        raise _Unmergeable
    return {head.group(2): merged}


def _with_body(shell: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The empty block `shell` (labels nested around `{__is_block__: True}`) holding `body`; new dicts."""
    if shell == {BLOCK_MARKER: True}:
        return {**body, BLOCK_MARKER: True}
    if len(shell) != 1:
        raise _Unmergeable
    ((label, inner),) = shell.items()
    if not isinstance(inner, dict):
        raise _Unmergeable
    return {label: _with_body(inner, body)}


def parse_by_parts(text: str) -> dict[str, Any]:
    """`parse(text)`, one top-level block at a time and each block one body statement at a time, every
    part cached by its text. Callers never mutate the result."""
    merged: dict[str, Any] = {}
    try:
        for part in top_level_parts(text):
            if not part.strip():
                continue
            parsed = _parsed_block(part.lstrip("\n"))
            if len(parsed) != 1:
                return parse(text)  # not one top-level block: the whole file decides
            ((kind, blocks),) = parsed.items()
            if not (isinstance(blocks, list) and len(blocks) == 1 and isinstance(merged.setdefault(kind, []), list)):
                return parse(text)
            merged[kind].extend(blocks)
    except Exception:  # a part that does not stand alone; the whole file gives the real result or error
        return parse(text)
    return merged
