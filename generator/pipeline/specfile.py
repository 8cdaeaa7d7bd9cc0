"""A spec file through the pipeline: read it, load its documents (overlays merged), check or
render every cluster in it, and write a rendered cluster into its directory.

`pipeline.run` takes one document through the stages; this module is the same for a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InternalError, Issue, SpecInvalid, UsageError, quote_name
from generator.pipeline import overlay
from generator.pipeline.checks.cluster import verdict_window
from generator.pipeline.effective import Cluster as EffectiveCluster
from generator.pipeline.layout import output_dir
from generator.pipeline.load import Document, decode_utf8, load_documents
from generator.pipeline.loadlimits import UnreadableFile, read_regular_file
from generator.pipeline.pins import LOCK_NAME, read_lock_and_digest
from generator.pipeline.run import ClusterResult, build_document, check_document
from generator.pipeline.write import IMPORT_BLOCKS_MARK, WriteReport, write_tree
from generator.pipeline.writegroup import TreeWrite
from generator.version import __version__


@dataclass
class RenderResult:
    """One cluster of a spec file: where it goes, what it renders to, what was found."""

    spec: Path
    result: ClusterResult
    out_dir: Path
    report: WriteReport | None = None
    diff: str = ""
    source: dict[str, object] = field(default_factory=dict)  # what it was loaded from (source_record)

    @property
    def name(self) -> str:
        return self.result.effective.metadata.name if self.result.effective else "?"

    @property
    def files(self) -> dict[str, str]:
        return self.result.files

    @property
    def effective(self) -> EffectiveCluster:
        """The effective spec: render_spec returns only clusters that got one, so None is eksgen's bug."""
        if self.result.effective is None:
            raise InternalError(f"{self.spec}: a rendered cluster has no effective spec")
        return self.result.effective


@dataclass
class CheckReport:
    results: list[ClusterResult] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return sorted((i for r in self.results for i in r.issues), key=Issue.sort_key)


def read_spec(path: Path) -> str:
    """A spec, base or manifest file as text: a bounded regular file, UTF-8 (errors located)."""
    return decode_utf8(read_spec_bytes(path), str(path))


def read_spec_bytes(path: Path) -> bytes:
    try:
        return read_regular_file(path)
    except UnreadableFile as exc:
        raise UsageError(f"{quote_name(str(path))}: {exc}") from None


def source_record(data: bytes, read: SourcesRead, clusters: list[str]) -> dict[str, object]:
    """What a spec file's loaded documents are a function of (besides its path and the eksgen version):
    its bytes; per base of the `extends` chain the value that names it, how positions name it and the
    SHA-256 of its bytes; the eksgen.lock's SHA-256; and the clusters the file holds. The manifest keeps
    it, so an incremental run that finds the same record knows the same documents without loading
    them (gitops/recorded.py)."""
    return {"specFileSha256": hashlib.sha256(data).hexdigest(),
            "bases": [[target, str(overlay.display(base)), digest] for target, base, digest in read.bases],
            "lockSha256": read.lock, "clusters": clusters}


def cluster_name(doc: Document) -> str | None:
    """`metadata.name` when the document has one as text; None for any other shape."""
    metadata = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def load_spec(path: Path) -> list[Document]:
    """Stage 1 for a file: its documents, each with its `extends` chain merged in and its pins from the
    eksgen.lock beside the spec (pipeline/pins.py)."""
    return load_spec_bytes(path, read_spec_bytes(path), SourcesRead())


@dataclass
class SourcesRead:
    """The other files a spec file's loading read, each with the SHA-256 of the very bytes read."""

    bases: list[tuple[str, Path, str]] = field(default_factory=list)  # (extends value, file, SHA-256)
    lock: str | None = None  # the eksgen.lock beside the spec; None without one


def load_spec_bytes(path: Path, data: bytes, read: SourcesRead) -> list[Document]:
    """`load_spec` of the bytes `data` already read from `path`, noting in `read` what else it read."""
    documents = [overlay.resolve(doc, path, bases_read=read.bases)
                 for doc in load_documents(decode_utf8(data, str(path)), str(path))]
    lock, read.lock = read_lock_and_digest(path.parent / LOCK_NAME)
    if lock is not None:
        for doc in documents:
            doc.pins = lock.get(cluster_name(doc) or "")
    return documents


def check_spec(path: Path, *, today: dt.date | None = None) -> CheckReport:
    """Every check, nothing rendered or written. Load errors raise SpecInvalid."""
    documents = load_spec(path)
    return CheckReport([check_document(doc, today=today) for doc in documents])


def render_spec(path: Path, *, out_dir: Path | None = None, today: dt.date | None = None,
                nested: bool = False, dated_as_warnings: bool = False,
                import_blocks: bool = False) -> list[RenderResult]:
    """Render and prove every cluster of a spec file, in memory. Raises SpecInvalid with all errors.

    With `out_dir`, a single cluster writes into it; several (or `nested`) into `out_dir/<name>`.
    """
    data = read_spec_bytes(path)
    read = SourcesRead()
    documents = load_spec_bytes(path, data, read)
    results: list[RenderResult] = []
    errors: list[Issue] = []
    for doc in documents:
        try:
            built = build_document(doc, path.name, today=today, dated_as_warnings=dated_as_warnings,
                                   import_blocks=import_blocks)
        except SpecInvalid as exc:
            errors.extend(exc.issues)
            continue
        results.append(RenderResult(spec=path, result=built, out_dir=Path()))
    if errors:
        raise SpecInvalid(errors)
    source = source_record(data, read, [item.name for item in results])
    for item in results:
        item.out_dir = output_dir(path, out_dir, item.name, 2 if nested else len(results))
        item.source = source
    _reject_shared_dirs(results)
    return results


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


def document_hash(doc: Document) -> str:
    """What a cluster's output and findings depend on: its merged spec data, where each value was written
    (findings name lines) and the eksgen version. The clock is recorded apart, as a verdict window."""
    canonical = json.dumps(doc.data, sort_keys=True, ensure_ascii=False, default=str)
    if doc.pins is not None:  # a changed lock renders differently
        canonical += "\n" + json.dumps(doc.pins, sort_keys=True, ensure_ascii=False)
    where = json.dumps(sorted((repr(loc), p.line, p.column, p.file) for loc, p in doc.positions.items()))
    return hashlib.sha256(f"{__version__}\n{canonical}\n{where}".encode()).hexdigest()


def verdict_record(result: ClusterResult, today: dt.date) -> dict[str, object]:
    """The findings of a successful render and the dates they hold for: what an incremental skip replays."""
    version = result.effective.spec.kubernetes_version if result.effective else None
    start, end = verdict_window(version, today)
    return {"warnings": [w.as_record() for w in result.warnings],
            "verdictWindow": [start.isoformat() if start else None, end.isoformat() if end else None]}


def encoded(item: RenderResult) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in item.files.items()}




def tree_write(item: RenderResult, *, force: bool = False, today: dt.date | None = None) -> TreeWrite:
    """One rendered cluster as the write it needs: its files and the manifest that makes re-renders safe."""
    effective = item.effective
    meta: dict[str, object] = {"eksgen": __version__, "spec": item.spec.name,
                               "specSha256": document_hash(item.result.document)
                               + (IMPORT_BLOCKS_MARK if "imports.tf" in item.files else ""),
                               "modules": dict(effective.spec.terraform.modules),
                               **({"source": item.source} if item.source else {}),
                               **verdict_record(item.result, today or dt.date.today())}
    return TreeWrite(item.out_dir, encoded(item), meta, force)


def write_result(item: RenderResult, *, force: bool = False, today: dt.date | None = None) -> WriteReport:
    """Write one rendered cluster into its directory, with the manifest that makes re-renders safe."""
    tree = tree_write(item, force=force, today=today)
    item.report = write_tree(tree.out_dir, tree.files, tree.meta, force=tree.force)
    return item.report
