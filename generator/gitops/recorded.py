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
import json
import os
from pathlib import Path
from typing import Any

from generator.pipeline.pins import LOCK_NAME
from generator.pipeline.write import IMPORT_BLOCKS_MARK, MANIFEST, output_dir
from generator.version import __version__


@functools.lru_cache(maxsize=256)
def _manifests_below(directory: str) -> dict[str, list[dict[str, Any]]]:
    """Spec file name -> manifests of the rendered directories right below `directory` naming it
    (read once per process: a survey happens before anything is written)."""
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return found
    for entry in entries:
        manifest = _manifest(Path(entry.path))
        if manifest is not None:
            found.setdefault(str(manifest.get("spec")), []).append(manifest)
    return found


def forget() -> None:
    """A new run reads the manifests again (a library caller may render twice in one process)."""
    _manifests_below.cache_clear()


def _manifest(directory: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((directory / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("source"), dict) else None


def _digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when there is no such file, "?" (matching nothing) when unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"


def _bases_unchanged(spec: Path, bases: object) -> bool:
    if not isinstance(bases, list):
        return False
    parent = spec.parent
    for item in bases:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item)):
            return False
        target, shown, digest = item
        base = (parent / target).resolve()  # as overlay.resolve finds it
        try:
            relative = base.relative_to(Path.cwd())
        except ValueError:
            relative = base
        try:
            if str(relative) != shown or hashlib.sha256(base.read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
        parent = base.parent
    return True


def recorded_clusters(path: Path, data: bytes, out_dir: Path | None, nested: bool) -> list[tuple[str, str]] | None:
    """(cluster name, document hash) per document of `path` (whose bytes are `data`), as the last render
    recorded them, when every input of loading is as it was then; None to load it."""
    candidates = list(_manifests_below(str(path.parent if out_dir is None else out_dir)).get(path.name, []))
    if out_dir is not None and not nested:
        single = _manifest(out_dir)
        candidates += [single] if single is not None and single.get("spec") == path.name else []
    digest = hashlib.sha256(data).hexdigest()
    for manifest in candidates:
        source = manifest["source"]
        names = source.get("clusters")
        if (manifest.get("eksgen") != __version__ or source.get("specFileSha256") != digest
                or not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names)
                or source.get("lockSha256") != _digest(path.parent / LOCK_NAME)
                or not _bases_unchanged(path, source.get("bases"))):
            continue
        clusters = []
        for name in names:  # every cluster of the file must hold the same record
            target = _manifest(output_dir(path, out_dir, name, 2 if nested else len(names)))
            if target is None or target.get("source") != source or not isinstance(target.get("specSha256"), str):
                break
            if str(target["specSha256"]).endswith(IMPORT_BLOCKS_MARK):  # written with imports.tf: render again
                break
            clusters.append((name, str(target["specSha256"])))
        else:
            return clusters
    return None
