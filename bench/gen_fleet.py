"""Generate a fleet of N cluster specs: one base plus per-cluster overlays (`extends`).

Run: python bench/gen_fleet.py DIR [-n 1000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"]
TYPES = ["m6i.large", "m6i.xlarge", "m7i.large", "c6i.xlarge", "r6i.large", "m7g.large"]
BASE = """\
apiVersion: eksgen/v1alpha1
kind: ClusterBase
metadata:
  region: eu-west-1
  tags: {owner: platform}
spec:
  kubernetesVersion: "1.35"
  vpc: {nat: HighlyAvailable}
  access:
    entries:
      - principalArn: arn:aws:iam::111122223333:role/platform-admins
        policies: [{policy: AmazonEKSClusterAdminPolicy}]
  managedNodeGroups:
    - {name: system, instanceTypes: [m6i.large], minSize: 2, maxSize: 4}
"""


def overlay(index: int, rng: random.Random) -> str:
    """One team's cluster: its own name, region, CIDR, tags and sizes, as a real fleet varies them."""
    region = rng.choice(REGIONS)
    instance = rng.choice(TYPES)
    low = rng.randint(1, 3)
    disk = f", diskSizeGiB: {rng.choice([50, 100, 200])}" if index % 3 == 0 else ""
    labels = f", labels: {{team: t{index % 40}}}" if index % 2 else ""
    return (
        "extends: base.yaml\n"
        f"metadata:\n  name: team-{index:04d}\n  region: {region}\n  tags: {{team: t{index % 40}}}\n"
        "spec:\n"
        f"  vpc: {{cidr: 10.{index % 250}.0.0/16, nat: Single}}\n"
        "  managedNodeGroups:\n"
        f"    - {{name: system, instanceTypes: [m6i.large], minSize: 2, maxSize: {rng.randint(3, 6)}}}\n"
        f"    - {{name: apps, instanceTypes: [{instance}], minSize: {low}, maxSize: {low + rng.randint(2, 10)}"
        f"{disk}{labels}}}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    (args.dir / "base.yaml").write_text(BASE)
    rng = random.Random(42)
    for index in range(args.n):
        (args.dir / f"team-{index:04d}.yaml").write_text(overlay(index, rng))
    print(f"wrote {args.n} specs and base.yaml to {args.dir}")


if __name__ == "__main__":
    main()
