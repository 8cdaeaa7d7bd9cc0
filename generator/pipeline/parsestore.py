"""The round trip's python-hcl2 reads of earlier runs, kept on disk by content.

Every rendered file is still read back and compared with the plan on every run; what is kept is
only the parse result of a text, looked up by that exact text (identical text parses identically).
One record per render: the texts its round trip read (whole files and the call arguments it reads
on their own) and python-hcl2's result for each, filed under a digest of those texts and of the
reader (python-hcl2's version, grammar and transformer, Lark's version, eksgen's reader). A render
whose texts were all read before, by any checkout of the same cluster, needs no parser: no Lark
tables to load, no python-hcl2 to import. tests/pipeline/test_parsestore.py proves stored results
equal fresh parses over every golden and generated specs.

Where: $EKSGEN_CACHE_DIR, else $XDG_CACHE_HOME/eksgen, else ~/.cache/eksgen; `EKSGEN_CACHE_DIR=off`
turns it off. It is a cache: a store that cannot be read or written, or a record that does not
decode, is a miss and never an error; records unused for MAX_AGE_DAYS are pruned (at most daily).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

CACHE_ENV = "EKSGEN_CACHE_DIR"
CACHE_OFF = "off"
FORMAT = 1  # of a record; part of the reader digest, so a new format never reads an old record
MAX_AGE_DAYS = 30  # a record not used for this long is removed by the daily prune
MAX_RECORD_BYTES = 64 * 1024 * 1024  # larger files in the store are not read (not eksgen's)
_DAY = 86400.0
_PRUNE_MARK = ".pruned"

# The texts whose results decide python-hcl2's output, found without importing python-hcl2 or Lark.
_READER_FILES = {"hcl2": ("version.py", "hcl2.lark", "transformer.py", "postlexer.py"), "lark": ("__init__.py",)}


def store_root() -> Path | None:
    """The store's directory, or None when it is turned off or there is no home to put it in."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip() in ("", CACHE_OFF) else Path(configured) / "parse"
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "eksgen" / "parse"
    try:
        return Path.home() / ".cache" / "eksgen" / "parse"
    except (RuntimeError, KeyError):  # no home directory for this user
        return None


@functools.cache
def reader_digest() -> str | None:
    """A digest of everything that decides a parse result, or None if a part of it cannot be read."""
    from importlib.util import find_spec

    digest = hashlib.sha256(f"eksgen-parse-store {FORMAT}\n".encode())
    digest.update(Path(__file__).with_name("hclread.py").read_bytes())
    for package, names in _READER_FILES.items():
        try:
            spec = find_spec(package)
        except (ImportError, ValueError):
            return None
        locations = list(spec.submodule_search_locations or []) if spec else []
        if len(locations) != 1:
            return None
        for name in names:
            try:
                digest.update(b"\0" + (Path(locations[0]) / name).read_bytes())
            except OSError:
                return None
    return digest.hexdigest()


def exact_json(value: Any) -> bool:
    """`value` is made only of what JSON keeps exactly (so a record reads back identical)."""
    if value is None or isinstance(value, (int, str)):  # bool is an int
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(exact_json(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and exact_json(v) for k, v in value.items())
    return False


class Reads:
    """One render's reads: results from its record, else from `parse`; every text it read is kept."""

    def __init__(self, recorded: dict[str, Any]) -> None:
        self.recorded = recorded
        self.used: dict[str, Any] = {}
        self.missed = False
        self.answered = False  # some result came from the record

    def read(self, text: str, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        if text in self.used:
            result: dict[str, Any] = self.used[text]
            return result
        if text in self.recorded:
            result = self.recorded[text]
            self.answered = True
        else:
            result = parse(text)
            self.missed = True
        self.used[text] = result
        return result

    def supply(self, results: dict[str, Any]) -> None:
        """Results another process parsed for this render (pipeline/parsehelper.py): used like a
        record (a result that fails the plan makes the round trip parse afresh) and kept like a parse."""
        for text, result in results.items():
            if text not in self.used:
                self.used[text] = result
                self.answered = self.missed = True

    def parse_afresh(self) -> None:
        """Forget the record: every read from now on parses, and what they give replaces the record."""
        self.recorded, self.used, self.missed, self.answered = {}, {}, True, False


class _Survey:
    """Reads answered from what is known, parsing nothing: every other text is listed and answered
    with a placeholder (see `surveying`)."""

    def __init__(self, known: Reads, placeholder: dict[str, Any]) -> None:
        self.known, self.placeholder = known, placeholder
        self.unknown: dict[str, None] = {}

    def read(self, text: str, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        for found in (self.known.used, self.known.recorded):
            if text in found:
                result: dict[str, Any] = found[text]
                return result
        self.unknown[text] = None
        return self.placeholder


_current: contextvars.ContextVar[Reads | _Survey | None] = contextvars.ContextVar("eksgen_parse_reads",
                                                                                  default=None)


def read(text: str, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`parse(text)`, or its result as recorded for the render being read back (see `recording`)."""
    reads = _current.get()
    return parse(text) if reads is None else reads.read(text, parse)


def _record_path(root: Path, digest: str, texts: Iterable[str]) -> Path:
    key = hashlib.sha256(digest.encode())
    for text in texts:
        encoded = text.encode("utf-8", "surrogatepass")
        key.update(b"%d\0" % len(encoded) + encoded)
    name = key.hexdigest()
    return root / digest[:16] / name[:2] / f"{name}.json"


def _load(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            found = os.fstat(handle.fileno())
            if found.st_size > MAX_RECORD_BYTES:
                return {}
            data = json.loads(handle.read())
        if time.time() - found.st_mtime > _DAY:  # used today: kept by the prune for MAX_AGE_DAYS more
            os.utime(path)
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON, or nested past the decoder
        return {}
    if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("reads"), list)):
        return {}
    recorded: dict[str, Any] = {}
    for entry in data["reads"]:
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], dict):
            recorded[entry[0]] = entry[1]
    return recorded


def _save(path: Path, used: dict[str, Any]) -> None:
    try:
        if not all(exact_json(result) for result in used.values()):
            return
        text = json.dumps({"format": FORMAT, "reads": [[t, r] for t, r in used.items()]}, ensure_ascii=False,
                          separators=(",", ":"))
    except RecursionError:  # nested deeper than JSON can be written here: not kept
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        _private_directories(path.parent, levels=4)
        temporary.write_bytes(text.encode("utf-8", "surrogatepass"))
        os.replace(temporary, path)  # readers see the old record or the new one, never a part
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    _prune_daily(path.parents[2])


def _private_directories(leaf: Path, levels: int) -> None:
    """`leaf` and the `levels - 1` directories above it, made readable by this user only where they are
    new (records hold rendered Terraform); what is above them is made as usual."""
    own = [leaf, *leaf.parents][:levels]
    own[-1].parent.mkdir(parents=True, exist_ok=True)
    for directory in reversed(own):
        directory.mkdir(mode=0o700, exist_ok=True)


def _prune_daily(root: Path) -> None:
    """Remove records unused for MAX_AGE_DAYS (any reader's), at most once a day."""
    mark = root / _PRUNE_MARK
    now = time.time()
    try:
        if now - mark.stat().st_mtime < _DAY:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    with contextlib.suppress(OSError):
        mark.touch()
        for record in root.glob("*/*/*.json"):
            with contextlib.suppress(OSError):
                if now - record.stat().st_mtime > MAX_AGE_DAYS * _DAY:
                    record.unlink()
        for leftover in root.glob("*/*/.*.tmp"):  # of a run killed between write and rename
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > _DAY:
                    leftover.unlink()


def _trusted(root: Path) -> bool:
    """The store is this user's alone (or not made yet): records another user could write are not read."""
    try:
        found = os.stat(root)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return (stat.S_ISDIR(found.st_mode) and found.st_uid == os.geteuid()
            and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


@contextlib.contextmanager
def recording(texts: list[str]) -> Iterator[Reads]:
    """The round trip of one render whose files are `texts`: reads inside come from its record when
    an earlier run made one, and a new record is kept when any text had to be parsed. With the store
    off (or not trusted) nothing is read or kept, and the render's reads are still shared."""
    root = store_root()
    digest = reader_digest() if root is not None else None
    path = None if root is None or digest is None or not _trusted(root) else _record_path(root, digest, texts)
    reads = Reads({} if path is None else _load(path))
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)
    if path is not None and reads.missed:  # only after a complete, successful read-back, not after an error
        _save(path, reads.used)


@contextlib.contextmanager
def surveying(known: Reads, placeholder: dict[str, Any]) -> Iterator[dict[str, None]]:
    """Inside, reads are answered from `known` and parse nothing: each other text is listed (in the
    order first read) and read as `placeholder`. What a comparison would read, before it reads it."""
    survey = _Survey(known, placeholder)
    token = _current.set(survey)
    try:
        yield survey.unknown
    finally:
        _current.reset(token)
