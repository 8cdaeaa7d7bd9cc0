"""One cluster's lock entry and what --check says of it (generator/lockfile/build.py, sources.py), one row per
condition: what is pinned, kept, skipped or left unpinned, and every malformed input file refused with why."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import UsageError
from generator.lockfile.build import check_locks, lock_entry, lock_specs
from generator.lockfile.sources import AddonVersions, Sources, read_addon_versions, read_ami_releases, sources_from
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.upgrade.conftest import GENERAL, cluster_spec

TODAY = dt.date(2026, 12, 2)
SNAPSHOT = "eksgen's amazon-eks-ami snapshot of 2026-07-23"
GROUPS = GENERAL + (
    "    - name: lt\n      instanceTypes: [m6i.large]\n      launchTemplate: {id: lt-0123456789abcdef0}\n"
    "    - name: custom\n      instanceTypes: [m6i.large]\n      amiId: ami-0123456789abcdef0\n"
    "    - name: win\n      instanceTypes: [m6i.large]\n      amiType: WINDOWS_CORE_2022_x86_64\n"
    "  addons:\n    coredns: {}\n    kube-proxy: {}\n")
KEPT = {"version": "v1.32.0-eksbuild.2", "source": "an earlier lock", "date": "2026-01-01"}


def cluster(body: str, version: str = "1.32") -> Any:
    (doc,) = load_documents(cluster_spec(version=version, body=body), "c.yaml")
    checked = check_document(doc, today=TODAY, dated_as_warnings=True)
    assert checked.errors == [] and checked.effective is not None, checked.errors
    return checked.effective


def test_an_entry_pins_what_it_has_data_for_and_names_the_rest() -> None:
    previous = {"kubernetesVersion": "1.32", "addons": {"kube-proxy": KEPT}}
    entry, unpinned = lock_entry(cluster(GROUPS), Sources(), TODAY, previous)
    assert entry["kubernetesVersion"] == "1.32"
    assert entry["addons"] == {"kube-proxy": KEPT}  # no data now: the earlier pin for the same version stays
    # The launch template's and the custom AMI's groups choose their own image: never pinned, never reported.
    assert entry["nodeGroups"] == {"general": {
        "amiType": "AL2023_x86_64_STANDARD", "releaseVersion": "1.32.13-20260714", "source": SNAPSHOT,
        "date": "2026-07-14"}}
    assert unpinned == ["addon coredns: no version for 1.32 (give --addon-versions FILE)",
                        f"node group win: no WINDOWS_CORE_2022_x86_64 release for 1.32 in {SNAPSHOT}"]


def test_an_earlier_pin_for_another_version_is_not_kept() -> None:
    previous = {"kubernetesVersion": "1.31", "addons": {"kube-proxy": KEPT}}
    entry, unpinned = lock_entry(cluster(GROUPS), Sources(), TODAY, previous)
    assert entry["addons"] == {}
    assert "addon kube-proxy: no version for 1.32 (give --addon-versions FILE)" in unpinned


def test_the_data_wins_over_an_earlier_pin_and_the_spec_over_both() -> None:
    data = AddonVersions("describe-addon-versions: a.json", {
        "kube-proxy": [("v1.32.6-eksbuild.8", frozenset({"1.32"}))],
        "coredns": [("v1.11.4-eksbuild.9", frozenset({"1.32"}))]})
    body = GENERAL + "  addons:\n    coredns: {version: v1.11.4-eksbuild.1}\n    kube-proxy: {}\n"
    entry, unpinned = lock_entry(cluster(body), Sources(addon_versions=data), TODAY,
                                 {"kubernetesVersion": "1.32", "addons": {"kube-proxy": KEPT}})
    assert entry["addons"] == {
        "coredns": {"version": "v1.11.4-eksbuild.1", "source": "the spec (addons.version wins)", "date": "2026-12-02"},
        "kube-proxy": {"version": "v1.32.6-eksbuild.8", "source": "describe-addon-versions: a.json",
                       "date": "2026-12-02"}}
    assert unpinned == []


def _locked(tmp_path: Path, edit: Any) -> list[str]:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster_spec(body=GENERAL))
    (locked,) = lock_specs([spec], today=TODAY)
    record = json.loads(locked.lock.read_text())
    edit(record["clusters"])
    locked.lock.write_text(json.dumps(record))
    return check_locks([spec], today=TODAY)[0].problems


@pytest.mark.parametrize(("edit", "problems"), [
    (lambda c: None, []),
    (lambda c: c.pop("payments"), ["payments: not in {lock}"]),
    (lambda c: c["payments"]["nodeGroups"]["general"].update(releaseVersion="1.31.1-20250101"),
     ["payments: node group general: release 1.31.1-20250101 is not for 1.32"]),
])
def test_check_says_which_pin_no_longer_fits(tmp_path: Path, edit: Any, problems: list[str]) -> None:
    lock = str(tmp_path / "eksgen.lock")
    assert _locked(tmp_path, edit) == [p.replace("{lock}", lock) for p in problems]


def test_check_names_a_module_pinned_at_another_version(tmp_path: Path) -> None:
    (problem,) = _locked(tmp_path, lambda c: c["payments"]["modules"]["vpc"].update(version="6.0.0"))
    assert problem.startswith("payments: module vpc: pinned {") and "'version': '6.0.0'" in problem
    assert ", now {'version': '6.6.0', 'catalogs': {'vpc-6.6.0': 'sha256:" in problem


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "input.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.mark.parametrize(("data", "message"), [
    ("[]", "not `aws eks describe-addon-versions` output (no 'addons' list)"),
    ({"addons": {}}, "not `aws eks describe-addon-versions` output (no 'addons' list)"),
    ({"addons": ["x"]}, "addons[0] needs addonName and addonVersions"),
    ({"addons": [{"addonName": "x", "addonVersions": {}}]}, "addons[0] needs addonName and addonVersions"),
    ({"addons": [{"addonName": 1, "addonVersions": []}]}, "addons[0] needs addonName and addonVersions"),
    ({"addons": [{"addonName": "x", "addonVersions": []}, {"addonName": "y"}]},
     "addons[1] needs addonName and addonVersions"),
    ({"addons": [{"addonName": "x", "addonVersions": ["v1"]}]},
     "addons[0] (x): a version without addonVersion or compatibilities"),
    ({"addons": [{"addonName": "x", "addonVersions": [{"addonVersion": "v1", "compatibilities": {}}]}]},
     "addons[0] (x): a version without addonVersion or compatibilities"),
    ("not json", "not JSON: "),
])
def test_malformed_addon_versions_are_refused_with_why(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        read_addon_versions(_write(tmp_path, data))
    assert str(raised.value).startswith(f"{tmp_path / 'input.json'}: {message}")


def test_addon_versions_without_compatibilities_and_odd_entries(tmp_path: Path) -> None:
    data = {"addons": [{"addonName": "x", "addonVersions": [
        {"addonVersion": "v1.9.0-eksbuild.1"},  # no compatibilities: listed, compatible with nothing
        {"addonVersion": "v1.10.0-eksbuild.1", "compatibilities": [{"clusterVersion": "1.32"}, "odd", {}]},
        {"addonVersion": "v1.10.0-eksbuild.2", "compatibilities": [{"clusterVersion": "1.32"}]},
    ]}]}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    versions = read_addon_versions(path)
    assert versions.source == "describe-addon-versions: odd.json"
    assert versions.newest("x", "1.32") == "v1.10.0-eksbuild.2"  # numerically newest: 1.10 after 1.9
    assert (versions.supports("x", "v1.9.0-eksbuild.1", "1.32"), versions.supports("x", "v1.10.0-eksbuild.1", "1.32"),
            versions.supports("x", "v2", "1.32"), versions.supports("y", "v1", "1.32")) == (False, True, None, None)
    assert versions.newest("x", "1.33") is None and versions.newest("y", "1.32") is None


RELEASE = {"kubernetesVersion": "1.32", "family": "AL2023", "releaseVersion": "1.32.13-20260714",
           "released": "2026-07-14", "tag": "v20260714"}


def test_an_ami_release_list_replaces_the_snapshot(tmp_path: Path) -> None:
    path = _write(tmp_path, {"releases": [RELEASE]})
    sources = sources_from(None, path)
    assert sources.ami_source == "--ami-releases input.json" and sources.addon_versions is None
    assert [r.release_version for r in sources.ami_releases] == ["1.32.13-20260714"]
    assert read_ami_releases(path) == sources.ami_releases
    assert sources_from(None, None).ami_source == SNAPSHOT


@pytest.mark.parametrize(("data", "message"), [
    ({"releases": [dict(RELEASE, releaseVersion="1.31.9-20260714")]},
     "release 1.31.9-20260714 is not for Kubernetes 1.32"),
    ({"releases": [{"family": "AL2023"}]}, "not an AMI release list ("),
    ({"releases": "none"}, "not an AMI release list ("),
])
def test_a_malformed_ami_release_list_is_refused_with_why(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        read_ami_releases(_write(tmp_path, data))
    assert str(raised.value).startswith(f"{tmp_path / 'input.json'}: {message}")


def test_a_missing_input_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"input\.json: No such file or directory"):
        read_addon_versions(tmp_path / "input.json")
