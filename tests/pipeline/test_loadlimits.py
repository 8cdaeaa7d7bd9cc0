"""Reading input files and the loader's bounds (generator/pipeline/loadlimits.py), one row per condition:
what is refused, with why and where, and what is read exactly."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.pipeline import loadlimits
from generator.pipeline.load import _LOADER
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file, scan_bounds


def test_a_regular_file_is_read_whole_up_to_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    data = os.urandom(3 * (1 << 20) // 2)  # more than one read's chunk
    path.write_bytes(data)
    assert read_regular_file(path, max_bytes=len(data)) == data
    path.write_bytes(b"")
    assert read_regular_file(path) == b""


def test_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(UnreadableFile, match=r"^file is larger than 10 bytes \(11\)$"):
        read_regular_file(path, max_bytes=10)
    assert loadlimits.MAX_SPEC_BYTES == 2 * 1024 * 1024


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "not a regular file (a directory); only regular files are read"),
    (_fifo, "not a regular file (a FIFO); only regular files are read"),
    (_socket, "cannot read (No such device or address)"),  # a socket cannot even be opened
    (lambda p: None, "no such file"),
])
def test_anything_but_a_regular_file_is_refused_with_what_it_is(tmp_path: Path, make: Callable[[Path], object],
                                                                message: str) -> None:
    path = tmp_path / "spec.yaml"
    make(path)
    with pytest.raises(UnreadableFile) as raised:
        read_regular_file(path)
    assert str(raised.value) == message


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused() -> None:
    with pytest.raises(UnreadableFile, match=r"^not a regular file \(a device\); only regular files are read$"):
        read_regular_file(Path("/dev/null"))


LIMIT, DEPTH = loadlimits.MAX_VALUES_PER_DOCUMENT, loadlimits.MAX_DEPTH


def _values(count: int) -> str:
    """One document of exactly `count` values: a mapping, its key, a list, and count - 3 items."""
    return "a: [" + ", ".join(["1"] * (count - 3)) + "]\n"


@pytest.mark.parametrize(("text", "where", "message", "document"), [
    (_values(LIMIT), None, None, None),
    # The 5001st value is the list's item 4997 (after the mapping, its key and the list), 3 columns each.
    (_values(LIMIT + 1), (1, 5 + 3 * (LIMIT - 3)), "document holds more than 5000 values", 0),
    ("a: 1\n---\n" + _values(LIMIT + 1), (3, 5 + 3 * (LIMIT - 3)),
     "document holds more than 5000 values", 1),  # located in the document it is in
    # The mapping is the first level: 63 lists fit, the 64th (at column 3 + 64) is one too deep.
    ("a: " + "[" * (DEPTH - 1) + "]" * (DEPTH - 1) + "\n", None, None, None),
    ("a: " + "[" * DEPTH + "]" * DEPTH + "\n", (1, 3 + DEPTH), "nested more than 64 levels deep", 0),
    ("a: &x [1, 2]\nb: *x\n", None, None, None),
    ("a: &s " + "x" * 10 + "\nb: [*s, *s]\n", None, None, None),
    ("key: [1, 2", None, None, None),  # a syntax error is the composer's to report
])
def test_bounds_are_located_at_the_value_that_passes_them(text: str, where: tuple[int, int] | None,
                                                          message: str | None, document: int | None) -> None:
    issues = scan_bounds(text, "b.yaml", _LOADER)
    if message is None:
        assert issues == []
        return
    (issue,) = issues
    assert (issue.message, issue.file, issue.document) == (message, "b.yaml", document)
    assert issue.position is not None and (issue.position.line, issue.position.column) == where


def test_an_alias_of_an_anchored_scalar_counts_its_text() -> None:
    size = loadlimits.MAX_TEXT_PER_DOCUMENT // 2 - 1  # "a", the text, "b" and the text again: the limit exactly
    fits = "a: &s " + "x" * size + "\nb: *s\n"
    assert scan_bounds(fits, "t.yaml", _LOADER) == []
    (issue,) = scan_bounds(fits + "c: y\n", "t.yaml", _LOADER)
    assert issue.message == "document holds more than 2097152 characters of text once its aliases are expanded " \
                            "(an alias bomb?)"
    (plain,) = scan_bounds("a: " + "x" * size + "\nb: " + "x" * size + "\nc: y\n", "t.yaml", _LOADER)
    assert plain.message == "document holds more than 2097152 characters of text"  # no alias: no bomb suspected


def test_an_alias_of_an_anchored_collection_counts_all_of_it() -> None:
    items = 99
    anchor = "a: &x [" + ", ".join(["1"] * items) + "]\n"
    # 3 values for the root, "a" and its list, the list's items, then per alias "b"'s list takes items + 1 each.
    per_alias = items + 1
    fits = (loadlimits.MAX_VALUES_PER_DOCUMENT - (3 + items) - 2) // per_alias
    ok = anchor + "b: [" + ", ".join(["*x"] * fits) + "]\n"
    assert scan_bounds(ok, "a.yaml", _LOADER) == []
    (issue,) = scan_bounds(anchor + "b: [" + ", ".join(["*x"] * (fits + 1)) + "]\n", "a.yaml", _LOADER)
    assert issue.message == "document holds more than 5000 values once its aliases are expanded (an alias bomb?)"


def test_the_file_limit_counts_every_document() -> None:
    four = "---\n".join([_values(loadlimits.MAX_VALUES_PER_DOCUMENT)] * 4)
    assert scan_bounds(four, "f.yaml", _LOADER) == []
    (issue,) = scan_bounds(four + "---\na: 1\n", "f.yaml", _LOADER)
    assert (issue.message, issue.document) == (
        "the file holds more than 20000 values in all (split it into several spec files)", 4)
