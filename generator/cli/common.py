"""What every command shares: error reporting, output formats, options.

`handle_errors` prints what a command raised and exits with `errors.exit_code` of it, the
function that decides every exit code (0 ok, 1 differences, 2 bad input, 3 eksgen's bug,
4 refused to overwrite, 130/143 interrupted).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from generator.errors import EksgenError, ExitCode, Issue, SpecInvalid, Terminated, exit_code
from generator.version import __version__

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
            code = exit_code(exc)
            report_error(exc, json_output=kwargs.get("output_format") == OutputFormat.json)
        raise typer.Exit(code or 0)

    return wrapper  # type: ignore[return-value]


def report_error(exc: BaseException, *, json_output: bool = False) -> None:
    """What the user sees for a failure: located spec errors, a message, or a bug report request."""
    if isinstance(exc, SpecInvalid):
        issues = sorted(exc.issues, key=Issue.sort_key)
        if json_output:
            typer.echo(json.dumps({"ok": False, "exitCode": int(exit_code(exc)),
                                   "issues": [i.as_json() for i in issues]}, indent=2))
        else:
            err(str(exc))
            err(f"{exc.error_count} error(s); nothing written")
    elif isinstance(exc, (KeyboardInterrupt, Terminated)):
        err("terminated" if isinstance(exc, Terminated) else "interrupted")
    elif isinstance(exc, EksgenError):
        err(f"error: {exc}")
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


def _debug() -> bool:
    import os

    return os.environ.get("EKSGEN_DEBUG") == "1"


Specs = Annotated[list[Path], typer.Argument(help="Spec files (YAML).", show_default=False)]
Format = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Today = Annotated[str | None, typer.Option("--today", hidden=True, help="Pretend today is YYYY-MM-DD.")]


def parse_today(value: str | None) -> dt.date | None:
    from generator.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: not a date: {value!r}") from None



