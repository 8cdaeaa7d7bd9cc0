"""The commented starter spec `eksgen init` writes."""

from __future__ import annotations

import json

from generator.pipeline.defaults import default_kubernetes_version

STARTER = """\
# yaml-language-server: $schema=./eksgen.schema.json
# (the schema for editors; `eksgen init` wrote it if it was missing, `eksgen schema > eksgen.schema.json` renews it)
# An eksgen cluster spec. Render it with: eksgen render {file}
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: {name}
  region: {region}
  tags:
    team: platform
spec:
  # Always quote the version: YAML reads 1.30 as the number 1.3.
  kubernetesVersion: "{version}"
  vpc:
    cidr: 10.0.0.0/16
    # One NAT gateway per AZ: egress survives the loss of a zone.
    nat: HighlyAvailable
  endpoint:
    private: true
    public: false
  access:
    authenticationMode: API
    entries:
      # Replace with the role your platform team assumes.
      - principalArn: arn:aws:iam::111122223333:role/platform-admins
        policies:
          - policy: AmazonEKSClusterAdminPolicy
            scope: cluster
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 6
      desiredSize: 3
"""


def starter_spec(*, name: str, region: str, file: str = "cluster.yaml") -> str:
    """The starter text; name and region are written as quoted YAML scalars, never raw."""
    shown = "".join(ch for ch in file if ch.isprintable())  # it lands in a comment
    return STARTER.format(name=json.dumps(name), region=json.dumps(region), version=default_kubernetes_version(),
                          file=shown)
