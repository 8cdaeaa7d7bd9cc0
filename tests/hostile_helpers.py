"""Running the installed console script against hostile inputs, and proving it changed nothing.

`snapshot` records every entry under a directory without following symlinks (bytes of files,
targets of links, the kind of anything else), so a test can assert that a refused run left the
output directory and its parent byte-for-byte as they were.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EKSGEN = Path(sys.executable).parent / "eksgen"
TODAY = "2026-11-25"
BASE = """\
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
    text = BASE
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
