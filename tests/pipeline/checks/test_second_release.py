"""Rules of the second release's keys (Auto Mode, Karpenter, Pod Identity, private clusters, control plane),
one row per finding, spanning several check modules.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from tests.helpers import (
    EXISTING_VPC,
    KEY_ID,
    PUBLIC_SUBNET,
    ROLE,
    TWO_PRIVATE,
    row,
    rule_table_tests,
    service_account,
    spec,
    tags,
)


def pod_identity(*extra: str, name: str = "app", namespace: str = "payments", account: str = "app") -> str:
    return (f"  podIdentityAssociations:\n    - name: {name}\n      namespace: {namespace}\n"
            f"      serviceAccount: {account}\n" + "".join(f"      {e}\n" for e in extra))


NO_NODE_GROUPS = {n: None for n in range(10, 16)}  # BASE without its managed node group: 9 lines
READ_ONLY = "policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]"
DEFAULT_ADDONS = "    eks-pod-identity-agent: {}\n    vpc-cni: {}\n    coredns: {}\n    kube-proxy: {}\n"
KARPENTER_ON = "  karpenter:\n    enabled: true\n"
BUCKET = "arn:aws:s3:::backups"
QUEUE_PREFIX = "arn:aws:sqs:eu-west-1:210987654321:"
QUEUE = QUEUE_PREFIX + "interruptions"
ZONE = "arn:aws:route53:::hostedzone/Z0123456789ABC"



def group_keys(*lines: str) -> str:
    """More keys of managedNodeGroups[0], from line 16."""
    return "".join(f"      {line}\n" for line in lines)


def disk(*lines: str) -> str:
    """The base spec with more keys of managedNodeGroups[0] (not only disk ones), from line 16."""
    return spec(append=group_keys(*lines))


def mixed(*lines: str, types: str = "[m6i.large, m6a.large]") -> str:
    """A self-managed group (lines 16-17) with a mixed instances policy (18-19), then `lines`."""
    return spec(append="  selfManagedNodeGroups:\n    - name: batch\n      instancesDistribution:\n"
                f"        instanceTypes: {types}\n" + "".join(f"        {line}\n" for line in lines))


NODE_KMS = f"arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}"
NODE_LT = "      launchTemplate: {id: lt-0123456789abcdef0}\n"
# One row per key an existing launch template decides (EKS075): key line, and how it is written.
LT_EXCLUDED = {
    "amiId": "amiId: ami-0abcdef1234567890", "preBootstrapCommands": "preBootstrapCommands: [echo hi]",
    "diskSizeGiB": "diskSizeGiB: 50", "diskType": "diskType: gp3", "diskIops": "diskIops: 3000",
    "diskThroughput": "diskThroughput: 125", "diskKmsKeyArn": f"diskKmsKeyArn: {NODE_KMS}",
    "securityGroupIds": "securityGroupIds: [sg-0123456789abcdef0]", "ssh": "ssh: {keyName: ops}",
    "imdsHopLimit": "imdsHopLimit: 1",
}



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
    # --- generator/pipeline/checks/policyresources.py: what the well-known policies act on (EKS043) ------
    row("velero-needs-buckets", "EKS043", spec(append=service_account("wellKnownPolicies: [velero]")),
        spec(append=service_account("wellKnownPolicies: [velero]", f"s3BucketArns: [{BUCKET}]")),
        "17:7 serviceAccounts[0].s3BucketArns", "the velero policy needs s3BucketArns"),
    row("mountpoint-needs-buckets", "EKS043", spec(append=service_account("wellKnownPolicies: [mountpointS3Csi]")),
        spec(append=service_account("wellKnownPolicies: [mountpointS3Csi]", f"s3BucketArns: [{BUCKET}]")),
        "17:7 serviceAccounts[0].s3BucketArns", "the mountpointS3Csi policy needs s3BucketArns"),
    row("two-policies-need-buckets", "EKS043",
        spec(append=pod_identity("wellKnownPolicies: [velero, mountpointS3Csi]")),
        spec(append=pod_identity("wellKnownPolicies: [velero, mountpointS3Csi]", f"s3BucketArns: [{BUCKET}]")),
        "17:7 podIdentityAssociations[0].s3BucketArns", "the mountpointS3Csi and velero policies need s3BucketArns"),
    row("termination-handler-needs-queues", "EKS043",
        spec(append=service_account("wellKnownPolicies: [nodeTerminationHandler]")),
        spec(append=service_account("wellKnownPolicies: [nodeTerminationHandler]", f"sqsQueueArns: [{QUEUE}]")),
        "17:7 serviceAccounts[0].sqsQueueArns", "the nodeTerminationHandler policy needs sqsQueueArns"),
    row("pod-identity-termination-handler-needs-queues", "EKS043",
        spec(append=pod_identity("wellKnownPolicies: [nodeTerminationHandler]")),
        spec(append=pod_identity("wellKnownPolicies: [nodeTerminationHandler]", f"sqsQueueArns: [{QUEUE}]")),
        "17:7 podIdentityAssociations[0].sqsQueueArns", "the nodeTerminationHandler policy needs sqsQueueArns"),
    row("no-hosted-zones", "EKS043",
        spec(append=pod_identity("wellKnownPolicies: [externalDns]", "hostedZoneArns: []")),
        spec(append=pod_identity("wellKnownPolicies: [externalDns]", f"hostedZoneArns: [{ZONE}]")),
        "21:7 podIdentityAssociations[0].hostedZoneArns", "the externalDns policy needs hostedZoneArns"),
    row("unread-queues", "EKS043",
        spec(append=service_account("wellKnownPolicies: [ebsCsi]", f"sqsQueueArns: [{QUEUE}]")),
        spec(append=service_account("wellKnownPolicies: [ebsCsi, nodeTerminationHandler]", f"sqsQueueArns: [{QUEUE}]")),
        "21:7 serviceAccounts[0].sqsQueueArns", "no policy reads it: add nodeTerminationHandler to wellKnownPolicies"),
    row("unread-zones", "EKS043",
        spec(append=service_account("wellKnownPolicies: [ebsCsi]", f"hostedZoneArns: [{ZONE}]")),
        spec(append=service_account("wellKnownPolicies: [ebsCsi, certManager]", f"hostedZoneArns: [{ZONE}]")),
        "21:7 serviceAccounts[0].hostedZoneArns", "add certManager or externalDns to wellKnownPolicies"),
    row("existing-role-takes-no-resources", "EKS043",
        spec(append=pod_identity(f"roleArn: {ROLE}", f"s3BucketArns: [{BUCKET}]")),
        spec(append=pod_identity(f"roleArn: {ROLE}")),
        "21:7 podIdentityAssociations[0].s3BucketArns", "an existing role (roleArn) takes no policy resources"),
    *(row(f"bucket-{case}", "EKS043",
          spec(append=service_account("wellKnownPolicies: [velero]", f"s3BucketArns: [{bad}]")),
          spec(append=service_account("wellKnownPolicies: [velero]", f"s3BucketArns: [{good}]")),
          "21:22 serviceAccounts[0].s3BucketArns[0]", fragment) for case, bad, good, fragment in [
        ("name-2-63", "arn:aws:s3:::ab", "arn:aws:s3:::abc", "must be an S3 bucket ARN"),
        ("name-64-63", "arn:aws:s3:::" + "b" * 64, "arn:aws:s3:::" + "b" * 63, "must be an S3 bucket ARN"),
        ("upper-case", "arn:aws:s3:::My-bucket", "arn:aws:s3:::my-bucket", "must be an S3 bucket ARN"),
        ("object-path", "arn:aws:s3:::backups/velero", "arn:aws:s3:::backups", "must be an S3 bucket ARN"),
        ("partition", "arn:aws-cn:s3:::backups", "arn:aws:s3:::backups", "is in partition aws-cn"),
    ]),
    *(row(f"queue-{case}", "EKS043",
          spec(append=service_account("wellKnownPolicies: [nodeTerminationHandler]", f"sqsQueueArns: [{bad}]")),
          spec(append=service_account("wellKnownPolicies: [nodeTerminationHandler]", f"sqsQueueArns: [{good}]")),
          "21:22 serviceAccounts[0].sqsQueueArns[0]", fragment) for case, bad, good, fragment in [
        ("name-81-80", QUEUE_PREFIX + "q" * 81, QUEUE_PREFIX + "q" * 80, "must be an SQS queue ARN"),
        ("fifo-81-80", QUEUE_PREFIX + "q" * 76 + ".fifo", QUEUE_PREFIX + "q" * 75 + ".fifo",
         "must be an SQS queue ARN"),
        ("dot", QUEUE_PREFIX + "a.b", QUEUE_PREFIX + "a-b", "must be an SQS queue ARN"),
        ("account", "arn:aws:sqs:eu-west-1:1111:q", QUEUE, "must be an SQS queue ARN"),
    ]),
    row("zone-lower-case", "EKS043",
        spec(append=service_account("wellKnownPolicies: [externalDns]",
                                    "hostedZoneArns: [arn:aws:route53:::hostedzone/z1]")),
        spec(append=service_account("wellKnownPolicies: [externalDns]",
                                    "hostedZoneArns: [arn:aws:route53:::hostedzone/Z1]")),
        "21:24 serviceAccounts[0].hostedZoneArns[0]", "must be a Route 53 hosted zone ARN"),
    row("zone-twice", "EKS043",
        spec(append=service_account("wellKnownPolicies: [externalDns]", f"hostedZoneArns: [{ZONE}, {ZONE}]")),
        spec(append=service_account("wellKnownPolicies: [externalDns]", f"hostedZoneArns: [{ZONE}]")),
        "21:69 serviceAccounts[0].hostedZoneArns[1]", "is listed twice"),
    # --- generator/pipeline/checks/identity.py, one row per condition ---------------------------------
    row("pod-identity-name-case", "EKS120", spec(append=pod_identity(READ_ONLY, name="App")),
        spec(append=pod_identity(READ_ONLY, name="app-1")),
        "17:7 podIdentityAssociations[0].name", "must be 1-38 lowercase letters, digits and '-'"),
    row("pod-identity-namespace-64", "EKS120", spec(append=pod_identity(READ_ONLY, namespace="n" * 64)),
        spec(append=pod_identity(READ_ONLY, namespace="n" * 63)),
        "18:7 podIdentityAssociations[0].namespace", "is not a valid namespace name"),
    row("pod-identity-service-account-254", "EKS120",
        spec(append=pod_identity(READ_ONLY, account=".".join(["a" * 63] * 3) + "." + "a" * 62)),
        spec(append=pod_identity(READ_ONLY, account=".".join(["a" * 63] * 3) + "." + "a" * 61)),
        "19:7 podIdentityAssociations[0].serviceAccount", "is not a valid service account name"),
    row("pod-identity-service-account-case", "EKS120", spec(append=pod_identity(READ_ONLY, account="App")),
        spec(append=pod_identity(READ_ONLY, account="app")),
        "19:7 podIdentityAssociations[0].serviceAccount", "'App' is not a valid service account name"),
    row("pod-identity-role-partition", "EKS120",
        spec(append=pod_identity("roleArn: arn:aws-cn:iam::111122223333:role/app")),
        spec(append=pod_identity("roleArn: arn:aws:iam::111122223333:role/app")),
        "20:7 podIdentityAssociations[0].roleArn", "role is in partition aws-cn but the cluster's region is in aws"),
    row("pod-identity-policy-not-policy", "EKS120", spec(append=pod_identity("policyArns: [arn:aws:iam::aws:role/x]")),
        spec(append=pod_identity("policyArns: [arn:aws:iam::aws:policy/x]")),
        "20:20 podIdentityAssociations[0].policyArns[0]", "must be an IAM policy ARN"),
    row("pod-identity-policy-partition", "EKS120",
        spec(append=pod_identity("policyArns: [arn:aws-cn:iam::aws:policy/ReadOnlyAccess]")),
        spec(append=pod_identity(READ_ONLY)),
        "20:20 podIdentityAssociations[0].policyArns[0]", "policy is in partition aws-cn"),
    row("pod-identity-duplicate-name", "EKS120",
        spec(append=pod_identity(READ_ONLY) + "    - name: app\n      namespace: other\n      serviceAccount: app\n"
             f"      {READ_ONLY}\n"),
        spec(append=pod_identity(READ_ONLY) + "    - name: app2\n      namespace: other\n      serviceAccount: app\n"
             f"      {READ_ONLY}\n"),
        "21:7 podIdentityAssociations[1].name", "duplicate name 'app' (first at podIdentityAssociations[0])"),
    row("pod-identity-karpenter-account", "EKS120",
        spec(append=KARPENTER_ON + pod_identity(READ_ONLY, namespace="kube-system", account="karpenter")),
        spec(append=KARPENTER_ON + pod_identity(READ_ONLY, namespace="kube-system", account="other")),
        "21:7 podIdentityAssociations[0].serviceAccount", "kube-system/karpenter already has a Pod Identity "
        "association at karpenter"),
    row("pod-identity-no-permissions", "EKS039", spec(append=pod_identity()),
        spec(append=pod_identity() + "  addons:\n    aws-ebs-csi-driver: {podIdentity: app}\n"
             "    eks-pod-identity-agent: {}\n    vpc-cni: {}\n    coredns: {}\n    kube-proxy: {}\n"),
        "17:7 podIdentityAssociations[0]", "the role gets no permissions"),
    row("addon-pod-identity-unknown", "EKS012",
        spec(append=pod_identity(READ_ONLY) + "  addons:\n    aws-ebs-csi-driver: {podIdentity: nope}\n"
             + DEFAULT_ADDONS),
        spec(append=pod_identity(READ_ONLY) + "  addons:\n    aws-ebs-csi-driver: {podIdentity: app}\n"
             + DEFAULT_ADDONS),
        "22:26 addons.aws-ebs-csi-driver.podIdentity", "no podIdentityAssociations entry named 'nope'"),
    row("addon-pod-identity-shared", "EKS012",
        spec(append=pod_identity(READ_ONLY) + "  addons:\n    aws-ebs-csi-driver: {podIdentity: app}\n"
             "    aws-efs-csi-driver: {podIdentity: app}\n" + DEFAULT_ADDONS),
        spec(append=pod_identity(READ_ONLY) + "    - {name: efs, namespace: payments, serviceAccount: efs}\n"
             + "  addons:\n    aws-ebs-csi-driver: {podIdentity: app}\n"
             "    aws-efs-csi-driver: {podIdentity: efs}\n" + DEFAULT_ADDONS),
        "23:26 addons.aws-efs-csi-driver.podIdentity", "entry 'app' is already used by the aws-ebs-csi-driver addon"),
    row("addon-pod-identity-and-irsa", "EKS012",
        spec(append=pod_identity(READ_ONLY) + "  addons:\n"
             "    aws-ebs-csi-driver: {podIdentity: app, serviceAccount: x}\n" + DEFAULT_ADDONS),
        spec(append=pod_identity(READ_ONLY) + "  addons:\n    aws-ebs-csi-driver: {podIdentity: app}\n"
             + DEFAULT_ADDONS),
        "22:26 addons.aws-ebs-csi-driver.podIdentity", "set either serviceAccount (IRSA) or podIdentity, not both"),
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
    # --- generator/pipeline/checks/autoscaling.py::_karpenter, one row per condition ---------------
    row("karpenter-fargate-elsewhere", "EKS130",
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  fargateProfiles:\n    - name: apps\n      selectors:\n"
                                            "        - namespace: default\n"),
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  fargateProfiles:\n    - name: apps\n      selectors:\n"
                                            "        - namespace: kube-*\n"),
        "10:3 karpenter", "add a managed node group, a Fargate profile selecting 'kube-system', or Auto Mode",
        ),
    row("karpenter-auto-mode-runs-it", "EKS130", spec(NO_NODE_GROUPS, KARPENTER_ON),
        spec(NO_NODE_GROUPS, KARPENTER_ON + "  autoMode: {enabled: true}\n"),
        "10:3 karpenter", "Karpenter's controller needs somewhere to run"),
    row("karpenter-namespace-64", "EKS132", spec(append=KARPENTER_ON + "    namespace: " + "n" * 64 + "\n"),
        spec(append=KARPENTER_ON + "    namespace: " + "n" * 63 + "\n"),
        "18:5 karpenter.namespace", "is not a valid namespace name"),
    row("karpenter-service-account", "EKS132", spec(append=KARPENTER_ON + "    serviceAccount: Karpenter\n"),
        spec(append=KARPENTER_ON + "    serviceAccount: karpenter-controller\n"),
        "18:5 karpenter.serviceAccount", "'Karpenter' is not a valid service account name"),
    row("karpenter-service-account-254", "EKS132",
        spec(append=KARPENTER_ON + "    serviceAccount: " + ".".join(["a" * 63] * 3) + "." + "a" * 62 + "\n"),
        spec(append=KARPENTER_ON + "    serviceAccount: " + ".".join(["a" * 63] * 3) + "." + "a" * 61 + "\n"),
        "18:5 karpenter.serviceAccount", "is not a valid service account name"),
    row("karpenter-policy-partition", "EKS132",
        spec(append=KARPENTER_ON + "    nodeIamRoleAdditionalPolicies: "
                    "{ssm: 'arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore'}\n"),
        spec(append=KARPENTER_ON + "    nodeIamRoleAdditionalPolicies: "
                    "{ssm: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'}\n"),
        "18:37 karpenter.nodeIamRoleAdditionalPolicies.ssm", "policy is in partition aws-cn"),
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
    # Pod Identity (associations, an addon's podIdentity, Karpenter's controller) also needs eks-auth.
    *(row(f"no-nat-pod-identity-{case}", "EKS102",
          spec(append="  vpc:\n    nat: Disabled\n    endpoints: [ecr.api, ecr.dkr, s3, sts]\n" + extra),
          spec(append="  vpc:\n    nat: Disabled\n    endpoints: [ecr.api, ecr.dkr, s3, sts, eks-auth]\n" + extra),
          "17:5 vpc.nat", "add VPC endpoints eks-auth to vpc.endpoints") for case, extra in [
        ("association", "  podIdentityAssociations:\n    - {name: app, namespace: apps, serviceAccount: app,"
                        " policyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]}\n"),
        ("karpenter", "  karpenter: {enabled: true}\n"),
    ]),
    # --- node-group customisation (generator/pipeline/checks/launch.py) ------------------------------
    row("ami-id", "EKS071", disk("amiId: ami-123"), disk("amiId: ami-0abcdef1234567890"),
        "16:7 managedNodeGroups[0].amiId", "'ami-123' is not an AMI ID"),
    row("ami-id-custom-type", "EKS071", disk("amiId: ami-0abcdef1234567890", "amiType: CUSTOM"),
        disk("amiId: ami-0abcdef1234567890", "amiType: AL2023_x86_64_STANDARD"),
        "17:7 managedNodeGroups[0].amiType", "amiType names the AMI's family"),
    row("commands-on-bottlerocket", "EKS072", disk("amiType: BOTTLEROCKET_x86_64", "preBootstrapCommands: [echo]"),
        disk("amiType: AL2023_x86_64_STANDARD", "preBootstrapCommands: [echo]"),  # AL2: none on 1.33+ (EKS065)
        "17:7 managedNodeGroups[0].preBootstrapCommands", "BOTTLEROCKET_x86_64 runs no shell user data"),
    row("commands-on-windows", "EKS072",
        disk("amiType: WINDOWS_CORE_2022_x86_64", "preBootstrapCommands: [echo]"),
        disk("amiType: AL2023_x86_64_STANDARD", "preBootstrapCommands: [echo]"),
        "17:7 managedNodeGroups[0].preBootstrapCommands", "work on AL2023 and AL2 AMI types only"),
    row("empty-command", "EKS072", disk("preBootstrapCommands: ['  ']"), disk("preBootstrapCommands: ['${HOME}']"),
        "16:30 managedNodeGroups[0].preBootstrapCommands[0]", "must not be empty"),
    row("gp3-iops-below", "EKS073", disk("diskIops: 2999"), disk("diskIops: 3000"),
        "16:7 managedNodeGroups[0].diskIops", "gp3 IOPS must be between 3000 and 16000 (got 2999)"),
    row("gp3-iops-above", "EKS073", disk("diskSizeGiB: 100", "diskIops: 16001"),
        disk("diskSizeGiB: 100", "diskIops: 16000"),
        "17:7 managedNodeGroups[0].diskIops", "between 3000 and 16000 (got 16001)"),
    row("gp3-iops-per-gib", "EKS073", disk("diskSizeGiB: 10", "diskIops: 5001"),
        disk("diskSizeGiB: 10", "diskIops: 5000"),
        "17:7 managedNodeGroups[0].diskIops", "gp3 allows at most 500 IOPS per GiB: 10 GiB takes at most 5000"),
    row("gp3-baseline-on-a-small-volume", "EKS073", disk("diskSizeGiB: 4", "diskIops: 3001"),
        disk("diskSizeGiB: 4", "diskIops: 3000"),
        "17:7 managedNodeGroups[0].diskIops", "4 GiB takes at most 2000 (got 3001)"),
    row("gp3-throughput-below", "EKS073", disk("diskThroughput: 124"), disk("diskThroughput: 125"),
        "16:7 managedNodeGroups[0].diskThroughput", "between 125 and 1000 MiB/s (got 124)"),
    row("gp3-throughput-above", "EKS073", disk("diskIops: 4000", "diskThroughput: 1001"),
        disk("diskIops: 4000", "diskThroughput: 1000"),
        "17:7 managedNodeGroups[0].diskThroughput", "between 125 and 1000 MiB/s (got 1001)"),
    row("gp3-throughput-per-iops", "EKS073", disk("diskThroughput: 751"), disk("diskThroughput: 750"),
        "16:7 managedNodeGroups[0].diskThroughput", "3000 IOPS allow 750 MiB/s (got 751)"),
    row("gp3-throughput-per-set-iops", "EKS073", disk("diskIops: 3200", "diskThroughput: 801"),
        disk("diskIops: 3200", "diskThroughput: 800"),
        "17:7 managedNodeGroups[0].diskThroughput", "3200 IOPS allow 800 MiB/s (got 801)"),
    row("gp2-iops", "EKS073", disk("diskType: gp2", "diskIops: 3000"), disk("diskType: gp3", "diskIops: 3000"),
        "17:7 managedNodeGroups[0].diskIops", "gp2 takes no IOPS setting"),
    row("io2-throughput", "EKS073", disk("diskType: io2", "diskIops: 1000", "diskThroughput: 125"),
        disk("diskType: gp3", "diskIops: 3000", "diskThroughput: 125"),
        "18:7 managedNodeGroups[0].diskThroughput", "throughput is set on gp3 volumes only (diskType is io2)"),
    row("io1-needs-iops", "EKS073", disk("diskType: io1", "diskSizeGiB: 100"),
        disk("diskType: io1", "diskSizeGiB: 100", "diskIops: 100"),
        "16:7 managedNodeGroups[0].diskType", "io1 volumes need diskIops"),
    row("io1-iops-below", "EKS073", disk("diskType: io1", "diskIops: 99"), disk("diskType: io1", "diskIops: 100"),
        "17:7 managedNodeGroups[0].diskIops", "io1 IOPS must be between 100 and 64000 (got 99)"),
    row("io1-iops-above", "EKS073", disk("diskType: io1", "diskSizeGiB: 2000", "diskIops: 64001"),
        disk("diskType: io1", "diskSizeGiB: 2000", "diskIops: 64000"),
        "18:7 managedNodeGroups[0].diskIops", "between 100 and 64000 (got 64001)"),
    row("io1-iops-per-gib", "EKS073", disk("diskType: io1", "diskSizeGiB: 100", "diskIops: 5001"),
        disk("diskType: io1", "diskSizeGiB: 100", "diskIops: 5000"),
        "18:7 managedNodeGroups[0].diskIops", "io1 allows at most 50 IOPS per GiB"),
    row("io1-size-below", "EKS073", disk("diskType: io1", "diskSizeGiB: 3", "diskIops: 100"),
        disk("diskType: io1", "diskSizeGiB: 4", "diskIops: 100"),
        "17:7 managedNodeGroups[0].diskSizeGiB", "io1 volumes are at least 4 GiB (got 3)"),
    row("io2-iops-above", "EKS073", disk("diskType: io2", "diskSizeGiB: 300", "diskIops: 256001"),
        disk("diskType: io2", "diskSizeGiB: 300", "diskIops: 256000"),
        "18:7 managedNodeGroups[0].diskIops", "io2 IOPS must be between 100 and 256000 (got 256001)"),
    row("io2-iops-per-gib", "EKS073", disk("diskType: io2", "diskSizeGiB: 100", "diskIops: 100001"),
        disk("diskType: io2", "diskSizeGiB: 100", "diskIops: 100000"),
        "18:7 managedNodeGroups[0].diskIops", "io2 allows at most 1000 IOPS per GiB"),
    row("disk-kms-arn", "EKS073", disk("diskKmsKeyArn: arn:aws:kms:eu-west-1:111122223333:alias"),
        disk(f"diskKmsKeyArn: {NODE_KMS}"),
        "16:7 managedNodeGroups[0].diskKmsKeyArn", "must be a KMS key ARN"),
    row("disk-kms-region", "EKS073", disk(f"diskKmsKeyArn: {NODE_KMS.replace('eu-west-1', 'us-east-1')}"),
        disk(f"diskKmsKeyArn: {NODE_KMS}"),
        "16:7 managedNodeGroups[0].diskKmsKeyArn", "KMS key is in us-east-1 but the nodes are in eu-west-1"),
    row("security-group-id", "EKS074", disk("securityGroupIds: [sg-123]"),
        disk("securityGroupIds: [sg-0123456789abcdef0]"),
        "16:26 managedNodeGroups[0].securityGroupIds[0]", "'sg-123' is not a security group ID"),
    row("security-group-twice", "EKS074", disk("securityGroupIds: [sg-0123456a, sg-0123456a]"),
        disk("securityGroupIds: [sg-0123456a, sg-0123456b]"),
        "16:39 managedNodeGroups[0].securityGroupIds[1]", "duplicate security group sg-0123456a"),
    row("ssh-source-group", "EKS074", disk("ssh: {keyName: ops, sourceSecurityGroupIds: [sg-x]}"),
        disk("ssh: {keyName: ops, sourceSecurityGroupIds: [sg-0123456a]}"),
        "16:52 managedNodeGroups[0].ssh.sourceSecurityGroupIds[0]", "'sg-x' is not a security group ID"),
    row("ssh-key-name", "EKS074", disk("ssh: {keyName: '', sourceSecurityGroupIds: [sg-0123456a]}"),
        disk("ssh: {keyName: ops, sourceSecurityGroupIds: [sg-0123456a]}"),
        "16:13 managedNodeGroups[0].ssh.keyName", "EC2 key pair names are 1-255 printable ASCII"),
    row("launch-template-id", "EKS075", disk("launchTemplate: {id: lt-1}"), spec(append=NODE_LT),
        "16:24 managedNodeGroups[0].launchTemplate.id", "'lt-1' is not a launch template ID"),
    row("launch-template-version", "EKS075", disk("launchTemplate: {id: lt-0123456789abcdef0, version: latest}"),
        disk("launchTemplate: {id: lt-0123456789abcdef0, version: $Latest}"),
        "16:50 managedNodeGroups[0].launchTemplate.version", "must be a version number, $Latest or $Default"),
    *(row(f"launch-template-excludes-{key}", "EKS075", spec(append=NODE_LT + group_keys(text)), spec(append=NODE_LT),
          f"17:7 managedNodeGroups[0].{key}", f"{key} is the launch template's to set") for key, text in
      LT_EXCLUDED.items()),
    # instanceType beside the policy (as the contract's example writes it) must be one of the policy's types.
    row("mixed-and-other-instance-type", "EKS076",
        mixed().replace("batch\n", "batch\n      instanceType: c5.large\n"),
        mixed().replace("batch\n", "batch\n      instanceType: m6i.large\n"),
        "18:7 selfManagedNodeGroups[0].instanceType", "c5.large is not among instancesDistribution.instanceTypes"),
    row("mixed-no-types", "EKS076", mixed(types="[]"), mixed(types="[m6i.large]"),
        "19:9 selfManagedNodeGroups[0].instancesDistribution.instanceTypes", "give 1 to 40 instance types"),
    row("mixed-too-many-types", "EKS076", mixed(types="[" + ", ".join(["m6i.large", "m5.large"] * 20) + ", c5.large]"),
        mixed(types="[m6i.large, m5.large, c5.large]"),
        "19:9 selfManagedNodeGroups[0].instancesDistribution.instanceTypes", "give 1 to 40 instance types",
        also=("EKS076",)),
    row("mixed-duplicate-type", "EKS076", mixed(types="[m6i.large, m6i.large]"), mixed(types="[m6i.large, m5.large]"),
        "19:36 selfManagedNodeGroups[0].instancesDistribution.instanceTypes[1]", "duplicate instance type m6i.large"),
    row("mixed-base-below", "EKS076", mixed("onDemandBaseCapacity: -1"), mixed("onDemandBaseCapacity: 0"),
        "20:9 selfManagedNodeGroups[0].instancesDistribution.onDemandBaseCapacity", "must be >= 0 (got -1)"),
    row("mixed-percentage-above", "EKS076", mixed("onDemandPercentageAboveBaseCapacity: 101"),
        mixed("onDemandPercentageAboveBaseCapacity: 100"),
        "20:9 selfManagedNodeGroups[0].instancesDistribution.onDemandPercentageAboveBaseCapacity",
        "between 0 and 100 (got 101)"),
    row("mixed-percentage-below", "EKS076", mixed("onDemandPercentageAboveBaseCapacity: -1"),
        mixed("onDemandPercentageAboveBaseCapacity: 0"),
        "20:9 selfManagedNodeGroups[0].instancesDistribution.onDemandPercentageAboveBaseCapacity",
        "between 0 and 100 (got -1)"),
    row("mixed-arm-type-on-x86-ami", "EKS055", mixed(types="[m6i.large, m7g.large]"),
        mixed(types="[m6i.large, m6a.large]"),
        "17:7 selfManagedNodeGroups[0].amiType", "m7g.large is arm64 but amiType AL2023_x86_64_STANDARD is not"),
    row("node-policy-arn", "EKS077", disk("iam: {additionalPolicies: {ssm: AmazonSSMManagedInstanceCore}}"),
        disk("iam: {additionalPolicies: {ssm: arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore}}"),
        "16:34 managedNodeGroups[0].iam.additionalPolicies.ssm", "is not an IAM policy ARN"),
    row("node-permissions-boundary", "EKS077", disk("iam: {permissionsBoundaryArn: boundary}"),
        disk("iam: {permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary'}"),
        "16:13 managedNodeGroups[0].iam.permissionsBoundaryArn", "'boundary' is not an IAM policy ARN"),
    row("node-group-tag-key", "EKS004", disk("tags: {'aws:team': x}"), disk("tags: {team: x}"),
        "16:14 managedNodeGroups[0].tags['aws:team']", "tag keys starting with 'aws:' are reserved"),
    row("node-group-tag-count", "EKS004", disk(tags(49).strip()), disk(tags(48).strip()),
        "16:7 managedNodeGroups[0].tags", "at most 48 tags per resource (got 49)"),
    row("public-without-public-subnets", "EKS061", spec(append="      subnets: public\n" + EXISTING_VPC + TWO_PRIVATE),
        spec(append="      subnets: public\n" + EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        "16:7 managedNodeGroups[0].subnets", "the VPC has no public subnets", also=("EKS086",)),
    row("nodes-in-public-subnets", "EKS086", disk("subnets: public"), disk("subnets: private"),
        "16:7 managedNodeGroups[0].subnets", "nodes in the VPC's public subnets get public IPs"),
    row("ssh-open-to-the-world", "EKS088", disk("ssh: {keyName: ops}"),
        disk("ssh: {keyName: ops, sourceSecurityGroupIds: [sg-0123456a]}"),
        "16:7 managedNodeGroups[0].ssh", "SSH is open to the world"),
    row("imds-hop-limit-2", "EKS089", disk("imdsHopLimit: 2"), disk("imdsHopLimit: 1"),
        "16:7 managedNodeGroups[0].imdsHopLimit", "hop limit 2 lets every pod reach the node's IMDS"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
