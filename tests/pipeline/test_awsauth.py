"""aws-auth conversion (generator/pipeline/awsauth.py): done once, by the defaults stage, and read by every
consumer; and EKS040, one row per finding (tests/helpers.py: Row)."""

from __future__ import annotations

import pytest

from generator.pipeline.awsauth import ADMIN_POLICY, _entry
from tests.helpers import (
    ROLE,
    row,
    rule_table_tests,
    spec,
)


def test_aws_auth_is_converted_once_and_every_consumer_reads_that(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults convert; checks, plan and the diff read the result instead of converting again."""
    from generator.gitops.diff import diff_results
    from generator.pipeline import awsauth
    from generator.pipeline.specfile import render_spec
    from tests.helpers import REPO, TODAY

    calls: list[object] = []
    real = awsauth.convert

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(awsauth, "convert", counting)
    spec = REPO / "examples" / "aws-auth" / "cluster.yaml"
    results = render_spec(spec, today=TODAY)
    assert len(calls) == 1
    assert "AmazonEKSClusterAdminPolicy" in results[0].files["eks.tf"]
    diff_results(results, results)
    assert len(calls) == 1


@pytest.mark.parametrize(("groups", "policies", "kubernetes_groups", "dropped"), [
    (["system:masters"], [ADMIN_POLICY], [], []),
    # A repeat converts once: two admin associations would share one module key (EKS041), and the
    # second system:masters is not a dropped system: group either.
    (["system:masters", "system:masters"], [ADMIN_POLICY], [], []),
    (["devs", "devs", "ops"], [], ["devs", "ops"], []),
    (["ops", "system:bootstrappers", "devs"], [], ["ops", "devs"], ["system:bootstrappers"]),
])
def test_groups_convert_once_each(groups: list[str], policies: list[str], kubernetes_groups: list[str],
                                  dropped: list[str]) -> None:
    entry, dropped_groups = _entry(ROLE, None, groups)
    assert [p.policy for p in entry.policies or []] == policies
    assert entry.kubernetes_groups == kubernetes_groups
    assert dropped_groups == dropped


ROWS = [
    row("aws-auth-node-role", "EKS040",
        spec(append=f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n"
                    "          groups: ['system:bootstrappers', 'system:nodes']\n"),
        spec(append=f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n          groups: [ops]\n"),
        "20:11 access.awsAuth.mapRoles[0].groups", "node role mapping dropped (system:bootstrappers, system:nodes)"),
    row("aws-auth-dropped-group", "EKS040",
        spec(append=f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n"
                    "          groups: ['system:masters', 'system:nodes']\n"),
        spec(append=f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n"
                    "          groups: ['system:masters']\n"),
        "20:11 access.awsAuth.mapRoles[0].groups", "dropped group 'system:nodes'"),
    row("sso-role-path", "EKS042",
        spec(append="  access:\n    authenticationMode: API_AND_CONFIG_MAP\n    awsAuth:\n      mapRoles:\n"
                    "        - rolearn: arn:aws:iam::444455556666:role/AWSReservedSSO_Admin_0123456789abcdef\n"
                    "          groups: [ops]\n"),
        spec(append="  access:\n    authenticationMode: API_AND_CONFIG_MAP\n    awsAuth:\n      mapRoles:\n"
                    "        - rolearn: arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/"
                    "AWSReservedSSO_Admin_0123456789abcdef\n          groups: [ops]\n"),
        "20:11 access.awsAuth.mapRoles[0].rolearn", "converted to arn:aws:iam::444455556666:role/aws-reserved/"
        "sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", severity="warning"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
