"""Terraform type constraints, parsed from catalog text, and value conformance.

Terraform silently drops object attributes its type does not declare, so a misspelt
node-group key passes `terraform validate`; this checker reports it instead.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from generator.ir import Call, Expr, Null, Obj, Ref, Value

PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_TOKEN = re.compile(r'\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)'
                    r"|(?P<punct>[(){}\[\],=]))")


@dataclass(frozen=True)
class TfType:
    kind: str  # string number bool any list set map tuple object
    element: TfType | None = None
    attributes: dict[str, tuple[TfType, bool]] = field(default_factory=dict)  # name -> (type, optional)
    elements: tuple[TfType, ...] = ()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [m.group(0).strip() for m in _TOKEN.finditer(text)]
        if "".join(self.tokens) != re.sub(r"\s+", "", text):
            raise ValueError(f"cannot tokenise type {text!r}")
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, got {token!r}")
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
            raise ValueError(f"unknown type {name!r}")
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
        raise ValueError(f"trailing text in type {text!r}")
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
        return isinstance(value, (str, int, float))
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
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"
