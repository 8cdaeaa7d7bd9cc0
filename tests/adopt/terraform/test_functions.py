"""Terraform's functions and operators as eksgen evaluates them (generator/adopt/terraform/functions.py): each
row is Terraform's documented result, both sides of every limit, and what stays unresolvable."""

from __future__ import annotations

from typing import Any

import pytest

from generator.adopt.terraform.functions import FUNCTIONS, Unresolvable, binary
from generator.adopt.terraform.values import Unknown

ZONES = Unknown("data.aws_availability_zones.available.names", "a data source")


def call(name: str, *args: Any) -> Any:
    return FUNCTIONS[name](*args)


@pytest.mark.parametrize(("name", "args", "result"), [
    # cidrsubnet and cidrsubnets: the examples of Terraform's function documentation.
    ("cidrsubnet", ("172.16.0.0/12", 4, 2), "172.18.0.0/16"),
    ("cidrsubnet", ("10.1.2.0/24", 4, 15), "10.1.2.240/28"),
    ("cidrsubnet", ("fd00:fd12:3456:7890::/56", 16, 162), "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ("10.0.0.0/16", 8, 255), "10.0.255.0/24"),  # the last subnet there is
    ("cidrsubnet", ("10.0.0.0/16", 16, 0), "10.0.0.0/32"),  # as deep as IPv4 goes
    ("cidrsubnet", ("10.0.0.0/16", 8.0, 1), "10.0.1.0/24"),  # a whole float is a number
    ("cidrsubnets", ("10.1.0.0/16", 4, 4, 8, 4), ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ("fd00:fd12:3456:7890::/56", 16, 16, 16, 32),
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72",
      "fd00:fd12:3456:7800:300::/88"]),
    ("slice", (["a", "b", "c", "d"], 1, 3), ["b", "c"]),
    ("slice", (["a", "b"], 0, 2), ["a", "b"]),  # the end may be the length
    ("slice", (["a", "b"], 1, 1), []),
    ("concat", (["a", "b"], ["c", "d"], []), ["a", "b", "c", "d"]),
    ("merge", ({"a": "b", "c": "d"}, {"e": "f", "c": "z"}), {"a": "b", "c": "z", "e": "f"}),  # the later wins
    ("length", ([1, 2, 3],), 3), ("length", ({"a": 1},), 1), ("length", ("four",), 4),
    ("format", ("Hello, %s!", "Ander"), "Hello, Ander!"),
    ("format", ("There are %d lights", 4), "There are 4 lights"),
    ("format", ("%s-%s%%", "a", True), "a-true%"),
    ("format", ("%s", False), "false"),
    ("format", ("100%", ), "100%"),  # a final % is a literal
    ("range", (3,), [0, 1, 2]), ("range", (1, 4), [1, 2, 3]), ("range", (1, 8, 2), [1, 3, 5, 7]),
    ("range", (4, 1, -1), [4, 3, 2]),
    ("element", (["a", "b", "c"], 1), "b"), ("element", (["a", "b", "c"], 3), "a"),  # the index wraps around
    ("lower", ("HELLO",), "hello"), ("upper", ("hello",), "HELLO"),
    ("coalesce", ("", None, "b", "c"), "b"), ("coalesce", (None, ""), None),
    ("tolist", (["a"],), ["a"]), ("tomap", ({"a": 1},), {"a": 1}), ("tostring", ("x",), "x"),
    ("jsonencode", ({"a": 1},), {"a": 1}),
])
def test_functions_give_terraforms_results(name: str, args: tuple[Any, ...], result: Any) -> None:
    assert call(name, *args) == result


@pytest.mark.parametrize(("name", "args"), [
    ("cidrsubnet", ("10.0.0.0/16", 8, 256)),  # one past the last subnet
    ("cidrsubnet", ("10.0.0.0/16", 8, -1)),
    ("cidrsubnet", ("10.0.0.0/16", 17, 0)),  # past /32
    ("cidrsubnet", ("10.0.0.0/16", 8.5, 0)),
    ("cidrsubnet", ("10.0.0.0/16", True, 0)),  # a bool is no number
    ("cidrsubnet", ("10.0.0.0/16", "8", 0)),
    ("slice", (["a", "b"], 0, 3)),  # one past the end
    ("slice", (["a", "b"], 2, 1)),
    ("slice", (["a", "b"], -1, 1)),
    ("slice", ("ab", 0, 1)),
    ("range", (1.5,)),
])
def test_arguments_outside_the_functions_domain_are_errors(name: str, args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        call(name, *args)


@pytest.mark.parametrize(("name", "args"), [
    ("cidrsubnet", (ZONES, 8, 0)), ("cidrsubnet", ("10.0.0.0/16", 8, ZONES)),
    ("cidrsubnets", ("10.0.0.0/16", ZONES)),
    ("concat", (["a"], "b")), ("concat", (["a"], ZONES)),
    ("merge", ({"a": 1}, ["b"])), ("length", (5,)), ("length", (ZONES,)),
    ("format", (ZONES,)), ("format", ("%s", ZONES)), ("format", (5,)), ("format", ("%s %s", "a")),
    ("format", ("%q", "a")), ("format", ("%s", ["a", ZONES])),
    ("range", (ZONES,)), ("element", ([], 0)), ("element", ("abc", 0)), ("element", (["a"], ZONES)),
    ("lower", (5,)), ("upper", (ZONES,)), ("coalesce", (ZONES, "a")),
    ("slice", (["a"], ZONES, 1)),
])
def test_what_eksgen_cannot_know_or_compute_is_unresolvable(name: str, args: tuple[Any, ...]) -> None:
    with pytest.raises(Unresolvable):
        call(name, *args)


def test_a_slice_of_unknown_zones_keeps_their_number_and_why() -> None:
    assert call("slice", ZONES, 1, 3) == [
        Unknown("data.aws_availability_zones.available.names[1]", "a data source"),
        Unknown("data.aws_availability_zones.available.names[2]", "a data source")]


@pytest.mark.parametrize(("operator", "left", "right", "result"), [
    ("+", 2, 3, 5), ("-", 2, 3, -1), ("*", 2, 3, 6), ("%", 7, 3, 1), ("+", 1.5, 1, 2.5),
    ("/", 6, 3, 2), ("/", 7, 2, 3.5),  # a whole quotient is a whole number
    ("<", 1, 2, True), ("<", 2, 2, False), ("<=", 2, 2, True), ("<=", 3, 2, False),
    (">", 3, 2, True), (">", 2, 2, False), (">=", 2, 2, True), (">=", 1, 2, False),
    ("==", "a", "a", True), ("==", 1, "1", False), ("!=", "a", "b", True), ("!=", 1, 1, False),
    ("&&", True, False, False), ("&&", True, True, True), ("||", False, True, True), ("||", False, False, False),
])
def test_operators_give_terraforms_results(operator: str, left: Any, right: Any, result: Any) -> None:
    value = binary(operator, left, right)
    assert value == result and type(value) is type(result)


@pytest.mark.parametrize(("operator", "left", "right"), [
    ("+", "a", "b"), ("+", True, 1), ("<", "a", "b"), ("<", 1, True), ("&&", 1, True), ("||", True, "x"),
    ("+", ZONES, 1), ("==", ZONES, "a"), ("^", 1, 2),
])
def test_operators_on_what_terraform_would_refuse_or_eksgen_cannot_know(operator: str, left: Any, right: Any) -> None:
    with pytest.raises(Unresolvable):
        binary(operator, left, right)


def test_every_function_is_listed_once_by_its_terraform_name() -> None:
    assert sorted(FUNCTIONS) == sorted({
        "cidrsubnet", "cidrsubnets", "slice", "concat", "merge", "length", "format", "range", "element", "tolist",
        "toset", "tomap", "tostring", "tonumber", "lower", "upper", "coalesce", "jsonencode"})
