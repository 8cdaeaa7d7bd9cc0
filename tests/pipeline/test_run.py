"""Property tests: random VALID specs built from eksgen's own vocabulary (names that satisfy the name rules,
regions from data/regions.json, versions from data/kubernetes-releases.json supported on TODAY, instance
types from data/instance-info.jsonl, ...), plus random corruptions of them.

Properties:
(a) `check_document` never raises and returns only Issues (also for corrupted specs);
(b) a valid spec has no error (warnings are allowed);
(c) the full render (round trip and interface check inside) succeeds and is deterministic;
(d) defaults are idempotent: the effective spec (what `eksgen explain` prints), read back as a spec,
    defaults to itself.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import string
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import Issue, SpecInvalid
from generator.facts import instances
from generator.facts.partition import partition
from generator.pipeline.checks.rules import RULES
from generator.pipeline.checks.strings import text_problem
from generator.pipeline.defaults import apply_defaults, default_kubernetes_version
from generator.pipeline.load import dump_yaml, load_documents
from generator.pipeline.run import build_document, check_document
from generator.pipeline.spec import parse_cluster
from generator.schema import effective_yaml
from generator.terraform.registry import registry
from tests.helpers import TODAY

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _data(name: str) -> Any:
    return resources.files("generator.facts").joinpath("data", name).read_text("utf-8")


REGIONS: dict[str, str] = json.loads(_data("regions.json"))["regions"]
# Regions whose zone letters differ per account: a spec there lists its zones (EKS025).
ZONES_DIFFER: dict[str, str] = json.loads(_data("regions.json")).get("zonesDifferPerAccount", {})
RELEASES = [r for r in json.loads(_data("kubernetes-releases.json"))["releases"]
            if dt.date.fromisoformat(r["endOfExtended"]) >= TODAY]
LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653]
ACCESS_POLICIES = ["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy",
                   "AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"]
WELL_KNOWN = ["ebsCsi", "efsCsi", "vpcCni", "loadBalancerController", "externalDns", "clusterAutoscaler",
              "certManager", "externalSecrets", "velero", "nodeTerminationHandler", "cloudwatchObservability",
              "mountpointS3Csi"]
ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver", "aws-efs-csi-driver",
          "snapshot-controller", "metrics-server", "amazon-cloudwatch-observability"]
# Ranges a public endpoint CIDR may be drawn from (documentation and ordinary public space).
PUBLIC_CIDRS = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "52.94.0.0/16", "3.5.140.0/22",
                "8.8.8.0/24", "1.1.1.1/32", "35.180.0.0/16"]
VPC_CIDRS = ["10.0.0.0/16", "10.1.0.0/16", "10.200.0.0/17", "10.20.0.0/18", "10.30.0.0/19", "10.40.0.0/20",
             "172.16.0.0/16", "172.31.0.0/16", "192.168.0.0/16", "192.168.0.0/20"]
SECONDARY_CIDRS = ["100.64.0.0/16", "100.65.0.0/16", "10.99.0.0/16"]
SERVICE_CIDRS = ["172.20.0.0/16", "10.100.0.0/16", "192.168.128.0/24", "172.16.0.0/12", "10.96.0.0/12"]
AL2023 = {  # (arm, gpu, neuron) -> AMI types that suit the class
    (False, False, False): ["AL2023_x86_64_STANDARD", "BOTTLEROCKET_x86_64"],
    (True, False, False): ["AL2023_ARM_64_STANDARD", "BOTTLEROCKET_ARM_64"],
    (False, True, False): ["AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA"],
    (True, True, False): ["AL2023_ARM_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA"],
    (False, False, True): ["AL2023_x86_64_NEURON"],
}
LOWER_DIGITS = string.ascii_lowercase + string.digits
ALNUM = string.ascii_letters + string.digits


@cache
def instance_classes() -> dict[tuple[bool, bool, bool], list[str]]:
    classes: dict[tuple[bool, bool, bool], list[str]] = {}
    for line in _data("instance-info.jsonl").splitlines():
        if not line.strip():
            continue
        name = json.loads(line)["instanceType"]
        if instances.family(name).startswith("mac"):  # macOS hosts: not EKS nodes
            continue
        key = (instances.is_arm(name), instances.is_gpu(name), instances.is_neuron(name))
        classes.setdefault(key, []).append(name)
    return {k: sorted(v) for k, v in classes.items() if k in AL2023}


# --- small vocabularies ------------------------------------------------------------------------------------


def _word(alphabet: str, first: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: a + b, st.sampled_from(first),
                     st.text(alphabet, min_size=min_size - 1, max_size=max_size - 1))


def _alnum_ends(inner: str, max_size: int) -> st.SearchStrategy[str]:
    """Alphanumeric at both ends, `inner` characters inside (Kubernetes label names and values)."""
    ends = st.sampled_from(ALNUM)
    middle = st.text(ALNUM + inner, max_size=max(max_size - 2, 0))
    return st.one_of(ends, st.builds(lambda a, m, b: a + m + b, ends, middle, ends))


def _dns_label(max_size: int = 20) -> st.SearchStrategy[str]:
    ends = st.sampled_from(LOWER_DIGITS)
    return st.one_of(ends, st.builds(lambda a, m, b: a + m + b, ends,
                                     st.text(LOWER_DIGITS + "-", max_size=max_size - 2), ends))


cluster_names = _word(ALNUM + "-_", ALNUM, 1, 29)
group_names = _word(ALNUM + "-_", ALNUM, 1, 22)
profile_names = _word(ALNUM + "-_", ALNUM, 1, 37)  # "<name>-" is the Fargate IAM role name prefix
sa_names = _word(LOWER_DIGITS + "-", LOWER_DIGITS, 1, 38)
label_names = _alnum_ends("-_.", 63)
label_values = st.one_of(st.just(""), _alnum_ends("-_.", 63))
dns_subdomains = st.lists(_dns_label(12), min_size=1, max_size=3).map(".".join)
label_keys = st.one_of(
    label_names,
    st.builds(lambda p, n: f"{p}/{n}", dns_subdomains.filter(
        lambda p: not p.endswith(("kubernetes.io", "k8s.io", "eks.amazonaws.com"))), label_names),
)
# Printable text as eksgen's text rule (EKS001) allows it, for fields AWS treats as opaque strings.
printable = st.text(st.characters(exclude_categories=["Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp"]), min_size=1,
                    max_size=20).filter(lambda t: text_problem(t, free=False) is None)
accounts = st.text(string.digits, min_size=12, max_size=12)
iam_names = st.text(ALNUM + "+=,.@_-", min_size=1, max_size=64)


def _yaml(document: Any) -> str:
    return dump_yaml(document, sort_keys=False, allow_unicode=True, width=1000)


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


# IAM tag text: letters, numbers, spaces and _ . : / = + - @, any script, NFC.
tag_text = st.text(st.characters(categories=["L", "N", "Zs"], include_characters="_.:/=+-@"),
                   max_size=40).filter(_nfc)
tag_keys = tag_text.filter(lambda k: k != "" and not k.lower().startswith("aws:"))
# Addon configuration is free text: anything but surrogates and an unclosed `${`/`%{`.
# (Text PyYAML itself cannot round-trip, such as a key made of U+0085, is left out: that is YAML, not eksgen.)
_any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
free_text = st.one_of(
    _any_text,
    st.builds(lambda a, sigil, b, c: f"{a}{sigil}{b}}}{c}", _any_text, st.sampled_from(["${", "%{", "$${"]),
              _any_text, _any_text),
).filter(lambda t: text_problem(t, free=True) is None and yaml.safe_load(_yaml({t: t})) == {t: t})
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), free_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(free_text, inner, max_size=3)),
    max_leaves=8,
)


# --- the spec ----------------------------------------------------------------------------------------------


def _maybe(draw: st.DrawFn, value: Any, key: str, target: dict[str, Any]) -> None:
    if draw(st.booleans()):
        target[key] = value


def _carve(cidr: str, newbits: int, offset: int, count: int) -> list[str]:
    net = ipaddress.ip_network(cidr)
    subnets = list(net.subnets(new_prefix=net.prefixlen + newbits))
    return [str(subnets[k + offset]) for k in range(count)]


@st.composite
def vpcs(draw: st.DrawFn, region: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the `vpc` section or None, facts the rest of the spec needs: zones, subnet IDs, CIDRs)."""
    kind = draw(st.sampled_from(["new", "existing"] if region in ZONES_DIFFER else ["default", "new", "existing"]))
    letters = REGIONS[region]
    if kind == "default":
        return None, {"zones": [f"{region}{c}" for c in letters[:3]], "ids": [], "cidrs": ["10.0.0.0/16"],
                      "public": True}
    if kind == "existing":
        ids = st.builds(lambda n: "subnet-" + n, st.one_of(st.text("0123456789abcdef", min_size=8, max_size=8),
                                                           st.text("0123456789abcdef", min_size=17, max_size=17)))
        all_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
        split = draw(st.integers(2, len(all_ids)))
        private, public = all_ids[:split], all_ids[split:]
        subnets: dict[str, Any] = {"private": private}
        if public:
            subnets["public"] = public
        if draw(st.booleans()):
            subnets["controlPlane"] = draw(st.lists(st.sampled_from(private), min_size=2, max_size=len(private),
                                                    unique=True))
        vpc_id = "vpc-" + draw(st.sampled_from(["0a1b2c3d", "0a1b2c3d4e5f67890"]))
        return {"id": vpc_id, "subnets": subnets}, {"zones": [], "ids": private, "cidrs": [], "public": bool(public)}
    vpc: dict[str, Any] = {}
    cidr = draw(st.sampled_from(VPC_CIDRS))
    _maybe(draw, cidr, "cidr", vpc)
    cidr = vpc.get("cidr", "10.0.0.0/16")
    explicit = draw(st.booleans())
    # The default layout (public at k + 48, intra at k + 52) only fits 3 zones: more overlap (a known bug,
    # see tests/pipeline/checks/test_rules.py), so more than 3 zones come with explicit subnets here.
    most = len(letters) if explicit else min(len(letters), 3)
    zones = [f"{region}{c}" for c in letters[:3]]
    if region in ZONES_DIFFER or draw(st.booleans()):
        zones = [f"{region}{c}" for c in draw(st.lists(st.sampled_from(letters[:most]), min_size=2, max_size=most,
                                                         unique=True))]
        vpc["availabilityZones"] = zones
    nat = draw(st.sampled_from([None, "Single", "HighlyAvailable", "Disabled"]))
    if nat:
        vpc["nat"] = nat
    if explicit:  # private /20s (or /24s) first, public and intra small subnets far above them
        subnets = {"private": _carve(cidr, 4, 0, len(zones))}
        if nat != "Disabled" or draw(st.booleans()):
            subnets["public"] = _carve(cidr, 8, 160, len(zones))
        if draw(st.booleans()):
            subnets["intra"] = _carve(cidr, 8, 176, len(zones))
        vpc["subnets"] = subnets
    if nat == "Disabled" or draw(st.booleans()):  # without NAT the nodes need ECR, S3 and STS endpoints
        required = ["ecr.api", "ecr.dkr", "s3", "sts"] if nat == "Disabled" else []
        extra = draw(st.lists(st.sampled_from(ENDPOINT_SERVICES), max_size=4, unique=True))
        vpc["endpoints"] = draw(st.permutations(sorted({*required, *extra})))
    secondary = [c for c in SECONDARY_CIDRS if not ipaddress.ip_network(c).overlaps(ipaddress.ip_network(cidr))]
    if draw(st.booleans()):
        vpc["secondaryCidrs"] = draw(st.lists(st.sampled_from(secondary), max_size=2, unique=True))
    facts = {"zones": zones, "ids": [], "cidrs": [cidr, *vpc.get("secondaryCidrs", [])],
             "public": not explicit or "public" in vpc["subnets"]}
    return (vpc if vpc or draw(st.booleans()) else None), facts


def _placement(draw: st.DrawFn, facts: dict[str, Any], *, nodes: bool = True) -> Any:
    choices = facts["ids"] or facts["zones"]
    if nodes and facts.get("public") and draw(st.integers(0, 5)) == 0:
        return "public"  # a waivable security finding (EKS086)
    if draw(st.booleans()):
        return "private"
    return draw(st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices), unique=True))


def _labels(draw: st.DrawFn, *, managed: bool = False) -> dict[str, str]:
    if managed:  # the EKS API caps managed labels: key and value 1-63 characters in total
        keys = label_keys.filter(lambda k: len(k) <= 63)
        return draw(st.dictionaries(keys, _alnum_ends("-_.", 63), max_size=4))
    return draw(st.dictionaries(label_keys, label_values, max_size=4))


def _taints(draw: st.DrawFn) -> list[dict[str, Any]]:
    # EKS057: a taint key is at most 63 characters in total, prefix included
    taints = draw(st.lists(st.fixed_dictionaries(
        {"key": label_keys.filter(lambda k: len(k) <= 63),
         "effect": st.sampled_from(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"])},
        optional={"value": _alnum_ends("-_.", 63)}), max_size=3, unique_by=lambda t: (t["key"], t["effect"])))
    return taints


def _sizes(draw: st.DrawFn, group: dict[str, Any]) -> None:
    low = draw(st.integers(0, 5))
    high = draw(st.integers(max(low, 1), 12))
    desired = draw(st.integers(low, high))
    for key, value in (("minSize", low), ("maxSize", high), ("desiredSize", desired)):
        if draw(st.booleans()) or key != "desiredSize":
            group[key] = value


SG_IDS = st.builds(lambda n: "sg-" + n, st.one_of(st.text("0123456789abcdef", min_size=8, max_size=8),
                                                  st.text("0123456789abcdef", min_size=17, max_size=17)))
POLICY_ARNS = st.sampled_from(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                               "arn:aws:iam::111122223333:policy/node-extra"])
DISK_KMS = "arn:{partition}:kms:{region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _disk(draw: st.DrawFn, group: dict[str, Any], region: str) -> None:
    """A root volume within the EBS limits of its type (see generator/pipeline/checks/launch.py)."""
    disk_type = draw(st.sampled_from([None, "gp3", "gp2", "io1", "io2"]))
    if disk_type is not None:
        group["diskType"] = disk_type
    if disk_type in ("io1", "io2"):
        size = draw(st.integers(4, 16384))
        group["diskSizeGiB"] = size
        high = {"io1": min(64000, 50 * size), "io2": min(256000, 1000 * size)}[disk_type]
        group["diskIops"] = draw(st.integers(100, high))
    elif disk_type in (None, "gp3"):
        size = group.get("diskSizeGiB")
        iops = draw(st.one_of(st.none(), st.integers(3000, min(16000, max(3000, 500 * size)) if size else 16000)))
        if iops is not None:
            group["diskIops"] = iops
        if draw(st.booleans()):
            group["diskThroughput"] = draw(st.integers(125, min(1000, (iops or 3000) // 4)))
    _maybe(draw, DISK_KMS.format(partition=partition(region), region=region), "diskKmsKeyArn", group)


def _launch(draw: st.DrawFn, group: dict[str, Any], region: str, *, managed: bool) -> None:
    """The node-group customisation keys, valid together: an own launch template excludes the rest."""
    _maybe(draw, draw(st.dictionaries(tag_keys, tag_text, max_size=3)), "tags", group)
    if draw(st.booleans()):
        group["iam"] = {"additionalPolicies": draw(st.dictionaries(_dns_label(), POLICY_ARNS, max_size=2))}
        _maybe(draw, "arn:aws:iam::111122223333:policy/boundary", "permissionsBoundaryArn", group["iam"])
    if managed:
        _maybe(draw, draw(st.booleans()), "nodeRepair", group)
        if draw(st.integers(0, 4)) == 0:
            group["launchTemplate"] = {"id": "lt-0123456789abcdef0"}
            _maybe(draw, draw(st.sampled_from(["1", "27", "$Latest", "$Default"])), "version", group["launchTemplate"])
            group.pop("diskSizeGiB", None)
            return
    family = str(group.get("amiType", "AL2023")).split("_", 1)[0]
    _maybe(draw, "ami-0abcdef1234567890", "amiId", group)
    if family in ("AL2023", "AL2"):
        _maybe(draw, draw(st.lists(free_text.filter(str.strip), min_size=1, max_size=3)), "preBootstrapCommands",
               group)
    _maybe(draw, draw(st.lists(SG_IDS, max_size=3, unique=True)), "securityGroupIds", group)
    if draw(st.booleans()):
        group["ssh"] = {"keyName": draw(_dns_label())}
        _maybe(draw, draw(st.lists(SG_IDS, max_size=2, unique=True)), "sourceSecurityGroupIds", group["ssh"])
    _maybe(draw, draw(st.sampled_from([1, 2])), "imdsHopLimit", group)
    _disk(draw, group, region)


@st.composite
def managed_groups(draw: st.DrawFn, name: str, facts: dict[str, Any]) -> dict[str, Any]:
    classes = instance_classes()
    cls = draw(st.sampled_from(sorted(classes)))
    group: dict[str, Any] = {"name": name,
                             "instanceTypes": draw(st.lists(st.sampled_from(classes[cls]), min_size=1, max_size=3,
                                                            unique=True))}
    if draw(st.booleans()):
        group["amiType"] = draw(st.sampled_from(AL2023[cls]))
    _maybe(draw, draw(st.sampled_from(["ON_DEMAND", "SPOT"])), "capacityType", group)
    _sizes(draw, group)
    _maybe(draw, draw(st.integers(1, 16384)), "diskSizeGiB", group)
    _maybe(draw, _labels(draw, managed=True), "labels", group)
    _maybe(draw, _taints(draw), "taints", group)
    unavailable = draw(st.sampled_from([None, "maxUnavailable", "maxUnavailablePercentage"]))
    if unavailable:
        group[unavailable] = draw(st.integers(1, 100))
    _maybe(draw, _placement(draw, facts), "subnets", group)
    _launch(draw, group, facts["region"], managed=True)
    if str(group.get("amiType", "AL2023")).startswith("AL2023") and not {"amiId", "launchTemplate"} & set(group):
        _maybe(draw, f"{facts['kubernetesVersion']}.{draw(st.integers(0, 20))}-20260714", "amiReleaseVersion", group)
    return group


@st.composite
def self_managed_groups(draw: st.DrawFn, name: str, facts: dict[str, Any]) -> dict[str, Any]:
    classes = instance_classes()
    cls = draw(st.sampled_from(sorted(classes)))
    group: dict[str, Any] = {"name": name}
    if draw(st.integers(0, 3)) == 0:  # a mixed instances policy of one class replaces instanceType
        mix: dict[str, Any] = {"instanceTypes": draw(st.lists(st.sampled_from(classes[cls]), min_size=1, max_size=4,
                                                              unique=True))}
        _maybe(draw, draw(st.integers(0, 5)), "onDemandBaseCapacity", mix)
        _maybe(draw, draw(st.integers(0, 100)), "onDemandPercentageAboveBaseCapacity", mix)
        _maybe(draw, draw(st.sampled_from(["price-capacity-optimized", "capacity-optimized", "lowest-price"])),
               "spotAllocationStrategy", mix)
        group["instancesDistribution"] = mix
    else:
        _maybe(draw, draw(st.sampled_from(classes[cls])), "instanceType", group)
    if "instanceType" not in group and "instancesDistribution" not in group:
        cls = (False, False, False)  # the default m6i.large
    al2023 = [a for a in AL2023[cls] if a.startswith("AL2023")]
    ami = draw(st.sampled_from([None, *AL2023[cls]]))
    if ami:
        group["amiType"] = ami
    _sizes(draw, group)
    _maybe(draw, draw(st.integers(1, 16384)), "diskSizeGiB", group)
    if ami is None or ami in al2023:  # labels and taints need AL2023 nodeadm
        _maybe(draw, _labels(draw), "labels", group)
        _maybe(draw, _taints(draw), "taints", group)
    _maybe(draw, _placement(draw, facts), "subnets", group)
    _launch(draw, group, facts["region"], managed=False)
    return group


@st.composite
def fargate_profiles(draw: st.DrawFn, name: str, facts: dict[str, Any]) -> dict[str, Any]:
    selectors = draw(st.lists(st.fixed_dictionaries(
        {"namespace": st.one_of(_dns_label(), st.just("kube-*"), st.just("team-?"))},
        optional={"labels": st.dictionaries(label_keys, label_values, max_size=5)}), min_size=1, max_size=5))
    profile: dict[str, Any] = {"name": name, "selectors": selectors}
    _maybe(draw, _placement(draw, facts, nodes=False), "subnets", profile)
    _maybe(draw, draw(st.dictionaries(tag_keys, tag_text, max_size=3)), "tags", profile)
    return profile


@st.composite
def access_sections(draw: st.DrawFn, part: str) -> dict[str, Any]:
    def role() -> str:
        path = draw(st.sampled_from(["", "team/", "a/b/"]))
        return f"arn:{part}:iam::{draw(accounts)}:role/{path}{draw(iam_names)}"

    access: dict[str, Any] = {}
    _maybe(draw, draw(st.sampled_from(["API", "API_AND_CONFIG_MAP"])), "authenticationMode", access)
    _maybe(draw, draw(st.booleans()), "clusterCreatorAdmin", access)
    seen: set[str] = set()
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        arn = role() if draw(st.integers(0, 3)) else f"arn:{part}:iam::{draw(accounts)}:user/{draw(iam_names)}"
        if arn in seen:
            continue
        seen.add(arn)
        item: dict[str, Any] = {"principalArn": arn}
        node_type = arn.split(":")[5].startswith("role/") and draw(st.integers(0, 4)) == 0
        if node_type:
            item["type"] = draw(st.sampled_from(["EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"]))
            entries.append(item)
            continue
        _maybe(draw, "STANDARD", "type", item)
        groups = st.one_of(_dns_label(), printable.filter(lambda g: not g.startswith("system:")))
        _maybe(draw, draw(st.lists(groups, max_size=3)), "kubernetesGroups", item)
        username = st.one_of(_word(ALNUM + "-_.@", string.ascii_lowercase, 1, 30),
                             printable.filter(lambda u: not u.startswith(("system:", "eks:", "aws:", "amazon:",
                                                                           "iam:"))),
                             st.sampled_from(["admin:{{SessionName}}", "{{SessionName}}", "ops-{{AccountID}}"]))
        _maybe(draw, draw(username), "username", item)
        policies = []
        # Each policy once per entry: the module keys associations by policy name (EKS041).
        for name in draw(st.lists(st.sampled_from(ACCESS_POLICIES), max_size=2, unique=True)):
            policy: dict[str, Any] = {
                "policy": name if draw(st.booleans()) else f"arn:{part}:eks::aws:cluster-access-policy/{name}"}
            if draw(st.booleans()):
                policy["scope"] = "namespace"
                policy["namespaces"] = draw(st.lists(st.one_of(_dns_label(), st.just("team-*")), min_size=1,
                                                     max_size=3))
            elif draw(st.booleans()):
                policy["scope"] = "cluster"
            policies.append(policy)
        if policies or draw(st.booleans()):
            item["policies"] = policies
        entries.append(item)
    if entries or draw(st.booleans()):
        access["entries"] = entries
    if draw(st.booleans()):
        roles = []
        for _ in range(draw(st.integers(0, 2))):
            arn = role()
            if arn in seen:
                continue
            seen.add(arn)
            groups = draw(st.lists(st.one_of(st.just("system:masters"), _dns_label()), min_size=1, max_size=3,
                                    unique=True))  # a group twice maps one policy twice: EKS041
            roles.append({"rolearn": arn, "username": draw(_word(ALNUM + "-", string.ascii_lowercase, 1, 20)),
                          "groups": groups})
        access["awsAuth"] = {"mapRoles": roles}
    return access


@st.composite
def service_accounts(draw: st.DrawFn, part: str, cluster: str) -> list[dict[str, Any]]:
    # "<cluster>-<name>-" is the IRSA role's IAM name prefix: 38 characters at most.
    fitting = sa_names.filter(lambda n: len(cluster) + len(n) + 2 <= 38)
    names = draw(st.lists(fitting, max_size=3, unique=True)) if len(cluster) <= 35 else []
    result = []
    for name in names:
        sa: dict[str, Any] = {"name": name, "namespace": draw(_dns_label()),
                              "serviceAccount": draw(dns_subdomains)}
        policies = draw(st.lists(st.sampled_from(WELL_KNOWN), max_size=3, unique=True))
        arns = draw(st.lists(st.builds(lambda a, n: f"arn:{part}:iam::{a}:policy/{n}",
                                       st.one_of(st.just("aws"), accounts), iam_names), max_size=2,
                             unique=True))  # a policy listed twice is an EKS038 error
        if policies or not arns:
            sa["wellKnownPolicies"] = policies or ["ebsCsi"]
        if arns:
            sa["policyArns"] = arns
        policy_resources(draw, part, policies, sa)
        result.append(sa)
    return result


def policy_resources(draw: st.DrawFn, part: str, policies: list[str], entry: dict[str, Any]) -> None:
    """The resources the chosen well-known policies need (EKS043), and sometimes the zones they may take."""
    if {"velero", "mountpointS3Csi"} & set(policies):
        entry["s3BucketArns"] = draw(st.lists(st.builds(lambda n: f"arn:{part}:s3:::{n}", st.from_regex(
            r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)), min_size=1, max_size=2, unique=True))
    if "nodeTerminationHandler" in policies:
        entry["sqsQueueArns"] = [f"arn:{part}:sqs:eu-west-1:{draw(accounts)}:{draw(st.sampled_from(['q', 'q.fifo']))}"]
    if {"externalDns", "certManager"} & set(policies) and draw(st.booleans()):
        entry["hostedZoneArns"] = [f"arn:{part}:route53:::hostedzone/{draw(st.sampled_from(['Z1', 'ZABC123', '*']))}"]


ENDPOINT_SERVICES = ["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks-auth", "elasticloadbalancing", "logs", "s3",
                     "sqs", "ssm", "sts"]
AGENT = "eks-pod-identity-agent"


def pod_identity_entries(draw: st.DrawFn, part: str, cluster: str, taken: set[tuple[str, str]]) -> list[Any]:
    """Associations with unique names and unique namespace/service-account pairs; role names fit IAM's 38."""
    fitting = sa_names.filter(lambda n: len(cluster) + len(n) + 2 <= 38)
    names = draw(st.lists(fitting, max_size=3, unique=True)) if len(cluster) <= 35 else []
    result = []
    for name in names:
        pair = (draw(_dns_label()), draw(dns_subdomains))
        if pair in taken:
            continue
        taken.add(pair)
        entry: dict[str, Any] = {"name": name, "namespace": pair[0], "serviceAccount": pair[1]}
        if draw(st.booleans()):
            entry["roleArn"] = f"arn:{part}:iam::{draw(accounts)}:role/{draw(iam_names)}"
        else:
            entry["wellKnownPolicies"] = draw(st.lists(st.sampled_from(WELL_KNOWN), min_size=1, max_size=3,
                                                       unique=True))
            policy_resources(draw, part, entry["wellKnownPolicies"], entry)
            _maybe(draw, draw(st.lists(st.builds(lambda n: f"arn:{part}:iam::aws:policy/{n}", iam_names),
                                       max_size=2)), "policyArns", entry)
        result.append(entry)
    return result


def second_release(draw: st.DrawFn, spec: dict[str, Any], part: str, cluster: str) -> None:
    """Auto Mode, Karpenter, Pod Identity and the control plane, kept valid against the contract's errors."""
    if draw(st.booleans()):
        spec["autoMode"] = {"enabled": draw(st.booleans())}
        _maybe(draw, draw(st.lists(st.sampled_from(["general-purpose", "system"]), unique=True)), "nodePools",
               spec["autoMode"])
    auto_mode = spec.get("autoMode", {}).get("enabled", False)
    karpenter: dict[str, Any] = {}
    if draw(st.booleans()):
        karpenter["enabled"] = draw(st.booleans())
        _maybe(draw, draw(st.booleans()), "interruptionQueue", karpenter)
        _maybe(draw, draw(st.dictionaries(_dns_label(10), st.builds(lambda n: f"arn:{part}:iam::aws:policy/{n}",
                                                                    iam_names), max_size=2)),
               "nodeIamRoleAdditionalPolicies", karpenter)
        spec["karpenter"] = karpenter
    if karpenter.get("enabled") and not spec.get("managedNodeGroups") and not auto_mode:
        spec["autoMode"] = {**spec.get("autoMode", {}), "enabled": True}  # somewhere for the controller
        auto_mode = True
    taken = {(sa["namespace"], sa["serviceAccount"]) for sa in spec.get("serviceAccounts", [])}
    taken.add(("kube-system", "karpenter"))
    entries = pod_identity_entries(draw, part, cluster, taken)
    if entries or draw(st.booleans()):
        spec["podIdentityAssociations"] = entries
    addons = spec.get("addons")
    if addons is not None:
        free = [e["name"] for e in entries]
        account_of = {e["name"]: e["serviceAccount"] for e in entries}
        bound_accounts: set[str] = set()  # an addon's association lives in the addon's namespace (kube-system)
        for addon in addons.values():
            if free and "serviceAccount" not in addon and draw(st.booleans()):
                name = free.pop(draw(st.integers(0, len(free) - 1)))
                if account_of[name] not in bound_accounts:
                    bound_accounts.add(account_of[name])
                    addon["podIdentity"] = name
        uses = entries and not auto_mode
        if karpenter.get("enabled") or uses:
            addons.setdefault(AGENT, {})
    if draw(st.booleans()):
        plane: dict[str, Any] = {}
        _maybe(draw, draw(st.sampled_from(["standard", "tier-xl", "tier-2xl", "tier-4xl", "tier-8xl"])), "tier",
               plane)
        _maybe(draw, draw(st.booleans()), "zonalShift", plane)
        spec["controlPlane"] = plane


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    region = draw(st.sampled_from(sorted(REGIONS)))
    part = partition(region)
    metadata: dict[str, Any] = {"name": draw(cluster_names), "region": region}
    _maybe(draw, draw(st.dictionaries(tag_keys, tag_text, max_size=5)), "tags", metadata)
    spec: dict[str, Any] = {}

    release = draw(st.sampled_from([None, *RELEASES]))
    if release is not None:
        spec["kubernetesVersion"] = release["version"]
        standard = dt.date.fromisoformat(release["endOfStandard"]) >= TODAY
        support = draw(st.sampled_from(["STANDARD", "EXTENDED", None])) if standard else "EXTENDED"
        if support:
            spec["supportType"] = support
    _maybe(draw, draw(st.booleans()), "deletionProtection", spec)

    vpc, facts = draw(vpcs(region))
    facts["kubernetesVersion"] = spec.get("kubernetesVersion") or default_kubernetes_version()

    facts["region"] = region
    if vpc is not None:
        spec["vpc"] = vpc
    ip_family = draw(st.sampled_from([None, "ipv4", "ipv6"]))
    if ip_family:
        spec["ipFamily"] = ip_family
    if ip_family != "ipv6" and draw(st.booleans()):
        candidates = [c for c in SERVICE_CIDRS
                      if not any(ipaddress.ip_network(c).overlaps(ipaddress.ip_network(v)) for v in facts["cidrs"])]
        spec["serviceIpv4Cidr"] = draw(st.sampled_from(candidates))

    endpoint: dict[str, Any] = {}
    private, public = draw(st.sampled_from([(True, False), (True, True), (False, True), (None, None), (None, True)]))
    if private is not None:
        endpoint["private"] = private
    if public is not None:
        endpoint["public"] = public
        if public and draw(st.booleans()):
            endpoint["publicCidrs"] = draw(st.lists(st.sampled_from(PUBLIC_CIDRS), min_size=1, max_size=4,
                                                    unique=True))
    _maybe(draw, endpoint, "endpoint", spec)

    logging: dict[str, Any] = {}
    _maybe(draw, draw(st.lists(st.sampled_from(LOG_TYPES), unique=True)), "types", logging)
    _maybe(draw, draw(st.sampled_from(RETENTION_DAYS)), "retentionDays", logging)
    _maybe(draw, logging, "logging", spec)

    encryption = draw(st.sampled_from(["default", "create", "none", "key", "alias"]))
    key_arn = f"arn:{part}:kms:{region}:{draw(accounts)}:"
    if encryption == "create":
        spec["secretsEncryption"] = {"createKey": True}
    elif encryption == "none":
        spec["secretsEncryption"] = {"createKey": False}
    elif encryption == "key":
        spec["secretsEncryption"] = {"kmsKeyArn": key_arn + "key/1234abcd-12ab-34cd-56ef-1234567890ab"}
    elif encryption == "alias":
        spec["secretsEncryption"] = {"kmsKeyArn": key_arn + "alias/eks-secrets", "createKey": False}

    _maybe(draw, draw(access_sections(part)), "access", spec)
    accounts_ = draw(service_accounts(part, metadata["name"]))
    if accounts_ or draw(st.booleans()):
        spec["serviceAccounts"] = accounts_

    if draw(st.booleans()):
        addons: dict[str, Any] = {}
        for name in draw(st.lists(st.sampled_from(ADDONS), max_size=5, unique=True)):
            addon: dict[str, Any] = {}
            _maybe(draw, draw(st.builds(lambda a, b, c, n: f"v{a}.{b}.{c}-eksbuild.{n}", st.integers(0, 20),
                                        st.integers(0, 40), st.integers(0, 9), st.integers(1, 9))), "version", addon)
            _maybe(draw, draw(st.booleans()), "beforeCompute", addon)
            _maybe(draw, draw(st.dictionaries(free_text, json_values, max_size=3)), "configuration", addon)
            if accounts_ and draw(st.booleans()):
                addon["serviceAccount"] = draw(st.sampled_from(accounts_))["name"]
            addons[name] = addon
        spec["addons"] = addons
    if "vpc-cni" in spec.get("addons", {"vpc-cni": {}}):
        _maybe(draw, {"prefixDelegation": draw(st.booleans())}, "vpcCni", spec)

    names = draw(st.lists(group_names, max_size=4, unique=True))
    split = draw(st.integers(0, len(names)))
    if names[:split] or draw(st.booleans()):
        spec["managedNodeGroups"] = [draw(managed_groups(n, facts)) for n in names[:split]]
    if names[split:]:
        spec["selfManagedNodeGroups"] = [draw(self_managed_groups(n, facts)) for n in names[split:]]
    profiles = draw(st.lists(profile_names, max_size=2, unique=True))
    if profiles:
        spec["fargateProfiles"] = [draw(fargate_profiles(n, facts)) for n in profiles]

    second_release(draw, spec, part, metadata["name"])
    vpc = spec.get("vpc") or {}
    pod_identity = spec.get("podIdentityAssociations") or (spec.get("karpenter") or {}).get("enabled") or any(
        "podIdentity" in addon for addon in (spec.get("addons") or {}).values())
    if vpc.get("nat") == "Disabled" and pod_identity and "eks-auth" not in vpc.get("endpoints", []):
        vpc["endpoints"] = [*vpc.get("endpoints", []), "eks-auth"]  # the Pod Identity agent's credentials (EKS102)
    endpoint = spec.get("endpoint") or {}
    if vpc.get("nat") == "Disabled" and "id" not in vpc and endpoint.get("private") is False:
        endpoint["private"] = True  # private subnets without NAT reach the API server only privately (EKS142)

    terraform: dict[str, Any] = {}
    _maybe(draw, draw(st.sampled_from([">= 1.5.7", ">= 1.9, < 2.0", "~> 1.10"])), "requiredVersion", terraform)
    if draw(st.booleans()):
        bucket = draw(_word(LOWER_DIGITS + "-", LOWER_DIGITS, 3, 40).filter(lambda b: not b.endswith("-")))
        terraform["backend"] = {"s3": {"bucket": bucket, "key": f"eks/{metadata['name']}.tfstate",
                                       "region": draw(st.sampled_from(sorted(REGIONS)))}}
    if draw(st.booleans()):
        terraform["modules"] = {"eks": "21.19.0", "vpc": "6.6.0", "iam": "6.5.0", "podIdentity": "2.8.1"}
    _maybe(draw, terraform, "terraform", spec)

    document: dict[str, Any] = {"apiVersion": "eksgen/v1alpha1", "kind": "Cluster", "metadata": metadata}
    if spec or draw(st.booleans()):
        document["spec"] = spec
    return document


def _reversed_keys(value: Any) -> Any:
    """Every mapping's keys reversed, except inside addon `configuration`: free JSON keeps its order."""
    if isinstance(value, dict):
        return {k: value[k] if k == "configuration" else _reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


def dump(document: dict[str, Any]) -> str:
    text = _yaml(document)
    assert yaml.safe_load(text) == document, "the strategy produced something YAML cannot round-trip"
    return text


def parse(text: str) -> Any:
    (doc,) = load_documents(text, "cluster.yaml")
    return doc


def describe(issues: list[Issue]) -> str:
    return "\n".join(f"{i.rule} {i.format()}" for i in issues)


# --- corruption: any single change to a valid spec -----------------------------------------------------------

junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=12), st.sampled_from(["", "private", "1.30", "0.0.0.0/0", "system:masters",
                                                        "arn:aws:iam::111122223333:role/x", "${x}", "EKS080"]),
                 st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                            max_size=2))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def corrupted_specs(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(specs())
    path = draw(st.sampled_from(_paths(document)))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(junk)
    return document


# --- properties ----------------------------------------------------------------------------------------------


@SETTINGS
@given(specs())
def test_check_never_raises_and_returns_issues(document: dict[str, Any]) -> None:
    result = check_document(parse(dump(document)), today=TODAY)
    assert isinstance(result.issues, list)
    for issue in result.issues:
        assert isinstance(issue, Issue)
        assert issue.severity in ("error", "warning")
        assert issue.rule is None or issue.rule in RULES


@SETTINGS
@given(corrupted_specs())
def test_check_never_raises_on_corrupted_specs(document: dict[str, Any]) -> None:
    try:
        text = dump_yaml(document, sort_keys=False, allow_unicode=True)
        doc = parse(text)
    except SpecInvalid:
        return  # a load-level problem (e.g. a non-string key), reported without a traceback
    result = check_document(doc, today=TODAY)
    for issue in result.issues:
        assert isinstance(issue, Issue)
        assert issue.severity in ("error", "warning")
        assert issue.rule is None or issue.rule in RULES
        assert issue.position is not None


@SETTINGS
@given(specs())
def test_valid_specs_have_no_errors(document: dict[str, Any]) -> None:
    result = check_document(parse(dump(document)), today=TODAY)
    assert result.errors == [], describe(result.issues)
    assert all(i.rule in RULES for i in result.issues), describe(result.issues)


@SETTINGS
@given(specs())
def test_issues_are_sorted_and_formatted(document: dict[str, Any]) -> None:
    issues = check_document(parse(dump(document)), today=TODAY).issues
    assert issues == sorted(issues, key=Issue.sort_key)
    for issue in issues:
        assert issue.position is not None
        prefix = f"cluster.yaml:{issue.position.line}:{issue.position.column} {issue.path}: "
        plain = "warning: " if issue.severity == "warning" else ""
        label = f"{issue.severity} {issue.rule}: " if issue.rule else plain
        assert issue.format() == prefix + label + issue.message


@SETTINGS
@given(specs())
def test_every_warning_of_a_valid_spec_can_be_waived(document: dict[str, Any]) -> None:
    issues = check_document(parse(dump(document)), today=TODAY).issues
    assert all(i.severity == "warning" for i in issues), describe(issues)
    found = sorted({i.rule for i in issues if i.rule})
    # With no finding, a waiver is unused and says so: the waiver machinery is exercised either way.
    waived = found or ["EKS080"]
    document.setdefault("spec", {})["waivers"] = [{"rule": rule, "reason": "accepted"} for rule in waived]
    issues = check_document(parse(dump(document)), today=TODAY).issues
    if found:
        assert issues == [], describe(issues)
    else:
        assert [(i.rule, i.severity) for i in issues] == [("EKS091", "warning")], describe(issues)


@SETTINGS
@given(specs())
def test_render_succeeds_and_is_deterministic(document: dict[str, Any]) -> None:
    text = dump(document)
    first = build_document(parse(text), "cluster.yaml", today=TODAY)
    # The same spec with every mapping's keys in reverse order renders byte-identically.
    second = build_document(parse(dump(_reversed_keys(document))), "cluster.yaml", today=TODAY)
    assert first.files == second.files
    assert {"versions.tf", "eks.tf", "outputs.tf"} <= set(first.files)
    # The rendered text carries the spec's own values.
    metadata, spec = document["metadata"], document.get("spec", {})
    assert f'region = "{metadata["region"]}"' in first.files["versions.tf"]
    eks = first.files["eks.tf"]
    # Every module takes the name from locals.tf.
    assert re.search(rf'^  name += "{re.escape(metadata["name"])}"$', first.files["locals.tf"], re.M)
    assert re.search(r"^  name +=  *local\.name$", eks, re.M), eks
    if "kubernetesVersion" in spec:
        assert re.search(rf'^  kubernetes_version += "{re.escape(spec["kubernetesVersion"])}"$', eks, re.M)
    for ng in spec.get("managedNodeGroups") or []:
        assert re.search(rf'^    "?{re.escape(ng["name"])}"? = {{$', eks, re.M), ng["name"]
    assert ("vpc.tf" in first.files) == ("id" not in (document.get("spec", {}).get("vpc") or {}))
    spec = document.get("spec", {})
    by_addon = {a.get("podIdentity") for a in (spec.get("addons") or {}).values()}
    # an existing role an addon names has no block of its own: the addon associates it
    blocks = [e for e in spec.get("podIdentityAssociations", []) if "roleArn" not in e or e["name"] not in by_addon]
    assert ("iam.tf" in first.files) == bool(spec.get("serviceAccounts") or blocks)
    assert ("karpenter.tf" in first.files) == bool(spec.get("karpenter", {}).get("enabled"))
    assert first.plan is not None
    for file in first.plan.files:
        for block in (b for b in file.blocks if b.type == "module"):
            attrs = {a.name: a.value for a in block.attributes()}
            key = registry().by_source(str(attrs["source"]))
            assert key is not None
            unmapped = {a for a in attrs if a not in {"source", "version"} and registry().spec_path(key, a) is None}
            assert not unmapped, f"modules/index.json maps no spec path for {key} arguments {sorted(unmapped)}"


@SETTINGS
@given(specs())
def test_defaults_are_idempotent(document: dict[str, Any]) -> None:
    cluster, issues = parse_cluster(parse(dump(document)))
    assert cluster is not None, describe(issues)
    once = apply_defaults(cluster)
    again, issues = parse_cluster(parse(effective_yaml(once)))
    assert again is not None, describe(issues)
    assert apply_defaults(again) == once
    assert cluster == parse_cluster(parse(dump(document)))[0], "apply_defaults must not mutate its input"


def test_strategy_covers_every_instance_class() -> None:
    assert set(instance_classes()) == set(AL2023)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_region_renders(region: str) -> None:
    zones = REGIONS[region]
    text = dump({"apiVersion": "eksgen/v1alpha1", "kind": "Cluster", "metadata": {"name": "demo", "region": region},
                 "spec": {"managedNodeGroups": [{"name": "general"}],
                          **({"vpc": {"availabilityZones": [region + z for z in zones]}} if region in ZONES_DIFFER
                             else {})}})
    result = build_document(parse(text), "cluster.yaml", today=TODAY)
    assert f'"{region}{zones[0]}"' in result.files["vpc.tf"]


# Found by test_render_succeeds_and_is_deterministic: map keys with a template sequence failed the round trip
# (RoundTripError, exit 3) until 968cfbf.
@pytest.mark.parametrize("key", ["${x}", "%{x}", "a${b}c"])
def test_template_sequence_in_configuration_key(key: str) -> None:
    metadata = {"name": "demo", "region": "eu-west-1"}
    text = dump({"apiVersion": "eksgen/v1alpha1", "kind": "Cluster", "metadata": metadata,
                 "spec": {"addons": {"coredns": {"configuration": {key: 1}}},
                          "managedNodeGroups": [{"name": "general"}]}})
    assert check_document(parse(text), today=TODAY).errors == []
    result = build_document(parse(text), "cluster.yaml", today=TODAY)
    assert "configuration_values" in result.files["eks.tf"]
