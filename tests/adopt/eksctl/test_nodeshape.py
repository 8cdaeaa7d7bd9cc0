"""A node group's machine (nodeshape.py) as the user sees it: the warning or error each field gives,
word for word at its ClusterConfig line, and where a finding on the written spec is reported."""

from __future__ import annotations

import pytest

from generator.adopt.eksctl.mapping import map_document, relocate
from generator.errors import Issue
from generator.pipeline.load import load_documents
from tests.adopt.eksctl.helpers import attempt
from tests.adopt.eksctl.test_mapping import NG, SG1, ng
from tests.helpers import TODAY

S3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
NO_KEY_PAIR = ("not imported: eksctl imports a public key as a key pair it names itself; eksgen names an existing "
               "key pair: give ssh.publicKeyName")
EFFECTS = "effect must be one of NoSchedule, NoExecute, PreferNoSchedule"


def written(path: str) -> tuple[str | int, ...]:
    """`spec.selfManagedNodeGroups.0.diskType` as a location in the written spec."""
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


# ClusterConfig node group body (lines from 8, keys at column 5), a place in the written spec, and the
# ClusterConfig place a finding there is reported at.
RELOCATED = [
    ("amiFamily: Bottlerocket", "amiType", "cluster.yaml:8:5 nodeGroups[0].amiFamily"),
    ("volumeSize: 50", "diskSizeGiB", "cluster.yaml:8:5 nodeGroups[0].volumeSize"),
    ("volumeType: gp2", "diskType", "cluster.yaml:8:5 nodeGroups[0].volumeType"),
    ("volumeType: gp3\nvolumeIOPS: 4000", "diskIops", "cluster.yaml:9:5 nodeGroups[0].volumeIOPS"),
    (f"iam:\n  attachPolicyARNs: [{S3}]", "iam.additionalPolicies.AmazonS3ReadOnlyAccess",
     "cluster.yaml:9:7 nodeGroups[0].iam.attachPolicyARNs"),
    ("iam:\n  instanceRolePermissionsBoundary: arn:aws:iam::000000000000:policy/b", "iam",
     "cluster.yaml:8:5 nodeGroups[0].iam"),
    (f"ssh: {{allow: true, publicKeyName: ops, sourceSecurityGroupIds: [{SG1}]}}", "ssh.sourceSecurityGroupIds.0",
     "cluster.yaml:8:44 nodeGroups[0].ssh.sourceSecurityGroupIds"),
    ("ssh: {allow: true, publicKeyName: ops}", "ssh.keyName", "cluster.yaml:8:24 nodeGroups[0].ssh.publicKeyName"),
    ("ssh: {allow: true, publicKeyName: ops}", "ssh", "cluster.yaml:8:5 nodeGroups[0].ssh"),
    ("taints: [{key: a, value: b, effect: NoSchedule}]", "taints.0.key", "cluster.yaml:8:14 nodeGroups[0].taints[0]"),
    ("taints: {a: 'b:NoSchedule', c: ':NoExecute'}", "taints.1.effect", "cluster.yaml:8:33 nodeGroups[0].taints.c"),
]


@pytest.mark.parametrize(("body", "path", "where"), RELOCATED, ids=[f"{r[0].split(':')[0]}-{r[1]}" for r in RELOCATED])
def test_a_finding_on_the_written_spec_is_reported_where_its_value_came_from(body: str, path: str,
                                                                           where: str) -> None:
    (doc,) = load_documents(ng(body), "cluster.yaml")
    found = Issue(loc=written(f"{NG}.{path}"), message="a finding")
    shown = relocate(found, map_document(doc, TODAY)).format()
    assert shown.startswith(f"{where}: a finding (written spec: selfManagedNodeGroups[0].")


def test_a_real_finding_on_a_map_form_taint_is_reported_at_its_key() -> None:
    # The effect is what follows the last colon, so the value keeps its own colon (and eksgen refuses it).
    outcome = attempt(ng("taints: {dedicated: 'a:b:NoSchedule'}"))
    assert [i.format() for i in outcome.issues] == [
        "cluster.yaml:8:14 nodeGroups[0].taints.dedicated: error EKS057: taint value must be at most 63 characters, "
        "alphanumeric at both ends (written spec: selfManagedNodeGroups[0].taints[0].value)"]


# Node group body and every warning the import gives (path: message).
WARNINGS = [
    ("disableIMDSv1: false", {"nodeGroups[0].disableIMDSv1": (
        "not imported: eksgen always requires IMDSv2 tokens, so a request forged through a pod's proxy cannot read "
        "the node's credentials")}),
    ("disableIMDSv1: true", {}),
    ("volumeType: sc1", {
        "nodeGroups[0].volumeType": "not imported: eksgen's root volume is one of gp3, gp2, io1, io2"}),
    ("ssh: {allow: true}", {"nodeGroups[0].ssh": NO_KEY_PAIR}),
    ("ssh: {publicKey: 'ssh-rsa AAAA'}", {"nodeGroups[0].ssh": NO_KEY_PAIR}),  # allow unset: a key means allowed
    ("ssh: {publicKeyPath: ~/.ssh/id.pub}", {"nodeGroups[0].ssh": NO_KEY_PAIR}),
    ("ssh: {publicKeyName: ops}", {}),
    ("ssh: {allow: true, publicKeyName: ops, enableSsm: true}", {"nodeGroups[0].ssh.enableSsm": (
        "not imported: SSM access comes from the node role's AmazonSSMManagedInstanceCore (iam.additionalPolicies)")}),
    (f"ssh: {{allow: false, sourceSecurityGroupIds: [{SG1}]}}", {
        "nodeGroups[0].ssh.sourceSecurityGroupIds": "not imported: eksgen's spec has no key for it"}),
    ("iam: {withAddonPolicies: {autoScaler: false, ebs: false}}", {}),  # nothing asked for, nothing lost
    ("iam: {instanceRoleName: nodes}", {
        "nodeGroups[0].iam.instanceRoleName": "not imported: eksgen names the node role"}),
    ("iam: {withAddonPolicies: {autoScaler: true}}", {"nodeGroups[0].iam.withAddonPolicies": (
        "not imported: eksgen gives these permissions to the workload's own role, not to every pod on the node: use "
        "serviceAccounts or podIdentityAssociations with wellKnownPolicies")}),
]


@pytest.mark.parametrize(("body", "warnings"), WARNINGS, ids=[w[0] for w in WARNINGS])
def test_each_node_field_eksgen_cannot_take_warns_once_saying_why(body: str, warnings: dict[str, str]) -> None:
    outcome = attempt(ng(body))
    assert outcome.imported is not None, [i.format() for i in outcome.issues]
    assert {i.path: i.message for i in outcome.issues} == warnings
    assert all(i.severity == "warning" and i.position is not None for i in outcome.issues)


@pytest.mark.parametrize(("body", "ssh"), [
    ("ssh: {publicKeyName: ops}", {"keyName": "ops"}),
    ("ssh: {allow: true, publicKeyName: ops, enableSsm: true}", {"keyName": "ops"}),
    (f"ssh: {{allow: true, publicKeyName: ops, sourceSecurityGroupIds: [{SG1}]}}",
     {"keyName": "ops", "sourceSecurityGroupIds": [SG1]}),
    ("ssh: {allow: true}", None),
    (f"ssh: {{allow: false, publicKeyName: ops, sourceSecurityGroupIds: [{SG1}]}}", None),
])
def test_ssh_is_written_only_with_a_key_pair_name(body: str, ssh: dict[str, object] | None) -> None:
    outcome = attempt(ng(body))
    group = outcome.spec["spec"]["selfManagedNodeGroups"][0]
    assert group.get("ssh") == ssh


def test_a_dropped_ssh_field_is_kept_as_a_comment_under_ssh() -> None:
    outcome = attempt(ng("ssh: {allow: true, publicKeyName: ops, enableSsm: true}"))
    assert outcome.imported is not None
    lines = outcome.imported.text.splitlines()
    start = lines.index("      ssh:")
    assert lines[start + 1:start + 5] == [
        "        keyName: ops",
        "        # not imported: SSM access comes from the node role's AmazonSSMManagedInstanceCore",
        "        # (iam.additionalPolicies)",
        "        # enableSsm: true"]


@pytest.mark.parametrize(("body", "error"), [
    ("taints: [{key: a, effect: NoSchedul}]",
     f"cluster.yaml:8:14 nodeGroups[0].taints[0]: {EFFECTS} (got 'NoSchedul')"),
    ("taints: {a: 'x:Bad'}", f"cluster.yaml:8:14 nodeGroups[0].taints.a: {EFFECTS} (got 'Bad')"),
    ("taints: {a: x}", f"cluster.yaml:8:14 nodeGroups[0].taints.a: {EFFECTS} (got 'x')"),
    ("taints: {a: 1}", f"cluster.yaml:8:14 nodeGroups[0].taints.a: {EFFECTS} (got '')\n"
                       "cluster.yaml:8:14 nodeGroups[0].taints.a: must be text (got int 1)"),
])
def test_an_unknown_taint_effect_is_refused_naming_the_three(body: str, error: str) -> None:
    outcome = attempt(ng(body))
    assert outcome.imported is None
    assert [i.format() for i in outcome.issues] == error.split("\n")


def test_every_bad_taint_is_reported_at_once() -> None:
    outcome = attempt(ng("taints:\n  - value: x\n    effect: NoSchedule\n  - key: b\n    effect: Bad"))
    assert [i.format() for i in outcome.issues] == [
        "cluster.yaml:9:9 nodeGroups[0].taints[0].key: required: the taint's key",
        f"cluster.yaml:11:9 nodeGroups[0].taints[1]: {EFFECTS} (got 'Bad')"]


@pytest.mark.parametrize(("body", "lines"), [
    (f"iam:\n  attachPolicyARNs: [{S3}]", ["      iam:", "        additionalPolicies:",
                                          f"          AmazonS3ReadOnlyAccess: {S3}"]),
    ("", ["      iam:",  # eksctl's own policy, said why above it
          "        # eksctl gives every node role Session Manager access (a shell on the node for anyone",
          "        # allowed to start a session); eksgen's node role has only what nodes need.",
          "        additionalPolicies:"]),
])
def test_the_node_role_says_why_only_where_eksctl_added_a_policy(body: str, lines: list[str]) -> None:
    outcome = attempt(ng(body))
    assert outcome.imported is not None
    text = outcome.imported.text.splitlines()
    start = text.index("      iam:")
    assert text[start:start + len(lines)] == lines
