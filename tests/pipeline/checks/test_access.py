"""The access rules (EKS030-EKS039) of generator/pipeline/checks/access.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import (
    OTHER_ROLE,
    ROLE,
    TEAM,
    USER,
    entry,
    row,
    rule_table_tests,
    service_account,
    spec,
)

ROWS = [
    row("association-keys-collide", "EKS041",
        spec(append=entry(TEAM, "policies: [{policy: AmazonEKSAdminViewPolicy}]")
             + f"      - principalArn: {TEAM}-admin\n        policies: [{{policy: AmazonEKSViewPolicy}}]\n"),
        spec(append=entry(TEAM, "policies: [{policy: AmazonEKSAdminViewPolicy}]")
             + f"      - principalArn: {TEAM}-admin\n        policies: [{{policy: AmazonEKSEditPolicy}}]\n"),
        "21:21 access.entries[1].policies[0].policy", "keys this policy association 'team_admin_view', as it does "
        "access.entries[0].policies[0].policy: Terraform stops with 'Two different items produced the key'"),
    row("same-policy-twice", "EKS041",
        spec(append=entry(TEAM, "policies: [{policy: AmazonEKSViewPolicy}, {policy: AmazonEKSViewPolicy}]")),
        spec(append=entry(TEAM, "policies: [{policy: AmazonEKSViewPolicy}, {policy: AmazonEKSEditPolicy}]")),
        "19:52 access.entries[0].policies[1].policy", "list each policy once"),
    row("cluster-creator-key", "EKS041",
        spec(append="  access:\n    clusterCreatorAdmin: true\n    entries:\n"
                    "      - principalArn: arn:aws:iam::111122223333:role/cluster-creator\n"
                    "        policies: [{policy: AmazonEKSClusterAdminPolicy}]\n"),
        spec(append="  access:\n    clusterCreatorAdmin: true\n    entries:\n"
                    "      - principalArn: arn:aws:iam::111122223333:role/cluster-creators\n"
                    "        policies: [{policy: AmazonEKSClusterAdminPolicy}]\n"),
        "19:9 access.entries[0].principalArn", "its module key 'cluster_creator' is the one the eks module uses"),
    row("config-map", "EKS030", spec(append="  access:\n    authenticationMode: CONFIG_MAP\n"),
        spec(append="  access:\n    authenticationMode: API\n"),
        "17:5 access.authenticationMode",
        "CONFIG_MAP is not supported: use API (access entries); move aws-auth mappings to access.awsAuth"),
    row("duplicate-principal", "EKS031", spec(append=entry(ROLE) + f"      - principalArn: {ROLE}\n"),
        spec(append=entry(ROLE) + f"      - principalArn: {OTHER_ROLE}\n"),
        "19:9 access.entries[1].principalArn",
        "principal arn:aws:iam::111122223333:role/admins already has an access entry at access.entries[0]; "
        "EKS would answer 409"),
    row("duplicate-principal-aws-auth", "EKS031",
        spec(append=entry(ROLE) + f"    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}\n"
                                  "          groups: [ops]\n"),
        spec(append=entry(ROLE) + f"    awsAuth:\n      mapRoles:\n        - rolearn: {OTHER_ROLE}\n"
                                  "          groups: [ops]\n"),
        "21:11 access.awsAuth.mapRoles[0].rolearn", "already has an access entry at access.entries[0]"),
    row("sts-session", "EKS032", spec(append=entry("arn:aws:sts::111122223333:assumed-role/admins/session")),
        spec(append=entry(ROLE)),
        "18:9 access.entries[0].principalArn", "use the IAM role ARN, not an STS assumed-role session ARN"),
    row("partition", "EKS032", spec(append=entry("arn:aws-cn:iam::111122223333:role/admins")), spec(append=entry(ROLE)),
        "18:9 access.entries[0].principalArn", "ARN is in partition aws-cn but the cluster's region is in aws"),
    # Python's \w and \d are Unicode: IAM names and account IDs are ASCII only.
    row("non-ascii-role-name", "EKS032", spec(append=entry('"arn:aws:iam::111122223333:role/r\\u00f4le"')),
        spec(append=entry("arn:aws:iam::111122223333:role/role")),
        "18:9 access.entries[0].principalArn", "must be an IAM role or user ARN"),
    row("non-ascii-account-digits", "EKS032",
        spec(append=entry('"arn:aws:iam::\\u0661\\u0661\\u0661\\u0661\\u0662\\u0662\\u0662\\u0662'
                          '\\u0663\\u0663\\u0663\\u0663:role/admins"')),
        spec(append=entry(ROLE)),
        "18:9 access.entries[0].principalArn", "must be an IAM role or user ARN"),
    row("system-group", "EKS033", spec(append=entry(ROLE, "kubernetesGroups: [devs, 'system:masters']")),
        spec(append=entry(ROLE, "kubernetesGroups: [devs, masters]")),
        "19:34 access.entries[0].kubernetesGroups[1]", "EKS rejects groups starting with 'system:'"),
    row("reserved-username", "EKS034", spec(append=entry(ROLE, "username: 'eks:admin'")),
        spec(append=entry(ROLE, "username: 'admin'")),
        "19:9 access.entries[0].username", "usernames may not start with system:, eks:, aws:, amazon:, iam:"),
    row("node-type-with-groups", "EKS035", spec(append=entry(ROLE, "type: EC2_LINUX", "kubernetesGroups: [a]")),
        spec(append=entry(ROLE, "type: EC2_LINUX")),
        "19:9 access.entries[0].type", "EC2_LINUX entries take no Kubernetes groups and no policies"),
    row("node-type-with-user", "EKS035", spec(append=entry(USER, "type: EC2_LINUX")),
        spec(append=entry(ROLE, "type: EC2_LINUX")),
        "19:9 access.entries[0].type", "EC2_LINUX entries need an IAM role ARN"),
    row("unknown-policy", "EKS036", spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSSuperAdminPolicy")),
        spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSAdminPolicy")),
        "20:13 access.entries[0].policies[0].policy", "unknown access policy 'AmazonEKSSuperAdminPolicy'"),
    row("namespace-scope-without-namespaces", "EKS037",
        spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSViewPolicy", "    scope: namespace")),
        spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSViewPolicy", "    scope: namespace",
                          "    namespaces: [payments]")),
        "20:13 access.entries[0].policies[0].namespaces", "scope: namespace needs at least one namespace"),
    row("namespaces-with-cluster-scope", "EKS037",
        spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSViewPolicy", "    namespaces: [payments]")),
        spec(append=entry(ROLE, "policies:", "  - policy: AmazonEKSViewPolicy")),
        "21:13 access.entries[0].policies[0].namespaces", "namespaces apply only with scope: namespace"),
    row("service-account-namespace", "EKS038", spec(append=service_account("wellKnownPolicies: [ebsCsi]",
                                                                            namespace="Kube_System")),
        spec(append=service_account("wellKnownPolicies: [ebsCsi]")),
        "18:7 serviceAccounts[0].namespace", "'Kube_System' is not a valid namespace name"),
    row("service-account-no-permissions", "EKS039", spec(append=service_account()),
        spec(append=service_account("wellKnownPolicies: [ebsCsi]")),
        "17:7 serviceAccounts[0]", "the role gets no permissions: add wellKnownPolicies or policyArns"),
    row("role-name-case", "EKS031",
        spec(append=entry(ROLE) + f"      - principalArn: {ROLE.replace('admins', 'Admins')}\n"),
        spec(append=entry(ROLE) + f"      - principalArn: {OTHER_ROLE}\n"),
        "19:9 access.entries[1].principalArn", "IAM names are case-insensitive"),
    row("arn-path-too-long", "EKS032", spec(append=entry(ROLE.replace("role/", "role/" + "p" * 511 + "/"))),
        spec(append=entry(ROLE.replace("role/", "role/" + "p" * 510 + "/"))),
        "18:9 access.entries[0].principalArn", "is 513 characters; IAM allows 512"),
    row("arn-path-double-slash", "EKS032", spec(append=entry(ROLE.replace("role/", "role/team//"))),
        spec(append=entry(ROLE.replace("role/", "role/team/"))),
        "18:9 access.entries[0].principalArn", "has an empty segment ('//')"),
    row("empty-username", "EKS034", spec(append=entry(ROLE, 'username: ""')), spec(append=entry(ROLE, "username: ops")),
        "19:9 access.entries[0].username", "usernames are 1-255 characters (got 0)"),
    row("group-256-chars", "EKS034", spec(append=entry(ROLE, "kubernetesGroups: [" + "g" * 256 + "]")),
        spec(append=entry(ROLE, "kubernetesGroups: [" + "g" * 255 + "]")),
        "19:28 access.entries[0].kubernetesGroups[0]", "Kubernetes group names are 1-255 characters (got 256)"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
