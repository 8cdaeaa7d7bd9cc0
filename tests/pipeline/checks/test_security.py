"""The security-profile rules (EKS081-EKS087) of generator/pipeline/checks/security.py, one row per
finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import (
    EXISTING_VPC,
    PUBLIC_SUBNET,
    ROLE,
    TWO_PRIVATE,
    USER,
    entry,
    row,
    rule_table_tests,
    service_account,
    spec,
)

ROWS = [
    row("no-envelope-encryption", "EKS081", spec(append="  secretsEncryption:\n    createKey: false\n"),
        spec(append="  secretsEncryption:\n    createKey: true\n"),
        "17:5 secretsEncryption.createKey", "Kubernetes secrets are not envelope-encrypted"),
    row("missing-log-types", "EKS082", spec(append="  logging:\n    types: [api]\n"),
        spec(append="  logging:\n    types: [api, audit, authenticator]\n"),
        "17:5 logging.types", "missing control-plane log types audit, authenticator"),
    row("creator-admin-only", "EKS083", spec(append="  access:\n    clusterCreatorAdmin: true\n"),
        spec(append="  access:\n    clusterCreatorAdmin: true\n    entries:\n"
                    f"      - principalArn: {ROLE}\n        policies: [{{policy: AmazonEKSClusterAdminPolicy}}]\n"),
        "17:5 access.clusterCreatorAdmin", "only whoever runs Terraform gets admin"),
    row("iam-user", "EKS084", spec(append=entry(USER)), spec(append=entry(ROLE)),
        "18:9 access.entries[0].principalArn", "an IAM user is mapped; prefer a role people assume"),
    row("iam-user-aws-auth", "EKS084",
        spec(append=f"  access:\n    awsAuth:\n      mapUsers:\n        - userarn: {USER}\n          groups: [ops]\n"),
        spec(append=f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n          groups: [ops]\n"),
        "19:11 access.awsAuth.mapUsers[0].userarn", "an IAM user is mapped"),
    row("config-map-still-on", "EKS085", spec(append="  access:\n    authenticationMode: API_AND_CONFIG_MAP\n"),
        spec(append="  access:\n    authenticationMode: API\n"),
        "17:5 access.authenticationMode", "the aws-auth ConfigMap stays active"),
    row("nodes-in-public-subnet", "EKS086",
        spec(append="      subnets: [subnet-0a1b2c3f]\n" + EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        spec(append="      subnets: [subnet-0a1b2c3d]\n" + EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        "16:17 managedNodeGroups[0].subnets[0]", "subnet-0a1b2c3f is one of the VPC's public subnets"),
    row("admin-policy-on-irsa", "EKS087",
        spec(append=service_account("policyArns: [arn:aws:iam::aws:policy/AdministratorAccess]")),
        spec(append=service_account("policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]")),
        "20:20 serviceAccounts[0].policyArns[0]", "grants administrator or IAM-wide access to a pod"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
