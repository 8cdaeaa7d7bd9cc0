"""The cluster rules (checks/cluster.py) word for word, one row per condition the row table of
test_cluster.py does not reach, and the verdict window: the days over which EKS006/EKS007 say the same."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.facts.releases import Release, kubernetes_releases
from generator.pipeline.checks.cluster import SUPPORT_WARNING_DAYS, verdict_window
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import KEY_ID, fargate, issues_of, s3, s3_key, spec, tags, where

NO_NODE_GROUPS: dict[int, str | None] = {n: None for n in range(10, 16)}  # BASE without its node group
KNOWN = ", ".join(r.version for r in kubernetes_releases())


def profile_tags(count: int) -> str:
    return fargate() + "      tags: {" + ", ".join(f"t{i}: v" for i in range(count)) + "}\n"


# A spec, the rule, and every finding of that rule as `LINE:COL path: label message`.
MESSAGES = [
    (spec(append="  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:notakey\n"), "EKS009",
     ["17:5 secretsEncryption.kmsKeyArn: error EKS009: must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"]),
    (spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws-cn:kms:cn-north-1:111122223333:key/{KEY_ID}\n"),
     "EKS009", ["17:5 secretsEncryption.kmsKeyArn: error EKS009: KMS key is in partition aws-cn but region "
                "eu-west-1 is in aws"]),
    (spec(append=s3_key("/eks/demo.tfstate")), "EKS011",
     ["18:30 terraform.backend.s3.key: error EKS011: must be a non-empty object key not starting with '/'"]),
    (spec(append=s3_key("''")), "EKS011",
     ["18:30 terraform.backend.s3.key: error EKS011: must be a non-empty object key not starting with '/'"]),
    (spec(append="  terraform:\n    backend:\n"
                 "      s3: {bucket: tf-state, key: eks/demo.tfstate, region: eu-west-9}\n"), "EKS011",
     ["18:53 terraform.backend.s3.region: error EKS011: unknown AWS region 'eu-west-9'"]),
    (spec(append="  addons:\n    Vpc_Cni: {}\n"), "EKS012",
     ["17:5 addons.Vpc_Cni: error EKS012: addon names are lowercase letters, digits and '-'"]),
    (spec(append="  addons:\n    coredns:\n      configuration: {x: 1, y: [1, [a, {b: c}]]}\n"), "EKS012", []),
    (spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    vpc-cni:\n      configuration: {env: [a]}\n"),
     "EKS012", ["20:23 addons.vpc-cni.configuration.env: error EKS012: must be a mapping of variable names to values: "
                "vpcCni.prefixDelegation adds ENABLE_PREFIX_DELEGATION to it"]),
    (spec(NO_NODE_GROUPS), "EKS013", ["8:1 spec: warning EKS013: the cluster has no node groups and no Fargate "
                                      "profile (and no Auto Mode): nothing can run pods"]),
    (spec(NO_NODE_GROUPS, "  selfManagedNodeGroups:\n    - name: batch\n"), "EKS013", []),
    (spec(NO_NODE_GROUPS, "  autoMode:\n    enabled: true\n"), "EKS013", []),
    (spec({5: "  region: qq-nowhere-0"}), "EKS003",
     ["5:3 metadata.region: error EKS003: unknown AWS region 'qq-nowhere-0'"]),  # nothing close: no hint
    (spec({9: '  kubernetesVersion: "1.37"'}), "EKS005",
     [f"9:3 kubernetesVersion: error EKS005: EKS version 1.37 is not in eksgen's release table ({KNOWN})"]),
    (spec({7: "    aws:team: platform"}), "EKS004",
     ["7:5 metadata.tags['aws:team']: error EKS004: tag keys starting with 'aws:' are reserved by AWS"]),
    (spec({7: '    team: ""'}), "EKS004", []),  # an empty tag value is allowed
    (spec(append="  addons:\n    zzzzqqq: {}\n"), "EKS015",
     ["17:5 addons.zzzzqqq: warning EKS015: 'zzzzqqq' is not an EKS addon eksgen knows (a marketplace addon is "
      "fine: waive this)"]),
    (spec({7: '    "te#am": platform'}), "EKS004",
     ["7:5 metadata.tags['te#am']: error EKS004: tag key may contain only letters, digits, spaces and "
      "_ . : / = + - @"]),
    (spec({7: "    team: " + "a" * 256}), "EKS004", []),
    (spec({7: "    team: " + "a" * 257}), "EKS004",
     ["7:5 metadata.tags.team: error EKS004: tag value must be at most 256 characters"]),
    (spec({7: '    team: "a#b"'}), "EKS004",
     ["7:5 metadata.tags.team: error EKS004: tag value may contain only letters, digits, spaces and _ . : / = + - @"]),
    (spec({4: "  name: demo.prod"}), "EKS002", ["4:3 metadata.name: error EKS002: must start with a letter or digit "
                                              "and contain only letters, digits, '-' and '_'"]),
    (spec({4: "  name: " + "a" * 30}), "EKS002", ["4:3 metadata.name: error EKS002: must be at most 29 characters "
                                                "(got 30): the eks module derives IAM name prefixes from it"]),
    (spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    coredns: {}\n"), "EKS014",
     ["17:5 vpcCni.prefixDelegation: warning EKS014: has no effect: the vpc-cni addon is not listed"]),
    (spec(NO_NODE_GROUPS, "  addons:\n    coredns: {}\n" + fargate()), "EKS016",
     ["11:5 addons.coredns: warning EKS016: a Fargate-only cluster needs CoreDNS on Fargate: set configuration: "
      "{computeType: Fargate} and a profile selecting kube-system"]),
    (spec(NO_NODE_GROUPS, "  addons:\n    coredns: {}\n" + fargate() + "  selfManagedNodeGroups:\n    - name: b\n"),
     "EKS016", []),  # self-managed nodes run CoreDNS
    (spec(append="  terraform:\n    modules:\n      eks: 21.20.0\n"), "EKS010",
     ["18:7 terraform.modules.eks: error EKS010: no interface catalog for eks 21.20.0 (available: 21.19.0); import "
      "one with `eksgen modules import`"]),
    (spec(append=s3("tf..state")), "EKS011", ["18:12 terraform.backend.s3.bucket: error EKS011: must be a valid S3 "
                                              "bucket name (3-63 lowercase letters, digits, '.', '-')"]),
    # A profile's own tags share the 50 with the cluster's one (team), on both sides of the limit.
    (spec(append=profile_tags(49)), "EKS004", []),
    (spec(append=profile_tags(50)), "EKS004",
     ["20:7 fargateProfiles[0].tags: error EKS004: at most 49 tags per resource (got 50)"]),
    (spec({6: tags(50), 7: None}, append=fargate() + "      tags: {own: v}\n"), "EKS004",
     ["19:7 fargateProfiles[0].tags: error EKS004: at most 0 tags per resource (got 1)"]),
]


@pytest.mark.parametrize(("text", "rule", "found"), MESSAGES)
def test_cluster_findings_word_for_word(text: str, rule: str, found: list[str]) -> None:
    assert [f"{where(i)}: {i.label}{i.message}" for i in issues_of(text) if i.rule == rule] == found


SPEC = ('apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: {{name: demo, region: eu-west-1}}\nspec:\n'
        '  kubernetesVersion: "{version}"\n  supportType: {support}\n'
        '  managedNodeGroups: [{{name: general, minSize: 2, maxSize: 3}}]\n')
DAY = dt.timedelta(days=1)
MARGIN = dt.timedelta(days=SUPPORT_WARNING_DAYS)


def verdict(version: str, today: dt.date) -> list[tuple[str, str, str, str]]:
    """What EKS006 and EKS007 say on `today`, for both support types."""
    found = []
    for support in ("STANDARD", "EXTENDED"):
        doc = load_documents(SPEC.format(version=version, support=support), "c.yaml")[0]
        found += [(support, i.rule or "", i.severity, i.message) for i in check_document(doc, today=today).issues
                  if i.rule in ("EKS006", "EKS007")]
    return found


def days_around(release: Release) -> list[dt.date]:
    edges = (release.end_of_standard - MARGIN, release.end_of_standard + DAY, release.end_of_extended - MARGIN,
             release.end_of_extended + DAY)
    return sorted({day + step * DAY for day in edges for step in (-1, 0)})


@pytest.mark.parametrize("release", kubernetes_releases(), ids=lambda r: r.version)
def test_the_verdict_is_the_same_on_every_day_of_its_window(release: Release) -> None:
    for today in days_around(release):
        start, end = verdict_window(release.version, today)  # None: open on that side
        seen = verdict(release.version, today)
        if start is not None:
            assert start <= today and verdict(release.version, start) == seen, (today, start)
        if end is not None:
            assert today < end and verdict(release.version, end - DAY) == seen, (today, end)


@pytest.mark.parametrize("release", kubernetes_releases(), ids=lambda r: r.version)
def test_a_window_ends_where_the_verdict_changes(release: Release) -> None:
    for edge in (release.end_of_standard - MARGIN, release.end_of_standard + DAY, release.end_of_extended + DAY):
        assert verdict_window(release.version, edge)[0] == edge
        assert verdict_window(release.version, edge - DAY)[1] == edge
        assert verdict(release.version, edge) != verdict(release.version, edge - DAY), edge


@pytest.mark.parametrize("version", [None, "", "1.99", "banana"])
def test_a_version_without_a_release_has_no_window(version: str | None) -> None:
    assert verdict_window(version, dt.date(2026, 12, 2)) == (None, None)
