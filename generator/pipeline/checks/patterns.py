"""Syntax rules shared by the checks, each from shared/facts/eks-limits.md."""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata

# Every AWS and Kubernetes name is ASCII: \d and \w must not match other scripts' digits and letters.
_ascii = functools.partial(re.compile, flags=re.ASCII)

CLUSTER_NAME = _ascii(r"[0-9A-Za-z][A-Za-z0-9_-]*")
CLUSTER_NAME_MAX = 100
# terraform-aws-eks v21 builds IAM name_prefix "<name>-cluster-" (<= 38 characters).
CLUSTER_NAME_MAX_WITH_MODULE = 29
NODE_GROUP_NAME = _ascii(r"[0-9A-Za-z][A-Za-z0-9_-]*")
NODE_GROUP_NAME_MAX = 63
# eks-managed-node-group builds IAM name_prefix "<name>-eks-node-group-" (<= 38 characters).
MANAGED_NODE_GROUP_NAME_MAX_WITH_MODULE = 22
# self-managed-node-group builds IAM name_prefix "<name>-node-group-" (<= 38 characters).
SELF_MANAGED_NODE_GROUP_NAME_MAX_WITH_MODULE = 26
FARGATE_PROFILE_NAME_MAX = 63
# fargate-profile builds IAM name_prefix "<name>-" (<= 38 characters).
FARGATE_PROFILE_NAME_MAX_WITH_MODULE = 37
IAM_NAME_PREFIX_MAX = 38  # IAM role name_prefix limit (the AWS provider's validation)
PARTITION = r"(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc)"
ROLE_ARN = _ascii(
    rf"arn:{PARTITION}:iam::(\d{{12}}):role/"
    r"(?:[\x21-\x7e]*/)?[\w+=,.@-]{1,64}"
)
USER_ARN = _ascii(
    rf"arn:{PARTITION}:iam::(\d{{12}}):user/"
    r"(?:[\x21-\x7e]*/)?[\w+=,.@-]{1,64}"
)
POLICY_ARN = _ascii(rf"arn:{PARTITION}:iam::(\d{{12}}|aws):policy/[\x21-\x7e]+")
KMS_KEY_ARN = _ascii(
    rf"arn:{PARTITION}:kms:([a-z0-9-]+):(\d{{12}}):"
    r"(key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9:/_-]{1,256})"
)
# Resources the well-known policies are scoped to (checks/policyresources.py). A hosted zone ID is
# upper-case letters and digits; bucket names are S3's (3-63 of a-z, 0-9, '.', '-'), with IAM's '*'
# and '?' wildcards; queue names are SQS's (1-80 of letters, digits, '-', '_', with '.fifo' last).
HOSTED_ZONE_ARN = _ascii(rf"arn:{PARTITION}:route53:::hostedzone/(?:[A-Z0-9]{{1,32}}|\*)")
S3_BUCKET_ARN = _ascii(rf"arn:{PARTITION}:s3:::[a-z0-9*?][a-z0-9.*?-]{{1,61}}[a-z0-9*?]")
SQS_QUEUE_ARN = _ascii(rf"arn:{PARTITION}:sqs:(?:[a-z]{{2}}(?:-[a-z]+)+-\d|\*):(?:\d{{12}}|\*):"
                       r"(?=[A-Za-z0-9_.*?-]{1,80}$)[A-Za-z0-9_*?-]+(?:\.fifo)?")
ACCESS_POLICY_ARN = _ascii(rf"arn:{PARTITION}:eks::aws:cluster-access-policy/[A-Za-z0-9]+")
ACCESS_POLICY_NAMES = frozenset({
    "AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy",
    "AmazonEKSAdminViewPolicy",
})
RESERVED_USERNAME_PREFIXES = ("system:", "eks:", "aws:", "amazon:", "iam:")
VPC_ID = _ascii(r"vpc-([0-9a-f]{8}|[0-9a-f]{17})")
SUBNET_ID = _ascii(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
AMI_ID = _ascii(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")
SECURITY_GROUP_ID = _ascii(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
LAUNCH_TEMPLATE_ID = _ascii(r"lt-([0-9a-f]{8}|[0-9a-f]{17})")
LAUNCH_TEMPLATE_VERSION = _ascii(r"[1-9]\d*|\$Latest|\$Default")
EC2_KEY_NAME = _ascii(r"[\x20-\x7e]{1,255}")  # EC2 key pair names: printable ASCII, at most 255
REGION = _ascii(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
KUBERNETES_VERSION = _ascii(r"1\.(0|[1-9]\d*)")
DNS_LABEL = _ascii(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS_SUBDOMAIN = _ascii(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
LABEL_NAME = _ascii(r"[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")
ADDON_NAME = _ascii(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
ADDON_VERSION = _ascii(r"v\d+\.\d+\.\d+(-eksbuild\.\d+)?")
MODULE_LABEL_PART = _ascii(r"[a-z0-9][a-z0-9-]{0,37}")
S3_BUCKET = _ascii(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = frozenset({
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
})
PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


IAM_ARN_MAX = 2048  # IAM "IAM and STS quotas": ARNs up to 2048 characters
IAM_PATH_MAX = 512  # IAM API: Path 1-512 characters, "/" or "/segment/.../"
# Access-entry usernames and groups: the EKS API model sets no bound; eksgen's own, so an accidental
# paste fails here rather than at apply (an empty one is an EKS InvalidParameterException).
KUBERNETES_SUBJECT_MAX = 255


def arn_path_problem(arn: str) -> str | None:
    """IAM role/user/policy ARNs: the path between the type and the name (IAM API `Path`)."""
    resource = arn.split(":", 5)[-1]
    path = "/" + resource.partition("/")[2].rpartition("/")[0] + "/" if resource.count("/") > 1 else "/"
    if len(arn) > IAM_ARN_MAX:
        return f"IAM ARNs are at most {IAM_ARN_MAX} characters (got {len(arn)})"
    if len(path) > IAM_PATH_MAX:
        return f"the IAM path {path[:40]}... is {len(path)} characters; IAM allows {IAM_PATH_MAX}"
    if "//" in path:
        return f"the IAM path {path!r} has an empty segment ('//'); IAM paths are /segment/.../"
    return None


def parse_ipv4_network(text: str) -> tuple[ipaddress.IPv4Network | None, str | None]:
    """A strict IPv4 network, or the reason it is not one."""
    if text != text.strip():
        return None, "must not have surrounding whitespace"
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        reason = str(exc)
        if "has host bits set" in reason:
            fixed = ipaddress.ip_network(text, strict=False)
            return None, f"is not a network address (host bits set); did you mean {fixed}?"
        return None, f"is not a valid IPv4 CIDR ({text!r})"
    if not isinstance(network, ipaddress.IPv4Network) or "/" not in text:
        return None, f"is not a valid IPv4 CIDR ({text!r})"
    return network, None


def is_iam_tag_text(text: str, *, allow_empty: bool) -> bool:
    """IAM tag charset: letters, separators (spaces), numbers and `_ . : / = + - @`."""
    if not text:
        return allow_empty
    return all(unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in text)


def label_key_problem(key: str) -> str | None:
    """Kubernetes label key syntax: optional DNS-subdomain prefix, then a name of <= 63."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN.fullmatch(prefix)):
        return "prefix must be a lowercase DNS subdomain of at most 253 characters"
    if not name or len(name) > 63 or not LABEL_NAME.fullmatch(name):
        return "name must be 1-63 characters, alphanumeric at both ends, with '-', '_', '.' inside"
    return None


def label_value_problem(value: str) -> str | None:
    if value and (len(value) > 63 or not LABEL_NAME.fullmatch(value)):
        return "must be at most 63 characters, alphanumeric at both ends, with '-', '_', '.' inside"
    return None

# One part of a comma-separated Terraform version constraint (hashicorp/go-version's grammar:
# an optional operator, then a version with an optional pre-release); Terraform refuses anything else.
TERRAFORM_CONSTRAINT = re.compile(
    r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z][0-9A-Za-z.-]*)?\s*", re.ASCII)
