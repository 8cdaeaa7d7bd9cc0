"""Fleet benchmark: full render of N generated specs on all cores, the incremental re-render
with one spec changed, and peak memory, side by side with their floors.

Run: python bench/fleet_bench.py [-n 1000]
Targets (issue 15): full < 5 s on 2 cores, incremental with one spec changed < 0.5 s,
nothing changed < 0.3 s. The machine may be shared: run it under `nice` awareness and repeat.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of the largest process in the command's tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1000)
    n = parser.parse_args().n
    work = Path(tempfile.mkdtemp(prefix="eksgen-fleet-"))
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_fleet.py"), str(work), "-n", str(n)], check=True,
                   stdout=subprocess.DEVNULL)
    eksgen = [sys.executable, "-m", "generator"]
    common = ["--today", "2026-11-25"]
    cores = len(os.sched_getaffinity(0))
    print(f"fleet of {n} specs (base + overlays), {cores} cores, {work}")
    floor, _ = run([sys.executable, "-c", "import jinja2, pydantic, typer, hcl2"], work)
    print(f"  floor: one interpreter importing jinja2, pydantic, typer, hcl2: {floor:6.2f} s")
    validate, _ = run([*eksgen, "validate", "team-0000.yaml", *common], work)
    print(f"  one spec, validate only (cold process):                  {validate:6.2f} s")
    full, rss = run([*eksgen, "render", "team-*.yaml", *common], work)
    print(f"  full render incl. round trip of every file ({n} specs):   {full:6.2f} s  "
          f"({full / n * 1000:.1f} ms/spec wall; target < 5 s)")
    again, _ = run([*eksgen, "render", "team-*.yaml", *common], work)
    print(f"  re-render, nothing changed (all skipped, verdicts kept): {again:6.2f} s  (target < 0.3 s)")
    spec = work / "team-0007.yaml"
    spec.write_text(spec.read_text().replace("minSize: 1,", "minSize: 2,"))
    one, _ = run([*eksgen, "render", "team-*.yaml", *common], work)
    print(f"  incremental re-render, one spec changed:                {one:6.2f} s  (target < 0.5 s)")
    single, _ = run([*eksgen, "render", "team-*.yaml", "-j", "1", "--no-incremental", *common], work)
    print(f"  full re-render on one core (no skipping), for scale:    {single:6.2f} s")
    print(f"  peak RSS of the largest process: {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
