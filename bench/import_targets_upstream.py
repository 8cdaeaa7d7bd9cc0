"""Check the registry's import_targets (modules/index.json) against the pinned upstream sources: each step
of each address is declared at the recorded file and line of the recorded release, with the recorded
count or for_each. Reads git repositories (bare is fine); prints one line per target; not a test.

    python bench/import_targets_upstream.py PIN=GIT_DIR ...
    e.g. eks=../mirror/terraform-aws-eks.git iam=../mirror/terraform-aws-iam.git podIdentity=...

Exit 1 when a recorded fact does not match the source.
"""

from __future__ import annotations

import re
import subprocess
import sys

from generator.terraform.registry import registry

KEY_LINE = {"count": re.compile(r"^\s+count\s*="), "for_each": re.compile(r"^\s+for_each\s*=")}


def _show(git_dir: str, tag: str, path: str) -> list[str]:
    done = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{tag}:{path}"], capture_output=True, text=True,
                          check=False)
    return done.stdout.splitlines() if done.returncode == 0 else []


def _key_kind(lines: list[str], header: int) -> str:
    """count or for_each when one of the block's first lines sets it (after comments), else none."""
    for line in lines[header:header + 4]:
        for kind, pattern in KEY_LINE.items():
            if pattern.match(line):
                return kind
    return "none"


def main(argv: list[str]) -> int:
    git_dirs = dict(arg.split("=", 1) for arg in argv)
    bad = 0
    for key, module in registry().modules.items():
        for target in module.import_targets:
            if module.pin not in git_dirs:
                print(f"skip  {key} {target.address}: no git dir for pin {module.pin}")
                continue
            tag, _, where = target.source.partition(" ")
            steps = target.address.split(".")
            prefix = f"modules/{module.submodule}/" if module.submodule else ""
            problems = []
            for index, (kind, loc) in enumerate(zip(target.keys, [w.strip() for w in where.split(",")], strict=True)):
                path, _, line = loc.partition(":")
                lines = _show(git_dirs[module.pin], tag, path if path.startswith("modules/") else prefix + path)
                first, name = steps[2 * index], steps[2 * index + 1]
                wanted = f'module "{name}" {{' if first == "module" else f'resource "{first}" "{name}" {{'
                if len(lines) < int(line) or lines[int(line) - 1] != wanted:
                    problems.append(f"{loc}: not {wanted}")
                elif _key_kind(lines, int(line)) != kind:
                    problems.append(f"{loc}: {_key_kind(lines, int(line))}, recorded {kind}")
            bad += bool(problems)
            print(f"{'BAD ' if problems else 'ok  '} {key} {target.address} {list(target.keys)} {'; '.join(problems)}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
