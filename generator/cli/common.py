"""What every command shares: error reporting, output formats, options.

`handle_errors` prints what a command raised and exits with `errors.exit_code` of it, the
function that decides every exit code (0 ok, 1 differences, 2 bad input, 3 eksgen's bug,
4 refused to overwrite, 130/143 interrupted, 141 the reader of the output went away).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from generator.errors import (
    EksgenError,
    EnvironmentProblem,
    ExitCode,
    Issue,
    OutputClosed,
    SpecInvalid,
    Terminated,
    exit_code,
)
from generator.version import __version__

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])
REPORT_URL = "https://github.com/eksgen/eksgen/issues"

class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def err(message: str) -> None:
    typer.echo(message, err=True)


def handle_errors(func: F) -> F:
    """Run a command: its return value is its exit code; whatever it raises is reported here."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except (Exception, KeyboardInterrupt, Terminated) as exc:
            if isinstance(exc, typer.Exit):
                raise
            printing_failed = isinstance(exc, OSError) and raised_while_printing(exc)
            if printing_failed:
                exc = output_failure(cast(OSError, exc))
            if printing_failed or isinstance(exc, OutputClosed):  # (rich's tables raise OutputClosed themselves)
                silence_stdout()
            if isinstance(exc, OutputClosed):  # nobody reads any more: nothing to say
                raise typer.Exit(exit_code(exc)) from None
            code = exit_code(exc)
            # the output that failed cannot carry the report: it goes to stderr as text
            report_error(exc, json_output=not printing_failed and str(kwargs.get("output_format")) == "json",
                         command=func.__name__.replace("_", " "))  # import_eksctl -> `import eksctl`
        raise typer.Exit(code or 0)

    return cast(F, wrapper)  # functools.wraps keeps the signature typer reads


def raised_while_printing(exc: OSError) -> bool:
    """The error came from writing the command's output (click's `echo`, which every message goes
    through), not from a file or a process eksgen works with: those stay what they are."""
    return any(frame.name == "echo" and Path(frame.filename).name == "utils.py" and "click" in frame.filename
               for frame in traceback.extract_tb(exc.__traceback__))


def output_failure(exc: OSError) -> EksgenError:
    """What a failed write of the output means: its reader went away (a pipe closed early: stop
    quietly, 141), or the machine would not take it (a full disk, /dev/full: exit 2 with a hint)."""
    if isinstance(exc, BrokenPipeError):
        return OutputClosed()
    return EnvironmentProblem(f"cannot write the output: {exc.strerror or exc}",
                              hint="redirect the output to a file or device with room for it, or free some space")


def console(**settings: Any) -> Console:
    """A rich console for tables, whose closed output pipe is reported as every other command's
    (rich's own answer is exit 1, which here means "differences")."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise OutputClosed

    return _Console(**settings)


def silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush of what is still
    buffered for the closed pipe does not fail (and print a traceback) on the way out."""
    import os
    import sys

    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured output (a test's runner) has none
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def report_error(exc: BaseException, *, json_output: bool = False, command: str = "eksgen") -> None:
    """What the user sees for a failure: located spec errors, a message with a hint, or a bug report request.
    With --format json even a failure prints the one JSON format (gitops/output.py)."""
    from generator.api import envelope

    if isinstance(exc, SpecInvalid):
        issues = sorted(exc.issues, key=Issue.sort_key)
        if json_output:
            typer.echo(json.dumps(envelope(command, exit_code(exc), issues=[i.as_json() for i in issues]), indent=2))
        else:
            err(str(exc))
            err(_count_line(exc))
    elif isinstance(exc, (KeyboardInterrupt, Terminated)):
        err("terminated" if isinstance(exc, Terminated) else "interrupted")
    elif isinstance(exc, EksgenError):
        hint = getattr(exc, "hint", None)
        if json_output:
            typer.echo(json.dumps(envelope(command, exit_code(exc), message=str(exc),
                                           **({"hint": hint} if hint else {})), indent=2))
        else:
            err(f"error: {exc}")
            if hint:
                err(f"hint: {hint}")
        if exit_code(exc) == ExitCode.INTERNAL:
            err(bug_report())
    else:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        err(f"internal error: {type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})")
        err(bug_report("and this message (set EKSGEN_DEBUG=1 for the full traceback)"))
        if _debug():
            traceback.print_exception(exc)


def bug_report(what: str = "") -> str:
    also = f" {what}" if what else ""
    return f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec{also}."


def _count_line(exc: SpecInvalid) -> str:
    """True counts: with --strict the warnings are what failed, and they are counted as such."""
    if exc.error_count:
        return f"{exc.error_count} error(s); nothing written"
    return f"{len(exc.issues)} warning(s) treated as errors (--strict); nothing written"


def _debug() -> bool:
    import os

    return os.environ.get("EKSGEN_DEBUG") == "1"


Specs = Annotated[list[Path], typer.Argument(help="Spec files (YAML).", show_default=False)]
# Every command that works on specs takes these: files, quoted globs, directories (see gitops/selection.py).
SpecArgs = Annotated[list[str], typer.Argument(
    metavar="SPEC...", show_default=False,
    help="Spec files, quoted glob patterns ('clusters/**/*.yaml') or directories. A base (kind: ClusterBase) "
         "stands for every cluster that extends it.")]
Format = Annotated[OutputFormat, typer.Option("--format", help="Output format: text or json.")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
TODAY_ENV = "EKSGEN_TODAY"
Today = Annotated[str | None, typer.Option(
    "--today", metavar="YYYY-MM-DD", envvar=TODAY_ENV, show_envvar=True, show_default=False,
    help="The date the date-driven rules (end of support) judge by; default: the real date. Pin it in CI "
         "so a result never changes with the calendar.")]


def parse_today(value: str | None) -> dt.date | None:
    from generator.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: not a date: {value!r}") from None



