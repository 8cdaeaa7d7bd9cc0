"""The parse store: what it answers equals a fresh parse of the same text, a render it answers needs no
parser, and a store that is missing, broken, foreign or unwritable is only a miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from generator.errors import RoundTripError, SpecInvalid
from generator.pipeline import hclread, parsestore, roundtrip
from generator.pipeline.run import build_document
from tests.helpers import REPO, TODAY
from tests.pipeline.test_run import SETTINGS, dump, specs
from tests.pipeline.test_run import parse as load_document

EXAMPLES = sorted(p.parent.name for p in REPO.glob("examples/*/cluster.yaml"))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(parsestore.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "parse"


def render(example: str) -> dict[str, str]:
    from generator.api import render_spec

    (result,) = render_spec(REPO / "examples" / example / "cluster.yaml", today=TODAY)
    return dict(result.files)


def records(root: Path) -> list[Path]:
    return sorted(root.glob("*/*/*.json"))


def recorded_reads(path: Path) -> list[tuple[str, Any]]:
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == parsestore.FORMAT
    return [(text, result) for text, result in data["reads"]]


def refuse_to_parse(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parser the round trip could reach raises; returns the texts it was asked to read."""
    asked: list[str] = []

    def refuse(text: str) -> dict[str, Any]:
        asked.append(text)
        raise AssertionError("parsed although the store holds this text")

    monkeypatch.setattr(hclread, "parse", refuse)
    monkeypatch.setattr(hclread, "parse_by_parts", refuse)
    roundtrip._parsed.cache_clear()
    return asked


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_stored_result_is_a_fresh_parse_of_its_text(example: str, store: Path) -> None:
    files = render(example)
    (record,) = records(store)
    reads = recorded_reads(record)
    whole_files = {roundtrip._without_comment_lines(text) for text in files.values()}
    assert whole_files <= {text for text, _ in reads}  # every rendered file is in the record
    for text, result in reads:
        assert result == hclread.parse(text)


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_render_the_store_holds_is_read_back_without_the_parser(example: str, store: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(example)
    before = records(store)[0].read_bytes()
    asked = refuse_to_parse(monkeypatch)
    assert render(example) == first
    assert asked == []
    assert records(store)[0].read_bytes() == before  # a full hit writes nothing


def test_a_changed_text_is_parsed_and_still_fails_its_plan(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store answers by text, never by plan: a rendered text that differs from its plan still fails."""
    from generator.api import render_spec

    render("minimal")
    real_render = roundtrip.verify_round_trip

    def tampered(plan: Any, files: dict[str, str]) -> None:
        changed = dict(files)
        changed["eks.tf"] = changed["eks.tf"].replace('source  = "terraform-aws-modules/eks/aws"',
                                                      'source  = "example.com/eks/aws"')
        assert changed != files
        real_render(plan, changed)

    monkeypatch.setattr("generator.pipeline.run.verify_round_trip", tampered)
    with pytest.raises(RoundTripError, match="differs from the plan"):
        render_spec(REPO / "examples/minimal/cluster.yaml", today=TODAY)
    assert len(records(store)) == 1  # a failed read-back keeps no record


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store over all of a hypothesis test's examples (hypothesis runs a function fixture once)."""
    root = tmp_path_factory.mktemp("generated-store")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(parsestore.CACHE_ENV, str(root))
        yield root / "parse"


@SETTINGS
@given(document=specs())
def test_stored_results_of_generated_specs_are_fresh_parses(shared_store: Path, document: dict[str, Any]) -> None:
    try:
        built = build_document(load_document(dump(document)), "cluster.yaml", today=TODAY)
    except SpecInvalid:
        return
    texts = {roundtrip._without_comment_lines(t) for t in built.files.values()}
    found = [(text, result) for record in records(shared_store) for text, result in recorded_reads(record)
             if text in texts]
    assert {text for text, _ in found} == texts  # this render's files are all in the store
    for text, result in found:
        assert result == hclread.parse(text)


def test_a_warm_render_does_not_import_the_parser(tmp_path: Path) -> None:
    env = {**os.environ, parsestore.CACHE_ENV: str(tmp_path / "cache")}
    spec = str(REPO / "examples/production/cluster.yaml")
    program = ("import datetime, sys\nfrom pathlib import Path\nfrom generator.api import render_spec\n"
               f"render_spec(Path({spec!r}), today=datetime.date(2026, 11, 25))\n"
               "print(sorted(m for m in ('hcl2', 'lark') if m in sys.modules))\n")
    runs = [subprocess.run([sys.executable, "-c", program], env=env, cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["['hcl2', 'lark']", "[]"]


@pytest.mark.parametrize("content", [
    b"not json",
    b'{"format": 999, "reads": []}',
    b'{"format": 1, "reads": {"a": 1}}',
    b'["format", 1]',
    b"[" * 100_000,
])
def test_a_broken_or_foreign_record_is_a_miss(content: bytes, store: Path) -> None:
    first = render("minimal")
    (record,) = records(store)
    record.write_bytes(content)
    assert render("minimal") == first
    assert recorded_reads(record)  # read again and written anew


def test_entries_of_the_wrong_shape_are_ignored(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render("minimal")
    (record,) = records(store)
    reads = recorded_reads(record)
    text = reads[0][0]
    record.write_text(json.dumps({"format": parsestore.FORMAT,
                                  "reads": [[text], [text, "not a dict"], [1, {}], "x", *reads[1:]]}))
    loaded = parsestore._load(record)
    assert text not in loaded and len(loaded) == len(reads) - 1


def test_an_oversized_record_is_not_read(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render("minimal")
    (record,) = records(store)
    size = record.stat().st_size
    monkeypatch.setattr(parsestore, "MAX_RECORD_BYTES", size)
    assert parsestore._load(record)
    monkeypatch.setattr(parsestore, "MAX_RECORD_BYTES", size - 1)
    assert parsestore._load(record) == {}


def test_an_unwritable_store_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the store's directory would be")
    monkeypatch.setenv(parsestore.CACHE_ENV, str(blocker / "deeper"))
    assert render("minimal") == render("minimal")
    assert blocker.read_text() == "a file where the store's directory would be"
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


def test_the_store_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parsestore.CACHE_ENV, str(tmp_path / "a" / "cache"))
    render("minimal")
    (record,) = records(tmp_path / "a" / "cache" / "parse")
    made = [record.parent, record.parent.parent, record.parent.parent.parent, tmp_path / "a" / "cache"]
    assert [oct(d.stat().st_mode & 0o777) for d in made] == ["0o700"] * 4
    assert (tmp_path / "a").stat().st_mode & 0o077 != 0  # above the store: made as usual
    monkeypatch.setenv(parsestore.CACHE_ENV, str(tmp_path / "b" / "c" / "cache"))
    render("minimal")
    assert len(records(tmp_path / "b" / "c" / "cache" / "parse")) == 1  # missing parents made too


def test_a_save_prunes_the_store(store: Path) -> None:
    render("minimal")
    stale = store / ("0" * 16) / "00" / ("0" * 64 + ".json")
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    old = time.time() - (parsestore.MAX_AGE_DAYS + 1) * 86400
    os.utime(stale, (old, old))
    os.utime(store / ".pruned", (old, old))
    render("production")
    assert not stale.exists() and len(records(store)) == 2


def test_a_store_that_cannot_be_made_is_no_error(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(leaf: Path, levels: int) -> None:
        raise PermissionError("no space for directories")

    monkeypatch.setattr(parsestore, "_private_directories", refuse)
    first = render("minimal")  # the temporary file was never made: removing it is no error either
    assert render("minimal") == first and not store.exists()


def test_a_failed_save_leaves_no_temporary_file(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: object, target: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "replace", refuse)
    render("minimal")
    assert [p for p in store.rglob("*") if p.is_file() and p.name != ".pruned"] == []


@pytest.mark.parametrize(("env", "xdg", "expected"), [
    ("off", None, None),
    ("", None, None),
    ("  off ", None, None),
    ("/somewhere", "/xdg", Path("/somewhere/parse")),
    (None, "/xdg", Path("/xdg/eksgen/parse")),
    (None, "relative/xdg", Path.home() / ".cache/eksgen/parse"),  # XDG says: relative paths are ignored
    (None, None, Path.home() / ".cache/eksgen/parse"),
])
def test_where_the_store_is(env: str | None, xdg: str | None, expected: Path | None,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ((parsestore.CACHE_ENV, env), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert parsestore.store_root() == expected


def test_off_keeps_nothing_and_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parsestore.CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    render("minimal")
    assert list(tmp_path.iterdir()) == []
    asked = refuse_to_parse(monkeypatch)
    with pytest.raises((RoundTripError, AssertionError)):  # the refusal, raised where the parser was asked
        render("minimal")
    assert asked


def test_the_reader_digest_follows_every_part_of_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fakereader"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "grammar.lark").write_text("start: 'a'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(parsestore, "_READER_FILES", {"fakereader": ("grammar.lark",)})

    def digest() -> str | None:
        parsestore.reader_digest.cache_clear()
        return parsestore.reader_digest()

    try:
        first = digest()
        assert first is not None and digest() == first
        (package / "grammar.lark").write_text("start: 'b'\n")
        second = digest()
        assert second not in (None, first)
        monkeypatch.setattr(parsestore, "FORMAT", parsestore.FORMAT + 1)
        assert digest() not in (None, first, second)
        (package / "grammar.lark").unlink()
        assert digest() is None  # a reader it cannot see is not trusted: the store is off
        monkeypatch.setattr(parsestore, "_READER_FILES", {"no_such_package_here": ("x",)})
        assert digest() is None
    finally:
        parsestore.reader_digest.cache_clear()


def test_an_unknown_reader_turns_the_store_off(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsestore, "reader_digest", lambda: None)
    render("minimal")
    assert not store.exists()


def test_records_of_another_reader_are_filed_apart(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render("minimal")
    monkeypatch.setattr(parsestore, "reader_digest", lambda: "0" * 64)
    render("minimal")
    readers = {path.parent.parent.name for path in records(store)}
    assert len(records(store)) == 2 and len(readers) == 2 and "0" * 16 in readers


def test_the_record_name_is_the_sequence_of_texts_not_their_concatenation() -> None:
    root, digest = Path("/r"), "d" * 64
    assert parsestore._record_path(root, digest, ["ab", "c"]) != parsestore._record_path(root, digest, ["a", "bc"])
    assert parsestore._record_path(root, digest, ["a"]) == parsestore._record_path(root, digest, ["a"])
    assert parsestore._record_path(root, digest, ["a"]) != parsestore._record_path(root, "e" * 64, ["a"])
    path = parsestore._record_path(root, digest, ["a"])
    assert path.parent.parent == root / ("d" * 16) and path.parent.name == path.stem[:2] and len(path.stem) == 64
    surrogates = [parsestore._record_path(root, digest, [text]) for text in ("\udc80", "\udc81", "\ud800")]
    assert len(set(surrogates)) == 3  # text python-hcl2 may be handed is filed, never an error


def test_a_read_from_the_record_is_marked() -> None:
    reads = parsestore.Reads({"a": {"x": 1}})
    assert (reads.answered, reads.missed) == (False, False)
    reads.read("b", lambda text: {"y": 2})
    assert (reads.answered, reads.missed) == (False, True)
    reads.read("a", lambda text: {"x": 3})
    assert reads.answered and reads.used == {"a": {"x": 1}, "b": {"y": 2}}
    reads.parse_afresh()
    assert (reads.answered, reads.missed, reads.recorded, reads.used) == (False, True, {}, {})
    assert reads.read("a", lambda text: {"x": 3}) == {"x": 3}


@pytest.mark.parametrize(("value", "exact"), [
    (None, True), (True, True), (3, True), ("s\u2028\udc80", True), (1.5, True),
    (float("nan"), False), (float("inf"), False), (float("-inf"), False),
    ((1, 2), False), ([1, (2,)], False), ({"a": [1, {"b": None}]}, True), ({1: "a"}, False),
    ({"a": {2: 1}}, False), ({"a": b"x"}, False),
])
def test_only_values_json_keeps_exactly_are_stored(value: Any, exact: bool) -> None:
    assert parsestore.exact_json(value) is exact


def test_a_result_json_would_change_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "r" / "x.json"
    parsestore._save(path, {"t": {"v": (1, 2)}})
    assert not path.exists()
    parsestore._save(path, {"t": {"v": [1, 2], "s": "\udc80\u2028"}})
    assert parsestore._load(path) == {"t": {"v": [1, 2], "s": "\udc80\u2028"}}


def test_a_failed_read_back_keeps_no_record(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsestore, "reader_digest", lambda: "f" * 64)
    with pytest.raises(ValueError), parsestore.recording(["x = 1\n"]) as reads:
        assert reads is not None
        parsestore.read("x = 1\n", lambda text: {"x": 1})
        raise ValueError("a difference")
    assert not store.exists()
    with parsestore.recording(["x = 1\n"]) as reads:
        assert parsestore.read("x = 1\n", lambda text: {"x": 1}) == {"x": 1}
        assert parsestore.read("x = 1\n", lambda text: {"x": 2}) == {"x": 1}  # one read per text per render
    (record,) = records(store)
    assert parsestore._load(record) == {"x = 1\n": {"x": 1}}
    assert parsestore.read("x = 1\n", lambda text: {"outside": True}) == {"outside": True}


def test_old_records_are_pruned_once_a_day(store: Path) -> None:
    now = time.time()
    old, recent, leftover = (store / "d" / "aa" / "old.json", store / "d" / "aa" / "recent.json",
                             store / "d" / "aa" / ".x.json.1.2.tmp")
    for path in (old, recent, leftover):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    month = parsestore.MAX_AGE_DAYS * 86400
    os.utime(old, (now - month - 60, now - month - 60))
    os.utime(recent, (now - month + 3600, now - month + 3600))
    os.utime(leftover, (now - 2 * 86400, now - 2 * 86400))
    parsestore._prune_daily(store)
    assert recent.exists() and not old.exists() and not leftover.exists()
    os.utime(recent, (now - month - 60, now - month - 60))
    parsestore._prune_daily(store)  # pruned less than a day ago: nothing is looked at
    assert recent.exists()
    os.utime(store / ".pruned", (now - 86400 - 60, now - 86400 - 60))
    parsestore._prune_daily(store)
    assert not recent.exists()


def test_the_prune_goes_on_past_a_record_it_cannot_remove(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = time.time() - (parsestore.MAX_AGE_DAYS + 1) * 86400
    names = [f"{i:02d}.json" for i in range(6)] + [f".{i}.json.1.2.tmp" for i in range(6)]
    for name in names:
        path = store / "d" / "aa" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
        os.utime(path, (old, old))
    real_unlink = Path.unlink

    def unlink(path: Path, missing_ok: bool = False) -> None:
        if path.name in ("03.json", ".3.json.1.2.tmp"):
            raise PermissionError("held by another process")
        real_unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    parsestore._prune_daily(store)
    assert sorted(p.name for p in (store / "d" / "aa").iterdir()) == [".3.json.1.2.tmp", "03.json"]


@pytest.mark.parametrize(("age", "removed"), [(86400 - 1, False), (86400, False), (86400 + 1, True)])
def test_a_leftover_temporary_file_is_removed_after_a_day(age: int, removed: bool, store: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    leftover = store / "d" / "aa" / ".x.json.1.2.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("{")
    os.utime(leftover, (now - age, now - age))
    parsestore._prune_daily(store)
    assert leftover.exists() is not removed


def test_a_record_in_use_is_kept_young(store: Path) -> None:
    render("minimal")
    (record,) = records(store)
    week = time.time() - 7 * 86400
    os.utime(record, (week, week))
    parsestore._load(record)
    assert time.time() - record.stat().st_mtime < 60
    hour = time.time() - 3600
    os.utime(record, (hour, hour))
    parsestore._load(record)
    assert abs(record.stat().st_mtime - hour) < 1  # touched at most daily: a hit writes nothing


def _damage(record: Path, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    reads = recorded_reads(record)
    record.write_text(json.dumps({"format": parsestore.FORMAT, "reads": [[t, change(r)] for t, r in reads]}))


@pytest.mark.parametrize("change", [
    lambda result: {**result, "module": [{"eks": {"source": "example.com/other"}}]} if "module" in result else result,
    lambda result: {"module": "not a list of blocks"},
    lambda result: {},
], ids=["a wrong value", "a wrong shape", "empty results"])
def test_a_damaged_record_is_parsed_again_and_replaced(change: Callable[[dict[str, Any]], dict[str, Any]],
                                                       store: Path) -> None:
    first = render("production")
    (record,) = records(store)
    good = record.read_bytes()
    _damage(record, change)
    assert record.read_bytes() != good
    assert render("production") == first  # the store is never the reason a render fails
    assert record.read_bytes() == good


def test_a_store_others_can_write_is_not_used(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render("minimal")
    (record,) = records(store)
    _damage(record, lambda result: {})
    store.chmod(0o777)
    assert not parsestore._trusted(store)
    asked = refuse_to_parse(monkeypatch)
    with pytest.raises((RoundTripError, AssertionError)):
        render("minimal")  # parsed (and refused here): the record was not read
    assert asked
    monkeypatch.undo()
    monkeypatch.setenv(parsestore.CACHE_ENV, str(store.parent))
    roundtrip._parsed.cache_clear()
    render("minimal")
    assert recorded_reads(record) == [(t, {}) for t, _ in recorded_reads(record)]  # nor written


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the store to another user needs root")
def test_a_store_of_another_user_is_not_used(store: Path) -> None:
    render("minimal")
    os.chown(store, os.geteuid() + 4242, -1)
    assert not parsestore._trusted(store)
    os.chown(store, os.geteuid(), -1)
    assert parsestore._trusted(store)


@pytest.mark.parametrize(("kind", "trusted"), [("missing", True), ("file", False), ("under a file", False),
                                               ("private", True), ("group-writable", False),
                                               ("world-writable", False)])
def test_which_stores_are_trusted(tmp_path: Path, kind: str, trusted: bool) -> None:
    root = tmp_path / "parse"
    if kind == "file":
        root.write_text("")
    elif kind == "under a file":
        (tmp_path / "file").write_text("")
        root = tmp_path / "file" / "parse"
    elif kind != "missing":
        root.mkdir()
        root.chmod({"private": 0o700, "group-writable": 0o770, "world-writable": 0o707}[kind])
    assert parsestore._trusted(root) is trusted
