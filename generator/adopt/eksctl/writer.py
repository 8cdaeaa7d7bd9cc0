"""The spec as text, formatted like a hand-written one: the contract's key order, two-space indents,
short lists inline, comments above the keys they explain, unimported fields commented out in place.

Scalars go through the project's YAML dumper, so every value reads back identical with eksgen's
loader (which refuses the YAML 1.1 spellings PyYAML would change).
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.adopt.eksctl.tree import Block, Dropped, Field, Seq, key_order
from generator.pipeline.load import SpecDumper, dump_yaml

INDENT = "  "
FLOW_WIDTH = 100  # a list of scalars stays on its key's line while the line is at most this long
WRAP = 100  # comment paragraphs are wrapped to this width


class _CommentDumper(SpecDumper):
    """For values kept as comments: multi-line text as a `|` block, as a ClusterConfig writes it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and all(
        ch.isprintable() or ch == "\n" for ch in value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CommentDumper.add_representer(str, _text)


def scalar(value: Any, *, in_flow: bool = False) -> str:
    """One YAML scalar as the loader reads it back; double quotes where quoting is needed. `in_flow`:
    inside `[...]`, where a comma or bracket must be quoted too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = _dumped(value)
    if in_flow and not _reads_back_in_flow(text, value):  # a comma or bracket ends a plain scalar there
        text = _dumped([value])[1:-1]
    if text.startswith("'") and '"' not in value and "\\" not in value and value.isprintable():
        return f'"{value}"'
    return text


def _reads_back_in_flow(text: str, value: str) -> bool:
    try:
        return bool(yaml.safe_load(f"[{text}]") == [value])
    except yaml.YAMLError:
        return False


def _dumped(value: Any) -> str:
    dumped = dump_yaml(value, default_flow_style=True, width=10**6, allow_unicode=True)
    # A plain scalar alone is followed by the document end marker line; only that line goes (a value of
    # its own may end in "...").
    return dumped.removesuffix("\n...\n").rstrip("\n")


def flow(value: Any) -> str | None:
    """A short list or mapping of scalars on one line; None when it is not one."""
    if isinstance(value, list) and all(isinstance(v, str | int | bool) for v in value):
        return "[" + ", ".join(scalar(v, in_flow=True) for v in value) + "]"
    if isinstance(value, dict) and not value:
        return "{}"
    return None


def document(block: Block, header: list[str]) -> str:
    lines = [f"# {line}" if line else "#" for line in header]
    _block(block, 0, lines)
    return "\n".join(lines) + "\n"


def _comment(lines: list[str], depth: int, text: list[str]) -> None:
    pad = INDENT * depth
    for paragraph in text:
        # Reasons can quote ClusterConfig text: a line break or control character would end the comment.
        paragraph = "".join(ch if ch.isprintable() else " " for ch in paragraph)
        for line in _wrap(paragraph, WRAP - len(pad) - 2):
            lines.append(f"{pad}# {line}")


def _wrap(text: str, width: int) -> list[str]:
    words, out, current = text.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return out


def _ordered(block: Block) -> list[tuple[str, Field]]:
    order = key_order(block.model)
    rank = {key: index for index, key in enumerate(order)}
    return sorted(block.fields.items(), key=lambda kv: (rank.get(kv[0], len(order)), kv[0] if not order else ""))


def _block(block: Block, depth: int, lines: list[str], first_prefix: str | None = None) -> None:
    """Keys of `block` at `depth`; `first_prefix` replaces the first key's indent (`- ` in a list)."""
    pad = INDENT * depth
    for key, item in _ordered(block):
        _comment(lines, depth - 1 if first_prefix is not None else depth, item.comment)  # above a `- `
        prefix = pad
        if first_prefix is not None:
            prefix, first_prefix = first_prefix, None
        _entry(f"{prefix}{scalar(key)}:", item.value, depth, lines)
    for dropped in block.dropped:
        _dropped(dropped, depth, lines)


def _entry(head: str, value: Any, depth: int, lines: list[str]) -> None:
    inline = flow(value)
    if isinstance(value, Block):
        lines.append(head if value.fields else f"{head} {{}}")  # `key:` alone would be null
        _block(value, depth + 1, lines)
    elif isinstance(value, Seq):
        lines.append(head)
        _seq(value, depth + 1, lines)
    elif inline is not None and len(head) + 1 + len(inline) <= FLOW_WIDTH:
        lines.append(f"{head} {inline}")
    elif isinstance(value, list):
        lines.append(head)
        for item in value:
            lines.append(f"{INDENT * (depth + 1)}- {scalar(item)}")
    elif isinstance(value, dict):
        lines.append(head)
        for key, item in value.items():
            _entry(f"{INDENT * (depth + 1)}{scalar(key)}:", item, depth + 1, lines)
    else:
        lines.append(f"{head} {scalar(value)}")


def _seq(seq: Seq, depth: int, lines: list[str]) -> None:
    pad = INDENT * depth
    for item in seq.items:
        _comment(lines, depth, item.comment)
        if isinstance(item.value, Block):
            if item.value.fields:
                _block(item.value, depth + 1, lines, first_prefix=f"{pad}- ")
            else:
                lines.append(f"{pad}- {{}}")
                for dropped in item.value.dropped:
                    _dropped(dropped, depth + 1, lines)
        else:
            lines.append(f"{pad}- {flow(item.value) or scalar(item.value)}")


def _dropped(dropped: Dropped, depth: int, lines: list[str]) -> None:
    """`# key: value` as the ClusterConfig had it, under a line saying why it is not imported."""
    pad = INDENT * depth
    _comment(lines, depth, [f"not imported: {dropped.reason}"])
    text = yaml.dump({dropped.label: dropped.data}, Dumper=_CommentDumper, default_flow_style=False, width=WRAP,
                     allow_unicode=True, sort_keys=False)
    for line in text.rstrip("\n").splitlines():
        lines.append(f"{pad}# {line}".rstrip())
