"""Extract a module-interface catalog from a Terraform module directory.

A catalog records what eksgen needs to know about an upstream module: its
Terraform and provider constraints, every input variable (type, default,
nullability) and every output name. The format matches the reference files
in ``shared/upstream/`` plus a ``content_hash`` of the files it was read from.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError

from generator.errors import UsageError
from generator.pipeline.write import atomic_write
from generator.terraform import types

__all__ = ["CatalogError", "extract_catalog", "normalize_type", "write_catalog"]

# Every option is set explicitly because python-hcl2 changed its defaults
# between majors. Heredocs are kept raw (and decoded here) because
# preserve_heredocs=False drops the trailing newline Terraform keeps.
_HCL_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    with_meta=False,
    wrap_objects=False,
    wrap_tuples=False,
    explicit_blocks=True,
    preserve_heredocs=True,
    force_operation_parentheses=False,
    preserve_scientific_notation=False,
    strip_string_quotes=False,
)

_SOURCE_KEYS = ("repo", "ref", "commit", "path")

# python-hcl2 returns a heredoc as its raw source wrapped in double quotes.
_HEREDOC = re.compile(r'\A"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n(.*)"\Z', re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class CatalogError(UsageError, ValueError):
    """A module directory cannot be turned into a catalog (bad input, exit code 2)."""


def extract_catalog(
    module_dir: Path,
    *,
    module: str,
    version: str,
    submodule: str | None = None,
    source: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """Read every ``*.tf`` file directly in ``module_dir`` and return its catalog."""
    files = _read_tf_files(module_dir)
    if not files:
        raise CatalogError(f"no .tf files in {module_dir}")
    docs = [(name, _parse(name, data)) for name, data in files]
    required_version, required_providers = _terraform_settings(docs)
    return {
        "module": module,
        "version": version,
        "submodule": submodule,
        "source": _source(source),
        "required_version": required_version,
        "required_providers": required_providers,
        "variables": _variables(docs),
        "outputs": _outputs(docs),
        "content_hash": _content_hash(files),
    }


def write_catalog(catalog: dict[str, Any], path: Path) -> None:
    """Write ``catalog`` as indented UTF-8 JSON, keeping key order, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (json.dumps(catalog, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def normalize_type(text: str) -> str:
    """The canonical one-line form of a type constraint (see `types.normalize_type`)."""
    try:
        return types.normalize_type(text)
    except types.TypeSyntaxError as exc:
        raise CatalogError(str(exc)) from exc


def _read_tf_files(module_dir: Path) -> list[tuple[str, bytes]]:
    """Return (file name, bytes) of each ``*.tf`` file Terraform would load, sorted by name."""
    if not module_dir.is_dir():
        raise CatalogError(f"not a directory: {module_dir}")
    files = [
        (path.name, path.read_bytes())
        for path in module_dir.glob("*.tf")
        if path.is_file() and not _ignored_by_terraform(path.name)
    ]
    return sorted(files, key=lambda item: item[0].encode("utf-8"))


def _ignored_by_terraform(name: str) -> bool:
    """Mirror Terraform's rule for editor and hidden files in a module directory."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def _content_hash(files: list[tuple[str, bytes]]) -> str:
    """Hash the files a catalog was read from.

    SHA-256 over, for each file in ascending order of its UTF-8 file name
    (names are relative to the module directory, i.e. bare file names):
    ``name`` UTF-8, a NUL byte, the decimal byte length of the content in
    ASCII, a NUL byte, then the raw content bytes. Returned as
    ``"sha256:" + lowercase hex``.
    """
    digest = hashlib.sha256()
    for name, data in sorted(files, key=lambda item: item[0].encode("utf-8")):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()


def _parse(name: str, data: bytes) -> dict[str, Any]:
    """Parse one file with python-hcl2, naming the file in any error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{name}: not valid UTF-8: {exc}") from exc
    try:
        doc: dict[str, Any] = hcl2.loads(text, serialization_options=_HCL_OPTIONS)
    except LarkError as exc:
        raise CatalogError(f"{name}: cannot parse: {exc}") from exc
    return doc


def _labelled_blocks(
    docs: list[tuple[str, dict[str, Any]]], kind: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (file name, label, body) for each one-label block of ``kind``."""
    for name, doc in docs:
        for block in doc.get(kind, []):
            for label, body in block.items():
                if label != "__is_block__":
                    yield name, _decode_key(label, f"{name}: {kind} label"), body


def _unique_names(items: Iterator[tuple[str, str, dict[str, Any]]], kind: str) -> dict[str, dict[str, Any]]:
    """Collect blocks by label, rejecting duplicates as Terraform does."""
    found: dict[str, dict[str, Any]] = {}
    for name, label, body in items:
        if label in found:
            raise CatalogError(f"{name}: duplicate {kind} {label!r}")
        found[label] = body
    return found


def _variables(docs: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Return the variable entries, sorted by name."""
    bodies = _unique_names(_labelled_blocks(docs, "variable"), "variable")
    return {name: _variable_entry(name, bodies[name]) for name in sorted(bodies)}


def _variable_entry(name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Describe one variable: canonical type, required, decoded default, nullable."""
    where = f"variable {name!r}"
    nullable = body.get("nullable")
    if nullable is not None and not isinstance(nullable, bool):
        raise CatalogError(f"{where}: nullable must be a literal bool")
    return {
        "type": _variable_type(body.get("type", "any"), where),
        "required": "default" not in body,
        "default": _decode_value(body["default"], where) if "default" in body else None,
        "nullable": nullable,
    }


def _variable_type(value: Any, where: str) -> str:
    """Normalise a variable's type, which python-hcl2 returns as text."""
    if not isinstance(value, str):
        raise CatalogError(f"{where}: type is not a type expression: {value!r}")
    try:
        return normalize_type(value)
    except CatalogError as exc:
        raise CatalogError(f"{where}: {exc}") from exc


def _outputs(docs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Return the output names, sorted."""
    return sorted(_unique_names(_labelled_blocks(docs, "output"), "output"))


def _terraform_settings(
    docs: list[tuple[str, dict[str, Any]]],
) -> tuple[str | None, dict[str, dict[str, str | None]]]:
    """Merge ``required_version`` and ``required_providers`` over all terraform blocks."""
    versions: list[str] = []
    providers: dict[str, dict[str, str | None]] = {}
    for name, doc in docs:
        for block in doc.get("terraform", []):
            if "required_version" in block:
                versions.append(_literal_string(block["required_version"], f"{name}: required_version"))
            for providers_block in block.get("required_providers", []):
                _add_providers(providers, providers_block, name)
    # Terraform requires every constraint to hold, so joining them is exact.
    return (", ".join(versions) if versions else None), providers


def _add_providers(providers: dict[str, dict[str, str | None]], block: dict[str, Any], name: str) -> None:
    """Add each entry of one required_providers block, in source order."""
    for local_name, spec in block.items():
        if local_name == "__is_block__":
            continue
        if local_name in providers:
            raise CatalogError(f"{name}: provider {local_name!r} required twice")
        providers[local_name] = _provider_requirement(spec, f"{name}: provider {local_name!r}")


def _provider_requirement(spec: Any, where: str) -> dict[str, str | None]:
    """Return {source, version}; a bare string is the legacy version-only form."""
    if isinstance(spec, str):
        return {"source": None, "version": _literal_string(spec, where)}
    if not isinstance(spec, dict):
        raise CatalogError(f"{where}: expected an object, got {spec!r}")
    return {
        key: _literal_string(spec[key], f"{where} {key}") if key in spec else None
        for key in ("source", "version")
    }


def _literal_string(value: Any, where: str) -> str:
    """Decode a value that must be a literal string."""
    decoded = _decode_value(value, where)
    if not isinstance(decoded, str):
        raise CatalogError(f"{where}: expected a string, got {decoded!r}")
    return decoded


def _source(source: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """Return the source record with exactly the keys repo, ref, commit, path."""
    given = dict(source or {})
    unknown = set(given) - set(_SOURCE_KEYS)
    if unknown:
        raise CatalogError(f"unknown source keys: {sorted(unknown)}")
    return {key: given.get(key) for key in _SOURCE_KEYS}


def _decode_value(value: Any, where: str) -> Any:
    """Turn python-hcl2's rendering of a literal into a plain JSON value."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        # Terraform numbers are decimals: 1e3 and 1.0 are the integers 1000 and 1.
        return int(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _decode_string(value, where)
    if isinstance(value, list):
        return [_decode_value(item, where) for item in value]
    if isinstance(value, dict):
        return {_decode_key(key, where): _decode_value(item, where) for key, item in value.items()}
    raise CatalogError(f"{where}: unexpected value {value!r}")


def _decode_key(key: str, where: str) -> str:
    """Decode an object key: quoted string, or bare identifier/number taken literally."""
    if key.startswith('"'):
        return _decode_string(key, where)
    if key.startswith("${"):
        raise CatalogError(f"{where}: object key is not a literal: {key}")
    return unicodedata.normalize("NFC", key)


def _decode_string(text: str, where: str) -> str:
    """Decode a quoted string or heredoc as Terraform would, rejecting expressions."""
    heredoc = _HEREDOC.match(text)
    if heredoc is not None:
        value = _decode_heredoc(heredoc.group(1) == "-", heredoc.group(2), heredoc.group(3), where)
    elif len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        value = _decode_quoted(text[1:-1], where)
    else:
        raise CatalogError(f"{where}: not a literal value: {text}")
    # Terraform stores every string in NFC.
    return unicodedata.normalize("NFC", value)


def _decode_quoted(body: str, where: str) -> str:
    """Decode the inside of a quoted string; python-hcl2 accepts line breaks Terraform rejects."""
    if "\n" in body or "\r" in body:
        raise CatalogError(f"{where}: quoted string spans lines")
    return _decode_template(body, where, escapes=True)


def _decode_heredoc(flush: bool, marker: str, rest: str, where: str) -> str:
    """Decode a raw heredoc (text after the opening line, closing marker included).

    Each content line keeps its own line ending, so a CRLF file keeps its CRs as in Terraform.
    """
    lines = rest.split("\n")
    if lines.pop().strip(" \t") != marker:
        raise CatalogError(f"{where}: malformed heredoc")
    if flush:
        lines = _flush_lines(lines)
    return _decode_template("".join(line + "\n" for line in lines), where, escapes=False)


def _flush_lines(lines: list[str]) -> list[str]:
    """Strip the common indentation as ``<<-`` does; blank lines neither count nor change."""
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] if line.strip() else line for line in lines]


def _decode_template(body: str, where: str, *, escapes: bool) -> str:
    """Resolve backslash escapes (quoted strings only) and ``$${``/``%%{``; reject templates."""
    out: list[str] = []
    pos = 0
    while pos < len(body):
        char = body[pos]
        if escapes and char == "\\":
            decoded, pos = _escape(body, pos, where)
            out.append(decoded)
        elif char in "$%" and body.startswith(char * 2 + "{", pos):
            out.append(char + "{")
            pos += 3
        elif char in "$%" and body.startswith(char + "{", pos):
            raise CatalogError(f"{where}: template interpolation is not a literal value")
        else:
            out.append(char)
            pos += 1
    return "".join(out)


def _escape(body: str, pos: int, where: str) -> tuple[str, int]:
    """Decode the backslash escape at ``pos``; return its text and the next position."""
    kind = body[pos + 1 : pos + 2]
    if kind in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[kind], pos + 2
    width = {"u": 4, "U": 8}.get(kind)
    digits = body[pos + 2 : pos + 2 + width] if width else ""
    if width is None or not re.fullmatch(r"[0-9A-Fa-f]+", digits) or len(digits) != width:
        raise CatalogError(f"{where}: invalid escape sequence {body[pos : pos + 2]!r}")
    code = int(digits, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise CatalogError(f"{where}: escape {body[pos : pos + 2 + width]!r} is not a character")
    return chr(code), pos + 2 + width
