"""Specs for the upgrade tests, written into a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Write = Callable[..., Path]

HEAD = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: {name}
  region: eu-west-1
spec:
  kubernetesVersion: "{version}"  # moved by eksgen upgrade
  supportType: {support}
"""
GENERAL = """\
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
"""
AL2_GROUP = """\
    - name: legacy
      amiType: AL2_x86_64
      instanceTypes: [m5.large]
"""
KARPENTER = """\
  karpenter:
    enabled: true
"""
FARGATE_ONLY = """\
  fargateProfiles:
    - name: system
      selectors:
        - namespace: kube-system
        - namespace: apps
"""


def cluster_spec(name: str = "payments", version: str = "1.32", support: str = "EXTENDED", body: str = GENERAL) -> str:
    return HEAD.format(name=name, version=version, support=support) + body


@pytest.fixture
def write(tmp_path: Path) -> Write:
    def _write(text: str, name: str = "cluster.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return _write
