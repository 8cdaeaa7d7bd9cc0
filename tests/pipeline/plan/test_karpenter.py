"""karpenter.tf (generator/pipeline/plan/karpenter.py): the node role's IP family follows the cluster's."""

from __future__ import annotations

import pytest

from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from tests.helpers import REPO, TODAY


@pytest.mark.parametrize(("family", "line"), [
    ("ipv6", 'cluster_ip_family             = "ipv6"'),  # the module then grants the node role IPv6 CNI rights
    ("ipv4", None),  # the module's default: not written
])
def test_the_karpenter_node_role_follows_the_cluster_ip_family(family: str, line: str | None) -> None:
    text = (REPO / "examples" / "karpenter" / "cluster.yaml").read_text("utf-8")
    text = text.replace("spec:\n", f"spec:\n  ipFamily: {family}\n", 1)
    (doc,) = load_documents(text, "cluster.yaml")
    result = build_document(doc, "cluster.yaml", today=TODAY)
    karpenter = result.files["karpenter.tf"]
    if line is None:
        assert "cluster_ip_family" not in karpenter
    else:
        assert f"  {line}\n" in karpenter
