"""Mutation score per guard module, measured with mutmut ([tool.mutmut] in pyproject.toml).

    nice -n 19 python bench/mutation_score.py                      # every guard module (hours on 2 cores)
    nice -n 19 python bench/mutation_score.py generator/pipeline/checks/network.py --survivors
    python bench/mutation_score.py --list                          # the modules and their test subsets

Each module runs in its own scratch copy of the working tree, against only the tests that exercise it
(MODULES below; mutmut narrows further to the tests that call the mutated function), so one module's
run never waits for the whole suite. The score is killed / all mutants of the module (a timeout counts
as killed; a mutant no selected test reaches counts as a survivor and is also shown apart). Lines
marked `# pragma: no mutate` carry a comment saying why their mutants are equivalent and are not
mutated at all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = "tests/pipeline/checks"
# The goldens (every example, byte for byte) without test_render's slow runs: its subprocess renders and
# its reordering property render the same examples again.
PLAN_TESTS = [*(f"tests/pipeline/test_render.py::{test}" for test in (
    "test_golden", "test_example_warnings", "test_example_covers_its_topic", "test_examples_read_as_reviewers_expect")),
    "tests/pipeline/plan/test_fidelity.py"]
UPGRADE_TESTS = ["tests/upgrade/test_plan.py", "tests/upgrade/test_steps.py", "tests/upgrade/test_findings.py",
                 "tests/upgrade/test_stages.py"]

# module -> the tests that exercise it (paths relative to the repository root, or pytest node IDs).
MODULES: dict[str, list[str]] = {
    "generator/pipeline/checks/network.py": [f"{CHECKS}/test_network.py"],
    "generator/pipeline/checks/compute.py": [f"{CHECKS}/test_compute.py"],
    "generator/pipeline/checks/cluster.py": [f"{CHECKS}/test_cluster.py", f"{CHECKS}/test_cluster_messages.py",
                                             f"{CHECKS}/test_second_release.py"],
    "generator/pipeline/checks/access.py": [f"{CHECKS}/test_access.py"],
    "generator/pipeline/checks/security.py": [f"{CHECKS}/test_security.py"],
    "generator/pipeline/checks/strings.py": [f"{CHECKS}/test_strings.py", "tests/pipeline/test_hcl.py"],
    "generator/pipeline/checks/waivers.py": [f"{CHECKS}/test_waivers.py"],
    "generator/pipeline/checks/capacity.py": [f"{CHECKS}/test_capacity.py", "tests/pipeline/test_capacity.py"],
    "generator/pipeline/defaults.py": ["tests/pipeline/test_defaults.py", "tests/pipeline/test_capacity.py"],
    "generator/pipeline/plan/compute.py": ["tests/pipeline/plan/test_compute.py", "tests/pipeline/test_render.py"],
    "generator/pipeline/roundtrip.py": ["tests/pipeline/test_roundtrip.py", "tests/pipeline/test_hcl.py",
                                        "tests/pipeline/test_parsestore.py", "tests/pipeline/test_parsehelper.py"],
    "generator/pipeline/parsestore.py": ["tests/pipeline/test_parsestore.py", "tests/pipeline/test_parsehelper.py"],
    "generator/pipeline/parsehelper.py": ["tests/pipeline/test_parsehelper.py"],
    "generator/pipeline/interface.py": ["tests/pipeline/test_interface.py", "tests/pipeline/test_interface_rows.py"],
    "generator/pipeline/hcl.py": ["tests/pipeline/test_hcl.py", "tests/pipeline/test_roundtrip.py"],
    "generator/pipeline/write.py": ["tests/pipeline/test_write.py", "tests/pipeline/test_write_manifest.py",
                                    "tests/pipeline/test_write_errors.py", "tests/pipeline/test_writegroup.py"],
    "generator/pipeline/layout.py": ["tests/pipeline/test_layout.py"],
    "generator/cli/coercion.py": ["tests/cli/test_coercion.py"],
    # The fleet's grouped write. Not tests/gitops/test_fleet.py nor tests/cli/test_hostile_writer.py: they run
    # eksgen in subprocesses, which cannot see a mutant.
    "generator/pipeline/writegroup.py": ["tests/pipeline/test_writegroup.py"],
    "generator/pipeline/load.py": ["tests/pipeline/test_load.py", "tests/pipeline/test_load_errors.py",
                                   "tests/cli/test_render.py"],
    # Not tests/cli/test_hostile_input.py: its subprocesses cannot see a mutant, and take minutes per run.
    "generator/pipeline/loadlimits.py": ["tests/pipeline/test_loadlimits.py",
                                         "tests/pipeline/test_load.py::test_loader_bounds_both_sides"],
    "generator/gitops/diff/labels.py": ["tests/gitops/diff/test_risks.py"],
    "generator/pipeline/overlay.py": ["tests/pipeline/test_overlay.py"],
    "generator/gitops/diff/risks.py": ["tests/gitops/diff/test_risks.py"],
    "generator/pipeline/capacity.py": ["tests/pipeline/test_capacity.py"],
    # The second release's guard modules.
    "generator/pipeline/checks/launch.py": [f"{CHECKS}/test_second_release.py"],
    "generator/pipeline/checks/autoscaling.py": [f"{CHECKS}/test_second_release.py"],
    "generator/pipeline/checks/endpoints.py": [f"{CHECKS}/test_second_release.py", f"{CHECKS}/test_endpoints.py"],
    "generator/pipeline/checks/identity.py": [f"{CHECKS}/test_second_release.py"],
    "generator/pipeline/checks/policyresources.py": [f"{CHECKS}/test_second_release.py"],
    "generator/pipeline/checks/reachability.py": [f"{CHECKS}/test_network.py"],
    "generator/pipeline/keys.py": ["tests/pipeline/test_keys.py", f"{CHECKS}/test_access.py",
                                   "tests/pipeline/plan/test_access.py", "tests/pipeline/plan/test_fidelity.py",
                                   "tests/pipeline/test_render.py::test_golden"],
    "generator/pipeline/plan/launch.py": ["tests/pipeline/plan/test_launch.py", "tests/pipeline/test_render.py"],
    # The other plan modules: the goldens of every example and the fidelity tests pin what they build.
    **{f"generator/pipeline/plan/{name}.py": [*PLAN_TESTS, *extra] for name, extra in {
        "access": ["tests/pipeline/plan/test_access.py"],
        "common": ["tests/pipeline/plan/test_common.py", "tests/pipeline/plan/test_policy_resources.py"],
        "eks": ["tests/pipeline/plan/test_switches.py"], "endpoints": [],
        "iam": ["tests/pipeline/plan/test_policy_resources.py"],
        "imports": ["tests/pipeline/plan/test_imports.py", "tests/adopt/terraform/test_import.py"],
        "karpenter": ["tests/pipeline/plan/test_karpenter.py"], "locals": [], "outputs": [],
        "pod_identity": ["tests/pipeline/plan/test_switches.py", "tests/pipeline/plan/test_policy_resources.py"],
        "versions": [], "vpc": [],
    }.items()},
    # This wave's modules: the lock, the upgrade plan, and the adoption of eksctl and Terraform sources.
    "generator/lockfile/build.py": ["tests/lockfile/test_lock.py", "tests/lockfile/test_entries.py"],
    "generator/lockfile/sources.py": ["tests/lockfile/test_lock.py", "tests/lockfile/test_entries.py",
                                      "tests/upgrade/test_plan.py"],
    "generator/upgrade/plan.py": UPGRADE_TESTS,
    "generator/upgrade/steps.py": UPGRADE_TESTS,
    "generator/upgrade/findings.py": UPGRADE_TESTS,
    "generator/adopt/terraform/evaluate.py": ["tests/adopt/terraform/test_evaluate.py",
                                             "tests/adopt/terraform/test_import.py"],
    "generator/adopt/terraform/functions.py": ["tests/adopt/terraform/test_functions.py",
                                              "tests/adopt/terraform/test_evaluate.py",
                                              "tests/adopt/terraform/test_import.py"],
    "generator/adopt/eksctl/nodeshape.py": ["tests/adopt/eksctl/test_mapping.py", "tests/adopt/eksctl/test_golden.py",
                                            "tests/adopt/eksctl/test_nodeshape.py"],
}
KILLED = {1, 3}  # a failing test, or pytest's internal error
TIMEOUT = {36, 24, -24, 152, 255}  # counted as killed, shown apart: on a loaded machine some are slow tests
SURVIVED = {0}
UNREACHED = {5, 33}  # no selected test calls the mutated function


def scratch_copy(module: str, tests: list[str], workdir: Path) -> Path:
    """The working tree (tracked and untracked, not ignored) with [tool.mutmut] narrowed to one module."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    pyproject = workdir / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    text = re.sub(r"(?ms)^only_mutate = \[.*?^\]", "only_mutate = " + json.dumps([module]), text)
    present = [t for t in tests if (workdir / t.split("::")[0]).exists()]
    text = re.sub(r"(?ms)^pytest_add_cli_args_test_selection = \[.*?^\]",
                  "pytest_add_cli_args_test_selection = " + json.dumps(present), text)
    pyproject.write_text(text, "utf-8")
    return workdir


def run_module(module: str, tests: list[str], max_children: int, keep: bool) -> tuple[Counter[str], list[str]]:
    workdir = Path(tempfile.mkdtemp(prefix="eksgen-mutation-"))
    try:
        scratch_copy(module, tests, workdir)
        mutmut = Path(sys.executable).with_name("mutmut")
        log = workdir / "mutmut.log"
        env = dict(os.environ)
        node_modules = ROOT / ".ci" / "node" / "node_modules"  # git-ignored, so not in the scratch copy
        if node_modules.is_dir():
            env.setdefault("EKSGEN_NODE_MODULES", str(node_modules))
        with log.open("w") as out:
            subprocess.run(["nice", "-n", "19", str(mutmut), "run", "--max-children", str(max_children)],
                           cwd=workdir, stdout=out, stderr=subprocess.STDOUT, check=False, env=env)
        meta = workdir / "mutants" / (module + ".meta")
        if not meta.is_file():
            raise SystemExit(f"{module}: mutmut wrote no results; see {log}")
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        counts: Counter[str] = Counter()
        survivors = []
        for name, code in sorted(codes.items()):
            status = ("killed" if code in KILLED else "timeout" if code in TIMEOUT else "survived" if code in SURVIVED
                      else "unreached" if code in UNREACHED else "other")
            counts[status] += 1
            if status in ("survived", "unreached"):
                survivors.append(name)
        return counts, survivors
    finally:
        if keep:
            print(f"  kept {workdir} (`mutmut show NAME` there)", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="guard modules to run (default: all of MODULES)")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests, run nothing")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants' names")
    parser.add_argument("--keep", action="store_true", help="keep each scratch copy to inspect survivors")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"not a guard module: {', '.join(unknown)} (see --list)")
    if args.list:
        for module in modules:
            print(f"{module}: {' '.join(MODULES[module])}")
        return 0
    print("| module | mutants | killed | timeout | survived | unreached | score |\n|---|---:|---:|---:|---:|---:|---:|",
          flush=True)
    for module in modules:
        counts, survivors = run_module(module, MODULES[module], args.max_children, args.keep)
        total = sum(counts.values())
        score = f"{100 * (counts['killed'] + counts['timeout']) / total:.0f} %" if total else "-"
        print(f"| {module} | {total} | {counts['killed']} | {counts['timeout']} | {counts['survived']} | "
              f"{counts['unreached']} | {score} |", flush=True)
        if args.survivors:
            for name in survivors:
                print(f"    survived: {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
