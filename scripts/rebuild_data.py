#!/usr/bin/env python3
"""Rebuild eksgen's shipped data tables from their public sources (needs network, or local copies).

    python scripts/rebuild_data.py ami-releases [--from FILE]    # awslabs/amazon-eks-ami CHANGELOG.md
    python scripts/rebuild_data.py karpenter [--from FILE]       # karpenter-provider-aws compatibility.md
    python scripts/rebuild_data.py removed-apis [--from FILE]    # kubernetes/website deprecation-guide.md
    python scripts/rebuild_data.py instance-info [--from FILE]   # amazon-eks-ami nodeadm instance-info.jsonl
    python scripts/rebuild_data.py releases --from FILE          # `aws eks describe-cluster-versions` output

Each writes generator/facts/data/<table> with the source and the date it was read; review the git diff
before committing. Nothing here runs in the test suite or at eksgen's run time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "generator" / "facts" / "data"
SOURCES = {
    "ami-releases": "https://raw.githubusercontent.com/awslabs/amazon-eks-ami/main/CHANGELOG.md",
    "karpenter": "https://raw.githubusercontent.com/aws/karpenter-provider-aws/main/website/content/en/docs/"
                 "upgrading/compatibility.md",
    "removed-apis": "https://raw.githubusercontent.com/kubernetes/website/main/content/en/docs/reference/"
                    "using-api/deprecation-guide.md",
    "instance-info": "https://raw.githubusercontent.com/awslabs/amazon-eks-ami/main/nodeadm/internal/kubelet/"
                     "instance-info.jsonl",
}
RELEASE_HEADING = re.compile(r"^# AMI Release (v\d{8})", re.M)
K8S_SECTION = re.compile(r"<summary><b>Kubernetes (1\.\d+)</b></summary>(.*?)</details>", re.S)
# AMI names and release versions in table order: a release cell (rowspan) follows the first name of its group.
TOKEN = re.compile(r"<td>(amazon-eks-[^<]+)</td>|<td[^>]*>(1\.\d+\.\d+-\d{8})</td>")
KEEP_PER_VERSION = 3


def read(source: str, local: str | None) -> str:
    if local:
        return Path(local).read_text("utf-8")
    with urllib.request.urlopen(source, timeout=60) as response:  # fixed https URLs
        return str(response.read().decode("utf-8"))


def ami_releases(text: str, source: str) -> dict[str, object]:
    """Newest KEEP_PER_VERSION EKS-optimized AMI releases per Kubernetes version and family (AL2023, AL2)."""
    rows: dict[tuple[str, str], list[dict[str, str]]] = {}
    heads = list(RELEASE_HEADING.finditer(text))
    for index, head in enumerate(heads):
        body = text[head.end(): heads[index + 1].start() if index + 1 < len(heads) else len(text)]
        released = dt.datetime.strptime(head.group(1)[1:], "%Y%m%d").date().isoformat()
        for section in K8S_SECTION.finditer(body):
            version, table = section.group(1), section.group(2)
            for family, release_version in _groups(table):
                listed = rows.setdefault((version, family), [])
                if len(listed) < KEEP_PER_VERSION and all(r["releaseVersion"] != release_version for r in listed):
                    listed.append({"releaseVersion": release_version, "released": released, "tag": head.group(1)})
    releases = [{"kubernetesVersion": v, "family": f, **r} for (v, f), listed in sorted(rows.items()) for r in listed]
    return {"source": source, "date": dt.date.today().isoformat(), "releases": releases}


def _groups(table: str) -> list[tuple[str, str]]:
    """(family, release version) for every AMI name of a Kubernetes version's table."""
    found: list[tuple[str, str]] = []
    names: list[str] = []
    current: str | None = None
    for name, release_version in TOKEN.findall(table):
        if release_version:
            current = release_version
            found += [(_family(n), current) for n in names]
            names = []
        elif current is not None and names == [] and found and found[-1][1] == current:
            found.append((_family(name), current))
        else:
            names.append(name)
    return list(dict.fromkeys(found))


def _family(ami_name: str) -> str:
    return "AL2023" if "-al2023-" in ami_name else "AL2"


def karpenter(text: str, source: str) -> dict[str, object]:
    head = re.search(r"\| KUBERNETES \|(.*)\n.*\n\| karpenter\s*\|(.*)\n", text)
    if head is None:
        sys.exit("no compatibility matrix found")
    versions = [c.strip() for c in head.group(1).split("|") if c.strip()]
    minimums = [c.strip().replace("\\", "").lstrip(">= ").strip() for c in head.group(2).split("|") if c.strip()]
    return {"source": source, "date": dt.date.today().isoformat(),
            "minimumKarpenter": dict(zip(versions, minimums, strict=True))}


def removed_apis(text: str, source: str) -> dict[str, object]:
    removed: dict[str, list[str]] = {}
    for section in re.finditer(r"^### v(1\.\d+)\n(.*?)(?=^### v|\Z)", text, re.S | re.M):
        apis = re.findall(r"The \*\*([a-z0-9./]+)\*\* API version of ([A-Za-z, ]+?) (?:is|will)", section.group(2))
        removed[section.group(1)] = [f"{api} {kinds}" for api, kinds in apis]
    return {"source": source, "date": dt.date.today().isoformat(), "removed": removed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("table", choices=[*SOURCES, "releases"])
    parser.add_argument("--from", dest="local", help="read this local copy instead of the URL")
    args = parser.parse_args()
    if args.table == "releases":
        if not args.local:
            sys.exit("releases: give --from FILE, the JSON of `aws eks describe-cluster-versions`")
        versions = json.loads(Path(args.local).read_text("utf-8"))["clusterVersions"]
        print(json.dumps([{k: v.get(k) for k in ("clusterVersion", "releaseDate", "endOfStandardSupportDate",
                                                 "endOfExtendedSupportDate")} for v in versions], indent=2))
        print("merge these dates into generator/facts/data/kubernetes-releases.json by hand", file=sys.stderr)
        return
    text = read(SOURCES[args.table], args.local)
    if args.table == "instance-info":
        (DATA / "instance-info.jsonl").write_text(text, "utf-8")
        return
    build = {"ami-releases": ami_releases, "karpenter": karpenter, "removed-apis": removed_apis}[args.table]
    table = build(text, SOURCES[args.table])
    names = {"ami-releases": "ami-releases.json", "karpenter": "karpenter-compatibility.generated.json",
             "removed-apis": "removed-apis.generated.json"}
    (DATA / names[args.table]).write_text(json.dumps(table, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
