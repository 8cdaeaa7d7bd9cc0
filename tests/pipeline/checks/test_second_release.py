"""Rules of the second release's keys (Auto Mode, Karpenter, Pod Identity, private clusters, control plane),
one row per finding, spanning several check modules.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

import pytest

from tests.helpers import (
    EXISTING_VPC,
    ROLE,
    TWO_PRIVATE,
    Row,
    assert_nearest_valid_is_quiet,
    assert_rule_fires,
    assert_waiver,
    params,
    row,
    service_account,
    spec,
)


def pod_identity(*extra: str, name: str = "app", namespace: str = "payments", account: str = "app") -> str:
    return (f"  podIdentityAssociations:\n    - name: {name}\n      namespace: {namespace}\n"
            f"      serviceAccount: {account}\n" + "".join(f"      {e}\n" for e in extra))


NO_NODE_GROUPS = {n: None for n in range(10, 16)}  # BASE without its managed node group: 9 lines
READ_ONLY = "policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]"
KARPENTER_ON = "  karpenter:\n    enabled: true\n"



ROWS = [
    row("no-pod-identity-catalog", "EKS010", spec(append="  terraform:\n    modules:\n      podIdentity: 2.9.0\n"),
        spec(append="  terraform:\n    modules:\n      podIdentity: 2.8.1\n"),
        "18:7 terraform.modules.podIdentity", "no interface catalog for podIdentity 2.9.0 (available: 2.8.1)"),
    # --- second release: Auto Mode, Karpenter, Pod Identity, private clusters, control plane ------------
    row("auto-mode-built-in-addon", "EKS110",
        spec(NO_NODE_GROUPS, "  autoMode:\n    enabled: true\n  addons:\n    coredns: {}\n"),
        spec(NO_NODE_GROUPS, "  autoMode:\n    enabled: true\n  addons:\n    metrics-server: {}\n"),
        "13:5 addons.coredns", "Auto Mode runs coredns's work itself"),
    row("provisioned-tier", "EKS111", spec(append="  controlPlane:\n    tier: tier-xl\n"),
        spec(append="  controlPlane:\n    tier: standard\n"),
        "17:5 controlPlane.tier", "tier-xl is a provisioned control plane, billed for every hour"),
    row("pod-identity-no-permission", "EKS039", spec(append=pod_identity()),
        spec(append=pod_identity(READ_ONLY)),
        "17:7 podIdentityAssociations[0]", "the role gets no permissions"),
    row("pod-identity-role-with-policies", "EKS120", spec(append=pod_identity(f"roleArn: {ROLE}", READ_ONLY)),
        spec(append=pod_identity(f"roleArn: {ROLE}")),
        "20:7 podIdentityAssociations[0].roleArn", "an existing role takes no wellKnownPolicies or policyArns"),
    row("pod-identity-bad-role", "EKS120", spec(append=pod_identity("roleArn: arn:aws:iam::111122223333:user/x")),
        spec(append=pod_identity(f"roleArn: {ROLE}")),
        "20:7 podIdentityAssociations[0].roleArn", "must be an IAM role ARN"),
    row("pod-identity-same-account-twice", "EKS120",
        spec(append=pod_identity(READ_ONLY) + pod_identity(READ_ONLY, name="app2").split("\n", 1)[1]),
        spec(append=pod_identity(READ_ONLY) + pod_identity(READ_ONLY, name="app2", account="app2").split("\n", 1)[1]),
        "23:7 podIdentityAssociations[1].serviceAccount", "payments/app already has a Pod Identity association"),
    row("pod-identity-role-prefix", "EKS120", spec(append=pod_identity(READ_ONLY, name="a" * 33)),
        spec(append=pod_identity(READ_ONLY, name="a" * 32)),
        "17:7 podIdentityAssociations[0].name", "characters; IAM allows 38"),
    row("pod-identity-without-agent", "EKS121",
        spec(append="  addons:\n    vpc-cni: {}\n" + pod_identity(READ_ONLY)),
        spec(append="  addons:\n    vpc-cni: {}\n    eks-pod-identity-agent: {}\n" + pod_identity(READ_ONLY)),
        "18:3 podIdentityAssociations", "Pod Identity needs the eks-pod-identity-agent addon"),
    row("irsa-and-pod-identity", "EKS122",
        spec(append=service_account("wellKnownPolicies: [ebsCsi]") + pod_identity(
            READ_ONLY, name="ebs", namespace="kube-system", account="ebs-csi-controller-sa")),
        spec(append=service_account("wellKnownPolicies: [ebsCsi]") + pod_identity(
            READ_ONLY, name="ebs", namespace="kube-system", account="other")),
        "24:7 podIdentityAssociations[0].serviceAccount", "two mechanisms for one identity"),
    row("admin-policy-on-pod-identity", "EKS087",
        spec(append=pod_identity("policyArns: [arn:aws:iam::aws:policy/AdministratorAccess]")),
        spec(append=pod_identity(READ_ONLY)),
        "20:20 podIdentityAssociations[0].policyArns[0]", "grants administrator or IAM-wide access to a pod"),
    row("addon-unknown-pod-identity", "EKS012",
        spec(append="  addons:\n    eks-pod-identity-agent: {}\n    aws-ebs-csi-driver:\n      podIdentity: ebs\n"),
        spec(append="  addons:\n    eks-pod-identity-agent: {}\n    aws-ebs-csi-driver:\n      podIdentity: ebs\n"
                    + pod_identity(name="ebs", namespace="kube-system", account="ebs-csi-controller-sa")),
        "19:7 addons.aws-ebs-csi-driver.podIdentity", "no podIdentityAssociations entry named 'ebs'"),
    row("karpenter-nowhere-to-run", "EKS130",
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  selfManagedNodeGroups:\n    - name: legacy\n"),
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  fargateProfiles:\n    - name: karpenter\n      selectors:\n"
                                            "        - namespace: kube-system\n"),
        "10:3 karpenter", "Karpenter's controller needs somewhere to run"),
    row("karpenter-on-fargate-only", "EKS135",
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  fargateProfiles:\n    - name: karpenter\n      selectors:\n"
                                            "        - namespace: kube-system\n"),
        spec(replace={}, append=KARPENTER_ON + "  fargateProfiles:\n    - name: karpenter\n      selectors:\n"
                                               "        - namespace: kube-system\n"),
        "10:3 karpenter", "EKS Pod Identity does not reach pods"),
    row("karpenter-without-agent", "EKS131", spec(append=KARPENTER_ON + "  addons:\n    vpc-cni: {}\n"),
        spec(append=KARPENTER_ON + "  addons:\n    vpc-cni: {}\n    eks-pod-identity-agent: {}\n"),
        "16:3 karpenter", "add eks-pod-identity-agent to addons"),
    row("karpenter-bad-namespace", "EKS132", spec(append=KARPENTER_ON + "    namespace: Kube_System\n"),
        spec(append=KARPENTER_ON + "    namespace: karpenter\n"),
        "18:5 karpenter.namespace", "'Kube_System' is not a valid namespace name"),
    row("karpenter-bad-policy", "EKS132",
        spec(append=KARPENTER_ON + "    nodeIamRoleAdditionalPolicies: {ssm: AmazonSSMManagedInstanceCore}\n"),
        spec(append=KARPENTER_ON + "    nodeIamRoleAdditionalPolicies: "
                                   "{ssm: arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore}\n"),
        "18:37 karpenter.nodeIamRoleAdditionalPolicies.ssm", "must be an IAM policy ARN"),
    row("auto-mode-pool-twice", "EKS133",
        spec(append="  autoMode:\n    enabled: true\n    nodePools: [system, system]\n"),
        spec(append="  autoMode:\n    enabled: true\n    nodePools: [system]\n"),
        "18:25 autoMode.nodePools[1]", "node pool 'system' is listed twice"),
    row("karpenter-existing-vpc-tags", "EKS134", spec(append=KARPENTER_ON + EXISTING_VPC + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "21:7 vpc.subnets.private", "with karpenter.sh/discovery=demo so Karpenter finds them"),
    row("endpoint-twice", "EKS100", spec(append="  vpc:\n    endpoints: [s3, sts, s3]\n"),
        spec(append="  vpc:\n    endpoints: [s3, sts]\n"),
        "17:26 vpc.endpoints[2]", "endpoint 's3' is listed twice"),
    row("endpoints-existing-vpc", "EKS100", spec(append=EXISTING_VPC + TWO_PRIVATE + "    endpoints: [s3]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "20:5 vpc.endpoints", "applies only to a new VPC"),
    row("endpoint-unknown", "EKS101", spec(append="  vpc:\n    endpoints: [ecr-api]\n"),
        spec(append="  vpc:\n    endpoints: [ecr.api]\n"),
        "17:17 vpc.endpoints[0]", "did you mean 'ecr.api'?"),
    row("no-nat-no-endpoints", "EKS102", spec(append="  vpc:\n    nat: Disabled\n    endpoints: [s3]\n"),
        spec(append="  vpc:\n    nat: Disabled\n    endpoints: [ecr.api, ecr.dkr, s3, sts]\n"),
        "17:5 vpc.nat", "add VPC endpoints ecr.api, ecr.dkr, sts to vpc.endpoints"),
]


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_rule_fires(case: Row) -> None:
    assert_rule_fires(case)


@pytest.mark.parametrize("case", params(ROWS, needs_finding=False))
def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
    assert_nearest_valid_is_quiet(case)


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_waiver(case: Row) -> None:
    assert_waiver(case)
