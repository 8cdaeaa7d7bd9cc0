"""eksctl's own examples (shared/data/eksctl-examples, the 49 files of eksctl's examples/): each imports
(not --strict) and validates and renders, or fails with located errors; never a crash, never a write.
The outcome of each is pinned, so a change in what imports shows here."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import api
from generator.errors import SpecInvalid
from tests.helpers import REPO, TODAY

EXAMPLES = next((p for p in (REPO.parent / "shared" / "data" / "eksctl-examples",
                             REPO.parent.parent / "shared" / "data" / "eksctl-examples") if p.is_dir()), None)
# Examples eksgen refuses, with why: values eksgen checks that eksctl passes on to AWS (placeholder IDs),
# names longer than eksgen's IAM prefixes allow, AL2 on eksctl's default version (1.34, no AL2 AMIs).
FAILING = {
    "05-advanced-nodegroups.yaml": "EKS065", "10-encrypted-volumes.yaml": "EKS052",
    "15-managed-nodes.yaml": "EKS074",
    "17-permissions-boundary.yaml": "EKS077", "22-managed-nodes-launch-template.yaml": "EKS075",
    "31-override-bootstrap-command-unmanaged-nodegroup.yaml": "EKS002",
    "35-iamidentitymappings.yaml": "EKS002", "36-outposts-vpc.yaml": "EKS020",
    "46-control-plane-scaling-config.yaml": "EKS002",
}
CLEAN = {"01-simple-cluster.yaml", "04-existing-vpc.yaml", "09-nat-gateways.yaml",
         "11-cloudwatch-cluster-logging.yaml", "14-windows-nodes.yaml", "18-node-to-pod-label-matching.yaml",
         "19-kms-cluster.yaml", "26-managed-nodegroup-spot-instances.yaml", "34-taints.yaml", "41-zonal-shift.yaml",
         "42-auto-mode.yaml", "45-upgrade-policy-example.yaml", "49-control-plane-on-private-subnets.yaml"}

pytestmark = pytest.mark.skipif(EXAMPLES is None, reason="shared/data/eksctl-examples is not beside the repository")


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES else []


@pytest.mark.parametrize("source", examples(), ids=lambda p: p.name)
def test_example(source: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    if source.name in FAILING:
        with pytest.raises(SpecInvalid) as failed:
            api.import_eksctl(source, output=spec, today=TODAY)
        assert not spec.exists()
        errors = [i for i in failed.value.issues if i.severity == "error"]
        assert errors and all(i.position is not None and i.file == str(source) for i in errors)
        assert any(i.rule == FAILING[source.name] for i in errors)
        return
    result = api.import_eksctl(source, output=spec, today=TODAY)
    assert bool(result.warnings) == (source.name not in CLEAN), [i.format() for i in result.warnings]
    assert all(i.position is not None for i in result.warnings)
    report = api.validate([str(spec)], today=TODAY)
    assert [t["status"] for t in report.targets] == ["valid"]
    api.render_spec(spec, today=TODAY)


def test_all_examples_are_there() -> None:
    assert len(examples()) == 49
