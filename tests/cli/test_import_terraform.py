"""`eksgen import terraform` and `render --import-blocks` from the command line: exit codes, what is
written (nothing on bad input), JSON output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from generator.cli.main import app
from generator.gitops.output import output_schema
from tests.helpers import REPO, TODAY_ARGS

runner = CliRunner()
GOLDEN = REPO / "examples" / "production" / "expected"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_import_prints_a_spec_that_renders_the_same_bytes(tmp_path: Path) -> None:
    result = invoke("import", "terraform", str(GOLDEN), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    spec = tmp_path / "cluster.yaml"
    spec.write_text(result.stdout, "utf-8")
    assert invoke("render", str(spec), "-o", str(tmp_path / "out"), *TODAY_ARGS).exit_code == 0
    for tf in GOLDEN.glob("*.tf"):
        assert (tmp_path / "out" / tf.name).read_text("utf-8") == tf.read_text("utf-8"), tf.name


def test_import_writes_with_o_and_replaces_a_file_only_with_force(tmp_path: Path) -> None:
    """As `import eksctl`: an existing file is refused (exit 4) unless it already says this, or with --force."""
    target = tmp_path / "imported.yaml"
    assert invoke("import", "terraform", str(GOLDEN), "-o", str(target), *TODAY_ARGS).exit_code == 0
    written = target.read_text("utf-8")
    assert written.startswith("# Imported by eksgen")
    same = invoke("import", "terraform", str(GOLDEN), "-o", str(target), *TODAY_ARGS)
    assert same.exit_code == 0 and "already says this" in same.output
    target.write_text(written + "# my edit\n", "utf-8")
    again = invoke("import", "terraform", str(GOLDEN), "-o", str(target), *TODAY_ARGS)
    assert again.exit_code == 4
    assert "refusing to overwrite" in again.output
    assert target.read_text("utf-8").endswith("# my edit\n")
    forced = invoke("import", "terraform", str(GOLDEN), "-o", str(target), "--force", *TODAY_ARGS)
    assert forced.exit_code == 0, forced.output
    assert target.read_text("utf-8") == written


@pytest.mark.parametrize(("files", "message"), [
    (None, "not a directory"),
    ({"main.tf": 'module "eks" {\n  source = = "x"\n}\n'}, "main.tf:2:"),
    ({"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'}, "no module call with source"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, files: dict[str, str] | None, message: str) -> None:
    root = tmp_path / "root"
    if files is not None:
        root.mkdir()
        for name, text in files.items():
            (root / name).write_text(text, "utf-8")
    target = tmp_path / "spec.yaml"
    result = invoke("import", "terraform", str(root), "-o", str(target))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not target.exists()


def test_strict_refuses_an_import_with_warnings(tmp_path: Path) -> None:
    target = tmp_path / "spec.yaml"
    result = invoke("import", "terraform", str(Path(__file__).parents[1] / "adopt" / "terraform" / "data" /
                                             "v21-examples-style"), "-o", str(target), "--strict")
    assert result.exit_code == 2
    assert "main.tf:29:3 module.eks.version: warning" in result.output
    assert not target.exists()


def test_import_json(tmp_path: Path) -> None:
    result = invoke("import", "terraform", str(GOLDEN), "--format", "json", *TODAY_ARGS)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["command"] == "import terraform" and data["ok"] is True and data["output"] is None
    assert "name: payments-prod" in data["spec"]
    assert data["issues"] == []  # nothing the import could not carry over
    assert {i["rule"] for i in data["specWarnings"]} == {"EKS018"}
    jsonschema.validate(data, output_schema())


def test_render_import_blocks_then_without_removes_them(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    shutil.copy(REPO / "examples" / "minimal" / "cluster.yaml", spec)
    out = tmp_path / "out"
    first = invoke("render", str(spec), "-o", str(out), "--import-blocks", *TODAY_ARGS)
    assert first.exit_code == 0, first.output
    assert "to = module.eks.aws_eks_cluster.this[0]" in (out / "imports.tf").read_text("utf-8")
    second = invoke("render", str(spec), "-o", str(out), *TODAY_ARGS)  # incremental: must not replay
    assert second.exit_code == 0, second.output
    assert not (out / "imports.tf").exists()


REFUSED_ROOT = """\
provider "aws" {
  region = "eu-west-1"
}

module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "21.19.0"
  name               = "%s"
  kubernetes_version = "1.34"
  upgrade_policy     = { support_type = "STANDARD" }
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  eks_managed_node_groups = {
    legacy = { ami_type = "%s", instance_types = ["m6i.large"] }
  }
}
"""


@pytest.mark.parametrize(("name", "ami", "located"), [
    ("a-cluster-name-longer-than-the-iam-prefixes", "AL2023_x86_64_STANDARD",
     "main.tf:8:3 module.eks.name: error EKS002:"),
    ("payments", "AL2_x86_64", "main.tf:13:3 module.eks.eks_managed_node_groups: error EKS065:"),
])
def test_a_spec_eksgens_rules_refuse_is_never_written(tmp_path: Path, name: str, ami: str, located: str) -> None:
    """As `import eksctl`: errors of eksgen's rules on the spec refuse the import (exit 2, nothing written), each
    located at the .tf argument its value came from and naming the spec key."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(REFUSED_ROOT % (name, ami), "utf-8")
    target = tmp_path / "spec.yaml"
    result = invoke("import", "terraform", str(root), "-o", str(target), *TODAY_ARGS)
    assert result.exit_code == 2, result.output
    assert located in result.output
    assert "(written spec: " in result.output
    assert not target.exists()
    fixed = (root / "main.tf").read_text("utf-8").replace(name, "payments").replace(ami, "AL2023_x86_64_STANDARD")
    (root / "main.tf").write_text(fixed, "utf-8")
    assert invoke("import", "terraform", str(root), "-o", str(target), *TODAY_ARGS).exit_code == 0
    assert target.is_file()


def test_strict_refuses_what_was_not_carried_over_not_eksgens_warnings(tmp_path: Path) -> None:
    """--strict, as for `import eksctl`: arguments not carried over are errors; eksgen's warnings on the spec
    (here EKS018, an example account ID) stay warnings."""
    result = invoke("import", "terraform", str(GOLDEN), "--strict", *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    assert "warning EKS018" in result.output
