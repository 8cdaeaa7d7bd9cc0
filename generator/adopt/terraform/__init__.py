"""`eksgen import terraform DIR`: a root module calling terraform-aws-modules eks (v20 or v21), vpc, iam
IRSA, eks-pod-identity and karpenter becomes an eksgen spec.

Literal arguments, locals and variable defaults are resolved (evaluate.py); each module call maps
back through one module of this package; whatever the spec cannot say is reported where it was
written. Nothing here writes: the API does, once the whole import succeeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.adopt.terraform import cluster, compute, identities, network, settings
from generator.adopt.terraform.calls import Call, Reporter, literal, module_calls
from generator.adopt.terraform.evaluate import Scope
from generator.adopt.terraform.source import RootModule, Where, read_root_module
from generator.adopt.terraform.values import Unknown
from generator.errors import Issue, SpecInvalid
from generator.facts.partition import partition
from generator.pipeline.model import API_VERSION, KIND
from generator.pipeline.plan.pod_identity import ASSOCIATION_RESOURCE
from generator.terraform.registry import registry

_QUIET_BLOCKS = frozenset({"terraform", "provider", "locals", "variable", "output", "data", "module", "moved",
                           "import", "check", "removed"})


Loc = tuple[str | int, ...]
# Where the spec's keys come from besides the eks module's own arguments (the registry's `arguments`).
_CALL_KEYS = {"vpc": ("spec", "vpc"), "vpc_endpoints": ("spec", "vpc", "endpoints"),
              "irsa": ("spec", "serviceAccounts"), "pod_identity": ("spec", "podIdentityAssociations"),
              "karpenter": ("spec", "karpenter")}
# v20 names that are not v21's name with a `cluster_` prefix (v20.37.2 and v21.19.0 variables.tf).
_V20_NAMES = {"cluster_version": "kubernetes_version", "cluster_name": "name"}


@dataclass
class Imported:
    directory: Path
    document: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)
    # Spec location (("spec", "kubernetesVersion"), ...) -> where in the .tf files it came from, and that
    # argument's location; () stands for the eks module call as a whole.
    origins: dict[Loc, tuple[Where, Loc]] = field(default_factory=dict)

    def origin(self, loc: Loc) -> tuple[Where, Loc] | None:
        """The .tf location of the longest prefix of a spec location that has one, else the eks call's."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.origins:
                return self.origins[loc[:end]]
        return self.origins.get(())

    @property
    def warnings(self) -> list[Issue]:
        return sorted((i for i in self.issues if i.severity == "warning"), key=Issue.sort_key)


def import_root_module(directory: Path, *, today: dt.date | None = None) -> Imported:
    """The spec document (camelCase keys) a root module describes; SpecInvalid when it cannot say one.
    `today` judges whether EKS still runs the cluster's version (default: the real date)."""
    root = read_root_module(directory)
    scope = Scope(root)
    report = Reporter()
    calls = module_calls(root.blocks, scope, report)
    eks = _the_eks_call(root, calls)
    region, tags = settings.provider(root, scope, report)
    region = eks.take("region")[1] or region
    name = literal(eks, report, _named(eks), eks.take("name", "cluster_name")[1], str, "cluster name")
    problems = [i for i in report.issues if i.loc[-1:] == (_named(eks),)]
    if not isinstance(region, str):
        report.error(eks.block.where, ("provider", "aws", "region"), "the region must be literal (in the aws "
                     "provider, a local or a variable default)" + (f"; found {region.text}" if isinstance(
                         region, Unknown) else ""))
    if name is None:
        report.error(eks.where(_named(eks)), eks.loc(_named(eks)), "the cluster name must be literal"
                     + (f" ({problems[0].message})" if problems else ""))
    errors = [i for i in report.issues if i.severity == "error"]
    if errors or not isinstance(region, str) or name is None:
        raise SpecInvalid(errors)
    eks_tags = cluster.tags(eks, report)
    metadata: dict[str, Any] = {"name": name, "region": region}
    if tags or eks_tags:
        metadata["tags"] = tags or eks_tags
    origins = _origins(calls, eks)
    spec = _spec(root, scope, report, calls, eks, name, region, today or dt.date.today(), origins)
    errors = [i for i in report.issues if i.severity == "error"]
    if errors:
        raise SpecInvalid(errors)
    document = {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec}
    return Imported(directory, document, report.issues, origins)


def _origins(calls: list[Call], eks: Call) -> dict[Loc, tuple[Where, Loc]]:
    found: dict[Loc, tuple[Where, Loc]] = {(): (eks.block.where, eks.loc())}
    for call in calls:
        if call.kind in _CALL_KEYS:
            found.setdefault(_CALL_KEYS[call.kind], (call.block.where, call.loc()))
    for argument in eks.args:
        v21 = _V20_NAMES.get(argument, argument)
        path = registry().spec_path("eks", v21) or registry().spec_path("eks", v21.removeprefix("cluster_"))
        if path is not None:
            loc = tuple(path.split(".")) if path.startswith("metadata.") else ("spec", *path.split("."))
            found[loc] = (eks.where(argument), eks.loc(argument))
    return found


def _named(eks: Call) -> str:
    return "cluster_name" if "cluster_name" in eks.args else "name"


def _the_eks_call(root: RootModule, calls: list[Call]) -> Call:
    found = [c for c in calls if c.kind == "eks"]
    if not found:
        raise SpecInvalid([Issue(loc=(), file=str(root.directory), message="no module call with source "
                                 "\"terraform-aws-modules/eks/aws\" in this directory; nothing to import")])
    if len(found) > 1:
        second = found[1]
        raise SpecInvalid([Issue(loc=("module", second.label), file=second.block.where.file,
                                 position=second.block.where.position(),
                                 message="a second eks module call: a spec describes one cluster; import "
                                 "each cluster's root module on its own")])
    return found[0]


def _spec(root: RootModule, scope: Scope, report: Reporter, calls: list[Call], eks: Call, name: str,
          region: str, today: dt.date, origins: dict[Loc, tuple[Where, Loc]]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    cluster.identity(eks, report, spec, today)
    vpc_calls = [c for c in calls if c.kind == "vpc"]
    vpc = network.new_vpc(vpc_calls[0], report) if vpc_calls else None
    for extra in vpc_calls[1:]:
        report.warn(extra.block.where, extra.loc(), "a second VPC module call is not carried into the spec")
    services = [s for c in calls if c.kind == "vpc_endpoints" for s in network.endpoints(c, report)]
    if vpc is not None and services:
        vpc["endpoints"] = services
    cluster.endpoint(eks, report, spec)
    network.eks_networking(eks, report, vpc, spec, _output(root, scope, "public_subnets"))
    cluster.logging(eks, report, spec)
    cluster.encryption(eks, report, spec)
    cluster.access(eks, report, spec, partition(region))
    irsa_calls = [c for c in calls if c.kind == "irsa"]
    pod_calls = [c for c in calls if c.kind == "pod_identity"]
    irsa = {c.label: identities.irsa(c, name, report) for c in irsa_calls}
    addon_users = cluster.addon_pod_identity_labels(eks)
    eks_addons = eks.args.get("addons", eks.args.get("cluster_addons"))
    found = [(c.block.where, c.label, identities.pod_identity(c, name, report, identities.addon_service_account(
        c, addon_users[c.label], eks_addons) if c.label in addon_users else None)) for c in pod_calls]
    for block in root.of_type("resource"):
        if block.labels[:1] == (ASSOCIATION_RESOURCE,):
            values = {n: scope.evaluate(a.expr, a.where.file) for n, a in block.attributes.items()}
            entry = identities.association_resource(block, values, report)
            if entry is not None:
                found.append((block.where, block.labels[1], entry))
        else:
            report.warn(block.where, ("resource", *block.labels), "a resource outside the modules eksgen maps; "
                        "not carried into the spec (keep it in a root module of its own)")
    # In the order they are written: modules and resources interleave as the spec's entries do.
    found.sort(key=lambda f: (f[0].file, f[0].line))
    pods = {label: entry for _where, label, entry in found}
    resources = {block.labels[1] for block in root.of_type("resource") if block.labels[:1] == (ASSOCIATION_RESOURCE,)}
    for index, (where, label, _entry) in enumerate(found):
        origins[("spec", "podIdentityAssociations", index)] = (
            where, ("resource", ASSOCIATION_RESOURCE, label) if label in resources else ("module", label))
    for index, call in enumerate(irsa_calls):
        origins[("spec", "serviceAccounts", index)] = (call.block.where, call.loc())
    mode = eks.take("compute_config", "cluster_compute_config")[1]
    eks.take("create_auto_mode_iam_resources")
    auto_only = False
    if isinstance(mode, dict) and mode.get("enabled") is True:
        pools = mode.get("node_pools")
        spec["autoMode"] = {"enabled": True, "nodePools": pools if isinstance(pools, list) else []}
        auto_only = not eks.has("eks_managed_node_groups", "self_managed_node_groups", "fargate_profiles")
    if auto_only and not eks.has("addons", "cluster_addons"):
        spec["addons"] = {}
    else:
        outputs = _output(root, scope, "pod_identity_role_arns")
        role_names = {v: k for k, v in outputs.items() if isinstance(v, str)} if isinstance(outputs, dict) else {}
        for entry in cluster.addons(eks, report, spec, {k: v["name"] for k, v in irsa.items()},
                                    {k: v["name"] for k, v in pods.items()}, role_names):
            pods[f"addon:{entry['name']}"] = entry
    _prefix_delegation(spec)
    zones = (vpc or {}).get("availabilityZones") or []
    existing = spec.get("vpc", {}).get("subnets") if "id" in spec.get("vpc", {}) else None
    placement = compute.Placement(zones, existing.get("private") if existing else None,
                                  existing.get("public") if existing else None)
    compute.node_groups(eks, report, spec, placement)
    compute.fargate(eks, report, spec, placement)
    if irsa:
        spec["serviceAccounts"] = list(irsa.values())
    if pods:
        spec["podIdentityAssociations"] = list(pods.values())
    karpenter = [c for c in calls if c.kind == "karpenter"]
    if karpenter:
        spec["karpenter"] = identities.karpenter(karpenter[0], report)
        eks.take("node_security_group_tags")
    _enable_irsa(eks, report)
    terraform = settings.terraform_settings(root, scope, report)
    pins = settings.module_pins(calls, report)
    if pins:
        terraform["modules"] = pins
    if terraform:
        spec["terraform"] = terraform
    waivers = settings.waivers(root)
    if waivers:
        spec["waivers"] = waivers
    for call in calls:
        call.take("tags")
        for leftover in call.leftovers():
            report.warn(call.where(leftover), call.loc(leftover), "no spec key for this argument; left out "
                        "(the module's default applies after the import)")
    for block in root.blocks:
        if block.type not in _QUIET_BLOCKS and block.type != "resource":
            report.warn(block.where, (block.type,), "not carried into the spec")
    return spec


def _output(root: RootModule, scope: Scope, name: str) -> Any:
    for block in root.of_type("output"):
        value = block.attributes.get("value")
        if block.labels == (name,) and value is not None:
            return scope.evaluate(value.expr, value.where.file)
    return None


def _prefix_delegation(spec: dict[str, Any]) -> None:
    """The VPC CNI's ENABLE_PREFIX_DELEGATION env is what vpcCni.prefixDelegation sets (and capacity counts)."""
    config = spec.get("addons", {}).get("vpc-cni", {}).get("configuration")
    env = config.get("env") if isinstance(config, dict) else None
    if isinstance(env, dict) and env.get("ENABLE_PREFIX_DELEGATION") == "true":
        spec.setdefault("vpcCni", {})["prefixDelegation"] = True


def _enable_irsa(eks: Call, report: Reporter) -> None:
    _name, value = eks.take("enable_irsa")
    if value is False:
        report.warn(eks.where("enable_irsa"), eks.loc("enable_irsa"), "eksgen always creates the OIDC provider "
                    "(enable_irsa = true); the next apply adds it")


__all__ = ["Imported", "import_root_module"]
