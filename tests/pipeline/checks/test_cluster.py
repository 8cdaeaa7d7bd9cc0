"""The Kubernetes support window (EKS006 error, EKS007 warning) on each release's boundary dates (P17)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.facts.releases import kubernetes_releases
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document

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
