"""Semantic diff of two effective specs: what changes, and what each change does to a running cluster.

Both sides are defaulted `Cluster` models, compared field by field on their JSON dump. Lists
of named things (node groups, Fargate profiles, access entries, addons, service accounts) are
matched by name or principal ARN, so reordering them is not a change. Every field has a rule
(a risk label and a one-line reason grounded in EKS and the terraform-aws-eks module); the
rendered files are compared too, as a unified diff.
"""

from __future__ import annotations

from generator.gitops.diff.compare import diff_clusters, rule_for_path
from generator.gitops.diff.report import (
    ClusterDiff,
    DiffReport,
    align_headers,
    diff_results,
    format_json,
    format_markdown,
    format_text,
)
from generator.gitops.diff.risks import (
    ADDED,
    REMOVED,
    RISK_ORDER,
    Change,
    Risk,
    Rule,
    risk_table,
    worst,
)
from generator.gitops.textdiff import diff_files

__all__ = [
    "ADDED", "REMOVED", "RISK_ORDER", "Change", "ClusterDiff", "DiffReport", "Risk", "Rule", "align_headers",
    "diff_clusters", "diff_files", "diff_results", "format_json", "format_markdown", "format_text", "risk_table",
    "rule_for_path", "worst",
]
