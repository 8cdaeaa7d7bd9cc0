"""Terraform type constraints, parsed from catalog text, and value conformance.

Terraform silently drops object attributes its type does not declare, so a misspelt
node-group key passes `terraform validate`; this checker reports it instead.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from generator.ir import Call, Expr, Heredoc, Null, Obj, Ref, Value

PRIMITIVES = frozenset({"string", "number", "bool", "any"})
# The one tokeniser of type expressions, for source text (`eksgen modules import`) and the
# canonical one-line form in catalogs alike.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r]+)
    | (?P<newline>\n)
    | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    | (?P<punct>[(){}\[\],=:-])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENERS = {"(": ")", "{": "}", "[": "]"}
_CLOSERS = frozenset(_OPENERS.values())
_WORDLIKE = frozenset({"string", "number", "word"})


class TypeSyntaxError(ValueError):
    """Text that is not a type expression eksgen can read."""


@dataclass(frozen=True)
class TfType:
    kind: str  # string number bool any list set map tuple object
    element: TfType | None = None
    attributes: dict[str, tuple[TfType, bool]] = field(default_factory=dict)  # name -> (type, optional)
    elements: tuple[TfType, ...] = ()


def tokens(text: str) -> list[tuple[str, str]]:
    """The significant tokens of a type expression, as (kind, text).

    Comments and whitespace go; a newline that ends an object attribute becomes a comma (HCL
    allows either), `:` becomes `=`, and trailing commas go, so source text and the canonical
    form give the same tokens.
    """
    stripped = text.strip()
    if stripped.startswith("${") and stripped.endswith("}"):  # python-hcl2's rendering of an expression
        stripped = stripped[2:-1]
    if stripped.startswith('"'):
        raise TypeSyntaxError(f"quoted type constraints are not supported: {text!r}")
    found: list[tuple[str, str]] = []
    stack: list[str] = []
    pos = 0
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None:
            raise TypeSyntaxError(f"unsupported syntax in type constraint at {stripped[pos : pos + 20]!r}")
        pos = match.end()
        kind, value = match.lastgroup or "", match.group()
        if kind == "newline" and stack and stack[-1] == "{" and found and found[-1][1] not in {"{", ",", "="}:
            found.append(("punct", ","))
        if kind in {"space", "newline", "comment"}:
            continue
        if value in _OPENERS:
            stack.append(value)
        elif value in _CLOSERS and (not stack or _OPENERS[stack.pop()] != value):
            raise TypeSyntaxError(f"unbalanced brackets in type constraint {text!r}")
        found.append((kind, "=" if value == ":" else value))
    if stack:
        raise TypeSyntaxError(f"unbalanced brackets in type constraint {text!r}")
    return _drop_trailing_commas(found)


def _drop_trailing_commas(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Remove commas that precede a closer or another comma."""
    kept: list[tuple[str, str]] = []
    for index, token in enumerate(found):
        following = found[index + 1][1] if index + 1 < len(found) else ")"
        if token[1] == "," and (following in _CLOSERS or following == ","):
            continue
        kept.append(token)
    return kept


def normalize_type(text: str) -> str:
    """The canonical one-line form of a type constraint: separators written `, ` and ` = `,
    string and number tokens kept as written."""
    found = tokens(text)
    if not found:
        raise TypeSyntaxError("empty type constraint")
    parts: list[str] = []
    previous = ""
    for kind, value in found:
        if value == ",":
            parts.append(", ")
        elif value == "=":
            parts.append(" = ")
        else:
            # Two adjacent words never occur in valid types; a space keeps them apart.
            if kind in _WORDLIKE and previous in _WORDLIKE:
                parts.append(" ")
            parts.append(value)
        previous = kind
    return "".join(parts)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [value for _, value in tokens(text)]
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise TypeSyntaxError(f"expected {expected!r}, got {token!r}")
        self.pos += 1
        return token

    def type(self) -> TfType:
        name = self.take()
        if name in PRIMITIVES:
            return TfType(name)
        self.take("(")
        if name in ("list", "set", "map"):
            result = TfType(name, element=self.type())
        elif name == "object":
            result = TfType("object", attributes=self._attributes())
        elif name == "tuple":
            result = TfType("tuple", elements=self._elements())
        else:
            raise TypeSyntaxError(f"unknown type {name!r}")
        self.take(")")
        return result

    def _attributes(self) -> dict[str, tuple[TfType, bool]]:
        attrs: dict[str, tuple[TfType, bool]] = {}
        self.take("{")
        while self.peek() != "}":
            name = self.take()
            self.take("=")
            if self.peek() == "optional":
                self.take()
                self.take("(")
                attrs[name] = (self.type(), True)
                if self.peek() == ",":
                    self.take()
                    self._skip_value()
                self.take(")")
            else:
                attrs[name] = (self.type(), False)
            if self.peek() == ",":
                self.take()
        self.take("}")
        return attrs

    def _elements(self) -> tuple[TfType, ...]:
        items = []
        self.take("[")
        while self.peek() != "]":
            items.append(self.type())
            if self.peek() == ",":
                self.take()
        self.take("]")
        return tuple(items)

    def _skip_value(self) -> None:
        """Skip an optional() default: a balanced literal expression."""
        depth = 0
        while True:
            token = self.peek()
            if not token:
                raise TypeSyntaxError("unterminated optional() default")
            if depth == 0 and token in (",", ")"):
                return
            if token in "([{":
                depth += 1
            elif token in ")]}":
                depth -= 1
            self.take()


def parse_type(text: str | None) -> TfType:
    if not text:
        return TfType("any")
    parser = _Parser(text)
    result = parser.type()
    if parser.peek():
        raise TypeSyntaxError(f"trailing text in type {text!r}")
    return result


def conformance(value: Value, tf_type: TfType, path: str) -> list[str]:
    """Problems of `value` against `tf_type`; references and calls are checked by Terraform."""
    if value is None or isinstance(value, (Null, Ref, Call, Expr)) or tf_type.kind == "any":
        return []
    kind = tf_type.kind
    if kind in ("string", "number", "bool"):
        return [] if _converts(value, kind) else [f"{path}: expected {kind}, got {_describe(value)}"]
    if kind in ("list", "set", "tuple"):
        if not isinstance(value, list):
            return [f"{path}: expected {kind}, got {_describe(value)}"]
        if kind == "tuple":
            return [p for i, (v, t) in enumerate(zip(value, tf_type.elements, strict=False))
                    for p in conformance(v, t, f"{path}[{i}]")]
        assert tf_type.element is not None
        return [p for i, v in enumerate(value) for p in conformance(v, tf_type.element, f"{path}[{i}]")]
    pairs = _pairs(value)
    if pairs is None:
        return [f"{path}: expected {kind}, got {_describe(value)}"]
    if kind == "map":
        assert tf_type.element is not None
        return [p for k, v in pairs for p in conformance(v, tf_type.element, f'{path}["{k}"]')]
    problems = []
    for k, v in pairs:
        declared = tf_type.attributes.get(k)
        if declared is None:
            close = difflib.get_close_matches(k, list(tf_type.attributes), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"{path}.{k}: not an attribute of this object type "
                            f"(Terraform would silently drop it){hint}")
        else:
            problems.extend(conformance(v, declared[0], f"{path}.{k}"))
    present = {k for k, _ in pairs}
    for name, (_, optional) in tf_type.attributes.items():
        if not optional and name not in present:
            problems.append(f"{path}: required attribute {name!r} is missing")
    return problems


def _converts(value: Value, kind: str) -> bool:
    """Terraform's safe primitive conversions: number and bool to string, and back from
    strings that spell a number or true/false; nothing else."""
    if kind == "string":
        return isinstance(value, (str, int, float, Heredoc))
    if kind == "number":
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return True
        return isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", value) is not None
    return isinstance(value, bool) or value in ("true", "false")


def _pairs(value: Value) -> list[tuple[str, Value]] | None:
    if isinstance(value, Obj):
        return list(value.items)
    if isinstance(value, dict):
        return list(value.items())
    return None


def _describe(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (str, Heredoc)):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"
