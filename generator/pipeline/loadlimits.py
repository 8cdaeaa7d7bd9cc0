"""Bounds the loader checks before it builds anything, and reading input files safely.

The YAML event stream is scanned once, without building nodes, to measure what each
document expands to: aliases count as many values as the node they name, so an alias
bomb of a few hundred bytes is refused after reading those bytes, not after expanding
them. Nesting depth is bounded here too, before PyYAML's recursive composer sees it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import Issue, Position

if TYPE_CHECKING:
    import yaml  # loaded by scan_bounds: reading a file (the survey of an unchanged fleet) needs no YAML

# A spec is a few hundred lines (the largest example, production, expands to 226 values).
MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_VALUES_PER_DOCUMENT = 5_000  # 20x the largest example; the round trip costs ~1 ms a value
MAX_VALUES_PER_FILE = 20_000
MAX_TEXT_PER_DOCUMENT = MAX_SPEC_BYTES  # characters of scalar text after alias expansion
MAX_DEPTH = 64


class UnreadableFile(Exception):
    """A path that is not a regular file of bounded size (a FIFO, a device, too large, missing)."""


def read_regular_file(path: Path, max_bytes: int = MAX_SPEC_BYTES) -> bytes:
    """The bytes of a regular file, refusing devices, FIFOs, directories and files over `max_bytes`.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer;
    the size is checked on the open descriptor and the read is capped, so a file that
    grows after the check still cannot exhaust memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"not a regular file ({_kind(info.st_mode)}); only regular files are read")
        if info.st_size > max_bytes:
            raise UnreadableFile(f"file is larger than {max_bytes} bytes ({info.st_size})")
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise UnreadableFile(f"file is larger than {max_bytes} bytes")
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


@dataclass
class _Open:
    anchor: str | None
    values_at_start: int
    text_at_start: int


def scan_bounds(text: str, file: str, loader: Any) -> list[Issue]:
    """Problems with the expanded size or depth of any document; [] when every bound holds.

    Syntax errors are left to the composer, which reports them with their marks.
    """
    import yaml

    issues: list[Issue] = []
    file_values = 0
    values = chars = index = 0
    aliased = False
    anchors: dict[str, tuple[int, int]] = {}
    stack: list[_Open] = []
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.DocumentStartEvent):
                values = chars = 0
                aliased = False
                anchors.clear()
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                file_values += values
                index += 1
                if file_values > MAX_VALUES_PER_FILE:
                    issues.append(_issue(f"the file holds more than {MAX_VALUES_PER_FILE} values in all "
                                         "(split it into several spec files)", file, event, index - 1))
                    return issues
                continue
            if isinstance(event, yaml.AliasEvent):
                aliased = True
                added = anchors.get(event.anchor or "", (1, 0))  # an open anchor: the builder refuses it
                values += added[0]
                chars += added[1]
            elif isinstance(event, yaml.ScalarEvent):
                values += 1
                chars += len(event.value)
                if event.anchor:
                    anchors[event.anchor] = (1, len(event.value))
            elif isinstance(event, yaml.CollectionStartEvent):
                values += 1
                stack.append(_Open(event.anchor, values - 1, chars))
                if len(stack) > MAX_DEPTH:
                    issues.append(_issue(f"nested more than {MAX_DEPTH} levels deep", file, event, index))
                    return issues
            elif isinstance(event, yaml.CollectionEndEvent) and stack:
                opened = stack.pop()
                if opened.anchor:
                    anchors[opened.anchor] = (values - opened.values_at_start, chars - opened.text_at_start)
            else:
                continue
            problem = _over_limit(values, chars, aliased)
            if problem:
                issues.append(_issue(problem, file, event, index))
                return issues
    except yaml.YAMLError:
        return issues  # the composer reports it, located
    return issues


def _over_limit(values: int, chars: int, aliased: bool) -> str | None:
    cause = " once its aliases are expanded (an alias bomb?)" if aliased else ""
    if values > MAX_VALUES_PER_DOCUMENT:
        return f"document holds more than {MAX_VALUES_PER_DOCUMENT} values{cause}"
    if chars > MAX_TEXT_PER_DOCUMENT:
        return f"document holds more than {MAX_TEXT_PER_DOCUMENT} characters of text{cause}"
    return None


def _issue(message: str, file: str, event: yaml.Event, index: int) -> Issue:
    mark = event.start_mark
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else Position(1, 1)
    return Issue(loc=(), message=message, file=file, position=position, document=index)
