"""Node-group launch settings as module arguments (generator/pipeline/plan/launch.py), one row per mapping.

Each row renders the base spec with one node-group tweak through the library and asserts the argument
values in the plan, so a wrong mapping fails here before the golden diff is read. That every emitted key
exists in the pinned submodules' object types is proven by every render (the interface check).
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.ir import Obj, Ref
from generator.pipeline.defaults import apply_defaults
from generator.pipeline.load import load_documents
from generator.pipeline.plan import build_plan
from generator.pipeline.plan.launch import ANYWHERE_IPV4
from generator.pipeline.run import check_document
from generator.pipeline.spec import parse_cluster
from generator.schema import effective_yaml
from tests.helpers import TODAY, spec

SELF_MANAGED = "  selfManagedNodeGroups:\n    - name: batch\n"


def group_args(text: str, kind: str = "eks_managed_node_groups") -> dict[str, Any]:
    result = check_document(load_documents(text, "cluster.yaml")[0], today=TODAY)
    assert not result.errors and result.effective is not None, [i.format() for i in result.errors]
    again, issues = parse_cluster(load_documents(effective_yaml(result.effective), "effective.yaml")[0])
    assert again is not None and apply_defaults(again) == result.effective, issues  # idempotent
    eks = next(b for b in build_plan(result.effective).file("eks.tf").blocks if b.labels == ("eks",))
    groups = next(a.value for a in eks.attributes() if a.name == kind)
    assert isinstance(groups, Obj)
    first = groups.items[0][1]
    assert isinstance(first, Obj)
    return dict(first.items)


def test_al2023_commands_are_a_shell_part_before_nodeadm() -> None:
    args = group_args(spec(append="      preBootstrapCommands: ['echo ${HOME}', sysctl --system]\n"))
    (part,) = args["cloudinit_pre_nodeadm"]
    assert dict(part.items) == {"content_type": "text/x-shellscript",
                                "content": "#!/bin/bash\nset -euo pipefail\necho ${HOME}\nsysctl --system\n"}
    assert "enable_bootstrap_user_data" not in args and "ami_id" not in args  # EKS's own AMI merges its bootstrap


AL2_VERSION = {9: '  kubernetesVersion: "1.32"'}  # the last release with AL2 AMIs (EKS065)
EXTENDED = "  supportType: EXTENDED\n"  # 1.32 is past standard support on TODAY (EKS006)


def test_al2_commands_go_before_bootstrap_sh() -> None:
    args = group_args(spec(AL2_VERSION, append="      amiType: AL2_x86_64\n      preBootstrapCommands: [echo hi]\n")
                      + EXTENDED)
    assert args["pre_bootstrap_user_data"] == "#!/bin/bash\nset -euo pipefail\necho hi\n"
    assert "cloudinit_pre_nodeadm" not in args


@pytest.mark.parametrize(("ami_type", "node_config"), [("AL2023_x86_64_STANDARD", True),
                                                       ("BOTTLEROCKET_x86_64", False), ("AL2_x86_64", False)])
def test_managed_custom_ami_renders_its_own_join(ami_type: str, node_config: bool) -> None:
    args = group_args(spec(AL2_VERSION if ami_type.startswith("AL2_") else None,
                           append=f"      amiType: {ami_type}\n      amiId: ami-0abcdef1234567890\n"
                                  "      labels: {tier: gpu}\n") + (EXTENDED if ami_type.startswith("AL2_") else ""))
    assert (args["ami_id"], args["enable_bootstrap_user_data"], args["ami_type"]) == (
        "ami-0abcdef1234567890", True, ami_type)
    parts = args.get("cloudinit_pre_nodeadm") or []
    assert [dict(p.items)["content_type"] for p in parts] == (["application/node.eks.aws"] if node_config else [])
    if node_config:
        assert "--node-labels=tier=gpu" in dict(parts[0].items)["content"].text


def test_self_managed_custom_ami_needs_no_switch() -> None:
    args = group_args(spec(append=SELF_MANAGED + "      amiId: ami-0abcdef1234567890\n"), "self_managed_node_groups")
    assert args["ami_id"] == "ami-0abcdef1234567890" and "enable_bootstrap_user_data" not in args


def test_ssh_without_sources_opens_port_22_to_the_world() -> None:
    args = group_args(spec(append="      ssh: {keyName: ops}\n"))
    assert args["key_name"] == "ops"
    rule = dict(args["security_group_ingress_rules"]["ssh"].items)
    assert (rule["cidr_ipv4"], rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (
        ANYWHERE_IPV4, 22, 22, "tcp")


def test_imds_hop_limit_only_when_it_differs_from_the_module() -> None:
    assert "metadata_options" not in group_args(spec(append="      imdsHopLimit: 1\n"))
    options = dict(group_args(spec(append="      imdsHopLimit: 2\n"))["metadata_options"].items)
    assert options == {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 2}


def test_public_subnets_and_public_ips() -> None:
    args = group_args(spec(append="      subnets: public\n"))
    assert args["subnet_ids"] == Ref("module.vpc.public_subnets")
    (interface,) = args["network_interfaces"]
    assert dict(interface.items) == {"device_index": 0, "associate_public_ip_address": True,
                                     "delete_on_termination": True}


def test_disk_keys_without_a_size_keep_the_ami_size() -> None:
    ebs = dict(group_args(spec(append="      diskType: io2\n      diskIops: 3000\n"))["block_device_mappings"]
               .items[0][1].items)["ebs"]
    assert dict(ebs.items) == {"volume_type": "io2", "iops": 3000, "encrypted": True, "delete_on_termination": True}


def test_existing_launch_template_replaces_the_modules() -> None:
    args = group_args(spec(append="      launchTemplate: {id: lt-0123456789abcdef0}\n"))
    assert (args["create_launch_template"], args["launch_template_id"], args["launch_template_version"]) == (
        False, "lt-0123456789abcdef0", "$Default")
    assert "block_device_mappings" not in args and "metadata_options" not in args


def test_group_tags_come_last_and_sorted() -> None:
    args = group_args(spec(append="      tags: {b: '2', a: '1'}\n"))
    assert list(args)[-1] == "tags" and list(args["tags"]) == ["a", "b"]
