"""`eksgen import eksctl` from the command line: output, exit codes, and the safe-write rules."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner, Result

from generator.cli.main import app
from generator.gitops.output import output_schema
from generator.pipeline.load import load_documents
from tests.adopt.eksctl.helpers import clusterconfig
from tests.helpers import TODAY_ARGS, assert_clean_refusal, eksgen, snapshot

NODES = "managedNodeGroups:\n  - name: ng\n    privateNetworking: true\n"
DROPPED = NODES + "    overrideBootstrapCommand: /bin/true\n"


def write(directory: Path, text: str) -> Path:
    path = directory / "cluster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["import", "eksctl", *args, *TODAY_ARGS])


def test_prints_the_spec_and_reports_on_stderr(tmp_path: Path) -> None:
    source = write(tmp_path, clusterconfig(DROPPED))
    result = invoke(str(source))
    assert result.exit_code == 0, result.output
    data = load_documents(result.stdout, "spec.yaml")[0].data
    assert data["spec"]["managedNodeGroups"][0]["name"] == "ng"
    assert "cluster.yaml:9:5 managedNodeGroups[0].overrideBootstrapCommand: warning: not imported" in result.stderr
    assert "1 warning(s)" in result.stderr and "printed" in result.stderr
    assert "# overrideBootstrapCommand: /bin/true" in result.stdout


def test_writes_the_spec(tmp_path: Path) -> None:
    source, spec = write(tmp_path, clusterconfig(NODES)), tmp_path / "spec.yaml"
    result = invoke(str(source), "-o", str(spec))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert load_documents(spec.read_text("utf-8"), "spec.yaml")[0].data["kind"] == "Cluster"
    again = invoke(str(source), "-o", str(spec))  # the same spec again: nothing to refuse
    assert again.exit_code == 0 and "already says this" in again.stderr


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    source, spec = write(tmp_path, clusterconfig(NODES)), tmp_path / "spec.yaml"
    spec.write_text("# mine\n", encoding="utf-8")
    result = invoke(str(source), "-o", str(spec))
    assert result.exit_code == 4
    assert "refusing to overwrite" in result.stderr
    assert spec.read_text("utf-8") == "# mine\n"
    forced = invoke(str(source), "-o", str(spec), "--force")
    assert forced.exit_code == 0
    assert spec.read_text("utf-8").startswith("# An eksgen spec imported")


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    source, spec = write(tmp_path, clusterconfig(DROPPED)), tmp_path / "spec.yaml"
    result = invoke(str(source), "-o", str(spec), "--strict")
    assert result.exit_code == 2
    assert "1 warning(s) treated as errors (--strict); nothing written" in result.stderr
    assert not spec.exists()


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    source, spec = write(tmp_path, clusterconfig(NODES).replace("eksctl.io/v1alpha5", "eksgen/v1alpha1")), \
        tmp_path / "spec.yaml"
    result = invoke(str(source), "-o", str(spec))
    assert result.exit_code == 2
    assert "cluster.yaml:1:1 apiVersion: must be 'eksctl.io/v1alpha5'" in result.stderr
    assert not spec.exists()


def test_json_output_follows_the_one_format(tmp_path: Path) -> None:
    source = write(tmp_path, clusterconfig(DROPPED))
    result = invoke(str(source), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(output_schema()).validate(data)
    assert data["command"] == "import eksctl" and data["warningCount"] == 1
    assert data["issues"][0]["path"] == "managedNodeGroups[0].overrideBootstrapCommand"
    assert data["spec"].startswith("# An eksgen spec") and data["output"] is None
    failed = invoke(str(write(tmp_path, "not: [yaml")), "--format", "json")
    assert failed.exit_code == 2
    jsonschema.Draft202012Validator(output_schema()).validate(json.loads(failed.stdout))


def test_the_console_script(tmp_path: Path) -> None:
    source = write(tmp_path, clusterconfig(NODES))
    before = snapshot(tmp_path)
    missing = eksgen("import", "eksctl", "nope.yaml", *TODAY_ARGS, cwd=tmp_path)
    assert_clean_refusal(missing, 2, ("nope.yaml",))
    run = eksgen("import", "eksctl", str(source), "-o", "spec.yaml", *TODAY_ARGS, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert set(snapshot(tmp_path)) == {*before, "spec.yaml"}
    valid = eksgen("validate", "spec.yaml", *TODAY_ARGS, cwd=tmp_path)
    assert valid.code == 0, valid.stderr
