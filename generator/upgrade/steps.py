"""What one minor of the path does, in the order it happens: the control plane, the addons, the node
groups, then what rolls by itself. Module facts (terraform-aws-eks v21.19.0): node groups default their
`kubernetes_version` to the cluster's (node_groups.tf), managed groups take the newest AMI release for it
from SSM while `use_latest_ami_release_version` is true (its default), self-managed groups look up the
SSM-recommended AMI for it and replace instances by an instance refresh (Rolling, 66 % healthy by
default), and addons without `addon_version` take `most_recent = true` for the cluster version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from generator.facts.upgrades import ami_family, karpenter_minimum, minor_of, newest_ami_release
from generator.lockfile.sources import Sources
from generator.upgrade.model import Action

CONTROL_PLANE: Final = "control plane"
LAST_AL2 = (1, 32)  # amazon-eks-ami publishes AL2 images up to 1.32 (facts/data/ami-releases.json)


def step_actions(cluster: Any, before: str, after: str, sources: Sources,
                 pins: dict[str, Any] | None = None) -> list[Action]:
    spec = cluster.spec
    actions = [Action(CONTROL_PLANE, CONTROL_PLANE, f"{before} -> {after}: UpdateClusterVersion, in place; the API "
                      "server stays available; EKS checks its upgrade insights first")]
    actions += list(_addons(spec, after, sources, pins or {}))
    actions += list(_node_groups(spec, after, sources))
    actions += list(_self_rolling(spec, after, sources))
    return actions


def _addons(spec: Any, version: str, sources: Sources, pins: dict[str, Any]) -> Iterator[Action]:
    if not spec.addons:
        if spec.auto_mode and spec.auto_mode.enabled:
            yield Action("addons", "addons", "none listed: EKS Auto Mode upgrades the networking, DNS, storage and "
                         "Pod Identity components itself")
        return
    data = sources.addon_versions
    locked = pins.get("addons", {})
    # before_compute addons go first (the module creates them before the node groups), then the rest.
    for name, addon in sorted(spec.addons.items(), key=lambda item: not item[1].before_compute):
        first = "; before the node groups (before_compute)" if addon.before_compute else ""
        newest = data.newest(name, version) if data else None
        if addon.version:
            text = f"pinned in the spec to {addon.version}{first}"
            if data and data.supports(name, addon.version, version) is False:
                text += f": not compatible with {version} per {data.source}"
        elif name in locked:
            text = (f"eksgen.lock pins {locked[name].get('version')} for {pins.get('kubernetesVersion')}: "
                    f"re-lock after this step (`eksgen lock`){first}")
        elif newest:
            text = f"floats: most_recent for {version} at apply time, {newest} per {data.source if data else ''}{first}"
        else:
            text = f"floats: most_recent for {version} at apply time; `eksgen lock` pins it{first}"
        yield Action("addons", f"addon {name}", text)


def _node_groups(spec: Any, version: str, sources: Sources) -> Iterator[Action]:
    for ng in spec.managed_node_groups or []:
        subject = f"managed node group {ng.name}"
        if ng.launch_template is not None:
            yield Action("node groups", subject, f"its launch template {ng.launch_template.id} decides the AMI: give "
                         f"it an AMI for {version}; EKS then rolls the group")
        elif ng.ami_id:
            yield Action("node groups", subject, f"custom AMI {ng.ami_id}: replace amiId with an image for {version}; "
                         "EKS then rolls the group")
        elif ami_family(ng.ami_type) == "AL2" and (minor_of(version) or (0, 0)) > LAST_AL2:
            yield Action("node groups", subject, f"no {ng.ami_type} AMI exists for {version}: blocked until the group "
                         "moves to AL2023")
        else:
            yield Action("node groups", subject, f"kubernetes_version follows the control plane: EKS rolls the group "
                         f"to the newest {ng.ami_type} release for {version}{_release(ng.ami_type, version, sources)}"
                         f", {_unavailable(ng)} at a time")
    for ng in spec.self_managed_node_groups or []:
        subject = f"self-managed node group {ng.name}"
        if ng.ami_id:
            yield Action("node groups", subject, f"custom AMI {ng.ami_id}: replace amiId with an image for {version}; "
                         "the instance refresh then replaces the instances")
        elif ami_family(ng.ami_type) == "AL2" and (minor_of(version) or (0, 0)) > LAST_AL2:
            yield Action("node groups", subject, f"no {ng.ami_type} AMI exists for {version}: blocked until the group "
                         "moves to AL2023")
        else:
            yield Action("node groups", subject, f"the launch template takes the SSM-recommended {ng.ami_type} AMI "
                         f"for {version}; an instance refresh (Rolling, 66 % healthy) replaces the instances")
    for profile in spec.fargate_profiles or []:
        namespaces = ", ".join(sorted({s.namespace for s in profile.selectors}))
        yield Action("node groups", f"Fargate profile {profile.name}", f"running pods keep their old kubelet until "
                     f"they restart: `kubectl rollout restart` the deployments in {namespaces} after this step")


def _release(ami_type: str | None, version: str, sources: Sources) -> str:
    family = ami_family(ami_type)
    found = newest_ami_release(sources.ami_releases, version, family) if family else None
    return f" ({found.release_version} in {sources.ami_source})" if found else ""


def _unavailable(ng: Any) -> str:
    if ng.max_unavailable_percentage:
        return f"{ng.max_unavailable_percentage} % of the nodes"
    return f"{ng.max_unavailable or 1} node(s)"


def _self_rolling(spec: Any, version: str, sources: Sources) -> Iterator[Action]:
    if spec.auto_mode and spec.auto_mode.enabled:
        yield Action("rolls by itself", "EKS Auto Mode", f"EKS replaces its nodes with {version} images after the "
                     "control plane step, within your disruption budgets")
    if spec.karpenter and spec.karpenter.enabled:
        minimum = karpenter_minimum(version)
        need = f"Karpenter >= {minimum} supports {version}" if minimum else \
            f"eksgen's table names no Karpenter release for {version}"
        running = f"; running {sources.karpenter_version}" if sources.karpenter_version else ""
        yield Action("rolls by itself", "Karpenter nodes", f"drift to the {version} AMI when their EC2NodeClass uses "
                     f"an alias such as al2023@latest (a pinned AMI does not move) ({need}{running})")
