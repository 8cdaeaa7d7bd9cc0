"""locals.tf: the values several files use, defined once."""

from __future__ import annotations

from generator.ir import Attr, Block, TfFile
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group


def build_locals(cluster: Cluster) -> TfFile:
    name = group(Attr("name", cluster.metadata.name), comment="Every module names its resources after the cluster.")
    return TfFile("locals.tf", [Block("locals", (), [name])])
