"""Stage 8, interface check: every module argument, nested object keys included, and
every `module.X.Y` reference, against the pinned catalogs in modules/.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from generator.errors import InterfaceError
from generator.ir import Attr, Block, Call, Null, Obj, Plan, Ref, Value
from generator.terraform import catalogs
from generator.terraform.registry import registry
from generator.terraform.types import TfType, conformance, parse_type

META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@cache
def _variable_type(key: str, version: str, submodule: str | None, name: str) -> TfType | None:
    variables = catalogs.load(key, version, submodule)["variables"]
    if name not in variables:
        return None
    return parse_type(variables[name].get("type"))


def _catalog_of(block: Block) -> tuple[str, str, str | None]:
    attrs = {a.name: a.value for a in block.attributes()}
    key = registry().by_source(str(attrs["source"]))
    if key is None:
        raise InterfaceError(f"module {block.labels[0]}: source {attrs['source']} is not in modules/index.json")
    return registry().catalog_key(key, str(attrs["version"]))


def problems(plan: Plan) -> list[str]:
    found: list[str] = []
    modules = {}
    for file in plan.files:
        for block in file.blocks:
            if block.type == "module":
                modules[block.labels[0]] = _catalog_of(block)
    for file in plan.files:
        for block in file.blocks:
            if block.type == "module":
                found.extend(f"{file.name}: {p}" for p in _module_problems(block, modules[block.labels[0]]))
            found.extend(f"{file.name}: {p}" for p in _reference_problems(block, modules))
    return found


def _module_problems(block: Block, catalog: tuple[str, str, str | None]) -> Iterator[str]:
    key, version, sub = catalog
    label = f"module.{block.labels[0]}"
    for attr in block.attributes():
        if attr.name in META_ARGUMENTS:
            continue
        if attr.name == "putin_khuylo":
            yield f"{label}.{attr.name}: eksgen never sets this variable"
        tf_type = _variable_type(key, version, sub, attr.name)
        if tf_type is None:
            yield f"{label}.{attr.name}: not a variable of {key} {version}"
            continue
        if isinstance(attr.value, Null) and catalogs.load(key, version, sub)["variables"][attr.name].get(
                "nullable") is False:
            yield f"{label}.{attr.name}: null given, but the variable is not nullable"
        yield from conformance(attr.value, tf_type, f"{label}.{attr.name}")


def _reference_problems(block: Block, modules: dict[str, tuple[str, str, str | None]]) -> Iterator[str]:
    for attr in _all_attrs(block):
        for ref in _refs(attr.value):
            parts = ref.expr.replace("[", ".[").split(".")
            if parts[0] != "module":
                continue
            target = modules.get(parts[1])
            if target is None:
                yield f"{ref.expr}: no module {parts[1]!r} in the output"
                continue
            outputs = catalogs.load(*target)["outputs"]
            if len(parts) < 3 or parts[2] not in outputs:
                yield f"{ref.expr}: module {parts[1]!r} ({target[0]} {target[1]}) has no such output"


def _all_attrs(block: Block) -> Iterator[Attr]:
    yield from block.attributes()
    for child in block.blocks():
        yield from _all_attrs(child)


def _refs(value: Value) -> Iterator[Ref]:
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Call):
        for arg in value.args:
            yield from _refs(arg)
    elif isinstance(value, Obj):
        for _, v in value.items:
            yield from _refs(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


def check_interfaces(plan: Plan) -> None:
    found = problems(plan)
    if found:
        raise InterfaceError("generated module calls do not match the pinned interfaces:\n" +
                             "\n".join(f"  {p}" for p in found))
