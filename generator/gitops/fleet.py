"""Rendering many specs: CI sharding, incremental skips, one directory per cluster, parallel workers.

A run has two phases. The survey loads every spec (in parallel) and says where each cluster will
be written and whether a recorded verdict can stand in for rendering it; two clusters bound for
one directory refuse the whole run before anything is written. Then the rest render. One bad
cluster fails with its own errors; the rest still render.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import EksgenError, Issue, SpecInvalid, UsageError, exit_code
from generator.gitops.recorded import forget, manifest_record, recorded_clusters, regular_file_digest
from generator.gitops.selection import GLOB_CHARS, select
from generator.gitops.workers import (
    WARM_ONLY_SPECS,
    WARM_START_SPECS,
    cancelled_on_interrupt,
    ordered_map,
    pool_for,
    stop_now,
    warm_worker,
)
from generator.pipeline.layout import output_path
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file
from generator.pipeline.write import WriteReport

if TYPE_CHECKING:
    from generator.pipeline.specfile import RenderResult
    from generator.pipeline.writegroup import TreeWrite

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
               strict: bool, *, load: bool = True) -> Survey:
    """Where the spec's clusters go and, with `incremental`, the recorded verdict that stands in for a
    render (None: render it). Without `load`, only what the recorded hashes tell (no YAML read)."""
    survey = Survey(spec=str(path))
    try:
        data = read_regular_file(path)
    except (OSError, UnreadableFile):
        return survey  # reported when it renders
    clusters = recorded_clusters(path, data, out_dir, nested) if incremental else None
    if clusters is None:
        if not load:
            return survey  # the render says where it goes
        clusters = _loaded_clusters(path, data)
        if clusters is None:
            return survey  # reported when it renders, with the spec's own errors
    records = []
    for name, digest in clusters:
        target = output_path(path, out_dir, name, 2 if nested else len(clusters))
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


def _replay(path: Path, records: list[tuple[str, str, str]], today: dt.date, strict: bool) -> Outcome | None:
    """The outcome of the last render when it still holds: same input, files untouched, clock in its window."""
    outcome = Outcome(spec=str(path), skipped=True)
    warnings: list[Issue] = []
    for name, target, digest in records:
        read = manifest_record(target)
        if read is None:
            return None  # the render reports why
        recorded, files = read.record, read.files
        if recorded.get("specSha256") != digest or read.pending:
            return None
        if not _within(recorded.get("verdictWindow"), today) or not isinstance(recorded.get("warnings"), list):
            return None
        for file, file_digest in files.items():
            if regular_file_digest(os.path.join(target, file)) != file_digest:
                return None
        warnings.extend(Issue.from_record(w) for w in recorded["warnings"] if isinstance(w, dict))
        outcome.clusters.append({"cluster": name, "outDir": target, "files": sorted(files), "status": "up to date",
                                 "created": [], "updated": [], "removed": [], "unchanged": sorted(files)})
    warnings.sort(key=Issue.sort_key)
    if strict and warnings:  # the verdict a full render would give: refused, nothing written
        return _failure(outcome, SpecInvalid(warnings))
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
        from generator.gitops.textdiff import directory_diff

        for item in results:
            item.diff = directory_diff(item.out_dir, encoded(item))
    return results


@dataclass
class Prepared:
    """A spec after the first phase: where its clusters go, its outcome, and the writes it still needs
    (one per entry of `outcome.clusters`, in order; none for a replay, a failure or --check)."""

    survey: Survey
    outcome: Outcome
    writes: list[TreeWrite] = field(default_factory=list)


def prepare_one(path: Path, survey: Survey, out_dir: Path | None, nested: bool, today: dt.date, strict: bool,
                force: bool, check: bool, dated_gate: bool, import_blocks: bool) -> Prepared:
    """Everything but the write, for a spec no recorded verdict stands in for: rendered and proven in
    memory (with --check, compared with its directories)."""
    from generator.pipeline.specfile import tree_write

    try:
        results = _rendered(path, out_dir=out_dir, check=check, strict=strict, today=today, nested=nested,
                            dated_gate=dated_gate, import_blocks=import_blocks)
    except Exception as exc:
        if not survey.targets:  # a spec that fails still claims its directories: a clash is reported first
            survey = survey_one(path, out_dir, nested, today, False, strict)
        return Prepared(survey, _failure(Outcome(spec=str(path)), exc))
    survey.targets = [(item.name, os.path.abspath(item.out_dir)) for item in results]
    outcome = Outcome(spec=str(path))
    for item in results:
        entry: dict[str, object] = {
            "cluster": item.name, "outDir": str(item.out_dir), "files": sorted(item.files),
            "overrides": [".".join(str(p) for p in loc) for loc in item.result.document.overrides],
        }
        if check:
            entry["status"] = "stale" if item.diff else "up to date"
            entry["diff"] = item.diff
            outcome.code = exit_code(differences=bool(item.diff), parts=[outcome.code])
        outcome.clusters.append(entry)
        outcome.issues.extend(w.as_json() for w in item.result.warnings)
        outcome.warnings.extend(w.format() for w in item.result.warnings)
    writes = [] if check else [tree_write(item, force=force, today=today) for item in results]
    return Prepared(survey, outcome, writes)


def _failure(outcome: Outcome, exc: BaseException) -> Outcome:
    """`outcome` as the failure `exc` makes it: its errors, located where they are the spec's."""
    outcome.clusters, outcome.skipped = [], False
    if isinstance(exc, SpecInvalid):
        ordered = sorted(exc.issues, key=Issue.sort_key)
        outcome.code = exit_code(exc)
        outcome.issues = [i.as_json() for i in ordered]
        outcome.errors = [i.format() for i in ordered]
        outcome.error_count = exc.error_count if exc.error_count else len(ordered)  # --strict: warnings count
    elif isinstance(exc, EksgenError):
        hint = getattr(exc, "hint", None)
        outcome.code, outcome.errors = exit_code(exc), [f"error: {exc}", *([f"hint: {hint}"] if hint else [])]
    else:  # a bug in one cluster must not take the fleet down
        outcome.code, outcome.errors = exit_code(exc), [f"internal error: {type(exc).__name__}: {exc}"]
    return outcome


def write_group(trees: list[TreeWrite]) -> list[WriteReport | Outcome]:
    """The second phase, for one group: each tree's report, or the failure as an outcome to report."""
    from generator.pipeline.writegroup import write_trees

    return [_failure(Outcome(spec=""), r) if isinstance(r, Exception) else r for r in write_trees(trees)]


def _written(prepared: Prepared, reports: list[WriteReport | Outcome]) -> Outcome:
    """A prepared outcome with its writes' reports; the first failed write decides a failed spec."""
    outcome = prepared.outcome
    failed = next((r for r in reports if isinstance(r, Outcome)), None)
    if failed is not None:
        failed.spec, failed.warnings, failed.issues = outcome.spec, outcome.warnings, outcome.issues + failed.issues
        return failed
    written = [r for r in reports if isinstance(r, WriteReport)]
    for entry, report in zip(outcome.clusters, written, strict=True):
        entry.update(asdict(report))
        changed = report.created or report.updated or report.removed
        entry["status"] = "written" if changed else "up to date"
    return outcome


def render_fleet(paths: list[Path], *, out_dir: Path | None, force: bool, check: bool, today: dt.date | None,
                 jobs: int, incremental: bool, strict: bool, on_done: Callable[[Outcome], None],
                 dated_gate: bool = False, import_blocks: bool = False,
                 on_rendered: Callable[[], None] = lambda: None) -> list[Outcome]:
    """Two phases: every spec rendered and proven in memory (or its recorded verdict replayed), in
    parallel; shared directories refused before anything is written; then the writes, in groups."""
    clock = today or dt.date.today()  # one clock for the whole run
    nested = out_dir is not None and len(paths) > 1  # several specs into one -o: out/<cluster name>
    forget()  # the manifests as they are now, before this run writes any
    skip = incremental and not force and not check and not import_blocks
    # The recorded verdicts first, here: reading and hashing is cheaper than sending work to a worker,
    # and workers start only for what is left (one spec left renders in this process). A long survey
    # runs beside a warm worker importing the pipeline instead: the few specs it leaves (one changed,
    # in a pipeline's usual run) render there without waiting for the imports.
    warm = warm_worker() if skip and jobs > 1 and len(paths) >= WARM_START_SPECS else None
    try:
        surveys = [survey_one(p, out_dir, nested, clock, True, strict, load=False) if skip else Survey(spec=str(p))
                   for p in paths]
    except BaseException:
        if warm is not None:
            stop_now(warm)
        raise
    todo = [(p, s, out_dir, nested, clock, strict, force, check, dated_gate, import_blocks)
            for p, s in zip(paths, surveys, strict=True) if s.replay is None]
    if warm is not None and not 0 < len(todo) <= WARM_ONLY_SPECS:
        stop_now(warm)
        warm = None
    with warm or pool_for(jobs, len(todo)) as pool, cancelled_on_interrupt(pool):
        rendered = ordered_map(pool, prepare_one, todo)
        prepared = []
        for survey in surveys:
            item = Prepared(survey, survey.replay) if survey.replay is not None else next(rendered)
            on_rendered()
            prepared.append(item)
        clashes = shared_directories([item.survey for item in prepared])
        if clashes:
            raise UsageError("two clusters would write one directory; nothing written:\n  " + "\n  ".join(clashes)
                             + "\ngive each cluster its own metadata.name (or its own spec directory)")
        reports = _grouped_writes(pool, [tree for item in prepared for tree in item.writes])
        outcomes = []
        for item in prepared:
            outcome = _written(item, [next(reports) for _ in item.writes]) if item.writes else item.outcome
            on_done(outcome)
            outcomes.append(outcome)
    return outcomes


GROUP_LIMIT = 64  # trees written together at most: each holds its directory's lock until the group ends


def _grouped_writes(pool: Executor, trees: list[TreeWrite]) -> Iterator[WriteReport | Outcome]:
    """write_group over consecutive slices of `trees` (each worker several, so the lines keep coming),
    results in order."""
    workers = getattr(pool, "_max_workers", 1)
    size = max(1, min(GROUP_LIMIT, len(trees) // (workers * 4) if workers > 1 else GROUP_LIMIT // 2))
    groups = [(trees[i:i + size],) for i in range(0, len(trees), size)]
    return (report for reports in ordered_map(pool, write_group, groups) for report in reports)
