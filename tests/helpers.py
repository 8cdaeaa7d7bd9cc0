"""What every test shares: the fixed date, the repository root, and the spec builders.

The date is fixed so the Kubernetes support-window checks give the same answer on every day; the
goldens (tests/regen_golden.py) are rendered on it too.
"""

from __future__ import annotations

import datetime as dt
import textwrap
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
