"""Every rule of the catalogue (generator.pipeline.checks.rules.RULES), table-driven, through the library.

Each row is one rule finding: a minimal spec that triggers it (rule ID, severity, `LINE:COL PATH` and a
message fragment are asserted), the nearest valid spec that does not (the same spec with the one thing
fixed), and the waiver behaviour: a waivable rule disappears when `spec.waivers` waives it (with no
EKS090/EKS091), a non-waivable one stays and the waiver itself is an EKS090 error.

Specs are the BASE of tests/helpers.py with one tweak, built by `tests.helpers.spec()` as in
tests/cli/test_render.py, so line numbers are predictable:

     1  apiVersion: eksgen/v1alpha1
     2  kind: Cluster
     3  metadata:
     4    name: demo
     5    region: eu-west-1
     6    tags:
     7      team: platform
     8  spec:
     9    kubernetesVersion: "1.35"
    10    managedNodeGroups:
    11      - name: general
    12        instanceTypes: [m6i.large]
    13        minSize: 2
    14        maxSize: 6
    15        desiredSize: 3

`append` adds lines from 16 on (indent 2: `spec` keys; indent 6: more keys of managedNodeGroups[0]).
Waivers are rendered last, as a `spec.waivers` block after everything else.

Rows marked `bug=` are known bugs, written with the CORRECT expectation and run as strict xfails.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import generator.pipeline.checks
from generator.cli.main import app
from generator.errors import Issue
from generator.pipeline.checks.rules import RULES
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import TODAY, spec

ROLE = "arn:aws:iam::111122223333:role/admins"
OTHER_ROLE = "arn:aws:iam::111122223333:role/ops"
TEAM = "arn:aws:iam::111122223333:role/team"
USER = "arn:aws:iam::111122223333:user/alice"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
EXISTING_VPC = "  vpc:\n    id: vpc-0a1b2c3d4e5f67890\n"
TWO_PRIVATE = "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"
REASON = "accepted for this test"
EBS_ADDON = "  addons:\n    aws-ebs-csi-driver:\n      serviceAccount: ebs-csi\n"
TAINT_A = "      taints:\n        - {key: a, effect: NO_SCHEDULE}\n"
PUBLIC_SUBNET = "      public: [subnet-0a1b2c3f]\n"
# EKS070 is implemented in generator/checks/capacity.py; tolerate its absence while it is being written.
_CAPACITY = Path(generator.pipeline.checks.__file__).with_name("capacity.py")
CAPACITY_READY = _CAPACITY.is_file() and '"EKS070"' in _CAPACITY.read_text("utf-8")



def with_waivers(text: str, waivers: tuple[tuple[str, str], ...]) -> str:
    if not waivers:
        return text
    items = "".join(f"    - rule: {rule}\n      reason: {json.dumps(reason)}\n" for rule, reason in waivers)
    return text + "  waivers:\n" + items


def waiver_line(text: str, index: int) -> int:
    """Line of `- rule:` of waiver `index` in `with_waivers(text, ...)`."""
    return len(text.splitlines()) + 2 + 2 * index


def issues_of(text: str, pins: str | None = None) -> list[Issue]:
    (doc,) = load_documents(text, "cluster.yaml")
    doc.pins = json.loads(pins) if pins else None  # the cluster's entry of an eksgen.lock beside the spec
    return check_document(doc, today=TODAY).issues


def where(issue: Issue) -> str:
    assert issue.position is not None
    return f"{issue.position.line}:{issue.position.column} {issue.path}"


def show(issues: list[Issue]) -> str:
    return "\n".join(f"{i.rule} {i.severity} {where(i)}: {i.message}" for i in issues)


@dataclass(frozen=True)
class Row:
    id: str
    rule: str
    bad: str
    good: str
    where: str
    fragment: str
    severity: str
    also: tuple[str, ...] = ()  # other rules whose errors the triggering spec also (legitimately) has
    waivers: tuple[tuple[str, str], ...] = ()  # waivers that are part of the triggering spec itself
    bug: str | None = None  # the rule does not fire although it should: strict xfail where firing matters
    maybe_missing: str | None = None  # the rule may not be implemented yet: non-strict xfail
    pins: str | None = None  # JSON of the cluster's eksgen.lock entry, for both specs


def row(case_id: str, rule: str, bad: str, good: str, at: str, fragment: str, *, severity: str | None = None,
        also: tuple[str, ...] = (), waivers: tuple[tuple[str, str], ...] = (), bug: str | None = None,
        maybe_missing: str | None = None, pins: dict[str, Any] | None = None) -> Row:
    return Row(f"{rule}-{case_id}", rule, bad, good, at, fragment, severity or RULES[rule].severity, also, waivers,
               bug, maybe_missing, json.dumps(pins) if pins else None)


def params(rows: list[Row], *, needs_finding: bool) -> list[Any]:
    """pytest params; a bug row is a strict xfail only in tests that need the finding to appear."""
    result = []
    for r in rows:
        marks = []
        if r.bug and needs_finding:
            marks.append(pytest.mark.xfail(strict=True, reason=f"bug: {r.bug}"))
        if r.maybe_missing:
            marks.append(pytest.mark.xfail(strict=False, reason=r.maybe_missing))
        result.append(pytest.param(r, id=r.id, marks=marks))
    return result


def fargate(name: str = "system", namespace: str = "kube-system") -> str:
    return f"  fargateProfiles:\n    - name: {name}\n      selectors:\n        - namespace: {namespace}\n"


def entry(arn: str = ROLE, *extra: str) -> str:
    return f"  access:\n    entries:\n      - principalArn: {arn}\n" + "".join(f"        {e}\n" for e in extra)


def service_account(*extra: str, namespace: str = "kube-system") -> str:
    return (f"  serviceAccounts:\n    - name: ebs-csi\n      namespace: {namespace}\n"
            "      serviceAccount: ebs-csi-controller-sa\n" + "".join(f"      {e}\n" for e in extra))


def s3(bucket: str) -> str:
    return f"  terraform:\n    backend:\n      s3: {{bucket: {bucket}, key: eks/demo.tfstate, region: eu-west-1}}\n"


def s3_key(key: str) -> str:
    return f"  terraform:\n    backend:\n      s3: {{bucket: tf-state, key: {key}, region: eu-west-1}}\n"


def many_groups(count: int) -> str:
    return "".join(f"    - name: g{i}\n" for i in range(1, count))


def many_profiles(count: int) -> str:
    return "  fargateProfiles:\n" + "".join(
        f"    - name: fp{i}\n      selectors: [{{namespace: default}}]\n" for i in range(count))


def tags(count: int) -> str:
    return "  tags: {" + ", ".join(f"t{i}: v" for i in range(count)) + "}"


def pod_identity(*extra: str, name: str = "app", namespace: str = "payments", account: str = "app") -> str:
    return (f"  podIdentityAssociations:\n    - name: {name}\n      namespace: {namespace}\n"
            f"      serviceAccount: {account}\n" + "".join(f"      {e}\n" for e in extra))


NO_NODE_GROUPS = {n: None for n in range(10, 16)}  # BASE without its managed node group: 9 lines
READ_ONLY = "policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]"
KARPENTER_ON = "  karpenter:\n    enabled: true\n"


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
    # --- EKS001 text hygiene (a catch-all: several rows) -------------------------------------------------
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
    # --- cluster -------------------------------------------------------------------------------------
    row("bad-chars", "EKS002", spec({4: "  name: demo.prod"}), spec({4: "  name: demo-prod"}),
        "4:3 metadata.name", "must start with a letter or digit and contain only letters, digits, '-' and '_'"),
    row("30-chars", "EKS002", spec({4: "  name: " + "a" * 30}), spec({4: "  name: " + "a" * 29}),
        "4:3 metadata.name", "must be at most 29 characters (got 30)"),
    row("unknown-region", "EKS003", spec({5: "  region: eu-west-9"}), spec({5: "  region: eu-west-2"}),
        "5:3 metadata.region", "unknown AWS region 'eu-west-9'; did you mean"),
    row("aws-prefix", "EKS004", spec({7: "    aws:team: platform"}), spec({7: "    awsteam: platform"}),
        "7:5 metadata.tags['aws:team']", "tag keys starting with 'aws:' are reserved by AWS"),
    row("51-tags", "EKS004", spec({6: tags(51), 7: None}), spec({6: tags(50), 7: None}),
        "6:3 metadata.tags", "at most 50 tags per resource (got 51)"),
    row("tag-value-chars", "EKS004", spec({7: '    team: "a#b"'}), spec({7: '    team: "a-b"'}),
        "7:5 metadata.tags.team", "tag value may contain only letters, digits, spaces and _ . : / = + - @"),
    row("not-in-table", "EKS005", spec({9: '  kubernetesVersion: "1.37"'}), spec({9: '  kubernetesVersion: "1.36"'}),
        "9:3 kubernetesVersion", "EKS version 1.37 is not in eksgen's release table"),
    row("bad-format", "EKS005", spec({9: '  kubernetesVersion: "v1.35"'}), spec({9: '  kubernetesVersion: "1.35"'}),
        "9:3 kubernetesVersion", "must look like \"1.MM\" (got 'v1.35')"),
    row("past-extended", "EKS006", spec({9: '  kubernetesVersion: "1.30"'}), spec({9: '  kubernetesVersion: "1.35"'}),
        "9:3 kubernetesVersion", "1.30 reached end of extended support on 2026-07-23"),
    row("past-standard", "EKS006", spec({9: '  kubernetesVersion: "1.33"'}),
        spec({9: '  kubernetesVersion: "1.33"'}, append="  supportType: EXTENDED\n"),
        "9:3 kubernetesVersion", "1.33 left standard support on 2026-07-29; set supportType: EXTENDED"),
    row("near-end-of-standard", "EKS007", spec({9: '  kubernetesVersion: "1.34"'}),
        spec({9: '  kubernetesVersion: "1.35"'}),
        "9:3 kubernetesVersion", "1.34 leaves standard support on 2026-12-02; plan the upgrade"),
    row("near-end-of-extended", "EKS007", spec({9: '  kubernetesVersion: "1.31"'}, append="  supportType: EXTENDED\n"),
        spec({9: '  kubernetesVersion: "1.32"'}, append="  supportType: EXTENDED\n"),
        "9:3 kubernetesVersion", "1.31 leaves extended support on 2026-11-26"),
    row("retention", "EKS008", spec(append="  logging:\n    retentionDays: 100\n"),
        spec(append="  logging:\n    retentionDays: 90\n"),
        "17:5 logging.retentionDays", "CloudWatch accepts only 1, 3, 5, 7, 14"),
    row("duplicate-log-type", "EKS008", spec(append="  logging:\n    types: [api, audit, authenticator, api]\n"),
        spec(append="  logging:\n    types: [api, audit, authenticator]\n"),
        "17:40 logging.types[3]", "duplicate log type 'api'"),
    row("kms-other-region", "EKS009",
        spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}\n"),
        spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}\n"),
        "17:5 secretsEncryption.kmsKeyArn", "KMS key is in us-east-1 but the cluster is in eu-west-1"),
    row("kms-and-create-key", "EKS009",
        spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}\n"
                    "    createKey: true\n"),
        spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}\n"
                    "    createKey: false\n"),
        "18:5 secretsEncryption.createKey", "set either kmsKeyArn or createKey: true, not both"),
    row("no-catalog", "EKS010", spec(append="  terraform:\n    modules:\n      eks: 21.20.0\n"),
        spec(append="  terraform:\n    modules:\n      eks: 21.19.0\n"),
        "18:7 terraform.modules.eks", "no interface catalog for eks 21.20.0 (available: 21.19.0)"),
    row("required-version-syntax", "EKS017", spec(append="  terraform:\n    requiredVersion: banana\n"),
        spec(append="  terraform:\n    requiredVersion: \">= 1.5.7, < 2.0.0\"\n"),
        "17:5 terraform.requiredVersion", "must be a Terraform version constraint"),
    row("no-pod-identity-catalog", "EKS010", spec(append="  terraform:\n    modules:\n      podIdentity: 2.9.0\n"),
        spec(append="  terraform:\n    modules:\n      podIdentity: 2.8.1\n"),
        "18:7 terraform.modules.podIdentity", "no interface catalog for podIdentity 2.9.0 (available: 2.8.1)"),
    row("s3-bucket", "EKS011", spec(append=s3("TF_State")), spec(append=s3("tf-state")),
        "18:12 terraform.backend.s3.bucket", "must be a valid S3 bucket name"),
    row("addon-version", "EKS012", spec(append="  addons:\n    vpc-cni:\n      version: '1.20.4'\n"),
        spec(append="  addons:\n    vpc-cni:\n      version: 'v1.20.4-eksbuild.1'\n"),
        "18:7 addons.vpc-cni.version", "must look like v1.2.3-eksbuild.1 (got '1.20.4')"),
    row("addon-service-account", "EKS012", spec(append=EBS_ADDON), spec(append=EBS_ADDON + service_account(
        "wellKnownPolicies: [ebsCsi]")),
        "18:7 addons.aws-ebs-csi-driver.serviceAccount", "no serviceAccounts entry named 'ebs-csi'"),
    row("prefix-delegation-without-vpc-cni", "EKS014",
        spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    coredns: {}\n"),
        spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    coredns: {}\n    vpc-cni: {}\n"),
        "17:5 vpcCni.prefixDelegation", "has no effect: the vpc-cni addon is not listed", severity="warning"),
    row("unknown-addon", "EKS015", spec(append="  addons:\n    vpc-cin: {}\n"),
        spec(append="  addons:\n    vpc-cni: {}\n"),
        "17:5 addons.vpc-cin", "did you mean 'vpc-cni'?", severity="warning"),
    row("coredns-not-on-fargate", "EKS016",
        spec({n: None for n in range(10, 16)}, append="  addons:\n    coredns: {}\n" + fargate()),
        spec({n: None for n in range(10, 16)},
             append="  addons:\n    coredns:\n      configuration: {computeType: Fargate}\n" + fargate()),
        "11:5 addons.coredns", "a Fargate-only cluster needs CoreDNS on Fargate", severity="warning"),
    row("no-compute", "EKS013", spec({n: None for n in range(10, 16)}),
        spec({n: None for n in range(10, 16)}, append=fargate()),
        "8:1 spec", "the cluster has no node groups and no Fargate profile"),
    row("required-version-not-a-constraint", "EKS017", spec(append="  terraform:\n    requiredVersion: banana\n"),
        spec(append="  terraform:\n    requiredVersion: '>= 1.5.7'\n"),
        "17:5 terraform.requiredVersion", "must be a Terraform version constraint"),
    row("required-version-empty", "EKS017", spec(append="  terraform:\n    requiredVersion: ''\n"),
        spec(append="  terraform:\n    requiredVersion: '>= 1.5.7'\n"),
        "17:5 terraform.requiredVersion", "must be a Terraform version constraint"),
    row("required-version-below-floor", "EKS017", spec(append="  terraform:\n    requiredVersion: '< 1.0'\n"),
        spec(append="  terraform:\n    requiredVersion: '< 1.6'\n"),
        "17:5 terraform.requiredVersion", "'< 1.0' admits no Terraform 1.x release at or above 1.5.7"),
    row("required-version-unreleased", "EKS017", spec(append="  terraform:\n    requiredVersion: '>= 99.0'\n"),
        spec(append="  terraform:\n    requiredVersion: '>= 1.14'\n"),
        "17:5 terraform.requiredVersion", "'>= 99.0' admits no Terraform 1.x release"),
    row("required-version-lockfile", "EKS017",
        spec(append="  terraform:\n    requiredVersion: '~> 1.9.0'\n    backend:\n"
                    "      s3: {bucket: tf-state, key: eks/demo.tfstate, region: eu-west-1}\n"),
        spec(append="  terraform:\n    requiredVersion: '~> 1.10.0'\n    backend:\n"
                    "      s3: {bucket: tf-state, key: eks/demo.tfstate, region: eu-west-1}\n"),
        "17:5 terraform.requiredVersion", "at or above 1.10.0 (the pinned modules' floor and use_lockfile's 1.10)"),
    row("s3-key-1025-bytes", "EKS011", spec(append=s3_key("a" * 1025)), spec(append=s3_key("a" * 1024)),
        "18:30 terraform.backend.s3.key", "S3 object keys are at most 1024 bytes of UTF-8 (got 1025)"),
    row("s3-key-multibyte", "EKS011", spec(append=s3_key("\u00e9" * 513)), spec(append=s3_key("\u00e9" * 512)),
        "18:30 terraform.backend.s3.key", "(got 1026)"),
    row("ipv6-policy-account-wide", "EKS019", spec(append="  ipFamily: ipv6\n"),
        spec(append="  ipFamily: ipv6\n  vpcCni:\n    createIpv6Policy: false\n"),
        "16:3 ipFamily", "creates the IAM policy AmazonEKS_CNI_IPv6_Policy, whose name is fixed account-wide",
        severity="warning"),
    # --- network -------------------------------------------------------------------------------------
    row("existing-vpc-with-cidr", "EKS020", spec(append=EXISTING_VPC + "    cidr: 10.0.0.0/16\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "18:5 vpc.cidr", "applies only to a new VPC; remove it or remove vpc.id"),
    row("bad-vpc-id", "EKS020", spec(append="  vpc:\n    id: vpc-123\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "17:5 vpc.id", "must be a VPC ID like vpc-0a1b2c3d4e5f67890 (got 'vpc-123')"),
    row("one-private-subnet", "EKS021", spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "19:7 vpc.subnets.private", "needs at least 2 distinct subnets (in different AZs)"),
    row("bad-subnet-id", "EKS021",
        spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-XYZ]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "19:34 vpc.subnets.private[1]", "must be a subnet ID like subnet-0a1b2c3d (got 'subnet-XYZ')"),
    row("host-bits", "EKS022", spec(append="  vpc:\n    cidr: 10.0.1.0/16\n"),
        spec(append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        "17:5 vpc.cidr", "is not a network address (host bits set); did you mean 10.0.0.0/16?"),
    row("secondary-overlap", "EKS022", spec(append="  vpc:\n    secondaryCidrs: [10.0.0.0/16]\n"),
        spec(append="  vpc:\n    secondaryCidrs: [10.1.0.0/16]\n"),
        "17:22 vpc.secondaryCidrs[0]", "10.0.0.0/16 overlaps another VPC CIDR"),
    row("too-small-for-default-layout", "EKS023", spec(append="  vpc:\n    cidr: 10.0.0.0/24\n"),
        spec(append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        "17:5 vpc.cidr", "10.0.0.0/24 is too small for the default subnet layout (needs /20 or larger)"),
    row("control-plane-on-new-vpc", "EKS023",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"
                    "      controlPlane: [10.0.52.0/24, 10.0.53.0/24]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"
                    "      intra: [10.0.52.0/24, 10.0.53.0/24]\n"),
        "21:7 vpc.subnets.controlPlane", "applies only to an existing VPC; use intra for a new one"),
    row("nat-without-public", "EKS024",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    nat: Single\n"
                    "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    nat: Disabled\n"
                    "    endpoints: [ecr.api, ecr.dkr, s3, sts]\n"
                    "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"),
        "18:5 vpc.nat", "NAT mode Single needs public subnets for the gateways"),
    row("single-az", "EKS025", spec(append="  vpc:\n    availabilityZones: [eu-west-1a]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:5 vpc.availabilityZones", "EKS needs subnets in at least 2 distinct availability zones"),
    row("foreign-az", "EKS025", spec(append="  vpc:\n    availabilityZones: [eu-west-1a, us-east-1b]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:37 vpc.availabilityZones[1]", "'us-east-1b' is not an availability zone of eu-west-1"),
    row("zones-differ-per-account", "EKS025", spec({5: "  region: us-west-1"}),
        spec({5: "  region: us-west-1"}, append="  vpc:\n    availabilityZones: [us-west-1a, us-west-1c]\n"),
        "8:1 spec", "in us-west-1 accounts see two of the letters a, b and c"),
    row("public-only-endpoint-behind-nat", "EKS140",
        spec(append="  endpoint:\n    private: false\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        spec(append="  endpoint:\n    private: true\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.private", "`terraform output nat_public_ips` lists them"),
    row("public-subnet-28", "EKS141",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/27, 10.0.49.0/28]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/27, 10.0.49.0/27]\n"),
        "20:30 vpc.subnets.public[1]", "10.0.49.0/28 is smaller than /27"),
    row("subnet-outside-vpc", "EKS026",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.1.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        "19:30 vpc.subnets.private[1]", "10.1.16.0/20 is not inside the VPC CIDR 10.0.0.0/16"),
    row("endpoint-off", "EKS027", spec(append="  endpoint:\n    private: false\n    public: false\n"),
        spec(append="  endpoint:\n    private: true\n    public: false\n"),
        "16:3 endpoint", "private and public access are both off"),
    row("public-cidrs-without-public", "EKS027", spec(append="  endpoint:\n    publicCidrs: [203.0.113.0/24]\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.publicCidrs", "applies only with public: true"),
    row("service-cidr-not-private", "EKS028", spec(append="  serviceIpv4Cidr: 100.64.0.0/16\n"),
        spec(append="  serviceIpv4Cidr: 172.20.0.0/16\n"),
        "16:3 serviceIpv4Cidr", "must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
    # An existing VPC always warns (eksgen cannot see its tags): the nearest clean spec is a new VPC.
    row("existing-vpc-discovery-tags", "EKS029", spec(append=EXISTING_VPC + TWO_PRIVATE), spec(),
        "19:7 vpc.subnets.private", "tag subnet-0a1b2c3d, subnet-0a1b2c3e with kubernetes.io/role/internal-elb=1"),
    # --- access --------------------------------------------------------------------------------------
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
    row("placeholder-account", "EKS018", spec(append=entry(ROLE)),
        spec(append=entry(ROLE.replace("111122223333", "444455556666"))),
        "18:9 access.entries[0].principalArn", "111122223333 is a placeholder account ID", severity="warning"),
    row("sso-role-path", "EKS042",
        spec(append="  access:\n    authenticationMode: API_AND_CONFIG_MAP\n    awsAuth:\n      mapRoles:\n"
                    "        - rolearn: arn:aws:iam::444455556666:role/AWSReservedSSO_Admin_0123456789abcdef\n"
                    "          groups: [ops]\n"),
        spec(append="  access:\n    authenticationMode: API_AND_CONFIG_MAP\n    awsAuth:\n      mapRoles:\n"
                    "        - rolearn: arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/"
                    "AWSReservedSSO_Admin_0123456789abcdef\n          groups: [ops]\n"),
        "20:11 access.awsAuth.mapRoles[0].rolearn", "converted to arn:aws:iam::444455556666:role/aws-reserved/"
        "sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", severity="warning"),
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
        "17:5 access.authenticationMode", "CONFIG_MAP is not supported: use API (access entries)"),
    row("duplicate-principal", "EKS031", spec(append=entry(ROLE) + f"      - principalArn: {ROLE}\n"),
        spec(append=entry(ROLE) + f"      - principalArn: {OTHER_ROLE}\n"),
        "19:9 access.entries[1].principalArn", f"principal {ROLE} already has an access entry at access.entries[0]"),
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
    # --- compute -------------------------------------------------------------------------------------
    row("31-managed-groups", "EKS050", spec(append=many_groups(31)), spec(append=many_groups(30)),
        "10:3 managedNodeGroups", "EKS allows 30 managed node groups per cluster (got 31)"),
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
    row("above-largest-cluster", "EKS067", spec({14: "      maxSize: 100001"}), spec({14: "      maxSize: 100000"}),
        "14:7 managedNodeGroups[0].maxSize", "exceeds 100000 nodes, the most any EKS cluster supports"),
    # A warning under an error rule (not waivable): the per-group node quota is adjustable.
    row("above-node-quota", "EKS063", spec({14: "      maxSize: 451"}, append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        spec({14: "      maxSize: 450"}, append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        "14:7 managedNodeGroups[0].maxSize", "exceeds the EKS quota of 450 nodes per group", severity="warning"),
    row("invalid-name", "EKS054", spec({12: "      instanceTypes: [m6i-large]"}), spec(),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "'m6i-large' is not an EC2 instance type name"),
    row("unknown-type", "EKS064", spec({12: "      instanceTypes: [zz9.large]"}), spec(),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "unknown instance type 'zz9.large'", severity="warning"),
    # p3 and f1 were missing from the ENI table (instance-supplement.jsonl adds them).
    row("p3-known", "EKS064", spec({12: "      instanceTypes: [p3.4xlarge]"}),
        spec({12: "      instanceTypes: [p3.2xlarge]"}),
        "12:23 managedNodeGroups[0].instanceTypes[0]", "unknown instance type 'p3.4xlarge'", severity="warning"),
    row("arm-ami-on-x86", "EKS055", spec(append="      amiType: AL2023_ARM_64_STANDARD\n"),
        spec(append="      amiType: AL2023_x86_64_STANDARD\n"),
        "16:7 managedNodeGroups[0].amiType", "m6i.large is x86_64 but amiType AL2023_ARM_64_STANDARD is not"),
    row("gpu-without-gpu-ami", "EKS055",
        spec({12: "      instanceTypes: [g5.xlarge]"}, append="      amiType: AL2023_x86_64_STANDARD\n"),
        spec({12: "      instanceTypes: [g5.xlarge]"}, append="      amiType: AL2023_x86_64_NVIDIA\n"),
        "16:7 managedNodeGroups[0].amiType", "g5.xlarge has accelerators"),
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
        "17:9 managedNodeGroups[0].labels['kubernetes.io/role']", "the EKS API refuses managed node group labels"),
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
        "17:7 managedNodeGroups[0].maxUnavailablePercentage", "set maxUnavailable or maxUnavailablePercentage"),
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
    row("self-managed-labels-bottlerocket", "EKS062",
        spec(append="  selfManagedNodeGroups:\n    - name: legacy\n      amiType: BOTTLEROCKET_x86_64\n"
                    "      labels: {role: legacy}\n"),
        spec(append="  selfManagedNodeGroups:\n    - name: legacy\n      amiType: AL2023_x86_64_STANDARD\n"
                    "      labels: {role: legacy}\n"),
        "19:7 selfManagedNodeGroups[0].labels", "labels and taints on self-managed groups are set through AL2023"),
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
    # --- capacity ------------------------------------------------------------------------------------
    # /20 VPC: default private subnets are /24 (251 usable); m6i.large takes 29 pods + 1 = 30 IPs per node.
    row("default-layout", "EKS070", spec({14: "      maxSize: 30"}, append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        spec({14: "      maxSize: 24"}, append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        "17:5 vpc.cidr", "private subnet 10.0.0.0/24 in eu-west-1a has 251 usable addresses but node groups need "
                         "up to 300 IPs",
        maybe_missing=None if CAPACITY_READY else "EKS070 not implemented yet"),
    row("listed-subnets", "EKS070",
        spec({14: "      maxSize: 10"}, append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                                             "      private: [10.0.0.0/20, 10.0.16.0/26]\n"
                                             "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        spec({14: "      maxSize: 10"}, append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                                             "      private: [10.0.0.0/20, 10.0.16.0/20]\n"
                                             "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        "19:30 vpc.subnets.private[1]", "private subnet 10.0.16.0/26 in eu-west-1b has 59 usable addresses",
        maybe_missing=None if CAPACITY_READY else "EKS070 not implemented yet"),
    # --- security profile ----------------------------------------------------------------------------
    row("public-without-cidrs", "EKS080", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.public", "public endpoint without publicCidrs is open to 0.0.0.0/0"),
    row("open-to-world", "EKS080", spec(append="  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0]\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "18:19 endpoint.publicCidrs[0]", "0.0.0.0/0 opens the API server to the whole internet"),
    # checkov CKV_AWS_38 (EKS080's twin) fails `public_access_cidrs = []`: the provider then sends nothing and
    # EKS opens the public endpoint to 0.0.0.0/0.
    row("public-with-empty-cidrs", "EKS080", spec(append="  endpoint:\n    public: true\n    publicCidrs: []\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "18:5 endpoint.publicCidrs", "0.0.0.0/0"),
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
    row("mixed-and-instance-type", "EKS076", mixed().replace("batch\n", "batch\n      instanceType: m6i.large\n"),
        mixed(), "18:7 selfManagedNodeGroups[0].instanceType", "replaces instanceType: set one"),
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
    row("nodes-in-public-subnet", "EKS086",
        spec(append="      subnets: [subnet-0a1b2c3f]\n" + EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        spec(append="      subnets: [subnet-0a1b2c3d]\n" + EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        "16:17 managedNodeGroups[0].subnets[0]", "subnet-0a1b2c3f is one of the VPC's public subnets"),
    row("admin-policy-on-irsa", "EKS087",
        spec(append=service_account("policyArns: [arn:aws:iam::aws:policy/AdministratorAccess]")),
        spec(append=service_account("policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]")),
        "20:20 serviceAccounts[0].policyArns[0]", "grants administrator or IAM-wide access to a pod"),
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
    # --- eksgen.lock -----------------------------------------------------------------------------------
    row("release-of-another-minor", "EKS150", spec(append="      amiReleaseVersion: 1.34.9-20260714\n"),
        spec(append="      amiReleaseVersion: 1.35.6-20260714\n"), "16:7 managedNodeGroups[0].amiReleaseVersion",
        "is not an AL2023_x86_64_STANDARD release for Kubernetes 1.35"),
    row("release-with-ami-id", "EKS150",
        spec(append="      amiId: ami-0123456789abcdef0\n      amiReleaseVersion: 1.35.6-20260714\n"),
        spec(append="      amiId: ami-0123456789abcdef0\n"), "17:7 managedNodeGroups[0].amiReleaseVersion",
        "a custom amiId fixes the image"),
    row("lock-for-another-version", "EKS151", spec(), spec(), "9:3 kubernetesVersion",
        "pins are for Kubernetes 1.34, the cluster is 1.35", pins={"kubernetesVersion": "1.34"}),
    row("lock-for-a-removed-group", "EKS151", spec(), spec(), "10:3 managedNodeGroups",
        "node group old is pinned but not in the spec", pins={"kubernetesVersion": "1.35", "nodeGroups": {
            "old": {"amiType": "AL2023_x86_64_STANDARD", "releaseVersion": "1.35.6-20260714"}}}),
    # --- waivers -------------------------------------------------------------------------------------
    row("unknown-rule", "EKS090", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "unknown rule 'EKS999' (see `eksgen rules`)", waivers=(("EKS999", REASON),)),
    row("not-waivable", "EKS090", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "EKS053 cannot be waived", waivers=(("EKS053", REASON),)),
    row("empty-reason", "EKS090", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n"),
        "20:7 waivers[0].reason", "give the reason the finding is accepted", waivers=(("EKS080", ""),)),
    row("blank-reason", "EKS090", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n"),
        "20:7 waivers[0].reason", "give the reason the finding is accepted", waivers=(("EKS080", "   "),)),
    row("unused", "EKS091", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "EKS080 has no finding to waive", waivers=(("EKS080", REASON),)),
]


GOOD_PINS = json.dumps({"kubernetesVersion": "1.35", "nodeGroups": {
    "general": {"amiType": "AL2023_x86_64_STANDARD", "releaseVersion": "1.35.6-20260714"}}})


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_rule_fires(case: Row) -> None:
    text = with_waivers(case.bad, case.waivers)
    issues = issues_of(text, case.pins)
    hits = [i for i in issues if i.rule == case.rule and where(i) == case.where and case.fragment in i.message]
    assert hits, f"no {case.rule} at {case.where} with {case.fragment!r}; got:\n{show(issues)}"
    assert all(i.severity == case.severity for i in hits), show(hits)
    assert all(i.format().startswith(f"cluster.yaml:{case.where}: ") for i in hits), show(hits)
    # Minimal: no error from any rule the row does not name (and every error carries a rule ID).
    stray = [i for i in issues if i.severity == "error" and i.rule not in (case.rule, *case.also)]
    assert not stray, f"unexpected errors:\n{show(stray)}"


@pytest.mark.parametrize("case", params(ROWS, needs_finding=False))
def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
    issues = issues_of(case.good, case.pins if case.rule != "EKS151" else GOOD_PINS)
    assert case.rule not in {i.rule for i in issues}, show(issues)
    assert not [i for i in issues if i.severity == "error"], show(issues)


@pytest.mark.parametrize("case", params([r for r in ROWS if r.rule not in ("EKS090", "EKS091")], needs_finding=True))
def test_waiver(case: Row) -> None:
    waiver = (case.rule, REASON)
    text = with_waivers(case.bad, (*case.waivers, waiver))
    issues = issues_of(text, case.pins)
    rules = {i.rule for i in issues}
    if RULES[case.rule].waivable:
        assert case.rule not in rules, show(issues)
        assert not rules & {"EKS090", "EKS091"}, show(issues)
        assert not [i for i in issues if i.severity == "error" and i.rule not in case.also], show(issues)
    else:
        assert case.rule in rules, "a non-waivable finding must survive its waiver:\n" + show(issues)
        line = waiver_line(case.bad, len(case.waivers))
        at = f"{line}:7 waivers[{len(case.waivers)}].rule"
        rejected = [i for i in issues if i.rule == "EKS090" and where(i) == at]
        assert rejected, show(issues)
        assert rejected[0].severity == "error"
        assert f"{case.rule} cannot be waived" in rejected[0].message


# --- waivers, one by one ------------------------------------------------------------------------------

PUBLIC = spec(append="  endpoint:\n    public: true\n")  # EKS080, a waivable warning


def test_waiver_for_unknown_rule_is_an_error() -> None:
    issues = issues_of(with_waivers(PUBLIC, (("EKS080", REASON), ("EKS999", REASON))))
    assert [(i.rule, i.severity, where(i)) for i in issues] == [("EKS090", "error", "21:7 waivers[1].rule")]


def test_unused_waiver_is_a_warning() -> None:
    issues = issues_of(with_waivers(spec(), (("EKS080", REASON),)))
    assert [(i.rule, i.severity, where(i)) for i in issues] == [("EKS091", "warning", "17:7 waivers[0].rule")]


def test_waiver_with_empty_reason_is_an_error_and_waives_nothing() -> None:
    issues = issues_of(with_waivers(PUBLIC, (("EKS080", ""),)))
    assert sorted((i.rule, i.severity) for i in issues) == [("EKS080", "warning"), ("EKS090", "error")]


def test_waiver_waives_every_finding_of_its_rule() -> None:
    text = spec(append="  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0, 0.0.0.0/0]\n")
    assert [i.rule for i in issues_of(text)].count("EKS080") == 2
    assert issues_of(with_waivers(text, (("EKS080", REASON),))) == []


def test_waiver_leaves_other_rules_alone() -> None:
    text = spec(append="  endpoint:\n    public: true\n  logging:\n    types: [api]\n")
    issues = issues_of(with_waivers(text, (("EKS080", REASON),)))
    assert [i.rule for i in issues] == ["EKS082"]


# --- beyond one row per finding (the xfails are known bugs) ------------------------------------------------


def test_explicit_empty_subnets_on_a_new_vpc_is_an_error_or_the_default_layout() -> None:
    text = spec(append="  vpc:\n    subnets: {}\n")
    (doc,) = load_documents(text, "cluster.yaml")
    result = check_document(doc, today=TODAY)
    errors = [i for i in result.errors if i.path.startswith("vpc.subnets")]
    assert result.effective is not None and result.effective.spec.vpc is not None
    subnets = result.effective.spec.vpc.subnets
    assert errors or (subnets is not None and len(subnets.private or []) >= 2), show(result.issues)


@pytest.mark.parametrize("zones", [4, 6])
def test_default_layout_with_more_than_three_zones_is_an_error_or_does_not_overlap(zones: int) -> None:
    listed = ", ".join(f"us-east-1{c}" for c in "abcdef"[:zones])
    text = spec({5: "  region: us-east-1"}, append=f"  vpc:\n    availabilityZones: [{listed}]\n")
    (doc,) = load_documents(text, "cluster.yaml")
    result = check_document(doc, today=TODAY)
    if result.errors:  # an error telling the author to list the subnets is fine
        assert any(i.path.startswith("vpc") for i in result.errors), show(result.issues)
        return
    assert result.effective is not None and result.effective.spec.vpc is not None
    subnets = result.effective.spec.vpc.subnets
    assert subnets is not None
    networks = [ipaddress.ip_network(c) for c in [*(subnets.private or []), *(subnets.public or []),
                                                  *(subnets.intra or [])]]
    overlapping = [(str(a), str(b)) for i, a in enumerate(networks) for b in networks[i + 1:] if a.overlaps(b)]
    assert not overlapping


@pytest.mark.parametrize("instance_type", ["gr6.4xlarge", "gr6f.4xlarge", "p6-b200.48xlarge", "p6-b300.48xlarge"])
def test_default_ami_type_of_gpu_families(instance_type: str) -> None:
    (doc,) = load_documents(spec({12: f"      instanceTypes: [{instance_type}]"}), "cluster.yaml")
    result = check_document(doc, today=TODAY)
    assert result.effective is not None
    assert result.effective.spec.managed_node_groups[0].ami_type == "AL2023_x86_64_NVIDIA"


WARNINGS_UNDER_ERROR_RULES = [
    pytest.param(spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    coredns: {}\n"), id="EKS014"),
    pytest.param(spec({14: "      maxSize: 451"}), id="EKS063"),
    pytest.param(spec({12: "      instanceTypes: [zz9.large]"}), id="EKS064"),
]


@pytest.mark.parametrize("text", WARNINGS_UNDER_ERROR_RULES)
def test_every_warning_can_be_waived(text: str) -> None:
    warned = sorted({i.rule for i in issues_of(text) if i.severity == "warning" and i.rule})
    assert warned
    issues = issues_of(with_waivers(text, tuple((rule, REASON) for rule in warned)))
    assert issues == [], show(issues)


# --- coverage and the catalogue -------------------------------------------------------------------------


def test_every_rule_has_a_triggering_row() -> None:
    covered = {r.rule for r in ROWS if not r.bug}
    assert sorted(set(RULES) - covered) == []
    assert covered <= set(RULES), "a row names a rule the catalogue does not have"


def test_row_ids_are_unique() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))


def test_catalogue_is_well_formed() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.summary and rule.hint
        if rule.severity == "warning" and rule.id != "EKS091":
            assert rule.waivable, f"{rule_id}: a warning the author cannot waive"
        if rule.waivable:
            assert rule.severity == "warning", f"{rule_id}: waivable errors are not part of the design"


def test_rules_markdown_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules", "--markdown"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| rule | area | severity |")
    for rule_id, rule in RULES.items():
        row_lines = [line for line in lines if line.startswith(f"| {rule_id} |")]
        assert len(row_lines) == 1, rule_id
        assert f"| {rule.severity} |" in row_lines[0]
        assert row_lines[0].rstrip().endswith("| yes |" if rule.waivable else "| no |")


def test_rules_table_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    for rule_id in RULES:
        assert rule_id in result.stdout
