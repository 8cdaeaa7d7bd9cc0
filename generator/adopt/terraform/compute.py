"""Node groups and Fargate profiles of the eks module call as spec entries.

The inverse of `pipeline/plan/compute.py` and `launch.py`, and what hand-written groups use in
their place (`disk_size`, v20's `*_defaults` maps). Absent sizes take the submodules' defaults.
"""

from __future__ import annotations

import re
from typing import Any

from generator.adopt.terraform.calls import Call, Reporter, strings
from generator.adopt.terraform.values import Unknown
from generator.pipeline.plan.launch import KUBELET_EFFECT, NODEADM_CONTENT_TYPE, SHELL_CONTENT_TYPE

# Submodule defaults where v20 (v20.37.2) differs from v21 (v21.19.0) in what the nodes are (variables.tf of
# eks-managed-node-group and self-managed-node-group): IMDS hop limit 2 (v21: 1), detailed monitoring on
# (v21: off), self-managed AMI type AL2_x86_64 (v21: AL2023_x86_64_STANDARD).
V20_HOP_LIMIT = 2
V20_MONITORING = True
V20_SELF_MANAGED_AMI = "AL2_x86_64"
# Submodule defaults (eks-managed-node-group / self-managed-node-group variables.tf).
MODULE_SIZES = {(21, "managed"): (1, 3, 1), (20, "managed"): (0, 3, 1), (21, "self"): (1, 3, 1),
                (20, "self"): (0, 3, 1)}
SCRIPT_PREFIX = "#!/bin/bash\nset -euo pipefail\n"
EFFECTS = {v: k for k, v in KUBELET_EFFECT.items()}
_COMMON = {"ami_type", "min_size", "max_size", "desired_size", "block_device_mappings", "ami_id",
           "enable_bootstrap_user_data", "cloudinit_pre_nodeadm", "pre_bootstrap_user_data", "key_name",
           "vpc_security_group_ids", "security_group_ingress_rules", "metadata_options", "network_interfaces",
           "iam_role_additional_policies", "iam_role_permissions_boundary", "subnet_ids", "tags", "disk_size",
           "enable_monitoring"}
_MANAGED = {"ami_release_version", "use_latest_ami_release_version", "instance_types", "capacity_type",
             "labels", "taints", "update_config", "node_repair_config",
            "create_launch_template", "launch_template_id", "launch_template_version", "use_custom_launch_template"}
_SELF = {"instance_type", "use_mixed_instances_policy", "mixed_instances_policy"}


class Placement:
    """How subnet references read back: AZ positions of a new VPC, or the existing VPC's lists."""

    def __init__(self, zones: list[str], existing_private: list[str] | None, existing_public: list[str] | None):
        self.zones, self.private, self.public = zones, existing_private, existing_public

    def subnets(self, value: Any, *, managed: bool) -> Any:
        if value is None:
            return None
        if isinstance(value, Unknown):
            return {"module.vpc.public_subnets": "public", "module.vpc.private_subnets": "private"}.get(value.text)
        if not isinstance(value, list):
            return None
        if self.public is not None and value == self.public:
            return "public"
        if self.private is not None and value == self.private and not managed:
            return "private"
        picked = []
        for item in value:
            match = re.fullmatch(r"module\.vpc\.private_subnets\[(\d+)\]", item.text) if isinstance(item, Unknown) \
                else None
            if match and int(match.group(1)) < len(self.zones):
                picked.append(self.zones[int(match.group(1))])
            elif isinstance(item, str):
                picked.append(item)
            else:
                return None
        return picked


def node_groups(eks: Call, report: Reporter, spec: dict[str, Any], placement: Placement) -> None:
    major = eks.major if eks.major in (20, 21) else 21
    for arg, kind, spec_key in (("eks_managed_node_groups", "managed", "managedNodeGroups"),
                                ("self_managed_node_groups", "self", "selfManagedNodeGroups")):
        _name, groups = eks.take(arg)
        defaults = eks.take(arg.replace("_groups", "_group_defaults"))[1]  # v20 only
        if not isinstance(groups, dict):
            continue
        result = []
        for group_name, body in groups.items():
            merged = {**(defaults if isinstance(defaults, dict) else {}), **(body if isinstance(body, dict) else {})}
            result.append(_group(eks, report, (arg, group_name), group_name, merged, kind, major, placement))
        if result:
            spec[spec_key] = result


def _group(eks: Call, report: Reporter, loc: tuple[str, str], name: str, body: dict[str, Any], kind: str,
           major: int, placement: Placement) -> dict[str, Any]:
    managed = kind == "managed"
    where = eks.where(loc[0])
    group: dict[str, Any] = {"name": str(body.get("name", name))}
    lo, hi, desired = MODULE_SIZES[(major, kind)]
    if isinstance(body.get("ami_type"), str):
        group["amiType"] = body["ami_type"]
    elif managed and major == 20:
        group["amiType"] = "AL2_x86_64"
        report.warn(where, eks.loc(*loc), "no ami_type: EKS (through module v20) runs AL2_x86_64; carried over")
    elif major == 20:
        group["amiType"] = V20_SELF_MANAGED_AMI
        report.warn(where, eks.loc(*loc), f"no ami_type: module v20's default is {V20_SELF_MANAGED_AMI}; carried over")
    if managed:
        types = body.get("instance_types")
        group["instanceTypes"] = types if strings(types) else ["t3.medium"]  # EKS's default type
    for key, arg, default in (("minSize", "min_size", lo), ("maxSize", "max_size", hi),
                              ("desiredSize", "desired_size", desired)):
        group[key] = body[arg] if isinstance(body.get(arg), int) and not isinstance(body[arg], bool) else default
    _disk(body, group)
    if "diskSizeGiB" in group and "block_device_mappings" not in body:
        report.warn(where, eks.loc(*loc, "disk_size"), "eksgen writes the size as a root-volume "
                    "block_device_mappings entry (the module's launch template ignores disk_size): the nodes roll")
    if managed:
        _managed(body, group)
    else:
        _self_managed(body, group)
    _bootstrap(body, group, managed=managed)
    _network(body, group)
    if major == 20:
        _v20_launch_defaults(eks, report, loc, body, group)
    elif body.get("enable_monitoring") is True:
        report.warn(where, eks.loc(*loc, "enable_monitoring"), "no spec key for detailed monitoring; eksgen's "
                    "launch template leaves it off (the module's default): the nodes roll")
    policies = body.get("iam_role_additional_policies")
    if isinstance(policies, dict) and policies:
        group.setdefault("iam", {})["additionalPolicies"] = policies
    if isinstance(body.get("iam_role_permissions_boundary"), str):
        group.setdefault("iam", {})["permissionsBoundaryArn"] = body["iam_role_permissions_boundary"]
    subnets = placement.subnets(body.get("subnet_ids"), managed=managed)
    public_ip = any(isinstance(n, dict) and n.get("associate_public_ip_address") for n in
                    body.get("network_interfaces") or [])
    if subnets == "public" and public_ip:
        group["subnets"] = "public"
    elif subnets not in (None, "private", "public"):
        group["subnets"] = subnets
    if isinstance(body.get("tags"), dict) and body["tags"]:
        group["tags"] = body["tags"]
    known = _COMMON | (_MANAGED if managed else _SELF) | {"name"}
    for extra in sorted(set(body) - known):
        report.warn(where, eks.loc(*loc, extra), "no spec key for this node-group argument; left out")
    return group


def _v20_launch_defaults(eks: Call, report: Reporter, loc: tuple[str, str], body: dict[str, Any],
                         group: dict[str, Any]) -> None:
    """What module v20's launch template gives nodes unless the group says otherwise, where v21's differs."""
    where = eks.where(loc[0])
    if "metadata_options" not in body and "launchTemplate" not in group:
        group["imdsHopLimit"] = V20_HOP_LIMIT
        report.warn(where, eks.loc(*loc, "metadata_options"), f"no metadata_options: module v20's hop limit "
                    f"{V20_HOP_LIMIT} (pods reach the instance metadata service) is carried over; eksgen's default 1 "
                    "keeps the node role's credentials away from pods")
    if body.get("enable_monitoring", V20_MONITORING) is True:
        report.warn(where, eks.loc(*loc, "enable_monitoring"), "module v20 turns detailed monitoring on (enable_"
                    "monitoring defaults to true); the spec has no key for it and eksgen's launch template leaves "
                    "it off (v21's default): the nodes roll")


def _disk(body: dict[str, Any], group: dict[str, Any]) -> None:
    mappings = body.get("block_device_mappings")
    if isinstance(mappings, dict) and len(mappings) == 1:
        ebs = next(iter(mappings.values())).get("ebs") or {}
        for key, arg in (("diskSizeGiB", "volume_size"), ("diskType", "volume_type"), ("diskIops", "iops"),
                         ("diskThroughput", "throughput"), ("diskKmsKeyArn", "kms_key_id")):
            if ebs.get(arg) is not None and not isinstance(ebs[arg], Unknown):
                group[key] = ebs[arg]
    elif isinstance(body.get("disk_size"), int):
        group["diskSizeGiB"] = body["disk_size"]


def _managed(body: dict[str, Any], group: dict[str, Any]) -> None:
    # A release version counts only with use_latest_ami_release_version = false (the module's default is true).
    if isinstance(body.get("ami_release_version"), str) and body.get("use_latest_ami_release_version") is False:
        group["amiReleaseVersion"] = body["ami_release_version"]
    if isinstance(body.get("capacity_type"), str):
        group["capacityType"] = body["capacity_type"]
    if isinstance(body.get("labels"), dict) and body["labels"]:
        group["labels"] = body["labels"]
    taints = body.get("taints")
    if isinstance(taints, dict) and taints:
        group["taints"] = [{k: t[k] for k in ("key", "value", "effect") if t.get(k) is not None}
                           for t in taints.values() if isinstance(t, dict)]
    update = body.get("update_config")
    if isinstance(update, dict):
        for key, arg in (("maxUnavailable", "max_unavailable"), ("maxUnavailablePercentage",
                                                                 "max_unavailable_percentage")):
            if isinstance(update.get(arg), int):
                group[key] = update[arg]
    repair = body.get("node_repair_config")
    if isinstance(repair, dict) and repair.get("enabled") is True:
        group["nodeRepair"] = True
    if body.get("create_launch_template") is False and isinstance(body.get("launch_template_id"), str):
        template = {"id": body["launch_template_id"]}
        if isinstance(body.get("launch_template_version"), str | int):
            template["version"] = str(body["launch_template_version"])
        group["launchTemplate"] = template


def _self_managed(body: dict[str, Any], group: dict[str, Any]) -> None:
    policy = body.get("mixed_instances_policy")
    if body.get("use_mixed_instances_policy") is True and isinstance(policy, dict):
        spread = policy.get("instances_distribution") or {}
        overrides = (policy.get("launch_template") or {}).get("override") or []
        mix: dict[str, Any] = {"instanceTypes": [o["instance_type"] for o in overrides
                                                 if isinstance(o, dict) and isinstance(o.get("instance_type"), str)]}
        for key, arg in (("onDemandBaseCapacity", "on_demand_base_capacity"),
                         ("onDemandPercentageAboveBaseCapacity", "on_demand_percentage_above_base_capacity"),
                         ("spotAllocationStrategy", "spot_allocation_strategy")):
            if spread.get(arg) is not None:
                mix[key] = spread[arg]
        group["instancesDistribution"] = mix
    else:
        group["instanceType"] = body["instance_type"] if isinstance(body.get("instance_type"), str) else "m6i.large"


def _bootstrap(body: dict[str, Any], group: dict[str, Any], *, managed: bool) -> None:
    if isinstance(body.get("ami_id"), str):
        group["amiId"] = body["ami_id"]
    script = body.get("pre_bootstrap_user_data")
    for part in body.get("cloudinit_pre_nodeadm") or []:
        if not isinstance(part, dict) or not isinstance(part.get("content"), str):
            continue
        if part.get("content_type") == SHELL_CONTENT_TYPE:
            script = part["content"]
        elif part.get("content_type") == NODEADM_CONTENT_TYPE:
            _node_config(part["content"], group)
    if isinstance(script, str):
        group["preBootstrapCommands"] = commands(script.removeprefix(SCRIPT_PREFIX).removesuffix("\n"))


_UNCLOSED = re.compile(r"[$%]\{[^}]*\Z")


def commands(script: str) -> list[str]:
    """A script's lines as commands, joined back exactly as eksgen writes them; a line whose `${`/`%{` closes
    on a later line keeps them together."""
    found: list[str] = []
    pending = ""  # an empty line is a newline inside the command beside it (none of them is empty)
    for line in script.split("\n"):
        if found and (_UNCLOSED.search(found[-1]) or not line):
            found[-1] += "\n" + line if line else "\n"
        elif not line:
            pending += "\n"
        else:
            found.append(pending + line)
            pending = ""
    return found


def _node_config(text: str, group: dict[str, Any]) -> None:
    """Labels and taints from the kubelet flags of the NodeConfig eksgen writes for them."""
    for line in text.splitlines():
        flag = line.strip().removeprefix("- ")
        if flag.startswith("--node-labels=") and "labels" not in group:
            pairs = [p.split("=", 1) for p in flag.removeprefix("--node-labels=").split(",") if "=" in p]
            group["labels"] = {k: v for k, v in pairs}
        elif flag.startswith("--register-with-taints=") and "taints" not in group:
            taints = []
            for item in flag.removeprefix("--register-with-taints=").split(","):
                spec, _, effect = item.rpartition(":")
                key, _, value = spec.partition("=")
                taint = {"key": key, "value": value, "effect": EFFECTS.get(effect, effect)}
                taints.append({k: v for k, v in taint.items() if v != ""} if not value else taint)
            group["taints"] = taints


def _network(body: dict[str, Any], group: dict[str, Any]) -> None:
    if strings(body.get("vpc_security_group_ids")) and body["vpc_security_group_ids"]:
        group["securityGroupIds"] = body["vpc_security_group_ids"]
    if isinstance(body.get("key_name"), str):
        rules = body.get("security_group_ingress_rules") or {}
        sources = [r["referenced_security_group_id"] for r in rules.values()
                   if isinstance(r, dict) and isinstance(r.get("referenced_security_group_id"), str)]
        group["ssh"] = {"keyName": body["key_name"], **({"sourceSecurityGroupIds": sources} if sources else {})}
    options = body.get("metadata_options")
    if isinstance(options, dict) and options.get("http_put_response_hop_limit") in (1, 2):
        group["imdsHopLimit"] = options["http_put_response_hop_limit"]


def fargate(eks: Call, report: Reporter, spec: dict[str, Any], placement: Placement) -> None:
    _name, profiles = eks.take("fargate_profiles")
    if not isinstance(profiles, dict):
        return
    result = []
    for profile_name, body in profiles.items():
        body = body if isinstance(body, dict) else {}
        selectors = []
        for selector in body.get("selectors") or []:
            if isinstance(selector, dict) and isinstance(selector.get("namespace"), str):
                item: dict[str, Any] = {"namespace": selector["namespace"]}
                if isinstance(selector.get("labels"), dict) and selector["labels"]:
                    item["labels"] = selector["labels"]
                selectors.append(item)
        profile: dict[str, Any] = {"name": str(body.get("name", profile_name)), "selectors": selectors}
        subnets = placement.subnets(body.get("subnet_ids"), managed=True)
        if subnets not in (None, "private"):
            profile["subnets"] = subnets
        if isinstance(body.get("tags"), dict) and body["tags"]:
            profile["tags"] = body["tags"]
        for extra in sorted(set(body) - {"name", "selectors", "subnet_ids", "tags"}):
            report.warn(eks.where("fargate_profiles"), eks.loc("fargate_profiles", profile_name, extra),
                        "no spec key; left out")
        result.append(profile)
    if result:
        spec["fargateProfiles"] = result
