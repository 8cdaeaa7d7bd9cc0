"""IRSA roles (iam `iam-role-for-service-accounts`, v6 and v5's `-eks`), EKS Pod Identity (the
eks-pod-identity module, or an `aws_eks_pod_identity_association` resource) and Karpenter."""

from __future__ import annotations

import re
from typing import Any

from generator.adopt.terraform.calls import Call, Reporter, strings
from generator.adopt.terraform.source import Block
from generator.pipeline.plan.common import POLICY_RESOURCE_FIELDS
from generator.pipeline.plan.iam import IRSA_POLICY_RESOURCES, WELL_KNOWN_POLICY_SWITCHES
from generator.pipeline.plan.pod_identity import (
    ASSOCIATION_RESOURCE,
    POD_IDENTITY_POLICY_SWITCHES,
    POD_POLICY_RESOURCES,
)

IRSA_SWITCHES = {arg: name for name, arg in WELL_KNOWN_POLICY_SWITCHES.items()}
POD_SWITCHES = {arg: name for name, arg in POD_IDENTITY_POLICY_SWITCHES.items()}
# What the well-known policies act on, from the plan's tables: module argument -> spec field; the
# arguments eksgen derives (<bucket>/* paths, this cluster's name) are read as what they come from.
IRSA_RESOURCES = {arg: POLICY_RESOURCE_FIELDS[what] for _, arg, what in IRSA_POLICY_RESOURCES
                  if what in POLICY_RESOURCE_FIELDS}
POD_RESOURCES = {arg: POLICY_RESOURCE_FIELDS[what] for _, arg, what in POD_POLICY_RESOURCES
                 if what in POLICY_RESOURCE_FIELDS}
_DERIVED = {arg for _, arg, what in (*IRSA_POLICY_RESOURCES, *POD_POLICY_RESOURCES)
            if what not in POLICY_RESOURCE_FIELDS}
_EVERY_ZONE = re.compile(r"arn:[a-z-]+:route53:::hostedzone/\*")  # the default: left out of the spec
_IRSA_KNOWN = {"name", "role_name", "policies", "role_policy_arns", "oidc_providers", "tags", "vpc_cni_enable_ipv4",
               "vpc_cni_enable_ipv6", "attach_ebs_csi_policy", *IRSA_SWITCHES, *IRSA_RESOURCES, *_DERIVED}
_POD_KNOWN = {"name", "additional_policy_arns", "associations", "tags", "aws_vpc_cni_enable_ipv4",
              "aws_vpc_cni_enable_ipv6", *POD_SWITCHES, *POD_RESOURCES, *_DERIVED}


def policy_resources(call: Call, entry: dict[str, Any], arguments: dict[str, str], report: Reporter) -> None:
    """The resources the role's well-known policies act on, into `entry` (literal lists of strings only)."""
    for argument, field in arguments.items():
        value = call.take(argument)[1]
        if value is None:
            continue
        if not strings(value):
            report.warn(call.where(argument), call.loc(argument), f"{argument} must be a literal list of strings "
                        "for the spec; left out")
            continue
        if field == "hostedZoneArns" and len(value) == 1 and _EVERY_ZONE.fullmatch(value[0]):
            continue
        entry[field] = list(dict.fromkeys([*entry.get(field, []), *value]))
    call.used.update(a for a in call.args if a in _DERIVED)


def entry_name(call: Call, cluster: str, prefix: str, report: Reporter) -> str:
    """The spec name of a role module: its role name without the `<cluster>-` prefix eksgen puts there."""
    _arg, name = call.take("name", "role_name")
    if isinstance(name, str) and name.startswith(cluster + "-"):
        return name.removeprefix(cluster + "-")
    fallback = call.label.removeprefix(prefix).replace("_", "-")
    report.warn(call.where("name"), call.loc("name"), f"role name {name!r} is not <cluster>-<name>; the spec names "
                f"the entry {fallback!r}, and eksgen's role will be named {cluster}-{fallback} (a new role)")
    return fallback


def irsa(call: Call, cluster: str, report: Reporter) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": entry_name(call, cluster, "irsa_", report)}
    providers = call.take("oidc_providers")[1]
    pairs = [p for v in (providers or {}).values() if isinstance(v, dict)
             for p in v.get("namespace_service_accounts") or [] if isinstance(p, str)]
    if len(pairs) != 1 or ":" not in pairs[0]:
        report.warn(call.where("oidc_providers"), call.loc("oidc_providers"), "eksgen binds a role to exactly one "
                    f"namespace:serviceaccount; found {pairs!r}, the first is kept")
    namespace, _, account = (pairs[0] if pairs else "default:default").partition(":")
    entry["namespace"], entry["serviceAccount"] = namespace, account
    entry["wellKnownPolicies"] = [IRSA_SWITCHES[a] for a in call.args if a in IRSA_SWITCHES and call.args[a] is True]
    call.used.update(a for a in call.args if a in IRSA_SWITCHES or a.startswith("vpc_cni_enable_"))
    policy_resources(call, entry, IRSA_RESOURCES, report)
    policies = call.take("policies", "role_policy_arns")[1]
    entry["policyArns"] = [v for v in (policies or {}).values() if isinstance(v, str)] if isinstance(
        policies, dict) else []
    call.take("tags")
    return entry


def pod_identity(call: Call, cluster: str, report: Reporter, addon: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": entry_name(call, cluster, "pod_identity_", report)}
    associations = call.take("associations")[1]
    bodies = [v for v in (associations or {}).values() if isinstance(v, dict)] if isinstance(associations, dict) else []
    if bodies:
        entry["namespace"] = bodies[0].get("namespace")
        entry["serviceAccount"] = bodies[0].get("service_account")
        if len(bodies) > 1:
            report.warn(call.where("associations"), call.loc("associations"),
                        "eksgen binds a role to one service account; only the first association is kept")
    else:  # the addon associates it: its service account is the addon's, in kube-system
        entry["namespace"], entry["serviceAccount"] = "kube-system", addon or "default"
    entry["wellKnownPolicies"] = [POD_SWITCHES[a] for a in call.args if a in POD_SWITCHES and call.args[a] is True]
    call.used.update(a for a in call.args if a in POD_SWITCHES or a.startswith("aws_vpc_cni_enable_"))
    policy_resources(call, entry, POD_RESOURCES, report)
    policies = call.take("additional_policy_arns")[1]
    entry["policyArns"] = [v for v in policies.values() if isinstance(v, str)] if isinstance(policies, dict) else []
    call.take("tags")
    return entry


def addon_service_account(call: Call, addon: str, eks_addons: Any) -> str | None:
    body = eks_addons.get(addon) if isinstance(eks_addons, dict) else None
    for association in (body or {}).get("pod_identity_association") or []:
        if isinstance(association, dict) and isinstance(association.get("service_account"), str):
            return str(association["service_account"])
    return None


def association_resource(block: Block, values: dict[str, Any], report: Reporter) -> dict[str, Any] | None:
    """An `aws_eks_pod_identity_association` with an existing role: a roleArn entry."""
    label = block.labels[1] if len(block.labels) > 1 else "association"
    role = values.get("role_arn")
    if not isinstance(role, str) or not all(isinstance(values.get(k), str) for k in ("namespace", "service_account")):
        report.warn(block.where, ("resource", ASSOCIATION_RESOURCE, label), "namespace, service_account and "
                    "role_arn must be literal for the spec; left out")
        return None
    return {"name": label.removeprefix("pod_identity_").replace("_", "-"), "namespace": values["namespace"],
            "serviceAccount": values["service_account"], "roleArn": role}


def karpenter(call: Call, report: Reporter) -> dict[str, Any]:
    result: dict[str, Any] = {"enabled": True}
    for key, arg in (("namespace", "namespace"), ("serviceAccount", "service_account")):
        value = call.take(arg)[1]
        if isinstance(value, str):
            result[key] = value
    spot = call.take("enable_spot_termination")[1]
    if spot is False:
        result["interruptionQueue"] = False
    policies = call.take("node_iam_role_additional_policies")[1]
    if isinstance(policies, dict) and policies:
        result["nodeIamRoleAdditionalPolicies"] = policies
    for arg in ("cluster_name", "node_iam_role_use_name_prefix", "cluster_ip_family", "tags"):
        call.take(arg)
    _karpenter_access(call, report)
    if call.args.get("node_iam_role_use_name_prefix", True) is not False:
        report.warn(call.where("source"), call.loc("node_iam_role_use_name_prefix"), "eksgen names the node role "
                    "Karpenter-<cluster> (node_iam_role_use_name_prefix = false): the role is replaced")
    return result


# The karpenter submodule's defaults where v20 (v20.37.2 variables.tf) differs from v21 (v21.19.0), which
# eksgen renders: v20 makes no Pod Identity association and grants Karpenter v0.x's permissions unless told.
KARPENTER_DEFAULTS = {20: {"create_pod_identity_association": False, "enable_v1_permissions": False,
                           "enable_pod_identity": True, "enable_irsa": False},
                      21: {"create_pod_identity_association": True}}


def _karpenter_access(call: Call, report: Reporter) -> None:
    """How the controller gets its role, which eksgen always does one way: a Pod Identity association and v1's
    permissions (v21's karpenter submodule)."""
    defaults = KARPENTER_DEFAULTS[20 if call.major == 20 else 21]
    value = {arg: call.take(arg)[1] for arg in defaults}
    given = {arg: (v if isinstance(v, bool) else defaults[arg]) for arg, v in value.items()}
    if given["create_pod_identity_association"] is False:
        report.warn(call.where("create_pod_identity_association"), call.loc("create_pod_identity_association"),
                    "no Pod Identity association for the controller (v20's default); eksgen's Karpenter creates one "
                    "for its namespace and service account: the controller's pods get their role through it")
    if given.get("enable_v1_permissions") is False:
        report.warn(call.where("enable_v1_permissions"), call.loc("enable_v1_permissions"), "module v20 grants "
                    "Karpenter v0.x's permissions (enable_v1_permissions defaults to false); eksgen's module (v21) "
                    "grants v1's only: run Karpenter 1.0 or later")
    if given.get("enable_irsa") is True or given.get("enable_pod_identity") is False:
        report.warn(call.where("enable_irsa"), call.loc("enable_irsa"), "the controller's role trusts IRSA here; "
                    "eksgen's trusts EKS Pod Identity only: the controller's service account loses its IRSA role")


__all__ = ["addon_service_account", "association_resource", "irsa", "karpenter", "pod_identity", "strings"]
