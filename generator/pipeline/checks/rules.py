"""The rule catalogue: every check's stable ID, severity, one-line summary and fix hint.

Findings carry a rule ID; `eksgen rules` prints this table and the README shows it. A
rule marked `waivable` can be waived in the spec with a reason
(`spec.waivers: [{rule: EKS080, reason: "..."}]`); structural errors cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Findings that depend on the clock (`--today`/EKSGEN_TODAY), not only on the spec and eksgen's version.
DATED_RULES = frozenset({"EKS006", "EKS007"})
Area = Literal["text", "cluster", "network", "access", "compute", "capacity", "security"]


@dataclass(frozen=True)
class Rule:
    id: str
    area: Area
    severity: Literal["error", "warning"]
    summary: str
    hint: str
    checkov: str | None = None
    waivable: bool = False


_RULES = [
    Rule("EKS001", "text", "error", "Names, tags and identifiers are printable NFC text without ${ or %{",
         "remove invisible characters and template sequences"),
    Rule("EKS002", "cluster", "error", "Cluster name: letters, digits, - and _, at most 29 characters",
         "shorten the name; the eks module builds IAM name prefixes from it"),
    Rule("EKS003", "cluster", "error", "Region is a real AWS region code", "use a code such as eu-west-1"),
    Rule("EKS004", "cluster", "error", "Tags: at most 50, keys 1-127 without aws:, IAM character set",
         "tags reach EC2 and IAM resources; keep to their common limits"),
    Rule("EKS005", "cluster", "error", "kubernetesVersion is a quoted \"1.MM\" in eksgen's release table",
         "quote the version and pick one from the table"),
    Rule("EKS006", "cluster", "error", "Version past end of support for the chosen support type",
         "upgrade, or set supportType: EXTENDED while still in extended support", "CKV_AWS_339"),
    Rule("EKS007", "cluster", "warning", "Version near the end of its support window",
         "plan the upgrade before the date shown", "CKV_AWS_339", waivable=True),
    Rule("EKS008", "cluster", "error", "Log types unique; retention is a CloudWatch-accepted value",
         "use one of the listed retention periods"),
    Rule("EKS009", "cluster", "error", "KMS key: a key ARN in the cluster's region and partition, not with createKey",
         "use a symmetric key in the same region, or createKey: true"),
    Rule("EKS010", "cluster", "error", "Module versions have an interface catalog",
         "import one with `eksgen modules import`"),
    Rule("EKS011", "cluster", "error", "S3 backend: valid bucket, key (<= 1024 bytes) and region",
         "fix the backend settings"),
    Rule("EKS012", "cluster", "error", "Addons: valid names and versions, existing serviceAccount",
         "pin versions as v1.2.3-eksbuild.N"),
    Rule("EKS013", "cluster", "warning", "The cluster has compute (node groups, Fargate or Auto Mode)",
         "add a node group or a Fargate profile", waivable=True),
    Rule("EKS014", "cluster", "warning", "vpcCni.prefixDelegation has the vpc-cni addon to act on",
         "list the vpc-cni addon or drop the shortcut", waivable=True),
    Rule("EKS015", "cluster", "warning", "Addon names are EKS addons eksgen knows (typos fail at apply)",
         "fix the name, or waive for a marketplace addon", waivable=True),
    Rule("EKS016", "cluster", "warning", "A Fargate-only cluster runs CoreDNS on Fargate",
         "set coredns configuration computeType: Fargate", waivable=True),
    Rule("EKS017", "cluster", "error", "requiredVersion: a Terraform constraint admitting the modules' floor "
         "(1.10 with useLockfile)", "write e.g. \">= 1.10.0\""),
    Rule("EKS018", "cluster", "warning", "No placeholder account IDs (111122223333, 123456789012) in ARNs",
         "write your own account ID", waivable=True),
    Rule("EKS019", "cluster", "warning", "IPv6: the module's CNI policy name is account-wide (one cluster creates it)",
         "set vpcCni.createIpv6Policy: false on every other IPv6 cluster of the account", waivable=True),
    Rule("EKS020", "network", "error", "Existing VPC: a VPC ID, and no new-VPC settings", "remove cidr/nat/zones"),
    Rule("EKS021", "network", "error", "Existing VPC: at least 2 distinct private subnet IDs",
         "list subnets in two or more AZs"),
    Rule("EKS022", "network", "error", "VPC CIDRs: strict IPv4 networks, /16 to /28, no overlap",
         "write the network address with its prefix"),
    Rule("EKS023", "network", "error", "The VPC fits the default subnet layout, or lists its subnets",
         "use a /20 or larger VPC or list vpc.subnets"),
    Rule("EKS024", "network", "error", "NAT gateways need public subnets", "add public subnets or nat: Disabled"),
    Rule("EKS025", "network", "error",
         "At least 2 distinct availability zones of the region; listed where letters differ per account",
         "list zones like eu-west-1a, eu-west-1b"),
    Rule("EKS026", "network", "error", "Subnets: one per zone, inside the VPC, /16 to /28, not overlapping",
         "fix the listed ranges"),
    Rule("EKS027", "network", "error", "Endpoint: some access on; public CIDRs valid, public, at most 40",
         "keep private access on; list public egress ranges"),
    Rule("EKS028", "network", "error", "Service CIDR: private range, /12 to /24, not overlapping the VPC",
         "pick e.g. 172.20.0.0/16"),
    Rule("EKS029", "network", "warning", "Existing VPC subnets carry the load-balancer discovery tags",
         "add the printed tags to the subnets (or waive when they are managed elsewhere)", waivable=True),
    Rule("EKS030", "access", "error", "Authentication mode is API or API_AND_CONFIG_MAP",
         "use access entries; put aws-auth mappings in access.awsAuth"),
    Rule("EKS031", "access", "error",
         "Each principal has one access entry, IAM names compared case-insensitively (409)",
         "merge the duplicate entries"),
    Rule("EKS032", "access", "error",
         "Principals are IAM role or user ARNs in the cluster's partition; paths <= 512, no //",
         "use the role ARN, not an assumed-role session"),
    Rule("EKS033", "access", "error", "No Kubernetes groups starting with system:",
         "grant AmazonEKSClusterAdminPolicy instead of system:masters"),
    Rule("EKS034", "access", "error",
         "Usernames and groups 1-255 characters; usernames not system:, eks:, aws:, amazon:, iam:",
         "pick another username"),
    Rule("EKS035", "access", "error", "Node access entry types take a role and no groups or policies",
         "use STANDARD for people and automation"),
    Rule("EKS036", "access", "error", "Access policies are known names or cluster-access-policy ARNs",
         "see `aws eks list-access-policies`"),
    Rule("EKS037", "access", "error", "Namespace scope lists namespaces; cluster scope lists none",
         "add namespaces or use scope: cluster"),
    Rule("EKS038", "access", "error", "Service accounts: unique names, valid namespace and account names",
         "use lowercase DNS names"),
    Rule("EKS039", "access", "warning", "Service account and Pod Identity roles get some permission",
         "add wellKnownPolicies or policyArns", waivable=True),
    Rule("EKS040", "access", "warning", "aws-auth system: groups are dropped in the conversion",
         "EKS creates node access entries itself", waivable=True),
    Rule("EKS041", "access", "error", "Module keys of access entries and policy associations are unique",
         "the eks module keys associations <entry>_<policy> and reserves cluster_creator: rename or merge"),
    Rule("EKS042", "access", "warning", "aws-auth IAM Identity Center roles get their aws-reserved path back",
         "check the converted ARN with aws iam get-role", waivable=True),
    Rule("EKS043", "access", "error", "Well-known policies get the resources they are scoped to (hosted "
         "zones, buckets, queues), and only those that read them",
         "add s3BucketArns (velero, mountpointS3Csi) or sqsQueueArns (nodeTerminationHandler); drop lists no "
         "policy reads"),
    Rule("EKS050", "compute", "error", "At most 30 managed node groups and 10 Fargate profiles",
         "request a quota increase or merge groups"),
    Rule("EKS051", "compute", "error", "Node group and Fargate profile names are unique", "rename one"),
    Rule("EKS052", "compute", "error", "Node group names fit the IAM name prefixes (managed <= 22, self-managed <= 26)",
         "shorten the name"),
    Rule("EKS053", "compute", "error", "Scaling: min >= 0, max >= 1, min <= desired <= max",
         "fix the sizes"),
    Rule("EKS054", "compute", "error", "Instance types: valid names, 1..20, no duplicates",
         "use names like m6i.large"),
    Rule("EKS055", "compute", "error", "AMI type suits the instance (GPU/Neuron, arm64/x86_64)",
         "use the matching AL2023 AMI type"),
    Rule("EKS056", "compute", "error", "Labels: Kubernetes syntax, no reserved prefixes", "rename the label"),
    Rule("EKS057", "compute", "error", "Taints: valid keys and values, no duplicates, at most 50",
         "fix the taint"),
    Rule("EKS058", "compute", "error", "Disk size between 1 and 16384 GiB", "fix diskSizeGiB"),
    Rule("EKS059", "compute", "error", "maxUnavailable or maxUnavailablePercentage, 1..100",
         "set one of them"),
    Rule("EKS060", "compute", "error", "Fargate: names <= 37 (IAM prefix), 1-5 selectors, <= 5 labels each",
         "split the profile"),
    Rule("EKS061", "compute", "error", "Placement: private subnets, the VPC's zones, or subnet IDs",
         "nodes and Fargate pods belong in private subnets"),
    Rule("EKS062", "compute", "error", "Self-managed labels and taints need an AL2023 AMI",
         "use an AL2023 AMI type or drop the labels"),
    Rule("EKS063", "compute", "warning", "maxSize within the default quota of 450 nodes per group",
         "request a quota increase first, then waive", waivable=True),
    Rule("EKS064", "compute", "warning", "Instance types are in eksgen's ENI table (max pods known)",
         "check the name; waive for types newer than the table", waivable=True),
    Rule("EKS065", "compute", "error", "AMI types AWS publishes for the version (no AL2 on 1.33+)",
         "use the AL2023 AMI type"),
    Rule("EKS066", "compute", "warning", "Self-managed Windows 2019/2022: the pinned module swaps Core and Full",
         "pick the other type to get the one you mean, or use 2025", waivable=True),
    Rule("EKS067", "compute", "error", "maxSize at most 100000 (the largest EKS cluster)", "fix maxSize"),
    Rule("EKS070", "capacity", "warning", "Private subnets hold the pod IPs node groups need at max scale",
         "use larger subnets, prefix delegation, or fewer nodes", waivable=True),
    Rule("EKS071", "compute", "error", "amiId is an AMI ID; amiType then names its family, not CUSTOM",
         "set amiType to the AMI's family so the bootstrap user data matches"),
    Rule("EKS072", "compute", "error", "preBootstrapCommands on AL2023 or AL2 AMI types, none empty",
         "Bottlerocket and Windows run no shell user data: use their own settings"),
    Rule("EKS073", "compute", "error", "Root volume within the EBS limits for its type and size, KMS key in region",
         "gp3 3000-16000 IOPS (500/GiB), 125-1000 MiB/s <= IOPS/4; io1 100-64000 (50/GiB); io2 100-256000 "
         "(1000/GiB)"),
    Rule("EKS074", "compute", "error", "Security group IDs and SSH key names are well formed, each listed once",
         "use sg-... IDs and an existing EC2 key pair name"),
    Rule("EKS075", "compute", "error", "launchTemplate: an lt- ID, a version, and none of the keys it decides",
         "drop amiId, preBootstrapCommands, disk*, securityGroupIds, ssh and imdsHopLimit, or launchTemplate"),
    Rule("EKS076", "compute", "error", "instancesDistribution: 1-40 distinct types, instanceType among them",
         "list instanceType among the types or drop it; keep capacities >= 0 and the percentage 0-100"),
    Rule("EKS077", "compute", "error", "Node role policies and permissions boundary are IAM policy ARNs",
         "use arn:aws:iam::ACCOUNT:policy/NAME"),
    Rule("EKS080", "security", "warning", "Public endpoint restricted to known CIDRs (not 0.0.0.0/0)",
         "list your egress CIDRs in endpoint.publicCidrs", "CKV_AWS_38", waivable=True),
    Rule("EKS081", "security", "warning", "Secrets envelope-encrypted with KMS",
         "keep secretsEncryption.createKey: true or give kmsKeyArn", "CKV_AWS_58", waivable=True),
    Rule("EKS082", "security", "warning", "Control-plane logs include api, audit and authenticator",
         "add the missing log types", "CKV_AWS_37", waivable=True),
    Rule("EKS083", "security", "warning", "clusterCreatorAdmin only with an explicit admin access entry",
         "add an entry with AmazonEKSClusterAdminPolicy and turn clusterCreatorAdmin off", waivable=True),
    Rule("EKS084", "security", "warning", "Access entries use IAM roles, not IAM users",
         "map a role people assume instead of a user", waivable=True),
    Rule("EKS085", "security", "warning", "Authentication mode API (aws-auth ConfigMap off)",
         "move to authenticationMode: API once mappings are access entries", waivable=True),
    Rule("EKS086", "security", "warning", "Nodes and Fargate pods not in public subnets",
         "place compute in private subnets", waivable=True),
    Rule("EKS087", "security", "warning", "No AdministratorAccess or IAMFullAccess on service-account roles",
         "attach a least-privilege policy", "CKV_AWS_274", waivable=True),
    Rule("EKS088", "security", "warning", "Node SSH limited to source security groups (not 0.0.0.0/0)",
         "list ssh.sourceSecurityGroupIds", waivable=True),
    Rule("EKS089", "security", "warning", "IMDS hop limit 1: pods cannot reach node credentials",
         "use IRSA or Pod Identity instead of imdsHopLimit: 2", "CKV_AWS_341", waivable=True),
    Rule("EKS090", "cluster", "error", "Waivers name a known waivable rule and give a reason",
         "fix the waiver"),
    Rule("EKS091", "cluster", "warning", "Waivers waive something", "remove the unused waiver"),
    Rule("EKS100", "network", "error", "VPC endpoints: a new VPC, each service once",
         "create endpoints where the existing VPC is managed"),
    Rule("EKS101", "network", "warning", "VPC endpoint services are ones eksgen knows (typos fail at apply)",
         "fix the name, or waive for a service newer than the list", waivable=True),
    Rule("EKS102", "network", "error", "Without NAT, nodes reach ECR, S3 and STS through VPC endpoints",
         "add the listed endpoints, or a NAT gateway"),
    Rule("EKS110", "cluster", "warning", "An Auto Mode-only cluster lists no addon EKS already runs",
         "drop vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver and eks-pod-identity-agent", waivable=True),
    Rule("EKS111", "cluster", "warning", "A provisioned control plane tier is billed per tier-hour",
         "keep the tier only where the standard control plane is too slow", waivable=True),
    Rule("EKS120", "access", "error", "Pod Identity: unique names, valid namespace and account, one association "
         "each, roleArn or policies", "use a role ARN alone, or wellKnownPolicies/policyArns"),
    Rule("EKS121", "access", "error", "Pod Identity needs the eks-pod-identity-agent addon or Auto Mode",
         "add eks-pod-identity-agent to addons"),
    Rule("EKS122", "access", "warning", "A service account uses IRSA or Pod Identity, not both",
         "pick one mechanism for the identity", waivable=True),
    Rule("EKS130", "compute", "error", "Karpenter's controller has somewhere to run (managed nodes, Fargate or "
         "Auto Mode)", "add a managed node group or a Fargate profile for its namespace"),
    Rule("EKS131", "compute", "error", "Karpenter needs the eks-pod-identity-agent addon",
         "add eks-pod-identity-agent to addons (its role arrives through Pod Identity)"),
    Rule("EKS132", "compute", "error", "Karpenter: valid namespace, service account and node policy ARNs",
         "use lowercase DNS names and IAM policy ARNs"),
    Rule("EKS133", "compute", "error", "Auto Mode node pools listed once", "remove the duplicate"),
    Rule("EKS134", "compute", "warning", "Existing VPC subnets carry Karpenter's discovery tag",
         "add the printed tag to the subnets (or waive when they are managed elsewhere)", waivable=True),
    Rule("EKS135", "compute", "warning", "Karpenter's controller runs where Pod Identity works (not Fargate only)",
         "add a managed node group for the controller", waivable=True),
    Rule("EKS140", "network", "warning", "A public-only endpoint with publicCidrs admits the nodes' NAT IPs",
         "set endpoint.private: true, or add the NAT gateways' Elastic IPs", waivable=True),
    Rule("EKS141", "network", "warning", "Public subnets are /27 or larger (an ALB's minimum)",
         "use /27 or larger public subnets", waivable=True),
    Rule("EKS142", "network", "error", "Nodes can reach the API server: nat: Disabled needs the private endpoint",
         "set endpoint.private: true (nodes in private subnets have no route out)"),
    Rule("EKS150", "compute", "error", "amiReleaseVersion is a release of the cluster's version, without amiId",
         "use a release version such as 1.35.6-20260714 for the cluster's version, or remove it"),
    Rule("EKS151", "compute", "warning", "eksgen.lock's pins fit the cluster (version, addons, node groups)",
         "run `eksgen lock` again: a pin that no longer fits is not applied", waivable=True),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}

# checkov checks eksgen knowingly answers differently (checkov 3.3.30 on the rendered output with the real
# module source; README "Checks"). A spec may waive these IDs too: the waiver becomes a checkov:skip comment.
CHECKOV_DIFFERENCES = {
    "CKV_AWS_37": "checkov wants all five control-plane log types; eksgen asks for api, audit and authenticator "
                  "(EKS082): controllerManager and scheduler logs are operational, not security, and cost",
    "CKV_AWS_38": "twin of EKS080; checkov also fails private-only clusters, reading the module's default "
                  "0.0.0.0/0 CIDR list although public access is off",
    "CKV_AWS_39": "checkov fails any public endpoint; eksgen accepts one restricted to publicCidrs (EKS080) and "
                  "the starter uses one so kubectl works from outside the VPC",
    "CKV_AWS_58": "twin of EKS081; checkov does not resolve the module's dynamic encryption_config block and "
                  "fails clusters that are envelope-encrypted (createKey or kmsKeyArn)",
    "CKV_AWS_338": "checkov wants log retention of a year; eksgen defaults to 90 days (cost) and accepts any "
                   "CloudWatch period; compliance clusters set 365 (see examples/production)",
    "CKV_AWS_339": "checkov's version list ends at 1.35; eksgen's release table (EKS006/EKS007) knows 1.36",
    # The eks module passes each group's metadata_options (null unless set) to the node-group submodules,
    # whose variable is `nullable = false` with IMDSv2 required and hop limit 1 (v21.19.0
    # modules/eks-managed-node-group/variables.tf:309): Terraform applies that default, checkov does not.
    "CKV_AWS_79": "checkov reads the node groups' launch templates as allowing IMDSv1: the module's default "
                  "(http_tokens = required) applies to the null eksgen passes; eksgen never enables IMDSv1",
    "CKV_AWS_341": "twin of EKS089 where imdsHopLimit is 2; elsewhere checkov misses the module's default hop "
                   "limit of 1, as for CKV_AWS_79",
}


def checkov_skips(rule_or_check: str) -> list[str]:
    """The checkov check IDs a waiver of `rule_or_check` (an eksgen rule or a checkov ID) skips."""
    if rule_or_check in CHECKOV_DIFFERENCES:
        return [rule_or_check]
    rule = RULES.get(rule_or_check)
    return [rule.checkov] if rule is not None and rule.checkov else []


def markdown_table() -> str:
    rows = ["| rule | area | severity | checks | checkov | waivable |", "|---|---|---|---|---|---|"]
    for rule in _RULES:
        rows.append(f"| {rule.id} | {rule.area} | {rule.severity} | {rule.summary} | {rule.checkov or ''} | "
                    f"{'yes' if rule.waivable else 'no'} |")
    return "\n".join(rows) + "\n"
