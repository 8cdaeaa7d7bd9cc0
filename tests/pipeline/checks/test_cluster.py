"""The cluster rules (EKS002-EKS016) of generator/pipeline/checks/cluster.py: one row per finding (tests/helpers.py
explains rows), and the Kubernetes support window (EKS006/EKS007) on each release's boundary dates (P17).
"""

from __future__ import annotations

import datetime as dt

import pytest

from generator.facts.releases import kubernetes_releases
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import (
    EBS_ADDON,
    KEY_ID,
    fargate,
    row,
    rule_table_tests,
    s3,
    s3_key,
    service_account,
    spec,
    tags,
)

SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {{name: demo, region: eu-west-1}}
spec:
  kubernetesVersion: "{version}"
  supportType: {support}
  managedNodeGroups: [{{name: general, minSize: 2, maxSize: 3}}]
"""


def _version_rules(version: str, support: str, today: dt.date) -> list[tuple[str, str]]:
    doc = load_documents(SPEC.format(version=version, support=support), "c.yaml")[0]
    return [(i.rule or "", i.severity) for i in check_document(doc, today=today).issues if i.rule in
            ("EKS006", "EKS007")]


@pytest.mark.parametrize("release", kubernetes_releases(), ids=lambda r: r.version)
def test_support_status_on_each_boundary(release) -> None:  # type: ignore[no-untyped-def]
    one = dt.timedelta(days=1)
    end_std, end_ext = release.end_of_standard, release.end_of_extended
    assert ("EKS006", "error") not in _version_rules(release.version, "STANDARD", end_std)
    assert ("EKS006", "error") in _version_rules(release.version, "STANDARD", end_std + one)
    assert ("EKS006", "error") not in _version_rules(release.version, "EXTENDED", end_std + one)
    assert ("EKS006", "error") not in _version_rules(release.version, "EXTENDED", end_ext)
    assert ("EKS006", "error") in _version_rules(release.version, "EXTENDED", end_ext + one)
    assert ("EKS007", "warning") in _version_rules(release.version, "STANDARD", end_std - one)
    assert _version_rules(release.version, "STANDARD", end_std - dt.timedelta(days=61)) == []


# --- one row per finding ----------------------------------------------------------------------------
ROWS = [
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
    *(row(f"prefix-delegation-{wanted}-env-{given}", "EKS012",
          spec(append=f"  vpcCni:\n    prefixDelegation: {wanted}\n  addons:\n    vpc-cni:\n      configuration:\n"
                      f"        env: {{ENABLE_PREFIX_DELEGATION: \"{given}\"}}\n"),
          spec(append=f"  vpcCni:\n    prefixDelegation: {wanted}\n  addons:\n    vpc-cni:\n      configuration:\n"
                      f"        env: {{ENABLE_PREFIX_DELEGATION: \"{wanted}\"}}\n"),
          "21:15 addons.vpc-cni.configuration.env.ENABLE_PREFIX_DELEGATION",
          f"'{given}' contradicts vpcCni.prefixDelegation: {wanted}; set one of them")
      for wanted, given in [("true", "false"), ("false", "true"), ("true", "TRUE")]),
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
    row("required-version-syntax", "EKS017", spec(append="  terraform:\n    requiredVersion: banana\n"),
        spec(append="  terraform:\n    requiredVersion: \">= 1.5.7, < 2.0.0\"\n"),
        "17:5 terraform.requiredVersion", "must be a Terraform version constraint"),
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
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)
