"""Hand-written root modules (fixtures in data/, written for these tests in the style of terraform-aws-eks's
examples/) and one row per renamed argument of the eks module, v20 and v21 alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from generator.adopt.terraform import import_root_module
from generator.adopt.terraform.output import spec_text
from generator.errors import SpecInvalid
from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from tests.helpers import TODAY

DATA = Path(__file__).parent / "data"


def warnings_of(directory: Path) -> dict[str, tuple[str, int]]:
    """path -> (file name, line) of every warning."""
    return {w.path: (Path(w.file).name, w.position.line if w.position else 0)
            for w in import_root_module(directory).warnings}


def test_v21_examples_style_module() -> None:
    imported = import_root_module(DATA / "v21-examples-style")
    doc = imported.document
    spec = doc["spec"]
    assert doc["metadata"] == {"name": "ex-al2023", "region": "eu-west-1",
                               "tags": {"Example": "ex-al2023", "GithubRepo": "terraform-aws-eks"}}
    assert spec["kubernetesVersion"] == "1.33"  # a variable's default, through a local
    assert spec["vpc"]["subnets"] == {"private": ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
                                      "public": ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"],
                                      "intra": ["10.0.52.0/24", "10.0.53.0/24", "10.0.54.0/24"]}
    assert "availabilityZones" not in spec["vpc"]  # a data source: eksgen's default zones, reported
    assert spec["vpc"]["nat"] == "Single"
    assert spec["access"]["authenticationMode"] == "API_AND_CONFIG_MAP"  # the module's default, carried over
    assert spec["supportType"] == "EXTENDED"  # EKS's default without upgrade_policy
    assert spec["vpcCni"] == {"prefixDelegation": True}
    assert spec["managedNodeGroups"] == [{"name": "example", "amiType": "AL2023_x86_64_STANDARD",
                                          "instanceTypes": ["m6i.large"], "minSize": 2, "maxSize": 5,
                                          "desiredSize": 2, "labels": {"workload": "general"}}]
    assert warnings_of(DATA / "v21-examples-style") == {
        "module.eks.authentication_mode": ("main.tf", 27),
        "module.eks.control_plane_subnet_ids": ("main.tf", 27),
        "module.eks.upgrade_policy": ("main.tf", 28),
        "module.eks.version": ("main.tf", 29),
        "module.eks.eks_managed_node_groups.example.timeouts": ("main.tf", 54),
        "module.vpc.version": ("main.tf", 80),
        "module.vpc.azs": ("main.tf", 85),
    }


def test_v20_module_with_an_iam_v5_irsa_role() -> None:
    imported = import_root_module(DATA / "v20-irsa")
    spec = imported.document["spec"]
    assert imported.document["metadata"]["tags"] == {"team": "platform"}  # the provider's default_tags
    assert spec["vpc"] == {"id": "vpc-0123456789abcdef0", "subnets": {
        "private": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
        "controlPlane": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]}}
    assert spec["endpoint"] == {"public": True, "publicCidrs": ["203.0.113.0/24"]}
    assert spec["logging"] == {"types": ["api", "audit"]}
    assert spec["access"]["clusterCreatorAdmin"] is True
    assert spec["access"]["entries"] == [{"principalArn": "arn:aws:iam::444455556666:role/ops", "policies": [
        {"policy": "AmazonEKSClusterAdminPolicy", "scope": "cluster"}]}]
    assert spec["addons"] == {"coredns": {}, "vpc-cni": {"serviceAccount": "vpc-cni"}}
    assert spec["serviceAccounts"] == [{"name": "vpc-cni", "namespace": "kube-system", "serviceAccount": "aws-node",
                                        "wellKnownPolicies": ["vpcCni"], "policyArns": []}]
    group = spec["managedNodeGroups"][0]
    assert (group["instanceTypes"], group["diskSizeGiB"], group["desiredSize"]) == (["m5.large"], 80, 1)
    assert spec["terraform"]["backend"]["s3"]["useLockfile"] is False  # absent: Terraform's default
    found = warnings_of(DATA / "v20-irsa")
    assert found["module.eks.version"] == ("main.tf", 24)
    assert found["resource.aws_s3_bucket.logs"] == ("main.tf", 96)
    assert "module.eks.eks_managed_node_groups.default.disk_size" in found  # eksgen's launch template rolls nodes


@pytest.mark.parametrize("fixture", ["v21-examples-style", "v20-irsa"])
def test_hand_written_imports_render(fixture: str) -> None:
    text, _findings = spec_text(import_root_module(DATA / fixture, today=TODAY), "cluster.yaml", TODAY)
    (doc,) = load_documents(text, "cluster.yaml")
    assert "eks.tf" in build_document(doc, "cluster.yaml", today=TODAY).files


@pytest.mark.parametrize(("version", "support", "today", "expected"), [
    ("1.31", "STANDARD", "2025-11-26", "1.31"),  # the last day of standard support
    ("1.31", "STANDARD", "2025-11-27", "1.32"),  # one past it: EKS upgrades it, the oldest STANDARD version
    ("1.31", "EXTENDED", "2026-11-26", "1.31"),  # the last day of extended support
    ("1.31", "EXTENDED", "2026-11-27", "1.32"),
    ("1.20", "EXTENDED", "2026-11-25", "1.31"),  # older than eksgen's table
    ("1.99", "EXTENDED", "2026-11-25", "1.99"),  # unknown and newer: eksgen's checks refuse it, located
])
def test_a_version_eks_no_longer_runs_becomes_the_oldest_it_runs_with_a_warning(
        tmp_path: Path, version: str, support: str, today: str, expected: str) -> None:
    body = f'  name = "old"\n  kubernetes_version = "{version}"\n  upgrade_policy = {{ support_type = "{support}" }}\n'
    (tmp_path / "main.tf").write_text(MINIMAL.format(version="21.19.0", body=body), "utf-8")
    imported = import_root_module(tmp_path, today=dt.date.fromisoformat(today))
    assert imported.document["spec"]["kubernetesVersion"] == expected
    warned = [w for w in imported.warnings if w.path == "module.eks.kubernetes_version"]
    if expected == version:
        assert warned == []
    else:
        (warning,) = warned
        assert f"EKS no longer runs {version}" in warning.message and f"the spec says {expected}" in warning.message
        assert warning.position is not None and warning.position.line == 10


MINIMAL = """\
provider "aws" {{
  region = "eu-west-1"
}}

module "eks" {{
  source  = "terraform-aws-modules/eks/aws"
  version = "{version}"

{body}
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
}}
"""


def imported_spec(tmp_path: Path, body: str, version: str = "21.19.0") -> dict[str, Any]:
    (tmp_path / "main.tf").write_text(MINIMAL.format(version=version, body=body), "utf-8")
    spec: dict[str, Any] = import_root_module(tmp_path).document["spec"]
    return spec


# (v21 argument, v20 argument, value, spec path, expected)
RENAMED = [
    ("kubernetes_version", "cluster_version", '"1.34"', ("kubernetesVersion",), "1.34"),
    ("endpoint_public_access", "cluster_endpoint_public_access", "true", ("endpoint", "public"), True),
    ("endpoint_private_access", "cluster_endpoint_private_access", "false", ("endpoint", "private"), False),
    ("enabled_log_types", "cluster_enabled_log_types", '["audit"]', ("logging", "types"), ["audit"]),
    ("ip_family", "cluster_ip_family", '"ipv6"', ("ipFamily",), "ipv6"),
    ("service_ipv4_cidr", "cluster_service_ipv4_cidr", '"172.20.0.0/16"', ("serviceIpv4Cidr",), "172.20.0.0/16"),
    ("upgrade_policy", "cluster_upgrade_policy", '{ support_type = "STANDARD" }', ("supportType",), "STANDARD"),
    ("zonal_shift_config", "cluster_zonal_shift_config", "{ enabled = true }", ("controlPlane", "zonalShift"), True),
    ("addons", "cluster_addons", "{ coredns = { addon_version = \"v1.11.4-eksbuild.2\" } }",
     ("addons",), {"coredns": {"version": "v1.11.4-eksbuild.2"}}),
    ("compute_config", "cluster_compute_config", '{ enabled = true, node_pools = ["system"] }',
     ("autoMode",), {"enabled": True, "nodePools": ["system"]}),
    ("encryption_config", "cluster_encryption_config",
     '{ provider_key_arn = "arn:aws:kms:eu-west-1:444455556666:key/k", resources = ["secrets"] }',
     ("secretsEncryption",), {"kmsKeyArn": "arn:aws:kms:eu-west-1:444455556666:key/k"}),
]


@pytest.mark.parametrize(("v21", "v20", "value", "path", "expected"), RENAMED, ids=[r[0] for r in RENAMED])
def test_v20_and_v21_names_of_one_argument(tmp_path: Path, v21: str, v20: str, value: str, path: tuple[str, ...],
                                           expected: Any) -> None:
    for version, arg in (("21.19.0", v21), ("~> 20.0", v20)):
        name = "name" if version == "21.19.0" else "cluster_name"
        found: Any = imported_spec(tmp_path, f'  {name} = "demo"\n  {arg} = {value}\n', version)
        for part in path:
            found = found[part]
        assert found == expected, (version, arg)


@pytest.mark.parametrize(("body", "expected"), [
    ("", {"createKey": True}),  # the module creates a key by default
    ("  encryption_config = null\n", {"createKey": False}),
    ("  create_kms_key = false\n", {"createKey": False}),
])
def test_secrets_encryption(tmp_path: Path, body: str, expected: dict[str, Any]) -> None:
    assert imported_spec(tmp_path, '  name = "demo"\n' + body)["secretsEncryption"] == expected


def test_v20_empty_encryption_config_is_off(tmp_path: Path) -> None:
    spec = imported_spec(tmp_path, '  cluster_name = "demo"\n  cluster_encryption_config = {}\n', "~> 20.0")
    assert spec["secretsEncryption"] == {"createKey": False}


@pytest.mark.parametrize(("body", "message"), [
    ('  name = var.cluster\n', "cluster name must be literal"),
    ('  name = "demo"\n  region = data.aws_region.current.name\n', "region must be literal"),
])
def test_what_a_spec_cannot_do_without_is_an_error(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "main.tf").write_text(MINIMAL.format(version="21.19.0", body=body).replace(
        'region = "eu-west-1"', "region = var.region"), "utf-8")
    (tmp_path / "variables.tf").write_text('variable "cluster" {}\nvariable "region" {}\n', "utf-8")
    with pytest.raises(SpecInvalid, match=message) as caught:
        import_root_module(tmp_path)
    assert all(i.position is not None for i in caught.value.issues)


def test_no_eks_module(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n', "utf-8")
    with pytest.raises(SpecInvalid, match="no module call with source"):
        import_root_module(tmp_path)


def test_two_eks_modules_are_two_clusters(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MINIMAL.format(version="21.19.0", body='  name = "a"\n'), "utf-8")
    (tmp_path / "second.tf").write_text('module "eks_b" {\n  source = "terraform-aws-modules/eks/aws"\n}\n', "utf-8")
    with pytest.raises(SpecInvalid, match="a second eks module call") as caught:
        import_root_module(tmp_path)
    (issue,) = caught.value.issues
    assert (Path(issue.file).name, issue.position and issue.position.line) == ("second.tf", 1)


def test_an_argument_without_a_spec_key_is_reported_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MINIMAL.format(version="21.19.0", body='  name = "demo"\n'
                                                     '  cluster_tags = { a = "b" }\n'), "utf-8")
    (warning,) = [w for w in import_root_module(tmp_path).warnings if w.path == "module.eks.cluster_tags"]
    assert warning.position is not None and warning.position.line == 10
    assert "no spec key" in warning.message
