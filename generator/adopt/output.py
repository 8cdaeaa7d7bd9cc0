"""Writing an imported spec: a new file, or one eksgen would write the same; anything else only with --force.

A spec is one file the user edits from then on, not a rendered tree: there is no manifest to tell
eksgen's writes from hand edits, so an existing file is refused (exit 4) unless it already says
exactly what would be written, as `eksgen init` refuses an existing spec.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import EnvironmentProblem, RefusedToOverwrite, UsageError
from generator.pipeline.write import atomic_write


def write_new_spec(output: Path, text: str, *, force: bool) -> bool:
    """Write `text` to `output` atomically; returns True when the file already held exactly `text`."""
    data = text.encode("utf-8")
    if output.is_symlink() or (output.exists() and not output.is_file()):
        raise UsageError(f"{output}: not a regular file; refusing to write it")
    if output.exists():
        if output.read_bytes() == data:
            return True
        if not force:
            raise RefusedToOverwrite(f"{output} exists; refusing to overwrite it (use --force to replace it)")
    directory = output.parent
    if not directory.is_dir():
        raise EnvironmentProblem(f"{directory}: no such directory", f"create it first: mkdir -p {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise EnvironmentProblem(f"{directory}: not writable",
                                 "choose a writable place with -o, or fix the directory's permissions")
    try:
        atomic_write(output.resolve(), data)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {output}: {exc.strerror or exc}",
                                 "choose a writable place with -o, or free some space") from None
    return False
