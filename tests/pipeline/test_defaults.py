"""Defaults: every unset field gets its named constant; explicit values are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.pipeline import default_values as V
from generator.pipeline import defaults as D
from generator.pipeline.defaults import apply_defaults, default_ami_type, default_subnet_layout
from generator.pipeline.effective import Cluster
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from generator.pipeline.spec import parse_cluster
from generator.schema import effective_yaml
from tests.helpers import MINIMAL_SPEC, REPO, TODAY, spec


def effective(text: str = MINIMAL_SPEC) -> Cluster:
    cluster, issues = parse_cluster(load_documents(text, "c.yaml")[0])
    assert cluster is not None, issues
    return apply_defaults(cluster)


def test_minimal_spec_gets_every_default() -> None:
    s = effective().spec
    assert s.support_type == D.DEFAULT_SUPPORT_TYPE and s.deletion_protection is True
    assert s.vpc is not None and s.vpc.cidr == D.DEFAULT_VPC_CIDR and s.vpc.nat == D.DEFAULT_NAT
    assert s.vpc.availability_zones == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert s.endpoint is not None and (s.endpoint.private, s.endpoint.public) == (True, False)
    assert s.logging is not None and s.logging.types == list(D.DEFAULT_LOG_TYPES)
    assert s.logging.retention_days == D.DEFAULT_LOG_RETENTION_DAYS
    assert s.secrets_encryption is not None and s.secrets_encryption.create_key is True
    assert s.access is not None and s.access.authentication_mode == "API"
    assert s.access.cluster_creator_admin is False
    assert list(s.addons or {}) == sorted(D.DEFAULT_ADDONS)
    assert {n for n, a in (s.addons or {}).items() if a.before_compute} == D.ADDONS_BEFORE_COMPUTE
    ng = (s.managed_node_groups or [])[0]
    assert (ng.min_size, ng.max_size, ng.desired_size) == (2, 4, 2)
    assert ng.capacity_type == "ON_DEMAND" and ng.ami_type == "AL2023_x86_64_STANDARD"
    assert s.terraform is not None and s.terraform.modules is not None
    assert s.terraform.modules == D.DEFAULT_MODULE_VERSIONS


def test_default_kubernetes_version_is_the_newest_in_the_table() -> None:
    text = MINIMAL_SPEC.replace('  kubernetesVersion: "1.34"\n', "")
    releases = json.loads((REPO / "generator" / "facts" / "data" / "kubernetes-releases.json").read_text())["releases"]
    assert effective(text).spec.kubernetes_version == max(releases, key=lambda r: int(r["version"][2:]))["version"]


def test_required_version_is_the_highest_floor_of_the_pinned_catalogs(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert effective().spec.terraform.required_version == ">= 1.5.7"
    catalog = json.loads((REPO / "modules" / "vpc-6.6.0.json").read_text())
    catalog["required_version"] = ">= 1.10.0"
    (tmp_path / "vpc-9.0.0.json").write_text(json.dumps(catalog))
    monkeypatch.setenv("EKSGEN_MODULES_PATH", str(tmp_path))
    text = MINIMAL_SPEC + "  terraform:\n    modules:\n      vpc: 9.0.0\n"
    assert effective(text).spec.terraform.required_version == ">= 1.10.0"


@pytest.mark.parametrize(("cidr", "zones", "private", "public", "intra"), [
    ("10.0.0.0/16", 3, ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
     ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"], ["10.0.52.0/24", "10.0.53.0/24", "10.0.54.0/24"]),
    ("172.16.0.0/18", 2, ["172.16.0.0/22", "172.16.4.0/22"], ["172.16.12.0/26", "172.16.12.64/26"],
     ["172.16.13.0/26", "172.16.13.64/26"]),
    # The smallest VPC: public subnets stay /27 (an ALB's minimum, not cidrsubnet's /28); intra moves up.
    ("10.0.0.0/20", 3, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"], ["10.0.3.0/27", "10.0.3.32/27", "10.0.3.64/27"],
     ["10.0.3.96/28", "10.0.3.112/28", "10.0.3.128/28"]),
    ("10.0.0.0/20", 2, ["10.0.0.0/24", "10.0.1.0/24"], ["10.0.3.0/27", "10.0.3.32/27"],
     ["10.0.3.64/28", "10.0.3.80/28"]),
    ("10.0.0.0/19", 3, ["10.0.0.0/23", "10.0.2.0/23", "10.0.4.0/23"], ["10.0.6.0/27", "10.0.6.32/27", "10.0.6.64/27"],
     ["10.0.6.128/27", "10.0.6.160/27", "10.0.6.192/27"]),
])
def test_default_layout_matches_cidrsubnet(cidr: str, zones: int, private: list[str], public: list[str],
                                           intra: list[str]) -> None:
    layout = default_subnet_layout(cidr, zones)
    assert layout is not None
    assert (layout.private, layout.public, layout.intra) == (private, public, intra)


@pytest.mark.parametrize("cidr", ["10.0.0.0/21", "10.0.0.0/8", "not-a-cidr", "2001:db8::/56"])
def test_no_default_layout_where_it_cannot_fit(cidr: str) -> None:
    assert default_subnet_layout(cidr, 3) is None


@pytest.mark.parametrize(("instance_type", "ami"), [
    ("m6i.large", "AL2023_x86_64_STANDARD"), ("m7g.large", "AL2023_ARM_64_STANDARD"),
    ("g5.xlarge", "AL2023_x86_64_NVIDIA"), ("g5g.xlarge", "AL2023_ARM_64_NVIDIA"),
    ("p5.48xlarge", "AL2023_x86_64_NVIDIA"), ("inf2.xlarge", "AL2023_x86_64_NEURON"),
    ("trn1.2xlarge", "AL2023_x86_64_NEURON"), ("c6gn.large", "AL2023_ARM_64_STANDARD"),
])
def test_default_ami_follows_the_instance(instance_type: str, ami: str) -> None:
    assert default_ami_type(instance_type) == ami


def test_explicit_values_are_kept_and_defaults_are_idempotent() -> None:
    text = MINIMAL_SPEC + "  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n  addons: {}\n"
    once = effective(text)
    assert once.spec.endpoint is not None and once.spec.endpoint.public is True
    assert once.spec.addons == {}  # listing addons replaces the default set, even with none
    again, issues = parse_cluster(load_documents(effective_yaml(once), "effective.yaml")[0])
    assert again is not None, issues
    assert apply_defaults(again) == once


@pytest.mark.parametrize("instance_type", ["gr6.4xlarge", "gr6f.4xlarge", "p6-b200.48xlarge", "p6-b300.48xlarge"])
def test_default_ami_type_of_gpu_families(instance_type: str) -> None:
    (doc,) = load_documents(spec({12: f"      instanceTypes: [{instance_type}]"}), "cluster.yaml")
    result = check_document(doc, today=TODAY)
    assert result.effective is not None
    assert result.effective.spec.managed_node_groups[0].ami_type == "AL2023_x86_64_NVIDIA"


SIZE_GROUP = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {{name: demo, region: eu-west-1}}
spec:
  kubernetesVersion: "1.34"
  managedNodeGroups:
    - {{name: general, instanceTypes: [m6i.large]{sizes}}}
"""
LO, HI = D.DEFAULT_MANAGED_MIN_SIZE, D.DEFAULT_MANAGED_MAX_SIZE


@pytest.mark.parametrize(("given", "expected"), [
    ({}, (LO, HI, LO)),
    ({"maxSize": LO - 1}, (LO - 1, LO - 1, LO - 1)),  # an explicit max below the default min lowers the min
    ({"maxSize": HI + 5}, (LO, HI + 5, LO)),
    ({"minSize": HI + 1}, (HI + 1, HI + 1, HI + 1)),  # an explicit min above the default max raises the max
    ({"minSize": 0}, (0, HI, 0)),
    ({"minSize": 1, "maxSize": 9}, (1, 9, 1)),
    ({"desiredSize": 3, "maxSize": 5}, (LO, 5, 3)),
], ids=["none", "max-below-default-min", "max-above-default", "min-above-default-max", "min-zero", "both",
        "desired"])
def test_sizes_fill_what_is_missing_from_what_is_given(given: dict[str, int], expected: tuple[int, int, int]) -> None:
    sizes = "".join(f", {key}: {value}" for key, value in given.items())
    ng = (effective(SIZE_GROUP.format(sizes=sizes)).spec.managed_node_groups or [])[0]
    assert (ng.min_size, ng.max_size, ng.desired_size) == expected


@pytest.mark.parametrize(("written", "expected"), [(None, "true"), ("false", "false"), ("true", "true")])
def test_prefix_delegation_fills_the_cni_env_but_keeps_what_the_author_wrote(written: str | None,
                                                                              expected: str) -> None:
    env = f'{{ENABLE_PREFIX_DELEGATION: "{written}", OTHER: x}}'
    cni = "{}" if written is None else f"{{configuration: {{env: {env}}}}}"
    text = MINIMAL_SPEC + f"  vpcCni: {{prefixDelegation: true}}\n  addons:\n    vpc-cni: {cni}\n"
    addons = effective(text).spec.addons or {}
    configuration = addons["vpc-cni"].configuration or {}
    assert configuration["env"]["ENABLE_PREFIX_DELEGATION"] == expected
    if written:
        assert configuration["env"]["OTHER"] == "x"


def test_no_prefix_delegation_leaves_the_cni_configuration_alone() -> None:
    addons = effective(MINIMAL_SPEC + "  addons:\n    vpc-cni: {}\n").spec.addons or {}
    assert addons["vpc-cni"].configuration is None
def _group(extra: str, *, kind: str = "managedNodeGroups") -> str:
    return MINIMAL_SPEC.split("  managedNodeGroups:")[0] + f"  {kind}:\n    - name: g\n" + extra


def test_node_group_customisation_defaults() -> None:
    plain = (effective(_group("")).spec.managed_node_groups or [])[0]
    assert plain.disk_type is None  # no disk setting: the AMI's own root volume, untouched
    assert plain.imds_hop_limit == V.DEFAULT_IMDS_HOP_LIMIT and plain.node_repair is V.DEFAULT_NODE_REPAIR
    assert (plain.tags, plain.security_group_ids, plain.pre_bootstrap_commands) == ({}, [], [])
    assert plain.iam is not None and plain.iam.additional_policies == {}
    tuned = (effective(_group("      diskIops: 4000\n")).spec.managed_node_groups or [])[0]
    assert tuned.disk_type == V.DEFAULT_DISK_TYPE
    own = (effective(_group("      launchTemplate: {id: lt-0123456789abcdef0}\n")).spec.managed_node_groups or [])[0]
    assert own.imds_hop_limit is None and own.disk_type is None  # the template's to decide
    assert own.launch_template is not None and own.launch_template.version == V.DEFAULT_LAUNCH_TEMPLATE_VERSION


def test_mixed_instances_defaults_and_the_ami_of_the_first_type() -> None:
    text = _group("      instancesDistribution:\n        instanceTypes: [m7g.large, m6g.large]\n",
                  kind="selfManagedNodeGroups")
    cluster = effective(text)
    ng = (cluster.spec.self_managed_node_groups or [])[0]
    mix = ng.instances_distribution
    assert mix is not None and ng.instance_type is None  # replaced, not defaulted beside the policy
    assert (mix.on_demand_base_capacity, mix.on_demand_percentage_above_base_capacity,
            mix.spot_allocation_strategy) == (V.DEFAULT_ON_DEMAND_BASE_CAPACITY, V.DEFAULT_ON_DEMAND_PERCENTAGE,
                                              V.DEFAULT_SPOT_ALLOCATION_STRATEGY)
    assert ng.ami_type == D.DEFAULT_ARM_AMI_TYPE
    again, issues = parse_cluster(load_documents(effective_yaml(cluster), "effective.yaml")[0])
    assert again is not None, issues
    assert apply_defaults(again) == cluster  # idempotent


def test_documented_node_group_defaults_are_the_constants() -> None:
    from pydantic import BaseModel

    from generator.pipeline.model import InstancesDistribution, LaunchTemplate, ManagedNodeGroup

    def documented(model: type[BaseModel], name: str) -> object:
        extra = model.model_fields[name].json_schema_extra
        assert isinstance(extra, dict)
        return extra.get("default")

    assert documented(ManagedNodeGroup, "disk_type") == V.DEFAULT_DISK_TYPE
    assert documented(ManagedNodeGroup, "imds_hop_limit") == V.DEFAULT_IMDS_HOP_LIMIT
    assert documented(ManagedNodeGroup, "node_repair") is V.DEFAULT_NODE_REPAIR
    assert documented(LaunchTemplate, "version") == V.DEFAULT_LAUNCH_TEMPLATE_VERSION
    assert documented(InstancesDistribution, "spot_allocation_strategy") == V.DEFAULT_SPOT_ALLOCATION_STRATEGY
    assert documented(InstancesDistribution, "on_demand_percentage_above_base_capacity") == \
        V.DEFAULT_ON_DEMAND_PERCENTAGE
    assert documented(InstancesDistribution, "on_demand_base_capacity") == V.DEFAULT_ON_DEMAND_BASE_CAPACITY
