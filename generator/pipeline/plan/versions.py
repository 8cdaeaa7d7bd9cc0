"""versions.tf: the terraform block (required version, providers, backend) and the AWS provider."""

from __future__ import annotations

from collections.abc import Iterable

from generator.ir import Attr, Block, Group, Obj, TfFile
from generator.pipeline.effective import (
    Cluster,
)
from generator.pipeline.plan.common import group, sorted_map
from generator.terraform import catalogs
from generator.terraform.internals import internals

CatalogKey = tuple[str, str, str | None]


def required_providers(called: Iterable[CatalogKey]) -> dict[str, tuple[str, str]]:
    """Every provider the called modules' catalogs need, at the highest floor any of them sets."""
    found: dict[str, tuple[str, str]] = {}
    for catalog in sorted(set(called), key=lambda c: (c[0], c[1], c[2] or "")):
        providers = dict(catalogs.load(*catalog)["required_providers"])
        if catalog[0] == "eks" and catalog[2] is None:
            # the eks module's submodules' own providers, which the catalog of the root module does not list
            nested = (internals("eks", catalog[1]) or {}).get("nested_required_providers", {}).get("providers", {})
            providers.update({name: req for name, req in nested.items() if name not in providers})
        for name, req in providers.items():
            current = found.get(name)
            if current is None or catalogs.version_floor(req["version"]) > catalogs.version_floor(current[1]):
                found[name] = (req["source"], req["version"])
    return dict(sorted(found.items()))


def build_versions(cluster: Cluster, called: Iterable[CatalogKey]) -> TfFile:
    """`called`: the catalogs of the modules the other files call (see plan.called_modules)."""
    tf = cluster.spec.terraform
    providers = {name: Obj.of(source=src, version=ver) for name, (src, ver) in required_providers(called).items()}
    body: list[Group | Block] = [
        group(Attr("required_version", tf.required_version)),
        Block("required_providers", (), [Group([Attr(name, obj) for name, obj in providers.items()])]),
    ]
    s3 = tf.backend.s3 if tf.backend else None
    if s3 is not None:
        body.append(Block("backend", ("s3",), [group(
            Attr("bucket", s3.bucket), Attr("key", s3.key), Attr("region", s3.region),
            Attr("encrypt", s3.encrypt), Attr("use_lockfile", s3.use_lockfile),
            Attr("dynamodb_table", s3.dynamodb_table),
        )]))
    provider_body: list[Group | Block] = [group(Attr("region", cluster.metadata.region))]
    if cluster.metadata.tags:
        provider_body.append(Block("default_tags", (), [group(Attr("tags", sorted_map(cluster.metadata.tags)))]))
    return TfFile("versions.tf", [Block("terraform", (), body), Block("provider", ("aws",), provider_body)])
