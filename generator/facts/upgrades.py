"""Facts an upgrade plan and a lock read: removed APIs, Karpenter's Kubernetes range, support pricing,
the kubelet skew policy and EKS-optimized AMI releases. Each table is a file in `data/` with its source
and date; `eksgen data` lists them, `scripts/rebuild_data.py` rebuilds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.facts.releases import load_json


def minor_of(version: str) -> tuple[int, int] | None:
    """"1.32" or "1.32.9-20260714" or "1.0.5" -> (1, 32); None when it does not start so."""
    parts = version.lstrip("v").split("-")[0].split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class RemovedApi:
    api: str
    kinds: tuple[str, ...]
    use: str

    def summary(self) -> str:
        return f"{self.api} {', '.join(self.kinds)}: use {self.use}"


def removed_apis(version: str) -> tuple[RemovedApi, ...] | None:
    """APIs Kubernetes stops serving in `version`; None when the table does not cover it."""
    rows: dict[str, list[dict[str, Any]]] = load_json("removed-apis.json")["removed"]
    if version not in rows:
        return None
    return tuple(RemovedApi(r["api"], tuple(r["kinds"]), r["use"]) for r in rows[version])


def removed_apis_source() -> str:
    return str(load_json("removed-apis.json")["source"])


def karpenter_minimum(kubernetes: str) -> str | None:
    """The oldest Karpenter release that supports `kubernetes` (None: the table knows no such release)."""
    minimums: dict[str, str] = load_json("karpenter-compatibility.json")["minimumKarpenter"]
    return minimums.get(kubernetes)


def karpenter_supports(karpenter: str, kubernetes: str) -> bool | None:
    """Whether Karpenter `karpenter` runs on `kubernetes`; None when the table cannot say (a Kubernetes
    version it does not cover, or a Karpenter release newer than it knows)."""
    table = load_json("karpenter-compatibility.json")
    minimums: dict[str, str] = table["minimumKarpenter"]
    have, want, minimum = _version_tuple(karpenter), minor_of(kubernetes), minimums.get(kubernetes)
    if have is None or want is None:
        return None
    newest = table["newestKubernetes"].get(f"{have[0]}.{have[1]}")
    if newest is not None:
        newest_minor = minor_of(newest)
        return newest_minor is not None and want <= newest_minor and (
            minimum is None or have >= (_version_tuple(minimum) or ()))
    if minimum is None:
        return None
    if have < (_version_tuple(minimum) or ()):
        return False
    known = [v for v in (_version_tuple(k) for k in table["newestKubernetes"]) if v is not None]
    if known and have[:2] > max(known):
        return None  # newer than the table
    # Before 1.0 a release supports up to the newest Kubernetes whose minimum it meets.
    newest = max((k for k, m in minimums.items() if have >= (_version_tuple(m) or ())),
                 key=lambda k: minor_of(k) or (0, 0))
    newest_minor = minor_of(newest)
    return newest_minor is not None and want <= newest_minor


def karpenter_source() -> str:
    return str(load_json("karpenter-compatibility.json")["source"])


def _version_tuple(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in version.lstrip("v").split("."))
    except ValueError:
        return None


@dataclass(frozen=True)
class Pricing:
    standard: str
    extended: str
    currency: str
    source: str

    @property
    def extra_per_hour(self) -> str:
        return f"{float(self.extended) - float(self.standard):.2f}"


@cache
def support_pricing() -> Pricing:
    data = load_json("eks-pricing.json")
    return Pricing(data["standardPerClusterHour"], data["extendedPerClusterHour"], data["currency"], data["source"])


def kubelet_skew() -> int:
    """How many minors a kubelet may trail the API server."""
    return int(load_json("version-skew.json")["kubeletOlderMinors"])


def control_plane_free_ips() -> int:
    return int(load_json("version-skew.json")["controlPlaneFreeIps"])


@dataclass(frozen=True)
class AmiRelease:
    kubernetes_version: str
    family: str
    release_version: str
    released: dt.date


def ami_family(ami_type: str | None) -> str | None:
    """The amazon-eks-ami family of an AMI type (AL2023, AL2); None for Bottlerocket, Windows, CUSTOM."""
    if not ami_type:
        return None
    if ami_type.startswith("AL2023_"):
        return "AL2023"
    return "AL2" if ami_type.startswith("AL2_") else None


def ami_releases_from(data: Any) -> tuple[AmiRelease, ...]:
    """Rows of an AMI release table (the shipped snapshot's shape, or a `--ami-releases` file)."""
    return tuple(AmiRelease(r["kubernetesVersion"], r["family"], r["releaseVersion"],
                            dt.date.fromisoformat(r["released"])) for r in data["releases"])


@cache
def shipped_ami_releases() -> tuple[AmiRelease, ...]:
    return ami_releases_from(load_json("ami-releases.json"))


def shipped_ami_source() -> tuple[str, str]:
    data = load_json("ami-releases.json")
    return str(data["source"]), str(data["date"])


def newest_ami_release(releases: tuple[AmiRelease, ...], kubernetes: str, family: str) -> AmiRelease | None:
    fitting = [r for r in releases if r.kubernetes_version == kubernetes and r.family == family]
    return max(fitting, key=lambda r: (r.released, r.release_version), default=None)
