"""One error root; each subclass carries its exit code, and `exit_code` is the one place
that turns what happened (an exception, or a result's differences) into the process's code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


class ExitCode(int, Enum):
    OK = 0
    DIFFERENCES = 1
    BAD_INPUT = 2
    INTERNAL = 3
    HAND_EDITED = 4
    INTERRUPTED = 130
    OUTPUT_CLOSED = 141  # 128 + SIGPIPE, as shells report it: the reader of the output stopped (`| head`)
    TERMINATED = 143  # 128 + SIGTERM, as shells report it


def format_loc(loc: Loc) -> str:
    """`("spec", "managedNodeGroups", 1, "maxSize")` -> `managedNodeGroups[1].maxSize`.

    The `spec.` prefix is dropped: almost every path is under it, and the contract's
    messages are written without it.
    """
    if loc and loc[0] == "spec" and len(loc) > 1:
        loc = loc[1:]
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _is_plain_key(part):  # repr: hostile keys (bidi, escapes) never reach a terminal raw
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text or "(document)"


def quote_name(name: str) -> str:
    """A file name fit for one log line: as is when printable, else quoted with escapes."""
    return name if name.isprintable() else repr(name)


def _is_plain_key(key: str) -> bool:
    return key.replace("_", "a").replace("-", "a").isalnum() and key.isascii()


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int
    file: str | None = None  # set when the value came from another file (`extends`)


@dataclass(frozen=True)
class Issue:
    """One problem found in a spec, located by its path inside the document."""

    loc: Loc
    message: str
    severity: Severity = "error"
    rule: str | None = None
    file: str = "<spec>"
    position: Position | None = None
    document: int = 0

    @property
    def path(self) -> str:
        return format_loc(self.loc)

    def format(self) -> str:
        where = quote_name(self.file)
        if self.position is not None:
            file = quote_name(self.position.file or self.file)
            where = f"{file}:{self.position.line}:{self.position.column}"
        return f"{where} {self.path}: {self.label}{self.message}"

    @property
    def label(self) -> str:
        """`warning EKS080: `, `error EKS053: `; rule-less errors (structure, YAML) carry no label."""
        if self.rule:
            return f"{self.severity} {self.rule}: "
        return "warning: " if self.severity == "warning" else ""

    def sort_key(self) -> tuple[str, int, int, int, str]:
        pos = self.position or Position(0, 0)
        return (pos.file or self.file, self.document, pos.line, pos.column, self.message)

    def as_record(self) -> dict[str, object]:
        """Everything `from_record` needs to give back an equal-looking issue (the incremental cache)."""
        return {**self.as_json(), "loc": list(self.loc), "document": self.document}

    @classmethod
    def from_record(cls, record: dict[str, object]) -> Issue:
        line, column, loc = record.get("line"), record.get("column"), record.get("loc")
        position = Position(line, column) if isinstance(line, int) and isinstance(column, int) else None
        severity: Severity = "warning" if record.get("severity") == "warning" else "error"
        rule = record.get("rule")
        document = record.get("document")
        return cls(loc=tuple(p for p in loc if isinstance(p, str | int)) if isinstance(loc, list) else (),
                   message=str(record.get("message")), severity=severity,
                   rule=rule if isinstance(rule, str) else None, file=str(record.get("file")), position=position,
                   document=document if isinstance(document, int) else 0)

    def as_json(self) -> dict[str, object]:
        return {
            "file": (self.position.file if self.position else None) or self.file,
            "line": self.position.line if self.position else None,
            "column": self.position.column if self.position else None,
            "path": self.path,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


class EksgenError(Exception):
    """Root of every error eksgen raises on purpose."""

    exit_code = ExitCode.INTERNAL


class UsageError(EksgenError):
    exit_code = ExitCode.BAD_INPUT


class EnvironmentProblem(UsageError):
    """The machine, not the spec and not eksgen: no network, a missing or read-only directory (exit 2)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class SpecInvalid(EksgenError):
    """The spec has errors; every one of them is listed, sorted by position."""

    issues: Sequence[Issue] = field(default_factory=list)
    exit_code = ExitCode.BAD_INPUT

    def __str__(self) -> str:
        return "\n".join(i.format() for i in sorted(self.issues, key=Issue.sort_key))

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")


class InternalError(EksgenError):
    """eksgen produced something it cannot prove correct: a bug, never the user's fault."""

    exit_code = ExitCode.INTERNAL


class RoundTripError(InternalError):
    pass


class InterfaceError(InternalError):
    pass


class RefusedToOverwrite(EksgenError):
    """eksgen will not replace a file it did not write (or one edited since)."""

    exit_code = ExitCode.HAND_EDITED


@dataclass
class HandEditedFiles(RefusedToOverwrite):
    paths: Sequence[str] = field(default_factory=list)

    def __str__(self) -> str:
        listed = "\n".join(f"  {p}" for p in self.paths)
        return f"refusing to overwrite files edited by hand (use --force to overwrite):\n{listed}"


class OutputClosed(EksgenError):
    """Standard output is a pipe whose reader went away (`eksgen ... | head`): nothing more can be
    printed, so the command stops quietly, as a command killed by SIGPIPE would; what it wrote stays."""

    exit_code = ExitCode.OUTPUT_CLOSED


class Terminated(BaseException):
    """SIGTERM arrived (CI cancelled the job); a BaseException so no `except Exception` swallows it."""


def exit_code(error: BaseException | None = None, *, differences: bool = False,
              parts: Iterable[int] = ()) -> ExitCode:
    """The exit code of a command, decided here and nowhere else.

    `error` is what the command raised (any exception: an unplanned one is eksgen's bug);
    without one, `differences` (render --check, diff) means 1; `parts` are the codes of a
    fleet's specs, and the worst of them wins.
    """
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, Terminated):
        return ExitCode.TERMINATED
    if isinstance(error, EksgenError):
        return error.exit_code
    if error is not None:
        return ExitCode.INTERNAL
    worst = max((ExitCode(code) for code in parts), default=ExitCode.OK)
    return max(worst, ExitCode.DIFFERENCES if differences else ExitCode.OK)
