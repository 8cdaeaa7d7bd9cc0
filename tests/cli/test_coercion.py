"""cli/coercion.py converts option values as typer itself does: same value and type, same message."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from typer._click import Context
from typer._click.exceptions import ClickException

from generator.cli import coercion
from generator.cli.main import app

TEXT = ["", "x", " spaced ", "0", "-", "a\0b", "ü", "clusters/*.yaml", b"caf\xc3\xa9", 7]
NUMBERS = ["0", "7", "007", "-1", "+3", " 4", "1_000", "_1", "1__0", "1 0", "3.0", "x", "", "٣",
           "99999999999999999999", 2, True]
PATHS = ["", "-", ".", "missing/file.yaml", "a\0b", "~", "dir", "file", "unreadable", Path("file")]


def _parameters() -> list[tuple[str, Any, Any]]:
    """(command path, click context, parameter) for every parameter of every eksgen command."""
    found = []

    def walk(command: Any, path: str) -> None:
        subcommands = getattr(command, "commands", {})
        for name, sub in sorted(subcommands.items()):
            walk(sub, f"{path} {name}".strip())
        if not subcommands:
            for param in command.params:
                if hasattr(param, "type_descriptor"):
                    found.append((f"{path} {param.name}", Context(command), param))

    walk(typer.main.get_command(app), "")
    return found


PARAMETERS = _parameters()


def _values(annotation: Any) -> list[Any]:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return [tuple(v for v in _values(item)[:3]), (), tuple(_values(item)[-2:])]
    if annotation is str:
        return TEXT
    if annotation is int:
        return NUMBERS
    if annotation is bool:
        return [True, False, "true", "false", "0", "", "maybe"]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [*annotation, *(m.value for m in annotation), "JSON", "nope", ""]
    if annotation is Path:
        return PATHS
    return TEXT


def _outcome(convert: Any, value: Any, param: Any, ctx: Any) -> tuple[Any, ...]:
    try:
        result = convert._coerce_value(value, param=param, ctx=ctx)
    except ClickException as exc:
        return ("refused", type(exc).__name__, exc.format_message())
    except Exception as exc:  # a parser's own error reaches the user as typer lets it through
        return ("raised", type(exc).__name__, str(exc))
    return ("converted", type(result), [type(v) for v in result] if isinstance(result, list) else None, result)


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "unreadable").write_text("x")
    (tmp_path / "unreadable").chmod(0)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    (tmp_path / "unreadable").chmod(0o600)


def test_every_parameter_has_the_plain_conversion() -> None:
    """With the typer eksgen pins, every command's options take the fast path (a typer whose internals
    moved fails here, not silently slower)."""
    assert coercion.installed()
    assert len(PARAMETERS) > 40
    kinds = {type(coercion.plain_runtime_param(p.type_descriptor)).__name__ for _, _, p in PARAMETERS}
    assert kinds == {"PlainRuntimeParam"}


@pytest.mark.parametrize(("where", "ctx", "param"), PARAMETERS, ids=[w for w, _, _ in PARAMETERS])
def test_a_value_converts_as_typer_converts_it(where: str, ctx: Any, param: Any, places: Path) -> None:
    descriptor = param.type_descriptor
    plain = coercion.plain_runtime_param(descriptor)
    own = coercion.build_runtime_param(descriptor)
    for value in _values(descriptor.annotation):
        assert _outcome(plain, value, param, ctx) == _outcome(own, value, param, ctx), (where, value)


def test_the_fast_path_decides_the_certain_cases_without_typer() -> None:
    """The cases the module claims: each converted without building typer's adapter (no pydantic)."""
    by_kind: dict[str, Any] = {}
    for _, ctx, param in PARAMETERS:
        annotation = param.type_descriptor.annotation
        kind = annotation.__name__ if isinstance(annotation, type) and not issubclass(annotation, Enum) else "enum"
        by_kind.setdefault("list" if get_origin(annotation) is list else kind, (ctx, param))
    cases = [("str", "x", "x"), ("int", "12", 12), ("int", 12, 12), ("bool", True, True), ("enum", "json", "json"),
             ("Path", "a/b.yaml", Path("a/b.yaml")), ("list", ("a.yaml", "b.yaml"), None)]  # 12: a default
    assert {kind for kind, _, _ in cases} <= set(by_kind), sorted(by_kind)
    for kind, value, expected in cases:
        ctx, param = by_kind[kind]
        descriptor = param.type_descriptor
        coercion._typer_conversions.clear()
        result = coercion.plain_runtime_param(descriptor)._coerce_value(value, param=param, ctx=ctx)
        assert coercion._typer_conversions == {}, kind  # typer's own conversion was never built
        if kind == "list":
            assert [str(r) for r in result] == ["a.yaml", "b.yaml"]
        elif kind == "enum":
            assert isinstance(result, Enum) and result.value == expected
        else:
            assert result == expected and type(result) is type(expected)


VARIANTS = {  # parameters eksgen does not declare today: each must still convert as typer converts it
    "path as str": (Path, {"path_type": str}), "resolved path": (Path, {"resolve_path": True}),
    "dash allowed": (Path, {"allow_dash": True}), "existing path": (Path, {"exists": True}),
    "path parser": (Path, {"parser": lambda v: Path(v + ".x")}), "str parser": (str, {"parser": str.upper}),
    "int parser": (int, {"parser": lambda v: int(v) * 2}), "ranged int": (int, {"min": 1, "max": 5}),
    "int with a minimum": (int, {"min": 1}), "int with a maximum": (int, {"max": 5}),
    "clamped int": (int, {"min": 1, "max": 5, "clamp": True}),
    "any-case choice": (_Colour := Enum("_Colour", {"red": "red", "blue": "blue"}), {"case_sensitive": False}),
    "float": (float, {}), "list of int": (list[int], {}),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_parameter_eksgen_does_not_declare_converts_as_typer_converts_it(variant: str, places: Path) -> None:
    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    annotation, options = VARIANTS[variant]
    descriptor = resolve_type_descriptor(annotation, OptionInfo(**options))
    ctx, param = PARAMETERS[0][1], PARAMETERS[0][2]
    plain, own = coercion.plain_runtime_param(descriptor), coercion.build_runtime_param(descriptor)
    values = ["RED", "red", "3", "9", "0", "2.5", *PATHS, ("1", "2")]
    for value in values:
        assert _outcome(plain, value, param, ctx) == _outcome(own, value, param, ctx), (variant, value)


def test_install_replaces_typer_s_builder_and_nothing_when_typer_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import core

    monkeypatch.setattr(core, "build_runtime_param", coercion.build_runtime_param)
    assert not coercion.installed()
    coercion.install()
    assert coercion.installed() and core.build_runtime_param is coercion.plain_runtime_param
    monkeypatch.delattr(core, "build_runtime_param")
    coercion.install()  # another typer: left as it is
    assert not hasattr(core, "build_runtime_param") and not coercion.installed()
