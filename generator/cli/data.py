"""`eksgen data`: every table eksgen ships (releases and support dates, AMI releases, removed APIs,
Karpenter ranges, pricing, instance facts, regions), with its source and date."""

from __future__ import annotations

import json

import typer

from generator.cli.common import Format, OutputFormat


def register(app: typer.Typer) -> None:
    from generator.cli.common import handle_errors

    @app.command("data")
    @handle_errors
    def data(output_format: Format = OutputFormat.text) -> int:
        """List the data tables eksgen ships, with source and date (scripts/rebuild_data.py rebuilds them)."""
        from generator import api

        tables = api.data_tables()
        if output_format is OutputFormat.json:
            typer.echo(json.dumps([t.as_json() for t in tables], indent=2))
            return 0
        for table in tables:
            rows = f", {table.rows} rows" if table.rows is not None else ""
            typer.echo(f"{table.name} ({table.date}{rows}): {table.what}\n  file: generator/facts/data/{table.file}\n"
                       f"  source: {table.source}")
        return 0
