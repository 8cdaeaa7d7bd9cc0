"""`extends: base.yaml`: a spec inherits from a base spec and overrides parts of it.

Merge rule: mappings merge key by key, recursively; everything else (lists, scalars,
null) in the overlay replaces the base value whole. Lists replace rather than append so
an overlay can always say exactly what a cluster gets (`instanceTypes`, `entries`).
Errors keep pointing at the file and line each value came from.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.errors import Issue, Loc, SpecInvalid, quote_name
from generator.pipeline.load import Document, decode_utf8, load_documents
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file
from generator.pipeline.model import BASE_KIND, KIND

EXTENDS_KEY = "extends"
MAX_EXTENDS_DEPTH = 8


def resolve(doc: Document, path: Path, *, chain: tuple[Path, ...] = (),
            bases_read: list[tuple[str, Path, str]] | None = None) -> Document:
    """Return `doc` with its `extends` chain merged in (a no-op without `extends`). Each base file
    parsed for it is added to `bases_read`: the `extends` value, the file, the SHA-256 of the bytes parsed."""
    data = doc.data
    if not isinstance(data, dict) or EXTENDS_KEY not in data:
        return doc
    target = data[EXTENDS_KEY]
    loc: Loc = (EXTENDS_KEY,)
    if not isinstance(target, str) or not target:
        raise SpecInvalid([doc.issue(Issue(loc, "must be the path of a base spec file"))])
    base_path = (path.parent / target).resolve()
    if base_path in chain or base_path == path.resolve():
        raise SpecInvalid([doc.issue(Issue(loc, f"extends cycle through {target}"))])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise SpecInvalid([doc.issue(Issue(loc, f"more than {MAX_EXTENDS_DEPTH} levels of extends"))])
    shown = quote_name(target)
    try:
        stat = base_path.stat()
        bases, digest = _load_base(base_path, stat.st_mtime_ns, stat.st_size)
    except (OSError, UnreadableFile) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise SpecInvalid([doc.issue(Issue(loc, f"cannot read base spec {shown}: {reason}"))]) from None
    if len(bases) != 1:
        raise SpecInvalid([doc.issue(Issue(loc, f"base spec {shown} must hold exactly one document"))])
    if not isinstance(bases[0].data, dict):
        got = type(bases[0].data).__name__ if bases[0].data is not None else "null"
        raise SpecInvalid([doc.issue(Issue(loc, f"base spec {shown} must be a mapping (got {got})"))])
    if bases[0].data.get("kind") != BASE_KIND:
        raise SpecInvalid([doc.issue(Issue(loc, f"{shown} is not a base: a base spec says kind: {BASE_KIND} "
                                           "(so globs and hooks never render it as a cluster)"))])
    if bases_read is not None:
        bases_read.append((target, base_path, digest))
    base = resolve(bases[0], base_path, chain=(*chain, path.resolve()), bases_read=bases_read)
    return merge(base, doc)


@functools.lru_cache(maxsize=64)
def _load_base(path: Path, mtime_ns: int, size: int) -> tuple[list[Document], str]:
    """A fleet shares one base: parse it once per process (keyed by path, mtime and size)."""
    shown = str(display(path))
    data = read_regular_file(path)
    return load_documents(decode_utf8(data, shown), shown), hashlib.sha256(data).hexdigest()


def display(path: Path) -> Path:
    """How a base file is named in positions and messages: relative to the working directory if below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def merge(base: Document, overlay: Document) -> Document:
    """The overlay over its base; the base's `kind` is not inherited (a spec that extends is a Cluster
    unless it says otherwise)."""
    overlay_data = {k: v for k, v in overlay.data.items() if k != EXTENDS_KEY}
    overlay_data.setdefault("kind", KIND)
    positions = {loc: (pos if pos.file else replace(pos, file=base.file)) for loc, pos in base.positions.items()}
    positions = {k: v for k, v in positions.items() if not _replaced_below(k, overlay_data)}
    positions.update({k: v for k, v in overlay.positions.items() if k[:1] != (EXTENDS_KEY,)})
    scalars = {**{k: v for k, v in base.scalars.items() if not _replaced_below(k, overlay_data)},
               **overlay.scalars}
    changed = [loc for loc in overrides(base.data, overlay_data) if loc != ("kind",) or "kind" in overlay.data]
    return Document(file=overlay.file, index=overlay.index, data=deep_merge(base.data, overlay_data),
                    positions=positions, scalars=scalars, overrides=changed,
                    load_issues=[*_as_base_issues(base), *overlay.load_issues])


def _as_base_issues(base: Document) -> list[Issue]:
    """A base's own load problems (duplicate keys) keep naming the base file and line."""
    return [replace(i, position=replace(i.position, file=i.position.file or i.file) if i.position else None)
            for i in base.load_issues]


def _replaced_below(loc: Loc, overlay: Any) -> bool:
    """True when the overlay replaces a non-mapping value on the way to `loc`."""
    node = overlay
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
        if not isinstance(node, dict):
            return True
    return False


def deep_merge(base: Any, overlay: Any) -> Any:
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return overlay


def overrides(base: Any, overlay: Any, loc: Loc = ()) -> list[Loc]:
    """Leaf paths where the overlay sets a value different from the base."""
    if isinstance(overlay, dict):
        found: list[Loc] = []
        for key, value in overlay.items():
            if loc == () and key == EXTENDS_KEY:
                continue
            inner = base.get(key) if isinstance(base, dict) else None
            found.extend(overrides(inner, value, (*loc, key)))
        return found
    return [] if overlay == base else [loc]
