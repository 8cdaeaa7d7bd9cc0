"""Option values converted without pydantic when typer's own conversion would give the same value.

typer 0.29 converts every parameter through a pydantic TypeAdapter it builds on first use, so each
command starts by importing pydantic in full and building about ten adapters (~60 ms, a fifth of an
unchanged fleet's `render`). eksgen's options are plain: str, int, bool, Path, a StrEnum, lists of
them. For a value whose conversion is certain (a string for str, digits for int, a choice spelled
exactly, a path string, or a default that already has the type) this gives that value; typer's own
path checks still run on paths. Anything else (an unusual spelling, a bad value, a type not listed
here) goes to typer's own conversion, so its results and messages are typer's.
tests/cli/test_coercion.py holds both to the same results. Applied once, when the CLI is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import core

_DIGITS = re.compile(r"(?:0|[1-9][0-9]{0,17})")  # int() and pydantic agree on these
_UNSURE = object()

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # another typer: its own conversion, unchanged
    RuntimeParam = None  # type: ignore[assignment,misc]


def _plain_path_option(descriptor: Any) -> bool:
    info = descriptor.parameter_info
    return info.path_type is None and not info.resolve_path and not info.allow_dash  # (a parser: see _leaf)


def _leaf(annotation: Any, descriptor: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The converted value, or _UNSURE."""
    info = descriptor.parameter_info
    if info.parser is not None:  # the parameter's own conversion
        return _UNSURE
    if annotation is str:
        return value if type(value) is str else _UNSURE
    if annotation is bool:
        return value if type(value) is bool else _UNSURE
    if annotation is int:
        if info.min is not None or info.max is not None or info.clamp:
            return _UNSURE
        if type(value) is int:
            return value
        return int(value) if type(value) is str and _DIGITS.fullmatch(value) else _UNSURE
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        if isinstance(value, annotation):
            return value
        if type(value) is str and info.case_sensitive:
            return next((member for member in annotation if member.value == value), _UNSURE)
        return _UNSURE
    if annotation is Path and _plain_path_option(descriptor):
        if type(value) is str and value and "\0" not in value:
            value = Path(value)
        if not isinstance(value, Path):
            return _UNSURE
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)  # typer's checks
    return _UNSURE


if RuntimeParam is not None:
    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        """typer's RuntimeParam for one parameter: the certain cases here, the rest typer's own."""

        descriptor: TypeDescriptor = field(repr=False)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation: Any = self.annotation
            if get_origin(annotation) is list:
                (item,) = get_args(annotation)
                if isinstance(value, (list, tuple)):
                    items = [_leaf(item, self.descriptor, v, param, ctx) for v in value]
                    if all(i is not _UNSURE for i in items):
                        return items
            else:
                converted = _leaf(annotation, self.descriptor, value, param, ctx)
                if converted is not _UNSURE:
                    return converted
            return typer_conversion(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


_typer_conversions: dict[int, Any] = {}


def typer_conversion(descriptor: Any) -> Any:
    """typer's own RuntimeParam for `descriptor`, built once (it builds the pydantic adapter)."""
    key = id(descriptor)
    if key not in _typer_conversions:
        _typer_conversions[key] = (descriptor, build_runtime_param(descriptor))
    return _typer_conversions[key][1]


def plain_runtime_param(descriptor: Any) -> Any:
    """What typer.core asks for each parameter: PlainRuntimeParam unless the parameter opens files."""
    if descriptor.file_annotation is not None:
        return build_runtime_param(descriptor)
    return PlainRuntimeParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                             descriptor=descriptor)


def installed() -> bool:
    return getattr(core, "build_runtime_param", None) is plain_runtime_param


def install() -> None:
    if RuntimeParam is not None and callable(getattr(core, "build_runtime_param", None)):
        setattr(core, "build_runtime_param", plain_runtime_param)  # noqa: B010 (patching typer)
