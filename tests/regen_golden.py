"""Regenerate the golden Terraform files under examples/<name>/expected/.

    python tests/regen_golden.py              # every example
    python tests/regen_golden.py minimal ipv6 # only these examples

Each `examples/<name>/cluster.yaml` is rendered in memory through the library API
(`generator.api.render_spec`) with the same fixed date tests/pipeline/test_render.py uses, and
exactly the rendered files are written to `examples/<name>/expected/`: `.tf` files that
the spec no longer renders are removed, and nothing else (no `.eksgen/` manifest or
lock) is written. Review the resulting `git diff examples/` before committing it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
REGEN_COMMAND = "python tests/regen_golden.py"

if str(REPO) not in sys.path:  # run as a script from anywhere, without installing
    sys.path.insert(0, str(REPO))

from tests.helpers import TODAY  # noqa: E402  (the one fixed date the goldens are rendered on)


def example_specs() -> list[Path]:
    return sorted(EXAMPLES.glob("*/cluster.yaml"))


def render_example(spec: Path) -> dict[str, str]:
    """The files one example renders to; an example holds exactly one cluster."""
    from generator.api import render_spec

    results = render_spec(spec, today=TODAY)
    if len(results) != 1:
        raise ValueError(f"an example must hold exactly one cluster (got {len(results)})")
    return dict(results[0].files)


def write_expected(spec: Path, files: dict[str, str]) -> list[str]:
    """Make `expected/` hold exactly `files`; return what changed, for the summary."""
    expected = spec.parent / "expected"
    expected.mkdir(exist_ok=True)
    changes = []
    for stale in sorted(expected.glob("*.tf")):
        if stale.name not in files:
            stale.unlink()
            changes.append(f"removed {stale.relative_to(REPO)}")
    state = expected / ".eksgen"  # left behind by a CLI render into expected/
    if state.is_dir():
        shutil.rmtree(state)
        changes.append(f"removed {state.relative_to(REPO)}/")
    for name, text in sorted(files.items()):
        target = expected / name
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        verb = "updated" if target.exists() else "created"
        target.write_bytes(data)  # bytes: no newline translation on any platform
        changes.append(f"{verb} {target.relative_to(REPO)}")
    return changes


def main(argv: list[str]) -> int:
    specs = example_specs()
    if argv:
        wanted = set(argv)
        unknown = wanted - {s.parent.name for s in specs}
        if unknown:
            print(f"unknown example(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        specs = [s for s in specs if s.parent.name in wanted]
    failed = []
    for spec in specs:
        try:
            files = render_example(spec)
        except Exception as exc:  # keep going: one broken example must not block the others
            print(f"FAILED {spec.relative_to(REPO)}: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed.append(spec.parent.name)
            continue
        changes = write_expected(spec, files)
        for line in changes:
            print(line)
        if not changes:
            print(f"unchanged {spec.parent.relative_to(REPO)}/expected")
    if failed:
        print(f"{len(failed)} example(s) not rendered, their expected/ left as it was: {', '.join(failed)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
