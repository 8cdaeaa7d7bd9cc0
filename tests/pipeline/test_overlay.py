"""`extends` overlays: merge rules as a table, positions from the right file, cycles refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.api import load_spec, render_spec
from generator.errors import Issue, SpecInvalid
from generator.pipeline.overlay import MAX_EXTENDS_DEPTH, deep_merge, overrides
from tests.helpers import MINIMAL_SPEC, TODAY, write_spec


@pytest.mark.parametrize(("base", "overlay", "merged"), [
    ({"a": 1}, {"b": 2}, {"a": 1, "b": 2}),
    ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}, {"a": {"x": 1, "y": 3}}),
    ({"a": [1, 2, 3]}, {"a": [4]}, {"a": [4]}),  # lists replace, never append
    ({"a": [{"name": "g", "x": 1}]}, {"a": [{"name": "g"}]}, {"a": [{"name": "g"}]}),
    ({"a": {"x": 1}}, {"a": 5}, {"a": 5}),  # a scalar replaces a mapping
    ({"a": 5}, {"a": {"x": 1}}, {"a": {"x": 1}}),
    ({"a": {"x": 1}}, {"a": None}, {"a": None}),  # null resets to unset (the default applies)
    ({"a": {"b": {"c": 1, "d": 2}}}, {"a": {"b": {"d": 3, "e": 4}}}, {"a": {"b": {"c": 1, "d": 3, "e": 4}}}),
    ({}, {"a": {"b": 1}}, {"a": {"b": 1}}),
])
def test_merge_rules(base: dict[str, Any], overlay: dict[str, Any], merged: dict[str, Any]) -> None:
    assert deep_merge(base, overlay) == merged


@pytest.mark.parametrize(("base", "overlay", "changed"), [
    ({"a": 1}, {"a": 1}, []),
    ({"a": 1}, {"a": 2}, [("a",)]),
    ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}, "extends": "b.yaml"}, [("a", "y")]),
    ({"a": [1]}, {"a": [1, 2]}, [("a",)]),
    ({}, {"n": {"m": 1}}, [("n", "m")]),
])
def test_overrides_report_changed_leaves(base: dict[str, Any], overlay: dict[str, Any],
                                         changed: list[tuple[str, ...]]) -> None:
    assert overrides(base, overlay) == changed


def fleet(tmp_path: Path, overlay: str) -> Path:
    write_spec(tmp_path, MINIMAL_SPEC.replace("name: demo", "name: base").replace("kind: Cluster", "kind: ClusterBase"),
               "base.yaml")
    return write_spec(tmp_path, overlay, "prod.yaml")


def test_overlay_renders_with_base_values(tmp_path: Path) -> None:
    spec = fleet(tmp_path, "extends: base.yaml\nmetadata:\n  name: prod\n  tags: {env: prod}\n")
    result = render_spec(spec, today=TODAY)[0]
    assert result.name == "prod"
    assert 'kubernetes_version = "1.34"' in result.files["eks.tf"]
    assert '"env" = "prod"' in result.files["versions.tf"]
    assert result.result.document.overrides == [("metadata", "name"), ("metadata", "tags", "env")]


def test_errors_point_at_the_file_that_wrote_the_value(tmp_path: Path) -> None:
    spec = fleet(tmp_path, "extends: base.yaml\nmetadata:\n  name: prod\nspec:\n  managedNodeGroups:\n"
                           "    - name: general\n      minSize: 5\n      maxSize: 4\n")
    with pytest.raises(SpecInvalid) as info:
        render_spec(spec, today=TODAY)
    lines = [i.format() for i in info.value.issues if i.severity == "error"]
    assert lines == [f"{spec}:8:7 managedNodeGroups[0].maxSize: error EKS053: must be >= minSize (5)"]
    warnings = [i.format() for i in info.value.issues if i.severity == "warning"]
    assert any(w.startswith("base.yaml:7:3 kubernetesVersion") or "base.yaml:7:3" in w for w in warnings), warnings


@pytest.mark.parametrize(("files", "message"), [
    ({"prod.yaml": "extends: prod.yaml\n"}, "extends cycle"),
    ({"prod.yaml": "extends: a.yaml\n", "a.yaml": "kind: ClusterBase\nextends: prod.yaml\n"}, "extends cycle"),
    ({"prod.yaml": "extends: a.yaml\n", "a.yaml": "kind: Cluster\n"}, "a.yaml is not a base: a base spec says kind"),
    ({"prod.yaml": "extends: missing.yaml\n"}, "cannot read base spec missing.yaml"),
    ({"prod.yaml": "extends: 42\n"}, "must be the path of a base spec file"),
    ({"prod.yaml": "extends: two.yaml\n", "two.yaml": "a: 1\n---\nb: 2\n"}, "must hold exactly one document"),
])
def test_bad_extends(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        write_spec(tmp_path, text, name)
    with pytest.raises(SpecInvalid, match=message):
        load_spec(tmp_path / "prod.yaml")


BASE_SPEC = MINIMAL_SPEC.replace("kind: Cluster", "kind: ClusterBase")


def chain(tmp_path: Path, levels: int) -> Path:
    """f0.yaml is a whole spec; each f<k>.yaml extends f<k-1>.yaml: f<levels>.yaml has `levels` of extends."""
    write_spec(tmp_path, BASE_SPEC, "f0.yaml")
    for k in range(1, levels + 1):
        kind = "kind: ClusterBase\n" if k < levels else ""  # what another file extends is a base
        write_spec(tmp_path, f"{kind}extends: f{k - 1}.yaml\n", f"f{k}.yaml")
    return tmp_path / f"f{levels}.yaml"


def test_extends_depth_limit_on_both_sides(tmp_path: Path) -> None:
    (doc,) = load_spec(chain(tmp_path, MAX_EXTENDS_DEPTH))  # at the limit
    assert doc.data["metadata"]["name"] == "demo"
    with pytest.raises(SpecInvalid, match=f"more than {MAX_EXTENDS_DEPTH} levels of extends"):
        load_spec(chain(tmp_path, MAX_EXTENDS_DEPTH + 1))


def test_base_positions_under_a_replaced_value_are_dropped(tmp_path: Path) -> None:
    """The overlay's list replaces the base's: nothing inside it may still point into the base file."""
    base = BASE_SPEC.replace("      minSize: 2\n", "      minSize: 2\n      labels: {team: base}\n")
    write_spec(tmp_path, base, "base.yaml")
    spec = write_spec(tmp_path, "extends: base.yaml\nspec:\n  managedNodeGroups:\n    - name: general\n"
                                "      amiType: AL2023_ARM_64_STANDARD\n", "prod.yaml")
    (doc,) = load_spec(spec)
    groups = ("spec", "managedNodeGroups")
    under = {loc: pos for loc, pos in doc.positions.items() if loc[:2] == groups}
    assert sorted(under) == [groups, (*groups, 0), (*groups, 0, "amiType"), (*groups, 0, "name")]
    assert {pos.file or doc.file for pos in under.values()} == {doc.file}
    assert not [loc for loc in doc.scalars if loc[:2] == groups and loc[3:4] in (("labels",), ("minSize",))]
    # A finding about a field only the base wrote points at the overlay's group, not into the base file.
    issue = doc.issue(Issue((*groups, 0, "labels"), "x"))
    assert issue.format() == f"{spec}:4:7 managedNodeGroups[0].labels: x"


def test_base_positions_stay_where_the_overlay_merges(tmp_path: Path) -> None:
    write_spec(tmp_path, BASE_SPEC, "base.yaml")
    spec = write_spec(tmp_path, "extends: base.yaml\nmetadata:\n  tags: {env: prod}\n", "prod.yaml")
    (doc,) = load_spec(spec)
    region = doc.positions[("metadata", "region")]
    assert (region.file, region.line) == (str(tmp_path / "base.yaml"), 5)
    assert doc.positions[("metadata", "tags")].line == 3 and not doc.positions[("metadata", "tags")].file
