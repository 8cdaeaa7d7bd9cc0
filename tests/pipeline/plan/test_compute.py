"""The node-group plan (generator/pipeline/plan/compute.py), read back from the rendered eks.tf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from generator.api import render_spec
from tests.helpers import MINIMAL_SPEC, TODAY, write_spec


def managed_group(tmp_path: Path, extra: str) -> dict[str, Any]:
    (result,) = render_spec(write_spec(tmp_path, MINIMAL_SPEC + extra), today=TODAY)
    eks = hcl2.loads(result.result.files["eks.tf"])
    (module,) = [m['"eks"'] for m in eks["module"] if '"eks"' in m]  # python-hcl2 keeps the label's quotes
    groups: dict[str, Any] = module["eks_managed_node_groups"]
    return dict(groups["general"])


def taint_lines(*taints: str) -> str:
    return "      taints:\n" + "".join(f"        - {t}\n" for t in taints)


@pytest.mark.parametrize(("taints", "keys"), [
    (["{key: a, effect: NO_SCHEDULE}"], ["a"]),
    (["{key: a, effect: NO_SCHEDULE}", "{key: b, effect: NO_SCHEDULE}"], ["a", "b"]),
    # One key with two effects: each entry keyed by key and effect, so neither overwrites the other.
    (["{key: a, effect: NO_SCHEDULE}", "{key: a, value: v, effect: NO_EXECUTE}", "{key: b, effect: NO_EXECUTE}"],
     ["a-no_schedule", "a-no_execute", "b"]),
])
def test_taint_map_keys_never_collide(tmp_path: Path, taints: list[str], keys: list[str]) -> None:
    rendered = managed_group(tmp_path, taint_lines(*taints))  # the minimal spec's group continues at indent 6
    assert list(rendered["taints"]) == keys
    effects = [entry["effect"].strip('"') for entry in rendered["taints"].values()]
    assert effects == [t.split("effect: ")[1].rstrip("}") for t in taints]
