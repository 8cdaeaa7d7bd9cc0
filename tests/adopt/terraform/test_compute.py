"""Node-group details read back: pre-bootstrap scripts split into commands that join back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.adopt.terraform.compute import commands


@pytest.mark.parametrize(("script", "expected"), [
    ("a\nb", ["a", "b"]),
    ("a\nu\n", ["a", "u\n"]),  # a command ending in a newline
    ("a\n\nb", ["a\n", "b"]),
    ("x${\ny}\nz", ["x${\ny}", "z"]),  # a template sequence that closes on the next line stays whole
    ("p%{\n}", ["p%{\n}"]),
])
def test_commands(script: str, expected: list[str]) -> None:
    assert commands(script) == expected


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5))
def test_commands_join_back_to_the_script(written: list[str]) -> None:
    script = "\n".join(written)
    found = commands(script)
    assert "\n".join(found) == script
    assert all(found)  # never an empty command (EKS072 refuses those)
