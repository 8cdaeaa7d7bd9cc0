"""Time of the checks stage alone (load + model + defaults + all rules) for the
production-like example and a generated spec with 30 managed node groups.

Run: python bench/check_bench.py [-n 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)


def thirty_groups() -> str:
    groups = "".join(
        f"    - name: ng{i:02d}\n      instanceTypes: [m6i.large, m6a.large]\n      minSize: 1\n      maxSize: 4\n"
        f"      labels: {{pool: p{i}}}\n      taints: [{{key: dedicated, value: p{i}, effect: NO_SCHEDULE}}]\n"
        for i in range(30))
    return ("apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: {name: big, region: eu-west-1}\n"
            "spec:\n  kubernetesVersion: \"1.35\"\n  managedNodeGroups:\n" + groups)


def timed(text: str, runs: int) -> tuple[float, int]:
    times, issues = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = check_document(load_documents(text, "spec.yaml")[0], today=TODAY)
        times.append(time.perf_counter() - start)
        issues = len(result.issues)
    return statistics.median(times), issues


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    runs = parser.parse_args().n
    for label, text in (("production example", (ROOT / "examples/production/cluster.yaml").read_text()),
                        ("30 managed node groups", thirty_groups())):
        median, issues = timed(text, runs)
        print(f"{label:<24} check median {median * 1000:7.2f} ms over {runs} runs ({issues} findings)")


if __name__ == "__main__":
    main()
