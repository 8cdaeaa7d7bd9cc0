"""Stage 8, interface check: every module argument, nested object keys included, and
every `module.X.Y` reference, against the pinned catalogs in modules/.

The one interface checker: the plan is checked here before anything is written, and the
static checks of a rendered directory (`terraform/static.py`) run the same functions on
the blocks they read back from the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from generator.errors import InterfaceError
from generator.ir import Attr, Block, Call, Expr, Null, Obj, Plan, Ref, Value
from generator.pipeline.import_targets import target_problem
from generator.terraform import catalogs
from generator.terraform.registry import registry
from generator.terraform.types import TfType, conformance, parse_type

META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
MODULE_OUTPUT_REF = re.compile(r"\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")
Catalog = tuple[str, str, str | None]


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
    resources = {f"{b.labels[0]}.{b.labels[1]}": b.labels[0] for f in plan.files for b in f.blocks
                 if b.type == "resource"}
    for file in plan.files:
        for block in file.blocks:
            if block.type == "module":
                found.extend(f"{file.name}: {p}" for _, p in argument_problems(block, modules[block.labels[0]]))
            if block.type == "resource":
                found.extend(f"{file.name}: {p}" for p in resource_problems(block))
            if block.type == "import":  # `to` is an address inside a module, not a reference to an output
                found.extend(f"{file.name}: {p}" for p in import_problems(block, modules, frozenset(resources)))
                continue
            found.extend(f"{file.name}: {p}" for _, p in reference_problems(block, modules))
            found.extend(f"{file.name}: {p}" for p in resource_reference_problems(block, resources))
    return found


def resource_problems(block: Block) -> Iterator[str]:
    """A resource eksgen writes: a known type, every required argument, known arguments of the right type."""
    kind, label = block.labels
    interface = registry().resources.get(kind)
    if interface is None:
        yield f"{kind}.{label}: eksgen writes no resource of this type"
        return
    required, optional = interface.required, interface.optional
    given = {a.name: a.value for a in block.attributes()}
    for name in required:
        if name not in given:
            yield f"{kind}.{label}.{name}: required argument missing"
    for name, value in given.items():
        type_text = required.get(name) or optional.get(name)
        if type_text is None:
            yield f"{kind}.{label}.{name}: not an argument of {kind}"
            continue
        yield from conformance(value, parse_type(type_text), f"{kind}.{label}.{name}")


def import_problems(block: Block, modules: dict[str, Catalog], resources: frozenset[str]) -> Iterator[str]:
    """An import block's `to` names a resource the pinned module really has, with the right instance keys
    (the registry's import_targets), or one of the output's own resources."""
    to = next((a.value for a in block.attributes() if a.name == "to"), None)
    if not isinstance(to, Ref):
        yield f"import {to!r}: not a resource address"
        return
    keys = {label: registry().by_catalog(catalog[0], catalog[2]) for label, catalog in modules.items()}
    problem = target_problem(to.expr, keys, resources)
    if problem:
        yield problem


def resource_reference_problems(block: Block, resources: dict[str, str]) -> Iterator[str]:
    """References to the resources eksgen writes name one that exists and an attribute it has."""
    for attr in _all_attrs(block):
        for ref in _refs(attr.value):
            if not isinstance(ref, Ref):
                continue
            parts = ref.expr.replace("[", ".[").split(".")
            if parts[0] not in registry().resources:
                continue
            kind = resources.get(".".join(parts[:2]))
            if kind is None:
                yield f"{ref.expr}: no resource {'.'.join(parts[:2])!r} in the output"
            elif len(parts) < 3 or parts[2] not in registry().resources[kind].attributes:
                yield f"{ref.expr}: {kind} has no attribute {parts[2] if len(parts) > 2 else ''!r}"


def argument_problems(block: Block, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(argument, problem) for each argument of a module block that its catalog does not accept."""
    key, version, sub = catalog
    label = f"module.{block.labels[0]}"
    for attr in block.attributes():
        if attr.name in META_ARGUMENTS:
            continue
        if attr.name == "putin_khuylo":
            yield attr.name, f"{label}.{attr.name}: eksgen never sets this variable"
        tf_type = _variable_type(key, version, sub, attr.name)
        if tf_type is None:
            yield attr.name, f"{label}.{attr.name}: not a variable of {key} {version}"
            continue
        if isinstance(attr.value, Null) and catalogs.load(key, version, sub)["variables"][attr.name].get(
                "nullable") is False:
            yield attr.name, f"{label}.{attr.name}: null given, but the variable is not nullable"
        yield from ((attr.name, problem) for problem in conformance(attr.value, tf_type, f"{label}.{attr.name}"))


def reference_problems(block: Block, modules: dict[str, Catalog], *,
                       unknown_modules: bool = True) -> Iterator[tuple[str, str]]:
    """(reference, problem) for each `module.X.Y` in the block (nested blocks and expressions included)
    naming a module that is not there (unless `unknown_modules` is off) or an output it does not have."""
    for attr in _all_attrs(block):
        for label, output, text in _module_references(attr.value):
            target = modules.get(label)
            if target is None:
                if unknown_modules:
                    yield text, f"{text}: no module {label!r} in the output"
                continue
            if output is None or output not in catalogs.load(*target)["outputs"]:
                yield text, f"{text}: module {label!r} ({target[0]} {target[1]}) has no such output"


def _module_references(value: Value) -> Iterator[tuple[str, str | None, str]]:
    """(module label, output, reference text) of each module reference in a value."""
    for ref in _refs(value):
        if isinstance(ref, Ref):
            parts = ref.expr.replace("[", ".[").split(".")
            if parts[0] == "module":
                yield parts[1], parts[2] if len(parts) > 2 else None, ref.expr
        else:
            for match in MODULE_OUTPUT_REF.finditer(ref.text):
                yield match.group(1), match.group(2), match.group(0)


def _all_attrs(block: Block) -> Iterator[Attr]:
    yield from block.attributes()
    for child in block.blocks():
        yield from _all_attrs(child)


def _refs(value: Value) -> list[Ref | Expr]:
    """Every reference and expression inside `value`, in the order they are written (a walk with a
    stack: values nest deeply, and this runs over every argument of every plan)."""
    found: list[Ref | Expr] = []
    stack: list[Value] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (Ref, Expr)):
            found.append(item)
        elif isinstance(item, Call):
            stack.extend(reversed(item.args))
        elif isinstance(item, Obj):
            stack.extend(v for _, v in reversed(item.items))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def check_interfaces(plan: Plan) -> None:
    found = problems(plan)
    if found:
        raise InterfaceError("generated module calls do not match the pinned interfaces:\n" +
                             "\n".join(f"  {p}" for p in found))
