"""Which specs a command works on: the same arguments for every command.

An argument is a spec file, a glob pattern (quoted, so eksgen expands it, `**` included) or a
directory (every `*.yaml`/`*.yml` below it, hidden entries and rendered output skipped).

A base is a document with `kind: ClusterBase`. It is never rendered on its own: named on the
command line (directly, by a glob or inside a directory) it stands for every cluster that
extends it, directly or through other bases, found in the base's git work tree (or, outside
git, under the base's directory). So a pre-commit hook that is handed a changed base re-checks
every cluster built on it.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError

GLOB_CHARS = frozenset("*?[")
SPEC_SUFFIXES = (".yaml", ".yml")
BASE_KIND = "ClusterBase"
EXTENDS_KEY = "extends"
# Top-level keys in block style; a base written otherwise is caught by the loader ("kind ... base").
_BASE_LINE = re.compile(rb"^kind:[ \t]*[\"']?ClusterBase[\"']?[ \t]*(#.*)?$", re.MULTILINE)
_EXTENDS_LINE = re.compile(rb"^extends:", re.MULTILINE)
GIT_TIMEOUT_SECONDS = 30


@dataclass
class Selection:
    """Cluster specs to work on, bases that were named (each with its clusters), rendered directories."""

    specs: list[Path] = field(default_factory=list)
    bases: dict[Path, list[Path]] = field(default_factory=dict)
    directories: list[Path] = field(default_factory=list)


def is_base(path: Path) -> bool:
    """A regular file whose first MiB declares `kind: ClusterBase`; anything else (missing, unreadable, a
    directory or a FIFO, never waited on) is not a base: the loader reports it with the spec's own errors."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 1 << 20)
    except OSError:
        return False
    finally:
        os.close(fd)
    return bool(_BASE_LINE.search(head))


def is_rendered_directory(path: Path) -> bool:
    """A Terraform root module eksgen (or someone) rendered: `.eksgen/` or `*.tf` at its top."""
    return (path / ".eksgen").is_dir() or any(path.glob("*.tf"))


def select(arguments: list[str], *, rendered_directories: bool = False) -> Selection:
    """Expand arguments into cluster specs; with `rendered_directories`, keep Terraform directories apart."""
    selection = Selection()
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            if rendered_directories and is_rendered_directory(path):
                selection.directories.append(path)
            else:
                found = _specs_under(path)
                if not found:
                    raise UsageError(f"{argument}: no spec files (*.yaml, *.yml) in this directory")
                files.extend(found)
        elif GLOB_CHARS & set(argument) and not path.exists():  # `a[1].yaml` may be a real file
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True))
            matches = [m for m in matches if m.is_file()] + [
                s for m in matches if m.is_dir() and not is_rendered_directory(m) for s in _specs_under(m)]
            if not matches:
                raise UsageError(f"no spec file matches {argument!r}")
            files.extend(matches)
        else:
            files.append(path)  # a missing file is reported by the command, with its name
    graph: _Dependents | None = None
    for path in dict.fromkeys(files):
        if is_base(path):
            graph = graph or _Dependents()
            selection.bases[path] = graph.clusters_extending(path)
        else:
            selection.specs.append(path)
    given = {p.resolve() for p in selection.specs} if selection.bases else set()
    for clusters in selection.bases.values():  # found by eksgen: named as the user would type them
        selection.specs.extend(_display(c) for c in clusters if c.resolve() not in given)
    selection.specs = list(dict.fromkeys(selection.specs))
    return selection


def _specs_under(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(root) / d / ".eksgen").is_dir())
        found.extend(Path(root) / n for n in sorted(names) if n.endswith(SPEC_SUFFIXES) and not n.startswith("."))
    return found


def _display(path: Path) -> Path:
    """Paths relative to the working directory when they are below it, as the user would type them."""
    if not path.is_absolute():
        return path
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


class _Dependents:
    """Which spec files extend which, over the work trees of the bases asked about (read once)."""

    def __init__(self) -> None:
        self.extends: dict[Path, Path] = {}  # spec (resolved) -> what it extends (resolved)
        self.kinds_base: set[Path] = set()
        self.scanned: set[Path] = set()

    def clusters_extending(self, base: Path) -> list[Path]:
        self._scan(_work_tree(base))
        target = base.resolve()
        found = []
        for spec in sorted(self.extends):
            if spec in self.kinds_base:
                continue
            chain, node = set(), spec
            while node in self.extends and node not in chain:
                chain.add(node)
                node = self.extends[node]
                if node == target:
                    found.append(spec)
                    break
        return found

    def _scan(self, root: Path) -> None:
        if root in self.scanned:
            return
        self.scanned.add(root)
        for path in _yaml_files(root):
            try:
                head = path.read_bytes()
            except OSError:
                continue
            if not _EXTENDS_LINE.search(head):
                continue
            target = _extends_target(head)
            if target is not None:
                self.extends[path.resolve()] = (path.parent / target).resolve()
                if _BASE_LINE.search(head):
                    self.kinds_base.add(path.resolve())


def _extends_target(text: bytes) -> str | None:
    import yaml  # only when a base is named: most runs never read a spec's YAML here

    try:
        documents = list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))  # safe loaders
    except yaml.YAMLError:
        return None
    targets = [d.get(EXTENDS_KEY) for d in documents if isinstance(d, dict)]
    return next((t for t in targets if isinstance(t, str) and t), None)


def _work_tree(path: Path) -> Path:
    directory = path.resolve().parent
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True,
                              text=True, check=False, timeout=GIT_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return directory
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 and done.stdout.strip() else directory


def _yaml_files(root: Path) -> list[Path]:
    """Tracked and untracked-but-not-ignored YAML files of a git work tree, else every one below `root`."""
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                               "*.yaml", "*.yml"], cwd=root, capture_output=True, check=False,
                              timeout=GIT_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is not None and done.returncode == 0:
        return [root / os.fsdecode(n) for n in done.stdout.split(b"\0") if n]
    return _specs_under(root)
