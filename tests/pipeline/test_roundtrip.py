"""The round trip proves rendered text equals the plan, and fails loudly when it does not."""

from __future__ import annotations

import pytest

from generator.errors import RoundTripError
from generator.pipeline import hcl
from generator.pipeline.load import load_documents
from generator.pipeline.roundtrip import verify_round_trip
from generator.pipeline.run import build_document
from tests.helpers import MINIMAL_SPEC, TODAY


def built():  # type: ignore[no-untyped-def]
    doc = load_documents(MINIMAL_SPEC, "cluster.yaml")[0]
    return build_document(doc, "cluster.yaml", today=TODAY)


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("min_size       = 2", "min_size       = 3", "min_size: expected 2, read 3"),
    ('kubernetes_version = "1.34"', 'kubernetes_version = "1.33"', "kubernetes_version"),
    ("enable_irsa = true", "enable_irsa = false", "enable_irsa"),
    ("  enable_irsa = true\n", "", "enable_irsa: missing from the rendered text"),
    ("  enable_irsa = true\n", "  enable_irsa = true\n  extra = 1\n", "extra: in the rendered text but not"),
    ('version = "21.19.0"', 'version = "21.19.0', "does not parse"),
])
def test_tampered_text_is_caught(old: str, new: str, fragment: str) -> None:
    result = built()
    files = dict(result.files)
    assert old in files["eks.tf"]
    files["eks.tf"] = files["eks.tf"].replace(old, new, 1)
    with pytest.raises(RoundTripError, match=r"eks\.tf") as info:
        verify_round_trip(result.plan, files)
    assert fragment in str(info.value)


def test_untampered_text_passes() -> None:
    result = built()
    verify_round_trip(result.plan, result.files)


# --- the expected side is independent of hcl.quote (issue 14, item 16) ------------------------------

SIGIL_SPEC = MINIMAL_SPEC + """\
  addons:
    vpc-cni:
      configuration: {env: {BANNER: "${not_a_reference} and \\ttab \\"q\\" \\u200b"}}
"""


def _broken_quote(text: str) -> str:
    """hcl.quote with the sigil doubling lost: `${` is left live in the output."""
    return ORIGINAL_QUOTE(text).replace("$${", "${").replace("%%{", "%{")


ORIGINAL_QUOTE = hcl.quote


def _render_sigils() -> object:
    doc = load_documents(SIGIL_SPEC, "cluster.yaml")[0]
    return build_document(doc, "cluster.yaml", today=TODAY)


def test_sigils_round_trip_when_escaping_is_right() -> None:
    result = _render_sigils()
    assert '$${not_a_reference}' in result.files["eks.tf"]  # type: ignore[attr-defined]


def test_round_trip_fails_when_escaping_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl, "quote", _broken_quote)
    with pytest.raises(RoundTripError, match=r"eks\.tf: rendered text differs from the plan"):
        _render_sigils()
