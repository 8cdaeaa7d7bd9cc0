"""Reading a ClusterConfig: bad input is a located error, every field is either mapped or reported."""

from __future__ import annotations

import pytest

from generator.adopt.eksctl.mapping import map_document
from generator.adopt.eksctl.unsupported import EKSCTL_FIELDS, reason, unknown_field
from generator.errors import SpecInvalid
from generator.pipeline.load import load_documents
from tests.adopt.eksctl.helpers import attempt, clusterconfig
from tests.helpers import TODAY


@pytest.mark.parametrize(("text", "where", "fragment"), [
    ("nodeGroups: [\n", "cluster.yaml:2:1", "invalid YAML"),
    ("- a\n- b\n", "cluster.yaml:1:1", "must be a mapping"),
    ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n", "cluster.yaml:1:1", "metadata"),
    (clusterconfig("nodeGroups: {name: ng}\n"), "cluster.yaml:6:1", "must be a list"),
    (clusterconfig(metadata="tags: {port: 80}\n"), "cluster.yaml:6:10", "must be text"),
    (clusterconfig("vpc:\n  clusterEndpoints: {publicAccess: yes}\n"), "cluster.yaml:7:36", "boolean true"),
    (clusterconfig("privateCluster: {enabled: 'true'}\n"), "cluster.yaml:6:18", "must be true or false"),
])
def test_bad_input_is_located(text: str, where: str, fragment: str) -> None:
    outcome = attempt(text)
    assert outcome.imported is None
    found = [i.format() for i in outcome.issues if i.severity == "error"]
    assert any(line.startswith(where) and fragment in line for line in found), found


def test_every_top_level_field_is_read_or_reported() -> None:
    """A key no step reads is a warning (an eksctl field) or an error (not one): never silently lost."""
    text = clusterconfig("".join(f"{key}: {{}}\n" for key in ("outpost", "capabilities", "remoteNetworkConfig")))
    (doc,) = load_documents(text, "cluster.yaml")
    mapped = map_document(doc, TODAY)
    assert {i.path for i in mapped.warnings} == {"outpost", "capabilities", "remoteNetworkConfig"}


def test_unknown_fields() -> None:
    assert unknown_field(("nodeGroups", 0, "instanceTyp")) is not None
    assert "instanceType" in (unknown_field(("nodeGroups", 0, "instanceTyp")) or "")
    assert unknown_field(("nodeGroups", 0, "instanceType")) is None
    assert {"apiVersion", "kind", "overrideBootstrapCommand", "withOIDC"} <= EKSCTL_FIELDS


def test_reasons_by_path_before_key() -> None:
    assert "chart" in reason(("karpenter", "version"))
    assert "join configuration" in reason(("managedNodeGroups", 3, "overrideBootstrapCommand"))
    assert reason(("cpuCredits",)) == "eksgen's spec has no key for it"


def test_load_limits_apply() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8))
    with pytest.raises(SpecInvalid):
        load_documents(bomb, "cluster.yaml")
    outcome = attempt(bomb)
    assert outcome.imported is None


def test_several_documents_become_several_clusters() -> None:
    second = clusterconfig().replace("name: demo", "name: other")
    outcome = attempt(clusterconfig() + "---\n" + second)
    assert outcome.imported is not None
    names = [d.data["metadata"]["name"] for d in load_documents(outcome.imported.text, "spec.yaml")]
    assert names == ["demo", "other"]


@pytest.mark.parametrize(("body", "path"), [
    ("iam: [1, 2]\n", "iam"),
    ("vpc: 3\n", "vpc"),
    ("nodeGroups: [{name: ng, iam: oops}]\n", "nodeGroups[0].iam"),
    ("accessConfig: [API]\n", "accessConfig"),
])
def test_a_mapping_of_the_wrong_type(body: str, path: str) -> None:
    outcome = attempt(clusterconfig(body))
    assert outcome.imported is None
    assert path in {i.path for i in outcome.issues if "must be a mapping" in i.message}, outcome.issues


def test_unknown_keys_under_subnets() -> None:
    outcome = attempt(clusterconfig("vpc: {subnets: {privat: {a: {cidr: 10.0.0.0/24}}}}\n"))
    assert outcome.imported is None
    assert any(i.path == "vpc.subnets.privat" and "did you mean 'private'" in i.message for i in outcome.issues)
