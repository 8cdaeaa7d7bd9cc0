"""The hand-written mutants that once survived the whole suite, each run against its module's tests.

    nice -n 19 python bench/listed_mutants.py        # prints one line per mutant: killed or SURVIVED
    nice -n 19 python bench/listed_mutants.py taint  # only the mutants whose description contains "taint"

Each mutant is one small realistic change to a guard (a flipped comparison, a limit moved by one, a
dropped branch). mutmut (bench/mutation_score.py) does not mutate module-level constants, so the limit
tables are covered here. Exit status 1 if any mutant survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mutation_score import MODULES, ROOT, scratch_copy

NET, COMPUTE = "generator/pipeline/checks/network.py", "generator/pipeline/checks/compute.py"
DEFAULTS, PLAN = "generator/pipeline/defaults.py", "generator/pipeline/plan/compute.py"
ROUNDTRIP, INTERFACE = "generator/pipeline/roundtrip.py", "generator/pipeline/interface.py"
WRITE, RISKS = "generator/pipeline/write.py", "generator/gitops/diff/risks.py"
OVERLAY, LOAD = "generator/pipeline/overlay.py", "generator/pipeline/load.py"
LABELS, LOAD_LIMITS = "generator/gitops/diff/labels.py", "generator/pipeline/loadlimits.py"  # moved out since

# (module, what the mutant breaks, text, replacement)
MUTANTS: list[tuple[str, str, str, str]] = [
    (NET, "a /28 VPC rejected", "VPC_PREFIX_RANGE = (16, 28)", "VPC_PREFIX_RANGE = (16, 27)"),
    (NET, "duplicate AZs counted as distinct", "if len(set(azs)) < MIN_AZS:", "if len(azs) < MIN_AZS:"),
    (NET, "the 40-CIDR limit > to >=", "if len(cidrs) > MAX_PUBLIC_ACCESS_CIDRS:",
     "if len(cidrs) >= MAX_PUBLIC_ACCESS_CIDRS:"),
    (NET, "CGNAT dropped from the non-public set", '"100.64.0.0/10", ', ""),
    (NET, "a /25 service CIDR accepted", "SERVICE_CIDR_PREFIX_RANGE = (12, 24)",
     "SERVICE_CIDR_PREFIX_RANGE = (12, 25)"),
    (NET, "an upper-case AZ letter accepted", "\n                and zone[-1].islower()", ""),
    (NET, "subnet_of to overlaps", "not any(network.subnet_of(r) for r in vpc_ranges)",
     "not any(network.overlaps(r) for r in vpc_ranges)"),
    (COMPUTE, "the 20-instance-type limit off by one", "<= len(types) <= MAX_INSTANCE_TYPES:",
     "<= len(types) <= MAX_INSTANCE_TYPES + 1:"),
    (COMPUTE, "the 63-character label-key limit off by one", "len(key) > MANAGED_LABEL_MAX:",
     "len(key) > MANAGED_LABEL_MAX + 1:"),
    (DEFAULTS, "an explicit max ignored when filling the min",
     "else min(default_min, max_size if max_size is not None else default_min)", "else default_min"),
    (DEFAULTS, "an explicit min ignored when filling the max", "else max(default_max, lo)", "else default_max"),
    (DEFAULTS, "setdefault overwriting the author's prefix-delegation env",
     'flag = env.get("ENABLE_PREFIX_DELEGATION", "true")', 'flag = "true"'),
    (PLAN, "taint keys collide for one key with two effects", "keys.count(taint.key) == 1",
     "keys.count(taint.key) >= 1"),
    (ROUNDTRIP, "type check dropped (1 == True)", "if type(expected) is not type(actual) or expected != actual:",
     "if expected != actual:"),
    (ROUNDTRIP, "call arguments never compared", "return [] if canonical == actual else", "return [] if True else"),
    (ROUNDTRIP, "list-length check dropped", "if not isinstance(actual, list) or len(actual) != len(expected):",
     "if not isinstance(actual, list):"),
    (INTERFACE, "references inside objects not checked",
     "        elif isinstance(item, Obj):\n            stack.extend(v for _, v in reversed(item.items))\n", ""),
    (WRITE, "the pending hash of an interrupted run ignored", "not in (manifest[name], pending.get(name))",
     "not in (manifest[name],)"),
    (WRITE, "no fsync before rename", "            os.fsync(handle.fileno())\n", ""),
    (WRITE, "temp file not removed on error", "            os.unlink(tmp)\n", "            pass\n"),
    (RISKS, "encryption off labelled one-way", 'return Rule(REPLACE, "encryption cannot be turned off',
     'return Rule(ONE_WAY, "encryption cannot be turned off'),
    (LABELS, "one-way ranked above replace", "(IN_PLACE, NODES_ROLL, ONE_WAY, REPLACE)",
     "(IN_PLACE, NODES_ROLL, REPLACE, ONE_WAY)"),
    (RISKS, "a taint reorder reported as a change",
     '"UpdateNodegroupConfig retaints the existing nodes", unordered=True',
     '"UpdateNodegroupConfig retaints the existing nodes"'),
    (RISKS, "the major-version check using the minor", 'str(old).split(".")[0] != str(new).split(".")[0]',
     'str(old).split(".")[1] != str(new).split(".")[1]'),
    (OVERLAY, "base positions kept under replaced values",
     "    positions = {k: v for k, v in positions.items() if not _replaced_below(k, overlay_data)}\n", ""),
    (OVERLAY, "the extends depth limit off by one", "if len(chain) >= MAX_EXTENDS_DEPTH:",
     "if len(chain) > MAX_EXTENDS_DEPTH:"),
    (LOAD, "integer keys not turned into strings", 'return str(node.value)  # `80:` is the key "80", as written',
     "return self._safe_construct(node)"),
    (LOAD_LIMITS, "the depth limit off by one", "if len(stack) > MAX_DEPTH:", "if len(stack) > MAX_DEPTH + 1:"),
]


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or any(word in m[1] for word in argv)]
    workdir = Path(tempfile.mkdtemp(prefix="eksgen-listed-mutants-"))
    survivors = 0
    env = dict(os.environ)
    node_modules = ROOT / ".ci" / "node" / "node_modules"  # git-ignored, so not in the scratch copy
    if node_modules.is_dir():
        env.setdefault("EKSGEN_NODE_MODULES", str(node_modules))

    def run_tests(module: str) -> int:
        return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               "-p", "no:randomly", *MODULES[module]], cwd=workdir, capture_output=True,
                              env=env).returncode

    try:
        scratch_copy("generator/pipeline/checks/network.py", [], workdir)
        # A kill counts only against tests that pass on the unmutated copy.
        broken = [module for module in sorted({m[0] for m in chosen}) if run_tests(module) != 0]
        if broken:
            print(f"the unmutated tests fail for {', '.join(broken)}: fix them first", flush=True)
            return 2
        for module, what, text, replacement in chosen:
            path = workdir / module
            original = path.read_text("utf-8")
            if original.count(text) != 1:
                print(f"STALE     {module}: {what} (the mutated text is not there once)", flush=True)
                survivors += 1
                continue
            path.write_text(original.replace(text, replacement), "utf-8")
            try:
                code = run_tests(module)
            finally:
                path.write_text(original, "utf-8")
            killed = code not in (0, 5)
            survivors += not killed
            print(f"{'killed   ' if killed else 'SURVIVED '} {module}: {what}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{len(chosen) - survivors} of {len(chosen)} killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
