"""Any YAML shaped like a ClusterConfig, eksctl's field names at random places with values of any type:
the import returns a spec or raises SpecInvalid with located issues; it never crashes."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.adopt.eksctl.unsupported import EKSCTL_FIELDS
from generator.errors import SpecInvalid
from tests.adopt.eksctl.helpers import HEAD, run

FIELDS = sorted(EKSCTL_FIELDS - {"apiVersion", "kind", "metadata"})
leaves = st.one_of(st.none(), st.booleans(), st.integers(-3, 100), st.sampled_from(
    ["m5.large", "1.34", "IPv6", "gp3", "NoSchedule", "subnet-0b2512f8c6ae9bf30", "eu-west-1a", "*", "latest",
     "arn:aws:iam::000000000000:role/x", "10.0.0.0/16", "", "Disable", "API"]))
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)), max_leaves=12)


@given(st.dictionaries(st.sampled_from(FIELDS), trees, max_size=5))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_never_a_crash(body: dict[str, object]) -> None:
    text = HEAD + yaml.safe_dump(body, default_flow_style=False) if body else HEAD
    try:
        imported = run(text)
    except SpecInvalid as exc:
        assert exc.issues and all(i.position is not None for i in exc.issues)
        return
    assert imported.text.startswith("# An eksgen spec")
