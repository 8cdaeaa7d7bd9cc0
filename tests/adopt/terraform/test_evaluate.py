"""Terraform expressions to values: one row per construct, and what stays unknown (with why)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.adopt.terraform.evaluate import NotLiteral, Scope, decode_string, heredoc_text
from generator.adopt.terraform.source import read_root_module
from generator.adopt.terraform.values import Json, Unknown

LOCALS = """\
locals {
  region   = "eu-west-1"
  vpc_cidr = "10.20.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)
  zones    = ["eu-west-1a", "eu-west-1b"]
  tags     = { Team = "platform", "cost-center" = "42" }
  loop     = local.loop
}

variable "version" {
  default = "1.34"
}

variable "no_default" {
  type = string
}
"""


def value_of(tmp_path: Path, expr: str) -> Any:
    (tmp_path / "main.tf").write_text(LOCALS + f"\nmodule \"m\" {{\n  x = {expr}\n}}\n", "utf-8")
    root = read_root_module(tmp_path)
    scope = Scope(root)
    attr = next(b for b in root.blocks if b.type == "module").attributes["x"]
    return scope.evaluate(attr.expr, attr.where.file)


@pytest.mark.parametrize(("expr", "expected"), [
    ('"plain"', "plain"),
    ("42", 42),
    ("-1", -1),
    ("1.5", 1.5),
    ("true", True),
    ("null", None),
    ("local.region", "eu-west-1"),
    ("var.version", "1.34"),
    ('"${local.region}-x"', "eu-west-1-x"),
    ('"a\\"b\\n\\u00e9"', 'a"b\né'),
    ('"$${literal}"', "${literal}"),
    ('"$${$$${}"', "${$${}"),  # an escaped sigil inside an escaped sigil's run reads as one too
    ('"%%{ %%{ x }"', "%{ %{ x }"),
    ('"%%{literal}"', "%{literal}"),
    ("[for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]", ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]),
    ("[for k, v in local.azs : cidrsubnet(local.vpc_cidr, 8, k + 48)]",
     ["10.20.48.0/24", "10.20.49.0/24", "10.20.50.0/24"]),
    ("[for z in local.zones : z if z != \"eu-west-1b\"]", ["eu-west-1a"]),
    ("{ for k, v in local.tags : lower(k) => v }", {"team": "platform", "cost-center": "42"}),
    ("local.tags[\"cost-center\"]", "42"),
    ("local.zones[1]", "eu-west-1b"),
    ("merge(local.tags, { extra = \"y\" })", {"Team": "platform", "cost-center": "42", "extra": "y"}),
    ("concat(local.zones, [\"c\"])", ["eu-west-1a", "eu-west-1b", "c"]),
    ("length(local.zones) > 1 ? \"many\" : \"one\"", "many"),
    ("format(\"%s-%d\", \"a\", 3)", "a-3"),
    ("cidrsubnets(\"10.0.0.0/16\", 4, 4, 8)", ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"]),
    ("try(data.x.y, \"fallback\")", "fallback"),
    ("jsonencode({ env = { A = \"1\" } })", Json({"env": {"A": "1"}})),
    ("{ \"kubernetes.io/role/elb\" = 1 }", {"kubernetes.io/role/elb": 1}),
])
def test_literal_values(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value_of(tmp_path, expr) == expected


@pytest.mark.parametrize(("expr", "text", "reason"), [
    ("module.vpc.private_subnets", "module.vpc.private_subnets", "another module's output"),
    ("module.vpc.private_subnets[0]", "module.vpc.private_subnets[0]", "another module's output"),
    ("data.aws_caller_identity.current.account_id", "data.aws_caller_identity.current.account_id", "data source"),
    ("var.no_default", "var.no_default", "without a default"),
    ("local.missing", "local.missing", "no such local"),
    ("local.loop", "local.loop", "refers to itself"),
    ("basename(path.cwd)", "basename(path.cwd)", "basename() is not evaluated"),
    ('"ex-${basename(path.cwd)}"', "basename(path.cwd)", "not evaluated"),
])
def test_unknown_values_keep_their_text_and_reason(tmp_path: Path, expr: str, text: str, reason: str) -> None:
    value = value_of(tmp_path, expr)
    assert isinstance(value, Unknown)
    assert text in value.text and reason in value.reason


def test_a_slice_of_unknown_zones_keeps_its_length(tmp_path: Path) -> None:
    zones = value_of(tmp_path, "local.azs")
    assert [z.text for z in zones] == [f"data.aws_availability_zones.available.names[{i}]" for i in range(3)]


def test_an_impossible_subnet_is_unknown_not_a_crash(tmp_path: Path) -> None:
    value = value_of(tmp_path, 'cidrsubnet("10.0.0.0/28", 8, 0)')
    assert isinstance(value, Unknown) and "cidrsubnet()" in value.reason


@pytest.mark.parametrize(("raw", "text"), [
    ('a\\\\b', "a\\b"), ("tab\\there", "tab\there"), ("\\U0001F600", "\U0001F600"), ("none", "none"),
])
def test_decode_string(raw: str, text: str) -> None:
    assert decode_string(raw) == text


def test_heredoc_trim_strips_the_common_indentation() -> None:
    assert heredoc_text("<<-EOT\n    a\n      b\n  EOT\n") == "a\n  b\n"
    assert heredoc_text("<<EOT\n  kept\nEOT\n") == "  kept\n"


@pytest.mark.parametrize(("expr", "expected"), [
    ("!true", False), ("!false", True), ("-(2)", -2), ('"a${1}b"', "a1b"),
    ("<<EOT\n$${x} %%{y}\nEOT", "${x} %{y}\n"),  # escaped sigils in a heredoc are literal text
    ("<<EOT\nEOT", ""),
    ("<<EOT\n$$${{ %%%{{\nEOT", "$${{ %%{{\n"),  # a `$` before an escaped `${` is literal text too
    ("2.0", 2), ("2.5", 2.5),
])
def test_operators_templates_and_heredocs(tmp_path: Path, expr: str, expected: Any) -> None:
    value = value_of(tmp_path, expr)
    assert (value, type(value)) == (expected, type(expected))


@pytest.mark.parametrize(("expr", "text", "reason"), [
    ("count.index", "count.index", "an iteration value"),
    ("each.key", "each.key", "an iteration value"),
    ("path.module", "path.module", "not a value eksgen can resolve"),
    ("data.aws_caller_identity.current.account_id", "data.aws_caller_identity.current.account_id",
     "a data source, read only when Terraform plans"),
    ('"${local.tags}"', '"${local.tags}"', "a string built from values eksgen cannot resolve"),
    ('"${null}"', '"${null}"', "a string built from values eksgen cannot resolve"),
    ('"%{ if true }x%{ endif }"', '"%{ if true }x%{ endif }"', "a template directive"),
    ("<<EOT\n${local.region}\nEOT", "<<EOT\n${local.region}\nEOT\n", "a heredoc with interpolation"),
])
def test_each_unknown_says_exactly_why(tmp_path: Path, expr: str, text: str, reason: str) -> None:
    value = value_of(tmp_path, expr)
    assert isinstance(value, Unknown) and (value.text, value.reason) == (text, reason)


@pytest.mark.parametrize(("raw", "text"), [("\\q", "\\q"), ("\\u00e9x", "\u00e9x"), ("\\U0001F600!", "\U0001F600!")])
def test_decode_string_keeps_an_unknown_escape_and_reads_unicode_ones(raw: str, text: str) -> None:
    assert decode_string(raw) == text


@pytest.mark.parametrize(("expr", "text", "reason"), [
    ("[for z in data.x.names : z]", "[for z in data.x.names : z]",
     "a for expression over values eksgen cannot resolve"),
    ("jsonencode({ a = data.x.y })", "jsonencode({ a = data.x.y })", "jsonencode() of values eksgen cannot resolve"),
    ("local.zones[5]", "local.zones[5]", "no such element"),
    ('local.tags["nope"]', 'local.tags["nope"]', "no such element"),
    ("{ for k, v in local.tags : v => k... }", "{ for k, v in local.tags : v => k... }",
     "a for expression eksgen cannot resolve"),  # grouping
    ("{ for i, z in local.zones : i => z }", "{ for i, z in local.zones : i => z }",
     "a for expression eksgen cannot resolve"),  # a key that is no string
    ('cidrsubnet("10.0.0.0/28", 8, 0)', 'cidrsubnet("10.0.0.0/28", 8, 0)',
     "cidrsubnet(): cannot carve subnet 0 of /36 from 10.0.0.0/28"),
    ("try(data.x.y, data.z.w)", "data.z.w", "a data source, read only when Terraform plans"),  # the last one
])
def test_unknown_expressions_are_located_with_their_reason(tmp_path: Path, expr: str, text: str, reason: str) -> None:
    value = value_of(tmp_path, expr)
    assert isinstance(value, Unknown) and (value.text, value.reason) == (text, reason)
    if expr.startswith("try("):
        return
    assert value.where is not None and (value.where.file, value.where.line) == (str(tmp_path / "main.tf"), 19)


@pytest.mark.parametrize(("expr", "expected"), [
    ("local.tags.Team", "platform"), ('local.tags["cost-center"]', "42"), ("local.zones.0", "eu-west-1a"),
    ('try(data.x.y, "b")', "b"),
])
def test_traversals_by_attribute_key_and_index(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value_of(tmp_path, expr) == expected


@pytest.mark.parametrize(("expr", "expected"), [
    ('"x-${true}-${false}"', "x-true-false"),  # a bool in a string is Terraform's word for it
    ('[for z in local.zones : z if z != "eu-west-1a"]', ["eu-west-1b"]),  # a filtered first item, then the rest
    ('["a", "b"][1]', "b"),  # steps after an expression that is no name
    ("merge(local.tags, {}).Team", "platform"),
    ('concat(local.zones, ["c"])[length(local.zones)]', "c"),  # an index computed by an expression
    ('[["a", "b"]][0][1]', "b"),
    ("{ a = { b = 2 } }.a.b", 2),
    ('["a", "b"].1', "b"),  # the legacy index form, after an expression
])
def test_steps_after_any_expression(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value_of(tmp_path, expr) == expected


@pytest.mark.parametrize(("expr", "text", "reason"), [
    ('1 ? "a" : "b"', '1 ? "a" : "b"', "a condition eksgen cannot decide"),
    ("foo", "foo", "not a value eksgen can resolve"),
    ("{ (true) = 1 }", "(true) = 1", "an object key eksgen cannot resolve"),
    ("{ (local.tags) = 1 }", "(local.tags) = 1", "an object key eksgen cannot resolve"),
    ('["a"][3]', '["a"][3]', "no such element"),
    ("{ a = 1 }.b", "{ a = 1 }.b", "no such element"),
    ("[for t in [local.tags] : t.nope]", "t.nope", "no such element"),  # a step on a for expression's name
    ("local.zones[*]", "local.zones[*]", "full splat expr term is not evaluated by eksgen"),
    ("local.zones.*", "local.zones.*", "attr splat expr term is not evaluated by eksgen"),
    ("try()", "try()", "try() without arguments"),
])
def test_what_stays_unknown_says_why_at_its_line(tmp_path: Path, expr: str, text: str, reason: str) -> None:
    value = value_of(tmp_path, expr)
    assert isinstance(value, Unknown) and (value.text, value.reason) == (text, reason)
    assert value.where is not None and (value.where.file, value.where.line) == (str(tmp_path / "main.tf"), 19)


@pytest.mark.parametrize(("expr", "text"), [
    ("try(data.x.names)[0]", "data.x.names[0]"), ("try(data.x.y).z", "data.x.y.z"),
    ('data.x.tags["cost center"]', 'data.x.tags["cost center"]'), ('data.x.tags["a"]', "data.x.tags.a"),
])
def test_a_step_on_an_unknown_keeps_its_text_and_reason(tmp_path: Path, expr: str, text: str) -> None:
    value = value_of(tmp_path, expr)
    assert isinstance(value, Unknown)
    assert (value.text, value.reason) == (text, "a data source, read only when Terraform plans")


@pytest.mark.parametrize("raw", ["<<EOT\nno closing marker\n", "<<EOT\nx\nEOTX\n", "<EOT\nx\nEOT\n"])
def test_a_heredoc_eksgen_cannot_read_is_not_literal(raw: str) -> None:
    with pytest.raises(NotLiteral) as caught:
        heredoc_text(raw)
    assert (caught.value.text, caught.value.reason) == (raw, "a heredoc eksgen cannot read")


@pytest.mark.parametrize(("raw", "text"), [("\\uZZ", "\\uZZ"), ("\\U0001F60!", "\\U0001F60!"), ("\\u", "\\u")])
def test_a_unicode_escape_without_its_digits_is_kept_as_written(raw: str, text: str) -> None:
    assert decode_string(raw) == text


def test_a_variable_block_without_a_name_does_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable {\n  default = 1\n}\nlocals {\n  a = "x"\n}\n'
                                      'module "m" {\n  x = local.a\n}\n', "utf-8")
    root = read_root_module(tmp_path)
    attr = next(b for b in root.blocks if b.type == "module").attributes["x"]
    assert Scope(root).evaluate(attr.expr, attr.where.file) == "x"


@pytest.mark.parametrize(("expr", "expected"), [
    ("{ else = { a = 1 } }", {"else": {"a": 1}}),  # an access entry named after a role called ELSE
    ("{ if = 1, in = 2, for_each = 3, endif = 4, endfor = 5 }", {"if": 1, "in": 2, "for_each": 3, "endif": 4,
                                                                 "endfor": 5}),
    ('{ d = 1, "b c" = 2, (local.region) = 3 }', {"d": 1, "b c": 2, "eu-west-1": 3}),
])
def test_an_object_key_is_a_name_a_reserved_word_or_an_expression(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value_of(tmp_path, expr) == expected
