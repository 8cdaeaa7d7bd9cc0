"""The round trip proves rendered text equals the plan, and fails loudly when it does not."""

from __future__ import annotations

import pytest

from generator.errors import RoundTripError
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
