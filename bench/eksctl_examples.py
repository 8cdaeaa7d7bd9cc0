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
import signal
import sys
from pathlib import Path

from generator import api
from generator.errors import EksgenError, Issue, SpecInvalid

# The repository's worktrees sit two levels below /work, beside shared/; a checkout one level below.
CANDIDATES = [Path(__file__).resolve().parents[n] / "shared" / "data" / "eksctl-examples" for n in (2, 3)]
DEFAULT_DIR = next((c for c in CANDIDATES if c.is_dir()), CANDIDATES[0])


def reason(message: str) -> str:
    """A message without its specifics (names, values), so equal causes count together."""
    text = re.sub(r" \(written spec: .*\)$", "", message)
    text = re.sub(r"(?<!\w)'[^']*'", "'…'", text)
    return re.sub(r"\b\d[\d.]*\b", "N", text)[:110]


def field_name(issue: Issue) -> str:
    return next((str(p) for p in reversed(issue.loc) if isinstance(p, str)), "(document)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--today", default=None, help="the date the support windows are judged by")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every finding")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today) if args.today else None
    clean, warned, failed = [], [], []
    # (severity, reason) -> files it occurs in
    reasons: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for path in sorted(args.directory.glob("*.yaml")):
        try:
            issues = api.import_eksctl(path, today=today).issues
        except SpecInvalid as exc:
            issues = list(exc.issues)
            failed.append(path.name)
        except EksgenError as exc:
            failed.append(path.name)
            reasons["error", f"{type(exc).__name__}: {exc}"].add(path.name)
            continue
        else:
            (warned if issues else clean).append(path.name)
        for issue in issues:
            rule = f"{issue.rule} " if issue.rule else ""
            reasons[issue.severity, f"{rule}{field_name(issue)}: {reason(issue.message)}"].add(path.name)
            if args.verbose:
                print(issue.format())
    total = len(clean) + len(warned) + len(failed)
    print(f"{total} ClusterConfigs: {len(clean)} import with no warning, {len(warned)} with warnings, "
          f"{len(failed)} fail")
    print(f"  no warning: {', '.join(clean) or '-'}")
    print(f"  fail: {', '.join(failed) or '-'}")
    for severity, title in (("warning", "most common warnings (files)"), ("error", "most common errors (files)")):
        print(f"{title}:")
        ranked = sorted(((len(files), text) for (kind, text), files in reasons.items() if kind == severity),
                        key=lambda item: (-item[0], item[1]))
        for count, text in ranked[:12]:
            print(f"  {count:3d}  {text}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    sys.exit(main())
