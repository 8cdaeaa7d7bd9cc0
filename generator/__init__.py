"""eksgen: one declarative cluster spec in, a proven Terraform root module for Amazon EKS out."""

from __future__ import annotations

__version__ = "0.1.0"

from generator.api import RenderResult, check_spec, render_spec, render_to_directory

__all__ = ["RenderResult", "__version__", "check_spec", "render_spec", "render_to_directory"]
