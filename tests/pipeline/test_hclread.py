"""The fast reader is python-hcl2: the inline transformer and the per-block cache give exactly what
`hcl2.loads` gives, over every golden file and over rendered files of generated specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import SpecInvalid
from generator.pipeline import hclread
from generator.pipeline.roundtrip import _without_comment_lines
from generator.pipeline.run import build_document
from tests.helpers import REPO, TODAY
from tests.pipeline.test_run import SETTINGS, dump, specs
from tests.pipeline.test_run import parse as load_document

GOLDEN_FILES = sorted(REPO.glob("examples/*/expected/*.tf"))


def reference(text: str) -> dict[str, Any]:
    """python-hcl2's own public reader: the whole file, tree built, then transformed."""
    result: dict[str, Any] = hcl2.loads(text + "\n", serialization_options=hclread.OPTIONS)
    return result


def assert_reads_alike(text: str) -> None:
    expected = reference(text)
    assert hclread.parse(text) == expected
    assert hclread.parse_by_parts(text) == expected
    stripped = _without_comment_lines(text)  # what the round trip reads
    assert hclread.parse_by_parts(stripped) == reference(stripped) == expected


def test_goldens_exist() -> None:
    assert len(GOLDEN_FILES) > 40


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[str(p.relative_to(REPO / "examples")) for p in GOLDEN_FILES])
def test_every_golden_reads_as_python_hcl2_reads_it(path: Path) -> None:
    assert_reads_alike(path.read_text("utf-8"))


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[str(p.relative_to(REPO / "examples")) for p in GOLDEN_FILES])
def test_every_golden_block_is_read_statement_by_statement(path: Path) -> None:
    """The differential tests above compare the per-statement path, not a fallback to the whole file."""
    for part in hclread.top_level_parts(_without_comment_lines(path.read_text("utf-8"))):
        if part.strip():
            hclread._parsed_block(part.lstrip("\n"))  # raises where it would fall back


def test_golden_files_are_read_in_parts() -> None:
    text = (REPO / "examples/production/expected/outputs.tf").read_text("utf-8")
    assert len([p for p in hclread.top_level_parts(text) if p.strip()]) > 1
    hclread._parsed_part.cache_clear()
    hclread.parse_by_parts(text)
    hclread.parse_by_parts(text)
    info = hclread._parsed_part.cache_info()
    assert info.misses > 0 and info.hits == info.misses


@SETTINGS
@given(specs())
def test_rendered_files_of_generated_specs_read_alike(document: dict[str, Any]) -> None:
    try:
        built = build_document(load_document(dump(document)), "cluster.yaml", today=TODAY)
    except SpecInvalid:
        return  # a generated spec that fails a check renders nothing to read
    for text in built.files.values():
        assert_reads_alike(text)


HEREDOC_WITH_A_LONE_BRACE = 'locals {\n  script = <<EOT\n}\nx = 1\nEOT\n}\n\nterraform {\n  a = 1\n}\n'
TWO_LOCALS = 'locals {\n  a = 1\n}\n\nlocals {\n  b = "x"\n}\n'
TOP_LEVEL_ATTRIBUTES = 'a = 1\n}\nb = 2\n'
HEREDOC_WITH_A_STATEMENT_LINE = 'module "a" {\n  x = <<-EOT\n  y = 2\n  EOT\n  z = 1\n}\n'
DUPLICATE_ATTRIBUTE = 'module "a" {\n  x = 1\n  x = 2\n}\n'
NESTED_BLOCKS = 'terraform {\n  a = 1\n  b {\n    c = 2\n  }\n  b {\n    c = 3\n  }\n}\n'
NESTED_LIKE_AN_ATTRIBUTE = 'terraform {\n  b = 1\n  b {\n    c = 2\n  }\n}\n'


@pytest.mark.parametrize("text", [HEREDOC_WITH_A_LONE_BRACE, TWO_LOCALS, 'x = 1\n', '', '\n\n',
                                  HEREDOC_WITH_A_STATEMENT_LINE, DUPLICATE_ATTRIBUTE, NESTED_BLOCKS,
                                  NESTED_LIKE_AN_ATTRIBUTE, 'locals {\n}\n', 'a "b" "c" {\n  d = 1\n}\n'],
                         ids=["heredoc holding a lone brace", "one block type twice", "attribute", "empty", "blank",
                              "heredoc holding a statement line", "duplicate attribute", "nested blocks",
                              "nested block named like an attribute", "empty block", "two labels"])
def test_cuts_that_do_not_stand_alone_fall_back_to_the_whole_file(text: str) -> None:
    assert outcome(hclread.parse_by_parts, text) == outcome(reference, text)


def outcome(read: Any, text: str) -> object:
    """What reading `text` gives: the result, or the kind of error (python-hcl2 refuses some bodies)."""
    try:
        return read(text)
    except Exception as exc:
        return type(exc)


def test_a_file_that_does_not_parse_raises_as_the_whole_file_does() -> None:
    for text in (TOP_LEVEL_ATTRIBUTES, 'module "a" {\n  x = \n}\n'):
        with pytest.raises(lark.exceptions.LarkError):
            reference(text)
        with pytest.raises(lark.exceptions.LarkError):
            hclread.parse_by_parts(text)


@given(st.lists(st.sampled_from(["}\n", "a = 1\n", "\n", "x {\n", "}", "#}\n"]), max_size=12).map("".join))
def test_parts_join_back_to_the_text(text: str) -> None:
    assert "".join(hclread.top_level_parts(text)) == text
