"""The worker pool of a fleet run: processes (fork where there is one), or in-process for one job;
results in task order; Ctrl-C starts no new task."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from typing import Any, TypeVar

from generator.errors import Terminated, UsageError

T = TypeVar("T")


class Serial(Executor):
    pass


@contextlib.contextmanager
def cancelled_on_interrupt(pool: Executor) -> Iterator[None]:
    """Ctrl-C or SIGTERM: start no new spec (each running one finishes or unwinds its own write)."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise


def _process_pool(workers: int, **options: Any) -> Executor:
    import multiprocessing  # a run that renders in-process (one spec left, or -j 1) never needs it
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, **options)


def pool_for(jobs: int, count: int) -> Executor:
    if jobs <= 1 or count <= 1:
        return Serial()
    return _process_pool(min(jobs, count))


# Below this many specs the survey is shorter than starting a worker and warming it is worth.
WARM_START_SPECS = 200
# At most this many specs left after the survey go to the warm worker alone: it renders them (a few ms
# each) before a second, cold worker would have imported the pipeline (~0.25 s).
WARM_ONLY_SPECS = 32


def warm_up() -> None:
    """What rendering a spec needs before its first line: the pipeline imported, the HCL parser loaded.
    Interrupted (Ctrl-C or SIGTERM reach the whole process group), it stops quietly: the run that
    started it reports the interruption, and a task it still gets imports what it needs."""
    try:
        from generator.pipeline import specfile, writegroup  # noqa: F401 (imported for later tasks)
        from generator.pipeline.hclread import load_parser

        load_parser()
    except (KeyboardInterrupt, Terminated):
        return


def _nothing() -> None:
    return None


def warm_worker() -> Executor:
    """One worker started now, warming up (`warm_up`) on another CPU while this process surveys."""
    pool = _process_pool(1, initializer=warm_up)
    pool.submit(_nothing)  # starts the worker
    return pool


def stop_now(pool: Executor) -> None:
    """Stop a pool's workers without waiting for them (a warm-up nobody needs): they hold no files."""
    kill = getattr(pool, "kill_workers", None)  # Python 3.14; SIGKILL, as below
    if callable(kill):
        kill()
    else:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _call(job: tuple[Callable[..., T], tuple[Any, ...]]) -> T:
    function, args = job
    return function(*args)


def ordered_map(pool: Executor, function: Callable[..., T], tasks: list[tuple[Any, ...]]) -> Iterator[T]:
    """Results in task order, as they arrive (the progress bar and CI lines follow the work)."""
    if isinstance(pool, Serial):
        return (function(*t) for t in tasks)
    workers = getattr(pool, "_max_workers", 1)
    return pool.map(_call, [(function, t) for t in tasks], chunksize=max(1, len(tasks) // (workers * 8)))


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
