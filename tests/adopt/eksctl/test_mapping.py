"""The mapping, one ClusterConfig per row: what the written spec says, which fields are warned about
(kept as comments), which inputs are refused. Every row that imports was also validated and rendered
by the import itself (it raises otherwise); the spec paths are read back from the written YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document, check_document
from tests.adopt.eksctl.helpers import at, attempt, clusterconfig
from tests.helpers import TODAY

SSM = {"AmazonSSMManagedInstanceCore": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}
EKSCTL_LABELS = {"alpha.eksctl.io/cluster-name": "demo", "alpha.eksctl.io/nodegroup-name": "ng"}
NG = "spec.selfManagedNodeGroups.0"
MNG = "spec.managedNodeGroups.0"
SG1, SG2 = "sg-0123456789abcdef0", "sg-0fedcba9876543210"
PRIV = "privateNetworking: true\n"
KMS = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AT_LIMIT = "a" * 28 + "-sa1"  # 32 characters: demo-<name>- is 38, IAM's role name prefix limit
PAST_LIMIT = AT_LIMIT + "2"


@dataclass
class Case:
    id: str
    text: str
    expect: dict[str, Any] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    warns: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)


def ng(body: str = "", kind: str = "nodeGroups", extra: str = "") -> str:
    lines = "\n".join(f"    {line}" for line in body.strip("\n").splitlines()) if body else ""
    return clusterconfig(f"{kind}:\n  - name: ng\n{lines}\n{extra}")


CASES = [
    Case("defaults-written-out", clusterconfig(), expect={
        "spec.kubernetesVersion": "1.34", "spec.supportType": "EXTENDED", "spec.deletionProtection": False,
        "spec.vpc.cidr": "192.168.0.0/16", "spec.vpc.nat": "Single",
        "spec.vpc.availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        "spec.vpc.subnets.public": ["192.168.0.0/19", "192.168.32.0/19", "192.168.64.0/19"],
        "spec.vpc.subnets.private": ["192.168.96.0/19", "192.168.128.0/19", "192.168.160.0/19"],
        "spec.endpoint": {"private": False, "public": True}, "spec.logging.types": [],
        "spec.secretsEncryption": {"createKey": False},
        "spec.access": {"authenticationMode": "API_AND_CONFIG_MAP", "clusterCreatorAdmin": True},
        "spec.addons": {"coredns": {}, "kube-proxy": {}, "metrics-server": {}, "vpc-cni": {}}},
        absent=("spec.vpc.subnets.intra", "spec.serviceAccounts", "spec.autoMode", "spec.karpenter", "metadata.tags")),
    Case("version-and-support", clusterconfig("upgradePolicy: {supportType: STANDARD}\n", metadata='version: "1.35"\n'),
         expect={"spec.kubernetesVersion": "1.35", "spec.supportType": "STANDARD"}),
    Case("version-unquoted", clusterconfig(metadata="version: 1.30\n"), errors={"metadata.version": "quote it"}),
    Case("version-eks-no-longer-runs", clusterconfig(metadata='version: "1.22"\n'),
         expect={"spec.kubernetesVersion": "1.31"}, warns={"metadata.version"}),
    Case("version-past-standard-support", clusterconfig("upgradePolicy: {supportType: STANDARD}\n",
                                                        metadata='version: "1.32"\n'),
         expect={"spec.kubernetesVersion": "1.34"}, warns={"metadata.version"}),
    Case("version-newer-than-the-table", clusterconfig(metadata='version: "1.99"\n'),
         errors={"metadata.version": "newer than eksgen's release table"}),
    Case("wrong-api-version", clusterconfig().replace("eksctl.io/v1alpha5", "eksctl.io/v1alpha4"),
         errors={"apiVersion": "must be 'eksctl.io/v1alpha5'"}),
    Case("an-eksgen-spec", clusterconfig().replace("kind: ClusterConfig", "kind: Cluster"),
         errors={"kind": "already an eksgen spec"}),
    Case("no-region", clusterconfig().replace("  region: eu-west-1\n", ""), errors={"metadata.region": "missing"}),
    Case("wrong-type", ng("minSize: two"), errors={"nodeGroups[0].minSize": "must be a whole number"}),
    Case("unknown-field", clusterconfig("managedNodeGroup: []\n"),
         errors={"managedNodeGroup": "did you mean 'managedNodeGroups'"}),
    Case("metadata-tags", clusterconfig(metadata="tags: {team: payments, env: prod}\n"),
         expect={"metadata.tags": {"team": "payments", "env": "prod"}}),
    Case("annotations-kept-as-comment", clusterconfig(metadata="annotations: {note: x}\n"),
         warns={"metadata.annotations"}),
    Case("service-cidr", clusterconfig("kubernetesNetworkConfig: {serviceIPv4CIDR: 172.20.0.0/16}\n"),
         expect={"spec.serviceIpv4Cidr": "172.20.0.0/16"}, absent=("spec.ipFamily",)),
    Case("ip-family-ipv6", clusterconfig("kubernetesNetworkConfig: {ipFamily: IPv6}\n"),
         expect={"spec.ipFamily": "ipv6"}),
    Case("vpc-cidr-two-zones",
         clusterconfig("vpc: {cidr: 10.10.0.0/16}\navailabilityZones: [eu-west-1a, eu-west-1b]\n"),
         expect={"spec.vpc.availabilityZones": ["eu-west-1a", "eu-west-1b"],
                 "spec.vpc.subnets.public": ["10.10.0.0/19", "10.10.32.0/19"],
                 "spec.vpc.subnets.private": ["10.10.64.0/19", "10.10.96.0/19"]}),
    Case("vpc-subnets-by-zone", clusterconfig("""\
        vpc:
          cidr: 10.0.0.0/16
          subnets:
            private:
              eu-west-1b: {cidr: 10.0.16.0/20}
              eu-west-1a: {cidr: 10.0.0.0/20}
            public:
              eu-west-1a: {cidr: 10.0.48.0/24}
              eu-west-1b: {cidr: 10.0.49.0/24}
        """), expect={"spec.vpc.availabilityZones": ["eu-west-1a", "eu-west-1b"],
                      "spec.vpc.subnets.private": ["10.0.0.0/20", "10.0.16.0/20"],
                      "spec.vpc.subnets.public": ["10.0.48.0/24", "10.0.49.0/24"]}),
    Case("nat-highly-available", clusterconfig("vpc: {nat: {gateway: HighlyAvailable}, extraCIDRs: [100.64.0.0/16]}\n"),
         expect={"spec.vpc.nat": "HighlyAvailable", "spec.vpc.secondaryCidrs": ["100.64.0.0/16"]}),
    # eksctl's default endpoint is public only: without NAT the private nodes cannot reach it either
    Case("nat-disabled-nodes-cannot-pull", ng(PRIV, extra="vpc: {nat: {gateway: Disable}}\n"),
         errors={"vpc.nat.gateway": "EKS102", "vpc.clusterEndpoints": "EKS142"}),
    Case("nat-unknown", clusterconfig("vpc: {nat: {gateway: Double}}\n"), errors={"vpc.nat.gateway": "must be one of"}),
    Case("existing-vpc", clusterconfig("""\
        vpc:
          id: vpc-0dd338ecf29863c55
          cidr: 192.168.0.0/16
          subnets:
            private:
              eu-west-1a: {id: subnet-0b2512f8c6ae9bf30}
              eu-west-1b: {id: subnet-08cb9a2ed60394ce3}
            public:
              eu-west-1a: {id: subnet-0324095a4f2188967}
        """), expect={"spec.vpc.id": "vpc-0dd338ecf29863c55",
                      "spec.vpc.subnets.private": ["subnet-0b2512f8c6ae9bf30", "subnet-08cb9a2ed60394ce3"],
                      "spec.vpc.subnets.public": ["subnet-0324095a4f2188967"],
                      "spec.vpc.subnets.controlPlane": ["subnet-0b2512f8c6ae9bf30", "subnet-08cb9a2ed60394ce3",
                                                        "subnet-0324095a4f2188967"]},
         absent=("spec.vpc.cidr", "spec.vpc.nat", "spec.vpc.availabilityZones")),
    Case("existing-vpc-control-plane-private", clusterconfig("""\
        vpc:
          id: vpc-0dd338ecf29863c55
          controlPlaneOnPrivateSubnets: true
          subnets:
            private: {a: {id: subnet-0b2512f8c6ae9bf30}, b: {id: subnet-08cb9a2ed60394ce3}}
            public: {a: {id: subnet-0324095a4f2188967}}
        """), absent=("spec.vpc.subnets.controlPlane",)),
    Case("existing-vpc-control-plane-ids", clusterconfig("""\
        vpc:
          id: vpc-0dd338ecf29863c55
          controlPlaneSubnetIDs: [subnet-0b2512f8c6ae9bf30, subnet-08cb9a2ed60394ce3]
          subnets:
            private: {a: {id: subnet-0b2512f8c6ae9bf30}, b: {id: subnet-08cb9a2ed60394ce3}}
        """), expect={"spec.vpc.subnets.controlPlane": ["subnet-0b2512f8c6ae9bf30", "subnet-08cb9a2ed60394ce3"]}),
    Case("subnet-ids-without-vpc-id", clusterconfig("""\
        vpc:
          subnets:
            private: {a: {id: subnet-0b2512f8c6ae9bf30}, b: {id: subnet-08cb9a2ed60394ce3}}
        """), errors={"vpc.subnets": "vpc.id is missing"}),
    Case("existing-subnet-by-cidr-only", clusterconfig("""\
        vpc:
          id: vpc-0dd338ecf29863c55
          subnets:
            private:
              a: {id: subnet-0b2512f8c6ae9bf30}
              b: {id: subnet-08cb9a2ed60394ce3}
              c: {cidr: 192.168.160.0/19}
        nodeGroups:
          - name: ng
            privateNetworking: true
            subnets: [c, b]
        """), expect={f"{NG}.subnets": ["subnet-08cb9a2ed60394ce3"]},
         warns={"vpc.subnets.private.c", "nodeGroups[0].subnets[0]"}),
    Case("endpoints-and-cidrs", clusterconfig("""\
        vpc:
          clusterEndpoints: {privateAccess: true, publicAccess: true}
          publicAccessCIDRs: [198.51.100.0/24]
        """), expect={"spec.endpoint": {"private": True, "public": True, "publicCidrs": ["198.51.100.0/24"]}}),
    Case("private-cluster", ng(PRIV, extra="privateCluster: {enabled: true, additionalEndpointServices: [logs]}\n"),
         expect={"spec.vpc.nat": "Disabled", "spec.endpoint": {"private": True, "public": False},
                 "spec.vpc.endpoints": ["ec2", "ecr.api", "ecr.dkr", "s3", "sts", "logs"],
                 "spec.vpc.subnets.public": []}, absent=(f"{NG}.subnets",)),
    Case("logging-all", clusterconfig("cloudWatch: {clusterLogging: {enableTypes: ['*'], logRetentionInDays: 30}}\n"),
         expect={"spec.logging": {"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                                  "retentionDays": 30}}),
    Case("logging-no-retention", clusterconfig("cloudWatch: {clusterLogging: {enableTypes: [audit, api]}}\n"),
         expect={"spec.logging": {"types": ["api", "audit"], "retentionDays": 90}}),
    Case("logging-unknown-type", clusterconfig("cloudWatch: {clusterLogging: {enableTypes: [audits]}}\n"),
         errors={"cloudWatch.clusterLogging.enableTypes[0]": "unknown log type"}),
    Case("secrets-key", clusterconfig(
        "secretsEncryption: {keyARN: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666'}\n"),
         expect={"spec.secretsEncryption": {
             "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"}}),
    Case("irsa", clusterconfig("""\
        iam:
          withOIDC: true
          serviceAccounts:
            - metadata: {name: s3-reader}
              attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            - metadata: {name: autoscaler, namespace: kube-system}
              wellKnownPolicies: {autoScaler: true, imageBuilder: true, certManager: false}
        """), expect={"spec.serviceAccounts": [
        {"name": "s3-reader", "namespace": "default", "serviceAccount": "s3-reader",
         "policyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]},
        {"name": "autoscaler", "namespace": "kube-system", "serviceAccount": "autoscaler",
         "wellKnownPolicies": ["clusterAutoscaler"]},
        {"name": "aws-node", "namespace": "kube-system", "serviceAccount": "aws-node",
         "policyArns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]}],
        "spec.addons.vpc-cni": {"serviceAccount": "aws-node"}},
         warns={"iam.serviceAccounts[1].wellKnownPolicies.imageBuilder"}),
    # The entry names eksgen's role, demo-<name>-: at most 38 characters, so a name fits in 32 (a note beyond).
    Case("irsa-name-at-the-role-prefix-limit", clusterconfig(f"""\
        iam:
          serviceAccounts:
            - metadata: {{name: {AT_LIMIT}, namespace: kube-system}}
              attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """), expect={"spec.serviceAccounts.0.name": AT_LIMIT, "spec.serviceAccounts.0.serviceAccount": AT_LIMIT}),
    Case("irsa-name-one-past-the-role-prefix-limit", clusterconfig(f"""\
        iam:
          serviceAccounts:
            - metadata: {{name: {PAST_LIMIT}, namespace: kube-system}}
              attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            - metadata: {{name: {PAST_LIMIT}x, namespace: kube-system}}
              attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """), expect={"spec.serviceAccounts.0.name": PAST_LIMIT[:32],
                      "spec.serviceAccounts.0.serviceAccount": PAST_LIMIT,
                      "spec.serviceAccounts.1.name": PAST_LIMIT[:30] + "-2",
                      "spec.serviceAccounts.1.serviceAccount": PAST_LIMIT + "x"}),
    Case("pod-identity-name-past-the-role-prefix-limit", clusterconfig("""\
        iam:
          podIdentityAssociations:
            - namespace: kube-system
              serviceAccountName: aws-load-balancer-controller-service-account
              wellKnownPolicies: {awsLoadBalancerController: true}
        """), expect={"spec.podIdentityAssociations.0.name": "aws-load-balancer-controller-ser",
                      "spec.podIdentityAssociations.0.serviceAccount": "aws-load-balancer-controller-service-account"}),
    Case("oidc-with-vpc-cni-listed", clusterconfig("iam: {withOIDC: true}\naddons: [{name: vpc-cni}]\n"),
         expect={"spec.addons.vpc-cni": {}}, absent=("spec.serviceAccounts",)),
    Case("pod-identity", clusterconfig("""\
        iam:
          podIdentityAssociations:
            - namespace: payments
              serviceAccountName: app
              permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
              wellKnownPolicies: {ebsCSIController: true}
        """), expect={"spec.podIdentityAssociations": [
        {"name": "app", "namespace": "payments", "serviceAccount": "app", "wellKnownPolicies": ["ebsCsi"],
         "policyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}],
        "spec.addons.eks-pod-identity-agent": {}}),
    Case("identity-mappings", clusterconfig("""\
        iamIdentityMappings:
          - arn: arn:aws:iam::000000000000:role/ops
            groups: [system:masters]
            username: ops
          - arn: arn:aws:iam::000000000000:user/alice
            username: alice
          - serviceName: emr-containers
            namespace: emr
        """), expect={"spec.access.awsAuth": {
        "mapRoles": [{"rolearn": "arn:aws:iam::000000000000:role/ops", "username": "ops",
                      "groups": ["system:masters"]}],
        "mapUsers": [{"userarn": "arn:aws:iam::000000000000:user/alice", "username": "alice"}]}},
         warns={"iamIdentityMappings[2]"}),
    Case("access-entries", clusterconfig("""\
        accessConfig:
          authenticationMode: API
          bootstrapClusterCreatorAdminPermissions: false
          accessEntries:
            - principalARN: arn:aws:iam::000000000000:role/admins
              accessPolicies:
                - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
                  accessScope: {type: cluster}
            - principalARN: arn:aws:iam::000000000000:role/viewers
              kubernetesGroups: [viewers]
              kubernetesUsername: viewer
              accessPolicies:
                - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
                  accessScope: {type: namespace, namespaces: [dev]}
        """), expect={"spec.access": {"authenticationMode": "API", "clusterCreatorAdmin": False, "entries": [
        {"principalArn": "arn:aws:iam::000000000000:role/admins",
         "policies": [{"policy": "AmazonEKSClusterAdminPolicy", "scope": "cluster"}]},
        {"principalArn": "arn:aws:iam::000000000000:role/viewers", "kubernetesGroups": ["viewers"],
         "username": "viewer", "policies": [{"policy": "AmazonEKSViewPolicy", "scope": "namespace",
                                             "namespaces": ["dev"]}]}]}}),
    Case("config-map-mode", clusterconfig("accessConfig: {authenticationMode: CONFIG_MAP}\n"),
         expect={"spec.access.authenticationMode": "API_AND_CONFIG_MAP"}, warns={"accessConfig.authenticationMode"}),
    Case("addons", clusterconfig("""\
        addons:
          - name: vpc-cni
            version: latest
            configurationValues: '{"env": {"ENABLE_PREFIX_DELEGATION": "true"}}'
          - name: aws-ebs-csi-driver
            version: v1.38.1-eksbuild.1
            wellKnownPolicies: {ebsCSIController: true}
            resolveConflicts: overwrite
        """), expect={"spec.addons.vpc-cni": {"configuration": {"env": {"ENABLE_PREFIX_DELEGATION": "true"}}},
                      "spec.addons.aws-ebs-csi-driver": {"version": "v1.38.1-eksbuild.1",
                                                         "serviceAccount": "aws-ebs-csi-driver"},
                      "spec.serviceAccounts": [{"name": "aws-ebs-csi-driver", "namespace": "kube-system",
                                                "serviceAccount": "ebs-csi-controller-sa",
                                                "wellKnownPolicies": ["ebsCsi"]}],
                      "spec.addons.coredns": {}}, warns={"addons[1].resolveConflicts"}),
    Case("addon-configuration-not-a-mapping", clusterconfig("addons: [{name: coredns, configurationValues: '[1]'}]\n"),
         errors={"addons[0].configurationValues": "JSON or YAML mapping"}),
    Case("addons-defaults-disabled",
         clusterconfig("addonsConfig: {disableDefaultAddons: true}\naddons: [{name: coredns}]\n"),
         expect={"spec.addons": {"coredns": {}}}),
    Case("addon-pod-identity", clusterconfig("""\
        addons:
          - name: eks-pod-identity-agent
          - name: aws-ebs-csi-driver
            podIdentityAssociations:
              - serviceAccountName: ebs-csi-controller-sa
                wellKnownPolicies: {ebsCSIController: true}
        """), expect={"spec.addons.aws-ebs-csi-driver": {"podIdentity": "ebs-csi-controller-sa"},
                      "spec.podIdentityAssociations.0.namespace": "kube-system"}),
    Case("auto-mode", clusterconfig("autoModeConfig: {enabled: true, nodePools: [general-purpose]}\n"),
         expect={"spec.autoMode": {"enabled": True, "nodePools": ["general-purpose"]},
                 "spec.addons": {"metrics-server": {}}}),
    Case("karpenter", ng(extra="karpenter: {version: '1.0.0'}\n", kind="managedNodeGroups"),
         expect={"spec.karpenter": {"enabled": True, "interruptionQueue": False},
                 "spec.addons.eks-pod-identity-agent": {}}, warns={"karpenter.version"}),
    Case("karpenter-nowhere-to-run", ng(extra="karpenter: {withSpotInterruptionQueue: true}\n"),
         errors={"karpenter": "EKS130"}),
    Case("control-plane",
         clusterconfig("zonalShiftConfig: {enabled: true}\ncontrolPlaneScalingConfig: {tier: tier-xl}\n"),
         expect={"spec.controlPlane": {"tier": "tier-xl", "zonalShift": True}}),
    Case("self-managed-defaults", ng(), expect={
        f"{NG}.instanceType": "m5.large", f"{NG}.amiType": "AL2023_x86_64_STANDARD", f"{NG}.minSize": 2,
        f"{NG}.maxSize": 2, f"{NG}.desiredSize": 2, f"{NG}.diskSizeGiB": 80, f"{NG}.diskType": "gp3",
        f"{NG}.subnets": "public", f"{NG}.imdsHopLimit": 2, f"{NG}.iam.additionalPolicies": SSM,
        f"{NG}.labels": EKSCTL_LABELS}, absent=(f"{NG}.ssh", f"{NG}.taints")),
    Case("sizes-from-desired", ng("desiredCapacity: 4\nmaxSize: 6"),
         expect={f"{NG}.minSize": 4, f"{NG}.maxSize": 6, f"{NG}.desiredSize": 4}),
    Case("sizes-from-min", ng("minSize: 3"), expect={f"{NG}.minSize": 3, f"{NG}.maxSize": 3, f"{NG}.desiredSize": 3}),
    Case("self-managed-everything", ng(f"""\
instanceType: m6i.xlarge
minSize: 1
maxSize: 4
volumeSize: 50
volumeType: gp2
privateNetworking: true
labels: {{role: worker}}
taints: [{{key: dedicated, value: batch, effect: NoSchedule}}]
tags: {{team: ml}}
securityGroups: {{attachIDs: [{SG1}]}}
preBootstrapCommands: ["echo hi"]
ami: ami-0abcdef1234567890
ssh: {{allow: true, publicKeyName: ops, sourceSecurityGroupIds: [{SG2}]}}
disablePodIMDS: true
iam:
  attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy, arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
  instanceRolePermissionsBoundary: arn:aws:iam::000000000000:policy/boundary
"""), expect={
        f"{NG}.instanceType": "m6i.xlarge", f"{NG}.diskSizeGiB": 50, f"{NG}.diskType": "gp2",
        f"{NG}.labels": {**EKSCTL_LABELS, "role": "worker"},
        f"{NG}.taints": [{"key": "dedicated", "value": "batch", "effect": "NO_SCHEDULE"}],
        f"{NG}.tags": {"team": "ml"}, f"{NG}.securityGroupIds": [SG1], f"{NG}.preBootstrapCommands": ["echo hi"],
        f"{NG}.amiId": "ami-0abcdef1234567890", f"{NG}.ssh": {"keyName": "ops", "sourceSecurityGroupIds": [SG2]},
        f"{NG}.iam": {"additionalPolicies": {
                          "AmazonS3ReadOnlyAccess": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
                      "permissionsBoundaryArn": "arn:aws:iam::000000000000:policy/boundary"}},
        absent=(f"{NG}.subnets", f"{NG}.imdsHopLimit")),
    Case("taints-map-form", ng("taints: {dedicated: 'gpu:NoExecute', spot: ':PreferNoSchedule'}"), expect={
        f"{NG}.taints": [{"key": "dedicated", "value": "gpu", "effect": "NO_EXECUTE"},
                         {"key": "spot", "effect": "PREFER_NO_SCHEDULE"}]}),
    Case("taint-effect-unknown", ng("taints: [{key: a, effect: NoSchedul}]"),
         errors={"nodeGroups[0].taints[0]": "effect must be one of"}),
    Case("managed-everything", ng("""\
instanceTypes: [m6i.large, m6a.large]
spot: true
privateNetworking: true
availabilityZones: [eu-west-1a, eu-west-1b]
updateConfig: {maxUnavailablePercentage: 33}
nodeRepairConfig: {enabled: true, maxUnhealthyNodeThresholdCount: 2}
""", kind="managedNodeGroups"), expect={
        f"{MNG}.instanceTypes": ["m6i.large", "m6a.large"], f"{MNG}.capacityType": "SPOT",
        f"{MNG}.subnets": ["eu-west-1a", "eu-west-1b"], f"{MNG}.maxUnavailablePercentage": 33,
        f"{MNG}.nodeRepair": True}, warns={"managedNodeGroups[0].nodeRepairConfig.maxUnhealthyNodeThresholdCount"}),
    Case("managed-launch-template",
         ng("launchTemplate: {id: lt-0123456789abcdef0, version: '3'}\nprivateNetworking: true",
            kind="managedNodeGroups"),
         expect={f"{MNG}.launchTemplate": {"id": "lt-0123456789abcdef0", "version": "3"}},
         absent=(f"{MNG}.diskSizeGiB", f"{MNG}.imdsHopLimit", f"{MNG}.diskType")),
    Case("bottlerocket-arm", ng("instanceType: m6g.large\namiFamily: Bottlerocket"),
         expect={f"{NG}.amiType": "BOTTLEROCKET_ARM_64"}),
    Case("windows", ng("amiFamily: WindowsServer2022CoreContainer", kind="managedNodeGroups"),
         expect={f"{MNG}.amiType": "WINDOWS_CORE_2022_x86_64"}),
    Case("amazon-linux-2", ng("amiFamily: AmazonLinux2\nlabels: {a: b}", kind="managedNodeGroups").replace(
        "  region: eu-west-1\n", '  region: eu-west-1\n  version: "1.32"\n'),
         expect={f"{MNG}.amiType": "AL2_x86_64", f"{MNG}.labels": {**EKSCTL_LABELS, "a": "b"}}),
    Case("self-managed-al2-labels", ng("amiFamily: AmazonLinux2\nlabels: {a: b}").replace(
        "  region: eu-west-1\n", '  region: eu-west-1\n  version: "1.32"\n'),
         expect={f"{NG}.amiType": "AL2_x86_64"}, absent=(f"{NG}.labels",), warns={"nodeGroups[0].labels"}),
    Case("ubuntu-falls-back", ng("amiFamily: Ubuntu2204"), expect={f"{NG}.amiType": "AL2023_x86_64_STANDARD"},
         warns={"nodeGroups[0].amiFamily"}),
    # nodeshape.py, one row per AMI family and machine kind, and per root-volume field.
    Case("al2-gpu", ng("instanceType: g5.xlarge\namiFamily: AmazonLinux2").replace(
        "  region: eu-west-1\n", '  region: eu-west-1\n  version: "1.32"\n'),
         expect={f"{NG}.amiType": "AL2_x86_64_GPU"}),
    Case("al2-arm", ng("instanceType: m6g.large\namiFamily: AmazonLinux2").replace(
        "  region: eu-west-1\n", '  region: eu-west-1\n  version: "1.32"\n'), expect={f"{NG}.amiType": "AL2_ARM_64"}),
    Case("al2023-arm-named", ng("instanceType: m6g.large\namiFamily: AmazonLinux2023"),
         expect={f"{NG}.amiType": "AL2023_ARM_64_STANDARD"}),
    Case("bottlerocket-gpu", ng("instanceType: g5.xlarge\namiFamily: Bottlerocket"),
         expect={f"{NG}.amiType": "BOTTLEROCKET_x86_64_NVIDIA"}),
    Case("bottlerocket-fips", ng("amiFamily: BottlerocketFips"), expect={f"{NG}.amiType": "BOTTLEROCKET_x86_64_FIPS"}),
    Case("root-volume", ng("volumeSize: 50\nvolumeType: gp3\nvolumeIOPS: 4000\nvolumeThroughput: 250\n"
                           f"volumeKmsKeyID: {KMS}"),
         expect={f"{NG}.diskSizeGiB": 50, f"{NG}.diskType": "gp3", f"{NG}.diskIops": 4000,
                 f"{NG}.diskThroughput": 250, f"{NG}.diskKmsKeyArn": KMS}),
    Case("root-volume-gp2", ng("volumeType: gp2"), expect={f"{NG}.diskType": "gp2", f"{NG}.diskSizeGiB": 80}),
    # eksgen's own rules, reported at the ClusterConfig field each value came from.
    Case("root-volume-iops", ng("volumeType: gp3\nvolumeIOPS: 99999"), errors={"nodeGroups[0].volumeIOPS": "EKS073"}),
    Case("root-volume-throughput", ng("volumeType: gp3\nvolumeThroughput: 5000"),
         errors={"nodeGroups[0].volumeThroughput": "EKS073"}),
    Case("root-volume-size", ng("volumeSize: 100000"), errors={"nodeGroups[0].volumeSize": "EKS058"}),
    Case("root-volume-unencrypted", ng("volumeEncrypted: false"), warns={"nodeGroups[0].volumeEncrypted"}),
    Case("root-volume-encrypted", ng("volumeEncrypted: true")),
    Case("root-volume-key-not-an-arn", ng("volumeKmsKeyID: 'arn:aws:kms:bad'"),
         errors={"nodeGroups[0].volumeKmsKeyID": "EKS073"}),
    Case("ssh-key-pair", ng("ssh: {allow: true, publicKeyName: ops}"), expect={f"{NG}.ssh": {"keyName": "ops"}}),
    Case("ssh-public-key-only", ng("ssh: {allow: true, publicKey: 'ssh-rsa AAAA'}"), absent=(f"{NG}.ssh",),
         warns={"nodeGroups[0].ssh"}),
    Case("ssh-not-allowed", ng("ssh: {allow: false, publicKeyName: ops}"), absent=(f"{NG}.ssh",)),
    Case("taint-without-key", ng("taints:\n  - value: x\n    effect: NoSchedule", kind="managedNodeGroups"),
         errors={"managedNodeGroups[0].taints[0].key": "required: the taint's key"}),
    Case("permissions-boundary-not-an-arn", ng("iam:\n  instanceRolePermissionsBoundary: not-an-arn"),
         errors={"nodeGroups[0].iam.instanceRolePermissionsBoundary": "EKS077"}),
    Case("mixed-instances", ng("""\
instanceType: mixed
instancesDistribution:
  instanceTypes: [t3.small, t3.medium]
  onDemandPercentageAboveBaseCapacity: 50
  maxPrice: 0.017
"""), expect={f"{NG}.instancesDistribution": {"instanceTypes": ["t3.small", "t3.medium"],
                                              "onDemandPercentageAboveBaseCapacity": 50,
                                              "spotAllocationStrategy": "lowest-price"}},
         absent=(f"{NG}.instanceType",), warns={"nodeGroups[0].instancesDistribution.maxPrice"}),
    Case("override-bootstrap", ng("overrideBootstrapCommand: |\n  #!/bin/bash\n  /etc/eks/bootstrap.sh demo"),
         warns={"nodeGroups[0].overrideBootstrapCommand"}),
    Case("unsupported-node-fields", ng("""\
iam: {withAddonPolicies: {autoScaler: true, ebs: false}}
ssh: {allow: true, publicKeyPath: ~/.ssh/id.pub}
volumeType: sc1
volumeKmsKeyID: 0a1b2c3d
disableIMDSv1: false
availabilityZones: [eu-west-1a]
maxPodsPerNode: 50
"""), absent=(f"{NG}.diskType", f"{NG}.ssh", f"{NG}.iam.withAddonPolicies"), warns={
        "nodeGroups[0].iam.withAddonPolicies", "nodeGroups[0].ssh", "nodeGroups[0].volumeType",
        "nodeGroups[0].volumeKmsKeyID", "nodeGroups[0].disableIMDSv1", "nodeGroups[0].availabilityZones",
        "nodeGroups[0].maxPodsPerNode"}),
    Case("name-too-long-for-eksgen", ng().replace("- name: ng", "- name: a-very-long-node-group-name-indeed"),
         errors={"nodeGroups[0].name": "EKS052"}),
    Case("fargate", clusterconfig("""\
        fargateProfiles:
          - name: fp-dev
            selectors:
              - namespace: dev
                labels: {env: dev}
              - namespace: kube-system
            tags: {env: dev}
        """), expect={"spec.fargateProfiles": [{"name": "fp-dev", "selectors": [
        {"namespace": "dev", "labels": {"env": "dev"}}, {"namespace": "kube-system"}]}]},
         warns={"fargateProfiles[0].tags"}),
    Case("cluster-fields-eksgen-lacks", clusterconfig("""\
        gitops: {flux: {gitProvider: github}}
        identityProviders: [{name: x, type: oidc}]
        iam: {serviceRoleARN: 'arn:aws:iam::000000000000:role/eks'}
        """), warns={"gitops", "identityProviders", "iam.serviceRoleARN"}),
    Case("duplicate-key", clusterconfig("vpc: {cidr: 10.0.0.0/16}\nvpc: {cidr: 10.1.0.0/16}\n"),
         errors={"vpc": "duplicate key"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mapping(case: Case) -> None:
    outcome = attempt(case.text)
    errors = {i.path: i for i in outcome.issues if i.severity == "error"}
    if case.errors:
        assert outcome.imported is None
        assert set(errors) == set(case.errors), [i.format() for i in outcome.issues]
        for path, fragment in case.errors.items():
            assert fragment in errors[path].format()
            assert errors[path].position is not None and errors[path].file == "cluster.yaml"
        return
    assert outcome.imported is not None, [i.format() for i in outcome.issues]
    assert outcome.paths("warning") == case.warns
    for doc in load_documents(outcome.imported.text, "spec.yaml"):  # validates and renders, as written
        assert check_document(doc, today=TODAY).errors == []
        assert "eks.tf" in build_document(doc, "spec.yaml", today=TODAY).files
    spec = outcome.spec
    for path, value in case.expect.items():
        assert at(spec, path) == value, path
    for path in case.absent:
        with pytest.raises((KeyError, IndexError)):
            at(spec, path)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("body", "warning", "comment"), [
    ("amiFamily: Ubuntu2204", "not imported: eksgen has no Ubuntu2204 AMI type (AL2023, AL2, Bottlerocket and "
     "Windows only); the spec falls back to AL2023", "      # Not Ubuntu2204: eksgen has no such AMI type."),
    ("volumeKmsKeyID: 0a1b2c3d", "not imported: eksgen takes the KMS key's ARN (diskKmsKeyArn)", None),
    ("volumeEncrypted: false", "not imported: eksgen always encrypts the root volume", None),
])
def test_node_fields_eksgen_does_not_take_say_why(body: str, warning: str, comment: str | None) -> None:
    outcome = attempt(ng(body))
    assert outcome.imported is not None
    (found,) = [i for i in outcome.issues if i.severity == "warning"]
    assert found.message == warning
    if comment:
        assert comment in outcome.imported.text.splitlines()
