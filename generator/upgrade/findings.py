"""What stops a plan (blockers, each with its exact fix) and what it should make you check (warnings),
found offline from the spec and eksgen's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from generator.errors import InternalError
from generator.facts.releases import release
from generator.facts.upgrades import (
    control_plane_free_ips,
    karpenter_minimum,
    karpenter_source,
    karpenter_supports,
    kubelet_skew,
    minor_of,
    removed_apis,
    removed_apis_source,
    support_pricing,
)
from generator.lockfile.sources import Sources
from generator.pipeline.checks.compute import AL2_SUCCESSORS, LAST_AL2_MINOR
from generator.upgrade.model import Blocker, Warning

FIRST_WITHOUT_AL2 = f"1.{LAST_AL2_MINOR + 1}"


def _groups(spec: Any) -> Iterator[tuple[str, Any]]:
    for index, ng in enumerate(spec.managed_node_groups or []):
        yield f"managedNodeGroups[{index}]", ng
    for index, ng in enumerate(spec.self_managed_node_groups or []):
        yield f"selfManagedNodeGroups[{index}]", ng


def blockers(cluster: Any, path: list[str], sources: Sources) -> list[Blocker]:
    """`path` is [current, each step's version...]."""
    spec, found = cluster.spec, []
    steps = path[1:]
    crossing = next((v for v in steps if (minor_of(v) or (0, 0)) >= (minor_of(FIRST_WITHOUT_AL2) or (0, 0))), None)
    for where, ng in _groups(spec):
        if crossing and ng.ami_type in AL2_SUCCESSORS:
            found.append(Blocker(crossing, f"{where} ({ng.name})", f"amiType {ng.ami_type}: AWS publishes no Amazon "
                                 f"Linux 2 AMIs for Kubernetes {FIRST_WITHOUT_AL2} and later",
                                 f"set {where}.amiType: {AL2_SUCCESSORS[ng.ami_type]} and apply it on {path[0]} "
                                 f"first (the nodes roll; preBootstrapCommands run under nodeadm on AL2023, and "
                                 f"bootstrap.sh flags do not carry over), then plan again"))
    found += list(_skew(spec, path))
    found += list(_karpenter(spec, steps, sources))
    found += list(_pinned_addons(spec, steps, sources))
    return found


def _skew(spec: Any, path: list[str]) -> Iterator[Blocker]:
    """A custom AMI keeps its kubelet; past the skew policy the control plane would outrun it."""
    skew, start = kubelet_skew(), minor_of(path[0]) or (0, 0)
    for where, ng in _groups(spec):
        fixed = ng.ami_id or (getattr(ng, "launch_template", None) and ng.launch_template.id)
        if not fixed:
            continue
        beyond = next((v for v in path[1:] if (minor_of(v) or (0, 0))[1] - start[1] > skew), None)
        if beyond:
            key = "amiId" if ng.ami_id else "launchTemplate"
            found_fix = (f"replace {where}.{key} ({fixed}) with one whose AMI is built for {beyond} or later in an "
                         f"earlier step (eksgen cannot pick a custom AMI), or remove {key} to use the EKS image")
            yield Blocker(beyond, f"{where} ({ng.name})", f"its kubelet stays on the {key}'s image (built for "
                          f"{path[0]}, as far as the spec says); at {beyond} the control plane would be more than "
                          f"{skew} minors ahead, beyond the kubelet skew policy", found_fix)


def _karpenter(spec: Any, steps: list[str], sources: Sources) -> Iterator[Blocker]:
    if not (spec.karpenter and spec.karpenter.enabled and sources.karpenter_version):
        return
    for version in steps:
        if karpenter_supports(sources.karpenter_version, version) is False:
            minimum = karpenter_minimum(version)
            fix = (f"upgrade the Karpenter chart to >= {minimum} before the step to {version}" if minimum else
                   f"no Karpenter release in eksgen's table supports {version}: stop at an earlier target, or check "
                   "karpenter.sh's compatibility matrix and rebuild the table (scripts/rebuild_data.py karpenter)")
            yield Blocker(version, "karpenter", f"Karpenter {sources.karpenter_version} does not support Kubernetes "
                          f"{version} (source: {karpenter_source()})", fix)
            return


def _pinned_addons(spec: Any, steps: list[str], sources: Sources) -> Iterator[Blocker]:
    data = sources.addon_versions
    if data is None:
        return
    for name, addon in (spec.addons or {}).items():
        for version in steps:
            if addon.version and data.supports(name, addon.version, version) is False:
                newest = data.newest(name, version)
                fix = (f"set addons.{name}.version: {newest} (the newest for {version} in {data.source}) in the "
                       f"step to {version}, or remove the version to let it float" if newest else
                       f"{data.source} lists no {name} version for {version}: remove the addon or its version")
                yield Blocker(version, f"addons.{name}", f"version {addon.version} is not compatible with Kubernetes "
                              f"{version} ({data.source})", fix)
                break


def support_status(version: str, today: dt.date, support_type: str) -> str:
    info = release(version)
    if info is None:
        return "not in eksgen's release table"
    if today > info.end_of_extended:
        return f"unsupported since {info.end_of_extended}"
    if today > info.end_of_standard:
        return f"extended support until {info.end_of_extended} (supportType {support_type})"
    return f"standard support until {info.end_of_standard}, extended until {info.end_of_extended}"


def warnings(cluster: Any, path: list[str], today: dt.date, sources: Sources) -> list[Warning]:
    spec, name, region = cluster.spec, cluster.metadata.name, cluster.metadata.region
    found: list[Warning] = []
    if len(path) < 2:
        return found
    target = path[-1]
    found.append(_support(target, today, spec.support_type or "STANDARD"))
    removed = []
    for version in path[1:]:
        apis = removed_apis(version)
        removed.append(f"{version}: " + ("not in eksgen's table, read the release notes" if apis is None else
                                         "; ".join(a.summary() for a in apis) or "none"))
    found.append(Warning("removed APIs", "check workloads and charts for APIs Kubernetes stops serving: "
                         + "; ".join(removed), removed_apis_source()))
    found.append(Warning("free IPs", f"EKS needs up to {control_plane_free_ips()} free IP addresses in the subnets "
                         f"the cluster was created with ({_control_subnets(spec)}) for each control-plane update",
                         "EKS user guide, update-cluster.html",
                         f"aws ec2 describe-subnets --region {region} --subnet-ids <control-plane subnet IDs> "
                         "--query 'Subnets[].[SubnetId,AvailableIpAddressCount]'"))
    later = f" (then with {', '.join(path[2:])} before each later step)" if len(path) > 2 else ""
    found.append(Warning("insights", "only the live cluster can tell whether workloads call removed APIs or nodes "
                         f"lag: read EKS upgrade insights before each step{later}; an ERROR insight must be resolved "
                         "first", "EKS user guide, cluster-insights.html",
                         f"aws eks list-insights --region {region} --cluster-name {name} --filter "
                         f"'{{\"categories\":[\"UPGRADE_READINESS\"],\"kubernetesVersions\":[\"{path[1]}\"]}}'"))
    if spec.karpenter and spec.karpenter.enabled and not sources.karpenter_version:
        minimum = karpenter_minimum(target)
        found.append(Warning("karpenter", f"Karpenter must support every version on the path (>= {minimum} for "
                             f"{target})" if minimum else f"eksgen's table names no Karpenter release for {target}",
                             karpenter_source(), "pass --karpenter-version VERSION (helm list -A | grep karpenter) "
                             "to check it"))
    elif spec.karpenter and spec.karpenter.enabled and sources.karpenter_version:
        unknown = [v for v in path[1:] if karpenter_supports(sources.karpenter_version, v) is None]
        if unknown:
            found.append(Warning("karpenter", f"eksgen's table cannot say whether Karpenter "
                                 f"{sources.karpenter_version} supports {', '.join(unknown)}", karpenter_source()))
    found += list(_custom_images(spec, path))
    return found


def _support(target: str, today: dt.date, support_type: str) -> Warning:
    info, price = release(target), support_pricing()
    if info is None:  # plan.py refuses a target outside the table first
        raise InternalError(f"{target} is not in the release table")
    cost = (f"extended support costs {price.currency} {price.extended} per cluster-hour instead of {price.standard} "
            f"(+{price.extra_per_hour})")
    if today > info.end_of_standard:
        text = f"{target} is already in extended support on {today} (until {info.end_of_extended}): {cost}"
    elif support_type == "EXTENDED":
        text = (f"{target}: standard support until {info.end_of_standard}, then extended (supportType EXTENDED) "
                f"until {info.end_of_extended}: {cost}")
    else:
        text = (f"{target}: standard support until {info.end_of_standard}; with supportType STANDARD EKS upgrades the "
                f"cluster itself after that date (EXTENDED keeps it until {info.end_of_extended}: {cost})")
    return Warning("support", text, price.source)


def _control_subnets(spec: Any) -> str:
    vpc = spec.vpc
    if vpc is None or vpc.subnets is None:
        return "the cluster's subnets"
    if vpc.id is None:
        listed = vpc.subnets.intra or vpc.subnets.private or []
        return "intra subnets " + ", ".join(listed) if vpc.subnets.intra else "private subnets " + ", ".join(listed)
    return ", ".join(vpc.subnets.control_plane or vpc.subnets.private or [])


def _custom_images(spec: Any, path: list[str]) -> Iterator[Warning]:
    for where, ng in _groups(spec):
        if ng.ami_id:
            yield Warning("nodes", f"{where} ({ng.name}) runs the custom AMI {ng.ami_id}: in every step give it an "
                          "image for that version; EKS updates the control plane only once managed nodes run its "
                          "minor", "EKS user guide, update-cluster.html")
