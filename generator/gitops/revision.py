"""A spec as it was at a git revision (with the bases it extends), for `eksgen diff --git REV`."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from generator.errors import Issue, SpecInvalid, UsageError
from generator.pipeline.load import load_documents
from generator.pipeline.specfile import RenderResult, render_spec

EXTENDS_KEY = "extends"
GIT_TIMEOUT_SECONDS = 60


def render_at_revision(spec: Path, rev: str, today: dt.date | None) -> list[RenderResult]:
    """Render `spec` as it was at `rev`; its errors name the file as `path@REV`, not the temporary copy."""
    with tempfile.TemporaryDirectory(prefix="eksgen-diff-") as tmp:
        before = spec_at_revision(spec, rev, Path(tmp))
        try:
            return render_spec(before, today=today)
        except SpecInvalid as exc:
            raise SpecInvalid([_at_revision(issue, tmp, rev) for issue in exc.issues]) from None


def _at_revision(issue: Issue, tmp: str, rev: str) -> Issue:
    def label(path: str | None) -> str | None:
        prefix = f"{tmp}{os.sep}"
        return f"{path.removeprefix(prefix)}@{rev}" if path and path.startswith(prefix) else path

    position = replace(issue.position, file=label(issue.position.file)) if issue.position else None
    return replace(issue, file=label(issue.file) or issue.file, position=position)


def spec_at_revision(spec: Path, rev: str, dest: Path) -> Path:
    """Write `spec` as it was at `rev` (and the base specs it extends) under `dest`; return its path.

    The copy keeps the file's name and its place in the repository, so relative `extends` resolve
    to the bases of that revision too.
    """
    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    if rev.startswith("-"):  # git would read it as an option (git show --output=... writes files)
        raise UsageError(f"--git: not a revision: {rev!r}")
    root = Path(_git(spec.resolve().parent, "rev-parse", "--show-toplevel", what=str(spec)).strip())
    relative = PurePosixPath(spec.resolve().relative_to(root.resolve()).as_posix())
    _materialize(root, rev, relative, dest, seen=set())
    return dest / relative


def _materialize(root: Path, rev: str, relative: PurePosixPath, dest: Path, seen: set[PurePosixPath]) -> None:
    seen.add(relative)
    text = _git(root, "show", f"{rev}:{relative}", what=f"{relative} at {rev}")
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    for base in _extends(text):
        path = PurePosixPath(_normalized(relative.parent / base))
        if path not in seen and not path.is_absolute() and ".." not in path.parts:
            with contextlib.suppress(UsageError):  # a base missing at REV: the loader reports it, with position
                _materialize(root, rev, path, dest, seen)


def _extends(text: str) -> list[str]:
    """The `extends` targets of a spec's documents; unreadable YAML is left to the loader to report."""
    try:  # the bounded loader: a file at an old revision is input like any other
        documents = [d.data for d in load_documents(text, "<revision>")]
    except SpecInvalid:
        return []
    return [d[EXTENDS_KEY] for d in documents if isinstance(d, dict) and isinstance(d.get(EXTENDS_KEY), str)]


def _normalized(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."


def _git(cwd: Path, *args: str, what: str) -> str:
    """Run git; its failures are the user's input problems (exit 2), worded for them."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                              timeout=GIT_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise UsageError("--git needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS}s") from None
    if done.returncode != 0:
        raise UsageError(_git_error(done.stderr, what))
    return done.stdout


def _git_error(stderr: str, what: str) -> str:
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "git failed"
    lowered = message.lower()
    if "not a git repository" in lowered:
        return f"{what}: not in a git repository"
    if "does not exist in" in lowered or "exists on disk, but not in" in lowered:
        return f"{what}: no such file at that revision"
    if "invalid object name" in lowered or "unknown revision" in lowered or "bad revision" in lowered:
        return f"{what}: unknown revision"
    return f"{what}: {message.removeprefix('fatal: ')}"
