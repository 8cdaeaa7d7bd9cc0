"""Bad input, table-driven: every case must exit 2, name each problem as `FILE:LINE:COL PATH: message`,
print no traceback and write nothing (the output directory and the spec's directory stay byte-identical).

Each case is the valid BASE spec of tests/helpers.py with one tweak (a few cases are whole texts). `spec()` builds the
text so line numbers are predictable:

     1  apiVersion: eksgen/v1alpha1
     2  kind: Cluster
     3  metadata:
     4    name: demo
     5    region: eu-west-1
     6    tags:
     7      team: platform
     8  spec:
     9    kubernetesVersion: "1.35"
    10    managedNodeGroups:
    11      - name: general
    12        instanceTypes: [m6i.large]
    13        minSize: 2
    14        maxSize: 6
    15        desiredSize: 3

`replace={n: "text"}` swaps line n for ONE line (None deletes it; only done where no later line moves);
`append="..."` adds lines from line 16 on: at indent 2 they are `spec` keys, at indent 6 more keys of
managedNodeGroups[0].

An expectation is `("LINE:COL PATH", "message fragment")`: the stderr line must start with
`FILE:LINE:COL PATH: ` exactly and contain the fragment after it. Every error line printed must be
expected (no spurious or derived errors), each expectation must match exactly one line, and lines come
out sorted by position.

Cases marked `bug=` are known bugs (see each reason); they are written with the CORRECT expectation and
run as strict xfails, so fixing the bug turns them into a failure until the mark is removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli.main import app
from tests.helpers import BASE, TODAY, Row, issues_of, spec, with_waivers
from tests.pipeline.checks.test_rules import ROWS as RULE_ROWS

ROLE = "arn:aws:iam::111122223333:role/admins"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
EXISTING_VPC = "  vpc:\n    id: vpc-0a1b2c3d4e5f67890\n"  # lines 16-17
SUMMARY = re.compile(r"^\d+ (error|problem|warning)")
WARNING = re.compile(r": warning( EKS\d+)?: ")



def case(case_id: str, text: str | bytes, *expected: tuple[str, str], today: str = TODAY.isoformat(),
         args: tuple[str, ...] = (), bug: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=f"bug: {bug}")] if bug else []
    return pytest.param(text, expected, today, args, id=case_id, marks=marks)


CASES = [
    # --- YAML and document shape -------------------------------------------------------------------
    case("yaml-syntax-mapping-in-plain-scalar", spec({4: "  name: demo: prod"}),
         ("4:13 (document)", "invalid YAML: mapping values are not allowed")),
    case("yaml-syntax-unclosed-flow-sequence", spec({12: "      instanceTypes: [m6i.large"}),
         ("13:14 (document)", "expected ',' or ']'")),
    case("yaml-tab-indentation", spec({13: "\tminSize: 2"}),
         ("13:1 (document)", "invalid YAML: a tab character; YAML indents with spaces only")),
    case("yaml-tab-inside-a-mapping", spec({5: "\tregion: eu-west-1"}),
         ("5:1 (document)", "invalid YAML: a tab character; YAML indents with spaces only")),
    case("yaml-unknown-tag", spec({4: "  name: !custom demo"}),
         ("4:9 metadata.name", "the YAML tag !custom is not supported")),
    case("yaml-python-tag-refused", spec({4: "  name: !!python/object:os.system x"}),
         ("4:9 metadata.name", "the YAML tag !!python/object:os.system is not supported")),
    case("duplicate-key-in-spec", spec(append='  kubernetesVersion: "1.34"\n'),
         ("16:3 kubernetesVersion", "duplicate key 'kubernetesVersion' (first at line 9)")),
    case("duplicate-key-in-node-group", spec(append="      minSize: 3\n"),
         ("16:7 managedNodeGroups[0].minSize", "duplicate key 'minSize' (first at line 13)")),
    case("top-level-list", "- apiVersion: eksgen/v1alpha1\n- kind: Cluster\n",
         ("1:1 (document)", "a spec document must be a mapping")),
    case("top-level-scalar", "just a string\n",
         ("1:1 (document)", "a spec document must be a mapping")),
    case("second-document-not-a-mapping", spec() + "---\n[]\n",
         ("17:1 (document)", "a spec document must be a mapping")),
    case("empty-file", "",
         ("1:1 (document)", "no YAML document found")),
    case("comment-only-file", "# nothing here\n",
         ("1:1 (document)", "no YAML document found")),
    case("nul-byte", b"\x00",
         ("1:1 (document)", "invalid YAML")),
    case("not-utf8", BASE.replace("demo", "d\xe9mo").encode("latin-1"),
         ("4:10 (document)", "not UTF-8")),
    case("recursive-alias", spec(append="  vpc: &loop\n    subnets: *loop\n"),
         ("17:5 vpc.subnets", "alias")),
    # libyaml refuses at depth 1000 (column 1003); the pure-Python parser would hit RecursionError (1:1).
    case("deeply-nested-flow-sequences", "a: " + "[" * 3000 + "]" * 3000 + "\n",
         ("1:1003 (document)", "nesting depth")),
    # --- types: strict, no coercion ----------------------------------------------------------------
    case("version-as-number", spec({9: "  kubernetesVersion: 1.30"}),
         ("9:3 kubernetesVersion", 'must be a string; YAML read 1.30 as a number, quote it: "1.30"')),
    case("name-as-number", spec({4: "  name: 123"}),
         ("4:3 metadata.name", 'YAML read 123 as a number, quote it: "123"')),
    case("tag-value-as-number", spec({7: "    team: 1"}),
         ("7:5 metadata.tags.team", 'YAML read 1 as a number, quote it: "1"')),
    case("module-version-as-number", spec(append="  terraform:\n    modules:\n      vpc: 6.6\n"),
         ("18:7 terraform.modules.vpc", 'YAML read 6.6 as a number, quote it: "6.6"')),
    case("string-where-integer-expected", spec({13: '      minSize: "2"'}),
         ("13:7 managedNodeGroups[0].minSize", "must be a whole number (got str '2')")),
    case("integer-where-bool-expected", spec(append="  deletionProtection: 1\n"),
         ("16:3 deletionProtection", "must be true or false (got int 1)")),
    case("null-where-mapping-expected", spec(append="  addons:\n    coredns:\n"),
         ("17:5 addons.coredns", "must be a mapping (got null)")),
    # --- unknown keys --------------------------------------------------------------------------------
    case("unknown-key-top-level-did-you-mean", spec(append="metadta:\n  name: x\n"),
         ("16:1 metadta", "unknown key 'metadta'; did you mean 'metadata'?")),
    case("unknown-key-top-level-no-near-match", spec(append="status: {}\n"),
         ("16:1 status", "unknown key 'status'; allowed: apiVersion, kind, metadata, spec")),
    case("unknown-key-under-spec", spec(append='  kubernetesVersoin: "1.35"\n'),
         ("16:3 kubernetesVersoin", "unknown key 'kubernetesVersoin'; did you mean 'kubernetesVersion'?")),
    case("unknown-key-in-node-group", spec(append="      instanceType: m6i.large\n"),
         ("16:7 managedNodeGroups[0].instanceType", "unknown key 'instanceType'; did you mean 'instanceTypes'?")),
    case("unknown-key-in-vpc-subnets", spec(append="  vpc:\n    subnets:\n      privat: [10.0.0.0/20]\n"),
         ("18:7 vpc.subnets.privat", "unknown key 'privat'; did you mean 'private'?")),
    # --- header and metadata ---------------------------------------------------------------------------
    case("wrong-api-version", spec({1: "apiVersion: eksgen/v1"}),
         ("1:1 apiVersion", "must be 'eksgen/v1alpha1' (got 'eksgen/v1')")),
    case("wrong-kind", spec({2: "kind: Clusters"}),
         ("2:1 kind", "must be 'Cluster' (got 'Clusters')")),
    case("missing-metadata-name", spec({4: None}),
         ("3:1 metadata.name", "required key is missing")),
    case("cluster-name-control-char", spec({4: '  name: "demo\\a"'}),
         ("4:3 metadata.name", "contains the invisible or control character U+0007"),
         ("4:3 metadata.name", "must start with a letter or digit")),
    case("cluster-name-zero-width-space", spec({4: '  name: "demo\\u200b"'}),
         ("4:3 metadata.name", "contains the invisible or control character U+200B"),
         ("4:3 metadata.name", "must start with a letter or digit")),
    case("unknown-region", spec({5: "  region: mars-1"}),
         ("5:3 metadata.region", "unknown AWS region 'mars-1'")),
    case("tag-key-aws-prefix-any-case", spec({7: "    AWS:team: platform"}),
         ("7:5 metadata.tags['AWS:team']", "tag keys starting with 'aws:' are reserved by AWS")),
    case("tag-key-128-chars", spec({7: "    " + "k" * 128 + ": platform"}),
         ("7:5 metadata.tags." + "k" * 128, "tag key must be 1-127 characters")),
    case("tag-key-bad-chars", spec({7: "    team!: platform"}),
         ("7:5 metadata.tags['team!']", "tag key may contain only letters, digits, spaces and _ . : / = + - @")),
    case("tag-value-257-chars", spec({7: "    team: " + "v" * 257}),
         ("7:5 metadata.tags.team", "tag value must be at most 256 characters")),
    case("tag-key-control-char", spec({7: '    "te\\tam": platform'}),
         ("7:5 metadata.tags['te\\tam']", "key contains the invisible or control character U+0009"),
         ("7:5 metadata.tags['te\\tam']", "tag key may contain only")),
    case("tag-value-bidi-override", spec({7: '    team: "a\\u202eb"'}),
         ("7:5 metadata.tags.team", "contains the invisible or control character U+202E"),
         ("7:5 metadata.tags.team", "tag value may contain only")),
    case("terraform-interpolation-in-tag", spec({7: '    team: "${var.team}"'}),
         ("7:5 metadata.tags.team", "must not contain '${' or '%{' (Terraform template syntax)"),
         ("7:5 metadata.tags.team", "tag value may contain only")),
    case("terraform-directive-in-tag", spec({7: '    team: "%{x}"'}),
         ("7:5 metadata.tags.team", "must not contain '${' or '%{'"),
         ("7:5 metadata.tags.team", "tag value may contain only")),
    case("terraform-interpolation-in-node-group-name", spec({11: '    - name: "gen${x}"'}),
         ("11:7 managedNodeGroups[0].name", "must not contain '${' or '%{'"),
         ("11:7 managedNodeGroups[0].name", "must start with a letter or digit")),
    case("duplicate-cluster-names-in-one-file", spec() + "---\n" + spec(),
         ("20:3 metadata.name", "'demo'")),
    # --- Kubernetes version and support ------------------------------------------------------------------
    case("version-with-patch", spec({9: '  kubernetesVersion: "1.35.2"'}),
         ("9:3 kubernetesVersion", "must look like \"1.MM\" (got '1.35.2')")),
    case("version-day-after-end-of-extended-support",
         spec({9: '  kubernetesVersion: "1.31"'}, append="  supportType: EXTENDED\n"),
         ("9:3 kubernetesVersion", "1.31 reached end of extended support on 2026-11-26"), today="2026-11-27"),
    case("strict-turns-warning-into-error", spec({9: '  kubernetesVersion: "1.34"'}),
         ("9:3 kubernetesVersion", "1.34 leaves standard support on 2026-12-02"), args=("--strict",)),
    # --- VPC -------------------------------------------------------------------------------------------
    case("vpc-cidr-invalid", spec(append="  vpc:\n    cidr: 10.0.0.300/16\n"),
         ("17:5 vpc.cidr", "is not a valid IPv4 CIDR ('10.0.0.300/16')")),
    case("vpc-cidr-without-prefix", spec(append="  vpc:\n    cidr: 10.0.0.0\n"),
         ("17:5 vpc.cidr", "is not a valid IPv4 CIDR ('10.0.0.0')")),
    case("vpc-cidr-surrounding-space", spec(append="  vpc:\n    cidr: ' 10.0.0.0/16'\n"),
         ("17:5 vpc.cidr", "must not have surrounding whitespace")),
    case("vpc-cidr-slash-8-explicit-subnets",
         spec(append="  vpc:\n    cidr: 10.0.0.0/8\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"
                     "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"
                     "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
         ("17:5 vpc.cidr", "VPC netmask must be /16 to /28 (got /8)")),
    case("vpc-cidr-slash-8-default-layout", spec(append="  vpc:\n    cidr: 10.0.0.0/8\n"),
         ("17:5 vpc.cidr", "VPC netmask must be /16 to /28 (got /8)")),
    case("single-az-explicit-subnets",
         spec(append="  vpc:\n    availabilityZones: [eu-west-1a]\n    subnets:\n"
                     "      private: [10.0.0.0/20]\n      public: [10.0.48.0/24]\n"),
         ("17:5 vpc.availabilityZones", "EKS needs subnets in at least 2 distinct availability zones"),
         ("19:7 vpc.subnets.private", "needs at least 2 private subnets")),
    case("explicit-empty-az-list", spec(append="  vpc:\n    availabilityZones: []\n"),
         ("17:5 vpc.availabilityZones", "at least 2 distinct availability zones")),
    case("az-from-another-region",
         spec(append="  vpc:\n    availabilityZones: [eu-west-1a, us-east-1b, eu-west-1c]\n"),
         ("17:37 vpc.availabilityZones[1]", "'us-east-1b' is not an availability zone of eu-west-1")),
    case("az-duplicate", spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1a, eu-west-1b]\n"),
         ("17:37 vpc.availabilityZones[1]", "duplicate availability zone eu-west-1a")),
    case("subnet-outside-vpc",
         spec(append="  vpc:\n    cidr: 10.0.0.0/16\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"
                     "    subnets:\n      private: [10.0.0.0/20, 10.1.16.0/20]\n"
                     "      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
         ("20:30 vpc.subnets.private[1]", "10.1.16.0/20 is not inside the VPC CIDR 10.0.0.0/16")),
    case("subnets-overlap",
         spec(append="  vpc:\n    cidr: 10.0.0.0/16\n    availabilityZones: [eu-west-1a, eu-west-1b]\n"
                     "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"
                     "      public: [10.0.16.0/24, 10.0.49.0/24]\n"),
         ("21:16 vpc.subnets.public[0]", "10.0.16.0/24 overlaps vpc.subnets.private[1] (10.0.16.0/20)")),
    case("subnet-count-not-one-per-az",
         spec(append="  vpc:\n    cidr: 10.0.0.0/16\n    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\n"
                     "    subnets:\n      private: [10.0.0.0/20, 10.0.16.0/20]\n"
                     "      public: [10.0.48.0/24, 10.0.49.0/24, 10.0.50.0/24]\n"),
         ("20:7 vpc.subnets.private", "has 2 subnets for 3 availability zones; give one per zone")),
    case("subnet-smaller-than-slash-28",
         spec(append="  vpc:\n    availabilityZones: [eu-west-1a, eu-west-1b]\n    subnets:\n"
                     "      private: [10.0.0.0/29, 10.0.0.8/29]\n      public: [10.0.48.0/24, 10.0.49.0/24]\n"),
         ("19:17 vpc.subnets.private[0]", "subnet netmask must be /16 to /28 (got /29)"),
         ("19:30 vpc.subnets.private[1]", "subnet netmask must be /16 to /28 (got /29)")),
    case("existing-vpc-with-nat",
         spec(append=EXISTING_VPC + "    nat: HighlyAvailable\n    subnets:\n"
                                    "      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"),
         ("18:5 vpc.nat", "applies only to a new VPC")),
    case("existing-vpc-bad-public-subnet-id",
         spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"
                                    "      public: [subnet-nope]\n"),
         ("20:16 vpc.subnets.public[0]", "must be a subnet ID like subnet-0a1b2c3d (got 'subnet-nope')")),
    case("existing-vpc-no-subnets", spec(append=EXISTING_VPC),
         ("16:3 vpc.subnets.private", "an existing VPC needs at least 2 private subnet IDs")),
    case("existing-vpc-with-intra",
         spec(append=EXISTING_VPC + "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"
                                    "      intra: [10.0.0.0/24]\n"),
         ("20:7 vpc.subnets.intra", "applies only to a new VPC; use controlPlane")),
    case("node-group-subnets-unknown-word", spec(append="      subnets: privat\n"),
         ("16:7 managedNodeGroups[0].subnets", "must be 'private', 'public', a list of availability zones")),
    case("node-group-subnets-foreign-az", spec(append="      subnets: [eu-west-1a, us-east-1a]\n"),
         ("16:29 managedNodeGroups[0].subnets[1]", "'us-east-1a' is neither a subnet ID nor one of the VPC's")),
    # --- endpoint and service CIDR ---------------------------------------------------------------------
    case("public-cidrs-without-public", spec(append="  endpoint:\n    publicCidrs: [8.8.8.0/24]\n"),
         ("17:5 endpoint.publicCidrs", "applies only with public: true")),
    case("public-cidrs-41",
         spec(append="  endpoint:\n    public: true\n    publicCidrs:\n"
                     + "".join(f"      - 52.{i}.0.0/16\n" for i in range(41))),
         ("18:5 endpoint.publicCidrs", "EKS allows at most 40 CIDRs (got 41)")),
    case("public-cidr-private-range", spec(append="  endpoint:\n    public: true\n    publicCidrs: [10.1.0.0/16]\n"),
         ("18:19 endpoint.publicCidrs[0]", "10.1.0.0/16 is not a public range")),
    case("service-cidr-overlaps-vpc", spec(append="  serviceIpv4Cidr: 10.0.0.0/16\n"),
         ("16:3 serviceIpv4Cidr", "10.0.0.0/16 overlaps the VPC CIDR 10.0.0.0/16")),
    case("service-cidr-too-small", spec(append="  serviceIpv4Cidr: 172.20.0.0/26\n"),
         ("16:3 serviceIpv4Cidr", "netmask must be between /12 and /24 (got /26)")),
    case("service-cidr-too-large-and-overlapping", spec(append="  serviceIpv4Cidr: 10.0.0.0/8\n"),
         ("16:3 serviceIpv4Cidr", "10.0.0.0/8 overlaps the VPC CIDR 10.0.0.0/16"),
         ("16:3 serviceIpv4Cidr", "netmask must be between /12 and /24 (got /8)")),
    case("service-cidr-with-ipv6", spec(append="  ipFamily: ipv6\n  serviceIpv4Cidr: 172.20.0.0/16\n"),
         ("17:3 serviceIpv4Cidr", "omit serviceIpv4Cidr for an IPv6 cluster")),
    # --- logging and encryption ------------------------------------------------------------------------
    case("log-type-wrong-case", spec(append="  logging:\n    types: [api, Audit]\n"),
         ("17:18 logging.types[1]", "(got 'Audit'); did you mean 'audit'?")),
    case("kms-arn-malformed",
         spec(append="  secretsEncryption:\n    kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/not-a-key\n"),
         ("17:5 secretsEncryption.kmsKeyArn", "must be a KMS key ARN")),
    case("kms-arn-partition-mismatch",
         spec(append=f"  secretsEncryption:\n    kmsKeyArn: arn:aws-cn:kms:eu-west-1:111122223333:key/{KEY_ID}\n"),
         ("17:5 secretsEncryption.kmsKeyArn", "partition")),
    # --- access ----------------------------------------------------------------------------------------
    case("principal-arn-malformed",
         spec(append="  access:\n    entries:\n      - principalArn: arn:aws:iam::1111:role/admins\n"),
         ("18:9 access.entries[0].principalArn", "must be an IAM role or user ARN")),
    case("principal-arn-partition-mismatch",
         spec(append="  access:\n    entries:\n      - principalArn: arn:aws-us-gov:iam::111122223333:role/admins\n"),
         ("18:9 access.entries[0].principalArn", "partition")),
    case("namespaces-with-cluster-scope",
         spec(append=f"  access:\n    entries:\n      - principalArn: {ROLE}\n        policies:\n"
                     "          - policy: AmazonEKSViewPolicy\n            scope: cluster\n"
                     "            namespaces: [x]\n"),
         ("22:13 access.entries[0].policies[0].namespaces", "namespaces apply only with scope: namespace")),
    case("duplicate-principal-entries-and-aws-auth",
         spec(append=f"  access:\n    entries:\n      - principalArn: {ROLE}\n    awsAuth:\n      mapRoles:\n"
                     f"        - rolearn: {ROLE}\n          username: ops\n          groups: [ops]\n"),
         ("21:11 access.awsAuth.mapRoles[0].rolearn", "already has an access entry at access.entries[0]")),
    # --- node groups -----------------------------------------------------------------------------------
    case("min-greater-than-max", spec({13: "      minSize: 5", 14: "      maxSize: 3", 15: None}),
         ("14:7 managedNodeGroups[0].maxSize", "must be >= minSize (5)")),
    case("negative-min", spec({13: "      minSize: -1"}),
         ("13:7 managedNodeGroups[0].minSize", "must be >= 0 (got -1)")),
    case("max-zero", spec({13: "      minSize: 0", 14: "      maxSize: 0", 15: "      desiredSize: 0"}),
         ("14:7 managedNodeGroups[0].maxSize", "must be >= 1 (got 0)")),
    case("duplicate-name-managed-and-self-managed", spec(append="  selfManagedNodeGroups:\n    - name: general\n"),
         ("17:7 selfManagedNodeGroups[0].name", "duplicate name 'general' (first at managedNodeGroups[0])")),
    case("self-managed-node-group-name-27-chars",
         spec(append="  selfManagedNodeGroups:\n    - name: " + "s" * 27 + "\n"),
         ("17:7 selfManagedNodeGroups[0].name", "must be at most 26 characters (got 27)")),
    case("fargate-profile-name-38-chars",
         spec(append="  fargateProfiles:\n    - name: " + "f" * 38 + "\n      selectors: [{namespace: x}]\n"),
         ("17:7 fargateProfiles[0].name", "must be at most 37 characters (got 38)")),
    case("node-group-name-bad-chars", spec({11: "    - name: gen.eral"}),
         ("11:7 managedNodeGroups[0].name", "must start with a letter or digit")),
    case("instance-type-invalid-name", spec({12: "      instanceTypes: [m6i-large]"}),
         ("12:23 managedNodeGroups[0].instanceTypes[0]", "'m6i-large' is not an EC2 instance type name "
                                                          "(did you mean m6i.large?)")),
    case("instance-type-misspelt", spec({12: "      instanceTypes: [m6i.lrage]"}),
         ("12:23 managedNodeGroups[0].instanceTypes[0]", "(did you mean m6i.large?)")),
    case("instance-type-capitals", spec({12: "      instanceTypes: [M6i.Large]"}),
         ("12:23 managedNodeGroups[0].instanceTypes[0]", "'M6i.Large' is not an EC2 instance type name "
                                                          "(did you mean m6i.large?)")),
    case("instance-type-nothing-close", spec({12: "      instanceTypes: [zz.x]"}),
         ("12:23 managedNodeGroups[0].instanceTypes[0]", "not an EC2 instance type name (like m6i.large)")),
    case("instance-types-21",
         spec({12: "      instanceTypes: [" + ", ".join(
             f"{f}.large" for f in ("m5", "m5a", "m5n", "m6i", "m6a", "m7i", "m7a", "c5", "c5a", "c6i", "c6a",
                                    "c7i", "c7a", "r5", "r5a", "r6i", "r6a", "r7i", "r7a", "t3", "t3a")) + "]"}),
         ("12:7 managedNodeGroups[0].instanceTypes", "give 1 to 20 instance types")),
    case("explicit-empty-instance-types", spec({12: "      instanceTypes: []"}),
         ("12:7 managedNodeGroups[0].instanceTypes", "give 1 to 20 instance types")),
    case("arm-instance-x86-ami",
         spec({12: "      instanceTypes: [m7g.large]"}, append="      amiType: AL2023_x86_64_STANDARD\n"),
         ("16:7 managedNodeGroups[0].amiType", "m7g.large is arm64 but amiType AL2023_x86_64_STANDARD is not")),
    case("ami-type-wrong-case", spec(append="      amiType: AL2023_X86_64_STANDARD\n"),
         ("16:7 managedNodeGroups[0].amiType",
          "(got 'AL2023_X86_64_STANDARD'); did you mean 'AL2023_x86_64_STANDARD'?")),
    case("capacity-type-lowercase", spec(append="      capacityType: spot\n"),
         ("16:7 managedNodeGroups[0].capacityType", "(got 'spot'); did you mean 'SPOT'?")),
    case("label-key-invalid", spec(append="      labels:\n        -bad-: x\n"),
         ("17:9 managedNodeGroups[0].labels.-bad-", "label key name must be 1-63 characters")),
    case("label-key-uppercase-prefix", spec(append="      labels:\n        Team.Example.com/role: x\n"),
         ("17:9 managedNodeGroups[0].labels['Team.Example.com/role']", "label key prefix must be a lowercase DNS")),
    case("label-key-reserved-prefix", spec(append="      labels:\n        kubernetes.io/role: x\n"),
         ("17:9 managedNodeGroups[0].labels['kubernetes.io/role']",
          "the EKS API refuses managed node group labels under kubernetes.io, k8s.io and eks.amazonaws.com")),
    case("label-value-invalid", spec(append="      labels:\n        role: -x-\n"),
         ("17:9 managedNodeGroups[0].labels.role", "label value must be at most 63 characters, alphanumeric")),
    case("taint-effect-kubernetes-spelling",
         spec(append="      taints:\n        - key: dedicated\n          value: batch\n          effect: NoSchedule\n"),
         ("19:11 managedNodeGroups[0].taints[0].effect",
          "must be one of 'NO_SCHEDULE', 'NO_EXECUTE' or 'PREFER_NO_SCHEDULE' (got 'NoSchedule')")),
    case("taint-effect-missing", spec(append="      taints:\n        - key: dedicated\n"),
         ("17:11 managedNodeGroups[0].taints[0].effect", "required key is missing")),
    # --- Fargate ---------------------------------------------------------------------------------------
    case("fargate-no-selectors", spec(append="  fargateProfiles:\n    - name: system\n"),
         ("17:7 fargateProfiles[0].selectors", "required key is missing")),
    case("fargate-subnets-public",
         spec(append="  fargateProfiles:\n    - name: system\n      selectors:\n        - namespace: kube-system\n"
                     "      subnets: public\n"),
         ("20:7 fargateProfiles[0].subnets", "must be 'private', a list of availability zones or subnet IDs "
                                             "(got 'public'); Fargate pods run in private subnets only")),
    case("fargate-namespace-invalid",
         spec(append="  fargateProfiles:\n    - name: system\n      selectors:\n        - namespace: Kube_System\n"),
         ("19:11 fargateProfiles[0].selectors[0].namespace", "'Kube_System' is not a valid namespace name")),
    case("fargate-duplicate-profile-name",
         spec(append="  fargateProfiles:\n    - name: fp\n      selectors: [{namespace: default}]\n"
                     "    - name: fp\n      selectors: [{namespace: default}]\n"),
         ("19:7 fargateProfiles[1].name", "duplicate name 'fp' (first at fargateProfiles[0])")),
    # --- service accounts and addons -------------------------------------------------------------------
    case("service-account-duplicate-name",
         spec(append="  serviceAccounts:\n"
                     "    - name: ebs-csi\n      namespace: kube-system\n      serviceAccount: a\n"
                     "      wellKnownPolicies: [ebsCsi]\n"
                     "    - name: ebs-csi\n      namespace: kube-system\n      serviceAccount: b\n"
                     "      wellKnownPolicies: [ebsCsi]\n"),
         ("21:7 serviceAccounts[1].name", "duplicate service account name 'ebs-csi' (first at serviceAccounts[0])")),
    case("service-account-unknown-well-known-policy",
         spec(append="  serviceAccounts:\n    - name: ebs-csi\n      namespace: kube-system\n"
                     "      serviceAccount: a\n      wellKnownPolicies: [ebs]\n"),
         ("20:27 serviceAccounts[0].wellKnownPolicies[0]", "(got 'ebs'); did you mean 'ebsCsi'?")),
    case("service-account-bad-policy-arn",
         spec(append="  serviceAccounts:\n    - name: x\n      namespace: default\n      serviceAccount: x\n"
                     "      policyArns: [arn:aws:iam::aws:policy]\n"),
         ("20:20 serviceAccounts[0].policyArns[0]", "must be an IAM policy ARN (got 'arn:aws:iam::aws:policy')")),
    case("addon-name-invalid", spec(append="  addons:\n    VPC_CNI: {}\n"),
         ("17:5 addons.VPC_CNI", "addon names are lowercase letters, digits and '-'")),
    # --- terraform ---------------------------------------------------------------------------------------
    # --- several problems at once, sorted by position ----------------------------------------------------
    case("several-header-errors", spec({1: "apiVersion: v1", 2: "kind: Pod"}),
         ("1:1 apiVersion", "must be 'eksgen/v1alpha1' (got 'v1')"),
         ("2:1 kind", "must be 'Cluster' (got 'Pod')")),
    case("several-duplicate-keys", spec({15: "      minSize: 3"}, append='  kubernetesVersion: "1.34"\n'),
         ("15:7 managedNodeGroups[0].minSize", "duplicate key 'minSize' (first at line 13)"),
         ("16:3 kubernetesVersion", "duplicate key 'kubernetesVersion' (first at line 9)")),
    case("several-type-errors",
         spec({4: "  name: 123", 9: "  kubernetesVersion: 1.30"},
              append="      capacityType: spot\n  kubernetesVersoin: x\n"),
         ("4:3 metadata.name", 'quote it: "123"'),
         ("9:3 kubernetesVersion", 'quote it: "1.30"'),
         ("16:7 managedNodeGroups[0].capacityType", "did you mean 'SPOT'?"),
         ("17:3 kubernetesVersoin", "did you mean 'kubernetesVersion'?")),
    case("several-check-errors",
         spec({5: "  region: eu-west-9", 9: '  kubernetesVersion: "1.30"', 13: "      minSize: 7"},
              append="  vpc:\n    cidr: 10.0.1.0/16\n"),
         ("5:3 metadata.region", "unknown AWS region 'eu-west-9'"),
         ("9:3 kubernetesVersion", "1.30 reached end of extended support"),
         ("14:7 managedNodeGroups[0].maxSize", "must be >= minSize (7)"),
         ("17:5 vpc.cidr", "host bits set")),
    case("several-s3-backend-errors",
         spec(append="  terraform:\n    backend:\n      s3:\n        bucket: tf..state\n"
                     "        key: /eks/demo.tfstate\n        region: eu-west-9\n"),
         ("19:9 terraform.backend.s3.bucket", "must be a valid S3 bucket name"),
         ("20:9 terraform.backend.s3.key", "must be a non-empty object key not starting with '/'"),
         ("21:9 terraform.backend.s3.region", "unknown AWS region 'eu-west-9'")),
    case("several-documents",
         # document 1 is lines 1-15, `---` is line 16, document 2 starts at line 17 (its line n is 16 + n)
         spec({14: "      maxSize: 1"}) + "---\n" + spec({4: "  name: demo2"}, append="  kubernetesVersoin: x\n"),
         ("14:7 managedNodeGroups[0].maxSize", "must be >= minSize (2)"),
         ("32:3 kubernetesVersoin", "did you mean 'kubernetesVersion'?")),
    case("duplicate-key-and-check-error",
         spec({14: "      maxSize: 1"}, append='  kubernetesVersion: "1.35"\n'),
         ("14:7 managedNodeGroups[0].maxSize", "must be >= minSize (2)"),
         ("16:3 kubernetesVersion", "duplicate key 'kubernetesVersion'")),
]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory under root."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def _issue_position(line: str, file: str) -> tuple[int, int] | None:
    match = re.match(re.escape(file) + r":(\d+):(\d+) ", line)
    return (int(match.group(1)), int(match.group(2))) if match else None


def render_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes, today: str,
                     args: tuple[str, ...]) -> tuple[str, list[str]]:
    """Render `text` and assert the bad-input contract; the spec's file name and its issue lines."""
    spec_dir, out = tmp_path / "spec", tmp_path / "out"
    spec_dir.mkdir()
    out.mkdir()
    spec_path = spec_dir / "cluster.yaml"
    if isinstance(text, bytes):
        spec_path.write_bytes(text)
    else:
        spec_path.write_text(text, encoding="utf-8")
    (out / "SENTINEL.txt").write_bytes(b"hand-written \x00\xff bytes\n")
    monkeypatch.chdir(tmp_path)  # a stray relative write would land in the snapshot too
    before = _snapshot(tmp_path)

    result = CliRunner().invoke(app, ["render", str(spec_path), "-o", str(out), "--today", today, *args])

    output = result.stdout + result.stderr
    file = str(spec_path)
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, output
    assert _snapshot(tmp_path) == before, "bad input must write nothing"
    assert not (out / ".eksgen").exists()

    # Every stderr line is an issue in the contract's form (or the closing count).
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    issues = [line for line in lines if not SUMMARY.match(line)]
    for line in issues:
        assert _issue_position(line, file) is not None, f"not `FILE:LINE:COL PATH: message`: {line!r}"
    positions = [_issue_position(line, file) for line in issues]
    assert positions == sorted(positions), "issues must be sorted by position"
    return file, issues


@pytest.mark.parametrize(("text", "expected", "today", "args"), CASES)
def test_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes,
                   expected: tuple[tuple[str, str], ...], today: str, args: tuple[str, ...]) -> None:
    file, issues = render_bad_input(tmp_path, monkeypatch, text, today, args)
    stderr = "\n".join(issues)

    # Each expectation matches exactly one line, in the expected (sorted) order; nothing else is an error.
    matched: list[int] = []
    for where, fragment in expected:
        prefix = f"{file}:{where}: "
        hits = [i for i, line in enumerate(issues) if line.startswith(prefix) and fragment in line[len(prefix):]]
        assert len(hits) == 1, f"expected one line `{prefix}...{fragment}...`; stderr:\n{stderr}"
        matched.append(hits[0])
    assert matched == sorted(matched), f"issues out of the expected order:\n{stderr}"
    warning = re.compile(r": warning( EKS\d+)?: ")
    unexpected = [line for i, line in enumerate(issues) if i not in matched and not warning.search(line)]
    assert not unexpected, "unexpected errors:\n" + "\n".join(unexpected)


# Every error of the rule table is bad input too: its rows (tests/pipeline/checks/test_rules.py) hold the
# expectation once, and here they go through `render` under the same contract.
RULE_ERRORS = [pytest.param(r, id=r.id) for r in RULE_ROWS if r.severity == "error" and not r.bug]


@pytest.mark.parametrize("row", RULE_ERRORS)
def test_rule_errors_are_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: Row) -> None:
    text = with_waivers(row.bad, row.waivers)
    file, issues = render_bad_input(tmp_path, monkeypatch, text, TODAY.isoformat(), ())
    prefix = f"{file}:{row.where}: "
    hits = [line for line in issues if line.startswith(prefix) and row.fragment in line[len(prefix):]]
    assert len(hits) == 1, f"expected one line `{prefix}...{row.fragment}...`; got:\n" + "\n".join(issues)
    # Nothing but what the library reports for the same text (the row's own and its `also` rules).
    errors = [i.format() for i in issues_of(text) if i.severity == "error"]
    printed = [line.removeprefix(file[: -len("cluster.yaml")]) for line in issues if not WARNING.search(line)]
    assert printed == errors


def test_there_are_enough_cases() -> None:
    assert len(CASES) + len(RULE_ERRORS) >= 150
    assert len(CASES) >= 60
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# Valid specs that must render: the base itself (every bad case above is one tweak away from it), a
# support boundary, and false positives found while writing the bad cases.
GOOD = [
    case("base-spec", spec()),
    case("last-day-of-extended-support",
         spec({9: '  kubernetesVersion: "1.31"'}, append="  supportType: EXTENDED\n"),
         ("9:3 kubernetesVersion", "warning EKS007: 1.31 leaves extended support on 2026-11-26"), today="2026-11-26"),
    case("graviton-gpu-default-ami", spec({12: "      instanceTypes: [g5g.xlarge]"})),
    case("inferentia-default-ami", spec({12: "      instanceTypes: [inf2.xlarge]"})),
    case("public-endpoint-contract-example",
         spec(append="  endpoint:\n    public: true\n    publicCidrs: [203.0.113.0/24]\n")),
    case("public-endpoint-open-to-world",
         spec(append="  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0]\n"),
         ("18:19 endpoint.publicCidrs[0]", "warning EKS080: ")),
]


@pytest.mark.parametrize(("text", "expected", "today", "args"), GOOD)
def test_valid_spec_renders(tmp_path: Path, text: str, expected: tuple[tuple[str, str], ...], today: str,
                            args: tuple[str, ...]) -> None:
    spec_path = tmp_path / "cluster.yaml"
    spec_path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", str(spec_path), "-o", str(out), "--today", today, *args])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 0, result.stderr
    assert (out / "eks.tf").is_file()
    for where, fragment in expected:
        prefix = f"{spec_path}:{where}: "
        assert any(line.startswith(prefix) and fragment in line[len(prefix):]
                   for line in result.stderr.splitlines()), result.stderr


# --- limits added after the first table: the EKS API's own caps on managed node group labels -------------
EXTRA_CASES = [
    case("managed-label-key-over-63-in-total",
         spec(append="      labels:\n        example.com/" + "a" * 60 + ": x\n"),
         ("17:9 managedNodeGroups[0].labels['example.com/" + "a" * 60 + "']", "at most 63 characters in total")),
    case("managed-label-empty-value", spec(append="      labels:\n        team: ''\n"),
         ("17:9 managedNodeGroups[0].labels.team", "must not be empty")),
    case("irsa-policy-other-partition",
         spec(append="  serviceAccounts:\n    - name: app\n      namespace: default\n      serviceAccount: app\n"
                     "      policyArns: [arn:aws-cn:iam::111122223333:policy/app]\n"),
         ("20:20 serviceAccounts[0].policyArns[0]", "policy is in partition aws-cn")),
    case("irsa-role-name-prefix-too-long",
         spec(append="  serviceAccounts:\n    - name: " + "a" * 34 + "\n      namespace: default\n"
                     "      serviceAccount: app\n      policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"),
         ("17:7 serviceAccounts[0].name", "IAM allows 38")),
    case("addon-configuration-not-json",
         spec(append="  addons:\n    vpc-cni:\n      configuration:\n        when: 2026-01-01\n        big: .inf\n"),
         ("19:15 addons.vpc-cni.configuration.when", "YAML 1.1 reads 2026-01-01 as a date; quote it"),
         ("20:14 addons.vpc-cni.configuration.big", ".inf is not a finite number")),
]


@pytest.mark.parametrize(("text", "expected", "today", "args"), EXTRA_CASES)
def test_bad_input_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes,
                          expected: tuple[tuple[str, str], ...], today: str, args: tuple[str, ...]) -> None:
    test_bad_input(tmp_path, monkeypatch, text, expected, today, args)
