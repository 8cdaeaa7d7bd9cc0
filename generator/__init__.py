"""eksgen: one declarative cluster spec in, a proven Terraform root module for Amazon EKS out.

The public API is imported lazily so `eksgen --version` and `--help` stay fast.
"""

from __future__ import annotations

from typing import Any

from generator.version import __version__

__all__ = ["RenderResult", "__version__", "check_spec", "render_spec", "render_to_directory"]


def __getattr__(name: str) -> Any:
    if name in ("RenderResult", "check_spec", "render_spec", "render_to_directory"):
        from generator import api

        return getattr(api, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
