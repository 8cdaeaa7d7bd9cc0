"""Build, write and check `eksgen.lock`: per cluster, the addon versions for its Kubernetes version (the
newest compatible one in `aws eks describe-addon-versions` output: what an unpinned apply gets today), the
AMI release of each managed node group on an EKS image, and the module versions with their catalog hashes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SpecInvalid
from generator.facts.upgrades import ami_family, minor_of, newest_ami_release
from generator.gitops.selection import select
from generator.lockfile.sources import Sources, sources_from
from generator.pipeline.pins import LOCK_NAME, LOCK_VERSION, read_lock
from generator.pipeline.run import check_document
from generator.pipeline.specfile import cluster_name, load_spec
from generator.pipeline.write import atomic_write
from generator.terraform.catalogs import index as catalog_index
from generator.terraform.catalogs import load as load_catalog
from generator.terraform.registry import registry


@dataclass
class Locked:
    """One cluster's lock entry, and what could not be pinned (no data for it)."""

    spec: Path
    cluster: str
    lock: Path
    entry: dict[str, Any]
    unpinned: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # --check: pins that no longer fit


def _clusters(specs: list[Path], today: dt.date) -> list[tuple[Path, str, Any]]:
    found, errors = [], []
    for spec in specs:
        for doc in load_spec(spec):
            doc.pins = None  # the spec's own choices, not the lock's
            checked = check_document(doc, today=today, dated_as_warnings=True)
            if checked.errors or checked.effective is None:
                errors += checked.errors or checked.issues
            else:
                found.append((spec, cluster_name(doc) or "?", checked.effective))
    if errors:
        raise SpecInvalid(errors)
    return found


def modules_entry(cluster: Any) -> dict[str, Any]:
    """Each module pin's version and the content hash of every interface catalog eksgen checked it against."""
    pins, reg = dict(cluster.spec.terraform.modules), registry()
    entry = {}
    for name, version in sorted(pins.items()):
        catalog = reg.pins[name].catalog
        subs = sorted((sub for (key, listed, sub) in catalog_index() if key == catalog and listed == version),
                      key=lambda sub: sub or "")
        hashes = {f"{catalog}-{version}" + (f"-{sub}" if sub else ""):
                  load_catalog(catalog, version, sub)["content_hash"] for sub in subs}
        entry[name] = {"version": version, "catalogs": hashes}
    return entry


def lock_entry(cluster: Any, sources: Sources, today: dt.date, previous: dict[str, Any] | None
               ) -> tuple[dict[str, Any], list[str]]:
    spec, version, unpinned = cluster.spec, cluster.spec.kubernetes_version, []
    kept = previous if previous and previous.get("kubernetesVersion") == version else {}
    addons: dict[str, Any] = {}
    for name, addon in sorted(spec.addons.items()):
        newest = sources.addon_versions.newest(name, version) if sources.addon_versions else None
        if addon.version:
            addons[name] = {"version": addon.version, "source": "the spec (addons.version wins)", "date": str(today)}
        elif newest and sources.addon_versions:
            addons[name] = {"version": newest, "source": sources.addon_versions.source, "date": str(today)}
        elif name in (kept.get("addons") or {}):
            addons[name] = kept["addons"][name]
        else:
            unpinned.append(f"addon {name}: no version for {version} (give --addon-versions FILE)")
    groups: dict[str, Any] = {}
    for ng in spec.managed_node_groups:
        family = ami_family(ng.ami_type)
        found = newest_ami_release(sources.ami_releases, version, family) if family else None
        if ng.ami_id or ng.launch_template:
            continue  # the image is the spec's own choice
        if found is None:
            unpinned.append(f"node group {ng.name}: no {ng.ami_type} release for {version} in {sources.ami_source}")
            continue
        groups[ng.name] = {"amiType": ng.ami_type, "releaseVersion": found.release_version,
                           "source": sources.ami_source, "date": found.released.isoformat()}
    return {"kubernetesVersion": version, "addons": addons, "nodeGroups": groups,
            "modules": modules_entry(cluster)}, unpinned


def lock_path(spec: Path, lock: Path | None) -> Path:
    return lock if lock is not None else spec.parent / LOCK_NAME


def lock_specs(specs: list[Path], *, lock: Path | None = None, sources: Sources | None = None,
               today: dt.date | None = None, write: bool = True) -> list[Locked]:
    """Lock every cluster of `specs`; with `write`, merge the entries into each lock file (keyed by cluster)."""
    clock, chosen = today or dt.date.today(), sources or Sources()
    results = []
    for spec, name, cluster in _clusters(specs, clock):
        path = lock_path(spec, lock)
        previous = (read_lock(path) or {}).get(name)
        entry, unpinned = lock_entry(cluster, chosen, clock, previous)
        results.append(Locked(spec, name, path, entry, unpinned))
    if write:
        for path in sorted({r.lock for r in results}):
            clusters = dict(read_lock(path) or {})
            clusters.update({r.cluster: r.entry for r in results if r.lock == path})
            text = json.dumps({"lockVersion": LOCK_VERSION, "clusters": clusters}, indent=2, sort_keys=True,
                              ensure_ascii=False)
            atomic_write(path, (text + "\n").encode("utf-8"))
    return results


def check_locks(specs: list[Path], *, lock: Path | None = None, today: dt.date | None = None) -> list[Locked]:
    """Every cluster's pins against the cluster as the spec now says it is; `problems` name what no longer fits."""
    clock, results = today or dt.date.today(), []
    for spec, name, cluster in _clusters(specs, clock):
        path = lock_path(spec, lock)
        entry = (read_lock(path) or {}).get(name)
        result = Locked(spec, name, path, entry or {})
        result.problems = [f"{name}: {p}" for p in _misfits(cluster, entry, path)]
        results.append(result)
    return results


def _misfits(cluster: Any, entry: dict[str, Any] | None, path: Path) -> list[str]:
    spec = cluster.spec
    if entry is None:
        return [f"not in {path}"]
    if entry.get("kubernetesVersion") != spec.kubernetes_version:
        return [f"pinned for Kubernetes {entry.get('kubernetesVersion')}, the spec says {spec.kubernetes_version}"]
    found = []
    addons = entry.get("addons") or {}
    found += [f"addon {n} is pinned but no longer in the spec" for n in sorted(set(addons) - set(spec.addons))]
    groups = entry.get("nodeGroups") or {}
    names = {ng.name: ng for ng in spec.managed_node_groups}
    found += [f"node group {n} is pinned but no longer in the spec" for n in sorted(set(groups) - set(names))]
    for name, pin in sorted(groups.items()):
        ng = names.get(name)
        if ng is not None and pin.get("amiType") != ng.ami_type:
            found.append(f"node group {name} is pinned for {pin.get('amiType')}, the spec says {ng.ami_type}")
        elif ng is not None and minor_of(str(pin.get("releaseVersion"))) != minor_of(spec.kubernetes_version):
            found.append(f"node group {name}: release {pin.get('releaseVersion')} is not for {spec.kubernetes_version}")
    modules = modules_entry(cluster)
    found += [f"module {n}: pinned {(entry.get('modules') or {}).get(n)}, now {m}" for n, m in modules.items()
              if (entry.get("modules") or {}).get(n) != m]
    return found


def lock(arguments: list[str], *, lock_file: Path | None = None, addon_versions: Path | None = None,
         ami_releases: Path | None = None, check: bool = False, today: dt.date | None = None) -> list[Locked]:
    """`eksgen lock`: write eksgen.lock for every cluster the arguments name (files, globs, directories, bases),
    or with `check`, say which pins no longer fit."""
    specs = select(arguments).specs
    if check:
        return check_locks(specs, lock=lock_file, today=today)
    return lock_specs(specs, lock=lock_file, sources=sources_from(addon_versions, ami_releases), today=today)
