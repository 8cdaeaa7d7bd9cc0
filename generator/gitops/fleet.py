"""Rendering specs into directories: one spec (write, or with `check` compare), or many:
glob expansion, CI sharding, incremental skips by spec hash and parallel workers. One bad
cluster fails with its own errors; the rest still render.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.errors import EksgenError, Issue, SpecInvalid, UsageError, exit_code
from generator.gitops.textdiff import directory_diff
from generator.pipeline.specfile import (
    RenderResult,
    cluster_name,
    document_hash,
    encoded,
    load_spec,
    output_dir,
    render_spec,
    write_result,
)
from generator.pipeline.write import MANIFEST, read_manifest, sha256

GLOB_CHARS = frozenset("*?[")


@dataclass
class Outcome:
    """One spec file's result, small and picklable so workers can send it back."""

    spec: str
    code: int = 0
    clusters: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    issues: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error_count: int = 0
    skipped: bool = False


def expand(patterns: list[str]) -> list[Path]:
    """Spec arguments with glob patterns expanded (quoted patterns reach us unexpanded)."""
    paths: list[Path] = []
    for pattern in patterns:
        if GLOB_CHARS & set(pattern) and not Path(pattern).exists():  # `a[1].yaml` may be a real file
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise UsageError(f"no spec file matches {pattern!r}")
            paths.extend(Path(m) for m in matches)
        else:
            paths.append(Path(pattern))
    return list(dict.fromkeys(paths))


def shard(paths: list[Path], spec: str | None) -> list[Path]:
    """`I/N`: the I-th of N interleaved slices (1-based), stable for a sorted input."""
    if spec is None:
        return paths
    try:
        index, count = (int(p) for p in spec.split("/"))
    except ValueError:
        raise UsageError(f"--shard must look like I/N (got {spec!r})") from None
    if not 1 <= index <= count:
        raise UsageError(f"--shard {spec}: I must be between 1 and N")
    return paths[index - 1::count]


def reject_duplicate_names(paths: list[Path]) -> None:
    """With one -o for several specs each cluster gets out/<name>: two of a name would collide."""
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            documents = load_spec(path)
        except EksgenError:
            continue  # reported with the spec's own errors when it renders
        for doc in documents:
            name = cluster_name(doc)
            if name is not None and name in seen and seen[name] != path:
                raise UsageError(f"clusters in {seen[name]} and {path} are both named {name!r}: "
                                 "they would share one output directory")
            if name is not None:
                seen[name] = path


def _unchanged(path: Path, out_dir: Path | None, nested: bool) -> bool:
    """Every cluster of the spec already rendered from identical input and untouched since."""
    try:
        documents = load_spec(path)
    except EksgenError:
        return False
    for doc in documents:
        name = cluster_name(doc)
        if name is None:
            return False
        target = output_dir(path, out_dir, name, 2 if nested else len(documents))
        try:
            recorded = json.loads((target / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return False
        if recorded.get("specSha256") != document_hash(doc) or recorded.get("pending"):
            return False
        try:
            owned = read_manifest(target)
        except EksgenError:
            return False  # the render reports it
        for file, digest in owned.items():
            current = target / file
            if not current.is_file() or sha256(current.read_bytes()) != digest:
                return False
    return True


def render_to_directory(path: Path, *, out_dir: Path | None = None, force: bool = False,
                        check: bool = False, strict: bool = False, today: dt.date | None = None,
                        nested: bool = False) -> list[RenderResult]:
    """Render, then write (or with `check`, compare and write nothing).

    With `strict`, warnings count as errors and nothing is written.
    """
    results = render_spec(path, out_dir=out_dir, today=today, nested=nested)
    warnings = [w for item in results for w in item.result.warnings]
    if strict and warnings:
        raise SpecInvalid(warnings)
    for item in results:
        if check:
            item.diff = directory_diff(item.out_dir, encoded(item))
        else:
            write_result(item, force=force)
    return results


def render_one(path: Path, out_dir: Path | None, force: bool, check: bool, today: dt.date | None,
               incremental: bool, strict: bool = False, nested: bool = False) -> Outcome:
    outcome = Outcome(spec=str(path))
    if incremental and not force and _unchanged(path, out_dir, nested):
        outcome.skipped = True
        return outcome
    try:
        for item in render_to_directory(path, out_dir=out_dir, force=force, check=check, strict=strict,
                                        today=today, nested=nested):
            entry: dict[str, object] = {
                "cluster": item.name, "outDir": str(item.out_dir), "files": sorted(item.files),
                "overrides": [".".join(str(p) for p in loc) for loc in item.result.document.overrides],
            }
            if check:
                entry["upToDate"] = not item.diff
                entry["diff"] = item.diff
                outcome.code = exit_code(differences=bool(item.diff), parts=[outcome.code])
            elif item.report is not None:
                entry.update(asdict(item.report))
            outcome.clusters.append(entry)
            outcome.issues.extend(w.as_json() for w in item.result.warnings)
            outcome.warnings.extend(w.format() for w in item.result.warnings)
    except SpecInvalid as exc:
        outcome.code = exit_code(exc)
        outcome.issues = [i.as_json() for i in sorted(exc.issues, key=Issue.sort_key)]
        outcome.errors = [i.format() for i in sorted(exc.issues, key=Issue.sort_key)]
        outcome.error_count = exc.error_count
    except EksgenError as exc:
        outcome.code, outcome.errors = exit_code(exc), [f"error: {exc}"]
    except Exception as exc:  # a bug in one cluster must not take the fleet down
        outcome.code, outcome.errors = exit_code(exc), [f"internal error: {type(exc).__name__}: {exc}"]
    return outcome


Task = tuple[Path, Path | None, bool, bool, "dt.date | None", bool, bool, bool]


def _star(args: Task) -> Outcome:
    return render_one(*args)


def render_fleet(paths: list[Path], *, out_dir: Path | None, force: bool, check: bool, today: dt.date | None,
                 jobs: int, incremental: bool, strict: bool,
                 on_done: Callable[[Outcome], None]) -> list[Outcome]:
    nested = out_dir is not None and len(paths) > 1  # several specs into one -o: out/<cluster name>
    tasks: list[Task] = [(p, out_dir, force, check, today, incremental, strict, nested) for p in paths]
    outcomes: list[Outcome] = []
    for outcome in _run(tasks, jobs):
        on_done(outcome)
        outcomes.append(outcome)
    return outcomes


def _run(tasks: list[Task], jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(tasks) <= 1:
        yield from (_star(t) for t in tasks)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context)
    try:
        yield from pool.map(_star, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))
    except BaseException:
        # Interrupted: start no new spec (each running one finishes or unwinds its own write).
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def clamp_jobs(requested: int) -> tuple[int, str | None]:
    """`-j N`: 0 means every CPU; more workers than CPUs only cost memory, so N is capped, with a note."""
    available = default_jobs()
    if requested < 0:
        raise UsageError(f"-j/--jobs must be 0 (all CPUs) or a positive number (got {requested})")
    if requested == 0:
        return available, None
    if requested > available:
        digits = str(requested)
        shown = digits if len(digits) <= 12 else f"{digits[:6]}... ({len(digits)} digits)"
        return available, f"note: -j {shown} is more than the {available} CPU(s) available; using {available}"
    return requested, None
