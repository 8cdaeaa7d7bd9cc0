"""Plan/apply fidelity (issue 14): what the real modules and AWS would do with the output.

Each test names the upstream fact it stands on (modules/internals.json has file and line).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.api import render_spec
from generator.ir import NULL, Attr, Block, Group, Plan, TfFile
from generator.pipeline.interface import problems
from generator.terraform import catalogs
from tests.conftest import TODAY, write_spec

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
