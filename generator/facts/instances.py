"""EC2 instance facts: syntax, architecture, accelerators and ENI limits for max pods."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Every EC2 instance type name matches this (facts/eks-limits.md, from botocore's enum).
INSTANCE_TYPE_PATTERN = re.compile(
    r"[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|metal(-\d+xl)?|\d*xlarge)", re.ASCII
)
# Accelerated families that need a GPU/accelerator AMI (NVIDIA: g*, p*; Neuron: inf*, trn*).
GPU_FAMILY = re.compile(r"(p\d+|g\d+|gr\d+)[a-z]*(-[a-z0-9]+)?")
NEURON_FAMILY = re.compile(r"(inf|trn)\d[a-z-]*")
# Graviton families carry a `g` processor letter after the generation: m7g, c6gn, r8gd, t4g; a1 too.
ARM_FAMILY = re.compile(r"(a1|[a-z]+\d+g[a-z]*)")


# instance-info.jsonl as amazon-eks-ami ships it, then the types it lacks (see data/SOURCES.md).
ENI_FILES = ("instance-info.jsonl", "instance-supplement.jsonl")


@dataclass(frozen=True)
class EniLimits:
    enis: int
    ips_per_eni: int


def family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


def is_valid_name(instance_type: str) -> bool:
    return INSTANCE_TYPE_PATTERN.fullmatch(instance_type) is not None


def is_gpu(instance_type: str) -> bool:
    fam = family(instance_type)
    # g*g families (g5g) are Graviton with NVIDIA GPUs: still GPU.
    return GPU_FAMILY.fullmatch(fam) is not None


def is_neuron(instance_type: str) -> bool:
    return NEURON_FAMILY.fullmatch(family(instance_type)) is not None


def is_arm(instance_type: str) -> bool:
    fam = family(instance_type)
    if is_gpu(instance_type):
        return fam.startswith("g5g")
    return ARM_FAMILY.fullmatch(fam) is not None


@cache
def eni_table() -> dict[str, EniLimits]:
    data = resources.files("generator.facts").joinpath("data")
    text = "\n".join(data.joinpath(name).read_text("utf-8") for name in ENI_FILES)
    table = {}
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            table[row["instanceType"]] = EniLimits(row["defaultMaxENIs"], row["ipv4AddressesPerInterface"])
    return table


def max_pods(instance_type: str) -> int | None:
    """Pods per node without prefix delegation: ENIs x (IPs per ENI - 1) + 2 (amazon-eks-ami)."""
    limits = eni_table().get(instance_type)
    if limits is None:
        return None
    return limits.enis * (limits.ips_per_eni - 1) + 2
