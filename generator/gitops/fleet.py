"""Rendering many specs: CI sharding, incremental skips, one directory per cluster, parallel workers.

A run has two phases. The survey loads every spec (in parallel) and says where each cluster will
be written and whether a recorded verdict can stand in for rendering it; two clusters bound for
one directory refuse the whole run before anything is written. Then the rest render. One bad
cluster fails with its own errors; the rest still render.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator.errors import EksgenError, Issue, SpecInvalid, UsageError, exit_code
from generator.gitops.recorded import recorded_clusters
from generator.gitops.selection import GLOB_CHARS, select
from generator.gitops.textdiff import directory_diff
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file
from generator.pipeline.write import MANIFEST, output_dir, read_manifest, sha256

if TYPE_CHECKING:
    from generator.pipeline.specfile import RenderResult

# The pipeline stages (pipeline.specfile and what it imports) load on first use: a run whose every
# cluster is unchanged reads and hashes files and imports none of them.

__all__ = ["GLOB_CHARS", "Outcome", "expand", "render_fleet", "render_to_directory", "shard"]


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


@dataclass
class Survey:
    """Where a spec's clusters go, and the outcome an incremental skip would give (None: render it)."""

    spec: str
    targets: list[tuple[str, str]] = field(default_factory=list)  # (cluster name, resolved output dir)
    replay: Outcome | None = None


def expand(patterns: list[str]) -> list[Path]:
    """Spec arguments (files, quoted globs, directories) as cluster spec files; a base stands for its clusters."""
    return select(patterns).specs


def shard(paths: list[Path], spec: str | None) -> list[Path]:
    """`I/N`: the I-th of N interleaved slices (1-based), stable for a sorted input."""
    if spec is None:
        return paths
    try:
        index, count = (int(p) for p in spec.split("/"))
    except ValueError:
        raise UsageError(f"--shard must look like I/N, for example 2/4 (got {spec!r})") from None
    if not 1 <= index <= count:
        raise UsageError(f"--shard {spec}: I must be between 1 and N")
    return paths[index - 1::count]


def survey_one(path: Path, out_dir: Path | None, nested: bool, today: dt.date, incremental: bool,
               strict: bool) -> Survey:
    survey = Survey(spec=str(path))
    try:
        data = read_regular_file(path)
    except (OSError, UnreadableFile):
        return survey  # reported when it renders
    clusters = recorded_clusters(path, data, out_dir, nested) if incremental else None
    if clusters is None:
        clusters = _loaded_clusters(path, data)
        if clusters is None:
            return survey  # reported when it renders, with the spec's own errors
    records = []
    for name, digest in clusters:
        target = output_dir(path, out_dir, name, 2 if nested else len(clusters))
        survey.targets.append((name, os.path.abspath(target)))
        records.append((name, target, digest))
    if incremental and records and len({t for _, t in survey.targets}) == len(records):
        survey.replay = _replay(path, records, today, strict)  # never for a file whose clusters clash
    return survey


def _loaded_clusters(path: Path, data: bytes) -> list[tuple[str, str]] | None:
    """(name, document hash) of each cluster `data` loads to; None when a document has no name or the
    file does not load (its render reports why)."""
    from generator.pipeline.specfile import SourcesRead, cluster_name, document_hash, load_spec_bytes

    try:
        documents = load_spec_bytes(path, data, SourcesRead())
    except EksgenError:
        return None
    clusters = []
    for doc in documents:
        name = cluster_name(doc)
        if not name:
            return None
        clusters.append((name, document_hash(doc)))
    return clusters


def _replay(path: Path, records: list[tuple[str, Path, str]], today: dt.date, strict: bool) -> Outcome | None:
    """The outcome of the last render when it still holds: same input, files untouched, clock in its window."""
    outcome = Outcome(spec=str(path), skipped=True)
    warnings: list[Issue] = []
    for name, target, digest in records:
        try:
            recorded = json.loads((target / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(recorded, dict) or recorded.get("specSha256") != digest or recorded.get("pending"):
            return None
        if not _within(recorded.get("verdictWindow"), today) or not isinstance(recorded.get("warnings"), list):
            return None
        try:
            files = read_manifest(target)
        except EksgenError:
            return None  # the render reports it
        for file, file_digest in files.items():
            current = target / file
            if not current.is_file() or sha256(current.read_bytes()) != file_digest:
                return None
        warnings.extend(Issue.from_record(w) for w in recorded["warnings"] if isinstance(w, dict))
        outcome.clusters.append({"cluster": name, "outDir": str(target), "files": sorted(files), "status": "up to date",
                                 "created": [], "updated": [], "removed": [], "unchanged": sorted(files)})
    warnings.sort(key=Issue.sort_key)
    if strict and warnings:  # the verdict a full render would give: refused, nothing written
        return _failed(outcome, SpecInvalid(warnings))
    outcome.issues = [w.as_json() for w in warnings]
    outcome.warnings = [w.format() for w in warnings]
    return outcome


def _within(window: object, today: dt.date) -> bool:
    if not isinstance(window, list) or len(window) != 2:
        return False
    try:
        start, end = (dt.date.fromisoformat(d) if isinstance(d, str) else None for d in window)
    except ValueError:
        return False
    return (start is None or start <= today) and (end is None or today < end)


def _failed(outcome: Outcome, exc: SpecInvalid) -> Outcome:
    outcome.code = exit_code(exc)
    outcome.skipped = False
    outcome.clusters = []
    ordered = sorted(exc.issues, key=Issue.sort_key)
    outcome.issues = [i.as_json() for i in ordered]
    outcome.errors = [i.format() for i in ordered]
    outcome.error_count = len(ordered)  # with --strict every warning is an error
    return outcome


def shared_directories(surveys: list[Survey]) -> list[str]:
    """Lines naming every pair of clusters bound for one directory (whatever the layout made them meet)."""
    first: dict[str, tuple[str, str]] = {}
    clashes = []
    for survey in surveys:
        for name, target in survey.targets:
            if target in first and first[target][0] == survey.spec:
                continue  # two clusters of one file: its render refuses them, located at metadata.name
            if target in first:
                other_spec, other_name = first[target]
                clashes.append(f"{other_spec} ({other_name}) and {survey.spec} ({name}) would both write "
                               f"{os.path.relpath(target)}")
            else:
                first[target] = (survey.spec, name)
    return clashes


def render_to_directory(path: Path, *, out_dir: Path | None = None, force: bool = False,
                        check: bool = False, strict: bool = False, today: dt.date | None = None,
                        nested: bool = False, dated_gate: bool = False,
                        import_blocks: bool = False) -> list[RenderResult]:
    """Render, then write (or with `check`, compare and write nothing).

    With `strict`, warnings count as errors and nothing is written. With `check`, the date-driven
    errors are reported as warnings (the gate is about drift) unless `dated_gate` or `strict`.
    """
    from generator.pipeline.specfile import write_result

    results = _rendered(path, out_dir=out_dir, check=check, strict=strict, today=today, nested=nested,
                        dated_gate=dated_gate, import_blocks=import_blocks)
    if not check:
        for item in results:
            write_result(item, force=force, today=today or dt.date.today())
    return results


def _rendered(path: Path, *, out_dir: Path | None, check: bool, strict: bool, today: dt.date | None,
              nested: bool, dated_gate: bool, import_blocks: bool) -> list[RenderResult]:
    """Rendered and proven in memory (with `check`, each item's diff against its directory); nothing written."""
    from generator.pipeline.specfile import encoded, render_spec

    clock = today or dt.date.today()
    results = render_spec(path, out_dir=out_dir, today=clock, nested=nested,
                          dated_as_warnings=check and not dated_gate and not strict, import_blocks=import_blocks)
    warnings = [w for item in results for w in item.result.warnings]
    if strict and warnings:
        raise SpecInvalid(warnings)
    if check:
        for item in results:
            item.diff = directory_diff(item.out_dir, encoded(item))
    return results


RenderTask = tuple[Path, Path | None, bool, bool, dt.date, bool, bool, bool, bool]


def render_one(path: Path, out_dir: Path | None, force: bool, check: bool, today: dt.date,
               strict: bool = False, nested: bool = False, dated_gate: bool = False,
               import_blocks: bool = False) -> Outcome:
    return render_group([(path, out_dir, force, check, today, strict, nested, dated_gate, import_blocks)])[0]


def render_group(tasks: list[RenderTask]) -> list[Outcome]:
    """Each spec rendered in memory, then every cluster of the group written at once (writegroup:
    one sync per durability point for the group); one spec's failure is its own outcome."""
    from generator.pipeline.specfile import tree_write
    from generator.pipeline.writegroup import write_trees

    prepared: list[tuple[RenderTask, list[RenderResult] | Exception]] = []
    for task in tasks:
        path, out_dir, _, check, today, strict, nested, dated_gate, import_blocks = task
        try:
            prepared.append((task, _rendered(path, out_dir=out_dir, check=check, strict=strict, today=today,
                                             nested=nested, dated_gate=dated_gate, import_blocks=import_blocks)))
        except Exception as exc:
            prepared.append((task, exc))
    writes = [(index, item, tree_write(item, force=task[2], today=task[4]))
              for index, (task, results) in enumerate(prepared) if not task[3] and not isinstance(results, Exception)
              for item in results]
    written = write_trees([tree for _, _, tree in writes])
    failed: dict[int, Exception] = {}  # a spec's first cluster whose write failed decides its outcome
    for (index, item, _), report in zip(writes, written, strict=True):
        if isinstance(report, Exception):
            failed.setdefault(index, report)
        else:
            item.report = report
    outcomes = []
    for index, (task, results) in enumerate(prepared):
        outcomes.append(_outcome(task[0], task[3], failed.get(index, results)))
    return outcomes


def _outcome(path: Path, check: bool, results: list[RenderResult] | Exception) -> Outcome:
    outcome = Outcome(spec=str(path))
    try:
        if isinstance(results, Exception):
            raise results
        for item in results:
            entry: dict[str, object] = {
                "cluster": item.name, "outDir": str(item.out_dir), "files": sorted(item.files),
                "overrides": [".".join(str(p) for p in loc) for loc in item.result.document.overrides],
            }
            if check:
                entry["status"] = "stale" if item.diff else "up to date"
                entry["diff"] = item.diff
                outcome.code = exit_code(differences=bool(item.diff), parts=[outcome.code])
            elif item.report is not None:
                entry.update(asdict(item.report))
                changed = item.report.created or item.report.updated or item.report.removed
                entry["status"] = "written" if changed else "up to date"
            outcome.clusters.append(entry)
            outcome.issues.extend(w.as_json() for w in item.result.warnings)
            outcome.warnings.extend(w.format() for w in item.result.warnings)
    except SpecInvalid as exc:
        ordered = sorted(exc.issues, key=Issue.sort_key)
        outcome.clusters = []
        outcome.code = exit_code(exc)
        outcome.issues = [i.as_json() for i in ordered]
        outcome.errors = [i.format() for i in ordered]
        outcome.error_count = exc.error_count if exc.error_count else len(ordered)  # --strict: warnings count
    except EksgenError as exc:
        hint = getattr(exc, "hint", None)
        outcome.code, outcome.errors = exit_code(exc), [f"error: {exc}", *([f"hint: {hint}"] if hint else [])]
    except Exception as exc:  # a bug in one cluster must not take the fleet down
        outcome.code, outcome.errors = exit_code(exc), [f"internal error: {type(exc).__name__}: {exc}"]
    return outcome


T = TypeVar("T")


def render_fleet(paths: list[Path], *, out_dir: Path | None, force: bool, check: bool, today: dt.date | None,
                 jobs: int, incremental: bool, strict: bool, on_done: Callable[[Outcome], None],
                 dated_gate: bool = False, import_blocks: bool = False) -> list[Outcome]:
    """Survey, refuse shared directories, then render what a recorded verdict cannot stand in for."""
    clock = today or dt.date.today()  # one clock for the whole run
    nested = out_dir is not None and len(paths) > 1  # several specs into one -o: out/<cluster name>
    skip = incremental and not force and not check and not import_blocks
    with _pool(jobs, len(paths)) as pool, _cancelled_on_interrupt(pool):
        surveys = list(_map(pool, survey_one, [(p, out_dir, nested, clock, skip, strict) for p in paths]))
        clashes = shared_directories(surveys)
        if clashes:
            raise UsageError("two clusters would write one directory; nothing written:\n  " + "\n  ".join(clashes)
                             + "\ngive each cluster its own metadata.name (or its own spec directory)")
        todo = [(p, out_dir, force, check, clock, strict, nested, dated_gate, import_blocks)
                for p, s in zip(paths, surveys, strict=True) if s.replay is None]
        rendered = _grouped(pool, todo)
        outcomes = []
        for survey in surveys:
            outcome = survey.replay or next(rendered)
            on_done(outcome)
            outcomes.append(outcome)
    return outcomes


class _Serial(Executor):
    pass


@contextlib.contextmanager
def _cancelled_on_interrupt(pool: Executor) -> Iterator[None]:
    """Ctrl-C or SIGTERM: start no new spec (each running one finishes or unwinds its own write)."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise


def _pool(jobs: int, count: int) -> Executor:
    if jobs <= 1 or count <= 1:
        return _Serial()
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(max_workers=min(jobs, count), mp_context=context)


def _call(job: tuple[Callable[..., T], tuple[Any, ...]]) -> T:
    function, args = job
    return function(*args)


def _map(pool: Executor, function: Callable[..., T], tasks: list[tuple[Any, ...]]) -> Iterator[T]:
    """Results in task order, as they arrive (the progress bar and CI lines follow the work)."""
    if isinstance(pool, _Serial):
        return (function(*t) for t in tasks)
    workers = getattr(pool, "_max_workers", 1)
    return pool.map(_call, [(function, t) for t in tasks], chunksize=max(1, len(tasks) // (workers * 8)))


GROUP_LIMIT = 64  # specs written together at most: each holds its directory's lock until the group ends


def _grouped(pool: Executor, tasks: list[RenderTask]) -> Iterator[Outcome]:
    """render_group over consecutive slices of `tasks` (each worker several per run, so the progress
    bar moves), outcomes in task order."""
    workers = getattr(pool, "_max_workers", 1)
    size = max(1, min(GROUP_LIMIT, len(tasks) // (workers * 8) if workers > 1 else GROUP_LIMIT // 2))
    groups = [(tasks[i:i + size],) for i in range(0, len(tasks), size)]
    return (outcome for outcomes in _map(pool, render_group, groups) for outcome in outcomes)


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
