"""Properties over generated ClusterConfigs: eksctl's size rules, node placement and volumes carry over,
and every generated ClusterConfig imports to a spec that validates and renders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.adopt.eksctl.helpers import at, attempt, clusterconfig

TYPES = ["m5.large", "m6i.xlarge", "c6g.large", "r6i.2xlarge", "t3.medium"]


@st.composite
def node_groups(draw: st.DrawFn) -> tuple[dict[str, object], bool]:
    sizes: dict[str, object] = {}
    desired = draw(st.none() | st.integers(1, 20))
    low = draw(st.none() | st.integers(0, desired if desired is not None else 20))
    floor = low if low is not None else (desired if desired is not None else 2)  # eksctl's minSize default
    high = draw(st.none() | st.integers(max(floor, desired or 1, 1), 40))
    for key, value in (("desiredCapacity", desired), ("minSize", low), ("maxSize", high)):
        if value is not None:
            sizes[key] = value
    group: dict[str, object] = {"name": "ng", "instanceType": draw(st.sampled_from(TYPES)), **sizes}
    if draw(st.booleans()):
        group["privateNetworking"] = draw(st.booleans())
    if draw(st.booleans()):
        group["volumeSize"] = draw(st.integers(20, 2000))
    if draw(st.booleans()):
        group["labels"] = {"team": draw(st.sampled_from(["a", "b-c", "x.y"]))}
    return group, draw(st.booleans())


def _yaml(group: dict[str, object]) -> str:
    import json

    return "  - " + "\n    ".join(f"{k}: {json.dumps(v)}" for k, v in group.items()) + "\n"


@given(node_groups())
@settings(max_examples=40, deadline=None)
def test_node_group_carries_over(drawn: tuple[dict[str, object], bool]) -> None:
    group, managed = drawn
    kind = "managedNodeGroups" if managed else "nodeGroups"
    outcome = attempt(clusterconfig(f"{kind}:\n{_yaml(group)}"))
    assert outcome.imported is not None, [i.format() for i in outcome.issues]
    written = at(outcome.spec, f"spec.{'managedNodeGroups' if managed else 'selfManagedNodeGroups'}.0")
    desired, low, high = (group.get(k) for k in ("desiredCapacity", "minSize", "maxSize"))
    want_min = low if low is not None else (desired if desired is not None else 2)
    want_max = high if high is not None else max(desired if desired is not None else want_min, 1)
    assert (written["minSize"], written["maxSize"]) == (want_min, want_max)
    assert written["desiredSize"] == (desired if desired is not None else want_min)
    assert written["diskSizeGiB"] == group.get("volumeSize", 80)
    assert (written.get("subnets") == "public") == (not group.get("privateNetworking", False))
    types = written["instanceTypes"] if managed else [written["instanceType"]]
    assert types == [group["instanceType"]]
    assert written["amiType"] == ("AL2023_ARM_64_STANDARD" if group["instanceType"] == "c6g.large"
                                  else "AL2023_x86_64_STANDARD")
    eksctl = {"alpha.eksctl.io/cluster-name": "demo", "alpha.eksctl.io/nodegroup-name": "ng"}
    labels = group.get("labels")
    assert written["labels"] == ({**eksctl, **labels} if isinstance(labels, dict) else eksctl)
