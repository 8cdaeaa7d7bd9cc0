"""Pairing clusters, file diffs, and the text, Markdown and JSON reports."""


import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import InternalError
from generator.gitops.diff.compare import diff_clusters
from generator.gitops.diff.risks import (
    ADDED,
    ARROW,
    CLUSTER,
    LIFECYCLE,
    REMOVED,
    RISK_MEANING,
    RISK_ORDER,
    Change,
    Risk,
    show,
    worst,
)
from generator.gitops.textdiff import diff_files
from generator.pipeline.render import header
from generator.pipeline.specfile import RenderResult


def align_headers(files: dict[str, str], old_spec: str, new_spec: str) -> dict[str, str]:
    """Give `files` the header `new_spec` would: a renamed spec file alone is not a change."""
    before, after = str(header(old_spec)), str(header(new_spec))
    return {name: after + text[len(before):] if text.startswith(before) else text for name, text in files.items()}


@dataclass
class ClusterDiff:
    name: str
    changes: list[Change] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    diagram: str = ""  # Mermaid source of the cluster as it will be (as it was, when removed)

    @property
    def worst_risk(self) -> Risk | None:
        return worst(c.risk for c in self.changes)

    def area_risks(self) -> dict[str, Risk]:
        found: dict[str, list[Risk]] = {}
        for change in self.changes:
            found.setdefault(change.area, []).append(change.risk)
        return {area: risk for area, risks in found.items() if (risk := worst(risks)) is not None}


@dataclass
class DiffReport:
    clusters: list[ClusterDiff] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return any(c.changes for c in self.clusters)

    @property
    def worst_risk(self) -> Risk | None:
        return worst(c.risk for cd in self.clusters for c in cd.changes)

    def file_diffs(self) -> str:
        return "".join(d for cd in self.clusters for d in cd.files.values())




def _pairs(old: Sequence[RenderResult], new: Sequence[RenderResult]
           ) -> list[tuple[RenderResult | None, RenderResult | None]]:
    """One cluster a side pairs whatever its name (a rename is a change); several pair by metadata.name."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    before = {r.name: r for r in old}
    after = {r.name: r for r in new}
    return [(before.get(n), after.get(n)) for n in [*before, *(k for k in after if k not in before)]]


def _lifecycle_change(name: str, *, added: bool) -> Change:
    rule = LIFECYCLE[CLUSTER][0 if added else 1]
    return Change(CLUSTER, name, ADDED if added else REMOVED, None, None, rule.risk, rule.reason)


def _pair_diff(old: RenderResult | None, new: RenderResult | None, prefix: str) -> ClusterDiff:
    from generator.gitops.diagram import mermaid

    if new is None or old is None:
        name = _name(old, new)
        files = diff_files(old.files if old else {}, new.files if new else {}, prefix)
        side = _either(old, new)
        return ClusterDiff(name, [_lifecycle_change(name, added=old is None)], files, mermaid(side.effective))
    # Only files both sides have: a removed file shows as it was written.
    old_files = {**old.files, **align_headers({n: t for n, t in old.files.items() if n in new.files},
                                              old.spec.name, new.spec.name)}
    return ClusterDiff(new.name, diff_clusters(old.effective, new.effective),
                       diff_files(old_files, new.files, prefix), mermaid(new.effective))


def diff_results(old: Sequence[RenderResult], new: Sequence[RenderResult]) -> DiffReport:
    """Pair the clusters of two rendered spec files and diff each pair, semantically and as HCL."""
    pairs = _pairs(old, new)
    several = len(pairs) > 1
    return DiffReport([_pair_diff(a, b, f"{_name(a, b)}/" if several else "") for a, b in pairs])


def _either(old: RenderResult | None, new: RenderResult | None) -> RenderResult:
    """The side a pair has (the new one when both): _pairs never yields a pair with neither."""
    item = new or old
    if item is None:
        raise InternalError("a diff pair with neither side")
    return item


def _name(old: RenderResult | None, new: RenderResult | None) -> str:
    return _either(old, new).name


ORDER_ONLY = "the rendered files differ only in the order of named things, which Terraform ignores"


def format_text(report: DiffReport) -> str:
    """Changes grouped by area, one line each, then the unified diff of the rendered files."""
    diffs = report.file_diffs()
    if not report.has_changes:
        return "no changes\n" + (f"({ORDER_ONLY})\n\n{diffs}" if diffs else "")
    lines: list[str] = []
    for cluster in report.clusters:
        lines += _text_cluster(cluster)
    lines.append(f"overall: {report.worst_risk}")
    return "\n".join(lines) + "\n" + (f"\n{diffs}" if diffs else "")


def _text_cluster(cluster: ClusterDiff) -> list[str]:
    if not cluster.changes:
        return [f"{cluster.name}: no changes", ""]
    lines = [f"{cluster.name}: {len(cluster.changes)} change(s), worst risk: {cluster.worst_risk}"]
    for area, risk in cluster.area_risks().items():
        lines.append(f"  {area} [{risk}]")
        lines += [f"    {c.summary()} [{c.risk}]" + (f" -- {c.note}" if c.note else "")
                  for c in cluster.changes if c.area == area]
    return [*lines, ""]


def format_markdown(report: DiffReport) -> str:
    """A pull-request comment: a heading, a table of changes with risk, the HCL diff folded away."""
    if not report.has_changes:
        diffs = report.file_diffs()
        pictures = "".join(_picture(c) for c in report.clusters)
        return "## eksgen diff\n\nNo changes.\n" + (f"({ORDER_ONLY})\n\n{_folded(diffs)}" if diffs else "") \
            + pictures
    parts = [f"## eksgen diff: worst risk **{report.worst_risk}**\n"]
    parts += [_markdown_cluster(cluster) for cluster in report.clusters]
    return "\n".join([*parts, _legend(report)])


def _legend(report: DiffReport) -> str:
    risks = [r for r in RISK_ORDER if any(c.risk == r for cd in report.clusters for c in cd.changes)]
    return "".join(f"- **{risk}**: {RISK_MEANING[risk]}\n" for risk in risks)


def _markdown_cluster(cluster: ClusterDiff) -> str:
    head = f"### {cluster.name}: {len(cluster.changes)} change(s), worst risk **{cluster.worst_risk or 'none'}**\n"
    rows = ["| Area | Subject | Change | Risk | Why |", "| --- | --- | --- | --- | --- |"]
    rows += [f"| {_cell(c.area)} | {_cell(c.subject)} | {_cell(_markdown_change(c))} | **{c.risk}** | "
             f"{_cell(c.note)} |" for c in cluster.changes]
    table = "\n".join(rows) + "\n" if cluster.changes else "No changes.\n"
    return f"{head}\n{table}\n{_picture(cluster)}{_markdown_files(cluster.files)}"


def _picture(cluster: ClusterDiff) -> str:
    """The cluster after the change, as a Mermaid diagram GitHub draws in the comment."""
    return f"<details open>\n<summary>{cluster.name} after the change</summary>\n\n```mermaid\n" \
           f"{cluster.diagram}```\n\n</details>\n\n" if cluster.diagram else ""


def _markdown_change(change: Change) -> str:
    if change.field in (ADDED, REMOVED):
        return change.field
    return f"`{change.field}`: `{show(change.old)}` {ARROW} `{show(change.new)}`"


def _markdown_files(files: dict[str, str]) -> str:
    return _folded("".join(files.values()), len(files)) if files else ""


def _folded(body: str, count: int | None = None) -> str:
    """A ```diff block inside <details>, so a long diff does not bury the table."""
    files = f" ({count} file(s))" if count else ""
    newline = "" if body.endswith("\n") else "\n"
    return f"<details>\n<summary>Terraform diff{files}</summary>\n\n```diff\n{body}{newline}```\n\n</details>\n"


def _cell(text: str) -> str:
    """Table cells are one line and must not end the cell early."""
    return text.replace("|", "\\|").replace("\n", " ")


def report_json(report: DiffReport) -> dict[str, Any]:
    """The shared JSON envelope (gitops/output.py) with `changes`, `worstRisk` and `files` (name: unified diff)."""
    from generator.gitops.output import envelope

    return envelope(
        "diff", 1 if report.has_changes else 0,
        clusters=[{"cluster": cd.name, "status": "changed" if cd.changes or cd.files else "unchanged",
                   "worstRisk": cd.worst_risk, "areas": cd.area_risks()} for cd in report.clusters],
        changes=[c.as_json(cd.name) for cd in report.clusters for c in cd.changes],
        worstRisk=report.worst_risk,
        files={name: text for cd in report.clusters for name, text in cd.files.items()},
    )


def format_json(report: DiffReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
