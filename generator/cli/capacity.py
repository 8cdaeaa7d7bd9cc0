"""`eksgen capacity SPEC`: max pods per node and pod IPs per private subnet, as rich tables.

Off a terminal rich prints plain text (no colours), wide enough that CI logs do not wrap cells.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from generator.cli.common import Today

if TYPE_CHECKING:  # rich loads only when the command runs: --help stays fast
    from rich.console import Console
    from rich.table import Table

    from generator.api import CapacityReport, GroupCapacity, SubnetCapacity, TypeCapacity

PLAIN_WIDTH = 200  # rich's 80-column default for pipes would wrap the 12-column table
UNKNOWN = "?"
NONE = "-"


def register(app: typer.Typer) -> None:
    """Add the `capacity` command to `app`."""
    from generator.cli.common import handle_errors  # here, not at import time: generator.cli.main imports this module

    app.command("capacity")(handle_errors(capacity))


def capacity(spec: Annotated[Path, typer.Argument(help="Spec file.", show_default=False)],
             today: Today = None) -> int:
    """Show max pods per node and pod IPs per private subnet at max scale, per cluster."""
    from generator import api
    from generator.cli.common import parse_today

    print_reports(api.capacity(spec, today=parse_today(today)))
    return 0


def print_reports(reports: Iterable[CapacityReport], console: Console | None = None) -> None:
    """Print each cluster's capacity report (also used by `eksgen explain --capacity`)."""
    out = console or _console()
    for report in reports:
        print_report(report, out)


def _console() -> Console:
    from generator.cli.common import console

    return console() if sys.stdout.isatty() else console(width=PLAIN_WIDTH)


def print_report(report: CapacityReport, console: Console) -> None:
    """Node groups table, private subnets table, then the notes."""
    console.print(groups_table(report))
    if report.skipped:
        console.print(f"subnets not compared: {report.skipped}")
    else:
        console.print(subnets_table(report.subnets, report.cluster))
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)


def groups_table(report: CapacityReport) -> Table:
    delegation = "on" if report.prefix_delegation else "off"
    from rich.table import Table

    table = Table(title=f"{report.cluster}: node groups at maxSize (prefix delegation {delegation})")
    for header in ("node group", "instance type", "vCPUs (derived)", "ENIs", "IPs/ENI", "max pods"):
        table.add_column(header, justify="left" if header in ("node group", "instance type") else "right")
    if report.prefix_delegation:
        table.add_column("max pods w/o PD", justify="right")
    for header in ("IPs/node", "nodes at max", "AZs", "nodes/AZ", "IPs/AZ"):
        table.add_column(header, justify="right")
    if not report.groups:
        table.add_row("(no node groups)", *[NONE] * (len(table.columns) - 1))
    for group in report.groups:
        for row in _group_rows(group, report.prefix_delegation):
            table.add_row(*row)
    return table


def _group_rows(group: GroupCapacity, delegation: bool) -> list[list[str]]:
    """One row per instance type; the group's totals on its first row, the worst-case type marked."""
    worst = group.worst
    rows = [_type_cells(t, delegation, t is worst and len(group.types) > 1) for t in group.types]
    width = 6 if delegation else 5  # the type cells after the instance type
    rows += [[f"{name} (unknown)", *[UNKNOWN] * width] for name in group.unknown_types]
    totals = [str(group.max_size), str(len(group.zones)), str(group.nodes_per_zone), str(group.ips_per_zone)]
    if not rows:
        rows = [[NONE, *[NONE] * width]]
    result = [[f"{group.name} ({group.kind})", *rows[0], *totals]]
    result += [["", *row, "", "", "", ""] for row in rows[1:]]
    return result


def _type_cells(node: TypeCapacity, delegation: bool, is_worst: bool) -> list[str]:
    name = f"{node.instance_type} (worst)" if is_worst else node.instance_type
    cells = [name, node.vcpus_text, str(node.enis), str(node.ips_per_eni), str(node.max_pods)]
    if delegation:
        cells.append(str(node.max_pods_plain))
    cells.append(f"{node.ips_per_node} ({node.ips_detail})")
    return cells


def subnets_table(subnets: list[SubnetCapacity], cluster: str) -> Table:
    from rich.table import Table

    table = Table(title=f"{cluster}: private subnets at max scale")
    for header in ("AZ", "subnet", "usable addresses", "node + pod IPs", "headroom", "node groups"):
        table.add_column(header, justify="right" if header in ("usable addresses", "node + pod IPs",
                                                               "headroom") else "left")
    for subnet in subnets:
        style = "red" if subnet.headroom < 0 else ""
        shares = "; ".join(share.describe() for share in subnet.shares) or NONE
        table.add_row(subnet.zone, subnet.cidr, str(subnet.usable), str(subnet.needed), str(subnet.headroom),
                      shares, style=style)
    return table
