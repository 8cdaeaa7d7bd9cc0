"""The network rules (EKS020-EKS029, EKS080) of generator/pipeline/checks/network.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

import ipaddress

import pytest

from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import (
    EXISTING_VPC,
    TODAY,
    TWO_PRIVATE,
    Row,
    assert_nearest_valid_is_quiet,
    assert_rule_fires,
    assert_waiver,
    params,
    row,
    show,
    spec,
)

ROWS = [
    row("existing-vpc-with-cidr", "EKS020", spec(append=EXISTING_VPC + "    cidr: 10.0.0.0/16\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "18:5 vpc.cidr", "applies only to a new VPC; remove it or remove vpc.id"),
    row("bad-vpc-id", "EKS020", spec(append="  vpc:\n    id: vpc-123\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "17:5 vpc.id", "must be a VPC ID like vpc-0a1b2c3d4e5f67890 (got 'vpc-123')"),
    row("one-private-subnet", "EKS021", spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "19:7 vpc.subnets.private", "needs at least 2 distinct subnets (in different AZs)"),
    row("bad-subnet-id", "EKS021",
        spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-XYZ]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE),
        "19:34 vpc.subnets.private[1]", "must be a subnet ID like subnet-0a1b2c3d (got 'subnet-XYZ')"),
    row("host-bits", "EKS022", spec(append="  vpc:\n    cidr: 10.0.1.0/16\n"),
        spec(append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        "17:5 vpc.cidr", "is not a network address (host bits set); did you mean 10.0.0.0/16?"),
    row("secondary-overlap", "EKS022", spec(append="  vpc:\n    secondaryCidrs: [10.0.0.0/16]\n"),
        spec(append="  vpc:\n    secondaryCidrs: [10.1.0.0/16]\n"),
        "17:22 vpc.secondaryCidrs[0]", "10.0.0.0/16 overlaps another VPC CIDR"),
    row("too-small-for-default-layout", "EKS023", spec(append="  vpc:\n    cidr: 10.0.0.0/24\n"),
        spec(append="  vpc:\n    cidr: 10.0.0.0/20\n"),
        "17:5 vpc.cidr",
        "10.0.0.0/24 is too small for the default subnet layout (needs /20 or larger); list vpc.subnets explicitly"),
    row("control-plane-on-new-vpc", "EKS023",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"
                    "      controlPlane: [10.0.52.0/24, 10.0.53.0/24]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"
                    "      intra: [10.0.52.0/24, 10.0.53.0/24]\n"),
        "21:7 vpc.subnets.controlPlane", "applies only to an existing VPC; use intra for a new one"),
    row("nat-without-public", "EKS024",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    nat: Single\n"
                    "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    nat: Disabled\n"
                    "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"),
        "18:5 vpc.nat", "NAT mode Single needs public subnets for the gateways"),
    row("single-az", "EKS025", spec(append="  vpc:\n    availabilityZones: [eu-west-1a]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:5 vpc.availabilityZones", "EKS needs subnets in at least 2 distinct availability zones"),
    row("foreign-az", "EKS025", spec(append="  vpc:\n    availabilityZones: [eu-west-1a, us-east-1b]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:37 vpc.availabilityZones[1]", "'us-east-1b' is not an availability zone of eu-west-1"),
    row("subnet-outside-vpc", "EKS026",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.1.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
        "19:30 vpc.subnets.private[1]", "10.1.16.0/20 is not inside the VPC CIDR 10.0.0.0/16"),
    row("endpoint-off", "EKS027", spec(append="  endpoint:\n    private: false\n    public: false\n"),
        spec(append="  endpoint:\n    private: true\n    public: false\n"),
        "16:3 endpoint", "private and public access are both off"),
    row("public-cidrs-without-public", "EKS027", spec(append="  endpoint:\n    publicCidrs: [203.0.113.0/24]\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.publicCidrs", "applies only with public: true"),
    row("service-cidr-not-private", "EKS028", spec(append="  serviceIpv4Cidr: 100.64.0.0/16\n"),
        spec(append="  serviceIpv4Cidr: 172.20.0.0/16\n"),
        "16:3 serviceIpv4Cidr", "must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
    # An existing VPC always warns (eksgen cannot see its tags): the nearest clean spec is a new VPC.
    row("existing-vpc-discovery-tags", "EKS029", spec(append=EXISTING_VPC + TWO_PRIVATE), spec(),
        "19:7 vpc.subnets.private", "tag subnet-0a1b2c3d, subnet-0a1b2c3e with kubernetes.io/role/internal-elb=1"),
    row("public-without-cidrs", "EKS080", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.public", "public endpoint without publicCidrs is open to 0.0.0.0/0"),
    row("open-to-world", "EKS080", spec(append="  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0]\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "18:19 endpoint.publicCidrs[0]", "0.0.0.0/0 opens the API server to the whole internet"),
    # checkov CKV_AWS_38 (EKS080's twin) fails `public_access_cidrs = []`: the provider then sends nothing and
    # EKS opens the public endpoint to 0.0.0.0/0.
    row("public-with-empty-cidrs", "EKS080", spec(append="  endpoint:\n    public: true\n    publicCidrs: []\n"),
        spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "18:5 endpoint.publicCidrs", "0.0.0.0/0"),
]


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_rule_fires(case: Row) -> None:
    assert_rule_fires(case)


@pytest.mark.parametrize("case", params(ROWS, needs_finding=False))
def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
    assert_nearest_valid_is_quiet(case)


@pytest.mark.parametrize("case", params([r for r in ROWS if r.rule not in ("EKS090", "EKS091")], needs_finding=True))
def test_waiver(case: Row) -> None:
    assert_waiver(case)


# --- beyond one row per finding -------------------------------------------------------------------


def test_explicit_empty_subnets_on_a_new_vpc_is_an_error_or_the_default_layout() -> None:
    text = spec(append="  vpc:\n    subnets: {}\n")
    (doc,) = load_documents(text, "cluster.yaml")
    result = check_document(doc, today=TODAY)
    errors = [i for i in result.errors if i.path.startswith("vpc.subnets")]
    assert result.effective is not None and result.effective.spec.vpc is not None
    subnets = result.effective.spec.vpc.subnets
    assert errors or (subnets is not None and len(subnets.private or []) >= 2), show(result.issues)


@pytest.mark.parametrize("zones", [4, 6])
def test_default_layout_with_more_than_three_zones_is_an_error_or_does_not_overlap(zones: int) -> None:
    listed = ", ".join(f"us-east-1{c}" for c in "abcdef"[:zones])
    text = spec({5: "  region: us-east-1"}, append=f"  vpc:\n    availabilityZones: [{listed}]\n")
    (doc,) = load_documents(text, "cluster.yaml")
    result = check_document(doc, today=TODAY)
    if result.errors:  # an error telling the author to list the subnets is fine
        assert any(i.path.startswith("vpc") for i in result.errors), show(result.issues)
        return
    assert result.effective is not None and result.effective.spec.vpc is not None
    subnets = result.effective.spec.vpc.subnets
    assert subnets is not None
    networks = [ipaddress.ip_network(c) for c in [*(subnets.private or []), *(subnets.public or []),
                                                  *(subnets.intra or [])]]
    overlapping = [(str(a), str(b)) for i, a in enumerate(networks) for b in networks[i + 1:] if a.overlaps(b)]
    assert not overlapping
