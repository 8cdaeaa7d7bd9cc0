"""The effective model mirrors the spec model field for field, and every default the JSON Schema
documents is the value the defaults stage fills in."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from pydantic import BaseModel

from generator.pipeline import effective as E
from generator.pipeline import model as M
from generator.pipeline.defaults import apply_defaults
from generator.pipeline.load import load_documents
from generator.pipeline.spec import parse_cluster

HEADER = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {name: bare, region: eu-west-1}
"""
# One of every object, each with only its required fields: everything else is left to the defaults.
BARE_SPEC = HEADER + """\
spec:
  vpc: {}
  endpoint: {}
  logging: {}
  secretsEncryption: {}
  access:
    entries:
      - principalArn: arn:aws:iam::111122223333:role/a
        policies: [{policy: AmazonEKSViewPolicy}]
    awsAuth: {}
  vpcCni: {}
  # diskSizeGiB: the documented diskType default applies once any disk setting is given
  managedNodeGroups: [{name: m, diskSizeGiB: 20, ssh: {keyName: k}, iam: {}}]
  selfManagedNodeGroups: [{name: s, diskSizeGiB: 20}]
  fargateProfiles: [{name: f, selectors: [{namespace: x}]}]
  serviceAccounts: [{name: a, namespace: n, serviceAccount: sa}]
  podIdentityAssociations: [{name: p, namespace: n, serviceAccount: psa}]
  autoMode: {}
  karpenter: {}
  controlPlane: {}
  terraform:
    backend: {s3: {bucket: b, key: k, region: eu-west-1}}
    modules: {}
"""


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _leaf_spec_classes() -> list[type[BaseModel]]:
    return [c for c in _subclasses(M.SpecModel) if not c.__subclasses__() and c.__module__ == M.__name__]


def _documented(cls: type[BaseModel]) -> dict[str, Any]:
    found = {}
    for name, info in cls.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "default" in extra:
            found[name] = extra["default"]
    return found


@pytest.mark.parametrize("cls", _subclasses(E.EffectiveModel), ids=lambda c: c.__name__)
def test_effective_fields_match_the_spec_fields_in_order(cls: type[BaseModel]) -> None:
    spec_cls = getattr(M, cls.__name__)
    assert list(cls.model_fields) == list(spec_cls.model_fields)
    aliases = [(f.alias or n) for n, f in cls.model_fields.items()]
    assert aliases == [(f.alias or n) for n, f in spec_cls.model_fields.items()]


def test_every_spec_class_has_an_effective_class_or_is_reused() -> None:
    names = {c.__name__ for c in _subclasses(E.EffectiveModel)} | set(E.__all__) | {"ModulePins", "ModulePinsBase"}
    assert {c.__name__ for c in _subclasses(M.SpecModel)} <= names


def _walk(spec: Any, eff: Any, seen: set[tuple[str, str]]) -> None:
    """Compare each unset spec field that documents a default with the effective value."""
    if isinstance(spec, BaseModel):
        documented = _documented(type(spec))
        for name, info in type(spec).model_fields.items():
            # a dict of the effective model (terraform.modules) is keyed like the spec document
            value = eff.get(info.alias or name) if isinstance(eff, dict) else getattr(eff, name)
            if getattr(spec, name) is None and name in documented:
                assert value == documented[name], f"{type(spec).__name__}.{name}: documents {documented[name]!r}"
                seen.add((type(spec).__name__, name))
            _walk(getattr(spec, name), value, seen)
    elif isinstance(spec, list) and isinstance(eff, list):
        for s, e in zip(spec, eff, strict=False):
            _walk(s, e, seen)
    elif isinstance(spec, dict) and isinstance(eff, dict):
        for key in spec:
            _walk(spec[key], eff.get(key), seen)


# And the lists BARE_SPEC has to give to hold one of each: unset here.
UNSET_LISTS = [HEADER + "spec:\n  access: {}\n",
               HEADER + "spec:\n  access:\n    entries: [{principalArn: arn:aws:iam::111122223333:role/a}]\n"]


def test_documented_defaults_are_the_applied_defaults() -> None:
    seen: set[tuple[str, str]] = set()
    for text in [BARE_SPEC, *UNSET_LISTS]:
        cluster, issues = parse_cluster(load_documents(text, "bare.yaml")[0])
        assert cluster is not None, issues
        _walk(cluster, apply_defaults(cluster), seen)
    # A group with its own launch template leaves disk and IMDS to it: only the template is walked.
    cluster, issues = parse_cluster(load_documents(HEADER + "spec:\n  managedNodeGroups:\n    - name: t\n"
                                                   "      launchTemplate: {id: lt-0123456789abcdef0}\n", "t.yaml")[0])
    assert cluster is not None and cluster.spec.managed_node_groups, issues
    effective = apply_defaults(cluster).spec.managed_node_groups[0]
    assert effective.disk_type is None and effective.imds_hop_limit is None
    _walk(cluster.spec.managed_node_groups[0].launch_template, effective.launch_template, seen)
    # A mixed instances policy replaces instanceType: only the policy is walked.
    cluster, issues = parse_cluster(load_documents(HEADER + "spec:\n  selfManagedNodeGroups:\n    - name: x\n"
                                                   "      instancesDistribution: {instanceTypes: [m6i.large]}\n",
                                                   "x.yaml")[0])
    assert cluster is not None and cluster.spec.self_managed_node_groups, issues
    mixed = apply_defaults(cluster).spec.self_managed_node_groups[0]
    assert mixed.instance_type is None
    _walk(cluster.spec.self_managed_node_groups[0].instances_distribution, mixed.instances_distribution, seen)
    documented = {(c.__name__, name) for c in _leaf_spec_classes() for name in _documented(c)}
    assert documented - seen == set(), "the specs here leave these documented defaults unexercised"


def test_a_misdocumented_default_is_caught() -> None:
    cluster, _ = parse_cluster(load_documents(BARE_SPEC, "bare.yaml")[0])
    effective = apply_defaults(cluster).model_copy(update={"metadata": E.Metadata(name="bare", region="eu-west-1",
                                                                                  tags={"a": "b"})})
    with pytest.raises(AssertionError, match=r"Metadata\.tags"):
        _walk(cluster, effective, set())


def test_effective_model_is_frozen() -> None:
    cluster, _ = parse_cluster(load_documents(BARE_SPEC, "bare.yaml")[0])
    effective = apply_defaults(cluster)
    with pytest.raises(pydantic.ValidationError):
        setattr(effective.spec, "ip_family", "ipv6")  # noqa: B010 (a plain assignment would not type-check)
