"""What the last render recorded about a spec file, found without loading it: the incremental survey
of an unchanged fleet reads and hashes files instead of parsing YAML.

Every manifest keeps the `source` record of the spec file it came from (specfile.source_record): the
SHA-256 of the file's bytes, per base of its `extends` chain the value naming it, how positions name
it and the SHA-256 of its bytes, the SHA-256 of the eksgen.lock beside it, and the clusters the file
holds. Loading is a pure function of the file's bytes, its path, the bases' bytes and names, the lock
and the eksgen version, so a record that matches
all of them today (each base found again through the recorded `extends` values) gives the clusters
and document hashes loading would give. Anything that does not match is loaded as before. Only the
output directories are read: nothing is stored anywhere else.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any

from generator.errors import EksgenError
from generator.pipeline.layout import output_path
from generator.pipeline.pins import LOCK_NAME
from generator.pipeline.write import IMPORT_BLOCKS_MARK, ManifestRecord, read_manifest_record
from generator.version import __version__

_READ_CHUNK = 1 << 20
# `name: X` in a spec (block or flow style): where its clusters' directories probably are, tried before
# reading every manifest beside it. A guess only orders the candidates (each is checked in full), so
# node-group names guessed too cost a missing directory each, and a name written otherwise (an alias)
# is still found by the full survey.
_MAX_GUESSES = 64  # a spec of a million `name:` lines costs 64 lookups, then the full survey
_NAME = re.compile(rb"""\bname:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9_-]*)""")


@functools.lru_cache(maxsize=256)
def _manifests_below(directory: str) -> dict[str, list[dict[str, Any]]]:
    """Spec file name -> manifests of the rendered directories right below `directory` naming it
    (read once per run: a survey happens before anything is written)."""
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return found
    for entry in entries:
        manifest = _manifest(entry.path)
        if manifest is not None:
            found.setdefault(str(manifest.get("spec")), []).append(manifest)
    return found


@functools.lru_cache(maxsize=8192)
def manifest_record(directory: str) -> ManifestRecord | None:
    """The manifest of `directory` as write.read_manifest_record reads it (no symlink followed, every
    entry checked), once per run; None when there is none or it is refused (a render reports why).
    Callers never mutate it."""
    try:
        read = read_manifest_record(directory)
    except (OSError, EksgenError):
        return None
    return read if read.record else None


def _manifest(directory: str) -> dict[str, Any] | None:
    """The manifest of `directory` when it carries a source record."""
    read = manifest_record(directory)
    return read.record if read is not None and isinstance(read.record.get("source"), dict) else None


@functools.lru_cache(maxsize=256)
def _base_digest(base: Path) -> str:
    """SHA-256 of a base file's bytes, once per run (a fleet's specs share a few bases)."""
    return hashlib.sha256(base.read_bytes()).hexdigest()


def forget() -> None:
    """A new run reads the manifests and bases again (a library caller may render twice in one process)."""
    for cached in (_manifests_below, manifest_record, _base_digest, _base_found, _lock_digest):
        cached.cache_clear()


def regular_file_digest(path: str) -> str | None:
    """SHA-256 of the regular file at `path` (a symlink followed, as Terraform reads it); None when
    there is none, or something else is there (never blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(fd, _READ_CHUNK):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def _digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when there is no such file, "?" (matching nothing) when unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"


@functools.lru_cache(maxsize=256)
def _lock_digest(directory: Path) -> str | None:
    """The eksgen.lock beside a fleet's specs, hashed once per run."""
    return _digest(directory / LOCK_NAME)


def _bases_unchanged(spec: Path, bases: object) -> bool:
    if not isinstance(bases, list):
        return False
    parent = spec.parent
    for item in bases:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item)):
            return False
        target, shown, digest = item
        base, relative = _base_found(parent, target)
        try:
            if relative != shown or _base_digest(base) != digest:
                return False
        except OSError:
            return False
        parent = base.parent
    return True


@functools.lru_cache(maxsize=1024)
def _base_found(parent: Path, target: str) -> tuple[Path, str]:
    """The base an `extends: target` beside `parent` names, as overlay.resolve finds it, and how
    positions name it (relative to the working directory when below it); once per run."""
    base = (parent / target).resolve()
    try:
        return base, str(base.relative_to(Path.cwd()))
    except ValueError:
        return base, str(base)


def recorded_clusters(path: Path, data: bytes, out_dir: Path | None, nested: bool) -> list[tuple[str, str]] | None:
    """(cluster name, document hash) per document of `path` (whose bytes are `data`), as the last render
    recorded them, when every input of loading is as it was then; None to load it."""
    digest = hashlib.sha256(data).hexdigest()
    names = list(dict.fromkeys([path.stem.encode(), *_NAME.findall(data)]))[:_MAX_GUESSES]
    guessed = [_manifest(output_path(path, out_dir, name.decode(), 2 if nested else 0)) for name in names]
    found = _clusters(path, digest, [m for m in guessed if m is not None and m.get("spec") == path.name],
                      out_dir, nested)
    if found is not None:
        return found
    candidates = list(_manifests_below(str(path.parent if out_dir is None else out_dir)).get(path.name, []))
    if out_dir is not None and not nested:
        single = _manifest(str(out_dir))
        candidates += [single] if single is not None and single.get("spec") == path.name else []
    return _clusters(path, digest, candidates, out_dir, nested)


def _clusters(path: Path, digest: str, candidates: list[dict[str, Any]], out_dir: Path | None,
              nested: bool) -> list[tuple[str, str]] | None:
    """The clusters of the first candidate manifest whose source record matches `path` as it is now."""
    for manifest in candidates:
        source = manifest["source"]
        names = source.get("clusters")
        if (manifest.get("eksgen") != __version__ or source.get("specFileSha256") != digest
                or not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names)
                or source.get("lockSha256") != _lock_digest(path.parent)
                or not _bases_unchanged(path, source.get("bases"))):
            continue
        clusters = []
        for name in names:  # every cluster of the file must hold the same record
            target = _manifest(output_path(path, out_dir, name, 2 if nested else len(names)))
            if target is None or target.get("source") != source or not isinstance(target.get("specSha256"), str):
                break
            if str(target["specSha256"]).endswith(IMPORT_BLOCKS_MARK):  # written with imports.tf: render again
                break
            clusters.append((name, str(target["specSha256"])))
        else:
            return clusters
    return None
