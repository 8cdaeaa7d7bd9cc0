"""Instance facts: the ENI table covers every type amazon-eks-ami's eni-max-pods.txt lists."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from generator.facts import instances

# eni-max-pods.txt (amazon-eks-ami 2377b69) values for the types instance-info.jsonl lacks.
ENI_MAX_PODS = {"f1.2xlarge": 58, "f1.4xlarge": 234, "f1.16xlarge": 394, "p3.2xlarge": 58, "p3.8xlarge": 234,
                "p3.16xlarge": 234}


@pytest.mark.parametrize(("instance_type", "pods"), sorted(ENI_MAX_PODS.items()))
def test_supplemented_types_have_eni_max_pods_values(instance_type: str, pods: int) -> None:
    assert instances.max_pods(instance_type) == pods


def test_supplement_only_adds_types_upstream_lacks() -> None:
    data = resources.files("generator.facts").joinpath("data")
    upstream, extra = ({json.loads(line)["instanceType"] for line in data.joinpath(name).read_text("utf-8").splitlines()
                        if line.strip()} for name in instances.ENI_FILES)
    assert extra == set(ENI_MAX_PODS) and not extra & upstream
