"""The compute rules (EKS050-EKS064) of generator/pipeline/checks/compute.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

from generator.pipeline.checks.compute import MANAGED_LABEL_MAX, MAX_DISK_GIB, MAX_INSTANCE_TYPES, MAX_TAINTS
from tests.helpers import (
    TAINT_A,
    fargate,
    many_groups,
    many_profiles,
    row,
    rule_table_tests,
    spec,
    tags,
)

EXISTING = "  vpc:\n    id: vpc-0a1b2c3d4e5f67890\n"
TWO_PRIVATE_IDS = "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"

ROWS = [
    row("31-managed-groups", "EKS050", spec(append=many_groups(31)), spec(append=many_groups(30)),
        "10:3 managedNodeGroups", "EKS allows 30 managed node groups per cluster (got 31)"),
    # A profile's own tags merge over the cluster's (team: platform): 50 less the one it does not override.
    row("fargate-tag-count", "EKS004", spec(append=fargate() + "      " + tags(50).strip() + "\n"),
        spec(append=fargate() + "      " + tags(49).strip() + "\n"),
        "20:7 fargateProfiles[0].tags", "at most 49 tags per resource (got 50)"),
    row("fargate-tag-count-overriding", "EKS004",
        spec(append=fargate() + "      " + tags(51).strip().replace("t0:", "team:") + "\n"),
        spec(append=fargate() + "      " + tags(50).strip().replace("t0:", "team:") + "\n"),
        "20:7 fargateProfiles[0].tags", "at most 50 tags per resource (got 51)"),
    row("fargate-tag-key", "EKS004", spec(append=fargate() + "      tags: {'aws:team': x}\n"),
        spec(append=fargate() + "      tags: {team: x}\n"),
        "20:14 fargateProfiles[0].tags['aws:team']", "tag keys starting with 'aws:' are reserved"),
    row("11-fargate-profiles", "EKS050", spec(append=many_profiles(11)), spec(append=many_profiles(10)),
        "16:3 fargateProfiles", "EKS allows 10 Fargate profiles per cluster"),
    row("duplicate-name", "EKS051", spec(append="    - name: general\n"), spec(append="    - name: general2\n"),
        "16:7 managedNodeGroups[1].name", "duplicate name 'general' (first at managedNodeGroups[0])"),
    row("duplicate-fargate-name", "EKS051",
        spec(append=fargate("fp") + "    - name: fp\n      selectors: [{namespace: x}]\n"),
        spec(append=fargate("fp") + "    - name: fp2\n      selectors: [{namespace: x}]\n"),
        "20:7 fargateProfiles[1].name", "duplicate name 'fp' (first at fargateProfiles[0])"),
    row("23-chars", "EKS052", spec({11: "    - name: " + "g" * 23}), spec({11: "    - name: " + "g" * 22}),
        "11:7 managedNodeGroups[0].name", "must be at most 22 characters (got 23)"),
    row("min-above-max", "EKS053", spec({13: "      minSize: 7"}), spec({13: "      minSize: 3"}),
        "14:7 managedNodeGroups[0].maxSize", "must be >= minSize (7)"),
    row("desired-above-max", "EKS053", spec({15: "      desiredSize: 9"}), spec({15: "      desiredSize: 6"}),
        "15:7 managedNodeGroups[0].desiredSize", "must be between minSize (2) and maxSize (6) (got 9)"),
    # A warning under an error rule (not waivable): the per-group node quota is adjustable.
    row("above-node-quota", "EKS063", spec({14: "      maxSize: 451"}, append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        spec({14: "      maxSize: 450"}, append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        "14:7 managedNodeGroups[0].maxSize", "exceeds the EKS quota of 450 nodes per group", severity="warning"),
    row("invalid-name", "EKS054", spec({12: "      instanceTypes: [m6i-large]"}), spec(),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "'m6i-large' is not an EC2 instance type name"),
    row("unknown-type", "EKS064", spec({12: "      instanceTypes: [zz9.large]"}), spec(),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "unknown instance type 'zz9.large'", severity="warning"),
    row("arm-ami-on-x86", "EKS055", spec(append="      amiType: AL2023_ARM_64_STANDARD\n"),
        spec(append="      amiType: AL2023_x86_64_STANDARD\n"),
        "16:7 managedNodeGroups[0].amiType", "m6i.large is x86_64 but amiType AL2023_ARM_64_STANDARD is not"),
    row("gpu-without-gpu-ami", "EKS055",
        spec({12: "      instanceTypes: [g5.xlarge]"}, append="      amiType: AL2023_x86_64_STANDARD\n"),
        spec({12: "      instanceTypes: [g5.xlarge]"}, append="      amiType: AL2023_x86_64_NVIDIA\n"),
        "16:7 managedNodeGroups[0].amiType", "g5.xlarge has accelerators but AL2023_x86_64_STANDARD has no GPU"),
    # Accelerated families an earlier GPU pattern missed (fixed in 99618a2): gr6/gr6f (NVIDIA L4), p6-b200/p6-b300.
    row("gpu-gr6-without-gpu-ami", "EKS055",
        spec({12: "      instanceTypes: [gr6.4xlarge]"}, append="      amiType: AL2023_x86_64_STANDARD\n"),
        spec({12: "      instanceTypes: [gr6.4xlarge]"}, append="      amiType: AL2023_x86_64_NVIDIA\n"),
        "16:7 managedNodeGroups[0].amiType", "gr6.4xlarge has accelerators"),
    row("gpu-p6-b200-without-gpu-ami", "EKS055",
        spec({12: "      instanceTypes: [p6-b200.48xlarge]"}, append="      amiType: AL2023_x86_64_STANDARD\n"),
        spec({12: "      instanceTypes: [p6-b200.48xlarge]"}, append="      amiType: AL2023_x86_64_NVIDIA\n"),
        "16:7 managedNodeGroups[0].amiType", "p6-b200.48xlarge has accelerators"),
    row("reserved-label", "EKS056", spec(append="      labels:\n        kubernetes.io/role: x\n"),
        spec(append="      labels:\n        example.com/role: x\n"),
        "17:9 managedNodeGroups[0].labels['kubernetes.io/role']",
        "the EKS API refuses managed node group labels"),
    row("duplicate-taint", "EKS057",
        spec(append=TAINT_A + "        - {key: a, effect: NO_SCHEDULE}\n"),
        spec(append=TAINT_A + "        - {key: a, effect: NO_EXECUTE}\n"),
        "18:11 managedNodeGroups[0].taints[1]", "duplicate taint a:NO_SCHEDULE"),
    row("taint-value", "EKS057", spec(append="      taints:\n        - {key: a, value: -x-, effect: NO_SCHEDULE}\n"),
        spec(append="      taints:\n        - {key: a, value: x, effect: NO_SCHEDULE}\n"),
        "17:20 managedNodeGroups[0].taints[0].value", "taint value must be at most 63 characters"),
    row("disk-zero", "EKS058", spec(append="      diskSizeGiB: 0\n"), spec(append="      diskSizeGiB: 50\n"),
        "16:7 managedNodeGroups[0].diskSizeGiB", "must be between 1 and 16384 (got 0)"),
    row("max-unavailable-zero", "EKS059", spec(append="      maxUnavailable: 0\n"),
        spec(append="      maxUnavailable: 1\n"),
        "16:7 managedNodeGroups[0].maxUnavailable", "must be between 1 and 100 (got 0)"),
    row("both-max-unavailable", "EKS059", spec(append="      maxUnavailable: 1\n      maxUnavailablePercentage: 33\n"),
        spec(append="      maxUnavailablePercentage: 33\n"),
        "17:7 managedNodeGroups[0].maxUnavailablePercentage",
        "set maxUnavailable or maxUnavailablePercentage, not both"),
    row("fargate-namespace", "EKS060", spec(append=fargate(namespace="Kube_System")), spec(append=fargate()),
        "19:11 fargateProfiles[0].selectors[0].namespace", "'Kube_System' is not a valid namespace name"),
    row("fargate-six-selectors", "EKS060",
        spec(append="  fargateProfiles:\n    - name: system\n      selectors:\n"
                    + "".join(f"        - namespace: ns{i}\n" for i in range(6))),
        spec(append="  fargateProfiles:\n    - name: system\n      selectors:\n"
                    + "".join(f"        - namespace: ns{i}\n" for i in range(5))),
        "18:7 fargateProfiles[0].selectors", "give 1 to 5 selectors"),
    row("subnets-unknown-word", "EKS061", spec(append="      subnets: privat\n"),
        spec(append="      subnets: private\n"),
        "16:7 managedNodeGroups[0].subnets", "must be 'private', 'public', a list of availability zones or subnet IDs"),
    row("foreign-zone", "EKS061", spec(append="      subnets: [eu-west-1a, us-east-1a]\n"),
        spec(append="      subnets: [eu-west-1a, eu-west-1b]\n"),
        "16:29 managedNodeGroups[0].subnets[1]", "'us-east-1a' is neither a subnet ID nor one of the VPC's"),
    # --- _placement, one row per branch, whole messages -----------------------------------------------
    row("fargate-subnets-public", "EKS061", spec(append=fargate() + "      subnets: public\n"),
        spec(append=fargate() + "      subnets: private\n"),
        "20:7 fargateProfiles[0].subnets", "must be 'private', a list of availability zones or subnet IDs "
        "(got 'public'); Fargate pods run in private subnets only"),
    row("fargate-subnets-unknown-word", "EKS061", spec(append=fargate() + "      subnets: privat\n"),
        spec(append=fargate() + "      subnets: private\n"),
        "20:7 fargateProfiles[0].subnets", "must be 'private', a list of availability zones or subnet IDs "
        "(got 'privat')"),
    row("public-without-public-subnets-whole-message", "EKS061",
        spec(append="      subnets: public\n" + EXISTING + TWO_PRIVATE_IDS),
        spec(append="      subnets: public\n" + EXISTING + TWO_PRIVATE_IDS + "      public: [subnet-0a1b2c3f]\n"),
        "16:7 managedNodeGroups[0].subnets", "the VPC has no public subnets: list them under vpc.subnets.public",
        also=("EKS086",)),
    row("subnets-empty-list", "EKS061", spec(append="      subnets: []\n"),
        spec(append="      subnets: [eu-west-1a]\n"),
        "16:7 managedNodeGroups[0].subnets", "must not be empty"),
    row("zone-in-an-existing-vpc", "EKS061",
        spec(append="      subnets: [eu-west-1a]\n" + EXISTING + TWO_PRIVATE_IDS),
        spec(append="      subnets: [subnet-0a1b2c3d]\n" + EXISTING + TWO_PRIVATE_IDS),
        "16:17 managedNodeGroups[0].subnets[0]",
        "'eu-west-1a' is not a subnet ID (an existing VPC's zones are not known)"),
    row("subnet-id-in-a-new-vpc", "EKS061", spec(append="      subnets: [eu-west-1a, subnet-0a1b2c3d]\n"),
        spec(append="      subnets: [eu-west-1a, eu-west-1b]\n"),
        "16:29 managedNodeGroups[0].subnets[1]", "subnet-0a1b2c3d cannot be a subnet of the VPC eksgen creates (its "
        "subnets do not exist yet): name availability zones (eu-west-1a, eu-west-1b, eu-west-1c) or 'private'"),
    row("fargate-subnet-id-in-a-new-vpc", "EKS061",
        spec(append="  fargateProfiles:\n    - name: apps\n      selectors: [{namespace: apps}]\n"
                    "      subnets: [subnet-0a1b2c3d]\n"),
        spec(append="  fargateProfiles:\n    - name: apps\n      selectors: [{namespace: apps}]\n"
                    "      subnets: [eu-west-1a]\n"),
        "19:17 fargateProfiles[0].subnets[0]", "subnet-0a1b2c3d cannot be a subnet of the VPC eksgen creates"),
    row("self-managed-labels-bottlerocket", "EKS062",
        spec(append="  selfManagedNodeGroups:\n    - name: legacy\n      amiType: BOTTLEROCKET_x86_64\n"
                    "      labels: {role: legacy}\n"),
        spec(append="  selfManagedNodeGroups:\n    - name: legacy\n      amiType: AL2023_x86_64_STANDARD\n"
                    "      labels: {role: legacy}\n"),
        "19:7 selfManagedNodeGroups[0].labels", "labels and taints on self-managed groups are set through AL2023"),
    row("above-largest-cluster", "EKS067", spec({14: "      maxSize: 100001"}), spec({14: "      maxSize: 100000"}),
        "14:7 managedNodeGroups[0].maxSize", "exceeds 100000 nodes, the most any EKS cluster supports"),
    # p3 and f1 were missing from the ENI table (instance-supplement.jsonl adds them).
    row("p3-known", "EKS064", spec({12: "      instanceTypes: [p3.4xlarge]"}),
        spec({12: "      instanceTypes: [p3.2xlarge]"}),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "unknown instance type 'p3.4xlarge'", severity="warning"),
    row("al2-on-1.33", "EKS065",
        spec({9: '  kubernetesVersion: "1.33"'}, append="      amiType: AL2_x86_64\n  supportType: EXTENDED\n"),
        spec({9: '  kubernetesVersion: "1.32"'}, append="      amiType: AL2_x86_64\n  supportType: EXTENDED\n"),
        "16:7 managedNodeGroups[0].amiType", "AWS publishes no AL2_x86_64 AMIs for Kubernetes 1.33 and later "
        "(Amazon Linux 2 ended with 1.32): use AL2023_x86_64_STANDARD"),
    row("al2-arm-self-managed", "EKS065",
        spec(append="  selfManagedNodeGroups:\n    - name: arm\n      instanceType: m7g.large\n"
                    "      amiType: AL2_ARM_64\n"),
        spec(append="  selfManagedNodeGroups:\n    - name: arm\n      instanceType: m7g.large\n"
                    "      amiType: AL2023_ARM_64_STANDARD\n"),
        "19:7 selfManagedNodeGroups[0].amiType", "use AL2023_ARM_64_STANDARD"),
    row("windows-lookup-swapped", "EKS066",
        spec(append="  selfManagedNodeGroups:\n    - name: win\n      amiType: WINDOWS_CORE_2022_x86_64\n"),
        spec(append="  selfManagedNodeGroups:\n    - name: win\n      amiType: WINDOWS_CORE_2025_x86_64\n"),
        "18:7 selfManagedNodeGroups[0].amiType", "looks up the WINDOWS_FULL_2022_x86_64 AMI for "
        "WINDOWS_CORE_2022_x86_64 and the other way round (modules/self-managed-node-group/main.tf:32)"),
]


# --- each condition on both sides of its limit (the limits are the rule's own constants) ----------------
# Known x86_64 types only, so no other rule (EKS055, EKS064) speaks up.
X86_TYPES = [f"{family}.{size}" for family in ("m6i", "m6a", "m5", "c6i", "r6i", "m7i")
             for size in ("large", "xlarge", "2xlarge", "4xlarge")]
LABEL_PREFIX = "example.com/"


def instance_types(count: int) -> str:
    return "      instanceTypes: [" + ", ".join(X86_TYPES[:count]) + "]"


def label_key(length: int) -> str:
    return LABEL_PREFIX + "a" * (length - len(LABEL_PREFIX))


def group_labels(*lines: str) -> str:
    """The base spec with `labels` on managedNodeGroups[0] (line 16), one label per line from line 17."""
    return spec(append="      labels:\n" + "".join(f"        {line}\n" for line in lines))


SELF_MANAGED = spec(append="  selfManagedNodeGroups:\n    - name: legacy\n")


def taints(count: int) -> str:
    return "      taints:\n" + "".join(f"        - {{key: t{i}, effect: NO_SCHEDULE}}\n" for i in range(count))


ROWS += [
    row("instance-types-over-the-limit", "EKS054", spec({12: instance_types(MAX_INSTANCE_TYPES + 1)}),
        spec({12: instance_types(MAX_INSTANCE_TYPES)}),
        "12:7 managedNodeGroups[0].instanceTypes", f"give 1 to {MAX_INSTANCE_TYPES} instance types"),
    row("instance-types-empty", "EKS054", spec({12: "      instanceTypes: []"}), spec({12: instance_types(1)}),
        "12:7 managedNodeGroups[0].instanceTypes", f"give 1 to {MAX_INSTANCE_TYPES} instance types"),
    row("managed-label-key-over-the-limit", "EKS056",
        spec(append=f"      labels:\n        {label_key(MANAGED_LABEL_MAX + 1)}: x\n"),
        spec(append=f"      labels:\n        {label_key(MANAGED_LABEL_MAX)}: x\n"),
        f"17:9 managedNodeGroups[0].labels['{label_key(MANAGED_LABEL_MAX + 1)}']",
        f"at most {MANAGED_LABEL_MAX} characters in total, prefix included (got {MANAGED_LABEL_MAX + 1})"),
    # EKS056, one row per condition of generator/pipeline/checks/compute.py::_labels (limits on both sides).
    row("label-name-64", "EKS056", group_labels("a" * 64 + ": x"), group_labels("a" * 63 + ": x"),
        f"17:9 managedNodeGroups[0].labels.{'a' * 64}", "label key name must be 1-63 characters"),
    row("label-name-edge", "EKS056", group_labels("-role: x"), group_labels("role: x"),
        "17:9 managedNodeGroups[0].labels.-role", "label key name must be 1-63 characters, alphanumeric at both"),
    row("label-prefix-case", "EKS056", group_labels("Example.com/x: y"), group_labels("example.com/x: y"),
        "17:9 managedNodeGroups[0].labels['Example.com/x']", "label key prefix must be a lowercase DNS subdomain"),
    row("label-value-empty-managed", "EKS056", group_labels('role: ""'), group_labels("role: x"),
        "17:9 managedNodeGroups[0].labels.role", "managed node group label values must not be empty"),
    row("label-value-64", "EKS056", group_labels("r: " + "v" * 64), group_labels("r: " + "v" * 63),
        "17:9 managedNodeGroups[0].labels.r", "label value must be at most 63 characters"),
    row("label-value-edge", "EKS056", group_labels("role: x-"), group_labels("role: x-y"),
        "17:9 managedNodeGroups[0].labels.role", "label value must be at most 63 characters, alphanumeric"),
    row("label-eks-subdomain", "EKS056", group_labels("team.eks.amazonaws.com/x: y"),
        group_labels("team.example.com/x: y"),
        "17:9 managedNodeGroups[0].labels['team.eks.amazonaws.com/x']", "the EKS API refuses managed node group"),
    row("label-kubelet-self-managed", "EKS056", SELF_MANAGED + "      labels:\n        kubernetes.io/role: x\n",
        SELF_MANAGED + "      labels:\n        node.kubernetes.io/role: x\n",
        "19:9 selfManagedNodeGroups[0].labels['kubernetes.io/role']", "the kubelet refuses --node-labels"),
    # EKS060, one row per condition of _fargate.
    row("fargate-name-38", "EKS060", spec(append=fargate("f" * 38)), spec(append=fargate("f" * 37)),
        "17:7 fargateProfiles[0].name", "must be at most 37 characters (got 38)"),
    row("fargate-name-chars", "EKS060", spec(append=fargate("-system")), spec(append=fargate("system-")),
        "17:7 fargateProfiles[0].name", "must be 1-63 letters, digits, '-' or '_', starting with a letter"),
    row("fargate-no-selectors", "EKS060", spec(append="  fargateProfiles:\n    - name: system\n      selectors: []\n"),
        spec(append="  fargateProfiles:\n    - name: system\n      selectors: [{namespace: a}]\n"),
        "18:7 fargateProfiles[0].selectors", "give 1 to 5 selectors"),
    row("fargate-namespace-64", "EKS060", spec(append=fargate(namespace="n" * 64)),
        spec(append=fargate(namespace="n" * 63)),
        "19:11 fargateProfiles[0].selectors[0].namespace", "is not a valid namespace name"),
    row("fargate-namespace-wildcards", "EKS060", spec(append=fargate(namespace="team_*")),
        spec(append=fargate(namespace="team-*")),
        "19:11 fargateProfiles[0].selectors[0].namespace", "'team_*' is not a valid namespace name"),
    row("fargate-six-labels", "EKS060",
        spec(append=fargate() + "          labels: {" + ", ".join(f"l{i}: v" for i in range(6)) + "}\n"),
        spec(append=fargate() + "          labels: {" + ", ".join(f"l{i}: v" for i in range(5)) + "}\n"),
        "20:11 fargateProfiles[0].selectors[0].labels", "at most 5 labels per selector"),
    # EKS057, one row per condition of _taints.
    row("taint-key-64", "EKS057",
        spec(append="      taints:\n        - {key: " + "k" * 64 + ", effect: NO_SCHEDULE}\n"),
        spec(append="      taints:\n        - {key: " + "k" * 63 + ", effect: NO_SCHEDULE}\n"),
        "17:12 managedNodeGroups[0].taints[0].key", "taint key name must be 1-63 characters"),
    row("taint-key-syntax", "EKS057", spec(append="      taints:\n        - {key: -k, effect: NO_SCHEDULE}\n"),
        spec(append="      taints:\n        - {key: k, effect: NO_SCHEDULE}\n"),
        "17:12 managedNodeGroups[0].taints[0].key", "taint key name must be 1-63 characters"),
    row("taint-value-64", "EKS057",
        spec(append="      taints:\n        - {key: a, value: " + "v" * 64 + ", effect: NO_SCHEDULE}\n"),
        spec(append="      taints:\n        - {key: a, value: " + "v" * 63 + ", effect: NO_SCHEDULE}\n"),
        "17:20 managedNodeGroups[0].taints[0].value", "taint value must be at most 63 characters"),
    row("taints-over-the-limit", "EKS057", spec(append=taints(MAX_TAINTS + 1)), spec(append=taints(MAX_TAINTS)),
        "16:7 managedNodeGroups[0].taints", f"at most {MAX_TAINTS} taints per node group"),
    row("disk-over-the-limit", "EKS058", spec(append=f"      diskSizeGiB: {MAX_DISK_GIB + 1}\n"),
        spec(append=f"      diskSizeGiB: {MAX_DISK_GIB}\n"),
        "16:7 managedNodeGroups[0].diskSizeGiB", f"must be between 1 and {MAX_DISK_GIB} (got {MAX_DISK_GIB + 1})"),
    row("disk-below-one", "EKS058", spec(append="      diskSizeGiB: 0\n"), spec(append="      diskSizeGiB: 1\n"),
        "16:7 managedNodeGroups[0].diskSizeGiB", f"must be between 1 and {MAX_DISK_GIB} (got 0)"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)


def test_the_limits_are_the_documented_aws_limits() -> None:
    """The rows read their limits from the rule's constants; this pins those constants to the EKS API's
    numbers (CreateNodegroup: 20 instance types, 50 taints, labels of 63 characters in total)."""
    assert (MAX_INSTANCE_TYPES, MAX_TAINTS, MANAGED_LABEL_MAX, MAX_DISK_GIB) == (20, 50, 63, 16384)
