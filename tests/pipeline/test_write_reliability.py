"""Reliability properties from shared/facts/reliability.md: idempotence (P8), crash safety by
fault injection at every step (P13), no clobbering as a state machine (P11, P12), and the
support table on its boundary dates (P17)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import generator.pipeline.write as W
from generator.errors import HandEditedFiles
from generator.facts.releases import kubernetes_releases
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from generator.pipeline.write import read_manifest, sha256, write_tree

META = {"eksgen": "test"}
OLD = {"a.tf": b"old a\n", "b.tf": b"old b\n", "gone.tf": b"old gone\n"}
NEW = {"a.tf": b"new a\n", "b.tf": b"old b\n", "c.tf": b"new c\n"}


def test_a_second_identical_write_touches_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, NEW, META)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"}
    os.utime(tmp_path / "a.tf", ns=(1, 1))  # any rewrite would move this
    stamps[tmp_path / "a.tf"] = 1
    report = write_tree(tmp_path, NEW, META)
    assert report.created == report.updated == report.removed == []
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


class Boom(Exception):
    pass


def _count_calls(monkeypatch: pytest.MonkeyPatch, fail_at: int | None) -> list[str]:
    """Patch replace, fsync and write; raise at the `fail_at`-th call (counting all three)."""
    calls: list[str] = []
    for name, owner in (("replace", W.os), ("fsync", W.os), ("write", W.os)):
        real = getattr(owner, name)

        def wrapped(*args: object, _real=real, _name=name) -> object:  # type: ignore[no-untyped-def]
            calls.append(_name)
            if fail_at is not None and len(calls) == fail_at:
                raise Boom(f"{_name} #{fail_at}")
            return _real(*args)

        monkeypatch.setattr(owner, name, wrapped)
    return calls


def test_a_failure_at_any_step_leaves_old_or_new_and_a_rerun_finishes(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        probe = tmp_path / "probe"
        write_tree(probe, OLD, META)
        calls = _count_calls(mp, None)
        write_tree(probe, NEW, META)
        total = len(calls)
    assert total > 5
    for fail_at in range(1, total + 1):
        out = tmp_path / f"run{fail_at}"
        write_tree(out, OLD, META)
        with pytest.MonkeyPatch.context() as mp:
            _count_calls(mp, fail_at)
            with pytest.raises(Boom):
                write_tree(out, NEW, META)
        for name in set(OLD) | set(NEW):
            path = out / name
            if path.exists():
                assert path.read_bytes() in (OLD.get(name), NEW.get(name)), (fail_at, name)
        write_tree(out, NEW, META)  # no --force: the interrupted run's files are recognised
        assert {n: (out / n).read_bytes() for n in NEW} == NEW and not (out / "gone.tf").exists()
        assert read_manifest(out) == {n: sha256(d) for n, d in NEW.items()}
        assert not list(out.glob(".*.tmp"))


SPECS = [{"a.tf": b"1\n", "b.tf": b"2\n"}, {"a.tf": b"1b\n"}, {"a.tf": b"1\n", "c.tf": b"3\n"}, {}]


class OwnershipMachine(RuleBasedStateMachine):
    """Renders alternate with a user's edits, new files and deletions. A model of the disk
    predicts every refusal; the directory must always equal the model (user bytes survive)."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="eksgen-sm-"))
        self.disk: dict[str, bytes] = {}  # what should be in the directory
        self.owned: dict[str, bytes] = {}  # what eksgen last wrote (its manifest)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _conflict(self, name: str, files: dict[str, bytes]) -> bool:
        if name not in self.disk:
            return False
        if name not in self.owned:  # unmanaged: only a byte-identical file may be adopted
            return name in files and self.disk[name] != files[name]
        return self.disk[name] != self.owned[name] and files.get(name) != self.disk[name]

    @rule(index=st.integers(0, len(SPECS) - 1))
    def render(self, index: int) -> None:
        files = SPECS[index]
        refused = any(self._conflict(n, files) for n in set(files) | set(self.owned))
        try:
            write_tree(self.root, files, META)
        except HandEditedFiles:
            assert refused, "refused although nothing was edited"
            return
        assert not refused, "overwrote or deleted a user's bytes"
        for name in set(self.owned) - set(files):
            self.disk.pop(name, None)  # stale and unedited: removed
        self.disk.update(files)
        self.owned = dict(files)

    @rule(name=st.sampled_from(["a.tf", "b.tf", "c.tf", "notes.md"]), data=st.binary(min_size=1, max_size=4))
    def user_writes(self, name: str, data: bytes) -> None:
        (self.root / name).write_bytes(data)
        self.disk[name] = data

    @rule(name=st.sampled_from(["a.tf", "b.tf", "c.tf", "notes.md"]))
    def user_deletes(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)
        self.disk.pop(name, None)

    @invariant()
    def directory_equals_the_model(self) -> None:
        actual = {p.name: p.read_bytes() for p in self.root.iterdir() if p.is_file()}
        assert actual == self.disk


OwnershipMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=12, deadline=None,
                                              suppress_health_check=list(HealthCheck))
TestOwnership = OwnershipMachine.TestCase

SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {{name: demo, region: eu-west-1}}
spec:
  kubernetesVersion: "{version}"
  supportType: {support}
  managedNodeGroups: [{{name: general, minSize: 2, maxSize: 3}}]
"""


def _version_rules(version: str, support: str, today: dt.date) -> list[tuple[str, str]]:
    doc = load_documents(SPEC.format(version=version, support=support), "c.yaml")[0]
    return [(i.rule or "", i.severity) for i in check_document(doc, today=today).issues if i.rule in
            ("EKS006", "EKS007")]


@pytest.mark.parametrize("release", kubernetes_releases(), ids=lambda r: r.version)
def test_support_status_on_each_boundary(release) -> None:  # type: ignore[no-untyped-def]
    one = dt.timedelta(days=1)
    end_std, end_ext = release.end_of_standard, release.end_of_extended
    assert ("EKS006", "error") not in _version_rules(release.version, "STANDARD", end_std)
    assert ("EKS006", "error") in _version_rules(release.version, "STANDARD", end_std + one)
    assert ("EKS006", "error") not in _version_rules(release.version, "EXTENDED", end_std + one)
    assert ("EKS006", "error") not in _version_rules(release.version, "EXTENDED", end_ext)
    assert ("EKS006", "error") in _version_rules(release.version, "EXTENDED", end_ext + one)
    assert ("EKS007", "warning") in _version_rules(release.version, "STANDARD", end_std - one)
    assert _version_rules(release.version, "STANDARD", end_std - dt.timedelta(days=61)) == []


HOSTILE = (
    'apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata:\n  name: "de\\u202emo"\n  region: "eu\\x1b[31m"\n'
    '  tags: {"k\\u202e": "v\\x1b"}\nspec:\n  kubernetesVersion: "1.3\\u202e5"\n  "x\\u202ey\\x07": 1\n'
    '  managedNodeGroups: [{name: "g\\x1b", minSize: 2, maxSize: 3}]\n'
)


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE.replace('  "x\\u202ey\\x07": 1\n', "")],
                         ids=["unknown-key", "bad-values"])
def test_diagnostics_never_print_raw_control_or_bidi_characters(tmp_path: Path, text: str) -> None:
    """P16: hostile values are quoted escaped, so terminals and CI logs show what is there."""
    from typer.testing import CliRunner

    from generator.cli.main import app

    spec = tmp_path / "hostile.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(spec), "--today", "2026-11-25"])
    assert result.exit_code == 2
    shown = result.stderr
    assert "\\u202e" in shown or "U+202E" in shown  # the problem is named...
    assert not any(ch in shown for ch in "\x1b\x07\u202e")  # ...but never emitted raw
