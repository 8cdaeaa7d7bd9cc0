"""The eks module's cluster arguments (v21 names, or v20's `cluster_*` names) as spec keys.

Where an argument is absent the module's default decides what exists, so it is written out when
it differs from eksgen's (authentication mode, support type, deletion protection).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from generator.adopt.terraform.calls import Call, Reporter, literal, string_map, strings
from generator.adopt.terraform.values import Json, Unknown
from generator.facts.releases import kubernetes_releases, release
from generator.pipeline.defaults import ADDONS_BEFORE_COMPUTE
from generator.pipeline.keys import ACCESS_POLICY_ARN
from generator.pipeline.plan.pod_identity import pod_identity_label

# eks module v20 default (variables.tf, v20.37.2 and v21.19.0 alike): aws-auth stays readable.
MODULE_AUTHENTICATION_MODE = "API_AND_CONFIG_MAP"
# Without upgrade_policy EKS gives a new cluster extended support (billed past standard support).
EKS_DEFAULT_SUPPORT_TYPE = "EXTENDED"


def identity(eks: Call, report: Reporter, spec: dict[str, Any], today: dt.date) -> None:
    version_name, version = eks.take("kubernetes_version", "cluster_version")
    name, policy = eks.take("upgrade_policy", "cluster_upgrade_policy")
    support = policy.get("support_type") if isinstance(policy, dict) else None
    if isinstance(support, str):
        spec["supportType"] = support
    else:
        spec["supportType"] = EKS_DEFAULT_SUPPORT_TYPE
        report.warn(eks.where(name or "source"), eks.loc(name or "upgrade_policy"),
                    "no upgrade_policy.support_type: EKS gives the cluster EXTENDED support (billed after standard "
                    "support ends), so the spec says supportType: EXTENDED; eksgen's default is STANDARD")
    if version_name is not None:
        value = literal(eks, report, version_name, version, str, "Kubernetes version")
        if value is not None:
            spec["kubernetesVersion"] = _runnable_version(eks, report, version_name, value, spec["supportType"], today)
    name, protection = eks.take("deletion_protection")
    spec["deletionProtection"] = bool(protection) if isinstance(protection, bool) else False
    scaling = eks.take("control_plane_scaling_config")[1]
    shift = eks.take("zonal_shift_config", "cluster_zonal_shift_config")[1]
    plane: dict[str, Any] = {}
    if isinstance(scaling, dict) and isinstance(scaling.get("tier"), str):
        plane["tier"] = scaling["tier"]
    if isinstance(shift, dict) and shift.get("enabled") is True:
        plane["zonalShift"] = True
    if plane:
        spec["controlPlane"] = plane


def _runnable_version(eks: Call, report: Reporter, name: str, version: str, support: str, today: dt.date) -> str:
    """The version, or, when EKS no longer runs it (past the end of its support by `today`), the oldest one EKS
    runs, which is what EKS upgrades such a cluster to: a warning, as `import eksctl` does, never a silent change."""
    known = release(version)
    older = re.fullmatch(r"1\.(\d+)", version) and int(version.split(".")[1]) < kubernetes_releases()[0].minor
    if known is None and not older:
        return version  # not a version eksgen knows (nor older than all it knows): its checks say so, located
    runnable = [r for r in kubernetes_releases()
                if (r.end_of_extended if support == "EXTENDED" else r.end_of_standard) >= today]
    if known in runnable or not runnable:
        return version
    oldest = runnable[0]
    why = (f"older than {kubernetes_releases()[0].version}, the oldest release in eksgen's table" if known is None
           else f"{support.lower()} support ended on "
                f"{(known.end_of_extended if support == 'EXTENDED' else known.end_of_standard).isoformat()}")
    report.warn(eks.where(name), eks.loc(name), f"EKS no longer runs {version} ({why}); EKS upgrades such clusters "
                f"itself, to the oldest version it supports: the spec says {oldest.version}; set the version the "
                "cluster runs now (aws eks describe-cluster)")
    return oldest.version


def endpoint(eks: Call, report: Reporter, spec: dict[str, Any]) -> None:
    result: dict[str, Any] = {}
    for key, names in (("private", ("endpoint_private_access", "cluster_endpoint_private_access")),
                       ("public", ("endpoint_public_access", "cluster_endpoint_public_access"))):
        name, value = eks.take(*names)
        if name is not None:
            value = literal(eks, report, name, value, bool, f"endpoint {key} access")
            if value is not None:
                result[key] = value
    name, cidrs = eks.take("endpoint_public_access_cidrs", "cluster_endpoint_public_access_cidrs")
    if name is not None and result.get("public"):
        value = literal(eks, report, name, cidrs, list, "public endpoint CIDRs")
        if value is not None and strings(value):
            result["publicCidrs"] = value
    if result:
        spec["endpoint"] = result


def logging(eks: Call, report: Reporter, spec: dict[str, Any]) -> None:
    result: dict[str, Any] = {}
    name, types = eks.take("enabled_log_types", "cluster_enabled_log_types")
    if name is not None:
        value = literal(eks, report, name, types, list, "control-plane log types")
        if value is not None:
            result["types"] = value
    name, days = eks.take("cloudwatch_log_group_retention_in_days")
    if name is not None:
        value = literal(eks, report, name, days, int, "log retention")
        if value is not None:
            result["retentionDays"] = value
    if result:
        spec["logging"] = result


def encryption(eks: Call, report: Reporter, spec: dict[str, Any]) -> None:
    create_name, create = eks.take("create_kms_key")
    name, config = eks.take("encryption_config", "cluster_encryption_config")
    key = config.get("provider_key_arn") if isinstance(config, dict) else None
    if isinstance(key, str):
        spec["secretsEncryption"] = {"kmsKeyArn": key}
    elif isinstance(key, Unknown):
        report.warn(eks.where(name or "source"), eks.loc(name or "encryption_config"),
                    f"encryption key {key.text} cannot be resolved offline; write secretsEncryption.kmsKeyArn by hand")
        spec["secretsEncryption"] = {"createKey": False}
    elif (name is not None and config is None) or (name == "cluster_encryption_config" and config == {}):
        # explicit null, or v20's empty map: no envelope encryption
        spec["secretsEncryption"] = {"createKey": False}
    elif create is False:
        report.warn(eks.where(create_name or "source"), eks.loc("create_kms_key"),
                    "create_kms_key = false without a provider_key_arn: the spec turns secrets encryption off "
                    "(encryption_config = null)")
        spec["secretsEncryption"] = {"createKey": False}
    else:
        spec["secretsEncryption"] = {"createKey": True}


def access(eks: Call, report: Reporter, spec: dict[str, Any], region_partition: str) -> None:
    result: dict[str, Any] = {}
    name, mode = eks.take("authentication_mode")
    result["authenticationMode"] = mode if isinstance(mode, str) else MODULE_AUTHENTICATION_MODE
    if name is None:
        report.warn(eks.block.where, eks.loc("authentication_mode"), "no authentication_mode: the module's default "
                    "API_AND_CONFIG_MAP is carried over; eksgen's default API turns the aws-auth ConfigMap off")
    admin = eks.take("enable_cluster_creator_admin_permissions")[1]
    result["clusterCreatorAdmin"] = admin is True
    name, entries = eks.take("access_entries")
    if isinstance(entries, dict):
        result["entries"] = [e for key, body in entries.items()
                             if (e := _entry(eks, report, key, body, region_partition)) is not None]
    elif name is not None:
        literal(eks, report, name, entries, dict, "access entries")
    spec["access"] = result


def _entry(eks: Call, report: Reporter, key: str, body: Any, partition: str) -> dict[str, Any] | None:
    arn = body.get("principal_arn") if isinstance(body, dict) else None
    if not isinstance(arn, str):
        literal(eks, report, "access_entries", arn, str, f"access entry {key}: principal_arn")
        return None
    entry: dict[str, Any] = {"principalArn": arn}
    for spec_key, arg in (("type", "type"), ("username", "user_name")):
        if isinstance(body.get(arg), str):
            entry[spec_key] = body[arg]
    if strings(body.get("kubernetes_groups")) and body["kubernetes_groups"]:
        entry["kubernetesGroups"] = body["kubernetes_groups"]
    policies = []
    for pol_key, pol in (body.get("policy_associations") or {}).items():
        policy_arn = pol.get("policy_arn") if isinstance(pol, dict) else None
        scope = pol.get("access_scope") if isinstance(pol, dict) else None
        if not isinstance(policy_arn, str) or not isinstance(scope, dict):
            literal(eks, report, "access_entries", policy_arn, str, f"access entry {key}: policy {pol_key}")
            continue
        short = policy_arn.rsplit("/", 1)[-1]
        name = short if policy_arn == ACCESS_POLICY_ARN.format(partition=partition, name=short) else policy_arn
        policy: dict[str, Any] = {"policy": name, "scope": scope.get("type", "cluster")}
        if strings(scope.get("namespaces")) and scope.get("type") == "namespace":
            policy["namespaces"] = scope["namespaces"]
        policies.append(policy)
    if policies:
        entry["policies"] = policies
    unknown = sorted(set(body) - {"principal_arn", "type", "user_name", "kubernetes_groups", "policy_associations"})
    if unknown:
        report.warn(eks.where("access_entries"), eks.loc("access_entries", key),
                    f"{', '.join(unknown)}: no spec key; left out")
    return entry


def addons(eks: Call, report: Reporter, spec: dict[str, Any], irsa: dict[str, str], pod: dict[str, str],
           role_names: dict[str, str]) -> list[dict[str, Any]]:
    """`irsa` and `pod` map module labels to spec entry names (for role references), `role_names` existing
    role ARNs to entry names (the pod_identity_role_arns output). Returns the Pod Identity entries of
    existing roles only an addon's association names."""
    existing: list[dict[str, Any]] = []
    name, value = eks.take("addons", "cluster_addons")
    if name is None:
        spec["addons"] = {}
        report.warn(eks.block.where, eks.loc("addons"), "no addons: EKS installs its self-managed defaults, which "
                    "eksgen does not manage; the spec lists none (addons: {})")
        return existing
    if not isinstance(value, dict):
        literal(eks, report, name, value, dict, "addons")
        return existing
    result: dict[str, Any] = {}
    for addon, body in value.items():
        body = body if isinstance(body, dict) else {}
        item: dict[str, Any] = {}
        if isinstance(body.get("addon_version"), str):
            item["version"] = body["addon_version"]
        before = body.get("before_compute") is True  # the module's default is false
        if before != (addon in ADDONS_BEFORE_COMPUTE):  # written where eksgen's default differs
            item["beforeCompute"] = before
        config = body.get("configuration_values")
        if isinstance(config, Json) and isinstance(config.value, dict):
            item["configuration"] = config.value
        elif isinstance(config, str):
            try:
                item["configuration"] = json.loads(config)
            except ValueError:
                report.warn(eks.where(name), eks.loc(name, addon), "configuration_values is not JSON; left out")
        role = body.get("service_account_role_arn")
        # `arn` is the iam v6 module's output, `iam_role_arn` v5's
        if isinstance(role, Unknown) and role.text.startswith("module.") and role.text.endswith(
                (".arn", ".iam_role_arn")):
            label = role.text.split(".")[1]
            if label in irsa:
                item["serviceAccount"] = irsa[label]
        associations = body.get("pod_identity_association")
        if isinstance(associations, list) and associations:
            arn = associations[0].get("role_arn") if isinstance(associations[0], dict) else None
            module = arn.text.split(".")[1] if isinstance(arn, Unknown) and arn.text.startswith("module.") else None
            if module is not None and module in pod:
                item["podIdentity"] = pod[module]
            elif isinstance(arn, str):
                account = associations[0].get("service_account")
                item["podIdentity"] = role_names.get(arn, addon)
                existing.append({"name": item["podIdentity"], "namespace": "kube-system",
                                 "serviceAccount": account if isinstance(account, str) else addon, "roleArn": arn})
        known = {"addon_version", "before_compute", "configuration_values", "service_account_role_arn",
                 "pod_identity_association", "most_recent"}
        for extra in sorted(set(body) - known):
            report.warn(eks.where(name), eks.loc(name, addon, extra), "no spec key; left out")
        result[addon] = item
    spec["addons"] = result
    return existing


def addon_pod_identity_labels(eks: Call) -> dict[str, str]:
    """Pod Identity module labels an addon's association names, by the addon (for entries without their own)."""
    found: dict[str, str] = {}
    value = eks.args.get("addons", eks.args.get("cluster_addons"))
    for addon, body in (value.items() if isinstance(value, dict) else []):
        associations = body.get("pod_identity_association") if isinstance(body, dict) else None
        for association in associations if isinstance(associations, list) else []:
            arn = association.get("role_arn") if isinstance(association, dict) else None
            if isinstance(arn, Unknown) and arn.text.startswith("module."):
                found[arn.text.split(".")[1]] = addon
    return found


def tags(call: Call, report: Reporter) -> dict[str, str] | None:
    name, value = call.take("tags")
    if name is None:
        return None
    value = literal(call, report, name, value, dict, "tags")
    return value if value is not None and string_map(value) else None


__all__ = ["access", "addon_pod_identity_labels", "addons", "encryption", "endpoint", "identity", "logging",
           "pod_identity_label", "tags"]
