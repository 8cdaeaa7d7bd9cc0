"""imports.tf: import blocks at the pinned modules' addresses, IDs from names, variables where AWS holds the ID;
proved like every rendered file (round trip, interface check) and by `terraform validate` on the stubs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.errors import InterfaceError
from generator.ir import Attr, Block, Group, Plan, Ref
from generator.pipeline.interface import check_interfaces
from generator.pipeline.load import load_documents
from generator.pipeline.plan.imports import IMPORTS_FILE
from generator.pipeline.run import ClusterResult, build_document
from generator.terraform.runner import Terraform
from generator.terraform.static import static_findings, terraform_findings
from tests.helpers import REPO, TODAY

EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if (p / "cluster.yaml").is_file())
GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("EKSGEN_REGEN_IMPORTS") == "1"  # then review `git diff tests/pipeline/plan/golden`


def built(example: str, import_blocks: bool = True) -> ClusterResult:
    (doc,) = load_documents((REPO / "examples" / example / "cluster.yaml").read_text("utf-8"), "cluster.yaml")
    return build_document(doc, "cluster.yaml", today=TODAY, import_blocks=import_blocks)


def imports(result: ClusterResult) -> dict[str, object]:
    assert result.plan is not None
    blocks = result.plan.file(IMPORTS_FILE).blocks
    return {str(next(a.value for a in b.attributes() if a.name == "to")): next(
        a.value for a in b.attributes() if a.name == "id") for b in blocks if b.type == "import"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_renders_and_proves_its_import_blocks(example: str) -> None:
    with_blocks, without = built(example), built(example, import_blocks=False)
    assert set(with_blocks.files) - set(without.files) == {IMPORTS_FILE}
    assert {k: v for k, v in with_blocks.files.items() if k != IMPORTS_FILE} == without.files  # nothing else moves


def test_production_ids_and_addresses() -> None:
    found = imports(built("production"))
    by_address = {k.removeprefix("Ref(expr='").removesuffix("')"): v for k, v in found.items()}
    assert by_address["module.eks.aws_eks_cluster.this[0]"] == "payments-prod"
    assert by_address['module.eks.module.eks_managed_node_group["system"].aws_eks_node_group.this[0]'] == \
        "payments-prod:system"
    assert by_address['module.eks.aws_eks_addon.before_compute["vpc-cni"]'] == "payments-prod:vpc-cni"
    assert by_address['module.eks.aws_eks_addon.this["coredns"]'] == "payments-prod:coredns"
    assert by_address['module.eks.aws_eks_access_entry.this["platform_admins"]'] == \
        "payments-prod:arn:aws:iam::111122223333:role/platform-admins"
    assert by_address['module.eks.aws_eks_access_policy_association.this["payments_developers_edit"]'] == (
        "payments-prod#arn:aws:iam::111122223333:role/payments-developers"
        "#arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy")
    assert by_address["module.eks.aws_cloudwatch_log_group.this[0]"] == "/aws/eks/payments-prod/cluster"
    assert by_address["module.eks.aws_iam_openid_connect_provider.oidc_provider[0]"] == \
        Ref("var.import_oidc_provider_arn")


def test_irsa_roles_come_from_variables_checked_against_the_module_prefix() -> None:
    text = built("irsa").files[IMPORTS_FILE]
    assert 'condition     = startswith(var.import_role_irsa_ebs_csi, "storage-demo-ebs-csi-")' in text
    assert "to = module.irsa_ebs_csi.aws_iam_role.this[0]\n  id = var.import_role_irsa_ebs_csi" in text


def test_pod_identity_associations_come_from_variables_an_addons_own_is_the_addons() -> None:
    text = built("pod-identity").files[IMPORTS_FILE]
    assert ('to = module.pod_identity_external_dns.aws_eks_pod_identity_association.this["this"]\n'
            '  id = format("pods-demo,%s", var.import_pod_identity_external_dns)') in text
    assert ("to = aws_eks_pod_identity_association.pod_identity_ledger\n"
            '  id = format("pods-demo,%s", var.import_pod_identity_ledger)') in text  # an existing role
    assert 'condition     = startswith(var.import_pod_identity_ledger, "a-")' in text
    assert "--namespace payments --service-account ledger" in text
    assert "pod_identity_ebs_csi" not in text  # the aws-ebs-csi-driver addon creates and owns it
    assert 'module.eks.aws_eks_addon.this["aws-ebs-csi-driver"]' in text
    assert "aws_iam_role" not in text  # the module's roles are made anew; role_arn changes in place


@pytest.mark.parametrize("to", [
    "module.eks.aws_eks_cluster.main[0]",  # no such resource in the pinned module
    'module.eks.module.node_group["x"].aws_eks_node_group.this[0]',
    "module.nowhere.aws_iam_role.this[0]",
])
def test_an_address_the_pinned_module_lacks_is_refused(to: str) -> None:
    result = built("minimal")
    assert result.plan is not None
    plan = Plan([*result.plan.files])
    plan.file(IMPORTS_FILE).blocks.append(Block("import", (), [Group([Attr("to", Ref(to)), Attr("id", "x")])]))
    with pytest.raises(InterfaceError, match="import"):
        check_interfaces(plan)


def rendered(example: str, directory: Path) -> Path:
    directory.mkdir()
    for name, text in built(example).files.items():
        (directory / name).write_text(text, "utf-8")
    return directory


@pytest.mark.parametrize("example", ["production", "irsa", "fargate-only", "aws-auth", "pod-identity"])
def test_terraform_validates_the_import_blocks_against_the_stubs(example: str, terraform: Terraform,
                                                                 tmp_path: Path) -> None:
    """With the AWS provider at hand (conftest), the stubs declare the targets: every `to` is Terraform's check."""
    root = rendered(example, tmp_path / "rendered")
    assert terraform_findings(root, terraform, online=False) == []
    broken = tmp_path / "broken"
    shutil.copytree(root, broken)
    imports_tf = broken / IMPORTS_FILE
    imports_tf.write_text(imports_tf.read_text("utf-8").replace("id = var.import_oidc_provider_arn",
                                                                "id = var.undeclared"), "utf-8")
    assert any("undeclared" in f.message for f in terraform_findings(broken, terraform, online=False))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("to = module.eks.aws_eks_cluster.this[0]", 'to = module.eks.aws_eks_cluster.this["x"]',
     "The target resource does not use for_each"),
    ('to = module.eks.aws_eks_addon.this["coredns"]', "to = module.eks.aws_eks_addon.this[0]",
     "The target resource does not use count"),
    ("to = module.eks.aws_eks_cluster.this[0]", "to = module.eks.aws_eks_cluster.main[0]",
     "Configuration for import target does not exist"),
    ('.aws_eks_node_group.this[0]', '.aws_eks_node_group.this["a"]', "The target resource does not use for_each"),
    ('to = module.eks.aws_eks_access_entry.this["platform_admins"]',
     'to = module.eks.aws_eks_access_entry.platform_admins', "Configuration for import target does not exist"),
    ('aws_eks_pod_identity_association.this["this"]', "aws_eks_pod_identity_association.this[0]",
     "The target resource does not use count"),
])
def test_terraform_refuses_a_target_the_pinned_module_lacks(old: str, new: str, message: str, terraform: Terraform,
                                                            aws_provider_mirror: Path, tmp_path: Path) -> None:
    """Terraform itself (not eksgen's table) refuses the address: the stubs declare what the modules declare."""
    root = rendered("pod-identity" if "pod_identity" in old else "production", tmp_path / "rendered")
    imports_tf = root / IMPORTS_FILE
    text = imports_tf.read_text("utf-8")
    assert old in text
    imports_tf.write_text(text.replace(old, new, 1), "utf-8")
    found = terraform_findings(root, terraform, online=False)
    assert any(message in f.message and f.file == IMPORTS_FILE and f.source == "terraform" for f in found), found


def test_a_root_module_target_is_eksgens_check_not_terraforms(terraform: Terraform, aws_provider_mirror: Path,
                                                              tmp_path: Path) -> None:
    """Terraform accepts an import into a root resource that is not declared (it could generate its
    configuration), so eksgen's static check refuses it."""
    root = rendered("pod-identity", tmp_path / "rendered")
    imports_tf = root / IMPORTS_FILE
    imports_tf.write_text(imports_tf.read_text("utf-8").replace(
        "to = aws_eks_pod_identity_association.pod_identity_ledger", "to = aws_eks_pod_identity_association.ledger"))
    found = terraform_findings(root, terraform, online=False)
    assert not any(f.source == "terraform" for f in found), found
    (problem,) = static_findings(root)
    assert problem.file == IMPORTS_FILE and problem.line is not None and "no resource" in problem.message


def test_karpenter_imports_nothing() -> None:
    """Nothing the karpenter submodule creates exists under its names before adoption (README: Karpenter)."""
    text = built("karpenter").files[IMPORTS_FILE]
    assert "module.karpenter" not in text
    assert "module.eks.aws_eks_cluster.this[0]" in text


@pytest.mark.parametrize("example", ["production", "irsa", "fargate-only"])
def test_import_blocks_golden(example: str) -> None:
    """The whole imports.tf, byte for byte: its comments and the variables' descriptions and validation
    messages are what a user reads before the first plan (EKSGEN_REGEN_IMPORTS=1 rewrites them)."""
    text = built(example).files[IMPORTS_FILE]
    path = GOLDEN / f"imports-{example}.tf"
    if REGEN:
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")
