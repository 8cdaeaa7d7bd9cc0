"""What every test shares: the fixed date, the repository root, and the spec builders.

The date is fixed so the Kubernetes support-window checks give the same answer on every day; the
goldens (tests/regen_golden.py) are rendered on it too.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

TODAY = dt.date(2026, 11, 25)
TODAY_ARGS = ["--today", TODAY.isoformat()]  # the same date for the command line
REPO = Path(__file__).resolve().parent.parent

MINIMAL_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.34"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 4
"""

# The valid spec the table-driven tests tweak. Its line numbers are part of their expectations:
#      1  apiVersion: eksgen/v1alpha1
#      2  kind: Cluster
#      3  metadata:
#      4    name: demo
#      5    region: eu-west-1
#      6    tags:
#      7      team: platform
#      8  spec:
#      9    kubernetesVersion: "1.35"
#     10    managedNodeGroups:
#     11      - name: general
#     12        instanceTypes: [m6i.large]
#     13        minSize: 2
#     14        maxSize: 6
#     15        desiredSize: 3
# `append` text starts at line 16: at indent 2 it adds `spec` keys, at indent 6 keys of managedNodeGroups[0].
BASE = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
  tags:
    team: platform
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 6
      desiredSize: 3
"""
BASE_LINES = len(BASE.splitlines())  # appended text starts at line BASE_LINES + 1 == 16


def spec(replace: dict[int, str | None] | None = None, append: str = "") -> str:
    """BASE with line n replaced by ONE line (None deletes it) for each `replace` item, then `append`."""
    lines: list[str] = BASE.splitlines()
    for number, text in sorted((replace or {}).items(), reverse=True):
        assert text is None or "\n" not in text, "a replacement must be one line"
        lines[number - 1 : number] = [] if text is None else [text]
    return "\n".join(lines) + "\n" + append


def write_spec(directory: Path, text: str, name: str = "cluster.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# The installed console script, for end-to-end tests of hostile input (tests/cli/test_hostile*.py):
# real argv, real signals, real exit codes; `snapshot` proves a refused run changed nothing.
EKSGEN = Path(sys.executable).parent / "eksgen"
CLEAN_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 4
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def eksgen(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """The installed `eksgen` script in a subprocess: real argv, real signals, real exit codes."""
    full_env = {**os.environ, "EKSGEN_LOCK_TIMEOUT": "5", **(env or {})}
    full_env.pop("EKSGEN_DEBUG", None)
    done = subprocess.run([str(EKSGEN), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(root: Path) -> dict[str, object]:
    """Everything under `root`, symlinks not followed: path -> bytes, link target or kind."""
    found: dict[str, object] = {}
    for directory, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(directory) / name
            info = path.lstat()
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[rel] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
            else:
                found[rel] = ("kind", stat.S_IFMT(info.st_mode))
    return found


def spec_with(append: str = "", replace: dict[str, str] | None = None) -> str:
    text = CLEAN_SPEC
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text + append


def assert_clean_refusal(run: Run, code: int, fragments: tuple[str, ...]) -> None:
    output = run.stdout + run.stderr
    assert run.code == code, output
    assert "Traceback" not in output and "internal error" not in output and "a bug in eksgen" not in output, output
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in stderr:\n{run.stderr}"
