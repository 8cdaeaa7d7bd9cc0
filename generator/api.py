"""The library API the CLI is a thin shell over; tests and other Python code call it too."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.errors import Issue, SpecInvalid, Terminated, UsageError, quote_name
from generator.gitops.textdiff import diff_files
from generator.pipeline import overlay
from generator.pipeline.load import Document, decode_utf8
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file
from generator.pipeline.run import ClusterResult, build_document, check_document, load
from generator.pipeline.write import WriteReport, read_manifest, write_tree


@dataclass
class RenderResult:
    """One cluster of a spec file: where it goes, what it renders to, what was found."""

    spec: Path
    result: ClusterResult
    out_dir: Path
    report: WriteReport | None = None
    diff: str = ""

    @property
    def name(self) -> str:
        return self.result.effective.metadata.name if self.result.effective else "?"

    @property
    def files(self) -> dict[str, str]:
        return self.result.files


@dataclass
class CheckReport:
    results: list[ClusterResult] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return sorted((i for r in self.results for i in r.issues), key=Issue.sort_key)


def raise_on_sigterm() -> None:
    """Turn SIGTERM into errors.Terminated: temp files, locks and the manifest unwind as after Ctrl-C."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminate)


def read_spec(path: Path) -> str:
    """A spec, base or manifest file as text: a bounded regular file, UTF-8 (errors located)."""
    try:
        data = read_regular_file(path)
    except UnreadableFile as exc:
        raise UsageError(f"{quote_name(str(path))}: {exc}") from None
    return decode_utf8(data, str(path))


def load_spec(path: Path) -> list[Document]:
    """Stage 1 for a file: its documents, each with its `extends` chain merged in."""
    return [overlay.resolve(doc, path) for doc in load(read_spec(path), str(path))]


def check_spec(path: Path, *, today: dt.date | None = None) -> CheckReport:
    """Every check, nothing rendered or written. Load errors raise SpecInvalid."""
    documents = load_spec(path)
    return CheckReport([check_document(doc, today=today) for doc in documents])


def render_spec(path: Path, *, out_dir: Path | None = None, today: dt.date | None = None,
                nested: bool = False) -> list[RenderResult]:
    """Render and prove every cluster of a spec file, in memory. Raises SpecInvalid with all errors.

    With `out_dir`, a single cluster writes into it; several (or `nested`) into `out_dir/<name>`.
    """
    documents = load_spec(path)
    results: list[RenderResult] = []
    errors: list[Issue] = []
    for doc in documents:
        try:
            built = build_document(doc, path.name, today=today)
        except SpecInvalid as exc:
            errors.extend(exc.issues)
            continue
        results.append(RenderResult(spec=path, result=built, out_dir=Path()))
    if errors:
        raise SpecInvalid(errors)
    for item in results:
        item.out_dir = output_dir(path, out_dir, item.name, 2 if nested else len(results))
    _reject_shared_dirs(results)
    return results


def output_dir(spec: Path, out_dir: Path | None, name: str, count: int) -> Path:
    if out_dir is None:
        return spec.parent / name
    return out_dir / name if count > 1 else out_dir


def _reject_shared_dirs(results: list[RenderResult]) -> None:
    seen: dict[Path, str] = {}
    issues = []
    for item in results:
        if item.out_dir in seen:
            issues.append(item.result.document.issue(Issue(
                ("metadata", "name"), f"another cluster in this file is named {item.name!r}; "
                f"both would write to {item.out_dir}")))
        seen[item.out_dir] = item.name
    if issues:
        raise SpecInvalid(issues)


def cluster_name(doc: Document) -> str | None:
    """`metadata.name` when the document has one as text; None for any other shape."""
    metadata = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def document_hash(doc: Document) -> str:
    """What a cluster's output depends on: its merged spec data and the eksgen version."""
    canonical = json.dumps(doc.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{__version__}\n{canonical}".encode()).hexdigest()


def render_to_directory(path: Path, *, out_dir: Path | None = None, force: bool = False,
                        check: bool = False, strict: bool = False, today: dt.date | None = None,
                        nested: bool = False) -> list[RenderResult]:
    """Render, then write (or with `check`, compare and write nothing).

    With `strict`, warnings count as errors and nothing is written.
    """
    results = render_spec(path, out_dir=out_dir, today=today, nested=nested)
    warnings = [w for item in results for w in item.result.warnings]
    if strict and warnings:
        raise SpecInvalid(warnings)
    for item in results:
        data = {name: text.encode("utf-8") for name, text in item.files.items()}
        if check:
            item.diff = directory_diff(item.out_dir, data)
            continue
        effective = item.result.effective
        assert effective is not None and effective.spec.terraform and effective.spec.terraform.modules
        meta: dict[str, object] = {"eksgen": __version__, "spec": path.name,
                                   "specSha256": document_hash(item.result.document),
                                   "modules": effective.spec.terraform.modules.model_dump(mode="json")}
        item.report = write_tree(item.out_dir, data, meta, force=force)
    return results


def directory_diff(out_dir: Path, files: dict[str, bytes]) -> str:
    """A unified diff from what is on disk to what the spec renders (owned files only)."""
    names = set(files) | set(read_manifest(out_dir) if out_dir.is_dir() else {})
    on_disk = {n: (out_dir / n).read_text("utf-8", errors="replace") for n in names if (out_dir / n).is_file()}
    return "".join(diff_files(on_disk, {n: data.decode("utf-8") for n, data in files.items()}).values())
