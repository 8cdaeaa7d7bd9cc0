"""Hand-written root modules with Karpenter (the eks module's karpenter submodule) and EKS Pod Identity (the
eks-pod-identity module, an addon's association, an association resource), v21 and v20; and the v20 defaults
that change what the nodes and the controller are, one row per side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.adopt.terraform import import_root_module
from generator.adopt.terraform.output import spec_text
from generator.pipeline.load import load_documents
from generator.pipeline.plan.imports import IMPORTS_FILE
from generator.pipeline.run import build_document
from tests.adopt.terraform.test_import import MINIMAL
from tests.helpers import TODAY

DATA = Path(__file__).parent / "data"


def warnings_of(directory: Path) -> dict[str, tuple[str, int]]:
    return {w.path: (Path(w.file).name, w.position.line if w.position else 0)
            for w in import_root_module(directory, today=TODAY).warnings}


def test_v21_karpenter_and_pod_identity() -> None:
    spec = import_root_module(DATA / "v21-karpenter-pod-identity", today=TODAY).document["spec"]
    assert spec["karpenter"] == {"enabled": True, "namespace": "karpenter", "serviceAccount": "karpenter-controller",
                                 "nodeIamRoleAdditionalPolicies": {
                                     "ssm": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}}
    assert spec["addons"]["aws-ebs-csi-driver"] == {"podIdentity": "ebs-csi"}  # the addon's own association
    assert spec["podIdentityAssociations"] == [
        {"name": "ebs-csi", "namespace": "kube-system", "serviceAccount": "ebs-csi-controller-sa",
         "wellKnownPolicies": ["ebsCsi"], "policyArns": []},
        {"name": "dns", "namespace": "external-dns", "serviceAccount": "external-dns",
         "wellKnownPolicies": ["externalDns"], "policyArns": [],
         "hostedZoneArns": ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]},  # the zone the role may change
        {"name": "ledger", "namespace": "payments", "serviceAccount": "ledger",
         "roleArn": "arn:aws:iam::111122223333:role/payments-ledger"},
    ]
    assert warnings_of(DATA / "v21-karpenter-pod-identity") == {
        "module.karpenter.queue_name": ("main.tf", 71),  # no spec key: the queue is Karpenter-<cluster>
        "module.pod_identity_dns.name": ("main.tf", 87),  # not <cluster>-<name>: a new role
        "resource.helm_release.karpenter": ("main.tf", 108),
    }


def test_v20_karpenter_and_node_group_defaults() -> None:
    spec = import_root_module(DATA / "v20-karpenter", today=TODAY).document["spec"]
    assert spec["karpenter"] == {"enabled": True}
    (system,) = spec["managedNodeGroups"]
    (legacy,) = spec["selfManagedNodeGroups"]
    assert system["imdsHopLimit"] == 2 and legacy["imdsHopLimit"] == 2  # v20's metadata_options
    assert legacy["amiType"] == "AL2_x86_64"  # v20's self-managed default
    assert (legacy["minSize"], legacy["maxSize"], legacy["desiredSize"]) == (0, 2, 1)
    assert spec["access"]["authenticationMode"] == "API_AND_CONFIG_MAP"
    assert spec["podIdentityAssociations"] == [{"name": "app", "namespace": "app", "serviceAccount": "app",
                                                "wellKnownPolicies": [], "policyArns": [
                                                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}]
    found = warnings_of(DATA / "v20-karpenter")
    assert found["module.karpenter.create_pod_identity_association"] == ("main.tf", 49)
    assert found["module.karpenter.enable_v1_permissions"] == ("main.tf", 49)
    for group in ("eks_managed_node_groups.system", "self_managed_node_groups.legacy"):
        assert f"module.eks.{group}.metadata_options" in found
        assert f"module.eks.{group}.enable_monitoring" in found
    assert found["module.eks.self_managed_node_groups.legacy"] == ("main.tf", 37)  # the AMI type


@pytest.mark.parametrize("fixture", ["v21-karpenter-pod-identity", "v20-karpenter"])
def test_the_fixtures_render_with_import_blocks_for_their_associations(fixture: str) -> None:
    text, _findings = spec_text(import_root_module(DATA / fixture, today=TODAY), "cluster.yaml", TODAY)
    (doc,) = load_documents(text, "cluster.yaml")
    result = build_document(doc, "cluster.yaml", today=TODAY, import_blocks=True)
    assert "karpenter.tf" in result.files
    imports = result.files[IMPORTS_FILE]
    assert "module.karpenter" not in imports
    if fixture == "v20-karpenter":
        assert 'to = module.pod_identity_app.aws_eks_pod_identity_association.this["this"]' in imports
    else:
        assert 'to = module.pod_identity_dns.aws_eks_pod_identity_association.this["this"]' in imports
        assert "to = aws_eks_pod_identity_association.pod_identity_ledger" in imports
        assert "pod_identity_ebs_csi.aws_eks_pod_identity_association" not in imports  # the addon's


GROUP = '''  {name} = "demo"
  eks_managed_node_groups = {{
    a = {{ ami_type = "AL2023_x86_64_STANDARD", instance_types = ["m6i.large"]{extra} }}
  }}
'''


@pytest.mark.parametrize(("version", "extra", "hop", "warned"), [
    ("~> 20.0", "", 2, {"metadata_options", "enable_monitoring"}),
    ("~> 20.0", ", metadata_options = { http_put_response_hop_limit = 1 }", 1, {"enable_monitoring"}),
    ("~> 20.0", ", enable_monitoring = false", 2, {"metadata_options"}),
    ("21.19.0", "", None, set()),
    ("21.19.0", ", enable_monitoring = true", None, {"enable_monitoring"}),
    ("21.19.0", ", metadata_options = { http_put_response_hop_limit = 2 }", 2, set()),
])
def test_v20_launch_template_defaults_are_carried_over(tmp_path: Path, version: str, extra: str, hop: int | None,
                                                       warned: set[str]) -> None:
    name = "cluster_name" if version.startswith("~> 20") else "name"
    (tmp_path / "main.tf").write_text(MINIMAL.format(version=version, body=GROUP.format(name=name, extra=extra)))
    imported = import_root_module(tmp_path, today=TODAY)
    (group,) = imported.document["spec"]["managedNodeGroups"]
    assert group.get("imdsHopLimit") == hop
    prefix = "module.eks.eks_managed_node_groups.a."
    assert {w.path.removeprefix(prefix) for w in imported.warnings if w.path.startswith(prefix)} == warned


KARPENTER = '''
module "karpenter" {{
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "{version}"
  cluster_name = module.eks.cluster_name
  node_iam_role_use_name_prefix = false
{extra}}}
'''


@pytest.mark.parametrize(("version", "extra", "warned"), [
    ("20.37.2", "", {"create_pod_identity_association", "enable_v1_permissions"}),
    ("20.37.2", "  create_pod_identity_association = true\n  enable_v1_permissions = true\n", set()),
    ("20.37.2", "  create_pod_identity_association = true\n  enable_v1_permissions = true\n  enable_irsa = true\n",
     {"enable_irsa"}),
    ("20.37.2", "  create_pod_identity_association = true\n  enable_v1_permissions = true\n"
     "  enable_pod_identity = false\n", {"enable_irsa"}),
    ("21.19.0", "", set()),
    ("21.19.0", "  create_pod_identity_association = false\n", {"create_pod_identity_association"}),
])
def test_how_the_karpenter_controller_gets_its_role(tmp_path: Path, version: str, extra: str,
                                                    warned: set[str]) -> None:
    eks_version = "~> 20.0" if version.startswith("20") else "21.19.0"
    name = "cluster_name" if version.startswith("20") else "name"
    text = MINIMAL.format(version=eks_version, body=f'  {name} = "demo"\n') + KARPENTER.format(
        version=version, extra=extra)
    (tmp_path / "main.tf").write_text(text, "utf-8")
    imported: Any = import_root_module(tmp_path, today=TODAY)
    assert imported.document["spec"]["karpenter"]["enabled"] is True
    found = {w.path.removeprefix("module.karpenter.") for w in imported.warnings
             if w.path.startswith("module.karpenter.") and w.path != "module.karpenter.version"}
    assert found == warned
