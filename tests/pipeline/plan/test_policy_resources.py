"""What the well-known policies act on, as rendered (checks: EKS043). terraform-aws-iam v6.5.0
(modules/iam-role-for-service-accounts/policies.tf) and terraform-aws-eks-pod-identity v2.8.1 put each of
these lists straight into a statement's resources (an empty list is a statement IAM refuses), and make
the autoscaler's scaling statement once per cluster name. One row per policy and mechanism."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.api import render_spec
from tests.helpers import BASE, TODAY, write_spec

BUCKET = "arn:aws:s3:::backups"
QUEUE = "arn:aws:sqs:eu-west-1:210987654321:interruptions"
ZONE = "arn:aws:route53:::hostedzone/Z0123456789ABC"
P = "wellKnownPolicies: "
EVERY_ZONE = '["arn:aws:route53:::hostedzone/*"]'
AGENT = "  addons:\n    eks-pod-identity-agent: {}\n"


def iam_tf(tmp_path: Path, kind: str, keys: str) -> str:
    entry = f"    - {{name: role, namespace: ns, serviceAccount: sa, {keys}}}\n"
    body = f"  serviceAccounts:\n{entry}" if kind == "irsa" else f"{AGENT}  podIdentityAssociations:\n{entry}"
    (result,) = render_spec(write_spec(tmp_path, BASE + body), today=TODAY)
    return result.result.files["iam.tf"]


def attributes(text: str) -> dict[str, str]:
    """`name = value` lines of the role's module, value text as rendered (alignment dropped)."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^  (\w+) += (.+)$", text, re.MULTILINE)}


ROWS = [
    ("irsa", P + "[externalDns]", {"external_dns_hosted_zone_arns": EVERY_ZONE}),
    ("irsa", P + f"[externalDns], hostedZoneArns: [{ZONE}]", {"external_dns_hosted_zone_arns": f'["{ZONE}"]'}),
    ("irsa", P + "[certManager]", {"cert_manager_hosted_zone_arns": EVERY_ZONE}),
    ("irsa", P + "[clusterAutoscaler]", {"cluster_autoscaler_cluster_names": "[module.eks.cluster_name]"}),
    ("irsa", P + f"[velero], s3BucketArns: [{BUCKET}]", {"velero_s3_bucket_arns": f'["{BUCKET}"]'}),
    ("irsa", P + f"[mountpointS3Csi], s3BucketArns: [{BUCKET}]",
     {"mountpoint_s3_csi_bucket_arns": f'["{BUCKET}"]', "mountpoint_s3_csi_path_arns": f'["{BUCKET}/*"]'}),
    ("irsa", P + f"[nodeTerminationHandler], sqsQueueArns: [{QUEUE}]",
     {"node_termination_handler_sqs_queue_arns": f'["{QUEUE}"]'}),
    ("pods", P + "[externalDns]", {"external_dns_hosted_zone_arns": EVERY_ZONE}),
    ("pods", P + f"[certManager], hostedZoneArns: [{ZONE}]", {"cert_manager_hosted_zone_arns": f'["{ZONE}"]'}),
    ("pods", P + "[clusterAutoscaler]", {"cluster_autoscaler_cluster_names": "[module.eks.cluster_name]"}),
    ("pods", P + f"[velero], s3BucketArns: [{BUCKET}]",
     {"velero_s3_bucket_arns": f'["{BUCKET}"]', "velero_s3_bucket_path_arns": f'["{BUCKET}/*"]'}),
    ("pods", P + f"[mountpointS3Csi], s3BucketArns: [{BUCKET}]",
     {"mountpoint_s3_csi_bucket_arns": f'["{BUCKET}"]', "mountpoint_s3_csi_bucket_path_arns": f'["{BUCKET}/*"]'}),
    ("pods", P + f"[nodeTerminationHandler], sqsQueueArns: [{QUEUE}]",
     {"aws_node_termination_handler_sqs_queue_arns": f'["{QUEUE}"]'}),
]
SCOPE_ARGUMENTS = re.compile(r"(hosted_zone|bucket|path|queue)_arns$|^cluster_autoscaler_cluster_names$")


@pytest.mark.parametrize(("kind", "keys", "expected"), ROWS, ids=[f"{k}-{e}" for k, _, e in ROWS])
def test_each_policy_gets_exactly_its_resources(tmp_path: Path, kind: str, keys: str, expected: dict[str, str]) -> None:
    found = attributes(iam_tf(tmp_path, kind, keys))
    assert {k: v for k, v in found.items() if SCOPE_ARGUMENTS.search(k)} == expected


@pytest.mark.parametrize("kind", ["irsa", "pods"])
def test_a_policy_that_needs_no_resources_gets_none(tmp_path: Path, kind: str) -> None:
    found = attributes(iam_tf(tmp_path, kind, P + "[ebsCsi, externalSecrets]"))
    assert not [k for k in found if SCOPE_ARGUMENTS.search(k)]
