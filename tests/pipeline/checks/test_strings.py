"""EKS001 text hygiene (generator/pipeline/checks/strings.py), one row per finding (tests/helpers.py: Row)."""

from __future__ import annotations

from tests.helpers import (
    ROLE,
    entry,
    fargate,
    row,
    rule_table_tests,
    spec,
)

ROWS = [
    row("invisible-char", "EKS001", spec(append=entry(ROLE, 'username: "ops\\u200b"')),
        spec(append=entry(ROLE, "username: ops")),
        "19:9 access.entries[0].username", "contains the invisible or control character U+200B"),
    row("not-nfc", "EKS001", spec(append=entry(ROLE, 'username: "cafe\\u0301"')),
        spec(append=entry(ROLE, 'username: "caf\\u00e9"')),
        "19:9 access.entries[0].username", "is not in Unicode NFC form"),
    row("template-sequence", "EKS001", spec(append=entry(ROLE, 'username: "${var.user}"')),
        spec(append=entry(ROLE, "username: var.user")),
        "19:9 access.entries[0].username", "must not contain '${' or '%{' (Terraform template syntax)"),
    row("key-with-invisible-char", "EKS001",
        spec(append=fargate() + '          labels: {"k8s-app\\u200b": kube-dns}\n'),
        spec(append=fargate() + "          labels: {k8s-app: kube-dns}\n"),
        "20:20 fargateProfiles[0].selectors[0].labels['k8s-app\\u200b']", "key contains the invisible"),
    row("unclosed-template-in-free-text", "EKS001",
        spec(append='  addons:\n    vpc-cni:\n      configuration: {env: {X: "a${b"}}\n'),
        spec(append='  addons:\n    vpc-cni:\n      configuration: {env: {X: "a${b}"}}\n'),
        "18:29 addons.vpc-cni.configuration.env.X", "contains '${' with no closing '}' after it"),
    row("placeholder-account", "EKS018", spec(append=entry(ROLE)),
        spec(append=entry(ROLE.replace("111122223333", "444455556666"))),
        "18:9 access.entries[0].principalArn", "111122223333 is a placeholder account ID", severity="warning"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
