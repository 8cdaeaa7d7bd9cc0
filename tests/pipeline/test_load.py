"""The loader never changes what the file spells (issue 13, item 2), checked end to end.

Property: for any YAML document the loader (and the rest of the pipeline) accepts, the tags and
the addon configuration that reach HCL are exactly the scalars the file spells, read the YAML 1.2
way (the only reading that YAML 1.1 and 1.2 parsers share; the loader refuses every spelling on
which they differ). Two independent readers check the rendered HCL:

* HashiCorp's own parser: the npm package @cdktf/hcl2json (Go's hashicorp/hcl compiled to
  WebAssembly), installed by `.ci/run` into .ci/node; one node process serves the whole session.
* python-hcl2 (for strings without `${`/`%{`, which it reads back as written, not decoded).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.errors import SpecInvalid
from generator.pipeline import loadlimits
from generator.pipeline.load import load_documents
from generator.pipeline.run import build_document
from tests.helpers import REPO, TODAY

NODE_MODULES = Path(os.environ.get("EKSGEN_NODE_MODULES", REPO / ".ci" / "node" / "node_modules"))
SERVER = Path(__file__).resolve().parent.parent / "oracles" / "hcl2json_server.js"
MAX_EXACT_FLOAT = 2**53  # hcl2json prints numbers through JavaScript doubles


class HashiCorpHcl:
    """@cdktf/hcl2json over a pipe: HCL text in, the HCL JSON form of its body out."""

    def __init__(self, node: str) -> None:
        self.proc = subprocess.Popen([node, str(SERVER), str(NODE_MODULES)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def parse(self, text: str) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(text) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert "ok" in answer, f"HashiCorp's parser refused eksgen's output: {answer.get('error')}\n{text}"
        return answer["ok"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def hashicorp() -> Iterator[HashiCorpHcl]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: HashiCorp's HCL parser (@cdktf/hcl2json) runs on node; CI has it")
    if not (NODE_MODULES / "@cdktf" / "hcl2json").is_dir():
        pytest.fail(f"@cdktf/hcl2json is missing: npm install --prefix {NODE_MODULES.parent} @cdktf/hcl2json "
                    "(.ci/run does this)")
    oracle = HashiCorpHcl(node)
    yield oracle
    oracle.close()


# Spellings and what YAML 1.2 (core schema) reads them as.
_NULL = re.compile(r"~|null|Null|NULL")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


def yaml12(plain: str) -> Any:
    if _NULL.fullmatch(plain):
        return None
    if plain in _BOOL:
        return _BOOL[plain]
    if _INT.fullmatch(plain):
        return int(plain, 8 if plain.startswith("0o") else 16 if plain.startswith("0x") else 10)
    if _FLOAT.fullmatch(plain):
        special = plain.lower().lstrip("+-")
        if special in (".inf", ".nan"):
            return math.nan if special == ".nan" else -math.inf if plain.startswith("-") else math.inf
        return float(plain)
    return plain


TRICKY = ["on", "off", "yes", "no", "y", "n", "true", "False", "null", "NULL", "~", "010", "0x1F", "0o17", "1_000",
          "1:30", "1e5", "1.0e+16", "0.00001", "-0", "+5", "007", "12", "-3", "1.5", "2026-01-01", ".inf", "=",
          "1.35", "v1", "a-b", "x.y", "0", "9007199254740993"]
plain_text = st.from_regex(r"[A-Za-z0-9_.+~/][A-Za-z0-9_.+~/-]{0,10}", fullmatch=True)
free_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def _quoted(text: str, style: str) -> str:
    """A YAML quoted scalar for `text`: single quotes for printable text, else double quotes with
    escapes for everything YAML does not allow raw in a stream."""
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\ufeff":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


@st.composite
def spelled(draw: st.DrawFn, text: st.SearchStrategy[str] = free_text, tricky: int = 1) -> tuple[str, Any]:
    """(how the file spells a scalar, what YAML 1.2 reads); `tricky` weighs the YAML 1.1 traps."""
    kind = draw(st.sampled_from(["plain", "single", "double", "double"] + ["tricky"] * tricky))
    if kind in ("plain", "tricky"):
        token = draw(plain_text if kind == "plain" else st.sampled_from(TRICKY))
        return token, yaml12(token)
    value = draw(text)
    return _quoted(value, kind if kind == "single" else "double"), value


TAG_TEXT = st.text(st.sampled_from("abcXYZ019 _.:/=+-@é"), min_size=1, max_size=10).filter(
    lambda t: t.strip() == t and not t.lower().startswith("aws:"))
tag_key = st.one_of(st.sampled_from(["on", "yes", "010", "0x1F", "null", "1e5", "true"]).map(lambda t: (t, t)),
                    *[TAG_TEXT.map(lambda t: (_quoted(t, "double"), t))] * 4)
value_strategy = st.recursive(spelled(), lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def _flow(value: Any) -> tuple[str, Any]:
    if isinstance(value, list):
        parts = [_flow(v) for v in value]
        return "[" + ", ".join(p[0] for p in parts) + "]", [p[1] for p in parts]
    spelling, meaning = value
    return str(spelling), meaning


def _document(tags: list[tuple[tuple[str, str], tuple[str, Any]]],
              config: list[tuple[tuple[str, Any], Any]]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    text = ("apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata:\n  name: demo\n  region: eu-west-1\n"
            + ("  tags:\n" if tags else ""))
    expected_tags: dict[str, Any] = {}
    for (key_spelling, key), (value_spelling, value) in tags:
        text += f"    {key_spelling}: {value_spelling}\n"
        expected_tags.setdefault(key, value)
    text += ('spec:\n  kubernetesVersion: "1.35"\n  managedNodeGroups:\n    - name: general\n      minSize: 2\n'
             "      maxSize: 4\n  addons:\n    coredns:\n      configuration:\n")
    expected_config: dict[str, Any] = {}
    for (key_spelling, key), value in config:
        spelling, meaning = _flow(value)
        text += f"        {key_spelling}: {spelling}\n"
        # A plain number as a key is the key as written (`80:` is "80"), as the loader keeps it.
        expected_config.setdefault(key_spelling if isinstance(key, (int, float)) else key, meaning)
    text += "        zz-end: 1\n"
    expected_config.setdefault("zz-end", 1)
    return text, expected_tags, expected_config


def _unescape_hcl_json(value: Any) -> Any:
    """HCL's JSON form escapes a literal `${`/`%{` as `$${`/`%%{`."""
    if isinstance(value, str):
        return value.replace("$${", "${").replace("%%{", "%{")
    if isinstance(value, list):
        return [_unescape_hcl_json(v) for v in value]
    if isinstance(value, dict):
        return {_unescape_hcl_json(k): _unescape_hcl_json(v) for k, v in value.items()}
    return value


def _same(expected: Any, read: Any) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return type(read) is type(expected) and bool(read == expected)
    if isinstance(expected, (int, float)):
        if isinstance(read, bool) or not isinstance(read, (int, float)):
            return False
        if isinstance(expected, int) and abs(expected) <= MAX_EXACT_FLOAT:
            return bool(read == expected)
        return math.isclose(float(expected), float(read), rel_tol=1e-15)
    if isinstance(expected, list):
        return isinstance(read, list) and len(read) == len(expected) and all(map(_same, expected, read))
    if isinstance(expected, dict):
        return isinstance(read, dict) and read.keys() == expected.keys() and all(
            _same(v, read[k]) for k, v in expected.items())
    return False


def _tags_in(tree: Any) -> Iterator[Any]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "tags" and isinstance(value, dict):
                yield value
            yield from _tags_in(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _tags_in(item)


def _configuration_source(tree: Any) -> str:
    """The argument of `configuration_values = jsonencode(...)`, as HashiCorp's parser saw it."""
    text = json.dumps(tree)
    match = re.search(r'"configuration_values": ("(?:[^"\\]|\\.)*")', text)
    assert match, "no configuration_values in eks.tf"
    expression = json.loads(match.group(1))
    assert expression.startswith("${jsonencode(") and expression.endswith(")}"), expression
    return str(expression[len("${jsonencode("):-2])


def _python_hcl2(text: str) -> Any:
    options = hcl2.SerializationOptions(with_comments=False, strip_string_quotes=True)
    return hcl2.loads(text + "\n", serialization_options=options)


def _no_sigils(value: Any) -> bool:
    return "${" not in json.dumps(value) and "%{" not in json.dumps(value) and "\\" not in json.dumps(value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tags=st.lists(st.tuples(tag_key, spelled(TAG_TEXT, tricky=0)), max_size=3),
       config=st.lists(st.tuples(spelled(tricky=0), value_strategy), min_size=1, max_size=5))
def test_accepted_documents_render_exactly_the_scalars_they_spell(
        hashicorp: HashiCorpHcl, tags: list[tuple[tuple[str, str], tuple[str, Any]]],
        config: list[tuple[tuple[str, Any], Any]]) -> None:
    text, expected_tags, expected_config = _document(tags, config)
    try:
        (doc,) = load_documents(text, "p.yaml")
        result = build_document(doc, "p.yaml", today=TODAY)
    except SpecInvalid:
        event("refused")
        return
    event("accepted")
    versions, eks = result.files["versions.tf"], result.files["eks.tf"]
    if expected_tags:
        read = [_unescape_hcl_json(t) for t in _tags_in(hashicorp.parse(versions))]
        assert any(_same(expected_tags, t) for t in read), (text, read)
        assert any(_same(expected_tags, t) for t in _tags_in(_python_hcl2(versions))), text
    source = _configuration_source(hashicorp.parse(eks))
    read_config = _unescape_hcl_json(hashicorp.parse(f"v = {source}\n")["v"])
    assert _same(expected_config, read_config), (text, read_config)
    if _no_sigils(expected_config):
        assert _same(expected_config, _python_hcl2(f"v = {source}")["v"]), text


@pytest.mark.parametrize(("spelling", "meaning"), [
    ("on", "on"), ("010", 10), ("0x1F", 31), ("1e5", 100000.0), ("~", None), ("True", True), ("1_000", "1_000"),
    ("2026-01-01", "2026-01-01"), (".inf", math.inf), ("-0", 0), ("a.b", "a.b"),
])
def test_the_yaml_1_2_reading_the_property_checks_against(spelling: str, meaning: Any) -> None:
    assert yaml12(spelling) == meaning and type(yaml12(spelling)) is type(meaning)


def _flat(items: int, documents: int = 1) -> str:
    """`documents` documents, each of 3 + `items` values (a mapping, its key, a list and its items)."""
    return "---\n".join("a: [" + ", ".join(["1"] * items) + "]\n" for _ in range(documents))


@pytest.mark.parametrize(("text", "refusal"), [
    (_flat(loadlimits.MAX_VALUES_PER_DOCUMENT - 3), None),
    (_flat(loadlimits.MAX_VALUES_PER_DOCUMENT - 2), "document holds more than 5000 values"),
    ("a: &x [" + ", ".join(["1"] * 99) + "]\nb: [" + ", ".join(["*x"] * 48) + "]\n", None),  # 4,904 values expanded
    ("a: &x [" + ", ".join(["1"] * 99) + "]\nb: [" + ", ".join(["*x"] * 49) + "]\n",
     "more than 5000 values once its aliases are expanded (an alias bomb?)"),
    (_flat(4997, documents=4), None),
    (_flat(4997, documents=4) + "---\na: 1\n", "the file holds more than 20000 values in all"),
    ("a: " + "[" * 63 + "]" * 63 + "\n", None),
    ("a: " + "[" * 64 + "]" * 64 + "\n", "nested more than 64 levels deep"),
    ("a: &s " + "x" * 1_048_000 + "\nb: *s\n", None),
    ("a: &s " + "x" * 1_048_600 + "\nb: *s\n", "more than 2097152 characters of text once its aliases"),
], ids=["values-at-limit", "values-over", "aliased-at-limit", "aliased-over", "file-at-limit", "file-over",
        "depth-at-limit", "depth-over", "text-at-limit", "text-over"])
def test_loader_bounds_both_sides(text: str, refusal: str | None) -> None:
    if refusal is None:
        assert load_documents(text, "b.yaml")
        return
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "b.yaml")
    assert refusal in str(raised.value)


def test_number_keys_are_the_text_as_written() -> None:
    """`80:` and `1.50:` are the keys "80" and "1.50" (not 80 and 1.5): labels and JSON keep them as spelled."""
    (doc,) = load_documents("a:\n  80: x\n  1.50: y\n", "cluster.yaml")
    assert doc.data == {"a": {"80": "x", "1.50": "y"}}
    assert all(type(k) is str for k in doc.data["a"])
