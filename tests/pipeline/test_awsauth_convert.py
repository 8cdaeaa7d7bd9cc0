"""aws-auth conversion, as a table: each ConfigMap mapping, the access entry it becomes, what eksgen says."""

from __future__ import annotations

import pytest
import yaml

from generator.pipeline.awsauth import configmap_to_access_yaml

SSO = "arn:aws:iam::444455556666:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
SSO_FULL = ("arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/"
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef")
GOV_SSO = "arn:aws-us-gov:iam::444455556666:role/AWSReservedSSO_ReadOnly_fedcba9876543210"


def manifest(map_roles: str = "", map_accounts: str = "") -> str:
    data = {k: v for k, v in (("mapRoles", map_roles), ("mapAccounts", map_accounts)) if v}
    return yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap", "data": data})


CASES = [
    # (id, manifest, principal ARNs of the entries, fragments of the warning comments; none means no comment)
    ("sso-role-gets-its-path", manifest(f"- rolearn: {SSO}\n  groups: [system:masters]\n"), [SSO_FULL],
     ["IAM Identity Center role without its path", f"converted to {SSO_FULL}",
      "aws iam get-role --role-name AWSReservedSSO_AdministratorAccess_0123456789abcdef"]),
    ("sso-in-govcloud", manifest(f"- rolearn: {GOV_SSO}\n  groups: [viewers]\n"),
     ["arn:aws-us-gov:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_fedcba9876543210"],
     ["IAM Identity Center role without its path"]),
    ("sso-role-with-path-untouched", manifest(f"- rolearn: {SSO_FULL}\n  groups: [viewers]\n"), [SSO_FULL], []),
    ("ordinary-role-untouched", manifest("- rolearn: arn:aws:iam::444455556666:role/ops\n  groups: [ops]\n"),
     ["arn:aws:iam::444455556666:role/ops"], []),
    ("map-accounts-warned", manifest("- rolearn: arn:aws:iam::444455556666:role/ops\n  groups: [ops]\n",
                                     '- "777788889999"\n- "111100002222"\n'),
     ["arn:aws:iam::444455556666:role/ops"],
     ["data.mapAccounts: mapAccounts (777788889999, 111100002222) has no access-entry equivalent"]),
]


@pytest.mark.parametrize(("text", "principals", "warnings"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_conversion(text: str, principals: list[str], warnings: list[str]) -> None:
    out = configmap_to_access_yaml(text)
    comments = "".join(line for line in out.splitlines(keepends=True) if line.startswith("# "))
    entries = yaml.safe_load(out)["access"]["entries"]
    assert [e["principalArn"] for e in entries] == principals
    for fragment in warnings:
        assert fragment in comments
    if not warnings:
        assert comments == ""


ALIAS_BOMB = "".join(f"- &a{i} [{', '.join([f'*a{i - 1}'] * 9) if i else 'x'}]\n" for i in range(12))


def test_map_accounts_is_read_by_the_bounded_loader() -> None:
    """An alias bomb in mapAccounts is refused (reported unreadable), not expanded to 9**11 items."""
    out = configmap_to_access_yaml(manifest("- rolearn: arn:aws:iam::444455556666:role/ops\n  groups: [ops]\n",
                                            ALIAS_BOMB))
    assert "# data.mapAccounts: mapAccounts (unreadable) has no access-entry equivalent" in out
