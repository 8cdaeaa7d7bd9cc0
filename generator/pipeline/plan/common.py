"""Shared pieces of the plan: module blocks, argument groups, pinned versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.ir import Attr, Block, Group, Obj, Ref, TfFile, Value
from generator.pipeline.effective import Cluster, PodIdentityAssociation, ServiceAccount
from generator.terraform.registry import registry

TAGS = "tags"


def module_block(key: str, label: str, version: str, groups: list[Group], banner: str | None = None,
                 comment: str | None = None) -> Block:
    """source and version first, `tags` last (in its own group), as the terraform-aws-eks examples write them."""
    head = Group([Attr("source", registry().source(key)), Attr("version", version)], comment)
    tags = [a for g in groups for a in g.attrs if a.name == TAGS]
    # A group holding only tags moves last whole, its comment with it.
    tags_comment = next((g.comment for g in groups if g.attrs and all(a.name == TAGS for a in g.attrs)), None)
    body = [Group([a for a in g.attrs if a.name != TAGS], g.comment) for g in groups]
    return Block("module", (label,), [head, *[g for g in [*body, Group(tags, tags_comment)] if g.attrs]],
                 banner=banner)


def called_modules(files: list[TfFile]) -> list[tuple[str, str, str | None]]:
    """The catalog (name, version, submodule) of every registry module the files call."""
    called = []
    for file in files:
        for block in file.blocks:
            attrs = {a.name: a.value for a in block.attributes()}
            key = registry().by_source(str(attrs.get("source"))) if block.type == "module" else None
            if key is not None:
                called.append(registry().catalog_key(key, str(attrs["version"])))
    return called


def group(*attrs: Attr | None, comment: str | None = None) -> Group:
    return Group([a for a in attrs if a is not None and a.value is not None], comment)


def tags_group(cluster: Cluster, comment: str | None = None) -> Group:
    """`tags = local.tags` for every module: the provider's default_tags never reach launch-template
    tag_specifications, so nodes and volumes get the cost tags only this way. Node groups' own
    tags merge over these inside the eks module (merge(var.tags, each.value.tags))."""
    return group(Attr("tags", Ref("local.tags") if cluster.metadata.tags else None),
                 comment=comment if cluster.metadata.tags else None)


def pins(cluster: Cluster) -> dict[str, str]:
    """The version of every registry module (keyed like modules/index.json `modules`), from its pin."""
    return registry().versions_by_module(cluster.spec.terraform.modules)


def nonempty(obj: Obj) -> Obj | None:
    return obj if obj.items else None


def sorted_map(mapping: dict[str, Any]) -> dict[str, Any]:
    """User maps in key order, nested maps too: reordering a spec's mapping changes no output
    (Terraform's own map iteration and jsonencode are key-ordered anyway)."""
    return {k: sorted_map(v) if isinstance(v, dict) else v for k, v in sorted(mapping.items())}


def irsa_label(name: str) -> str:
    return "irsa_" + name.replace("-", "_")


# What a well-known policy acts on, by the spec field it comes from: module argument tables
# (iam.IRSA_POLICY_RESOURCES, pod_identity.POD_POLICY_RESOURCES) name one of these per argument.
POLICY_RESOURCE_FIELDS = {"zones": "hostedZoneArns", "buckets": "s3BucketArns", "queues": "sqsQueueArns"}


def policy_resources(entry: ServiceAccount | PodIdentityAssociation,
                     arguments: Sequence[tuple[str, str, str]]) -> list[Attr]:
    """The module arguments of the role's chosen policies, in table order: (policy, argument, what), where
    what is a POLICY_RESOURCE_FIELDS key, "paths" (each bucket's objects, <bucket>/*) or "cluster" (this
    cluster's name). The modules put each list straight into a statement (checks/policyresources.py)."""
    values: dict[str, list[Value]] = {
        "zones": list(entry.hosted_zone_arns), "buckets": list(entry.s3_bucket_arns),
        "paths": [f"{arn}/*" for arn in entry.s3_bucket_arns], "queues": list(entry.sqs_queue_arns),
        "cluster": [Ref("module.eks.cluster_name")]}
    wanted = set(entry.well_known_policies)
    return [Attr(argument, values[what]) for policy, argument, what in arguments if policy in wanted]
