"""HCL literals: the one filter every value goes through, and `terraform fmt` layout.

Strings are escaped exactly as HashiCorp's hclwrite does (see shared/facts/hcl-escaping.md):
`\\n \\r \\t \\" \\\\`, `$${` and `%%{` for template sigils, `\\uNNNN`/`\\UNNNNNNNN` for anything
not printable. Never json.dumps: its `\\b`, `\\f` and surrogate pairs are invalid HCL.

A `Heredoc` is written `<<-EOT`, its lines indented one step past the attribute (as the
terraform-aws-eks examples write user data); heredocs take no backslash escapes, so only
the sigils are doubled, and `read_heredoc` decodes one exactly as Terraform does.
"""

from __future__ import annotations

import decimal
import re

from generator.ir import Call, Heredoc, Null, Obj, Ref, Value

INDENT = "  "
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
HCL_KEYWORDS = frozenset({"for", "in", "if", "true", "false", "null"})
HEREDOC_MARKER = "EOT"
_HEREDOC = re.compile(r"\A<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n(.*)\Z", re.DOTALL)
_SIGIL = re.compile(r"([$%])\1\{|[$%]\{")
_SIMPLE_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}
# Printable text without these needs no escape at all (\n, \r, \t and U+2028/9 are not printable).
_ESCAPE_CANDIDATE = re.compile(r'["\\$%]')


class HclText(str):
    """Text produced by this module; the Jinja finalize hook accepts nothing else."""


def quote(text: str) -> str:
    if text.isprintable() and _ESCAPE_CANDIDATE.search(text) is None:  # most names, CIDRs, ARNs
        return f'"{text}"'
    out = ['"']
    length = len(text)
    for index, ch in enumerate(text):
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif ch in "$%" and index + 1 < length and text[index + 1] == "{":
            out.append(ch + ch)
        elif not ch.isprintable() or ch in "\u2028\u2029":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def key(name: str, *, bare: bool) -> str:
    """Object keys: schema attributes bare, user map keys always quoted."""
    if bare and IDENTIFIER.fullmatch(name) and name not in HCL_KEYWORDS:
        return name
    return quote(name)


def is_multiline(value: Value) -> bool:
    if isinstance(value, Obj):
        return bool(value.items)
    if isinstance(value, dict):
        return bool(value)
    if isinstance(value, list):
        return any(isinstance(v, (Obj, dict, list, Call)) and is_multiline(v) for v in value)
    if isinstance(value, Call):
        return any(is_multiline(a) for a in value.args)
    return False


def number(value: float) -> str:
    """A float in positional notation (`0.00001`, not `1e-05`): the same number to Terraform, and
    the only spelling python-hcl2 (eksgen's round-trip reader) reads back as a number."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} has no HCL literal")
    text = format(decimal.Decimal(repr(value)), "f")
    return text if "." in text or "e" in repr(value) else f"{text}.0"


def literal(value: Value, indent: str = "") -> HclText:
    """Render `value` as HCL; `indent` is the indentation of the line the value starts on."""
    if value is None or isinstance(value, Null):
        return HclText("null")
    if isinstance(value, bool):
        return HclText("true" if value else "false")
    if isinstance(value, int):
        return HclText(str(value))
    if isinstance(value, float):
        return HclText(number(value))
    if isinstance(value, str):
        return HclText(quote(value))
    if isinstance(value, Ref):
        return HclText(value.expr)
    if isinstance(value, Heredoc):
        return _heredoc(value, indent)
    if isinstance(value, Call):
        return HclText(f"{value.name}(" + ", ".join(literal(a, indent) for a in value.args) + ")")
    if isinstance(value, Obj):
        return _object([(key(k, bare=True), v) for k, v in value.items], indent)
    if isinstance(value, dict):
        return _object([(key(k, bare=False), v) for k, v in value.items()], indent)
    if isinstance(value, list):
        return _list(value, indent)
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def _heredoc(value: Heredoc, indent: str) -> HclText:
    marker = HEREDOC_MARKER
    lines = value.text.split("\n")[:-1]
    while marker in (line.strip() for line in lines):  # a content line equal to the marker would end it early
        marker += "_"
    body = "".join(f"{indent}{INDENT}{_sigils_doubled(line)}\n" if line else "\n" for line in lines)
    return HclText(f"<<-{marker}\n{body}{indent}{marker}")


def _sigils_doubled(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def flush_lines(lines: list[str]) -> list[str]:
    """Strip the common indentation as `<<-` does; blank lines neither count nor change."""
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] if line.strip() else line for line in lines]


def read_heredoc(raw: str) -> str | None:
    """The string Terraform reads from heredoc source (`<<-EOT` ... `EOT`, as python-hcl2 returns
    it), or None when `raw` is no heredoc or holds a live template sequence."""
    match = _HEREDOC.match(raw)
    if match is None:
        return None
    flush, marker, rest = match.group(1) == "-", match.group(2), match.group(3)
    lines = rest.split("\n")
    if lines.pop().strip(" ") != marker:
        return None
    text = "".join(line + "\n" for line in (flush_lines(lines) if flush else lines))
    out, pos = [], 0
    for sigil in _SIGIL.finditer(text):
        if len(sigil.group(0)) == 2:  # `${` or `%{`: an interpolation, not a literal
            return None
        out += [text[pos:sigil.start()], sigil.group(0)[1:]]
        pos = sigil.end()
    return "".join([*out, text[pos:]])


def _list(items: list[Value], indent: str) -> HclText:
    if not is_multiline(items):
        return HclText("[" + ", ".join(literal(v, indent) for v in items) + "]")
    inner = indent + INDENT
    lines = [f"{inner}{literal(v, inner)}," for v in items]
    return HclText("[\n" + "\n".join(lines) + f"\n{indent}]")


def _object(pairs: list[tuple[str, Value]], indent: str) -> HclText:
    if not pairs:
        return HclText("{}")
    inner = indent + INDENT
    lines = [f"{inner}{line}" for line in assignments(pairs, inner)]
    return HclText("{\n" + "\n".join(lines) + f"\n{indent}}}")


def assignments(pairs: list[tuple[str, Value]], indent: str) -> list[str]:
    """`name = value` lines with `=` aligned as terraform fmt aligns them.

    A run of single-line attributes shares one column; a multi-line value ends the run
    and is not aligned with its neighbours.
    """
    lines: list[str] = []
    run: list[tuple[str, Value]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{name.ljust(width)} = {literal(v, indent)}" for name, v in run)
        run.clear()

    for name, value in pairs:
        if is_multiline(value):
            flush()
            lines.append(f"{name} = {literal(value, indent)}")
        else:
            run.append((name, value))
    flush()
    return lines


def comment(text: str) -> HclText:
    """A comment line's text: one printable line, so spec text can never end the comment."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text)
    return HclText(cleaned)
