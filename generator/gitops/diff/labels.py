"""Risk labels and the Rule type: what one changed field does to a running cluster."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Risk = Literal["in-place", "nodes roll", "one-way", "replace"]
IN_PLACE: Risk = "in-place"
NODES_ROLL: Risk = "nodes roll"
ONE_WAY: Risk = "one-way"
REPLACE: Risk = "replace"
# Mildest first. "replace" ranks above "one-way": it destroys what exists, while a one-way step
# applies without disruption and only removes the way back.
RISK_ORDER: tuple[Risk, ...] = (IN_PLACE, NODES_ROLL, ONE_WAY, REPLACE)
RISK_MEANING: dict[Risk, str] = {
    IN_PLACE: "updated where it stands; workloads keep running",
    NODES_ROLL: "nodes are replaced gradually; pods are evicted and rescheduled",
    ONE_WAY: "applies in place but cannot be undone (or EKS refuses it outright)",
    REPLACE: "destroyed (and recreated if still in the spec); what runs on it is lost or disrupted",
}

@dataclass(frozen=True)
class Rule:
    """What changing one field does: a risk label and why. `unordered`: list order is not a change."""

    risk: Risk
    reason: str
    unordered: bool = False


Classifier = Callable[[Any, Any], Rule]
RuleLike = Rule | Classifier
