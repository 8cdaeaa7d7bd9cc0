"""`eksgen data`: every shipped table is listed with what it holds, its source and date."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from generator.cli.main import main
from generator.facts.tables import shipped_tables


def test_every_data_file_is_listed_with_a_source_and_a_date() -> None:
    files = {p.name for p in resources.files("generator.facts").joinpath("data").iterdir()
             if p.name.endswith((".json", ".jsonl")) and p.name != "tables.json"}
    tables = shipped_tables()
    assert {t.file for t in tables} == files
    for table in tables:
        assert table.source.strip() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", table.date), table.name


def test_row_counts_are_read_from_the_tables() -> None:
    rows = {t.name: t.rows for t in shipped_tables()}
    assert rows["kubernetes-releases"] == 8 and rows["instance-info"] == 1384 and rows["eks-pricing"] is None


def test_the_command_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in listed][:3] == ["kubernetes-releases", "eks-pricing", "ami-releases"]
    assert listed[2]["file"] == "generator/facts/data/ami-releases.json"
