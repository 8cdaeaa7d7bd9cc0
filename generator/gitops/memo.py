"""What the survey learns from loading a spec, remembered by content, so an incremental run over an
unchanged fleet reads and hashes files instead of parsing YAML.

An entry is keyed by the spec file's bytes and everything else its loaded form depends on (eksgen's
version, the path as given and the working directory, which positions and base names are shown
relative to); it holds each cluster's name and document hash and the SHA-256 of every base file its
`extends` chain read (of the very bytes parsed), checked again on every use. Loading is a pure
function of those inputs, so an entry that matches gives exactly what loading would. Entries live
in `$EKSGEN_CACHE_DIR` (`off` turns the memo off), else `$XDG_CACHE_HOME/eksgen/survey` or
`~/.cache/eksgen/survey`; losing them costs a parse, so they are written without fsync, and an
unreadable or unwritable cache is no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from pathlib import Path

from generator.version import __version__

CACHE_ENV = "EKSGEN_CACHE_DIR"


def cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured in ("", "off") else Path(configured)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "eksgen" / "survey"


def _key(path: Path, data: bytes) -> str:
    head = "\0".join((__version__, os.getcwd(), str(path), os.path.abspath(path)))
    return hashlib.sha256(head.encode("utf-8", "surrogateescape") + b"\0" + data).hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def recall(path: Path, data: bytes) -> list[tuple[str, str]] | None:
    """(cluster name, document hash) per document, as loading `path` (whose bytes are `data`) gives them."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        entry = json.loads((directory / _key(path, data)).read_text("utf-8"))
        bases = [(Path(str(p)), str(d)) for p, d in entry["bases"]]
        clusters = [(str(n), str(h)) for n, h in entry["clusters"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not clusters or any(_digest(base) != digest for base, digest in bases):
        return None
    return clusters


def remember(path: Path, data: bytes, bases: list[tuple[Path, str]], clusters: list[tuple[str, str]]) -> None:
    """Record what loading gave; `bases` are the base files read and the SHA-256 of the bytes parsed."""
    directory = cache_dir()
    if directory is None or not clusters:
        return
    target = directory / _key(path, data)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps({"bases": [(str(p), d) for p, d in bases], "clusters": clusters}), "utf-8")
        os.replace(temp, target)  # whole or absent, for a concurrent reader
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)
