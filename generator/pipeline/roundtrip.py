"""Stage 7, round trip: python-hcl2 parses every rendered file; the result must equal
what the plan meant. A mismatch is eksgen's bug, reported with file and attribute.

python-hcl2 8.1.4 with `strip_string_quotes` decodes backslash escapes but leaves the
`$${`/`%%{` sigil escapes as written, and returns expressions as `${...}` text; the
expected side is built in the same conventions (shared/facts/hcl-escaping.md).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from generator.errors import RoundTripError
from generator.ir import Block, Call, Heredoc, Null, Obj, Plan, Ref, TfFile, Value
from generator.pipeline import hcl, parsehelper, parsestore

__all__ = ["differences", "expected_file", "hcl2_view", "parse", "verify_round_trip"]

BLOCK_MARKER = "__is_block__"


def expected_file(file: TfFile) -> dict[str, Any]:
    out: dict[str, list[Any]] = {}
    for block in file.blocks:
        out.setdefault(block.type, []).append(_expected_block(block))
    return out


def _expected_block(block: Block) -> dict[str, Any]:
    body: dict[str, Any] = {attr.name: _expected_value(attr.value) for attr in block.attributes()}
    for child in block.blocks():
        body.setdefault(child.type, []).append(_expected_block(child))
    body[BLOCK_MARKER] = True
    for label in reversed(block.labels):
        body = {label: body}
    return body


# How hclwrite writes one character (shared/facts/hcl-escaping.md), restated here on purpose: the
# expected side must not share code with hcl.quote, or a regression there would pass unseen.
_WRITTEN = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _written(ch: str, following: str) -> str:
    if ch in _WRITTEN:
        return _WRITTEN[ch]
    if ch in "$%" and following == "{":
        return ch + ch
    if not ch.isprintable():  # U+2028 and U+2029 included: they are separators
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    return ch


def hcl2_view(text: str) -> str:
    """The value python-hcl2 8.1.4 reads back for the raw plan value `text`, when written correctly.

    python-hcl2 decodes backslash escapes, so plain text reads back as itself; but from an escaped
    sigil (`$${`, `%%{`) up to the first `}` it keeps the text exactly as written, escapes
    included. Built from the raw value alone; real Terraform is the second oracle in the tests.
    """
    if "{" not in text:  # no sigil, so nothing is kept as written: the text reads back as itself
        return text
    return _SIGIL_RUN.sub(_kept_as_written, text)


# A sigil and what follows it up to the first `}`. Unclosed, to the end: python-hcl2 reads no such
# text back at all (a parse error; the free-text checks refuse it), so that part of the view is moot.
_SIGIL_RUN = re.compile(r"[$%]\{[^}]*\}?")


def _kept_as_written(run: re.Match[str]) -> str:
    text = run.group(0)
    return "".join(_written(ch, text[i + 1:i + 2]) for i, ch in enumerate(text))


def _expected_value(value: Value) -> Any:
    if isinstance(value, Null):
        return None
    if isinstance(value, str):
        return hcl2_view(value)
    if isinstance(value, Ref):
        return "${" + value.expr + "}"
    if isinstance(value, Call):
        return value
    if isinstance(value, Obj):
        return {k: _expected_value(v) for k, v in value.items}
    if isinstance(value, dict):  # user map keys are quoted strings: read back like values
        return {hcl2_view(k): _expected_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected_value(v) for v in value]
    return value


def differences(expected: Any, actual: Any, path: str) -> list[str]:
    if isinstance(expected, Heredoc):  # decoded as Terraform does, then compared exactly
        read = hcl.read_heredoc(actual) if isinstance(actual, str) else None
        return [] if read == expected.text else [f"{path}: expected heredoc {expected.text!r}, read {actual!r}"]
    if isinstance(expected, Call):
        return _call_differences(expected, actual, path)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, read {actual!r}"]
        found = []
        for key in [*expected, *(k for k in actual if k not in expected)]:  # in order, for one message
            if key not in actual:
                found.append(f"{path}.{key}: missing from the rendered text")
            elif key not in expected:
                found.append(f"{path}.{key}: in the rendered text but not in the plan")
            else:
                found.extend(differences(expected[key], actual[key], f"{path}.{key}"))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, read {actual!r}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True))
                for d in differences(e, a, f"{path}[{i}]")]
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        number = _number_view(actual)
        return [] if number is not None and number == expected else [f"{path}: expected {expected!r}, read {actual!r}"]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: expected {expected!r}, read {actual!r}"]
    return []


_EXPONENT_NUMBER = re.compile(r"\$\{([-+]?[0-9.]+[eE][-+]?[0-9]+)\}")


def _number_view(actual: Any) -> int | float | None:
    """A number as python-hcl2 reads it back. Inside a call it re-serialises floats with Python's
    repr, and an exponent (`1e-05`) then comes back as the expression `${1e-05}`: the same number.
    Terraform has one number type, so `10000000000000000` and 1e16 are equal too."""
    if isinstance(actual, bool):
        return None
    if isinstance(actual, (int, float)):
        return actual
    match = _EXPONENT_NUMBER.fullmatch(actual) if isinstance(actual, str) else None
    return float(match.group(1)) if match else None


def _call_differences(call: Call, actual: Any, path: str) -> list[str]:
    prefix = f"${{{call.name}("
    if not (isinstance(actual, str) and actual.startswith(prefix) and actual.endswith(")}")):
        return [f"{path}: expected a call to {call.name}(), read {actual!r}"]
    if call.name == "jsonencode" and len(call.args) == 1:
        # Read the argument back as a literal, so its strings are decoded and compared.
        inner = parsestore.read("v = " + actual[len(prefix):-2] + "\n", parse)["v"]
        return differences(_expected_value(call.args[0]), inner, path)
    canonical = parsestore.read("v = " + hcl.literal(call) + "\n", _parsed)["v"]
    return [] if canonical == actual else [f"{path}: expected {canonical!r}, read {actual!r}"]


def parse(text: str) -> dict[str, Any]:
    """`hcl2.loads(text)` with eksgen's options (hclread.parse); python-hcl2 is imported on first use, so
    a round trip answered by the parse store (parsestore) never loads it."""
    from generator.pipeline.hclread import parse as hcl2_parse

    return hcl2_parse(text)


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> dict[str, Any]:
    """Parse results by content: a fleet renders many identical files (same region, same
    outputs), and identical text reads back identically. Callers never mutate the result."""
    return parse(text)


@functools.lru_cache(maxsize=512)
def _parsed_file(text: str) -> dict[str, Any]:
    """A rendered file, read one top-level block at a time (hclread.parse_by_parts): most blocks
    of a fleet's files repeat, and their parse results are shared."""
    from generator.pipeline.hclread import parse_by_parts

    return parse_by_parts(text)


def _without_comment_lines(text: str) -> str:
    """Whole-line comments (the header names the spec file) carry no values: drop them so
    otherwise identical files share one parse. Line count is kept for error positions."""
    return "".join("\n" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True))


def verify_round_trip(plan: Plan, files: dict[str, str]) -> None:
    texts = {file.name: _without_comment_lines(files[file.name]) for file in plan.files}
    with parsestore.recording(list(texts.values())) as reads:
        _read_by_helper(plan, texts, reads)
        try:
            _verify_files(plan, texts)
        except Exception:
            if not reads.answered:
                raise
            # A stored or helper's result that fails the plan is never a verdict: parse again here.
            reads.parse_afresh()
            _verify_files(plan, texts)


_PLACEHOLDER = {"v": None}  # what a survey reads for a text not yet parsed: compares with nothing


def _read_by_helper(plan: Plan, texts: dict[str, str], reads: parsestore.Reads) -> None:
    """What this render must parse, parsed by the parse helper when one runs (parsehelper): the files
    no record holds, then the texts comparing them with the plan reads (call arguments)."""
    helper = parsehelper.current()
    unread = [text for text in dict.fromkeys(texts.values()) if text not in reads.recorded]
    if helper is None or not unread:
        return
    try:
        reads.supply(helper.parse(unread))
        with parsestore.surveying(reads, _PLACEHOLDER) as unknown:
            for file in plan.files:
                parsed = parsestore.read(texts[file.name], _parsed_file)
                if parsed is not _PLACEHOLDER:
                    differences(expected_file(file), parsed, file.name)  # for the texts it reads, not a verdict
        reads.supply(helper.parse(list(unknown)))
    except Exception:  # the helper only saves time: what it did not answer is parsed here
        parsehelper.stop()


def _verify_files(plan: Plan, texts: dict[str, str]) -> None:
    for file in plan.files:
        _verify_file(file, texts[file.name])


def _verify_file(file: TfFile, text: str) -> None:
    try:
        parsed = parsestore.read(text, _parsed_file)
    except Exception as exc:  # python-hcl2 raises lark errors of many kinds
        raise RoundTripError(f"{file.name}: rendered text does not parse: {exc}") from exc
    found = differences(expected_file(file), parsed, file.name)
    if found:
        raise RoundTripError(f"{file.name}: rendered text differs from the plan:\n  " + "\n  ".join(found[:20]))
