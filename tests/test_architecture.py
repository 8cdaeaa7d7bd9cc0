"""The import layering the README's architecture section describes, read from the source with `ast`.

Top to bottom: cli -> api -> gitops -> terraform tools -> pipeline -> shared vocabulary. Every
import counts, lazy (inside a function) and type-only ones included: a lazy import still ties
the modules together, and the old `__version__` cycle was one.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "generator"
MAX_MODULE_LINES = 400

# What any layer may import: no behaviour of its own beyond facts and data types.
SHARED = ("generator.errors", "generator.ir", "generator.version", "generator.paths", "generator.facts")
# Module facts the pipeline reads (catalogs of the pinned upstream modules, their type language).
# ... and Terraform's version-constraint language (required_version).
MODULE_FACTS = ("generator.terraform.catalogs", "generator.terraform.types", "generator.terraform.internals",
                "generator.terraform.registry", "generator.terraform.constraints")
# Pipeline stages in order; a stage imports only earlier ones (model and net are its vocabulary).
PIPELINE_ORDER = ("default_values", "model", "effective", "net", "loadlimits", "load", "overlay", "spec", "awsauth",
                  "defaults", "pins", "keys", "capacity", "checks", "plan", "hcl", "render", "hclread", "parsestore",
                  "parsehelper", "roundtrip", "import_targets", "interface",
                  "layout", "lock", "write", "writegroup", "run", "specfile")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports(module: str) -> frozenset[str]:
    """Every generator module `module` imports (`from pkg import sub` names the submodule)."""
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(modules()[module].read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name) for alias in node.names if alias.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules() else _resolve(node.module))
    found.discard(module)
    return frozenset(name for name in found if name is not None)


def _within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(prefix: str, allowed: tuple[str, ...]) -> list[str]:
    return [f"{m} imports {target}" for m in modules() if _within(m, prefix)
            for target in sorted(imports(m)) if not _within(target, prefix, *allowed)]


def test_the_graph_is_read() -> None:
    """The parser sees real edges (else every layering test below would pass vacuously)."""
    assert "generator.pipeline.plan" in imports("generator.pipeline.run")
    assert "generator.api" in imports("generator.cli.render")
    assert "generator.pipeline.checks.rules" in imports("generator.pipeline.checks.waivers")
    assert "generator.gitops.diff" in imports("generator.upgrade.stages")


def test_no_import_cycle() -> None:
    graph = {m: imports(m) for m in modules()}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_cli_calls_only_the_api() -> None:
    """A command is argument parsing, one `generator.api` call and printing: no pipeline stage, no tool."""
    assert _violations("generator.cli", ("generator.api", "generator.errors", "generator.version")) == []


def test_only_the_cli_imports_the_cli_and_the_api() -> None:
    """cli sits on top, api right below it (the package root re-exports the api lazily)."""
    users = {m: sorted(t for t in imports(m) if _within(t, "generator.cli", "generator.api")) for m in modules()
             if not _within(m, "generator.cli") and m not in ("generator", "generator.__main__")}
    assert {m: found for m, found in users.items() if found} == {}


def test_upgrade_imports_no_layer_above_it() -> None:
    """generator.upgrade plans and commits staged upgrades; it sits between the api and gitops."""
    allowed = (*SHARED, "generator.lockfile", "generator.gitops", "generator.pipeline", "generator.terraform")
    assert _violations("generator.upgrade", allowed) == []


def test_lockfile_imports_no_layer_above_it() -> None:
    """generator.lockfile writes and checks eksgen.lock (pipeline/pins.py reads it at render time)."""
    allowed = (*SHARED, "generator.gitops", "generator.pipeline", "generator.terraform")
    assert _violations("generator.lockfile", allowed) == []


def test_gitops_imports_no_layer_above_it() -> None:
    allowed = (*SHARED, "generator.pipeline", "generator.terraform")
    assert _violations("generator.gitops", allowed) == []


def test_terraform_tools_import_no_layer_above_them() -> None:
    assert _violations("generator.terraform", (*SHARED, "generator.pipeline")) == []


def test_pipeline_imports_only_the_pipeline_and_shared_vocabulary() -> None:
    assert _violations("generator.pipeline", (*SHARED, *MODULE_FACTS)) == []


def _stage(module: str) -> str:
    return module.removeprefix("generator.pipeline.").split(".")[0]


@pytest.mark.parametrize("module", sorted(m for m in modules() if m.startswith("generator.pipeline.")))
def test_pipeline_stages_import_only_earlier_stages(module: str) -> None:
    stage = _stage(module)
    assert stage in PIPELINE_ORDER, f"{module}: add its stage to PIPELINE_ORDER (and the README's architecture)"
    later = [t for t in sorted(imports(module)) if t.startswith("generator.pipeline.") and _stage(t) != stage
             and PIPELINE_ORDER.index(_stage(t)) > PIPELINE_ORDER.index(stage)]
    assert later == []


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_module_over_the_size_limit(module: str) -> None:
    lines = modules()[module].read_text("utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines"


def test_adopt_imports_no_layer_above_it() -> None:
    """The importers read with the pipeline's loader and prove with its stages; nothing above it."""
    assert _violations("generator.adopt", (*SHARED, *MODULE_FACTS, "generator.pipeline")) == []
