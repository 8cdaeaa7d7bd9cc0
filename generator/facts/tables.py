"""Every table eksgen ships in `data/`, with what it holds, its source and date (`eksgen data`).

`data/tables.json` lists them; a table file's own `source` and `date` win over the list's.
`scripts/rebuild_data.py` rebuilds them from the public sources."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from generator.facts.releases import load_json


@dataclass(frozen=True)
class DataTable:
    name: str
    file: str
    what: str
    source: str
    date: str
    rows: int | None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "file": f"generator/facts/data/{self.file}", "what": self.what,
                "source": self.source, "date": self.date, "rows": self.rows}


def _text(file: str) -> str:
    return resources.files("generator.facts").joinpath("data", file).read_text("utf-8")


def shipped_tables() -> list[DataTable]:
    tables = []
    for entry in load_json("tables.json")["tables"]:
        file, rows_key = entry["file"], entry["rows"]
        data = load_json(file) if file.endswith(".json") else {}
        if rows_key == "lines":
            rows: int | None = sum(1 for line in _text(file).splitlines() if line.strip())
        else:
            rows = len(data[rows_key]) if rows_key else None
        tables.append(DataTable(entry["name"], file, entry["what"], str(data.get("source") or entry["source"]),
                                str(data.get("date") or entry["date"]), rows))
    return tables
