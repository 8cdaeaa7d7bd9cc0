"""Plan/apply fidelity (issue 14): what the real modules and AWS would do with the output.

Each test names the upstream fact it stands on (modules/internals.json has file and line).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.api import render_spec
from generator.errors import SpecInvalid
from generator.ir import NULL, Attr, Block, Group, Plan, TfFile
from generator.pipeline.checks.rules import checkov_skips
from generator.pipeline.interface import problems
from generator.terraform import catalogs
from tests.helpers import TODAY, write_spec

HEAD = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
"""


def render(tmp_path: Path, body: str, name: str = "cluster.yaml") -> dict[str, str]:
    (result,) = render_spec(write_spec(tmp_path, HEAD + body, name), today=TODAY)
    return result.result.files


# --- 1: encryption off is encryption_config = null ------------------------------------------------

def test_create_key_false_renders_encryption_config_null(tmp_path: Path) -> None:
    eks = render(tmp_path, "  secretsEncryption: {createKey: false}\n")["eks.tf"]
    assert "  encryption_config = null\n" in eks
    assert "  create_kms_key    = false\n" in eks


def test_default_encryption_leaves_the_module_default(tmp_path: Path) -> None:
    eks = render(tmp_path, "")["eks.tf"]
    assert "create_kms_key = true" in eks and "encryption_config" not in eks


def test_null_for_a_non_nullable_variable_is_an_interface_problem() -> None:
    head = Group([Attr("source", "terraform-aws-modules/eks/aws"), Attr("version", "21.19.0")])
    variables = catalogs.load("eks", "21.19.0")["variables"]
    strict = sorted(n for n, v in variables.items() if v.get("nullable") is False)
    nullable = sorted(n for n, v in variables.items() if v.get("nullable") is not False)
    assert "encryption_config" in nullable
    block = Block("module", ("eks",), [head, Group([Attr("encryption_config", NULL)])])
    assert problems(Plan([TfFile("eks.tf", [block])])) == []
    if strict:
        bad = Block("module", ("eks",), [head, Group([Attr(strict[0], NULL)])])
        assert problems(Plan([TfFile("eks.tf", [bad])])) == [
            f"eks.tf: module.eks.{strict[0]}: null given, but the variable is not nullable"]


# --- 7: map keys come from names, never from list positions ---------------------------------------

POLICIES = ["arn:aws:iam::111122223333:policy/reports-write", "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::111122223333:policy/ReadOnlyAccess"]
ROLES = ["arn:aws:iam::111122223333:role/platform-admins", "arn:aws:iam::444455556666:role/platform-admins",
         "arn:aws:iam::111122223333:role/dev"]


def _irsa(arns: list[str]) -> str:
    return ("  serviceAccounts:\n    - name: reports\n      namespace: reports\n      serviceAccount: exporter\n"
            "      policyArns: [" + ", ".join(arns) + "]\n")


def _entries(arns: list[str]) -> str:
    return "  access:\n    entries:\n" + "".join(
        f"      - principalArn: {arn}\n        policies: [{{policy: AmazonEKSViewPolicy}}]\n" for arn in arns)


@pytest.mark.parametrize("body", [_irsa, _entries], ids=["irsa-policies", "access-entries"])
def test_reordering_a_list_changes_no_key(tmp_path: Path, body: object) -> None:
    arns = POLICIES if body is _irsa else ROLES
    assert callable(body)
    first = render(tmp_path, body(arns), "a.yaml")
    second = render(tmp_path, body(list(reversed(arns))), "b.yaml")
    keys = {name: sorted(line.split("=")[0].strip() for line in text.splitlines() if " = {" in line
                         or '" = "' in line) for name, text in first.items()}
    assert keys == {name: sorted(line.split("=")[0].strip() for line in text.splitlines() if " = {" in line
                                 or '" = "' in line) for name, text in second.items()}


def test_irsa_policy_keys_are_policy_names(tmp_path: Path) -> None:
    iam = render(tmp_path, _irsa(POLICIES))["iam.tf"]
    assert re.search(r'"reports-write" += "arn:aws:iam::111122223333:policy/reports-write"', iam)
    # Two ARNs named ReadOnlyAccess: both keys take the account, so neither depends on order.
    assert '"aws-policy/ReadOnlyAccess"' in iam and '"111122223333-policy/ReadOnlyAccess"' in iam
    assert "policy_0" not in iam


def test_access_entry_keys_are_role_names(tmp_path: Path) -> None:
    eks = render(tmp_path, _entries(ROLES))["eks.tf"]
    assert "    dev = {\n" in eks
    assert "    p_111122223333_platform_admins = {\n" in eks and "    p_444455556666_platform_admins = {\n" in eks


# --- 6: metadata.tags reach every module (and so the nodes' launch templates) ---------------------

def test_tags_are_each_modules_tags_argument(tmp_path: Path) -> None:
    files = render(tmp_path, "", "plain.yaml")
    tagged = render_with_tags(tmp_path)
    assert 'tags = {\n    "team" = "platform"\n  }' in tagged["locals.tf"]
    for name in ("eks.tf", "vpc.tf", "iam.tf"):
        assert tagged[name].count("  tags = local.tags\n") == 1, name
    assert "local.tags" not in "".join(files.values())  # no tags, no argument


def render_with_tags(tmp_path: Path) -> dict[str, str]:
    text = HEAD.replace("  region: eu-west-1\n", "  region: eu-west-1\n  tags: {team: platform}\n") + (
        "  serviceAccounts:\n    - {name: ebs, namespace: kube-system, serviceAccount: ebs,"
        " wellKnownPolicies: [ebsCsi]}\n")
    (result,) = render_spec(write_spec(tmp_path, text, "tagged.yaml"), today=TODAY)
    return result.result.files


# --- 10: providers of nested submodules ------------------------------------------------------------

def test_nested_submodule_providers_are_required(tmp_path: Path) -> None:
    versions = render(tmp_path, "")["versions.tf"]
    assert 'cloudinit = {\n      source  = "hashicorp/cloudinit"\n      version = ">= 2.0"\n    }' in versions
    assert 'null = {\n      source  = "hashicorp/null"\n      version = ">= 3.0"\n    }' in versions


# --- 14: outputs users need next ------------------------------------------------------------------

def test_outputs_carry_ca_data_and_irsa_role_arns_by_name(tmp_path: Path) -> None:
    outputs = render_with_tags(tmp_path)["outputs.tf"]
    assert "value       = module.eks.cluster_certificate_authority_data" in outputs
    assert 'output "irsa_role_arns" {' in outputs and '"ebs" = module.irsa_ebs.arn' in outputs


# --- 3: the account-wide IPv6 CNI policy is a choice ------------------------------------------------

@pytest.mark.parametrize(("extra", "rendered"), [("", "true"), ("  vpcCni: {createIpv6Policy: false}\n", "false")])
def test_ipv6_policy_creation_follows_the_spec(tmp_path: Path, extra: str, rendered: str) -> None:
    eks = render(tmp_path, "  ipFamily: ipv6\n" + extra)["eks.tf"]
    assert f"create_cni_ipv6_iam_policy = {rendered}\n" in eks


# --- 15: a spec waiver reaches checkov -------------------------------------------------------------

def test_waivers_with_a_checkov_twin_render_checkov_skip_comments(tmp_path: Path) -> None:
    (result,) = render_spec(write_spec(tmp_path, HEAD + (
        "  endpoint: {public: true}\n  waivers:\n"
        "    - {rule: EKS080, reason: CI runners have no fixed egress}\n"
        "    - {rule: CKV_AWS_39, reason: kubectl from laptops}\n")), today=TODAY)
    assert not [i for i in result.result.issues if i.rule in ("EKS090", "EKS091")]
    eks = result.result.files["eks.tf"]
    assert ('  # checkov:skip=CKV_AWS_38:EKS080 waived: CI runners have no fixed egress\n'
            '  # checkov:skip=CKV_AWS_39:CKV_AWS_39 waived: kubectl from laptops\n'
            '  source  = "terraform-aws-modules/eks/aws"\n') in eks


def test_a_hop_limit_waiver_reaches_checkovs_twin_and_the_module_default_misreads_can_be_waived(
        tmp_path: Path) -> None:
    (result,) = render_spec(write_spec(tmp_path, HEAD + (
        "  waivers:\n"
        "    - {rule: CKV_AWS_79, reason: checkov misses the module default}\n")), today=TODAY)
    assert not [i for i in result.result.issues if i.rule in ("EKS090", "EKS091")]
    assert ("  # checkov:skip=CKV_AWS_79:CKV_AWS_79 waived: checkov misses the module default\n"
            in result.result.files["eks.tf"])
    assert checkov_skips("EKS089") == ["CKV_AWS_341"]
    assert checkov_skips("EKS088") == []


def test_a_checkov_waiver_needs_a_reason(tmp_path: Path) -> None:
    with pytest.raises(SpecInvalid) as info:
        render_spec(write_spec(tmp_path, HEAD + "  waivers:\n    - {rule: CKV_AWS_37, reason: ' '}\n"), today=TODAY)
    assert [i.rule for i in info.value.issues] == ["EKS090"]


@pytest.mark.parametrize(("example", "file", "modules"), [
    ("karpenter", "karpenter.tf", 1), ("private-cluster", "vpc.tf", 2), ("pod-identity", "iam.tf", 3)])
def test_tags_reach_the_second_release_modules_too(tmp_path: Path, example: str, file: str, modules: int) -> None:
    text = (Path("examples") / example / "cluster.yaml").read_text("utf-8")
    text = re.sub(r"^  region: .*\n", r"\g<0>  tags: {team: platform}\n", text, count=1, flags=re.M)
    (result,) = render_spec(write_spec(tmp_path, text, "tagged.yaml"), today=TODAY)
    rendered = result.result.files[file]
    assert rendered.count("module \"") == modules
    # tags is each module's last argument: the line before every module's closing brace.
    assert rendered.count("  tags = local.tags\n}\n") == modules
