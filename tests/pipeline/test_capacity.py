"""Capacity planning: max pods per node (hand-computed), pod IPs per AZ, EKS070, the CLI table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from generator.api import check_spec
from generator.cli.capacity import register
from generator.errors import Issue
from generator.pipeline import capacity
from generator.pipeline.model import Cluster
from tests.helpers import REPO, TODAY, write_spec

DATA = REPO / "generator" / "facts" / "data" / "instance-info.jsonl"

# instance type: (ENIs, IPv4 per ENI, vCPUs from the name, max pods, max pods with prefix delegation),
# each computed by hand: ENIs x (IPs - 1) + 2, and ENIs x ((IPs - 1) x 16) + 2 capped at 110 (< 30 vCPUs) or 250.
HAND_COMPUTED: dict[str, tuple[int, int, int | None, int, int]] = {
    "m5.large": (3, 10, 2, 3 * 9 + 2, 110),  # 29; PD 3 x 144 + 2 = 434 -> 110
    "c5.large": (3, 10, 2, 29, 110),
    "t3.medium": (3, 6, 2, 3 * 5 + 2, 110),  # 17; PD 242 -> 110
    "m6i.xlarge": (4, 15, 4, 4 * 14 + 2, 110),  # 58; PD 898 -> 110
    "m5.24xlarge": (15, 50, 96, 15 * 49 + 2, 250),  # 737; PD 11762 -> 250 (96 vCPUs)
    "m5.metal": (15, 50, None, 737, 250),  # metal counts as >= 30 vCPUs
    "a1.metal": (8, 30, 16, 8 * 29 + 2, 110),  # 234; the one small metal type: 16 vCPUs
    "m7i.metal-24xl": (15, 50, 96, 737, 250),
    "t3.nano": (2, 2, 2, 2 * 1 + 2, 2 * 16 + 2),  # 4; PD 34, under the cap
    "a1.medium": (2, 4, 2, 2 * 3 + 2, 2 * 48 + 2),  # 8; PD 98, under the cap
}

SMALL_VPC_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: small
  region: eu-west-1
spec:
  kubernetesVersion: "1.34"
  vpc:
    cidr: 10.0.0.0/20
  managedNodeGroups:
    - name: general
      instanceTypes: [m5.large]
      minSize: 2
      maxSize: {max_size}
"""

LISTED_SUBNETS_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: listed
  region: eu-west-1
spec:
  kubernetesVersion: "1.34"
  vpc:
    cidr: 10.0.0.0/16
    availabilityZones: [eu-west-1a, eu-west-1b]
    subnets:
      private: [10.0.0.0/20, 10.0.16.0/24]
      public: [10.0.48.0/24, 10.0.49.0/24]
  managedNodeGroups:
    - name: web
      instanceTypes: [m5.large, t3.medium]
      minSize: 2
      maxSize: 20
  selfManagedNodeGroups:
    - name: batch
      instanceType: m6i.xlarge
      minSize: 1
      maxSize: 3
      subnets: [eu-west-1a]
"""


def _rows() -> dict[str, dict[str, int]]:
    rows = (json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip())
    return {row["instanceType"]: row for row in rows}


def _effective(path: Path) -> Cluster:
    result = check_spec(path, today=TODAY).results[0]
    assert not result.errors, [i.format() for i in result.errors]
    assert result.effective is not None
    return result.effective


def _capacity_warnings(path: Path) -> list[Issue]:
    return [i for r in check_spec(path, today=TODAY).results for i in r.warnings if i.rule == "EKS070"]


@pytest.mark.parametrize("instance_type", sorted(HAND_COMPUTED))
def test_eni_limits_match_the_data_file(instance_type: str) -> None:
    enis, ips, *_ = HAND_COMPUTED[instance_type]
    row = _rows()[instance_type]
    assert (row["defaultMaxENIs"], row["ipv4AddressesPerInterface"]) == (enis, ips)


@pytest.mark.parametrize("instance_type", sorted(HAND_COMPUTED))
def test_max_pods_by_hand(instance_type: str) -> None:
    _, _, vcpus, plain, delegated = HAND_COMPUTED[instance_type]
    assert capacity.vcpus(instance_type) == vcpus
    without = capacity.type_capacity(instance_type, prefix_delegation=False)
    with_pd = capacity.type_capacity(instance_type, prefix_delegation=True)
    assert without is not None and with_pd is not None
    assert without.max_pods == plain
    assert with_pd.max_pods == delegated
    assert with_pd.max_pods_plain == plain


def test_vcpus_from_size_names() -> None:
    assert [capacity.vcpus(t) for t in ("t3.micro", "m6g.medium", "m5.large", "m5.xlarge", "m5.2xlarge",
                                        "m5.8xlarge", "u-6tb1.112xlarge", "c5.metal")] == [
        2, 2, 2, 4, 8, 32, 448, None]


def test_cap_follows_the_30_vcpu_threshold() -> None:
    # m5.4xlarge (16 vCPUs) and m5.8xlarge (32) have the same ENIs; only the cap differs.
    small = capacity.type_capacity("m5.4xlarge", prefix_delegation=True)
    large = capacity.type_capacity("m5.8xlarge", prefix_delegation=True)
    assert small is not None and large is not None
    assert (small.max_pods, large.max_pods) == (110, 250)


def test_ips_per_node() -> None:
    plain = capacity.type_capacity("m5.large", prefix_delegation=False)
    delegated = capacity.type_capacity("m5.large", prefix_delegation=True)
    nano = capacity.type_capacity("t3.nano", prefix_delegation=True)
    assert plain is not None and delegated is not None and nano is not None
    assert plain.ips_per_node == 29 + 1  # max pods + the node's primary IP
    assert (delegated.prefixes_per_node, delegated.ips_per_node) == (7, 7 * 16 + 1)  # ceil(110 / 16) = 7
    # ceil(34 / 16) = 3, but 2 ENIs x (2 - 1) = 2 prefixes at most.
    assert (nano.prefixes_per_node, nano.ips_per_node) == (2, 2 * 16 + 1)


def test_unknown_type() -> None:
    assert capacity.type_capacity("zz9.large", prefix_delegation=False) is None


def test_usable_addresses() -> None:
    assert capacity.usable_addresses("10.0.0.0/24") == 251
    assert capacity.usable_addresses("10.0.0.0/20") == 4091
    assert capacity.usable_addresses("not-a-cidr") is None


def test_per_az_sums(tmp_path: Path) -> None:
    report = capacity.plan(_effective(write_spec(tmp_path, LISTED_SUBNETS_SPEC)))
    web, batch = report.groups
    assert web.worst is not None and web.worst.instance_type == "m5.large"  # 29 pods beats t3.medium's 17
    assert (web.nodes_per_zone, web.ips_per_zone) == (10, 10 * 30)  # 20 nodes over 2 AZs
    assert (batch.zones, batch.nodes_per_zone, batch.ips_per_zone) == (("eu-west-1a",), 3, 3 * 59)
    first, second = report.subnets
    assert (first.zone, first.cidr, first.usable, first.needed) == ("eu-west-1a", "10.0.0.0/20", 4091, 300 + 177)
    assert (second.zone, second.cidr, second.usable, second.needed) == ("eu-west-1b", "10.0.16.0/24", 251, 300)
    assert second.headroom == -49
    assert not report.skipped


def test_uneven_spread_rounds_up(tmp_path: Path) -> None:
    report = capacity.plan(_effective(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=25))))
    assert report.groups[0].nodes_per_zone == 9  # ceil(25 / 3)
    assert [s.needed for s in report.subnets] == [270, 270, 270]
    single = capacity.plan(_effective(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=3))))
    assert single.subnets[0].shares[0].describe() == "general: 1 node x 30 IPs (29 pods + node)"


def test_warning_on_default_layout_points_at_vpc_cidr(tmp_path: Path) -> None:
    warnings = _capacity_warnings(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=27)))
    assert len(warnings) == 3
    first = warnings[0]
    assert first.severity == "warning"
    assert first.loc == ("spec", "vpc", "cidr")
    assert first.position is not None and first.position.line == 9  # `cidr: 10.0.0.0/20`
    assert first.message.startswith(
        "private subnet 10.0.0.0/24 in eu-west-1a has 251 usable addresses but node groups need up to 270 IPs "
        "for nodes and pods there at max scale (general: 9 nodes x 30 IPs (29 pods + node))")


def test_warning_on_listed_subnet_points_at_it(tmp_path: Path) -> None:
    warnings = _capacity_warnings(write_spec(tmp_path, LISTED_SUBNETS_SPEC))
    assert [w.loc for w in warnings] == [("spec", "vpc", "subnets", "private", 1)]
    assert warnings[0].position is not None and warnings[0].position.line == 12
    assert warnings[0].format().endswith(
        "vpc.subnets.private[1]: warning EKS070: private subnet 10.0.16.0/24 in eu-west-1b has 251 usable addresses "
        "but "
        "node groups need up to 300 IPs for nodes and pods there at max scale (web: 10 nodes x 30 IPs "
        "(29 pods + node)); use a larger subnet, more availability zones or a lower maxSize")


def test_nearest_spec_that_fits_does_not_warn(tmp_path: Path) -> None:
    # 24 nodes: 8 per AZ x 30 = 240 <= 251. 25 nodes: 9 per AZ x 30 = 270 > 251.
    assert _capacity_warnings(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=24))) == []
    assert len(_capacity_warnings(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=25)))) == 3


def test_prefix_delegation_from_addon_env(tmp_path: Path) -> None:
    text = SMALL_VPC_SPEC.format(max_size=6) + """\
  addons:
    vpc-cni:
      configuration:
        env: {ENABLE_PREFIX_DELEGATION: "true"}
"""
    report = capacity.plan(_effective(write_spec(tmp_path, text)))
    assert report.prefix_delegation
    assert [s.needed for s in report.subnets] == [2 * 113] * 3  # 2 nodes x (7 prefixes x 16 + 1)
    shortcut = capacity.plan(_effective(write_spec(tmp_path, text.replace(
        "  addons:\n    vpc-cni:\n      configuration:\n        env: {ENABLE_PREFIX_DELEGATION: \"true\"}\n",
        "  vpcCni: {prefixDelegation: true}\n"))))
    assert shortcut.prefix_delegation


def test_ipv6_is_skipped(tmp_path: Path) -> None:
    path = write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=60).replace('"1.34"', '"1.34"\n  ipFamily: ipv6'))
    report = capacity.plan(_effective(path))
    assert report.skipped.startswith("ipFamily ipv6") and report.subnets == []
    assert _capacity_warnings(path) == []


def test_existing_vpc_is_skipped(tmp_path: Path) -> None:
    path = write_spec(tmp_path, """\
        apiVersion: eksgen/v1alpha1
        kind: Cluster
        metadata: {name: byo, region: eu-west-1}
        spec:
          kubernetesVersion: "1.34"
          vpc:
            id: vpc-0a1b2c3d4e5f67890
            subnets:
              private: [subnet-0a1b2c3d, subnet-1a2b3c4d]
          managedNodeGroups:
            - {name: general, instanceTypes: [m5.24xlarge], minSize: 1, maxSize: 100}
        """)
    report = capacity.plan(_effective(path))
    assert report.skipped.startswith("existing VPC")
    assert report.subnets == []
    # Still planned per subnet ID: 100 nodes over 2 subnets x (737 pods + node).
    group = report.groups[0]
    assert (group.zones, group.nodes_per_zone, group.ips_per_zone) == (
        ("subnet-0a1b2c3d", "subnet-1a2b3c4d"), 50, 50 * 738)
    assert _capacity_warnings(path) == []


def test_unknown_types_and_fargate_are_noted(tmp_path: Path) -> None:
    text = SMALL_VPC_SPEC.format(max_size=3).replace("[m5.large]", "[m5.large, zz9.large]") + """\
  fargateProfiles:
    - name: system
      selectors: [{namespace: kube-system}]
"""
    path = write_spec(tmp_path, text)
    report = capacity.plan(_effective(path))
    assert report.groups[0].unknown_types == ("zz9.large",)
    assert report.notes == [capacity.VCPU_NOTE, "general: unknown instance types not counted: zz9.large",
                            capacity.FARGATE_NOTE]
    rules = [i.rule for r in check_spec(path, today=TODAY).results for i in r.warnings]
    assert "EKS064" in rules and "EKS071" not in rules


def _cli(path: Path, *args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    app = typer.Typer()
    register(app)

    @app.callback()
    def root() -> None:
        """Keep `capacity` a named subcommand."""

    result = CliRunner().invoke(app, ["capacity", str(path), *args], env=env)
    return result.exit_code, result.output


# 1.34's standard support ends with 2026-12-02 (EKS006, an error from the next day).
@pytest.mark.parametrize(("args", "env", "code"), [
    (["--today", "2026-12-02"], {"EKSGEN_TODAY": None}, 0),
    (["--today", "2026-12-03"], {"EKSGEN_TODAY": None}, 2),
    ([], {"EKSGEN_TODAY": "2026-12-02"}, 0),
    ([], {"EKSGEN_TODAY": "2026-12-03"}, 2),
    (["--today", "2026-12-02"], {"EKSGEN_TODAY": "2026-12-03"}, 0),  # the flag wins
])
def test_capacity_judges_by_the_explicit_clock(tmp_path: Path, args: list[str], env: dict[str, str | None],
                                               code: int) -> None:
    found, output = _cli(write_spec(tmp_path, LISTED_SUBNETS_SPEC), *args, env=env)
    assert found == code, output
    assert ("EKS006" in output) is (code == 2)


def test_cli_table(tmp_path: Path) -> None:
    code, output = _cli(write_spec(tmp_path, LISTED_SUBNETS_SPEC))
    assert code == 0, output
    assert "listed: node groups at maxSize (prefix delegation off)" in output
    assert "m5.large (worst)" in output and "web (managed)" in output and "batch (self-managed)" in output
    assert "10.0.16.0/24" in output and "-49" in output
    assert "vCPUs derived from the size name" in output
    assert "\x1b[" not in output  # plain text off a terminal


def test_cli_skips_with_reason(tmp_path: Path) -> None:
    path = write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=3).replace('"1.34"', '"1.34"\n  ipFamily: ipv6'))
    code, output = _cli(path)
    assert code == 0, output
    assert "subnets not compared: ipFamily ipv6" in output


def test_cli_rejects_invalid_spec(tmp_path: Path) -> None:
    code, output = _cli(write_spec(tmp_path, SMALL_VPC_SPEC.format(max_size=1)))  # maxSize < minSize
    assert code == 2
    assert "maxSize" in output


def test_placement_by_zone_list(tmp_path: Path) -> None:
    text = SMALL_VPC_SPEC.format(max_size=4) + "      subnets: [eu-west-1a, eu-west-1b]\n"
    report = capacity.plan(_effective(write_spec(tmp_path, text)))
    (general,) = report.groups
    assert (general.zones, general.nodes_per_zone) == (("eu-west-1a", "eu-west-1b"), 2)
    assert [s.needed for s in report.subnets] == [60, 60, 0]
    assert report.subnets[0].shares[0].describe() == "general: 2 nodes x 30 IPs (29 pods + node)"


def test_placement_by_subnet_id_in_an_existing_vpc(tmp_path: Path) -> None:
    """An existing VPC's subnets are IDs whose zones and sizes eksgen does not know: each ID is a place."""
    text = SMALL_VPC_SPEC.format(max_size=4).replace(
        "    cidr: 10.0.0.0/20\n", "    id: vpc-0a1b2c3d4e5f67890\n    subnets:\n"
        "      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n") + "      subnets: [subnet-0a1b2c3d]\n"
    (pinned,) = capacity.plan(_effective(write_spec(tmp_path, text))).groups
    assert (pinned.zones, pinned.note) == (("subnet-0a1b2c3d",), "")


def test_a_new_vpc_group_placed_by_ids_is_not_counted() -> None:
    """The checks refuse subnet IDs in a new VPC (EKS061); the capacity plan alone still does not guess."""
    assert capacity._placement(["subnet-0a1b2c3d"], ("eu-west-1a",), by_id=False) == (
        (), "placed by subnet ID: not counted")


def test_interface_endpoints_take_an_address_in_every_private_subnet() -> None:
    """private-cluster: 9 endpoints, s3 a gateway, so 8 ENIs per subnet; Auto Mode/Karpenter get a note."""
    report = capacity.plan(_effective(REPO / "examples" / "private-cluster" / "cluster.yaml"))
    assert [s.usable for s in report.subnets] == [4096 - 5 - 8] * 3
    assert any("8 interface VPC endpoint(s)" in n for n in report.notes)
    plain = capacity.plan(_effective(REPO / "examples" / "minimal" / "cluster.yaml"))
    assert all(s.usable == 4096 - 5 for s in plain.subnets)
    karpenter = capacity.plan(_effective(REPO / "examples" / "karpenter" / "cluster.yaml"))
    assert any(n.startswith("Karpenter nodes take private IPs") for n in karpenter.notes)


def test_mixed_instances_policy_counts_its_worst_type(tmp_path: Path) -> None:
    text = LISTED_SUBNETS_SPEC.replace("      instanceType: m6i.xlarge\n",
                                       "      instancesDistribution:\n        instanceTypes: [m6i.xlarge, t3.medium]\n")
    batch = capacity.plan(_effective(write_spec(tmp_path, text))).groups[1]
    assert [t.instance_type for t in batch.types] == ["m6i.xlarge", "t3.medium"]
    assert batch.worst is not None and batch.worst.instance_type == "m6i.xlarge"  # 58 pods beats t3.medium's 17
    assert (batch.nodes_per_zone, batch.ips_per_zone) == (3, 3 * 59)


@pytest.mark.parametrize(("max_size", "zones", "per_zone"), [
    (6, 3, 2), (7, 3, 3), (1, 3, 1), (0, 3, 0),
    (99999999999999999999999, 3, 33333333333333333333333),  # exact: a float would print ...31935232
    (10**30 + 1, 2, 5 * 10**29 + 1),
])
def test_nodes_per_zone_is_exact_at_any_size(max_size: int, zones: int, per_zone: int) -> None:
    group = capacity.GroupCapacity(kind="managed", name="g", loc=(), types=(), unknown_types=(), max_size=max_size,
                                   zones=tuple(f"eu-west-1{c}" for c in "abc"[:zones]))
    assert group.nodes_per_zone == per_zone
