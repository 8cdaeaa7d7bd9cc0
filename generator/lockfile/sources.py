"""What an upgrade plan may know beyond the spec: addon versions per Kubernetes version (the JSON
`aws eks describe-addon-versions` prints), AMI releases, and the Karpenter version that runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import UsageError, quote_name
from generator.facts.upgrades import AmiRelease, ami_releases_from, minor_of, shipped_ami_releases, shipped_ami_source


@dataclass(frozen=True)
class AddonVersions:
    """addon name -> [(version, cluster versions it is compatible with)], as describe-addon-versions lists them."""

    source: str
    versions: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)

    def newest(self, addon: str, kubernetes: str) -> str | None:
        """The newest version compatible with `kubernetes`: what an unpinned apply (most_recent) would get."""
        fitting = [v for v, clusters in self.versions.get(addon, []) if kubernetes in clusters]
        return max(fitting, key=_addon_version_key, default=None)

    def supports(self, addon: str, version: str, kubernetes: str) -> bool | None:
        """Whether `version` is compatible with `kubernetes`; None when the file does not list it."""
        for listed, clusters in self.versions.get(addon, []):
            if listed == version:
                return kubernetes in clusters
        return None


def _addon_version_key(version: str) -> tuple[int, ...]:
    """v1.20.4-eksbuild.1 -> (1, 20, 4, 1): numeric, so v1.9 sorts before v1.10."""
    digits = version.lstrip("v").replace("-eksbuild", "").replace("-", ".").split(".")
    return tuple(int(d) if d.isdigit() else -1 for d in digits)


def read_addon_versions(path: Path) -> AddonVersions:
    """Parse `aws eks describe-addon-versions` output (botocore's DescribeAddonVersionsResponse shape)."""
    data = _read_json(path)
    addons = data.get("addons") if isinstance(data, dict) else None
    if not isinstance(addons, list):
        raise UsageError(f"{quote_name(str(path))}: not `aws eks describe-addon-versions` output (no 'addons' list)")
    versions: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for index, addon in enumerate(addons):
        name = addon.get("addonName") if isinstance(addon, dict) else None
        listed = addon.get("addonVersions") if isinstance(addon, dict) else None
        if not isinstance(name, str) or not isinstance(listed, list):
            raise UsageError(f"{quote_name(str(path))}: addons[{index}] needs addonName and addonVersions")
        for info in listed:
            version = info.get("addonVersion") if isinstance(info, dict) else None
            compat = info.get("compatibilities", []) if isinstance(info, dict) else None
            if not isinstance(version, str) or not isinstance(compat, list):
                raise UsageError(f"{quote_name(str(path))}: addons[{index}] ({name}): a version without "
                                 "addonVersion or compatibilities")
            clusters = frozenset(c["clusterVersion"] for c in compat
                                 if isinstance(c, dict) and isinstance(c.get("clusterVersion"), str))
            versions.setdefault(name, []).append((version, clusters))
    return AddonVersions(source=f"describe-addon-versions: {path.name}", versions=versions)


def read_ami_releases(path: Path) -> tuple[AmiRelease, ...]:
    """A release list in the shipped snapshot's shape: {"releases": [{kubernetesVersion, family, releaseVersion,
    released}]}."""
    data = _read_json(path)
    try:
        releases = ami_releases_from(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{quote_name(str(path))}: not an AMI release list ({exc}); see "
                         "generator/facts/data/ami-releases.json for the shape") from None
    for release in releases:
        if minor_of(release.release_version) != minor_of(release.kubernetes_version):
            raise UsageError(f"{quote_name(str(path))}: release {release.release_version} is not for Kubernetes "
                             f"{release.kubernetes_version}")
    return releases


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise UsageError(f"{quote_name(str(path))}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{quote_name(str(path))}: not JSON: {exc}") from None


@dataclass(frozen=True)
class Sources:
    addon_versions: AddonVersions | None = None
    ami_releases: tuple[AmiRelease, ...] = field(default_factory=shipped_ami_releases)
    ami_source: str = field(default_factory=lambda: _snapshot_name())
    karpenter_version: str | None = None


def sources_from(addon_versions: Path | None, ami_releases: Path | None, karpenter_version: str | None = None
                 ) -> Sources:
    """The sources the command line names; the shipped AMI snapshot unless `ami_releases` replaces it."""
    addons = read_addon_versions(addon_versions) if addon_versions else None
    if ami_releases is None:
        return Sources(addons, karpenter_version=karpenter_version, ami_source=_snapshot_name())
    return Sources(addons, read_ami_releases(ami_releases), f"--ami-releases {ami_releases.name}", karpenter_version)


def _snapshot_name() -> str:
    _, date = shipped_ami_source()
    return f"eksgen's amazon-eks-ami snapshot of {date}"
