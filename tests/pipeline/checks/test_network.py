"""The network rules (EKS020-EKS029, EKS080) of generator/pipeline/checks/network.py, one row per finding.

The rows and their three tests (fires, nearest valid spec is quiet, waiver) are explained in tests/helpers.py.
"""

from __future__ import annotations

import ipaddress

import pytest

from generator.pipeline.checks.network import (
    MAX_PUBLIC_ACCESS_CIDRS,
    MIN_AZS,
    SERVICE_CIDR_PREFIX_RANGE,
    SUBNET_PREFIX_RANGE,
    VPC_PREFIX_RANGE,
)
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import (
    EXISTING_VPC,
    PUBLIC_SUBNET,
    TODAY,
    TWO_PRIVATE,
    fargate,
    row,
    rule_table_tests,
    show,
    spec,
)

PUBLIC_ONLY = "  endpoint:\n    private: false\n    public: true\n"
CIDRS = "    publicCidrs: [203.0.113.0/24]\n"
NO_NAT = "  vpc:\n    nat: Disabled\n    endpoints: [ecr.api, ecr.dkr, s3, sts]\n"
NO_NAT_POD_IDENTITY = "  vpc:\n    nat: Disabled\n    endpoints: [ecr.api, ecr.dkr, s3, sts, eks-auth]\n"
NO_NODE_GROUPS = {n: None for n in range(10, 16)}  # BASE without its managed node group: 9 lines

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
    row("one-control-plane-subnet", "EKS021",
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      controlPlane: [subnet-0a1b2c3f]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      controlPlane: [subnet-0a1b2c3f, subnet-0a1b2c40]\n"),
        "20:7 vpc.subnets.controlPlane", "needs at least 2 distinct subnets (in different AZs): EKS places"),
    row("control-plane-subnet-twice", "EKS021",
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      controlPlane: [subnet-0a1b2c3f, subnet-0a1b2c3f]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      controlPlane: [subnet-0a1b2c3f, subnet-0a1b2c40]\n"),
        "20:7 vpc.subnets.controlPlane", "needs at least 2 distinct subnets (in different AZs): EKS places"),
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
                    "    endpoints: [ecr.api, ecr.dkr, s3, sts]\n"
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
    row("zones-differ-per-account", "EKS025", spec({5: "  region: us-west-1"}),
        spec({5: "  region: us-west-1"}, append="  vpc:\n    availabilityZones: [us-west-1a, us-west-1c]\n"),
        "8:1 spec", "in us-west-1 accounts see two of the letters a, b and c"),
    # A vpc section without availabilityZones still takes the default zones: the finding is on that section.
    row("zones-differ-per-account-vpc-section", "EKS025",
        spec({5: "  region: us-west-1"}, append="  vpc:\n    cidr: 10.0.0.0/16\n"),
        spec({5: "  region: us-west-1"},
             append="  vpc:\n    cidr: 10.0.0.0/16\n    availabilityZones: [us-west-1a, us-west-1c]\n"),
        "16:3 vpc", "list vpc.availabilityZones with the zones your account has"),
    row("public-only-endpoint-behind-nat", "EKS140",
        spec(append="  endpoint:\n    private: false\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        spec(append="  endpoint:\n    private: true\n    public: true\n    publicCidrs: [203.0.113.0/24]\n"),
        "17:5 endpoint.private", "(after the first apply, `terraform output nat_public_ips` lists them)"),
    # EKS140, one row per condition: each nearest valid spec drops one of them.
    row("public-only-endpoint-with-cidrs", "EKS140", spec(append=PUBLIC_ONLY + CIDRS),
        spec(append=PUBLIC_ONLY), "17:5 endpoint.private", "publicCidrs must include the gateways' public IPs"),
    row("public-only-endpoint-existing-vpc", "EKS140",
        spec(append=PUBLIC_ONLY + CIDRS + EXISTING_VPC + TWO_PRIVATE),
        spec(append="  endpoint:\n    private: true\n    public: true\n" + CIDRS + EXISTING_VPC + TWO_PRIVATE),
        "17:5 endpoint.private", "they are the Elastic IPs of the NAT gateways of the VPC's private subnets"),
    row("public-only-endpoint-fargate-only", "EKS140",
        spec(NO_NODE_GROUPS, append=PUBLIC_ONLY + CIDRS + fargate()),
        spec(NO_NODE_GROUPS, append="  endpoint:\n    private: false\n    public: true\n" + CIDRS
             + "  autoMode: {enabled: true}\n"),
        "11:5 endpoint.private", "nodes and pods reach a public-only endpoint through the NAT gateways"),
    row("public-only-endpoint-no-nat", "EKS140", spec(append=PUBLIC_ONLY + CIDRS),
        spec(append="      subnets: public\n" + PUBLIC_ONLY + CIDRS + NO_NAT),  # no NAT, nodes on the internet
        "17:5 endpoint.private", "or nodes cannot join: set private: true (recommended), or add those IPs"),
    # EKS142, one row per condition: each nearest valid spec drops one of them.
    row("no-nat-no-private-endpoint", "EKS142", spec(append=PUBLIC_ONLY + NO_NAT),
        spec(append="  endpoint:\n    private: true\n    public: true\n" + NO_NAT),
        "17:5 endpoint.private", "with nat: Disabled, nodes in private subnets have no route to the public endpoint"),
    row("no-nat-no-private-endpoint-fargate", "EKS142",
        spec(NO_NODE_GROUPS, append=PUBLIC_ONLY + NO_NAT + fargate()),
        spec(NO_NODE_GROUPS, append="  endpoint:\n    private: true\n    public: true\n" + NO_NAT + fargate()),
        "11:5 endpoint.private", "so they cannot join: set private: true"),
    row("no-nat-no-private-endpoint-auto-mode", "EKS142",
        spec(NO_NODE_GROUPS, append=PUBLIC_ONLY + NO_NAT + "  autoMode: {enabled: true}\n"),
        spec(NO_NODE_GROUPS, append="  endpoint:\n    private: true\n    public: true\n" + NO_NAT
             + "  autoMode: {enabled: true}\n"),
        "11:5 endpoint.private", "so they cannot join: set private: true"),
    row("no-nat-no-private-endpoint-karpenter", "EKS142",
        spec(append="      subnets: public\n" + PUBLIC_ONLY + NO_NAT_POD_IDENTITY + "  karpenter: {enabled: true}\n"
             + "  addons: {eks-pod-identity-agent: {}, vpc-cni: {}, coredns: {}, kube-proxy: {}}\n"),
        spec(append="      subnets: public\n" + PUBLIC_ONLY + NO_NAT_POD_IDENTITY
             + "  addons: {eks-pod-identity-agent: {}, vpc-cni: {}, coredns: {}, kube-proxy: {}}\n"),
        "18:5 endpoint.private", "so they cannot join: set private: true"),
    row("no-nat-no-private-endpoint-existing-vpc-is-not-known", "EKS142", spec(append=PUBLIC_ONLY + NO_NAT),
        spec(append=PUBLIC_ONLY + EXISTING_VPC + TWO_PRIVATE),
        "17:5 endpoint.private", "so they cannot join"),
    row("no-nat-nodes-in-public-subnets", "EKS142", spec(append=PUBLIC_ONLY + NO_NAT),
        spec(append="      subnets: public\n" + PUBLIC_ONLY + NO_NAT),
        "17:5 endpoint.private", "so they cannot join"),
    row("public-subnet-27-and-26", "EKS141",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/28, 10.0.49.0/26]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/26, 10.0.49.0/26]\n"),
        "20:16 vpc.subnets.public[0]", "10.0.48.0/28 is smaller than /27"),
    row("public-subnet-28", "EKS141",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/27, 10.0.49.0/28]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                    "      private: [10.0.0.0/20, 10.0.16.0/20]\n      public: [10.0.48.0/27, 10.0.49.0/27]\n"),
        "20:30 vpc.subnets.public[1]", "10.0.49.0/28 is smaller than /27"),
]


# --- each condition on both sides of its limit (the limits are the rule's own constants) ----------------
ZONES_AB = "    availabilityZones: [eu-west-1a, eu-west-1b]\n"


def new_vpc(cidr: str, *lines: str, private: str = "10.1.0.0/24, 10.1.1.0/24",
            public: str = "10.1.2.0/24, 10.1.3.0/24") -> str:
    """A new VPC (line 16) with `cidr` on line 17, `lines` from 18, then zones a/b and listed subnets."""
    return ("  vpc:\n" f"    cidr: {cidr}\n" + "".join(f"    {line}\n" for line in lines) + ZONES_AB
            + f"    subnets:\n      private: [{private}]\n      public: [{public}]\n")


def endpoint_cidrs(cidrs: list[str]) -> str:
    return "  endpoint:\n    public: true\n    publicCidrs: [" + ", ".join(cidrs) + "]\n"


def public_cidrs(count: int) -> list[str]:
    return [f"198.51.{i // 256}.{i % 256}/32" for i in range(count)]


SECONDARY = "secondaryCidrs: [10.1.0.0/16]"  # room for the subnets when the primary CIDR is tiny
VPC_MIN, VPC_MAX = VPC_PREFIX_RANGE
SUBNET_MIN, SUBNET_MAX = SUBNET_PREFIX_RANGE
SERVICE_MIN, SERVICE_MAX = SERVICE_CIDR_PREFIX_RANGE

ROWS += [
    row("vpc-netmask-above-max", "EKS022", spec(append=new_vpc(f"10.0.0.0/{VPC_MAX + 1}", SECONDARY)),
        spec(append=new_vpc(f"10.0.0.0/{VPC_MAX}", SECONDARY)),
        "17:5 vpc.cidr", f"VPC netmask must be /16 to /28 (got /{VPC_MAX + 1})"),
    row("vpc-netmask-below-min", "EKS022",
        spec(append=new_vpc(f"10.0.0.0/{VPC_MIN - 1}", private="10.0.0.0/24, 10.0.1.0/24",
                            public="10.0.2.0/24, 10.0.3.0/24")),
        spec(append=new_vpc(f"10.0.0.0/{VPC_MIN}", private="10.0.0.0/24, 10.0.1.0/24",
                            public="10.0.2.0/24, 10.0.3.0/24")),
        "17:5 vpc.cidr", f"VPC netmask must be /16 to /28 (got /{VPC_MIN - 1})"),
    row("subnet-netmask-above-max", "EKS026",
        spec(append=new_vpc("10.1.0.0/16", private=f"10.1.0.0/{SUBNET_MAX + 1}, 10.1.1.0/24")),
        spec(append=new_vpc("10.1.0.0/16", private=f"10.1.0.0/{SUBNET_MAX}, 10.1.1.0/24")),
        "20:17 vpc.subnets.private[0]", f"subnet netmask must be /16 to /28 (got /{SUBNET_MAX + 1})"),
    row("subnet-netmask-below-min", "EKS026",
        spec(append=new_vpc("10.0.0.0/16", "secondaryCidrs: [10.2.0.0/16]", private=f"10.0.0.0/{SUBNET_MIN - 1}, "
                            "10.2.1.0/24", public="10.2.2.0/24, 10.2.3.0/24")),
        spec(append=new_vpc("10.0.0.0/16", "secondaryCidrs: [10.2.0.0/16]", private=f"10.0.0.0/{SUBNET_MIN}, "
                            "10.2.1.0/24", public="10.2.2.0/24, 10.2.3.0/24")),
        "21:17 vpc.subnets.private[0]", f"subnet netmask must be /16 to /28 (got /{SUBNET_MIN - 1})"),
    # A subnet that contains the VPC overlaps it without being inside it.
    row("subnet-contains-the-vpc", "EKS026",
        spec(append=new_vpc("10.1.0.0/20", "secondaryCidrs: [10.2.0.0/16]", private="10.1.0.0/19, 10.2.1.0/24",
                            public="10.2.2.0/24, 10.2.3.0/24")),
        spec(append=new_vpc("10.1.0.0/20", "secondaryCidrs: [10.2.0.0/16]", private="10.1.0.0/20, 10.2.1.0/24",
                            public="10.2.2.0/24, 10.2.3.0/24")),
        "21:17 vpc.subnets.private[0]", "10.1.0.0/19 is not inside the VPC CIDR 10.1.0.0/20, 10.2.0.0/16"),
    row("duplicate-zone-is-one-zone", "EKS025",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1a]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:5 vpc.availabilityZones", f"EKS needs subnets in at least {MIN_AZS} distinct availability zones"),
    row("upper-case-zone-letter", "EKS025",
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1B]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"),
        "17:37 vpc.availabilityZones[1]", "'eu-west-1B' is not an availability zone of eu-west-1"),
    row("public-cidrs-over-the-limit", "EKS027", spec(append=endpoint_cidrs(public_cidrs(MAX_PUBLIC_ACCESS_CIDRS + 1))),
        spec(append=endpoint_cidrs(public_cidrs(MAX_PUBLIC_ACCESS_CIDRS))),
        "18:5 endpoint.publicCidrs", f"EKS allows at most {MAX_PUBLIC_ACCESS_CIDRS} CIDRs (got 41)"),
    row("public-cidr-in-cgnat", "EKS027", spec(append=endpoint_cidrs(["100.64.0.0/10"])),
        spec(append=endpoint_cidrs(["100.128.0.0/10"])),
        "18:19 endpoint.publicCidrs[0]", "100.64.0.0/10 is not a public range"),
    row("public-cidr-at-cgnat-end", "EKS027", spec(append=endpoint_cidrs(["100.127.255.0/24"])),
        spec(append=endpoint_cidrs(["100.63.255.0/24"])),
        "18:19 endpoint.publicCidrs[0]", "100.127.255.0/24 is not a public range"),
    # --- every other finding of the module, one row each --------------------------------------------
    row("existing-vpc-with-zones", "EKS020",
        spec(append=EXISTING_VPC + "    availabilityZones: [eu-west-1a, eu-west-1b]\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE), "18:5 vpc.availabilityZones", "applies only to a new VPC"),
    row("existing-vpc-with-nat", "EKS020", spec(append=EXISTING_VPC + "    nat: Single\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE), "18:5 vpc.nat", "applies only to a new VPC"),
    row("existing-vpc-with-secondary-cidrs", "EKS020",
        spec(append=EXISTING_VPC + "    secondaryCidrs: [10.1.0.0/16]\n" + TWO_PRIVATE),
        spec(append=EXISTING_VPC + TWO_PRIVATE), "18:5 vpc.secondaryCidrs", "applies only to a new VPC"),
    row("existing-vpc-without-private-subnets", "EKS021", spec(append=EXISTING_VPC),
        spec(append=EXISTING_VPC + TWO_PRIVATE), "16:3 vpc.subnets.private",
        "an existing VPC needs at least 2 private subnet IDs"),
    row("existing-vpc-with-intra", "EKS021",
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      intra: [subnet-0a1b2c3f, subnet-0a1b2c40]\n"),
        spec(append=EXISTING_VPC + TWO_PRIVATE + "      controlPlane: [subnet-0a1b2c3f, subnet-0a1b2c40]\n"),
        "20:7 vpc.subnets.intra", "applies only to a new VPC; use controlPlane"),
    row("duplicate-subnet-id", "EKS021",
        spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e, "
                                   "subnet-0a1b2c3d]\n"),
        spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e, "
                                   "subnet-0a1b2c3f]\n"),
        "19:51 vpc.subnets.private[2]", "duplicate subnet subnet-0a1b2c3d"),
    row("existing-vpc-public-discovery-tags", "EKS029", spec(append=EXISTING_VPC + TWO_PRIVATE + PUBLIC_SUBNET),
        spec(), "20:7 vpc.subnets.public", "tag subnet-0a1b2c3f with kubernetes.io/role/elb=1"),
    row("secondary-host-bits", "EKS022", spec(append="  vpc:\n    secondaryCidrs: [10.1.0.1/16]\n"),
        spec(append="  vpc:\n    secondaryCidrs: [10.1.0.0/16]\n"),
        "17:22 vpc.secondaryCidrs[0]", "is not a network address (host bits set)"),
    row("default-layout-over-three-zones", "EKS023",
        spec({5: "  region: us-east-1"},
             append="  vpc:\n    availabilityZones: [us-east-1a, us-east-1b, us-east-1c, us-east-1d]\n"),
        spec({5: "  region: us-east-1"},
             append="  vpc:\n    availabilityZones: [us-east-1a, us-east-1b, us-east-1c]\n"),
        "17:5 vpc.availabilityZones", "the default subnet layout fits at most 3 zones (got 4)"),
    row("duplicate-zone", "EKS025",
    spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1a]\n"),
        spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\n"),
        "17:49 vpc.availabilityZones[2]", "duplicate availability zone eu-west-1a"),
    row("one-private-subnet-on-a-new-vpc", "EKS026", spec(append=new_vpc("10.1.0.0/16", private="10.1.0.0/24")),
        spec(append=new_vpc("10.1.0.0/16")), "20:7 vpc.subnets.private", "needs at least 2 private subnets"),
    row("subnets-per-zone", "EKS026",
    spec(append=new_vpc("10.1.0.0/16", private="10.1.0.0/24, 10.1.1.0/24, 10.1.4.0/24")),
        spec(append=new_vpc("10.1.0.0/16")), "20:7 vpc.subnets.private",
        "has 3 subnets for 2 availability zones; give one per zone"),
    row("subnet-host-bits", "EKS026", spec(append=new_vpc("10.1.0.0/16", private="10.1.0.1/24, 10.1.1.0/24")),
        spec(append=new_vpc("10.1.0.0/16")), "20:17 vpc.subnets.private[0]", "is not a network address"),
    row("subnets-overlap", "EKS026", spec(append=new_vpc("10.1.0.0/16", private="10.1.0.0/24, 10.1.0.128/25")),
        spec(append=new_vpc("10.1.0.0/16")), "20:30 vpc.subnets.private[1]",
        "10.1.0.128/25 overlaps vpc.subnets.private[0] (10.1.0.0/24)"),
    row("public-cidr-host-bits", "EKS027", spec(append=endpoint_cidrs(["203.0.113.1/24"])),
        spec(append=endpoint_cidrs(["203.0.113.0/24"])), "18:19 endpoint.publicCidrs[0]", "is not a network address"),
    row("service-cidr-on-ipv6", "EKS028", spec(append="  ipFamily: ipv6\n  serviceIpv4Cidr: 172.20.0.0/16\n"),
        spec(append="  ipFamily: ipv6\n"), "17:3 serviceIpv4Cidr", "omit serviceIpv4Cidr for an IPv6 cluster"),
    row("service-cidr-host-bits", "EKS028", spec(append="  serviceIpv4Cidr: 172.20.0.1/16\n"),
        spec(append="  serviceIpv4Cidr: 172.20.0.0/16\n"), "16:3 serviceIpv4Cidr", "is not a network address"),
    row("service-cidr-overlaps-vpc", "EKS028", spec(append="  serviceIpv4Cidr: 10.0.0.0/16\n"),
        spec(append="  serviceIpv4Cidr: 10.100.0.0/16\n"), "16:3 serviceIpv4Cidr",
        "10.0.0.0/16 overlaps the VPC CIDR 10.0.0.0/16"),
    row("service-cidr-netmask-above-max", "EKS028", spec(append=f"  serviceIpv4Cidr: 172.20.0.0/{SERVICE_MAX + 1}\n"),
        spec(append=f"  serviceIpv4Cidr: 172.20.0.0/{SERVICE_MAX}\n"),
        "16:3 serviceIpv4Cidr", f"netmask must be between /12 and /24 (got /{SERVICE_MAX + 1})"),
    row("service-cidr-netmask-below-min", "EKS028", spec(append=f"  serviceIpv4Cidr: 10.0.0.0/{SERVICE_MIN - 1}\n"),
        spec(append=f"  serviceIpv4Cidr: 172.16.0.0/{SERVICE_MIN}\n"),
        "16:3 serviceIpv4Cidr", f"netmask must be between /12 and /24 (got /{SERVICE_MIN - 1})"),
]


test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver = rule_table_tests(ROWS)


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


def test_the_limits_are_the_documented_aws_limits() -> None:
    """The rows read their limits from the rule's constants; this pins those constants to AWS's numbers
    (VPC and subnet netmasks: Amazon VPC user guide; service CIDR and 40 public CIDRs: EKS API)."""
    assert (VPC_PREFIX_RANGE, SUBNET_PREFIX_RANGE, SERVICE_CIDR_PREFIX_RANGE) == ((16, 28), (16, 28), (12, 24))
    assert (MAX_PUBLIC_ACCESS_CIDRS, MIN_AZS) == (40, 2)
