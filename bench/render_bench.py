"""Cold `eksgen render` of the production-like example, side by side with its floors.

Prints the median and spread of N cold runs (fresh interpreter each time) for:
`python -c pass`, `python -c 'import jinja2, pydantic, typer, hcl2'` (the floor), the same with
`from pydantic import BaseModel` (pydantic's lazy import made real), `eksgen --version` and
`eksgen render examples/production/cluster.yaml -o DIR`, interleaved round by round so a shared
machine's load falls on all of them alike, wall and CPU (user + system) seconds. Target (issue 15):
the cold render at most 2.0x the floor. The render runs three times per round: with an empty parse
store (generator/pipeline/parsestore.py; a new store directory each run, so a first render anywhere),
the same with the parse helper off (generator/pipeline/parsehelper.py; EKSGEN_PARSE_HELPER=off, all
in one process), and with a store holding this render's reads (a re-render: a CI cache, a pre-commit
hook, --check). CPU counts the helper's process too (the bench reaps it as Linux's subreaper).
Children write bytecode (PYTHONDONTWRITEBYTECODE is dropped for them), as an installed package has
it. Also the in-process time per stage.
Run: python bench/render_bench.py [-n 10]
To measure another checkout with the same interpreter, run it from outside both trees with
PYTHONPATH=/that/checkout (`python -m generator` puts the working directory first on sys.path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "examples" / "production" / "cluster.yaml"


ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "EKSGEN_CACHE_DIR")}
STORES = Path(tempfile.mkdtemp(prefix="eksgen-bench-stores-"))
WARM_STORE = STORES / "warm"


def fresh_store() -> dict[str, str]:
    return {**ENV, "EKSGEN_CACHE_DIR": tempfile.mkdtemp(dir=STORES)}


def warm_store() -> dict[str, str]:
    return {**ENV, "EKSGEN_CACHE_DIR": str(WARM_STORE)}


def no_store() -> dict[str, str]:
    return {**ENV, "EKSGEN_CACHE_DIR": "off"}


WITHOUT_ROUND_TRIP = """
import sys, types
reader = types.ModuleType("generator.pipeline.hclread")
reader.OPTIONS, reader.parse, reader.parse_by_parts = None, None, None
sys.modules["generator.pipeline.hclread"] = reader
import generator.pipeline.run as run
run.verify_round_trip = lambda plan, files: None
from generator.cli.main import main
sys.argv[0] = "eksgen"
sys.exit(main())
"""


def no_helper() -> dict[str, str]:
    return {**fresh_store(), "EKSGEN_PARSE_HELPER": "off"}


def adopt_orphans() -> bool:
    """Become the subreaper of this bench's descendants (Linux): a parse helper its render leaves behind
    (killed, not waited for) is reaped here, so its CPU counts in the render's."""
    try:
        import ctypes

        return bool(ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans() -> None:
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def cold(cmds: dict[str, tuple[list[str], Callable[[], dict[str, str]]]],
         runs: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, cpu) seconds of each command, `runs` rounds, the commands interleaved in every round. CPU
    is the command's and its descendants' (a parse helper included, where `adopt_orphans` worked)."""
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in cmds}
    for _ in range(runs):
        for label, (cmd, env) in cmds.items():
            run_env = env()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=run_env)
            wall = time.perf_counter() - start
            reap_orphans()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[label].append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    return times


def stages() -> dict[str, float]:
    from generator.pipeline.checks import run_checks
    from generator.pipeline.defaults import apply_defaults
    from generator.pipeline.interface import check_interfaces
    from generator.pipeline.load import load_documents
    from generator.pipeline.plan import build_plan
    from generator.pipeline.render import render_plan
    from generator.pipeline.roundtrip import verify_round_trip
    from generator.pipeline.spec import parse_cluster

    text = SPEC.read_text()
    out: dict[str, float] = {}

    def timed(name: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        out[name] = out.get(name, 0.0) + time.perf_counter() - start
        return result

    for _ in range(20):
        doc = timed("load", load_documents, text, str(SPEC))[0]
        cluster = timed("model", parse_cluster, doc)[0]
        effective = timed("defaults", apply_defaults, cluster)
        timed("checks", run_checks, effective, doc.data, today=dt.date(2026, 11, 25))
        plan = timed("plan", build_plan, effective)
        files = timed("render", render_plan, plan, SPEC.name)
        timed("round trip", verify_round_trip, plan, files)
        timed("interface", check_interfaces, plan)
    return {k: v / 20 for k, v in out.items()}


FLOOR = "import jinja2, pydantic, typer, hcl2 (floor)"
EMPTY = "eksgen render production, empty parse store"
ALONE = "... the same without the parse helper"
WARM = "eksgen render production, warm parse store"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=10)
    runs = parser.parse_args().n
    out = Path(tempfile.mkdtemp(prefix="eksgen-bench-"))

    def render(out_dir: Path) -> list[str]:
        return ["render", str(SPEC), "-o", str(out_dir), "--no-incremental", "--today", "2026-11-25"]

    rows = {
        "python -c pass": ([sys.executable, "-c", "pass"], no_store),
        FLOOR: ([sys.executable, "-c", "import jinja2, pydantic, typer, hcl2"], no_store),
        # `import pydantic` alone is lazy: this is the floor with pydantic's model machinery loaded, as
        # any BaseModel subclass loads it (for scale, not the target's floor).
        "... and `from pydantic import BaseModel`": ([sys.executable, "-c",
                                                     "import jinja2, typer, hcl2; from pydantic import BaseModel"],
                                                    no_store),
        "eksgen --version": ([sys.executable, "-m", "generator", "--version"], no_store),
        EMPTY: ([sys.executable, "-m", "generator", *render(out)], fresh_store),
        ALONE: ([sys.executable, "-m", "generator", *render(out)], no_helper),
        WARM: ([sys.executable, "-m", "generator", *render(out)], warm_store),
        # For scale, not a way to run eksgen: the same render with no round trip (python-hcl2 and Lark never
        # imported), the bound of anything done to the parse (cached, parallel, faster).
        "... the same without the round trip": ([sys.executable, "-c", WITHOUT_ROUND_TRIP, *render(out / "bound")],
                                                no_store),
    }
    adopted = adopt_orphans()
    print(f"cold runs: {runs} each, interleaved, {sys.version.split()[0]}; cpu "
          + ("includes the parse helper's" if adopted else "EXCLUDES the parse helper's (no subreaper here)"))
    cold(rows, 1)  # bytecode written, caches warm
    medians = {}
    for label, values in cold(rows, runs).items():
        walls = [w for w, _ in values]
        medians[label] = statistics.median(walls)
        print(f"  {label:<50} median {medians[label] * 1000:7.1f} ms  "
              f"min {min(walls) * 1000:7.1f}  max {max(walls) * 1000:7.1f}  "
              f"cpu median {statistics.median(c for _, c in values) * 1000:7.1f} ms")
    floor = medians[FLOOR]
    for label in (EMPTY, ALONE, WARM):
        print(f"  {label} / import floor: {medians[label] / floor:.2f}x wall (target <= 2.0x); over the "
              f"floor with BaseModel: {medians[label] / medians['... and `from pydantic import BaseModel`']:.2f}x")
    print(f"  without the round trip / import floor: {medians['... the same without the round trip'] / floor:.2f}x")
    os.environ["EKSGEN_CACHE_DIR"] = "off"  # the parse itself, every time
    print("in-process stage times (warm, mean of 20, parse store off):")
    for name, seconds in stages().items():
        print(f"  {name:<12} {seconds * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
