"""Terraform expressions to values, as far as they are literal: constants, `local.*` and `var.*` defaults,
the functions subnet layouts are written with (`cidrsubnet`, `slice`, `concat`, for-expressions, ...).

What cannot be known offline (a data source, another module's output, a variable without default)
becomes an `Unknown` that keeps its source text, so the importer can recognise the references eksgen
itself writes (`module.vpc.private_subnets`) and report the rest where they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lark

from generator.adopt.terraform import functions
from generator.adopt.terraform.source import RootModule, Where
from generator.adopt.terraform.values import Json, Unknown, has_unknown

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)[ \t]*\2\r?\n\Z", re.DOTALL)


class NotLiteral(Exception):
    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text, self.reason = text, reason


def decode_string(raw: str) -> str:
    """A run of a quoted string's characters as Terraform reads it: its backslash escapes decoded."""
    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:  # a code is 1, 5 or 9 characters: `> 2` is the same test
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE.sub(unescape, raw)


def heredoc_text(raw: str) -> str:
    """A heredoc's text; `<<-` strips the smallest indentation of its lines, as Terraform does."""
    match = _HEREDOC.match(raw)
    if match is None:
        raise NotLiteral(raw, "a heredoc eksgen cannot read")
    trim, _marker, body = match.groups()
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if trim:
        indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    text = "\n".join(lines) + "\n" if lines else ""
    escapes_out = text.replace("$${", "\0").replace("%%{", "\0")  # not "": `$` + `$${` + `{` would read as `${`
    if "${" in escapes_out or "%{" in escapes_out:
        raise NotLiteral(raw, "a heredoc with interpolation")
    return text.replace("$${", "${").replace("%%{", "%{")


class Scope:
    """The root module's locals and variable defaults, evaluated on demand (each once, cycles refused)."""

    def __init__(self, root: RootModule) -> None:
        self.root = root
        self.locals: dict[str, tuple[lark.Tree[lark.Token], str]] = {}
        self.variables: dict[str, tuple[lark.Tree[lark.Token], str] | None] = {}
        for block in root.of_type("locals"):
            for name, attr in block.attributes.items():
                self.locals[name] = (attr.expr, attr.where.file)
        for block in root.of_type("variable"):
            default = block.attributes.get("default")
            name = block.labels[0] if block.labels else ""
            self.variables[name] = (default.expr, default.where.file) if default else None
        self._memo: dict[str, Any] = {}
        self._busy: set[str] = set()

    def evaluate(self, tree: lark.Tree[lark.Token], file: str) -> Any:
        """The value of an expression; Unknown (with the expression's place) where it is not literal."""
        try:
            return _Evaluator(self, file, {}).value(tree)
        except NotLiteral as exc:
            return Unknown(exc.text, exc.reason, Where(file, tree.meta.line, tree.meta.column))

    def named(self, kind: str, name: str) -> Any:
        key = f"{kind}.{name}"
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            raise NotLiteral(key, "refers to itself")
        if kind == "local":
            if name not in self.locals:
                raise NotLiteral(key, "no such local value")
            expr, file = self.locals[name]
        else:
            found = self.variables.get(name)
            if found is None:
                raise NotLiteral(key, "a variable without a default (its value comes from outside the module)")
            expr, file = found
        self._busy.add(key)
        try:
            value = _Evaluator(self, file, {}).value(expr)
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def source_text(self, tree: lark.Tree[lark.Token], file: str) -> str:
        text = self.root.texts.get(file, "")
        # Every tree of an expression holds a token, so it has a position; "?" is a guard, not reached.
        start, end = getattr(tree.meta, "start_pos", None), getattr(tree.meta, "end_pos", None)
        return " ".join(text[start:end].split()) if start is not None and end is not None else "?"


Handler = Callable[["_Evaluator", lark.Tree[lark.Token]], Any]


class _Evaluator:
    def __init__(self, scope: Scope, file: str, names: dict[str, Any]) -> None:
        self.scope, self.file, self.names = scope, file, names

    def fail(self, tree: lark.Tree[lark.Token], reason: str) -> NotLiteral:
        return NotLiteral(self.scope.source_text(tree, self.file), reason)

    def value(self, tree: lark.Tree[lark.Token] | lark.Token) -> Any:
        if isinstance(tree, lark.Token):
            raise NotLiteral(str(tree), "not an expression")
        handler = _HANDLERS.get(tree.data)
        if handler is None:
            raise self.fail(tree, f"{tree.data.replace('_', ' ')} is not evaluated by eksgen")
        return handler(self, tree)

    def trees(self, tree: lark.Tree[lark.Token]) -> list[lark.Tree[lark.Token]]:
        return [c for c in tree.children if isinstance(c, lark.Tree) and c.data != "new_line_or_comment"]

    # --- terms
    def expr_term(self, tree: lark.Tree[lark.Token]) -> Any:
        inner = self.trees(tree)
        if len(inner) != 1:  # python-hcl2 8.1.4 gives every expr_term one expression: not reached
            raise self.fail(tree, "not an expression")
        return self.value(inner[0])

    def identifier(self, tree: lark.Tree[lark.Token]) -> Any:
        name = str(tree.children[0])
        if name in self.names:
            return self.names[name]
        raise NotLiteral(name, "not a value eksgen can resolve")

    def traversal(self, tree: lark.Tree[lark.Token]) -> Any:
        path = _traversal(tree)
        if path is None:
            base, step = self.trees(tree)
            return _step(self.value(base), self.value_of_step(step), self.fail(tree, "no such element"))
        head = path[0]
        if head in self.names:
            value = self.names[head]
            for part in path[1:]:
                value = _step(value, part, self.fail(tree, "no such element"))
            return value
        if head in ("local", "var") and len(path) >= 2 and isinstance(path[1], str):
            value = self.scope.named(head, path[1])
            for part in path[2:]:
                value = _step(value, part, self.fail(tree, "no such element"))
            return value
        return Unknown(_traversal_text(path), _why(head))

    def value_of_step(self, step: lark.Tree[lark.Token]) -> Any:
        if step.data == "get_attr":
            return _name(step.children[-1])
        if step.data == "short_index":
            return int(str(step.children[-1]))
        return self.value(self.trees(step)[0])  # braces_index

    def literal(self, tree: lark.Tree[lark.Token]) -> Any:
        return {"true": True, "false": False, "null": None}[str(tree.children[0])]

    def int_lit(self, tree: lark.Tree[lark.Token]) -> int:
        return int(str(tree.children[0]))

    def float_lit(self, tree: lark.Tree[lark.Token]) -> float | int:
        number = float(str(tree.children[0]))
        return int(number) if number.is_integer() else number

    def string(self, tree: lark.Tree[lark.Token]) -> Any:
        pieces: list[str] = []
        for part in tree.children:
            if not isinstance(part, lark.Tree):
                continue
            inner = part.children[0]
            if isinstance(inner, lark.Token) and inner.type == "STRING_CHARS":
                pieces.append(decode_string(str(inner)))
            elif isinstance(inner, lark.Token) and inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                # `$${...}` / `%%{...}`: the sigil is literal, the rest an ordinary run of characters
                # (an escaped sigil inside the run, `$$${`, is `$` and a literal `${` too)
                rest = str(inner)[3:].replace("$${", "${").replace("%%{", "%{")
                pieces.append(str(inner)[1:3] + decode_string(rest))
            elif isinstance(inner, lark.Tree) and inner.data == "interpolation":
                value = self.value(self.trees(inner)[0])
                if isinstance(value, (Unknown, dict | list | Json)) or value is None:
                    raise self.fail(tree, "a string built from values eksgen cannot resolve")
                pieces.append(_scalar_text(value))
            else:
                raise self.fail(tree, "a template directive")
        return "".join(pieces)

    def heredoc(self, tree: lark.Tree[lark.Token]) -> str:
        return heredoc_text(str(tree.children[0]))

    def tuple_(self, tree: lark.Tree[lark.Token]) -> list[Any]:
        return [self.value(c) for c in self.trees(tree)]

    def object_(self, tree: lark.Tree[lark.Token]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for elem in self.trees(tree):
            key_node, value_node = self.trees(elem)
            (key_tree,) = self.trees(key_node)  # python-hcl2's object_elem_key: an expression or a keyword
            inner = self.trees(key_tree) if key_tree.data == "expr_term" else []
            if key_tree.data == "keyword" or (len(inner) == 1 and inner[0].data == "identifier"):
                key: Any = _name(key_tree)  # a bare name is the key, also a word HCL reserves elsewhere (`else`)
            else:
                key = self.value(key_tree)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise self.fail(elem, "an object key eksgen cannot resolve")
            result[str(key)] = self.value(value_node)
        return result

    def function_call(self, tree: lark.Tree[lark.Token]) -> Any:
        parts = self.trees(tree)
        name = _name(parts[0])
        arguments = next((p for p in parts[1:] if p.data == "arguments"), None)
        args = [self.value(a) for a in self.trees(arguments)] if arguments is not None else []
        if name == "try":
            if not args:  # Terraform refuses it too
                raise self.fail(tree, "try() without arguments")
            return next((a for a in args if not has_unknown(a)), args[-1])
        function = functions.FUNCTIONS.get(name)
        if function is None:
            raise self.fail(tree, f"function {name}() is not evaluated by eksgen")
        if name == "jsonencode":
            if len(args) != 1 or has_unknown(args[0]):
                raise self.fail(tree, "jsonencode() of values eksgen cannot resolve")
            return Json(args[0])
        try:
            return function(*args)
        except functions.Unresolvable:
            raise self.fail(tree, f"{name}() of values eksgen cannot resolve") from None
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise self.fail(tree, f"{name}(): {exc}") from None

    def unary(self, tree: lark.Tree[lark.Token]) -> Any:
        operator = str(tree.children[0])
        operand = self.value(tree.children[1])
        if operator == "-" and isinstance(operand, int | float) and not isinstance(operand, bool):
            return -operand
        if operator == "!" and isinstance(operand, bool):
            return not operand
        raise self.fail(tree, "an operator on values eksgen cannot resolve")

    def binary(self, tree: lark.Tree[lark.Token]) -> Any:
        left_node, term = self.trees(tree)[:2]
        operator = _name(self.trees(term)[0])
        left, right = self.value(left_node), self.value(self.trees(term)[1])
        try:
            return functions.binary(operator, left, right)
        except functions.Unresolvable:
            raise self.fail(tree, "an operation on values eksgen cannot resolve") from None

    def conditional(self, tree: lark.Tree[lark.Token]) -> Any:
        condition, yes, no = self.trees(tree)
        chosen = self.value(condition)
        if not isinstance(chosen, bool):
            raise self.fail(tree, "a condition eksgen cannot decide")
        return self.value(yes if chosen else no)

    def for_expr(self, tree: lark.Tree[lark.Token]) -> Any:
        parts = self.trees(tree)
        intro, body = parts[0], parts[1:]
        names = [_name(n) for n in self.trees(intro)[:-1]]
        collection = self.value(self.trees(intro)[-1])
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise self.fail(tree, "a for expression over values eksgen cannot resolve")
        condition = next((p for p in body if p.data == "for_cond"), None)
        exprs = [p for p in body if p.data != "for_cond"]
        grouping = any(isinstance(c, lark.Token) and c.type == "ELLIPSIS" for c in tree.children)
        as_object = tree.data == "for_object_expr"
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, item in pairs:
            bound = {**self.names, **({names[0]: key, names[1]: item} if len(names) == 2 else {names[0]: item})}
            inner = _Evaluator(self.scope, self.file, bound)
            if condition is not None and inner.value(self.trees(condition)[0]) is not True:
                continue
            if as_object:
                k = inner.value(exprs[0])
                if not isinstance(k, str) or grouping:
                    raise self.fail(tree, "a for expression eksgen cannot resolve")
                out_map[k] = inner.value(exprs[1])
            else:
                out_list.append(inner.value(exprs[0]))
        return out_map if as_object else out_list


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _name(node: lark.Tree[lark.Token] | lark.Token) -> str:
    if isinstance(node, lark.Token):
        return str(node)
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, lark.Token)))


def _traversal(tree: lark.Tree[lark.Token]) -> list[str | int] | None:
    """`module.vpc.private_subnets[0]` as ["module", "vpc", "private_subnets", 0]; None unless the
    whole chain is names and literal indexes."""
    if tree.data == "expr_term":
        inner = [c for c in tree.children if isinstance(c, lark.Tree)]
        if len(inner) == 1 and inner[0].data == "identifier":
            return [str(inner[0].children[0])]
        return _traversal(inner[0]) if len(inner) == 1 else None
    if tree.data not in ("get_attr_expr_term", "index_expr_term"):
        return None
    base, step = [c for c in tree.children if isinstance(c, lark.Tree)]
    head = _traversal(base)
    if head is None:
        return None
    if step.data == "get_attr":
        return [*head, _name(step.children[-1])]
    if step.data == "short_index":
        return [*head, int(str(step.children[-1]))]
    index = next(c for c in step.children if isinstance(c, lark.Tree) and c.data != "new_line_or_comment")
    literal = index.children[0] if index.data == "expr_term" and index.children else None
    if isinstance(literal, lark.Tree) and literal.data == "int_lit":
        return [*head, int(str(literal.children[0]))]
    if isinstance(literal, lark.Tree) and literal.data == "string":
        parts = [p.children[0] for p in literal.children if isinstance(p, lark.Tree)]
        if all(isinstance(p, lark.Token) and p.type == "STRING_CHARS" for p in parts):
            return [*head, decode_string("".join(str(p) for p in parts))]
    return None


def _traversal_text(path: list[str | int]) -> str:
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if re.fullmatch(r"[A-Za-z_][\w-]*", part) \
            else f'["{part}"]'
    return text


def _why(head: str | int) -> str:
    reasons = {"data": "a data source, read only when Terraform plans", "module": "another module's output",
               "each": "an iteration value", "count": "an iteration value"}
    return reasons.get(str(head), "not a value eksgen can resolve")


def _step(value: Any, part: Any, missing: NotLiteral) -> Any:
    if isinstance(value, Unknown):
        suffix = f"[{part}]" if isinstance(part, int) else f".{part}"
        return Unknown(value.text + suffix, value.reason, value.where)
    try:
        if isinstance(value, dict):
            return value[str(part)]
        if isinstance(value, list) and isinstance(part, int):
            return value[part]
    except (KeyError, IndexError):
        raise missing from None
    raise missing


_HANDLERS: dict[str, Handler] = {
    "expr_term": _Evaluator.expr_term,
    "identifier": _Evaluator.identifier,
    "get_attr_expr_term": _Evaluator.traversal,
    "index_expr_term": _Evaluator.traversal,
    "literal_value": _Evaluator.literal,
    "int_lit": _Evaluator.int_lit,
    "float_lit": _Evaluator.float_lit,
    "string": _Evaluator.string,
    "heredoc_template": _Evaluator.heredoc,
    "heredoc_template_trim": _Evaluator.heredoc,
    "tuple": _Evaluator.tuple_,
    "object": _Evaluator.object_,
    "function_call": _Evaluator.function_call,
    "unary_op": _Evaluator.unary,
    "binary_op": _Evaluator.binary,
    "conditional": _Evaluator.conditional,
    "for_tuple_expr": _Evaluator.for_expr,
    "for_object_expr": _Evaluator.for_expr,
}
