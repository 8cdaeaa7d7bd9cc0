"""Where the loader says a problem is (generator/pipeline/load.py): line, column and document, exactly."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import Position, SpecInvalid
from generator.pipeline import loadlimits
from generator.pipeline.load import decode_utf8, dump_yaml, load_documents
from generator.pipeline.loadlimits import MAX_SPEC_BYTES
from generator.pipeline.run import check_document
from tests.helpers import TODAY

UNSUPPORTED = "is not supported; remove it (quote the value for text)"
TAB = "invalid YAML: a tab character; YAML indents with spaces only (replace the tab with spaces)"


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    # A reader error's offset counts from the start of its own line, not the file's first line.
    ("a: 1\nb: 2\nc: x\x07y\n", 3, 5, "invalid YAML: control characters are not allowed (character 7)"),
    ("c: x\x07y\n", 1, 5, "invalid YAML: control characters are not allowed (character 7)"),
    # The parser stops past the last line: located there, not a crash.
    ("key: [1, 2", 2, 1, "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("key: [1, 2\n", 2, 1, "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("a:\n  b: 1\n\tc: 2\n", 3, 1, TAB),
    ("a:\n  - x\n  -\ty\n", 3, 4, TAB),
])
def test_yaml_errors_are_located_exactly(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "f.yaml")
    (issue,) = raised.value.issues
    assert (issue.file, issue.message) == ("f.yaml", message)
    assert issue.position is not None and (issue.position.line, issue.position.column) == (line, column)


DOCUMENT = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {{name: {name}, region: eu-west-1}}
spec: {{kubernetesVersion: "1.35"{extra}}}
"""


def test_a_finding_names_the_document_it_is_in() -> None:
    text = DOCUMENT.format(name="a", extra="") + "---\n" + DOCUMENT.format(name="b", extra=", bogus: 1")
    first, second = load_documents(text, "c.yaml")
    assert check_document(first, today=TODAY).errors == []
    (issue,) = check_document(second, today=TODAY).errors
    assert (issue.document, issue.path, issue.file) == (1, "bogus", "c.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == (9, 35)


def _quote(raw: str) -> str:
    return f'quote it ("{raw}")'


# Mapping keys, one row per condition of the loader's key rule: what YAML would change is refused at the
# key itself (path and position), with why; what means what it spells is the key as written.
@pytest.mark.parametrize(("text", "loc", "where", "message"), [
    ("? [a]\n: 1\n", (), (1, 3), "mapping keys must be plain text, not a list or mapping"),
    ("a:\n  ? {b: 1}\n  : 2\n", ("a",), (2, 5), "mapping keys must be plain text, not a list or mapping"),
    ("a:\n  1e5: x\n", ("a", "1e5"), (2, 3),
     f"YAML 1.1 reads 1e5 as text but YAML 1.2 as a number; {_quote('1e5')} or write the plain number"),
    ("a:\n  0x1F: x\n", ("a", "0x1F"), (2, 3),
     f"YAML 1.1 reads 0x1F as the number 31; write the plain number 31 or {_quote('0x1F')}"),
    ("a:\n  .inf: x\n", ("a", ".inf"), (2, 3), f".inf is not a finite number; {_quote('.inf')} for text"),
    ("a:\n  on: x\n", ("a", "on"), (2, 3), f"YAML reads the key on as the boolean true; {_quote('on')}"),
    ("a:\n  true: x\n", ("a", "true"), (2, 3), f"YAML reads the key true as the boolean true; {_quote('true')}"),
    ("a:\n  False: x\n", ("a", "False"), (2, 3), f"YAML reads the key False as the boolean false; {_quote('False')}"),
    ("a:\n  ~: x\n", ("a", "~"), (2, 3), f"YAML reads the key ~ as null; {_quote('~')}"),
    ("a:\n  Null: x\n", ("a", "Null"), (2, 3), f"YAML reads the key Null as null; {_quote('Null')}"),
    ("a:\n  ?\n  : x\n", ("a", ""), (2, 4), f"YAML reads the key (empty) as null; {_quote('')}"),
    ("a:\n  !!bool maybe: x\n", ("a", "maybe"), (2, 3), f"maybe is not a valid !!bool; {_quote('maybe')} for text"),
    ("a:\n  !!null x: y\n", ("a", "x"), (2, 3), f"x is not a valid !!null; {_quote('x')} for text"),
    ("a:\n  2026-01-01: x\n", ("a", "2026-01-01"), (2, 3),
     f"YAML 1.1 reads 2026-01-01 as a date; {_quote('2026-01-01')}"),
    ("a:\n  !!binary YWJj: x\n", ("a", "YWJj"), (2, 3),
     "the YAML tag !!binary is not supported; remove it (quote the value for text)"),
])
def test_keys_yaml_would_change_are_refused_where_written(text: str, loc: tuple[str, ...], where: tuple[int, int],
                                                          message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "k.yaml")
    (issue,) = raised.value.issues
    assert (issue.loc, issue.message, issue.file) == (loc, message, "k.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == where


def test_keys_that_mean_what_they_spell_are_kept_as_written() -> None:
    (doc,) = load_documents('a:\n  80: x\n  -7: y\n  1.5: z\n  Nul: w\n  "on": v\n  "1e5": u\n', "k.yaml")
    assert doc.data == {"a": {"80": "x", "-7": "y", "1.5": "z", "Nul": "w", "on": "v", "1e5": "u"}}


@pytest.mark.parametrize(("text", "data"), [
    # Explicit keys override merged ones; of several merged maps the earlier wins.
    ("b: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", {"b": {"x": 1, "y": 2}, "c": {"y": 3, "x": 1}}),
    ("a: &a {x: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n",
     {"a": {"x": 1}, "b": {"x": 2, "z": 2}, "c": {"x": 1, "z": 2}}),
    ("a: !!map {b: 1}\nc: !!seq [1]\n", {"a": {"b": 1}, "c": [1]}),  # the default tags, spelled out
])
def test_merge_keys_and_default_tags_load_as_yaml_means_them(text: str, data: dict[str, Any]) -> None:
    (doc,) = load_documents(text, "m.yaml")
    assert doc.data == data and list(doc.data["c"]) == list(data["c"])  # the keys' order too
    assert doc.load_issues == []


@pytest.mark.parametrize(("text", "loc", "where", "message"), [
    ("c:\n  <<: [1]\n", ("c",), (2, 8), "a merge key (<<) takes a mapping or a list of mappings"),
    ("c:\n  <<: 5\n", ("c",), (2, 7), "a merge key (<<) takes a mapping or a list of mappings"),
    ("a: &a [*a]\n", ("a", 0), (1, 4), "recursive alias: a node cannot contain itself"),
    ("a: &a {b: *a}\n", ("a", "b"), (1, 8), "recursive alias: a node cannot contain itself"),
    ("a: &a {<<: *a}\n", ("a",), (1, 4), "recursive alias: a node cannot contain itself"),
    ("c: !!set {d}\n", ("c",), (1, 4), f"the YAML tag !!set {UNSUPPORTED}"),
    ("a: !!omap [b: 1]\n", ("a",), (1, 4), f"the YAML tag !!omap {UNSUPPORTED}"),
    ("", (), (1, 1), "no YAML document found (the file is empty)"),
    ("# only a comment\n", (), (1, 1), "no YAML document found (the file is empty)"),
    ("---\n---\n", (), (1, 1), "no YAML document found (the file is empty)"),  # separators alone
])
def test_structures_yaml_cannot_give_plainly_are_refused(text: str, loc: tuple[object, ...], where: tuple[int, int],
                                                         message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "m.yaml")
    (issue,) = raised.value.issues
    assert (issue.loc, issue.message, issue.file) == (loc, message, "m.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == where


def test_duplicate_keys_keep_the_first_and_are_reported_each_time() -> None:
    first, second = load_documents("x:\n  a: 1\n  a: 2\n---\nb: 2\nc: 1\nb: 3\n  \n", "d.yaml")
    assert (first.data, second.data) == ({"x": {"a": 1}}, {"b": 2, "c": 1})
    assert [(i.loc, i.message, i.document) for i in first.load_issues] == [
        (("x", "a"), "duplicate key 'a' (first at line 2)", 0)]
    (issue,) = second.load_issues
    assert (issue.loc, issue.message, issue.document, issue.file) == (("b",), "duplicate key 'b' (first at line 5)",
                                                                      1, "d.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == (7, 1)


@pytest.mark.parametrize(("data", "where", "message"), [
    (b"a: 1\nb: \xff\n", (2, 4), "not UTF-8 text: byte 0xff (invalid start byte)"),
    (b"\xe2\x82\n", (1, 1), "not UTF-8 text: byte 0xe2 (invalid continuation byte)"),
    (b"ab\ncd\nef\xc3", (3, 3), "not UTF-8 text: byte 0xc3 (unexpected end of data)"),
])
def test_bytes_that_are_not_utf8_are_located(data: bytes, where: tuple[int, int], message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        decode_utf8(data, "u.yaml")
    (issue,) = raised.value.issues
    assert (issue.message, issue.file) == (message, "u.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == where


def test_every_bad_key_of_a_mapping_is_reported_and_keys_after_a_duplicate_are_kept() -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents("a:\n  on: x\n  ~: y\n  ok: z\n", "k.yaml")
    assert [i.loc for i in raised.value.issues] == [("a", "on"), ("a", "~")]  # all problems at once
    (doc,) = load_documents("a: 1\na: 2\nb: 3\n", "d.yaml")
    assert doc.data == {"a": 1, "b": 3}


def test_a_merged_key_is_located_where_its_anchor_wrote_it() -> None:
    (doc,) = load_documents("b: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", "m.yaml")
    at = {loc: (p.line, p.column) for loc, p in doc.positions.items()}
    assert (at[("c", "x")], at[("b", "x")], at[("c", "y")]) == ((1, 8), (1, 8), (4, 3))
    assert doc.locate(("c", "x", "missing")) == doc.positions[("c", "x")]


@pytest.mark.parametrize(("text", "where", "message"), [
    ('x: "a" : 2\n', (1, 8), "invalid YAML: mapping values are not allowed in this context"),  # no context
    ("a:\n  b: 1\n\t\tc: 2\n", (3, 1), TAB),  # the line's first tab
])
def test_yaml_errors_without_context_and_with_two_tabs(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "f.yaml")
    (issue,) = raised.value.issues
    assert issue.message == message
    assert issue.position is not None and (issue.position.line, issue.position.column) == where


def test_dump_yaml_quotes_what_the_loader_would_refuse_plain() -> None:
    data = {"b": ["1e5", "0o17", "+.inf", "x", 1], "a": "é"}
    text = dump_yaml(data, sort_keys=False, allow_unicode=True)
    assert text == "b:\n- '1e5'\n- '0o17'\n- '+.inf'\n- x\n- 1\na: é\n"
    assert load_documents(text, "dumped.yaml")[0].data == data


@pytest.mark.parametrize(("text", "message"), [
    ("a: on\n", 'YAML 1.1 reads on as the boolean true; write true or quote it ("on")'),
    ("a: .nan\n", '.nan is not a finite number; quote it (".nan") for text'),
    ("a: -.inf\n", '-.inf is not a finite number; quote it ("-.inf") for text'),
    ("a: 1_000\n", 'YAML 1.1 reads 1_000 as the number 1000; write the plain number 1000 or quote it ("1_000")'),
    ("a: 1_000.5\n",
     'YAML 1.1 reads 1_000.5 as the number 1000.5; write the plain number 1000.5 or quote it ("1_000.5")'),
])
def test_values_yaml_1_1_would_change_are_refused_with_what_it_reads(text: str, message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "v.yaml")
    (issue,) = raised.value.issues
    assert (issue.loc, issue.message) == (("a",), message)
    assert issue.position is not None and (issue.position.line, issue.position.column) == (1, 4)


def test_a_merge_inside_a_merge_is_refused_at_its_mapping() -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents("a: &a {x: 1}\nc:\n  <<: {<<: 5}\n", "m.yaml")
    (issue,) = raised.value.issues
    assert (issue.loc, issue.message) == (("c",), "a merge key (<<) takes a mapping or a list of mappings")


def test_every_document_is_checked_and_each_problem_names_its_document() -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents("a: &a [*a]\n---\nb:\n  on: 1\n---\nc: &c [*c]\n", "m.yaml")
    assert [(i.loc, i.document, i.file) for i in raised.value.issues] == [
        (("a", 0), 0, "m.yaml"), (("b", "on"), 1, "m.yaml"), (("c", 0), 2, "m.yaml")]


@pytest.mark.parametrize(("text", "refused"), [
    ("a: " + "x" * (MAX_SPEC_BYTES - 4) + "\n", False),  # exactly the limit
    ("a: " + "x" * (MAX_SPEC_BYTES - 3) + "\n", True),
    ("a: é" + "x" * (MAX_SPEC_BYTES - 6) + "\n", False),  # bytes, not characters: é is two
    ("a: é" + "x" * (MAX_SPEC_BYTES - 5) + "\n", True),
])
def test_the_file_size_limit_counts_utf8_bytes(text: str, refused: bool) -> None:
    if not refused:
        assert load_documents(text, "big.yaml")
        return
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "big.yaml")
    (issue,) = raised.value.issues
    assert (issue.message, issue.file, issue.position) == ("file is larger than 2097152 bytes", "big.yaml",
                                                           Position(1, 1))


def test_nesting_past_pythons_recursion_is_an_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The depth bound normally refuses this first; without it the builder's recursion is still caught."""
    monkeypatch.setattr(loadlimits, "MAX_DEPTH", 10**6)
    with pytest.raises(SpecInvalid) as raised:
        load_documents("a: " + "[" * 900 + "]" * 900 + "\n", "deep.yaml")  # within libyaml's own 1000
    (issue,) = raised.value.issues
    assert (issue.loc, issue.message, issue.file, issue.position) == ((), "invalid YAML: nested too deeply",
                                                                     "deep.yaml", Position(1, 1))


@pytest.mark.parametrize(("text", "documents"), [
    ("a: 1\n---\n", [{"a": 1}]),  # a trailing separator starts no document
    ("---\na: 1\n---\n# the end\n", [{"a": 1}]),
    ("a: 1\n---\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
    ("a: 1\n--- ~\n", [{"a": 1}, None]),  # a document that says null is one, refused later as not a mapping
    ("a: 1\n--- ''\n", [{"a": 1}, ""]),  # so is an empty quoted string
])
def test_empty_documents_are_no_documents(text: str, documents: list[object]) -> None:
    assert [doc.data for doc in load_documents(text, "m.yaml")] == documents
