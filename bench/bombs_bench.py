"""Resource bounds of hostile inputs (issue 13): time and peak memory of every bomb, beside its floor.

Each input runs in a fresh child process twice over:
  * library: `load_spec` (or the aws-auth conversion) after imports, timed with perf_counter, peak
    resident memory from getrusage; the floor is the same call on a small valid spec;
  * cli: the installed `eksgen validate` (or `aws-auth convert`), wall time and the child's max RSS;
    the floor is the same command on the valid spec (interpreter start-up and imports dominate it).
A bomb must be refused with exit 2 within 1 s and 200 MB above nothing (absolute figures, library).

    .venv/bin/python bench/bombs_bench.py          # prints a table; exit 1 if any bound is broken
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_LIMIT_S = 1.0
MEMORY_LIMIT_MB = 200.0
EKSGEN = Path(sys.executable).parent / "eksgen"
VALID = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 4
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles: |\n"


def _alias_bomb(levels: int, width: int = 8) -> str:
    lines = [f"        l0: &l0 [{', '.join(['xxxxxxxx'] * width)}]"]
    lines += [f"        l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return VALID + "  addons:\n    coredns:\n      configuration:\n" + "\n".join(lines) + "\n"


def _configmap_bomb() -> str:
    rows = ["    - &a {rolearn: x, groups: [a, b, c, d, e, f, g, h]}"]
    rows += [f"    - &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 8)}]" for i in range(9)]
    return CONFIGMAP + "\n".join(rows) + "\n"


BOMBS: dict[str, tuple[str, str]] = {  # name -> (kind, text); kind "spec" or "configmap"
    "valid spec (floor)": ("spec", VALID),
    "configuration alias bomb, 8^6 values": ("spec", _alias_bomb(6)),
    "configuration alias bomb, 8^9 values": ("spec", _alias_bomb(9)),
    "10 documents, each 8^5": ("spec", "\n---\n".join(_alias_bomb(5) for _ in range(10))),
    "60 kB string aliased 1,000 times": ("spec", VALID + "  waivers:\n    - &s " + "x" * 60_000 + "\n"
                                          + "    - *s\n" * 1000),
    "plain list of 600,000 items (1.2 MB)": ("spec", VALID + "  waivers: [" + ",".join(["1"] * 600_000) + "]\n"),
    "5,000 nested flow lists": ("spec", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
    "2 MB + 1 byte file": ("spec", VALID + "#" * (2 * 1024 * 1024 - len(VALID)) + "\n"),
    "aws-auth: valid (floor)": ("configmap", CONFIGMAP + "    - rolearn: arn:aws:iam::111122223333:role/a\n"),
    "aws-auth: mapRoles alias bomb, 8^10": ("configmap", _configmap_bomb()),
    "aws-auth: 5,000-deep mapRoles": ("configmap", CONFIGMAP + "    - " + "[" * 5000 + "]" * 5000 + "\n"),
}
DEVICES = {"extends: /dev/zero": ("spec", "extends: /dev/zero\n"),
           "extends: /dev/urandom": ("spec", "extends: /dev/urandom\n")}

CHILD = """
import json, resource, sys, time
from pathlib import Path
from generator.errors import EksgenError
from generator.api import load_spec
from generator.pipeline.awsauth import configmap_to_access_yaml
from generator.pipeline.specfile import read_spec
kind, path = sys.argv[1], Path(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    load_spec(path) if kind == "spec" else configmap_to_access_yaml(read_spec(path), str(path))
    outcome = "accepted"
except EksgenError as exc:
    outcome = f"refused (exit {int(exc.exit_code)})"
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, "added_mb": (peak - base) / 1024, "outcome": outcome}))
"""


LARGEST = VALID + "  addons:\n    coredns:\n      configuration:\n" + "".join(
    f"        k{i}: [{', '.join(['v'] * 18)}]\n" for i in range(240))  # ~4,900 values: just under the bound
RENDER_CHILD = """
import resource, sys, time
from pathlib import Path
from generator.pipeline.specfile import render_spec
start = time.perf_counter()
render_spec(Path(sys.argv[1]))
print(f"{time.perf_counter() - start:.2f} s, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
"""


def library(kind: str, path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True,
                          check=True, timeout=120)
    return dict(json.loads(done.stdout))


def cli(kind: str, path: Path) -> tuple[float, float, int]:
    argv = [str(EKSGEN), "validate", str(path)] if kind == "spec" else [str(EKSGEN), "aws-auth", "convert", str(path)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory(prefix="eksgen-bombs-") as tmp:
        for name, (kind, text) in {**BOMBS, **DEVICES}.items():
            path = Path(tmp) / f"{len(rows)}.yaml"
            path.write_text(text, encoding="utf-8")
            rows.append((name, kind, path.stat().st_size, library(kind, path), cli(kind, path)))
    floors = {kind: (lib, run) for name, kind, _, lib, run in rows if "(floor)" in name}
    print(f"{'input':40} {'bytes':>9} {'lib s':>7} {'floor':>6} {'lib MB':>7} {'floor':>6} "
          f"{'cli s':>6} {'floor':>6} {'cli MB':>7} {'floor':>6} exit  outcome")
    broken = []
    for name, kind, size, lib, (seconds, mb, code) in rows:
        floor_lib, (floor_s, floor_mb, _) = floors[kind]
        print(f"{name:40} {size:>9} {lib['seconds']:>7.3f} {floor_lib['seconds']:>6.3f} {lib['peak_mb']:>7.1f} "
              f"{floor_lib['peak_mb']:>6.1f} {seconds:>6.2f} {floor_s:>6.2f} {mb:>7.1f} {floor_mb:>6.1f} {code:>4}  "
              f"{lib['outcome']}")
        if "(floor)" in name:
            continue
        if float(str(lib["seconds"])) > TIME_LIMIT_S or float(str(lib["peak_mb"])) > MEMORY_LIMIT_MB or code != 2:
            broken.append(name)
        if mb > MEMORY_LIMIT_MB:
            broken.append(f"{name} (cli memory)")
    with tempfile.TemporaryDirectory(prefix="eksgen-bombs-") as tmp:
        path = Path(tmp) / "largest.yaml"
        path.write_text(LARGEST, encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", RENDER_CHILD, str(path)], capture_output=True, text=True,
                              check=True, timeout=600)
        print(f"\nnot a bomb: the largest accepted document ({len(LARGEST)} bytes, ~4,900 values in addon "
              f"configuration) renders and proves in {done.stdout.strip()} (the round trip is most of it)")
    print(f"\nbounds: library time <= {TIME_LIMIT_S} s, peak RSS <= {MEMORY_LIMIT_MB} MB, exit 2 for every bomb; "
          f"cli time shown beside the valid spec's (start-up is most of it)")
    if broken:
        print("OVER THE BOUND: " + ", ".join(broken))
        return 1
    print("every bomb within its bound")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a regression fails here, not the machine
    sys.exit(main())
