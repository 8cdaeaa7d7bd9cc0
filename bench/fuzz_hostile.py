"""Fuzz the loader and the whole CLI with hostile YAML (issue 13); not part of CI.

Inputs are hypothesis-generated: byte-level mutations of the example specs and of an aws-auth
ConfigMap, and structured YAML built from hostile scalars (YAML 1.1 spellings, tags, anchors,
aliases, merge keys, NFD text, control characters, deep nesting). Every input goes through the
loader and checks in-process (`load_spec`, `check_spec`, the aws-auth conversion); every
`--cli-every`-th one also through the CLI entry point in-process (`generator.cli.main.main`, a
random command of render/validate/diff/explain/aws-auth convert) with the output directory
snapshotted around it.

A crash is any exception that is not eksgen's own error (EksgenError, SpecInvalid), an exit code
other than 0/1/2, a "bug in eksgen"/internal error message, or a file changed outside the output
directory. Crashes are written to --crashes and counted; the run never stops early.

    nice -n 19 .venv/bin/python bench/fuzz_hostile.py --examples 100000 --crashes /tmp/eksgen-fuzz
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
SEEDS = [p.read_text("utf-8") for p in sorted(REPO.glob("examples/*/cluster.yaml"))]
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ops
      username: ops
      groups: [system:masters]
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/alice
      username: alice
      groups: [developers]
"""
HOSTILE_SCALARS = [
    "on", "off", "yes", "no", "y", "n", "Y", "NO", "null", "~", "Null", "0x1F", "010", "0o17", "1_000", "1:30",
    "1:30.5", ".inf", "-.inf", ".nan", "1e5", "1.0e+16", "0.00001", "-0", "+5", "2026-01-01", "2026-01-01T00:00:00Z",
    "!evil x", "!!python/object:os.system x", "!!binary aGk=", "!!set {a}", "!!omap [a: 1]", "!!str 010",
    "!!int 0x10", "!!float 1", "<<", "=", "'e\u0301'", '"\\u2126"', '"\\u212B"', '"\\uF900"', '"\\u1100\\u1161"',
    '"\\u202e"', '"\\x1b[31m"', '"${x}"', '"%{if}"', '"$${x}"', "'a\nb'", '"\\ud800"', "''", '""',
    "node-role.kubernetes.io/worker", "kubernetes.io/role", "a.k8s.io/x", "eks.amazonaws.com/x",
    "arn:aws:iam::111122223333:role/x", "1.35", "1.34", "m6i.large", "eu-west-1", "banana", ">= 1.5.7",
    "*a", "&a x", "[", "{", "- ", "? ", ": ", "#", "|", ">", "%YAML 1.1", "---", "...",
]
KEYS = ["apiVersion", "kind", "metadata", "name", "region", "tags", "spec", "kubernetesVersion", "managedNodeGroups",
        "selfManagedNodeGroups", "labels", "minSize", "maxSize", "desiredSize", "addons", "configuration",
        "extends", "access", "awsAuth", "mapRoles", "rolearn", "groups", "terraform", "requiredVersion", "<<",
        "on", "yes", "null", "010", "vpc", "cidr", "endpoint", "waivers", "fargateProfiles", "data"]
COMMANDS = ["render", "validate", "diff", "explain", "convert"]


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, delete, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + delete % 8:]
    return text


scalar = st.one_of(st.sampled_from(HOSTILE_SCALARS), st.text(max_size=12), st.integers().map(str),
                   st.floats(allow_nan=False).map(repr))
node = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), scalar), inner, max_size=5).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"),
        st.tuples(st.sampled_from(["a", "b"]), inner).map(lambda t: f"&{t[0]} {t[1]}"),
        st.sampled_from(["*a", "*b", "<<: *a"]),
    ),
    max_leaves=30,
)
structured = st.builds(
    lambda seed, key, value, depth: _mutate(seed, []) + f"  {key}: {value}\n" + ("  x: " + "[" * depth + "]" * depth
                                                                             + "\n" if depth else ""),
    st.sampled_from(SEEDS), st.sampled_from(KEYS), node, st.sampled_from([0, 0, 0, 63, 64, 65, 1001]))
mutated = st.builds(_mutate, st.sampled_from([*SEEDS, CONFIGMAP]),
                    st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 7),
                                       st.one_of(st.sampled_from(HOSTILE_SCALARS), st.text(max_size=6))),
                             min_size=1, max_size=6))
inputs = st.one_of(mutated, structured, node.map(lambda n: f"root: {n}\n"))


def cheap_variants(rng: random.Random, text: str, count: int) -> list[str]:
    """`count` more inputs from one hypothesis example, mutated with its own random stream: the
    same kinds of edits, without hypothesis's per-example generation cost."""
    out = []
    for _ in range(count):
        variant = text
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(variant))
            insert = rng.choice(HOSTILE_SCALARS) if rng.random() < 0.7 else "".join(
                chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(1, 4)))
            variant = variant[:at] + insert + variant[at + rng.randint(0, 6):]
        out.append(variant)
    return out


class Fuzz:
    def __init__(self, crashes: Path, cli_every: int) -> None:
        self.crashes = crashes
        self.cli_every = cli_every
        self.count = self.cli_runs = self.crash_count = 0
        self.outcomes: dict[str, int] = {}
        self.seen: set[str] = set()
        self.work = Path(tempfile.mkdtemp(prefix="eksgen-fuzz-"))

    def crash(self, kind: str, text: str, detail: str) -> None:
        signature = kind + detail.splitlines()[-1][:200] if detail else kind
        self.crash_count += 1
        if signature in self.seen:
            return
        self.seen.add(signature)
        name = f"crash-{len(self.seen):04d}"
        (self.crashes / f"{name}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        (self.crashes / f"{name}.txt").write_text(f"{kind}\n{detail}\n", encoding="utf-8")

    def loader(self, text: str, path: Path) -> None:
        from generator.api import check_spec
        from generator.errors import EksgenError
        from generator.pipeline.awsauth import configmap_to_access_yaml

        try:
            if "ConfigMap" in text:
                configmap_to_access_yaml(text, str(path))
            else:
                check_spec(path)
            self.outcomes["loader accepted"] = self.outcomes.get("loader accepted", 0) + 1
        except EksgenError:
            self.outcomes["loader refused"] = self.outcomes.get("loader refused", 0) + 1
        except Exception:
            self.crash("library exception", text, traceback.format_exc())

    def cli(self, text: str, path: Path, command: str) -> None:
        from generator.cli.main import main

        out = self.work / "out"
        (self.work / "good.yaml").write_text(SEEDS[0], encoding="utf-8")
        argv = {"render": ["render", str(path), "-o", str(out), "-j", "1"], "validate": ["validate", str(path)],
                "diff": ["diff", str(self.work / "good.yaml"), str(path)], "explain": ["explain", str(path)],
                "convert": ["aws-auth", "convert", str(path)]}[command]
        before = {p: p.read_bytes() for p in self.work.iterdir() if p.is_file()}
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(argv)
        except BaseException:
            self.crash(f"cli {command} raised", text, traceback.format_exc())
            return
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # main() turns SIGTERM into an exception
        self.cli_runs += 1
        self.outcomes[f"cli {command} exit {code}"] = self.outcomes.get(f"cli {command} exit {code}", 0) + 1
        message = stderr.getvalue()
        if code not in (0, 1, 2) or "bug in eksgen" in message or "Traceback" in message:
            self.crash(f"cli {command} exit {code}", text, message)
        after = {p: p.read_bytes() for p in self.work.iterdir() if p.is_file()}
        if after != before:
            self.crash(f"cli {command} wrote beside the output directory", text, str(sorted(map(str, after))))
        if out.exists():
            import shutil

            shutil.rmtree(out)

    def one(self, text: str, rng: random.Random) -> None:
        self.count += 1
        path = self.work / "spec.yaml"
        try:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        except (UnicodeEncodeError, ValueError):
            path.write_bytes(text.encode("utf-8", "replace"))
        self.loader(text, path)
        if self.count % self.cli_every == 0:
            self.cli(text, path, rng.choice(COMMANDS))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--cli-every", type=int, default=10)
    parser.add_argument("--crashes", type=Path, default=Path(tempfile.gettempdir()) / "eksgen-fuzz-crashes")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--variants", type=int, default=9, help="cheap mutations per hypothesis example")
    args = parser.parse_args()
    args.crashes.mkdir(parents=True, exist_ok=True)
    fuzz = Fuzz(args.crashes, args.cli_every)
    rng = random.Random(args.seed)
    started = time.monotonic()

    examples = -(-args.examples // (args.variants + 1))  # hypothesis examples, each with its variants

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(inputs, st.randoms(use_true_random=False))
    def run(text: str, variants_rng: random.Random) -> None:
        before = fuzz.count
        for item in [text, *cheap_variants(variants_rng, text, args.variants)]:
            fuzz.one(item, rng)
        if fuzz.count // 1000 != before // 1000:
            print(f"{fuzz.count} inputs, {fuzz.cli_runs} CLI runs, {fuzz.crash_count} crashes "
                  f"({len(fuzz.seen)} distinct), {time.monotonic() - started:.0f} s", flush=True)

    os.environ.setdefault("EKSGEN_LOCK_TIMEOUT", "5")
    run()
    summary: dict[str, Any] = {"inputs": fuzz.count, "hypothesis_examples": examples, "cli_runs": fuzz.cli_runs,
                               "crashes": fuzz.crash_count,
                               "distinct_crashes": len(fuzz.seen), "seconds": round(time.monotonic() - started),
                               "outcomes": dict(sorted(fuzz.outcomes.items())), "crash_dir": str(args.crashes)}
    print(json.dumps(summary, indent=2))
    return 1 if fuzz.crash_count else 0


if __name__ == "__main__":
    sys.exit(main())
