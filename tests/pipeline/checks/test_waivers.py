"""The waiver rules (EKS090, EKS091) of generator/pipeline/checks/waivers.py (rows: tests/helpers.py Row)."""

from __future__ import annotations

import pytest

from tests.helpers import (
    REASON,
    Row,
    assert_nearest_valid_is_quiet,
    assert_rule_fires,
    issues_of,
    params,
    row,
    show,
    spec,
    where,
    with_waivers,
)

ROWS = [
    row("unknown-rule", "EKS090", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "unknown rule 'EKS999' (see `eksgen rules`)", waivers=(("EKS999", REASON),)),
    row("not-waivable", "EKS090", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "EKS053 cannot be waived", waivers=(("EKS053", REASON),)),
    row("empty-reason", "EKS090", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n"),
        "20:7 waivers[0].reason", "give the reason the finding is accepted", waivers=(("EKS080", ""),)),
    row("blank-reason", "EKS090", spec(append="  endpoint:\n    public: true\n"),
        spec(append="  endpoint:\n    public: true\n"),
        "20:7 waivers[0].reason", "give the reason the finding is accepted", waivers=(("EKS080", "   "),)),
    row("unused", "EKS091", spec(), spec(append="  endpoint:\n    public: true\n"),
        "17:7 waivers[0].rule", "EKS080 has no finding to waive", waivers=(("EKS080", REASON),)),
]


@pytest.mark.parametrize("case", params(ROWS, needs_finding=True))
def test_rule_fires(case: Row) -> None:
    assert_rule_fires(case)


@pytest.mark.parametrize("case", params(ROWS, needs_finding=False))
def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
    assert_nearest_valid_is_quiet(case)



# --- waivers, one by one ------------------------------------------------------------------------------

PUBLIC = spec(append="  endpoint:\n    public: true\n")  # EKS080, a waivable warning


def test_waiver_for_unknown_rule_is_an_error() -> None:
    issues = issues_of(with_waivers(PUBLIC, (("EKS080", REASON), ("EKS999", REASON))))
    assert [(i.rule, i.severity, where(i)) for i in issues] == [("EKS090", "error", "21:7 waivers[1].rule")]


def test_unused_waiver_is_a_warning() -> None:
    issues = issues_of(with_waivers(spec(), (("EKS080", REASON),)))
    assert [(i.rule, i.severity, where(i)) for i in issues] == [("EKS091", "warning", "17:7 waivers[0].rule")]


def test_waiver_with_empty_reason_is_an_error_and_waives_nothing() -> None:
    issues = issues_of(with_waivers(PUBLIC, (("EKS080", ""),)))
    assert sorted((i.rule, i.severity) for i in issues) == [("EKS080", "warning"), ("EKS090", "error")]


def test_waiver_waives_every_finding_of_its_rule() -> None:
    text = spec(append="  endpoint:\n    public: true\n    publicCidrs: [0.0.0.0/0, 0.0.0.0/0]\n")
    assert [i.rule for i in issues_of(text)].count("EKS080") == 2
    assert issues_of(with_waivers(text, (("EKS080", REASON),))) == []


def test_waiver_leaves_other_rules_alone() -> None:
    text = spec(append="  endpoint:\n    public: true\n  logging:\n    types: [api]\n")
    issues = issues_of(with_waivers(text, (("EKS080", REASON),)))
    assert [i.rule for i in issues] == ["EKS082"]




WARNINGS_UNDER_ERROR_RULES = [
    pytest.param(spec(append="  vpcCni:\n    prefixDelegation: true\n  addons:\n    coredns: {}\n"), id="EKS014"),
    pytest.param(spec({14: "      maxSize: 451"}), id="EKS063"),
    pytest.param(spec({12: "      instanceTypes: [zz9.large]"}), id="EKS064"),
]


@pytest.mark.parametrize("text", WARNINGS_UNDER_ERROR_RULES)
def test_every_warning_can_be_waived(text: str) -> None:
    warned = sorted({i.rule for i in issues_of(text) if i.severity == "warning" and i.rule})
    assert warned
    issues = issues_of(with_waivers(text, tuple((rule, REASON) for rule in warned)))
    assert issues == [], show(issues)
