"""modules/internals.json: each recorded module version matches a shipped catalog's commit and names
the upstream file and line of every fact, so a module bump must bring its own internals."""

from __future__ import annotations

from typing import Any

import pytest

from generator.terraform import catalogs
from generator.terraform.internals import internals, recorded_versions

SUBMODULE = {"eks": None, "iam": "iam-role-for-service-accounts"}


def _facts(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for k, v in node.items() if isinstance(v, dict) and k != "providers" and not k.startswith("_")]


@pytest.mark.parametrize(("key", "version"), [(k, v) for k in SUBMODULE for v in recorded_versions(k)])
def test_internals_match_the_catalogs_commit(key: str, version: str) -> None:
    recorded = internals(key, version)
    assert recorded is not None
    assert recorded["commit"] == catalogs.load(key, version, SUBMODULE[key])["source"]["commit"]
    facts = [f for fact in _facts(recorded) for f in ([fact] if "file" in fact else _facts(fact))]
    assert facts and all(isinstance(f["file"], str) and isinstance(f["line"], int) for f in facts)


@pytest.mark.parametrize("key", list(SUBMODULE))
def test_every_shipped_catalog_version_has_internals(key: str) -> None:
    assert set(catalogs.versions(key)) <= set(recorded_versions(key))


def test_the_rules_read_the_recorded_keys() -> None:
    eks = internals("eks", "21.19.0")
    assert eks is not None
    assert eks["policy_association_key"]["template"].format(entry_key="team", policy_key="admin_view") == \
        "team_admin_view"
    assert eks["creator_access_entry_key"]["key"] == "cluster_creator"
