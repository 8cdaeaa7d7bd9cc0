"""eksgen lock: the lock round trip through render, --check, and describe-addon-versions fixtures checked
against botocore's EKS service model (the shape `aws eks describe-addon-versions` prints)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import botocore.loaders
import pytest

from generator.errors import UsageError
from generator.lockfile.build import check_locks, lock_specs
from generator.lockfile.sources import read_addon_versions, sources_from
from generator.pipeline.specfile import render_spec
from tests.upgrade.conftest import AL2_GROUP, GENERAL, cluster_spec

TODAY = dt.date(2026, 12, 2)
FIXTURE = Path(__file__).parent / "fixtures" / "describe-addon-versions.json"


def _check_shape(value: Any, shape_name: str, shapes: dict[str, Any], where: str) -> list[str]:
    """Every key the fixture uses is a member of botocore's shape, with the type the model says."""
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{k}: not in {shape_name}" for k in value if k not in shape["members"]]
        return problems + [p for k, v in value.items() if k in shape["members"]
                           for p in _check_shape(v, shape["members"][k]["shape"], shapes, f"{where}.{k}")]
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, item in enumerate(value)
                for p in _check_shape(item, shape["member"]["shape"], shapes, f"{where}[{i}]")]
    expected = {"string": str, "boolean": bool, "integer": int, "map": dict}[kind]
    return [] if isinstance(value, expected) else [f"{where}: not a {kind}"]


def test_the_fixture_has_botocores_describe_addon_versions_shape() -> None:
    model = botocore.loaders.Loader().load_service_model("eks", "service-2")
    data = json.loads(FIXTURE.read_text())
    assert _check_shape(data, "DescribeAddonVersionsResponse", model["shapes"], "$") == []
    bad = {"addons": [{"addonName": "x", "addonVersions": [{"addonVersion": "v1", "clusterVersions": ["1.32"]}]}]}
    assert _check_shape(bad, "DescribeAddonVersionsResponse", model["shapes"], "$") == [
        "$.addons[0].addonVersions[0].clusterVersions: not in AddonVersionInfo"]  # the check can fail


@pytest.mark.parametrize(("addon", "kubernetes", "newest"), [
    ("vpc-cni", "1.32", "v1.20.4-eksbuild.1"),  # numeric order: v1.20 after v1.19 and v1.9
    ("vpc-cni", "1.31", "v1.19.6-eksbuild.7"),
    ("coredns", "1.33", "v1.12.1-eksbuild.2"),
    ("kube-proxy", "1.34", None),
    ("aws-ebs-csi-driver", "1.32", None),
])
def test_the_lock_takes_the_newest_compatible_version(addon: str, kubernetes: str, newest: str | None) -> None:
    assert read_addon_versions(FIXTURE).newest(addon, kubernetes) == newest


@pytest.mark.parametrize("text", ["[]", '{"addons": {}}', '{"addons": [{"addonName": "x"}]}', "not json"])
def test_other_json_is_refused_as_bad_input(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(UsageError):
        read_addon_versions(path)


def _spec(tmp_path: Path, body: str = GENERAL) -> Path:
    path = tmp_path / "cluster.yaml"
    addons = "  addons:\n    vpc-cni: {}\n    coredns: {version: v1.11.4-eksbuild.1}\n"
    path.write_text(cluster_spec(body=body + addons))
    return path


def test_lock_round_trip_pins_render_and_the_spec_wins(tmp_path: Path) -> None:
    spec = _spec(tmp_path, GENERAL + AL2_GROUP)
    before = render_spec(spec, today=TODAY)[0].files["eks.tf"]
    (locked,) = lock_specs([spec], sources=sources_from(FIXTURE, None), today=TODAY)
    assert locked.lock == tmp_path / "eksgen.lock"
    entry = json.loads(locked.lock.read_text())["clusters"]["payments"]
    assert entry["addons"]["vpc-cni"] == {"version": "v1.20.4-eksbuild.1", "source":
                                          "describe-addon-versions: describe-addon-versions.json", "date": "2026-12-02"}
    assert entry["addons"]["coredns"]["version"] == "v1.11.4-eksbuild.1"  # the spec's own pin
    assert {n: g["releaseVersion"] for n, g in entry["nodeGroups"].items()} == {
        "general": "1.32.13-20260714", "legacy": "1.32.9-20251209"}
    assert entry["modules"]["eks"]["catalogs"]["eks-21.19.0"].startswith("sha256:")
    after = render_spec(spec, today=TODAY)[0].files["eks.tf"]
    assert re.search(r'addon_version += "v1\.20\.4-eksbuild\.1"', after) and "v1.20.4" not in before
    assert re.search(r'addon_version += "v1\.11\.4-eksbuild\.1"', after)
    assert after.count("use_latest_ami_release_version = false") == 2
    assert 'ami_release_version            = "1.32.13-20260714"' in after
    assert check_locks([spec], today=TODAY)[0].problems == []
    # locking again gives the same bytes
    first = locked.lock.read_bytes()
    lock_specs([spec], sources=sources_from(FIXTURE, None), today=TODAY)
    assert locked.lock.read_bytes() == first


@pytest.mark.parametrize(("change", "problem"), [
    (lambda t: t.replace('"1.32"', '"1.33"').replace(AL2_GROUP, ""),
     "payments: pinned for Kubernetes 1.32, the spec says 1.33"),
    (lambda t: t.replace(AL2_GROUP, ""), "payments: node group legacy is pinned but no longer in the spec"),
    (lambda t: t.replace("    vpc-cni: {}\n", ""), "payments: addon vpc-cni is pinned but no longer in the spec"),
    (lambda t: t.replace("AL2_x86_64", "AL2_ARM_64").replace("m5.large", "m6g.large"),
     "payments: node group legacy is pinned for AL2_x86_64, the spec says AL2_ARM_64"),
])
def test_check_names_the_pin_that_no_longer_fits(tmp_path: Path, change: Any, problem: str) -> None:
    spec = _spec(tmp_path, GENERAL + AL2_GROUP)
    lock_specs([spec], sources=sources_from(FIXTURE, None), today=TODAY)
    spec.write_text(change(spec.read_text()))
    (checked,) = check_locks([spec], today=TODAY)
    assert checked.problems == [problem]


def test_a_stale_lock_pins_nothing_and_says_so(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    lock_specs([spec], sources=sources_from(FIXTURE, None), today=TODAY)
    spec.write_text(spec.read_text().replace('"1.32"', '"1.33"'))
    (rendered,) = render_spec(spec, today=TODAY, dated_as_warnings=True)
    assert "v1.20.4" not in rendered.files["eks.tf"] and "ami_release_version" not in rendered.files["eks.tf"]
    assert [i.rule for i in rendered.result.warnings if i.rule == "EKS151"] == ["EKS151"]


def test_without_a_lock_nothing_changes(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    first = render_spec(spec, today=TODAY)[0].files
    assert "ami_release_version" not in first["eks.tf"]
    (tmp_path / "other.lock").write_text("{}")  # only eksgen.lock beside the spec counts
    assert render_spec(spec, today=TODAY)[0].files == first


def test_a_lock_elsewhere_and_a_fleet_share_one_file(tmp_path: Path) -> None:
    one = _spec(tmp_path)
    two = tmp_path / "two.yaml"
    two.write_text(one.read_text().replace("name: payments", "name: orders"))
    (tmp_path / "locks").mkdir()
    lock_specs([one, two], lock=tmp_path / "locks" / "fleet.lock", sources=sources_from(FIXTURE, None), today=TODAY)
    assert sorted(json.loads((tmp_path / "locks" / "fleet.lock").read_text())["clusters"]) == ["orders", "payments"]
    assert not (tmp_path / "eksgen.lock").exists()
