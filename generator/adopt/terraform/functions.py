"""The Terraform functions and operators root modules compute literal layouts with, in Python.

Each follows Terraform's documented behaviour for the arguments it takes (`cidrsubnet` with the
`ipaddress` module); any argument eksgen cannot resolve makes the call unresolvable, except where
only the length of an unknown list matters (`slice` of the region's zones).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from generator.adopt.terraform.values import Unknown


class Unresolvable(Exception):
    pass


def _known(*values: Any) -> None:
    for value in values:
        if isinstance(value, Unknown) or (isinstance(value, list) and any(isinstance(v, Unknown) for v in value)):
            raise Unresolvable()


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    _known(prefix, newbits, netnum)
    network = ipaddress.ip_network(str(prefix), strict=False)
    bits, number = _int(newbits), _int(netnum)
    new_prefix = network.prefixlen + bits
    if new_prefix > network.max_prefixlen or not 0 <= number < 2 ** bits:
        raise ValueError(f"cannot carve subnet {number} of /{new_prefix} from {prefix}")
    size = 2 ** (network.max_prefixlen - new_prefix)
    return str(ipaddress.ip_network((int(network.network_address) + number * size, new_prefix)))


def cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    _known(prefix, *newbits)
    network = ipaddress.ip_network(str(prefix), strict=False)
    current = int(network.network_address)
    result = []
    for bits in newbits:
        new_prefix = network.prefixlen + _int(bits)
        size = 2 ** (network.max_prefixlen - new_prefix)
        current = -(-current // size) * size  # each subnet starts at its own alignment
        result.append(str(ipaddress.ip_network((current, new_prefix))))
        current += size
    return result


def slice_(items: Any, start: Any, end: Any) -> list[Any]:
    _known(start, end)
    first, last = _int(start), _int(end)
    if isinstance(items, Unknown):  # the region's zones: their number is known, their names are not
        return [Unknown(f"{items.text}[{i}]", items.reason, items.where) for i in range(first, last)]
    if not isinstance(items, list) or not 0 <= first <= last <= len(items):
        raise ValueError("slice out of range")
    return items[first:last]


def concat(*lists: Any) -> list[Any]:
    if not all(isinstance(item, list) for item in lists):
        raise Unresolvable()
    return [v for item in lists for v in item]


def merge(*maps: Any) -> dict[str, Any]:
    if not all(isinstance(item, dict) for item in maps):
        raise Unresolvable()
    result: dict[str, Any] = {}
    for item in maps:
        result.update(item)
    return result


def length(value: Any) -> int:
    if not isinstance(value, list | dict | str):
        raise Unresolvable()
    return len(value)


def format_(spec: Any, *args: Any) -> str:
    _known(spec, *args)
    if not isinstance(spec, str):
        raise Unresolvable()
    text, values = "", list(args)
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch == "%" and i + 1 < len(spec):
            verb = spec[i + 1]
            if verb == "%":
                text += "%"
            elif verb in "sd" and values:
                value = values.pop(0)
                text += ("true" if value else "false") if isinstance(value, bool) else str(value)
            else:
                raise Unresolvable()
            i += 2
            continue
        text += ch
        i += 1
    return text


def range_(*args: Any) -> list[int]:
    _known(*args)
    return list(range(*(_int(a) for a in args)))


def element(items: Any, index: Any) -> Any:
    _known(index)
    if not isinstance(items, list) or not items:
        raise Unresolvable()
    return items[_int(index) % len(items)]


def _identity(value: Any) -> Any:
    return value


def _string_function(op: Callable[[str], str]) -> Callable[[Any], str]:
    def apply(value: Any) -> str:
        _known(value)
        if not isinstance(value, str):
            raise Unresolvable()
        return op(value)
    return apply


def _coalesce(*values: Any) -> Any:
    _known(*values)
    return next((v for v in values if v is not None and v != ""), None)


def binary(operator: str, left: Any, right: Any) -> Any:
    _known(left, right)
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if operator in ("+", "-", "*", "/", "%") and numbers:
        if operator == "/":
            result = left / right
            return int(result) if float(result).is_integer() else result
        return {"+": left + right, "-": left - right, "*": left * right, "%": left % right}[operator]
    if operator in ("<", ">", "<=", ">=") and numbers:
        return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[operator]
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if operator in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if operator == "&&" else (left or right)
    raise Unresolvable()


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "cidrsubnet": cidrsubnet,
    "cidrsubnets": cidrsubnets,
    "slice": slice_,
    "concat": concat,
    "merge": merge,
    "length": length,
    "format": format_,
    "range": range_,
    "element": element,
    "tolist": _identity,
    "toset": _identity,
    "tomap": _identity,
    "tostring": _identity,
    "tonumber": _identity,
    "lower": _string_function(str.lower),
    "upper": _string_function(str.upper),
    "coalesce": _coalesce,
    "jsonencode": _identity,  # wrapped as Json by the evaluator
}
