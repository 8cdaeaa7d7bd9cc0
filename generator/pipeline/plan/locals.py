"""locals.tf: the values several files use, defined once."""

from __future__ import annotations

from generator.ir import Attr, Block, Group, TfFile
from generator.pipeline.effective import Cluster
from generator.pipeline.plan.common import group, sorted_map


def build_locals(cluster: Cluster) -> TfFile:
    name = group(Attr("name", cluster.metadata.name), comment="Every module names its resources after the cluster.")
    body: list[Group | Block] = [name]
    if cluster.metadata.tags:
        body.append(group(Attr("tags", sorted_map(cluster.metadata.tags)),
                          comment="Every module's tags (the provider's default_tags never reach launch templates)."))
    return TfFile("locals.tf", [Block("locals", (), body)])
