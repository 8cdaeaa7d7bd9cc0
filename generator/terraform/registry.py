"""The module registry (modules/index.json): every upstream module eksgen can call, as data.

A pin is one versioned upstream release line (`terraform.modules.<pin>` in the spec): its
registry address and default version. A module is one callable (sub)module of a pin: the
outputs eksgen references, stub values for offline runs, and, per argument the plan emits,
the spec path it comes from. Plan, interface check, stubs, static checks, versions block,
defaults and schema all read this one file, so bumping a release is a catalog import plus
one `version` line, and adding a module is a registry entry plus its catalog.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from generator.paths import shipped_dir

REGISTRY_FILE = "index.json"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class Pin(_Data):
    registry: str  # e.g. terraform-aws-modules/eks/aws
    version: str  # the default, written into every spec that does not pin one
    catalog: str  # the catalog file name's key (pod-identity for the podIdentity pin)


KeyKind = Literal["none", "count", "for_each"]


class ImportTarget(_Data):
    """A resource `render --import-blocks` adopts, at its address inside the module (module calls and the
    resource, without instance keys) with the key kind of each step, read from the pinned source."""

    address: str  # e.g. module.eks_managed_node_group.aws_eks_node_group.this
    keys: tuple[KeyKind, ...]  # one per step of the address: count -> [0], for_each -> ["key"]
    source: str  # upstream release, file and line


class ImportResources(_Data):
    """What the stubs need to declare the import targets: each resource type's required arguments
    (`block.argument` for a required nested block) and their types, from the AWS provider's schema."""

    source: str
    required: dict[str, dict[str, str]]


class Module(_Data):
    pin: str
    submodule: str | None
    required_providers: tuple[str, ...]
    outputs: tuple[str, ...]  # the outputs the plan references
    stub_outputs: dict[str, str]  # output -> Terraform expression the interface stub returns
    arguments: dict[str, str]  # argument -> spec path (relative to `spec`, or `metadata.*`)
    import_targets: tuple[ImportTarget, ...] = ()


class Resource(_Data):
    """A resource eksgen writes itself, as the AWS provider documents it."""

    required: dict[str, str]  # argument -> Terraform type
    optional: dict[str, str]
    attributes: tuple[str, ...]
    stub_outputs: dict[str, str]  # attribute -> expression of the stub module standing in for it
    arguments: dict[str, str]  # argument -> spec path, as for modules


class Registry(_Data):
    pins: dict[str, Pin]  # keyed like `terraform.modules` in the spec
    modules: dict[str, Module]
    resources: dict[str, Resource]
    import_resources: ImportResources

    def source(self, key: str) -> str:
        """The `source` of a module block: the registry address, `//modules/<sub>` for a submodule."""
        module = self.modules[key]
        base = self.pins[module.pin].registry
        return f"{base}//modules/{module.submodule}" if module.submodule else base

    def by_source(self, source: str) -> str | None:
        """The module key whose block has this `source`; None for a source eksgen does not call."""
        return next((key for key in self.modules if self.source(key) == source), None)

    def catalog_key(self, key: str, version: str) -> tuple[str, str, str | None]:
        """(catalog name, version, submodule) of a module at a version, as `catalogs.load` takes it."""
        module = self.modules[key]
        return self.pins[module.pin].catalog, version, module.submodule

    def by_catalog(self, catalog: str, submodule: str | None) -> str | None:
        """The module key read from this catalog (a pin's catalog name and a submodule, or None for the root)."""
        return next((key for key, module in self.modules.items()
                     if self.pins[module.pin].catalog == catalog and module.submodule == submodule), None)

    def default_versions(self) -> dict[str, str]:
        return {name: pin.version for name, pin in self.pins.items()}

    def spec_path(self, key: str, argument: str) -> str | None:
        return self.modules[key].arguments.get(argument)

    def versions_by_module(self, pinned: dict[str, str]) -> dict[str, str]:
        """Module key -> version, from the version of each pin (a submodule shares its pin's)."""
        return {key: pinned[module.pin] for key, module in self.modules.items()}


@cache
def registry() -> Registry:
    path = shipped_dir("modules") / REGISTRY_FILE
    return Registry.model_validate_json(path.read_text("utf-8"))
