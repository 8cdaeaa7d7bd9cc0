"""The writer's names, manifest and file modes, condition by condition (generator/pipeline/write.py)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import generator.pipeline.write as W
from generator.errors import HandEditedFiles, UsageError
from generator.pipeline.write import MANIFEST, MAX_MANIFEST_BYTES, read_pending, sha256, write_tree

META = {"eksgen": "test"}
PLAIN, OUTSIDE, STATE = "is not a plain file name", "points outside the output directory", \
    "is inside eksgen's state directory"


@pytest.mark.parametrize(("name", "problem"), [
    ("", PLAIN), ("a\0b.tf", PLAIN), ("sub\\a.tf", PLAIN), ("a\nb.tf", PLAIN), ("a\x7f.tf", PLAIN),
    ("/etc/passwd", OUTSIDE), ("../a.tf", OUTSIDE), ("sub/../../a.tf", OUTSIDE), ("sub/..", OUTSIDE),
    (".eksgen/manifest.json", STATE), (".eksgen", STATE),
    ("a.tf", None), ("sub/a.tf", None), ("..a.tf", None), ("a..tf", None), (".eksgenx/a.tf", None),
    ("sub/.eksgen/a.tf", None), ("é 名.tf", None),
])
def test_unsafe_names_one_row_per_condition(name: str, problem: str | None) -> None:
    assert W.unsafe_name(name) == problem


def test_the_manifest_is_sorted_indented_json(tmp_path: Path) -> None:
    """Reviewable and byte-identical across runs: keys sorted, two-space indent, a final newline."""
    a, b = b"a\n", b"b\n"
    write_tree(tmp_path, {"b.tf": b, "a.tf": a}, {"zz": 1, "eksgen": "test"})
    assert (tmp_path / MANIFEST).read_text() == (
        '{\n  "eksgen": "test",\n  "files": {\n'
        f'    "a.tf": "{sha256(a)}",\n    "b.tf": "{sha256(b)}"\n'
        '  },\n  "zz": 1\n}\n')


def _manifest(out: Path, record: object) -> None:
    (out / ".eksgen").mkdir(parents=True)
    (out / MANIFEST).write_text(json.dumps(record))


@pytest.mark.parametrize(("record", "message"), [
    ("not json", r"manifest\.json: unreadable manifest \(.*\); remove it to start over"),
    (["a list"], r"unreadable manifest \(.*\); remove it"),
    ({"files": {"../x.tf": "0" * 64}}, r"entry '\.\./x\.tf' points outside the output directory; remove the manifest"),
    ({"files": {".eksgen/lock": "0" * 64}}, r"entry '\.eksgen/lock' is inside eksgen's state directory"),
])
def test_a_bad_manifest_is_refused_with_its_reason(tmp_path: Path, record: object, message: str) -> None:
    (tmp_path / ".eksgen").mkdir()
    (tmp_path / MANIFEST).write_text(record if isinstance(record, str) else json.dumps(record))
    with pytest.raises(UsageError, match=message):
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)


def test_a_manifest_past_its_size_limit_is_refused_not_read_whole(tmp_path: Path) -> None:
    padding = "x" * MAX_MANIFEST_BYTES
    _manifest(tmp_path, {"files": {}, "padding": padding})
    with pytest.raises(UsageError, match="unreadable manifest"):
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)


def test_a_manifest_just_within_its_size_limit_is_read(tmp_path: Path) -> None:
    base = len(json.dumps({"files": {}, "padding": ""}))
    _manifest(tmp_path, {"files": {}, "padding": "x" * (MAX_MANIFEST_BYTES - base)})
    assert (tmp_path / MANIFEST).stat().st_size == MAX_MANIFEST_BYTES
    assert write_tree(tmp_path, {"a.tf": b"a\n"}, META).created == ["a.tf"]


def test_read_current_tells_files_from_anything_else(tmp_path: Path) -> None:
    (tmp_path / "file.tf").write_bytes(b"x\n")
    (tmp_path / "dir.tf").mkdir()
    (tmp_path / "dangling.tf").symlink_to(tmp_path / "nowhere")
    current = W.read_current(tmp_path, {"file.tf", "dir.tf", "dangling.tf", "absent.tf"})
    assert current == {"file.tf": b"x\n", "dir.tf": None, "dangling.tf": None}


class Interrupted(Exception):
    pass


def test_an_interrupted_run_records_its_pending_hashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after its first file is renamed: the manifest names what it meant to write, so the next run
    (with other content) recognises the half-written file as eksgen's and needs no --force."""
    write_tree(tmp_path, {"a.tf": b"old a\n", "b.tf": b"old b\n"}, META)
    new = {"a.tf": b"new a\n", "b.tf": b"new b\n"}
    real, published = W._publish, []

    def publish(temp: Path, target: Path) -> None:
        if len(published) == 2:  # the intent manifest, then a.tf
            raise Interrupted
        published.append(target.name)
        real(temp, target)

    monkeypatch.setattr(W, "_publish", publish)
    with pytest.raises(Interrupted):
        write_tree(tmp_path, new, META)
    monkeypatch.undo()
    assert published == ["manifest.json", "a.tf"] and (tmp_path / "a.tf").read_bytes() == b"new a\n"
    assert read_pending(tmp_path) == {n: sha256(d) for n, d in new.items()}
    report = write_tree(tmp_path, {"a.tf": b"third a\n", "b.tf": b"third b\n"}, META)
    assert report.updated == ["a.tf", "b.tf"]
    (tmp_path / "a.tf").write_bytes(b"edited\n")  # a real edit still is one
    with pytest.raises(HandEditedFiles):
        write_tree(tmp_path, {"a.tf": b"fourth a\n", "b.tf": b"third b\n"}, META)


def test_a_symlink_planted_at_the_temp_name_is_not_written_through(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.write_bytes(b"precious\n")
    monkeypatch.setattr(W.secrets, "token_hex", lambda _: "0" * 16)
    (out / f".a.tf.{'0' * 16}.tmp").symlink_to(victim)
    with pytest.raises(UsageError):
        write_tree(out, {"a.tf": b"a\n"}, META)
    assert victim.read_bytes() == b"precious\n"


def test_atomic_write_gives_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        W.atomic_write(tmp_path / "a.tf", b"a\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.tf").stat().st_mode & 0o777 == 0o644


def test_atomic_write_names_the_file_it_failed_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(W.os, "replace", full)
    with pytest.raises(OSError) as caught:
        W.atomic_write(tmp_path / "a.tf", b"a\n")
    error = caught.value
    assert (error.errno, error.strerror, error.filename) == (28, "No space left on device", str(tmp_path / "a.tf"))


def test_the_manifest_limit_counts_bytes_not_characters(tmp_path: Path) -> None:
    base = len(json.dumps({"files": {}, "padding": ""}, ensure_ascii=False).encode())
    # Fewer characters than the limit, more bytes: still refused.
    _manifest_text(tmp_path, json.dumps({"files": {}, "padding": "é" * ((MAX_MANIFEST_BYTES - base) // 2 + 1)},
                                        ensure_ascii=False))
    assert (tmp_path / MANIFEST).stat().st_size > MAX_MANIFEST_BYTES
    with pytest.raises(UsageError, match="unreadable manifest"):
        write_tree(tmp_path, {"a.tf": b"a\n"}, META)


def _manifest_text(out: Path, text: str) -> None:
    (out / ".eksgen").mkdir(parents=True)
    (out / MANIFEST).write_text(text, "utf-8")


@pytest.mark.parametrize("link", [".eksgen", ".eksgen/lock", ".eksgen/manifest.json"])
def test_a_symlink_in_the_state_directory_is_refused_by_name(tmp_path: Path, link: str) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / ".eksgen").mkdir(parents=True)
    if link == ".eksgen":
        (out / ".eksgen").rmdir()
    (out / link).symlink_to(elsewhere / "target")
    with pytest.raises(UsageError, match=f"^refusing to use {re.escape(str(out / link))}: it is a symlink$"):
        write_tree(out, {"a.tf": b"a\n"}, META)
    assert not (out / "a.tf").exists() and list(elsewhere.iterdir()) == []


def test_reading_the_manifest_through_a_symlinked_state_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".eksgen").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match=f"^refusing to use {re.escape(str(tmp_path / '.eksgen'))}: it is a symlink$"):
        W.read_manifest(tmp_path)


def test_missing_parent_directories_are_created(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "c"
    assert write_tree(out, {"a.tf": b"a\n"}, META).created == ["a.tf"]
    assert (out / "a.tf").read_bytes() == b"a\n"


def test_a_bad_lock_wait_is_refused_before_anything_is_created(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EKSGEN_LOCK_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="EKSGEN_LOCK_TIMEOUT must be a number of seconds"):
        write_tree(tmp_path / "out", {"a.tf": b"a\n"}, META)
    assert not (tmp_path / "out").exists()


def test_a_refusal_names_the_file_it_could_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object, **__: object) -> int:
        raise OSError(28, "No space left on device")

    write_tree(tmp_path, {"a.tf": b"a\n"}, META)
    monkeypatch.setattr(W, "_stage", full)  # the disk fills while the first file (the intent) is staged
    target = re.escape(str(tmp_path / MANIFEST))
    with pytest.raises(UsageError, match=f"^cannot write {target}: No space left on device$"):
        write_tree(tmp_path, {"a.tf": b"b\n"}, META)


@pytest.mark.parametrize("given", [".", Path(".")])
@pytest.mark.parametrize("link", [".eksgen", ".eksgen/manifest.json"])
def test_the_working_directory_s_state_is_named_as_pathlib_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   given: str | Path, link: str) -> None:
    """The survey passes text, the writer a Path: `.` names `.eksgen`, not `./.eksgen`, either way."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    if link != ".eksgen":
        (tmp_path / ".eksgen").mkdir()
    (tmp_path / link).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match=f"^refusing to use {re.escape(link)}: it is a symlink$"):
        W.read_manifest_record(given)
