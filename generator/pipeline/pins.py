"""Stage after defaults: versions pinned by `eksgen.lock` (written by `eksgen lock` beside the spec).

Terraform locks providers, not modules or what they look up: an addon without `addon_version` gets
`most_recent` at apply time, a managed node group the newest AMI release for its version. The lock pins
both, per cluster; a `version` (or `amiReleaseVersion`) written in the spec wins over it, and a pin that no
longer fits its cluster (another Kubernetes version, another AMI type, a removed addon or group) is not
applied and says so (warning EKS151). Without a lock this stage changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from generator.errors import Issue, UsageError, quote_name

LOCK_NAME = "eksgen.lock"
LOCK_VERSION = 1


def read_lock(path: Path) -> dict[str, Any] | None:
    """The lock's clusters (name -> pins), or None when there is no lock file."""
    return read_lock_and_digest(path)[0]


def read_lock_and_digest(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """`read_lock`, and the SHA-256 of the very bytes read (None without a lock file)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise UsageError(f"{quote_name(str(path))}: {exc.strerror or exc}") from None
    return _clusters(path, raw), hashlib.sha256(raw).hexdigest()


def _clusters(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{quote_name(str(path))}: not JSON ({exc}); run `eksgen lock` to write it again") from None
    clusters = data.get("clusters") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("lockVersion") != LOCK_VERSION or not isinstance(clusters, dict) \
            or not all(isinstance(c, dict) for c in clusters.values()):
        raise UsageError(f"{quote_name(str(path))}: not an eksgen lock (lockVersion {LOCK_VERSION} with clusters); "
                         "run `eksgen lock` to write it again")
    return clusters


def _stale(loc: tuple[str | int, ...], message: str) -> Issue:
    return Issue(loc, f"{LOCK_NAME}: {message}; not applied (run `eksgen lock`)", severity="warning", rule="EKS151")


def apply_pins(cluster: Any, pins: dict[str, Any] | None) -> tuple[Any, list[Issue]]:
    """`cluster` (effective) with the lock's fitting pins filled in where the spec leaves them unset."""
    if pins is None:
        return cluster, []
    spec = cluster.spec
    locked = pins.get("kubernetesVersion")
    if locked != spec.kubernetes_version:
        return cluster, [_stale(("spec", "kubernetesVersion"), f"pins are for Kubernetes {locked}, the cluster is "
                                f"{spec.kubernetes_version}")]
    issues: list[Issue] = []
    addons = dict(spec.addons)
    for name, pin in sorted((pins.get("addons") or {}).items()):
        addon = addons.get(name)
        if addon is None:
            issues.append(_stale(("spec", "addons"), f"addon {name} is pinned but not in the spec"))
        elif addon.version is None:
            addons[name] = addon.model_copy(update={"version": pin.get("version")})
    groups = []
    ng_pins = pins.get("nodeGroups") or {}
    for index, ng in enumerate(spec.managed_node_groups):
        pin = ng_pins.get(ng.name)
        if pin is None or ng.ami_release_version is not None or ng.ami_id or ng.launch_template:
            groups.append(ng)
        elif pin.get("amiType") != ng.ami_type:
            issues.append(_stale(("spec", "managedNodeGroups", index, "amiType"), f"node group {ng.name} is pinned "
                                 f"for {pin.get('amiType')}, the spec says {ng.ami_type}"))
            groups.append(ng)
        else:
            groups.append(ng.model_copy(update={"ami_release_version": pin.get("releaseVersion")}))
    for name in sorted(set(ng_pins) - {ng.name for ng in spec.managed_node_groups}):
        issues.append(_stale(("spec", "managedNodeGroups"), f"node group {name} is pinned but not in the spec"))
    new_spec = spec.model_copy(update={"addons": addons, "managed_node_groups": groups})
    return cluster.model_copy(update={"spec": new_spec}), issues
