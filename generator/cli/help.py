"""`--help` for people: no Python types in it.

typer 0.2x prints each parameter's Python type (`<bool>`, `<path>`, `<list[str]>`) and marks
required arguments `{spec}`; the help reads better with click's old conventions (SPEC..., PATH,
flags without a type). Applied once, when the CLI is built; only eksgen's app uses it.
"""

from __future__ import annotations

from typing import Any

from typer import core

FRIENDLY = {"<str>": "TEXT", "<int>": "N", "<float>": "NUMBER", "<path>": "PATH"}


def _argument_usage(self: Any) -> str:
    name = str(self.metavar or str(self.name).upper())
    if self.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if self.required else f"[{name}]"


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None  # the metavar already says what goes there


def _option_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return str(self.metavar)
    if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
        return None
    shown = str(self.display_type(ctx))
    return FRIENDLY.get(shown, shown.strip("<>"))


def install() -> None:
    setattr(core.TyperArgument, "_usage_display_name", _argument_usage)  # noqa: B010 (patching typer)
    setattr(core.TyperArgument, "display_type_rich", _argument_type)  # noqa: B010
    setattr(core.TyperOption, "display_type_rich", _option_type)  # noqa: B010
