"""Mutation tests: inject one fault into a correct rendered module and show that
`eksgen validate --terraform DIR` catches it with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.api import render_spec
from generator.cli.main import app
from tests.helpers import MINIMAL_SPEC, REPO, TODAY, TODAY_ARGS, write_spec

runner = CliRunner()


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    spec = write_spec(tmp_path, MINIMAL_SPEC)
    out = tmp_path / "out"
    out.mkdir()
    for name, text in render_spec(spec, today=TODAY)[0].files.items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def mutate(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert re.search(old, text, re.M), old
    path.write_text(re.sub(old, new, text, count=1, flags=re.M))


PASSED = "ok: 1 target(s) valid (eksgen checks and Terraform), 0 warning(s)\n"


def test_correct_output_passes(rendered: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["validate", "--terraform", str(rendered)])
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == (PASSED, "")  # both checkers ran, and neither found anything


FAULTS = [
    ("unknown argument", "eks.tf", r"^  enable_irsa = true$", "  enable_irsa = true\n  cluster_nam = \"x\"",
     "module.eks.cluster_nam: not a variable of eks 21.19.0", "eksgen"),
    ("misspelt nested key (Terraform alone misses it)", "eks.tf", r"^      min_size       = 2$",
     "      min_size       = 2\n      instance_typo = \"m6i.large\"",
     "instance_typo: not an attribute of this object type", "eksgen"),
    ("wrong type", "eks.tf", r"^  endpoint_private_access = true$", '  endpoint_private_access = "yes"',
     "endpoint_private_access: expected bool, got string", "eksgen"),
    ("missing required provider", "versions.tf",
     r'^    tls = \{\n      source  = "hashicorp/tls"\n      version = ">= 4.0"\n    \}\n',
     "", "required_providers lacks 'tls'", "eksgen"),
    ("reference to a missing module output", "eks.tf", r"module\.vpc\.private_subnets$",
     "module.vpc.private_subnet_ids",
     "module.vpc.private_subnet_ids: module 'vpc' (vpc 6.6.0) has no such output", "eksgen"),
    ("reference to a missing output in an output block", "outputs.tf", r"module\.eks\.cluster_name$",
     "module.eks.cluster_nam", "module.eks.cluster_nam: module 'eks' (eks 21.19.0) has no such output", "eksgen"),
    ("a variable eksgen never sets (the same interface checker as the plan's)", "eks.tf", r"^  enable_irsa = true$",
     "  enable_irsa = true\n  putin_khuylo = true", "module.eks.putin_khuylo: eksgen never sets this variable",
     "eksgen"),
    ("unescaped ${", "locals.tf", r'^  name = "demo"$', '  name = "demo-${var.suffix}"',
     "contains a live template sequence", "eksgen"),
    ("duplicated attribute", "eks.tf", r"^  enable_irsa = true$", "  enable_irsa = true\n  enable_irsa = false",
     "Attribute redefined", "terraform"),
]


@pytest.mark.parametrize(("fault", "file", "old", "new", "message", "source"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_caught(rendered: Path, terraform, fault: str, file: str, old: str, new: str,  # type: ignore[no-untyped-def]
                         message: str, source: str) -> None:
    mutate(rendered, file, old, new)
    result = runner.invoke(app, ["validate", "--terraform", str(rendered)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert lines, result.stderr
    assert any(line.endswith(f"[{source}]") for line in lines), lines
    assert "Traceback" not in result.output


def test_terraform_validate_maps_diagnostics_to_the_spec(rendered: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    mutate(rendered, "eks.tf", r'^  enabled_log_types\s+= \[.*\]$', '  enabled_log_types = "api"')
    result = runner.invoke(app, ["validate", "--terraform", str(rendered)])
    assert result.exit_code == 2
    assert "(spec: logging.types)" in result.stderr, result.stderr


def test_spec_validate_with_terraform(tmp_path: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    spec = write_spec(tmp_path, MINIMAL_SPEC)
    result = runner.invoke(app, ["validate", "--terraform", str(spec), *TODAY_ARGS])
    assert result.exit_code == 0, result.output
    assert "eksgen checks and Terraform" in result.stdout


GOLDEN_DIRS = sorted(p for p in (REPO / "examples").glob("*/expected"))


@pytest.mark.parametrize("golden", GOLDEN_DIRS, ids=[p.parent.name for p in GOLDEN_DIRS])
def test_every_golden_passes_offline_init_and_validate(golden: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["validate", "--terraform", str(golden)])
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == (PASSED, "")
