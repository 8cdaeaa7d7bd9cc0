"""Module switches no example sets (pod_identity.py, eks.py): each both ways, read from the rendered file."""

from __future__ import annotations

import pytest

from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from tests.helpers import REPO, TODAY

VPC_CNI = ("  podIdentityAssociations:\n    - name: vpc-cni\n      namespace: kube-system\n"
           "      serviceAccount: aws-node\n      wellKnownPolicies: [vpcCni]\n")


def rendered(example: str, old: str, new: str, name: str) -> list[str]:
    text = (REPO / "examples" / example / "cluster.yaml").read_text("utf-8")
    assert old in text
    (doc,) = load_documents(text.replace(old, new, 1), "cluster.yaml")
    return build_document(doc, "cluster.yaml", today=TODAY).files[name].splitlines()


def module(lines: list[str], name: str) -> list[str]:
    start = lines.index(f'module "{name}" {{')
    return lines[start:lines.index("}", start)]


@pytest.mark.parametrize(("example", "family"), [("pod-identity", "ipv4"), ("ipv6", "ipv6")])
def test_the_vpc_cni_pod_identity_role_gets_the_cluster_ip_family(example: str, family: str) -> None:
    anchor = "  podIdentityAssociations:\n" if example == "pod-identity" else "spec:\n"
    new = VPC_CNI if example == "pod-identity" else "spec:\n" + VPC_CNI
    body = module(rendered(example, anchor, new, "iam.tf"), "pod_identity_vpc_cni")
    assert "  attach_aws_vpc_cni_policy = true" in body
    assert [line for line in body if "aws_vpc_cni_enable" in line] == [f"  aws_vpc_cni_enable_{family}   = true"]


@pytest.mark.parametrize(("pools", "config", "iam"), [
    ("[general-purpose, system]", ["    enabled    = true", '    node_pools = ["general-purpose", "system"]'], []),
    # No built-in pools: the module creates no node role unless asked to, and custom NodePools need one.
    ("[]", ["    enabled = true"], ["  create_auto_mode_iam_resources = true"]),
])
def test_auto_mode_without_built_in_pools_still_creates_its_node_role(pools: str, config: list[str],
                                                                       iam: list[str]) -> None:
    lines = rendered("auto-mode", "    nodePools: [general-purpose, system]\n", f"    nodePools: {pools}\n", "eks.tf")
    start = lines.index("  compute_config = {")
    assert lines[start + 1:lines.index("  }", start)] == config
    assert [line for line in lines if "create_auto_mode_iam_resources" in line] == iam
