"""Import every eksctl example ClusterConfig (not --strict) and print how many import with no warning,
with warnings, or fail, and the most common reasons. Prints figures; not a test.

    python bench/eksctl_examples.py [DIR] [--today YYYY-MM-DD] [-v]

DIR defaults to ../shared/data/eksctl-examples beside the repository (eksctl's examples/ at the
commit SOURCE.md names).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import re
import sys
from pathlib import Path

from generator import api
from generator.errors import EksgenError, SpecInvalid

# The repository's worktrees sit two levels below /work, beside shared/; a checkout one level below.
CANDIDATES = [Path(__file__).resolve().parents[n] / "shared" / "data" / "eksctl-examples" for n in (2, 3)]
DEFAULT_DIR = next((c for c in CANDIDATES if c.is_dir()), CANDIDATES[0])


def reason(message: str) -> str:
    """A message without its specifics (names, values), so equal causes count together."""
    text = re.sub(r" \(written spec: .*\)$", "", message)
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"\b\d[\d.]*\b", "N", text)[:110]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--today", default=None)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today) if args.today else None
    clean, warned, failed = [], [], []
    reasons: dict[str, collections.Counter[str]] = {"warning": collections.Counter(), "error": collections.Counter()}
    for path in sorted(args.directory.glob("*.yaml")):
        try:
            result = api.import_eksctl(path, today=today)
        except SpecInvalid as exc:
            failed.append(path.name)
            for issue in exc.issues:
                key = f"{issue.path.split('[')[0].split('.')[-1] if issue.loc else ''}: {reason(issue.message)}"
                reasons[issue.severity][re.sub(r"^\w+: ", "", f"{issue.label}{key}")] += 1
            if args.verbose:
                print(f"FAIL {path.name}\n{exc}")
            continue
        except EksgenError as exc:
            failed.append(path.name)
            reasons["error"][f"{type(exc).__name__}: {exc}"] += 1
            continue
        (warned if result.warnings else clean).append(path.name)
        for issue in result.warnings:
            reasons["warning"][f"{issue.loc[-1] if issue.loc else ''}: {reason(issue.message)}"] += 1
        if args.verbose and result.warnings:
            print(f"WARN {path.name}: " + "; ".join(f"{i.path}" for i in result.warnings))
    total = len(clean) + len(warned) + len(failed)
    print(f"{total} ClusterConfigs: {len(clean)} import with no warning, {len(warned)} with warnings, "
          f"{len(failed)} fail")
    print(f"  no warning: {', '.join(clean) or '-'}")
    print(f"  fail: {', '.join(failed) or '-'}")
    for severity, title in (("warning", "most common warnings (fields not imported)"),
                            ("error", "most common errors (in failed imports)")):
        print(f"{title}:")
        for text, count in reasons[severity].most_common(15):
            print(f"  {count:3d}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
