"""What a node group puts in its launch template and node role, as node-group module arguments.

The mappings follow the pinned eks-managed-node-group and self-managed-node-group
submodules (v21.19.0): both create a launch template unless `create_launch_template` is
false, and both hand user data to `modules/_user_data`, whose behaviour decides what a
custom AMI needs (see `user_data`).
"""

from __future__ import annotations

from generator.ir import Heredoc, Obj, Ref, Value
from generator.pipeline.effective import Cluster, ManagedNodeGroup, NodeGroup, SelfManagedNodeGroup
from generator.pipeline.plan.common import sorted_map

# Root volume device per AMI family: Bottlerocket keeps its data on the second volume.
ROOT_DEVICE = {"BOTTLEROCKET": "/dev/xvdb", "WINDOWS": "/dev/sda1"}  # Windows AMIs boot from /dev/sda1
DEFAULT_ROOT_DEVICE = "/dev/xvda"
NODEADM_CONTENT_TYPE = "application/node.eks.aws"
SHELL_CONTENT_TYPE = "text/x-shellscript"
SSH_PORT = 22
ANYWHERE_IPV4 = "0.0.0.0/0"
MODULE_DEFAULT_HOP_LIMIT = 1  # the submodules' metadata_options default (IMDSv2 required)
KUBELET_EFFECT = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}


def disk(ng: NodeGroup) -> Obj | None:
    """The root volume; defaults set `disk_type` exactly when some disk setting is given."""
    if ng.disk_type is None:
        return None
    family = (ng.ami_type or "").split("_", 1)[0]
    device = ROOT_DEVICE.get(family, DEFAULT_ROOT_DEVICE)
    ebs = Obj.from_pairs([
        ("volume_size", ng.disk_size_gib), ("volume_type", ng.disk_type), ("iops", ng.disk_iops),
        ("throughput", ng.disk_throughput), ("encrypted", True), ("kms_key_id", ng.disk_kms_key_arn),
        ("delete_on_termination", True),
    ])
    return Obj(((device.rsplit("/", 1)[-1], Obj.of(device_name=device, ebs=ebs)),))


def user_data(ng: NodeGroup, *, managed: bool) -> list[tuple[str, Value]]:
    """Bootstrap arguments.

    _user_data renders the join configuration only with `enable_bootstrap_user_data`, which
    self-managed groups always set and managed groups need with a custom AMI (EKS merges its
    own bootstrap only into its own AMIs). AL2023 takes extra cloud-init parts before its
    nodeadm part (`cloudinit_pre_nodeadm`); AL2 takes a script before bootstrap.sh
    (`pre_bootstrap_user_data`). Labels and taints reach a node's kubelet only through EKS's
    own bootstrap, so self-managed AL2023 groups, and managed ones on a custom AMI, carry them
    in a NodeConfig part.
    """
    family = (ng.ami_type or "").split("_", 1)[0]
    pairs: list[tuple[str, Value]] = []
    custom_ami = managed and ng.ami_id is not None
    pairs.append(("ami_id", ng.ami_id))
    if custom_ami:
        pairs.append(("enable_bootstrap_user_data", True))
    script = _script(ng.pre_bootstrap_commands or [])
    if family == "AL2023":
        parts: list[Value] = []
        if not managed or custom_ami:
            parts += _node_config(ng)
        if script is not None:  # quoted, not a heredoc: python-hcl2 reads a heredoc's "#!" line as a comment
            parts.append(Obj.of(content_type=SHELL_CONTENT_TYPE, content=script))
        pairs.append(("cloudinit_pre_nodeadm", parts or None))
    elif family == "AL2":
        pairs.append(("pre_bootstrap_user_data", script))
    return pairs


def _script(commands: list[str]) -> str | None:
    if not commands:
        return None
    return "#!/bin/bash\nset -euo pipefail\n" + "\n".join(commands) + "\n"


def _node_config(ng: NodeGroup) -> list[Value]:
    flags = []
    if ng.labels:
        flags.append("--node-labels=" + ",".join(f"{k}={v}" for k, v in sorted(ng.labels.items())))
    if ng.taints:
        flags.append("--register-with-taints=" + ",".join(
            f"{t.key}={t.value or ''}:{KUBELET_EFFECT[t.effect]}" for t in ng.taints))
    if not flags:
        return []
    lines = ["apiVersion: node.eks.aws/v1alpha1", "kind: NodeConfig", "spec:", "  kubelet:", "    flags:"]
    lines += [f"      - {flag}" for flag in flags]
    # A heredoc, so the NodeConfig reads as the YAML document it is.
    return [Obj.of(content_type=NODEADM_CONTENT_TYPE, content=Heredoc("---\n" + "\n".join(lines) + "\n"))]


def network(cluster: Cluster, ng: NodeGroup) -> list[tuple[str, Value]]:
    """SSH, extra security groups, public IPs and IMDS: all launch-template settings.

    EKS refuses `remote_access` with a launch template, so SSH is the key pair plus the
    module's per-group security group with one port-22 rule per source (or 0.0.0.0/0).
    """
    pairs: list[tuple[str, Value]] = []
    if ng.ssh is not None:
        pairs.append(("key_name", ng.ssh.key_name))
    pairs.append(("vpc_security_group_ids", list(ng.security_group_ids or []) or None))
    if ng.ssh is not None:
        sources = ng.ssh.source_security_group_ids or []
        rules: dict[str, Value] = {f"ssh_{sg}": _ssh_rule(referenced_security_group_id=sg) for sg in sources}
        pairs.append(("security_group_ingress_rules", rules or {"ssh": _ssh_rule(cidr_ipv4=ANYWHERE_IPV4)}))
    if ng.imds_hop_limit is not None and ng.imds_hop_limit != MODULE_DEFAULT_HOP_LIMIT:
        pairs.append(("metadata_options", Obj.of(http_endpoint="enabled", http_tokens="required",
                                                 http_put_response_hop_limit=ng.imds_hop_limit)))
    if ng.subnets == "public":  # the VPC's public subnets need not assign public IPs themselves
        pairs.append(("network_interfaces", [Obj.of(device_index=0, associate_public_ip_address=True,
                                                    delete_on_termination=True)]))
    return pairs


def _ssh_rule(**source: str) -> Obj:
    return Obj.of(description="SSH", ip_protocol="tcp", from_port=SSH_PORT, to_port=SSH_PORT, **source)


def public_subnets(cluster: Cluster) -> Value:
    vpc = cluster.spec.vpc
    if vpc is None or vpc.id is None:
        return Ref("module.vpc.public_subnets")
    return list((vpc.subnets.public if vpc.subnets else None) or [])


def iam(ng: NodeGroup) -> list[tuple[str, Value]]:
    policies = ng.iam.additional_policies if ng.iam else None
    return [
        ("iam_role_additional_policies", sorted_map(policies) if policies else None),
        ("iam_role_permissions_boundary", ng.iam.permissions_boundary_arn if ng.iam else None),
    ]


def managed_only(ng: ManagedNodeGroup) -> list[tuple[str, Value]]:
    pairs: list[tuple[str, Value]] = [("node_repair_config", Obj.of(enabled=True) if ng.node_repair else None)]
    if ng.launch_template is not None:
        pairs += [("create_launch_template", False), ("launch_template_id", ng.launch_template.id),
                  ("launch_template_version", ng.launch_template.version)]
    return pairs


def mixed_instances(ng: SelfManagedNodeGroup) -> list[tuple[str, Value]]:
    mix = ng.instances_distribution
    if mix is None:
        return []
    distribution = Obj.from_pairs([
        ("on_demand_base_capacity", mix.on_demand_base_capacity),
        ("on_demand_percentage_above_base_capacity", mix.on_demand_percentage_above_base_capacity),
        ("spot_allocation_strategy", mix.spot_allocation_strategy),
    ])
    overrides: list[Value] = [Obj.of(instance_type=t) for t in mix.instance_types]
    return [("use_mixed_instances_policy", True), ("mixed_instances_policy", Obj.of(
        instances_distribution=distribution, launch_template=Obj.of(override=overrides)))]
