"""Terraform version constraints (`required_version`): syntax, and whether one admits a version range.

The syntax is HashiCorp go-version's: comma-separated `OP VERSION` terms, OP one of
`= != > >= < <= ~>` (none means `=`), VERSION up to three numbers with an optional pre-release.
"""

from __future__ import annotations

import re

TERM = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?\s*", re.ASCII)
# Every Terraform release so far is 1.x: a constraint must admit one of them at or above the floor.
NEXT_MAJOR = (2, 0, 0)

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    parts = [int(p) for p in text.split(".")] + [0, 0]
    return parts[0], parts[1], parts[2]


def terms(constraint: str) -> list[tuple[str, str]] | None:
    """(operator, version) per term, or None when the text is not a constraint."""
    found = []
    for part in constraint.split(","):
        match = TERM.fullmatch(part)
        if match is None:
            return None
        found.append((match.group(1) or "=", match.group(2)))
    return found


def admits_from(constraint: str, floor: Version) -> bool:
    """True when some 1.x version >= `floor` satisfies every term (`!=` never empties a range)."""
    parsed = terms(constraint)
    if parsed is None:
        return False
    low: tuple[Version, int] = (floor, 0)  # (version, 1 if exclusive)
    high: tuple[Version, int] = (NEXT_MAJOR, 0)  # (version, 1 if inclusive)
    for op, text in parsed:
        version = parse_version(text)
        if op in (">=", ">", "=", "~>"):
            low = max(low, (version, 1 if op == ">" else 0))
        if op in ("<=", "<", "="):
            high = min(high, (version, 1 if op in ("<=", "=") else 0))
        if op == "~>":  # ~> 1.5 allows 1.x from 1.5; ~> 1.5.7 allows 1.5.x from 1.5.7
            count = text.count(".")
            bound = (version[0] + 1, 0, 0) if count <= 1 else (version[0], version[1] + 1, 0)
            high = min(high, (bound, 0))
    return low < high
