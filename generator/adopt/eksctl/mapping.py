"""One ClusterConfig document to the spec tree, step by step; then the spec's own checks, reported
at the ClusterConfig lines they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from generator.adopt.eksctl.addons import map_addons
from generator.adopt.eksctl.cluster import (
    map_auto_mode,
    map_control_plane,
    map_deletion_protection,
    map_karpenter,
    map_logging,
    map_metadata,
    map_network_config,
    map_secrets_encryption,
)
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.identity import map_access, map_iam
from generator.adopt.eksctl.network import map_network
from generator.adopt.eksctl.nodegroups import map_fargate, map_node_groups
from generator.adopt.eksctl.source import Source, check_header
from generator.adopt.eksctl.tree import Block, Seq, origins
from generator.errors import Issue, Loc
from generator.pipeline.load import Document
from generator.pipeline.model import API_VERSION, KIND, Cluster


@dataclass
class Mapped:
    """A document's spec tree and what the mapping found (errors and warnings on the ClusterConfig)."""

    document: Document
    root: Block | None = None
    issues: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def map_document(doc: Document, today: dt.date) -> Mapped:
    header = check_header(doc)
    if header:
        return Mapped(doc, issues=[*doc.load_issues, *header])
    ctx = Context(Source(doc), today)
    ctx.src.raw(("apiVersion",))
    ctx.src.raw(("kind",))
    map_metadata(ctx)
    map_deletion_protection(ctx)
    net = map_network(ctx)
    map_network_config(ctx)
    map_logging(ctx)
    map_secrets_encryption(ctx)
    pod_identities, taken = Seq(), set[str]()
    map_iam(ctx, pod_identities, taken)
    map_access(ctx)
    auto_mode = map_auto_mode(ctx)
    karpenter = map_karpenter(ctx)
    map_node_groups(ctx, net)
    map_fargate(ctx, net)
    map_addons(ctx, pod_identities, taken, auto_mode=auto_mode, needs_agent=bool(pod_identities.items) or karpenter)
    ctx.spec.set("podIdentityAssociations", pod_identities if pod_identities.items else None,
                 origin=("iam", "podIdentityAssociations"))
    map_control_plane(ctx)
    ctx.drop_unread((), ctx.spec)
    root = Block(Cluster)
    root.set("apiVersion", API_VERSION)
    root.set("kind", KIND)
    root.set("metadata", ctx.metadata, origin=("metadata",))
    root.set("spec", ctx.spec)
    return Mapped(doc, root, [*doc.load_issues, *ctx.src.issues], ctx.notes)


def relocate(found: Issue, mapped: Mapped) -> Issue:
    """A finding on the written spec, at the ClusterConfig line its value came from."""
    assert mapped.root is not None
    where = origins(mapped.root)
    origin: Loc = ()
    for end in range(len(found.loc), 0, -1):
        if found.loc[:end] in where:
            origin = where[found.loc[:end]]
            break
    return replace(found, loc=origin, message=f"{found.message} (written spec: {found.path})",
                   file=mapped.document.file, position=mapped.document.locate(origin),
                   document=mapped.document.index)
