"""Shared helpers: a minimal valid spec, a fixed clock, and Terraform when one exists."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

TODAY = dt.date(2026, 11, 25)
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


def write_spec(directory: Path, text: str, name: str = "cluster.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    return write_spec(tmp_path, MINIMAL_SPEC)


@pytest.fixture(scope="session")
def terraform():  # type: ignore[no-untyped-def]
    from generator.errors import UsageError
    from generator.terraform import find_terraform

    try:
        return find_terraform()
    except UsageError as exc:
        pytest.skip(str(exc))
