"""What the well-known policies are scoped to (EKS043), for IRSA roles and Pod Identity roles alike.

Both modules put these lists straight into a policy statement's resources: an empty list is a
statement without resources, which IAM refuses when the policy is created (MalformedPolicyDocument),
and a list no switched-on policy reads is silently ignored. Read from terraform-aws-iam v6.5.0
(modules/iam-role-for-service-accounts/policies.tf) and terraform-aws-eks-pod-identity v2.8.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.errors import Issue, Loc
from generator.facts.partition import partition
from generator.pipeline import default_values as D
from generator.pipeline.checks import patterns as P
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.effective import PodIdentityAssociation, ServiceAccount

# spec field -> (the policies that read it, the ARN form it takes, what that form names)
RESOURCE_FIELDS: dict[str, tuple[frozenset[str], re.Pattern[str], str]] = {
    "hostedZoneArns": (D.ROUTE_53_POLICIES, P.HOSTED_ZONE_ARN,
                       "a Route 53 hosted zone ARN (arn:aws:route53:::hostedzone/ID)"),
    "s3BucketArns": (frozenset({"velero", "mountpointS3Csi"}), P.S3_BUCKET_ARN,
                     "an S3 bucket ARN (arn:aws:s3:::NAME, no object path)"),
    "sqsQueueArns": (frozenset({"nodeTerminationHandler"}), P.SQS_QUEUE_ARN,
                     "an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)"),
}
# Every policy that reads a field needs it: its statement has no resources without (hosted zones are
# only empty when written so: they default to every zone).
REQUIRED_BY = {policy: field for field, (readers, _, _) in RESOURCE_FIELDS.items() for policy in readers}


def check(ctx: CheckContext) -> Iterator[Issue]:
    spec = ctx.cluster.spec
    for index, sa in enumerate(spec.service_accounts):
        yield from _entry(ctx, sa, ("spec", "serviceAccounts", index))
    for index, entry in enumerate(spec.pod_identity_associations):
        yield from _entry(ctx, entry, ("spec", "podIdentityAssociations", index))


def _values(entry: ServiceAccount | PodIdentityAssociation) -> dict[str, list[str]]:
    return {"hostedZoneArns": entry.hosted_zone_arns, "s3BucketArns": entry.s3_bucket_arns,
            "sqsQueueArns": entry.sqs_queue_arns}


def _entry(ctx: CheckContext, entry: ServiceAccount | PodIdentityAssociation, loc: Loc) -> Iterator[Issue]:
    region_partition = partition(ctx.cluster.metadata.region)
    wanted = set(entry.well_known_policies)
    values = _values(entry)
    existing_role = isinstance(entry, PodIdentityAssociation) and entry.role_arn is not None
    for field in RESOURCE_FIELDS:
        needing = sorted(policy for policy in wanted if REQUIRED_BY.get(policy) == field)
        if needing and not values[field]:
            policies = f"the {needing[0]} policy needs" if len(needing) == 1 else \
                f"the {' and '.join(needing)} policies need"
            yield Issue((*loc, field), f"{policies} {field}: the module grants their actions on exactly these, "
                        "and an empty list is a policy statement IAM refuses", rule="EKS043")
    for field, arns in values.items():
        readers, form, named = RESOURCE_FIELDS[field]
        if arns and existing_role:
            yield Issue((*loc, field), "an existing role (roleArn) takes no policy resources: eksgen attaches "
                        "no policy to a role it does not create", rule="EKS043")
        elif arns and not wanted & readers:
            yield Issue((*loc, field), f"no policy reads it: add {' or '.join(sorted(readers))} to "
                        "wellKnownPolicies, or drop it", rule="EKS043")
        for a_index, arn in enumerate(arns):
            if arn in arns[:a_index]:
                yield Issue((*loc, field, a_index), f"{arn} is listed twice", rule="EKS043")
            elif (match := form.fullmatch(arn)) is None:
                yield Issue((*loc, field, a_index), f"must be {named} (got {arn!r})", rule="EKS043")
            elif match.group(1) != region_partition:
                yield Issue((*loc, field, a_index), f"{arn} is in partition {match.group(1)} but the cluster's "
                            f"region is in {region_partition}", rule="EKS043")
