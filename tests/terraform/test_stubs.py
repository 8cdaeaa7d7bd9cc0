"""Every example, rendered fresh (tests/conftest.py) and stub-backed, passes offline `terraform init` +
`apply` (driven by pytest-terraform) and its outputs carry the spec's values through."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pytest_terraform import terraform

from tests.helpers import REPO

EXAMPLES = sorted(p.parent.name for p in REPO.glob("examples/*/cluster.yaml"))
for _example in EXAMPLES:
    terraform(f"stub_{_example.replace('-', '_')}", scope="session")


def _second_release_outputs(example: str, outputs: dict[str, Any]) -> None:
    """Pod Identity role ARNs keyed by entry name, the Auto Mode node role, and what the Karpenter chart
    needs. Checked inside the one test per example: a session fixture that two tests request may be
    set up on both xdist workers, which pytest-terraform's xdist support cannot do."""
    if example == "pod-identity":
        assert outputs["pod_identity_role_arns"] == {
            "ebs-csi": "arn:aws:iam::000000000000:role/pods-demo-ebs-csi",
            "external-dns": "arn:aws:iam::000000000000:role/pods-demo-external-dns",
            "ledger": "arn:aws:iam::111122223333:role/payments-ledger",
            "payments-s3": "arn:aws:iam::000000000000:role/pods-demo-payments-s3",
        }
    if example == "auto-mode":
        assert outputs["auto_mode_node_iam_role_name"] == "auto-demo-eks-auto"
    if example == "karpenter":
        assert outputs["karpenter_queue_name"] == "Karpenter-karpenter-demo"
        assert outputs["karpenter_node_iam_role_name"] == "Karpenter-karpenter-demo"
        assert outputs["karpenter_controller_role_arn"].startswith(
            "arn:aws:iam::000000000000:role/KarpenterController")
        assert yaml.safe_load(outputs["karpenter_helm_values"]) == {"settings": {
            "clusterName": "karpenter-demo", "clusterEndpoint": "https://stub.eks.invalid",
            "interruptionQueue": "Karpenter-karpenter-demo"}}


def _outputs(api: Any) -> dict[str, Any]:
    return {name: out["value"] for name, out in api.outputs.items()}


@pytest.mark.parametrize("example", EXAMPLES)
def test_stub_backed_apply_carries_spec_values(example: str, request: pytest.FixtureRequest) -> None:
    api = request.getfixturevalue(f"stub_{example.replace('-', '_')}")
    outputs = _outputs(api)
    spec = yaml.safe_load((REPO / "examples" / example / "cluster.yaml").read_text())
    name = spec["metadata"]["name"]
    assert outputs["cluster_name"] == name
    assert outputs["configure_kubectl"] == (
        f"aws eks --region {spec['metadata']['region']} update-kubeconfig --name {name}")
    vpc = spec.get("spec", {}).get("vpc", {})
    if "id" not in vpc:
        zones = vpc.get("availabilityZones")
        expected = len(zones) if zones else 3
        assert len(outputs["private_subnets"]) == expected
    _second_release_outputs(example, outputs)
