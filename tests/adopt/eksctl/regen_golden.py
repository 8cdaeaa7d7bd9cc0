"""Regenerate the importer's golden specs: tests/adopt/eksctl/golden/<name>/spec.yaml from clusterconfig.yaml.

    python tests/adopt/eksctl/regen_golden.py

Each ClusterConfig is imported through the library (the fixed test date, the spec named spec.yaml,
the source named clusterconfig.yaml); review `git diff tests/adopt/eksctl/golden` before committing.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN_COMMAND = "python tests/adopt/eksctl/regen_golden.py"

if str(REPO) not in sys.path:  # run as a script from anywhere, without installing
    sys.path.insert(0, str(REPO))

from tests.helpers import TODAY  # noqa: E402


def cases() -> list[Path]:
    return sorted(GOLDEN.glob("*/clusterconfig.yaml"))


def imported(source: Path) -> str:
    from generator.adopt.eksctl import import_text

    return import_text(source.read_text("utf-8"), source.name, spec_name="spec.yaml", today=TODAY).text


def main() -> int:
    for source in cases():
        target = source.parent / "spec.yaml"
        text = imported(source)
        changed = not target.exists() or target.read_text("utf-8") != text
        target.write_text(text, encoding="utf-8")
        print(f"{source.parent.name}: {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
