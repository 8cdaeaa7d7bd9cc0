"""Checking a rendered root module on disk: eksgen's own static checks on the text, then
real Terraform (`fmt -check`, `init`, `validate`) offline against interface stubs or,
with `online`, against the real registry modules.

The static checks cover what `terraform validate` cannot: object keys Terraform would
silently drop, references to module outputs, provider requirements, and literal strings
with a live `${`. Module arguments and references are checked by the interface checker
(`pipeline/interface.py`) on the blocks read back from the text, exactly as for the plan.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import EnvironmentProblem
from generator.ir import Attr, Block, Expr, Group, Value
from generator.pipeline.import_targets import target_problem
from generator.pipeline.interface import (
    META_ARGUMENTS,
    Catalog,
    argument_problems,
    reference_problems,
    resource_problems,
)
from generator.pipeline.plan.imports import IMPORTS_FILE
from generator.pipeline.roundtrip import parse
from generator.terraform import catalogs
from generator.terraform.registry import registry
from generator.terraform.runner import Terraform, aws_provider_mirror
from generator.terraform.stubs import stub_root

LIVE_TEMPLATE = re.compile(r"(?<![$%])[$%]\{")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    message: str
    source: str  # "eksgen" or "terraform"

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message} [{self.source}]"


def _value(parsed: Any) -> Value:
    """python-hcl2 output back to plan values; expressions stay opaque."""
    if isinstance(parsed, str) and parsed.startswith("${") and parsed.endswith("}"):
        return Expr(parsed[2:-1])
    if isinstance(parsed, dict):
        return {str(k): _value(v) for k, v in parsed.items() if k != "__is_block__"}
    if isinstance(parsed, list):
        return [_value(v) for v in parsed]
    result: Value = parsed
    return result


BLOCK_MARKER = "__is_block__"


def _line_of(text: str, pattern: str, after: int = 0) -> int | None:
    """1-based line of the first match of `pattern` at or after line `after`."""
    offset = 0
    for _ in range(max(after - 1, 0)):
        offset = text.find("\n", offset) + 1
    match = re.compile(pattern, re.M).search(text, offset)
    return text.count("\n", 0, match.start()) + 1 if match else None


def static_findings(root: Path) -> list[Finding]:
    findings: list[Finding] = []
    parsed: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    for tf in sorted(root.glob("*.tf")):
        texts[tf.name] = tf.read_text("utf-8")
        try:
            parsed[tf.name] = parse(texts[tf.name])
        except Exception as exc:
            findings.append(Finding(tf.name, None, f"does not parse: {str(exc).splitlines()[0]}", "eksgen"))
    modules: dict[str, tuple[str, str, str | None]] = {}
    for name, doc in parsed.items():
        for label, body in _module_blocks(doc):
            key = registry().by_source(str(body.get("source")))
            version = str(body.get("version"))
            if key is None or version not in catalogs.versions(registry().catalog_key(key, version)[0]):
                continue
            modules[label] = registry().catalog_key(key, version)
            findings.extend(_module_findings(name, texts[name], label, body, modules[label]))
    resources = frozenset(f"{kind}.{label}" for doc in parsed.values() for entry in doc.get("resource", [])
                          for kind, labelled in entry.items() for label in labelled)
    for name, doc in parsed.items():
        findings.extend(_import_findings(name, texts[name], doc, modules, resources))
        findings.extend(_resource_findings(name, texts[name], doc))
        findings.extend(_reference_findings(name, texts[name], doc, modules))
        findings.extend(_template_findings(name, texts[name], doc))
    findings.extend(_provider_findings(parsed, modules))
    return findings


def _import_findings(file: str, text: str, doc: dict[str, Any], modules: dict[str, Catalog],
                     resources: frozenset[str]) -> Iterator[Finding]:
    """Each import block's `to` against the registry's import targets (Terraform cannot check a root-module
    target: it could generate its configuration)."""
    keys = {label: registry().by_catalog(catalog[0], catalog[2]) for label, catalog in modules.items()}
    for entry in doc.get("import", []):
        to = str(entry.get("to", "")).removeprefix("${").removesuffix("}")
        problem = target_problem(to, keys, resources)
        if problem:
            yield Finding(file, _line_of(text, rf"^\s*to\s*=\s*{re.escape(to)}\s*$"), problem, "eksgen")


def _resource_findings(file: str, text: str, doc: dict[str, Any]) -> Iterator[Finding]:
    """The one resource eksgen writes is checked like a module call (pipeline.interface)."""
    for entry in doc.get("resource", []):
        for kind, labelled in entry.items():
            for label, body in labelled.items():
                attrs = [Attr(k, _value(v)) for k, v in body.items() if k not in META_ARGUMENTS and k != "__is_block__"]
                line = _line_of(text, rf'^resource\s+"{re.escape(kind)}"\s+"{re.escape(label)}"')
                for problem in resource_problems(Block("resource", (kind, label), [Group(attrs)])):
                    yield Finding(file, line, problem, "eksgen")


def _module_blocks(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for entry in doc.get("module", []):
        yield from entry.items()


def _as_blocks(kind: str, entry: dict[str, Any], labels: tuple[str, ...] = ()) -> Iterator[Block]:
    """python-hcl2's form of one block (labels nest as one-key dicts) as plan blocks."""
    if entry.get(BLOCK_MARKER):
        body: list[Group | Block] = [Group([Attr(name, _value(value)) for name, value in entry.items()
                                            if name != BLOCK_MARKER and not _is_blocks(value)])]
        body += [b for name, value in entry.items() if _is_blocks(value) for item in value
                 for b in _as_blocks(name, item)]
        yield Block(kind, labels, body)
        return
    for label, inner in entry.items():
        if isinstance(inner, dict):
            yield from _as_blocks(kind, inner, (*labels, str(label)))


def _is_blocks(value: Any) -> bool:
    """A list python-hcl2 made of nested blocks (as opposed to an attribute's list of objects)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and _is_block(v) for v in value)


def _is_block(entry: dict[str, Any]) -> bool:
    if BLOCK_MARKER in entry:
        return True
    inner = next(iter(entry.values()), None) if len(entry) == 1 else None
    return isinstance(inner, dict) and _is_block(inner)


def _module_findings(file: str, text: str, label: str, body: dict[str, Any], catalog: Catalog) -> Iterator[Finding]:
    for block in _as_blocks("module", body, (label,)):
        for arg, problem in argument_problems(block, catalog):
            line = _line_of(text, rf"^\s*{re.escape(arg)}\s*=")
            nested = re.match(r"[^:]*\.([a-z0-9_]+): ", problem)
            where = _line_of(text, rf"^\s*{nested.group(1)}\s*=", line or 0) if nested else None
            yield Finding(file, where or line, problem, "eksgen")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _reference_findings(file: str, text: str, doc: dict[str, Any], modules: dict[str, Catalog]) -> Iterator[Finding]:
    for kind, entries in doc.items():
        if kind == "import":  # `to` is an address inside a module (checked by the round trip's interface check)
            continue
        for block in (b for entry in entries if isinstance(entry, dict) for b in _as_blocks(kind, entry)):
            for reference, problem in reference_problems(block, modules, unknown_modules=False):
                yield Finding(file, _line_of(text, re.escape(reference)), problem, "eksgen")


def _template_findings(file: str, text: str, doc: dict[str, Any]) -> Iterator[Finding]:
    for string in _strings(doc):
        if string.startswith("${") and string.endswith("}"):
            continue
        if LIVE_TEMPLATE.search(string):
            yield Finding(file, _line_of(text, re.escape(string[:20])),
                          f"literal string {string!r} contains a live template sequence; write $${{ or %%{{",
                          "eksgen")


def _provider_findings(parsed: dict[str, dict[str, Any]],
                       modules: dict[str, tuple[str, str, str | None]]) -> Iterator[Finding]:
    declared: dict[str, str] = {}
    for doc in parsed.values():
        for block in doc.get("terraform", []):
            for providers in block.get("required_providers", []):
                for name, req in providers.items():
                    if isinstance(req, dict):
                        declared[name] = str(req.get("source"))
    for catalog in set(modules.values()):
        for name, req in catalogs.load(*catalog)["required_providers"].items():
            if name not in declared:
                yield Finding("versions.tf", None, f"required_providers lacks {name!r} ({req['source']} "
                              f"{req['version']}), which {catalog[0]} {catalog[1]} requires", "eksgen")


def terraform_findings(root: Path, terraform: Terraform, *, online: bool = False) -> list[Finding]:
    findings = []
    fmt = terraform.run(["fmt", "-check", "-list=true", "-no-color", "."], root)
    for name in fmt.stdout.split():
        findings.append(Finding(name, None, "not terraform fmt canonical", "terraform"))
    with tempfile.TemporaryDirectory(prefix="eksgen-validate-") as tmp:
        work = Path(tmp) / "root"
        if online:
            shutil.copytree(root, work, ignore=shutil.ignore_patterns(".eksgen", ".terraform*"))
        # An import block's `to` is checked by Terraform only against declared resources, which need the
        # AWS provider: where a local mirror has it, the stubs declare the targets (stubs.py).
        mirror = None if online or not (root / IMPORTS_FILE).is_file() else aws_provider_mirror()
        if not online:
            stub_root(root, work, import_targets=mirror is not None)
        plugin_dir = [f"-plugin-dir={mirror}"] if mirror else []
        init = terraform.run(["init", "-backend=false", "-input=false", "-no-color", *plugin_dir], work)
        if init.returncode != 0 and online:  # downloads modules and providers: the network's verdict, not ours
            raise EnvironmentProblem(f"terraform init could not fetch the registry modules: {_one_line(init.stderr)}",
                                     "--online needs network access to registry.terraform.io and the provider "
                                     "registry; without it, drop --online to validate against interface stubs")
        if init.returncode != 0:
            return [*findings, Finding(".", None, "terraform init failed: " + _one_line(init.stderr), "terraform")]
        done = terraform.run(["validate", "-json", "-no-color"], work)
        findings.extend(_diagnostics(done.stdout, root))
    return findings


def _one_line(text: str) -> str:
    """Terraform's boxed diagnostics as one line: the `Error:` summaries and their locations."""
    lines = [line.strip(" │╷╵") for line in text.splitlines()]
    picked = [line for line in lines if line.startswith("Error:") or line.startswith("on ")]
    return "; ".join(picked or [line for line in lines if line][-3:])[:800]


def _diagnostics(stdout: str, root: Path) -> Iterator[Finding]:
    try:
        report = json.loads(stdout)
    except ValueError:
        yield Finding(".", None, f"terraform validate printed no JSON: {stdout[:400]}", "terraform")
        return
    for diag in report.get("diagnostics", []):
        if diag.get("severity") != "error":
            continue
        rng = diag.get("range") or {}
        file = rng.get("filename", ".")
        line = (rng.get("start") or {}).get("line")
        message = f"{diag.get('summary')}: {diag.get('detail', '')}".strip().rstrip(":")
        spec = _spec_path(root / file, line)
        yield Finding(file, line, message + (f" (spec: {spec})" if spec else ""), "terraform")


MODULE_HEADER = re.compile(r'^module "[^"]+" \{')
SOURCE_ARGUMENT = re.compile(r'^  source\s*=\s*"([^"]+)"')


def _spec_path(path: Path, line: int | None) -> str | None:
    """The spec path behind the module argument at `line` (the registry's `arguments`), where there is one."""
    if line is None or not path.is_file():
        return None
    lines = path.read_text("utf-8").splitlines()
    argument = None
    for index in range(min(line, len(lines)) - 1, -1, -1):
        match = re.match(r"^  ([a-z_]+)\s*=", lines[index])
        if argument is None and match:
            argument = match.group(1)
        if MODULE_HEADER.match(lines[index]):
            return _argument_spec_path(lines[index:], argument) if argument else None
    return None


def _argument_spec_path(block: list[str], argument: str) -> str | None:
    for text in block[1:]:
        if text.startswith("}"):
            break
        source = SOURCE_ARGUMENT.match(text)
        if source:
            key = registry().by_source(source.group(1))
            return registry().spec_path(key, argument) if key else None
    return None
