"""Where the shipped templates and catalogs are: inside the wheel, or at the checkout's top level."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def shipped_dir(name: str) -> Path:
    """`templates` or `modules`: force-included into the package by the wheel build."""
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"eksgen installation is incomplete: no {name}/ directory near {PACKAGE_DIR}")
