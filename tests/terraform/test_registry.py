"""modules/index.json: every argument the plan emits is mapped to a spec path, and the registry
agrees with the catalogs it names and with the spec model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.ir import Plan, Ref
from generator.pipeline.interface import _all_attrs, _refs
from generator.pipeline.load import load_documents
from generator.pipeline.model import Cluster, ModulePins
from generator.pipeline.run import build_document
from generator.schema import json_schema
from generator.terraform import catalogs
from generator.terraform.registry import registry
from tests.helpers import REPO, TODAY

# Arguments no example emits: every well-known policy (IRSA and Pod Identity), secondary CIDRs; and,
# on IPv6, Karpenter without an interruption queue and Auto Mode without built-in pools.
EVERY_POLICY_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {name: wide, region: eu-west-1}
spec:
  kubernetesVersion: "1.34"
  vpc: {secondaryCidrs: [100.64.0.0/16]}
  serviceAccounts:
    - name: all
      namespace: kube-system
      serviceAccount: all
      wellKnownPolicies: [ebsCsi, efsCsi, vpcCni, loadBalancerController, externalDns, clusterAutoscaler,
                          certManager, externalSecrets, velero, nodeTerminationHandler, cloudwatchObservability,
                          mountpointS3Csi]
      s3BucketArns: [arn:aws:s3:::backups]
      sqsQueueArns: [arn:aws:sqs:eu-west-1:210987654321:interruptions]
  podIdentityAssociations:
    - name: all-pods
      namespace: kube-system
      serviceAccount: all-pods
      wellKnownPolicies: [ebsCsi, efsCsi, vpcCni, loadBalancerController, externalDns, clusterAutoscaler,
                          certManager, externalSecrets, velero, nodeTerminationHandler, cloudwatchObservability,
                          mountpointS3Csi]
      s3BucketArns: [arn:aws:s3:::backups]
      sqsQueueArns: [arn:aws:sqs:eu-west-1:210987654321:interruptions]
"""
MODERN_IPV6_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {name: modern6, region: eu-west-1, tags: {team: platform}}
spec:
  kubernetesVersion: "1.34"
  vpc: {endpoints: [s3, sts]}
  ipFamily: ipv6
  autoMode: {enabled: true, nodePools: []}
  karpenter: {enabled: true, interruptionQueue: false}
  podIdentityAssociations:
    - {name: cni, namespace: kube-system, serviceAccount: aws-node, wellKnownPolicies: [vpcCni]}
"""


def _plans() -> Iterator[tuple[str, Plan]]:
    texts = [(p.parent.name, p.read_text("utf-8")) for p in sorted(REPO.glob("examples/*/cluster.yaml"))]
    for name, text in [*texts, ("every-policy", EVERY_POLICY_SPEC), ("modern-ipv6", MODERN_IPV6_SPEC)]:
        result = build_document(load_documents(text, "cluster.yaml")[0], "cluster.yaml", today=TODAY)
        assert result.plan is not None
        yield name, result.plan


PLANS = dict(_plans())


def _module_calls(plan: Plan) -> Iterator[tuple[str, str, Any]]:
    """(registry module key, argument, block) for every argument of every module block."""
    for file in plan.files:
        for block in file.blocks:
            if block.type != "module":
                continue
            attrs = {a.name: a.value for a in block.attributes()}
            key = registry().by_source(str(attrs["source"]))
            assert key is not None, f"{file.name}: {block.labels[0]} calls {attrs['source']}, not in the registry"
            for name in attrs:
                if name not in {"source", "version"}:
                    yield key, name, block


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_emitted_argument_has_a_spec_path(name: str) -> None:
    unmapped = {(key, arg) for key, arg, _ in _module_calls(PLANS[name]) if registry().spec_path(key, arg) is None}
    assert not unmapped, f"add these to modules/index.json `arguments`: {sorted(unmapped)}"


def test_every_mapped_argument_is_emitted_somewhere() -> None:
    emitted = {(key, arg) for plan in PLANS.values() for key, arg, _ in _module_calls(plan)}
    mapped = {(key, arg) for key, module in registry().modules.items() for arg in module.arguments}
    assert mapped - emitted == set(), "registry arguments no plan emits (dead mapping, or a spec to add here)"


def test_every_referenced_output_is_listed() -> None:
    labels_to_key: dict[str, str] = {}
    used: set[tuple[str, str]] = set()
    for plan in PLANS.values():
        for file in plan.files:
            for block in file.blocks:
                if block.type == "module":
                    attrs = {a.name: a.value for a in block.attributes()}
                    labels_to_key[block.labels[0]] = str(registry().by_source(str(attrs["source"])))
        for file in plan.files:
            for block in file.blocks:
                for attr in _all_attrs(block):
                    for ref in _refs(attr.value):
                        parts = ref.expr.replace("[", ".[").split(".")
                        if isinstance(ref, Ref) and parts[0] == "module":
                            used.add((labels_to_key[parts[1]], parts[2]))
    listed = {(key, out) for key, module in registry().modules.items() for out in module.outputs}
    assert used == listed


def _resolves(model: type[BaseModel], path: list[str]) -> bool:
    """Whether a spec path (camelCase aliases, `[]` for list items) names a field of the model."""
    if not path:
        return True
    head = path[0].removesuffix("[]")
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    if head not in fields:
        return False
    rest = path[1:]
    annotation = fields[head].annotation
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        for inner in [candidate, *getattr(candidate, "__args__", ())]:
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return _resolves(inner, rest)
    return not rest


@pytest.mark.parametrize("key", sorted(registry().modules))
def test_spec_paths_name_model_fields(key: str) -> None:
    spec_model = Cluster.model_fields["spec"].annotation
    assert isinstance(spec_model, type) and issubclass(spec_model, BaseModel)
    for argument, path in registry().modules[key].arguments.items():
        root = Cluster if path.startswith("metadata.") else spec_model
        assert _resolves(root, path.split(".")), f"{key}.{argument}: {path} is not a spec path"


def test_resolver_rejects_a_wrong_path() -> None:
    spec_model = Cluster.model_fields["spec"].annotation
    assert isinstance(spec_model, type) and issubclass(spec_model, BaseModel)
    assert _resolves(spec_model, ["vpc", "subnets", "private"])
    assert not _resolves(spec_model, ["vpc", "subnets", "privat"])
    assert not _resolves(spec_model, ["kubernetesVersion", "minor"])


@pytest.mark.parametrize("key", sorted(registry().modules))
def test_registry_agrees_with_the_default_catalog(key: str) -> None:
    module = registry().modules[key]
    catalog = catalogs.load(*registry().catalog_key(key, registry().pins[module.pin].version))
    assert set(module.arguments) <= set(catalog["variables"])
    assert set(module.outputs) <= set(catalog["outputs"])
    assert set(module.stub_outputs) <= set(catalog["outputs"])
    assert sorted(module.required_providers) == sorted(catalog["required_providers"])


def test_sources_are_distinct() -> None:
    sources = [registry().source(key) for key in registry().modules]
    assert len(set(sources)) == len(sources)
    assert registry().source("iam") == "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts"
    assert registry().by_source("terraform-aws-modules/eks/aws") == "eks"
    assert registry().by_source("terraform-aws-modules/eks/aws//modules/unknown") is None


def test_pins_in_model_and_schema_come_from_the_registry() -> None:
    assert [info.alias for info in ModulePins.model_fields.values()] == list(registry().pins)
    pins_schema = json_schema()["$defs"]["ModulePins"]["properties"]
    assert {name: prop["default"] for name, prop in pins_schema.items()} == registry().default_versions()


def test_registry_file_is_shipped_next_to_the_catalogs() -> None:
    assert (REPO / "modules" / "index.json").is_file()
    assert Path(catalogs.catalog_dirs()[-1], "index.json").is_file()


@pytest.mark.parametrize(("file", "argument", "spec_path"), [
    ("vpc.tf", "name", "metadata.name"),
    ("vpc.tf", "cidr", "vpc.cidr"),
    ("eks.tf", "subnet_ids", "vpc.subnets.private"),
    ("eks.tf", "enabled_log_types", "logging.types"),
    ("iam.tf", "name", "serviceAccounts[].name"),
    ("versions.tf", "required_version", None),  # not a module argument
])
def test_static_diagnostics_name_the_spec_path_of_the_argument(file: str, argument: str, spec_path: str | None) -> None:
    from generator.terraform.static import _spec_path

    path = REPO / "examples" / "irsa" / "expected" / file
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith(f"{argument} "))
    assert _spec_path(path, line) == spec_path


@pytest.mark.parametrize(("name", "parts"), [
    ("eks-21.19.0.json", ("eks", "21.19.0", None)),
    ("eks-21.19.0-eks-managed-node-group.json", ("eks", "21.19.0", "eks-managed-node-group")),
    ("iam-6.5.0-iam-role-for-service-accounts.json", ("iam", "6.5.0", "iam-role-for-service-accounts")),
    ("eks-pod-identity-2.2.0.json", ("eks-pod-identity", "2.2.0", None)),  # a pin with a hyphen, for new modules
    ("index.json", None),
    ("internals.json", None),
])
def test_catalog_file_names(name: str, parts: tuple[str, str, str | None] | None) -> None:
    match = catalogs.CATALOG_NAME.fullmatch(name)
    assert (match and (match["key"], match["version"], match["sub"])) == parts


def test_every_emitted_resource_argument_has_a_spec_path() -> None:
    emitted = {(block.labels[0], attr.name) for plan in PLANS.values() for file in plan.files
               for block in file.blocks if block.type == "resource" for attr in block.attributes()}
    assert emitted, "no plan here writes a resource"
    mapped = {(kind, arg) for kind, resource in registry().resources.items() for arg in resource.arguments}
    assert emitted == mapped


@pytest.mark.parametrize("kind", sorted(registry().resources))
def test_resource_spec_paths_name_model_fields(kind: str) -> None:
    spec_model = Cluster.model_fields["spec"].annotation
    assert isinstance(spec_model, type) and issubclass(spec_model, BaseModel)
    resource = registry().resources[kind]
    assert set(resource.arguments) <= set(resource.required) | set(resource.optional)
    assert set(resource.stub_outputs) <= set(resource.attributes)
    for argument, path in resource.arguments.items():
        root = Cluster if path.startswith("metadata.") else spec_model
        assert _resolves(root, path.split(".")), f"{kind}.{argument}: {path} is not a spec path"
