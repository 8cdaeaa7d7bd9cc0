"""Reading a root module: bad input is located and reported all at once, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.adopt.terraform.source import read_root_module
from generator.errors import SpecInvalid, UsageError


def test_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("", "utf-8")
    with pytest.raises(UsageError, match="not a directory"):
        read_root_module(tmp_path / "main.tf")


def test_no_tf_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no \*\.tf files"):
        read_root_module(tmp_path)


def test_every_syntax_error_is_located(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('module "eks" {\n  source = = 1\n}\n', "utf-8")
    (tmp_path / "b.tf").write_text('locals {\n  x = "unclosed\n}\n', "utf-8")
    (tmp_path / "c.tf").write_text('locals {\n  fine = 1\n}\n', "utf-8")
    with pytest.raises(SpecInvalid) as caught:
        read_root_module(tmp_path)
    located = sorted((Path(i.file).name, i.position.line if i.position else None) for i in caught.value.issues)
    assert located == [("a.tf", 2), ("b.tf", 2)]
    assert all("HCL syntax error" in i.message for i in caught.value.issues)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(b"locals {\n  x = \"\xff\"\n}\n")
    with pytest.raises(SpecInvalid, match="not UTF-8"):
        read_root_module(tmp_path)


def test_blocks_keep_their_place(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('\n\nmodule "eks" {\n  source = "x"\n\n  name = "n"\n}\n', "utf-8")
    (block,) = read_root_module(tmp_path).blocks
    assert (block.type, block.labels, block.where.line) == ("module", ("eks",), 3)
    assert block.attributes["name"].where.line == 6
