"""Fleet benchmark: full render of N generated specs on all cores, the incremental re-render with
one spec changed and with nothing changed, each beside its floor, measured in one run.

Run: python bench/fleet_bench.py [-n 1000] [-r 3] [--single]
Targets (issue 15), on 2 cores: full < 5 s with every rendered file parsed back by python-hcl2,
one spec changed < 0.5 s, nothing changed < 0.3 s. The machine may be shared, so every figure is the
median of `-r` rounds, each round measuring the floor too (a fresh interpreter importing jinja2,
pydantic, typer and hcl2), and CPU seconds (user + system of the command's processes) are shown
beside wall seconds: CPU time is what the code costs, wall time what a user waits.
Each round's full render starts from a fleet with no output directories, as a first render in CI
does. The full render runs twice per round: with an empty parse store (generator/pipeline/parsestore.py,
a new directory: every file parsed by python-hcl2 in that run) and again from no outputs with the store
the first left (a CI job whose cache holds the last run's store); the re-renders use that store too.
Child processes write bytecode (PYTHONDONTWRITEBYTECODE is dropped for them), as an installed
package has it; the first round warms it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "EKSGEN_CACHE_DIR")}
FLOOR = [sys.executable, "-c", "import jinja2, pydantic, typer, hcl2"]
TARGETS = {"full": 5.0, "full, warm store": 5.0, "one changed": 0.5, "nothing changed": 0.3}


def run(cmd: list[str], cwd: Path, store: Path | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (children's user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
                          env={**ENV, "EKSGEN_CACHE_DIR": str(store) if store else "off"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def outputs(work: Path) -> None:
    for path in work.iterdir():
        if path.is_dir():
            shutil.rmtree(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("-r", "--rounds", type=int, default=3)
    parser.add_argument("--single", action="store_true", help="also a full render on one core, for scale")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="eksgen-fleet-"))
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_fleet.py"), str(work), "-n", str(args.n)], check=True,
                   stdout=subprocess.DEVNULL)
    eksgen = [sys.executable, "-m", "generator", "render", "team-*.yaml", "--today", "2026-11-25"]
    cores = len(os.sched_getaffinity(0))
    print(f"fleet of {args.n} specs (base + overlays), {cores} cores, {args.rounds} rounds, {work}")
    run([*eksgen[:3], "--version"], work)  # bytecode written once
    rows: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("floor", "full", "full, warm store", "one changed", "nothing changed")}
    stores = Path(tempfile.mkdtemp(prefix="eksgen-fleet-stores-"))
    for round_ in range(args.rounds):
        store = Path(tempfile.mkdtemp(dir=stores))
        outputs(work)
        rows["floor"].append(run(FLOOR, work))
        rows["full"].append(run(eksgen, work, store))
        outputs(work)
        rows["full, warm store"].append(run(eksgen, work, store))
        rendered = sum(1 for d in work.glob("team-*/.eksgen/manifest.json"))
        if rendered != args.n:
            sys.exit(f"round {round_ + 1}: {rendered} of {args.n} clusters rendered")
        rows["nothing changed"].append(run(eksgen, work, store))
        spec = work / f"team-{7 + round_:04d}.yaml"
        spec.write_text(spec.read_text().replace("tags: {team: ", "tags: {rev: r2, team: "))
        rows["one changed"].append(run(eksgen, work, store))
    shutil.rmtree(stores, ignore_errors=True)
    floor_wall = statistics.median(w for w, _ in rows["floor"])
    print(f"  {'':44} {'wall s':>8} {'cpu s':>8} {'x floor':>8} {'target':>8}   (median; each round's wall)")
    for label, values in rows.items():
        wall, cpu = statistics.median(w for w, _ in values), statistics.median(c for _, c in values)
        target = f"< {TARGETS[label]:.1f}" if label in TARGETS else ""
        name = {"floor": "floor: import jinja2, pydantic, typer, hcl2",
                "full": f"full render, {args.n} specs, empty store",
                "full, warm store": f"full render, {args.n} specs, warm store"}.get(label, f"re-render, {label}")
        print(f"  {name:44} {wall:8.2f} {cpu:8.2f} {wall / floor_wall:8.1f} {target:>8}   "
              f"({', '.join(f'{w:.2f}' for w, _ in values)})")
    if args.single:
        wall, cpu = run([*eksgen, "-j", "1", "--no-incremental"], work)  # the store off: every file parsed
        print(f"  {'full re-render on one core, no skipping':44} {wall:8.2f} {cpu:8.2f}")
    print(f"  full render, empty store: {statistics.median(w for w, _ in rows['full']) / args.n * 1000:.1f} ms per "
          "spec wall; every rendered file is read back and compared with its plan (the round trip), parsed by "
          "python-hcl2 in that run with an empty store, by an earlier run with a warm one")


if __name__ == "__main__":
    main()
