"""The commented starter spec `eksgen init` writes."""

from __future__ import annotations

import json

from generator.facts.partition import partition
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
  # On: `terraform destroy` fails until you set this to false and apply once.
  deletionProtection: true
  vpc:
    cidr: 10.0.0.0/16
    # One NAT gateway per AZ: egress survives the loss of a zone.
    nat: HighlyAvailable
  endpoint:
    private: true
    # Public, but only from the CIDRs below: replace 203.0.113.10/32 (a documentation
    # address) with the egress IP of the machine that runs kubectl, or set public: false
    # and reach the API from inside the VPC (VPN, bastion).
    public: true
    publicCidrs: [203.0.113.10/32]
  access:
    authenticationMode: API
    # Off: whoever runs Terraform gets no implicit admin; the entry below is the admin.
    # Until you replace its placeholder account (111122223333, eksgen warns: EKS018)
    # nobody can use the cluster: replace it, or set this to true for a first try.
    clusterCreatorAdmin: false
    entries:
      # Replace with the role your platform team assumes.
      - principalArn: arn:{partition}:iam::111122223333:role/platform-admins
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
                          file=shown, partition=partition(region))
