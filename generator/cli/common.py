"""What every command shares: the one exception-to-exit-code mapping, output formats, options.

`handle_errors` is the one place that turns exceptions into exit codes:
0 ok, 1 differences (--check), 2 bad input, 3 internal error, 4 hand-edited files, 130 Ctrl-C.
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

from generator import __version__
from generator.errors import EksgenError, ExitCode, Issue, SpecInvalid, Terminated

F = TypeVar("F", bound=Callable[..., Any])
REPORT_URL = "https://github.com/eksgen/eksgen/issues"

class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def err(message: str) -> None:
    typer.echo(message, err=True)


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except SpecInvalid as exc:
            if kwargs.get("output_format") == OutputFormat.json:
                typer.echo(json.dumps({"ok": False, "exitCode": 2, "issues": [i.as_json() for i in
                                       sorted(exc.issues, key=Issue.sort_key)]}, indent=2))
            else:
                err(str(exc))
                err(f"{exc.error_count} error(s); nothing written")
            raise typer.Exit(ExitCode.BAD_INPUT) from None
        except KeyboardInterrupt as exc:  # SIGTERM too (errors.Terminated): the same cleanup, its own code
            err("terminated" if isinstance(exc, Terminated) else "interrupted")
            raise typer.Exit(getattr(exc, "exit_code", ExitCode.INTERRUPTED)) from None
        except EksgenError as exc:
            err(f"error: {exc}")
            if exc.exit_code == ExitCode.INTERNAL:
                err(f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec.")
            raise typer.Exit(exc.exit_code) from None
        except typer.Exit:
            raise
        except Exception as exc:
            last = traceback.extract_tb(exc.__traceback__)[-1]
            err(f"internal error: {type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})")
            err(f"This is a bug in eksgen {__version__}; please report it at {REPORT_URL} with the spec "
                "and this message (set EKSGEN_DEBUG=1 for the full traceback).")
            if _debug():
                traceback.print_exc()
            raise typer.Exit(ExitCode.INTERNAL) from None
        raise typer.Exit(code or 0)

    return wrapper  # type: ignore[return-value]


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



