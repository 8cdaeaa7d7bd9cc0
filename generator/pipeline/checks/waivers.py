"""Waivers: accepted findings, as data in the spec (`spec.waivers`), each with a reason."""

from __future__ import annotations

from generator.errors import Issue
from generator.pipeline.checks.context import CheckContext
from generator.pipeline.checks.rules import CHECKOV_DIFFERENCES, RULES


def apply(ctx: CheckContext, issues: list[Issue]) -> list[Issue]:
    """Drop findings of waived rules; report bad waivers (EKS090) and unused ones (EKS091)."""
    waived: dict[str, int] = {}
    problems: list[Issue] = []
    for index, waiver in enumerate(ctx.cluster.spec.waivers):
        loc = ("spec", "waivers", index)
        rule = RULES.get(waiver.rule)
        if waiver.rule in CHECKOV_DIFFERENCES:  # for checkov only: rendered as a checkov:skip comment
            if not waiver.reason.strip():
                problems.append(Issue((*loc, "reason"), "give the reason the finding is accepted", rule="EKS090"))
        elif rule is None:
            problems.append(Issue((*loc, "rule"), f"unknown rule {waiver.rule!r} (see `eksgen rules`)",
                                  rule="EKS090"))
        elif not rule.waivable:
            problems.append(Issue((*loc, "rule"), f"{waiver.rule} cannot be waived: it guards something AWS or "
                                  "Terraform would reject", rule="EKS090"))
        elif not waiver.reason.strip():
            problems.append(Issue((*loc, "reason"), "give the reason the finding is accepted", rule="EKS090"))
        else:
            waived[waiver.rule] = index
    kept = [i for i in issues if i.rule not in waived]
    used = {i.rule for i in issues}
    for rule_id, index in waived.items():
        if rule_id not in used:
            problems.append(Issue(("spec", "waivers", index, "rule"), f"{rule_id} has no finding to waive",
                                  severity="warning", rule="EKS091"))
    return kept + problems
