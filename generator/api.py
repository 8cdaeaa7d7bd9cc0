"""The library API the CLI is a thin shell over; tests and other Python code call it too."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.errors import Issue, SpecInvalid, UsageError
from generator.pipeline import ClusterResult, build_document, check_document, load
from generator.write import WriteReport, read_manifest, write_tree


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


def read_spec(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise SpecInvalid([Issue(loc=(), message=f"not UTF-8 text ({exc.reason})", file=str(path))]) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def check_spec(path: Path, *, today: dt.date | None = None) -> CheckReport:
    """Every check, nothing rendered or written. Load errors raise SpecInvalid."""
    documents = load(read_spec(path), str(path))
    return CheckReport([check_document(doc, today=today) for doc in documents])


def render_spec(path: Path, *, out_dir: Path | None = None, today: dt.date | None = None) -> list[RenderResult]:
    """Render and prove every cluster of a spec file, in memory. Raises SpecInvalid with all errors."""
    documents = load(read_spec(path), str(path))
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
        item.out_dir = _out_dir(path, out_dir, item.name, len(results))
    _reject_shared_dirs(results)
    return results


def _out_dir(spec: Path, out_dir: Path | None, name: str, count: int) -> Path:
    if out_dir is None:
        return spec.parent / name
    return out_dir / name if count > 1 else out_dir


def _reject_shared_dirs(results: list[RenderResult]) -> None:
    seen: dict[Path, str] = {}
    for item in results:
        if item.out_dir in seen:
            raise UsageError(f"clusters {seen[item.out_dir]!r} and {item.name!r} would both write to {item.out_dir}")
        seen[item.out_dir] = item.name


def spec_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_to_directory(path: Path, *, out_dir: Path | None = None, force: bool = False,
                        check: bool = False, today: dt.date | None = None) -> list[RenderResult]:
    """Render, then write (or with `check`, compare and write nothing)."""
    results = render_spec(path, out_dir=out_dir, today=today)
    digest = spec_hash(read_spec(path))
    for item in results:
        data = {name: text.encode("utf-8") for name, text in item.files.items()}
        if check:
            item.diff = directory_diff(item.out_dir, data)
            continue
        effective = item.result.effective
        assert effective is not None and effective.spec.terraform and effective.spec.terraform.modules
        meta: dict[str, object] = {"eksgen": __version__, "spec": path.name, "specSha256": digest,
                "modules": effective.spec.terraform.modules.model_dump(mode="json")}
        item.report = write_tree(item.out_dir, data, meta, force=force)
    return results


def directory_diff(out_dir: Path, files: dict[str, bytes]) -> str:
    """A unified diff from what is on disk to what the spec renders (owned files only)."""
    chunks: list[str] = []
    names = set(files) | set(read_manifest(out_dir) if out_dir.is_dir() else {})
    for name in sorted(names):
        target = out_dir / name
        old = target.read_text("utf-8", errors="replace") if target.is_file() else ""
        new = files.get(name, b"").decode("utf-8")
        if old != new:
            chunks.extend(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                               fromfile=f"a/{name}", tofile=f"b/{name}"))
    return "".join(chunks)
