"""Escaping: every string reaches HCL escaped and reads back identical, through python-hcl2
and, as the exact second oracle, through real Terraform."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ir import Call, Heredoc, Obj, Ref
from generator.pipeline import hcl
from generator.pipeline.checks.strings import text_problem
from generator.pipeline.roundtrip import hcl2_view, parse

TRICKY = [
    'say "hi"',
    "back\\slash",
    "${var.secret}",
    "%{ if true }x%{ endif }",
    "$${already}",
    "$$5 and 50%",
    "line1\nline2",
    "cr\rlf",
    "tab\there",
    "café",
    "cafe\u0301",
    "emoji 😀 and 𝄞",
    "zero\u200bwidth",
    "bidi \u202e override",
    "nul\x00byte",
    "bell\x07",
    "\u2028line sep",
    "",
    " ",
    "~}",
    "${x}$${y}%{z}",
]


def read_back(text: str) -> object:
    return parse("x = " + hcl.quote(text) + "\n")["x"]


# What python-hcl2 8.1.4 reads back where it differs from the text: it keeps escaped sigil runs as written
# (Terraform itself reads every one of these back exactly: see the oracle tests below). Written out by
# hand, so neither hcl.quote nor the round trip's model (hcl2_view) computes its own expectation.
PYTHON_HCL2_READS = {
    "${var.secret}": "$${var.secret}",
    "%{ if true }x%{ endif }": "%%{ if true }x%%{ endif }",
    "$${already}": "$$${already}",
    "${x}$${y}%{z}": "$${x}$$${y}%%{z}",
}


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_round_trip_through_python_hcl2(text: str) -> None:
    expected = PYTHON_HCL2_READS.get(text, text)
    assert read_back(text) == expected
    assert hcl2_view(text) == expected  # the round trip's model of python-hcl2 agrees


@pytest.mark.parametrize(("text", "quoted"), [
    ('a"b', '"a\\"b"'),
    ("a\\b", '"a\\\\b"'),
    ("${x}", '"$${x}"'),
    ("%{x}", '"%%{x}"'),
    ("$5", '"$5"'),
    ("a\nb\tc\rd", '"a\\nb\\tc\\rd"'),
    ("\u200b", '"\\u200b"'),
    ("\U000e0001", '"\\U000e0001"'),
    ("😀", '"😀"'),
    ("team-0001 10.0.0.0/16 arn:aws:iam::1:role/x", '"team-0001 10.0.0.0/16 arn:aws:iam::1:role/x"'),
    ("", '""'),
    ("$", '"$"'),
    ("100%", '"100%"'),
    ("a\u2028b\u2029", '"a\\u2028b\\u2029"'),  # line and paragraph separators: no raw line breaks
    ("\u00a0x", '"\\u00a0x"'),  # a no-break space is not printable to Python
])
def test_quote_matches_hclwrite_rules(text: str, quoted: str) -> None:
    assert hcl.quote(text) == quoted


def test_view_without_sigils_is_the_value_itself() -> None:
    for text in TRICKY:
        if "${" not in text and "%{" not in text:
            assert hcl2_view(text) == text


ANY_TEXT = st.text(alphabet=st.one_of(st.sampled_from(list('${}%"\\\n\t\r~ ')),
                                      st.characters(blacklist_categories=("Cs",))), max_size=24)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(ANY_TEXT)
def test_any_accepted_free_text_survives_python_hcl2(text: str) -> None:
    problem = text_problem(text, free=True)
    if problem is not None:
        # Free text is refused only for a `${`/`%{` with no `}` after it (python-hcl2 cannot read that back)
        # and for text Terraform would normalise to NFC on reading (surrogates are not generated).
        unclosed = any("}" not in text[i + 2:] for i in range(len(text) - 1) if text[i:i + 2] in ("${", "%{"))
        assert unclosed or not unicodedata.is_normalized("NFC", text), problem
        return
    # A neighbouring attribute proves the string did not swallow the rest of the file.
    parsed = parse("x = " + hcl.quote(text) + '\ny = "}"\n')
    sigils = "${" in text or "%{" in text
    assert parsed == {"x": hcl2_view(text) if sigils else text, "y": "}"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_identifier_text_is_rejected_or_exact(text: str) -> None:
    """Outside free text, anything accepted reads back as itself: no sigils, no invisibles."""
    plain = (unicodedata.is_normalized("NFC", text) and "${" not in text and "%{" not in text
             and not any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in text))
    problem = text_problem(text, free=False)
    if problem is None:
        assert plain
        assert read_back(text) == text
    else:
        assert not plain, problem  # refused only for invisibles, controls, surrogates, non-NFC or sigils


def test_nested_values_render_fmt_style() -> None:
    value = Obj.of(a=1, bbb=[1, 2], c=Obj.of(d="x"), e={"k.io/x": "v"}, f=Ref("module.vpc.vpc_id"),
                   g=Call("jsonencode", ({"env": {"A": "1"}},)))
    text = "v = " + hcl.literal(value) + "\n"
    assert text.splitlines()[1:3] == ["  a   = 1", "  bbb = [1, 2]"]
    assert parse(text)["v"]["e"] == {"k.io/x": "v"}
    assert parse(text)["v"]["f"] == "${module.vpc.vpc_id}"


def test_keywords_and_odd_keys_are_quoted() -> None:
    assert hcl.key("for", bare=True) == '"for"'
    assert hcl.key("1abc", bare=True) == '"1abc"'
    assert hcl.key("vpc-cni", bare=True) == "vpc-cni"
    assert hcl.key("vpc-cni", bare=False) == '"vpc-cni"'


def test_comment_text_cannot_break_out_of_a_comment() -> None:
    assert "\n" not in hcl.comment("spec.yaml\nresource x {}")
    # Every non-printable character becomes "?"; printable text (any script) is kept as it is.
    assert hcl.comment("spec.yaml\nx\ty\x07 é 名") == "spec.yaml?x?y? é 名"


def test_a_call_with_a_multiline_argument_ends_the_aligned_run() -> None:
    """terraform fmt aligns only single-line neighbours: a call spanning lines breaks the run."""
    value = Obj.of(a=1, bb=Call("jsonencode", (Obj.of(x=1),)), ccc=2, dddd=Call("max", (1, 2)))
    assert ("v = " + hcl.literal(value)).splitlines() == [
        "v = {", "  a = 1", "  bb = jsonencode({", "    x = 1", "  })", "  ccc  = 2", "  dddd = max(1, 2)", "}",
    ]


def test_values_without_an_hcl_literal_are_refused_by_type() -> None:
    with pytest.raises(TypeError, match=r"^no HCL literal for set$"):
        hcl.literal(cast(Any, {1, 2}))


def test_terraform_reads_every_tricky_string_exactly(tmp_path: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    """Real Terraform as the exact oracle: apply a provider-free module, read outputs back."""
    samples = [t for t in TRICKY if text_problem(t, free=True) is None]
    body = "".join(f'output "s{i}" {{\n  value = {hcl.quote(t)}\n}}\n' for i, t in enumerate(samples))
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        done = terraform.run(args, tmp_path)
        assert done.returncode == 0, done.stderr
    out = terraform.run(["output", "-json"], tmp_path)
    values = {k: v["value"] for k, v in json.loads(out.stdout).items()}
    for index, text in enumerate(samples):
        # Terraform normalises strings to NFC (shared/facts/hcl-escaping.md).
        assert values[f"s{index}"] == unicodedata.normalize("NFC", text), text


def _random_texts(count: int, seed: int) -> list[str]:
    """Deterministic random strings over the characters escaping cares about, plus any code point."""
    import random

    rng = random.Random(seed)
    alphabet = [*'${}%"\\\n\t\r~ aZ\u00e9\u200b\u202e\x00\x07\x1b', "\U0001f600", "\U000e0001"]
    texts = []
    while len(texts) < count:
        text = "".join(rng.choice(alphabet) if rng.random() < 0.8 else chr(rng.choice(
            [rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0x10FFFF)])) for _ in range(rng.randint(0, 12)))
        if text_problem(text, free=True) is None:
            texts.append(text)
    return texts


def test_terraform_reads_random_accepted_strings_exactly(tmp_path: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    samples = _random_texts(60, seed=20261125)
    body = "".join(f'output "s{i}" {{\n  value = {hcl.quote(t)}\n}}\n' for i, t in enumerate(samples))
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        done = terraform.run(args, tmp_path)
        assert done.returncode == 0, done.stderr
    values = {k: v["value"] for k, v in json.loads(terraform.run(["output", "-json"], tmp_path).stdout).items()}
    for index, text in enumerate(samples):
        assert values[f"s{index}"] == unicodedata.normalize("NFC", text), repr(text)
        assert parse("x = " + hcl.quote(text) + "\n")["x"] == hcl2_view(text)  # and python-hcl2 agrees


# --- Heredocs: multi-line documents (the nodeadm NodeConfig) ------------------------------------

HEREDOCS = [
    "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    flags:\n      - --a=b\n",
    "one line\n",
    "a\n\n  indented after a blank\n",
    "EOT\n  EOT\nEOT_\n",  # lines equal to the marker: the marker changes
    "${live} and $${escaped} and %{ if x } and %%{y}\n",
    'back\\slash \\n "quotes" ~}\n',
    "trailing spaces   \nx\n",
]


@pytest.mark.parametrize("text", [
    "no final newline", "tab\there\n", "bell\x07\n", "  all\n  indented\n", "\n", "cr\r\n", "a\n   \nb\n",
])
def test_a_heredoc_holds_only_what_it_can_write_exactly(text: str) -> None:
    with pytest.raises(ValueError, match="heredoc"):
        Heredoc(text)


@pytest.mark.parametrize("indent", ["", "    ", "          "])
@pytest.mark.parametrize("text", HEREDOCS)
def test_heredocs_read_back_identical_through_python_hcl2(text: str, indent: str) -> None:
    rendered = f"{indent}x = {hcl.literal(Heredoc(text), indent)}\n"
    assert hcl.read_heredoc(parse(rendered)["x"]) == text


@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
                .filter(lambda line: "\t" not in line and line.isprintable() and (line.strip() or not line)),
                min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_any_writable_heredoc_reads_back_identical(lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in ["head", *lines])
    rendered = f"  x = {hcl.literal(Heredoc(text), '  ')}\n"
    assert hcl.read_heredoc(parse(rendered)["x"]) == text


@pytest.mark.parametrize(("text", "marker"), [
    ("EOTX\n", "EOT"), ("EOT\n", "EOT_"), ("  EOT  \nEOT_\n", "EOT__"),
])
def test_a_heredoc_marker_never_equals_a_content_line(text: str, marker: str) -> None:
    rendered = hcl.literal(Heredoc(text))
    assert rendered.startswith(f"<<-{marker}\n") and rendered.endswith(f"\n{marker}")
    assert hcl.read_heredoc(rendered) == text


def test_a_live_interpolation_in_a_heredoc_is_not_read_as_text() -> None:
    assert hcl.read_heredoc("<<-EOT\n  ${var.x}\nEOT") is None
    assert hcl.read_heredoc('"not a heredoc"') is None


def test_terraform_reads_every_heredoc_exactly(tmp_path: Path, terraform) -> None:  # type: ignore[no-untyped-def]
    """Real Terraform as the oracle for `<<-` dedenting, the final newline and the sigils; fmt leaves them."""
    body = "".join(f'output "h{i}" {{\n  value = {hcl.literal(Heredoc(t), "  ")}\n}}\n'
                   for i, t in enumerate(HEREDOCS))
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    fmt = terraform.run(["fmt", "-check", "-diff", "-no-color", "."], tmp_path)
    assert fmt.returncode == 0, fmt.stdout
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        done = terraform.run(args, tmp_path)
        assert done.returncode == 0, done.stderr
    values = {k: v["value"] for k, v in json.loads(terraform.run(["output", "-json"], tmp_path).stdout).items()}
    assert [values[f"h{i}"] for i in range(len(HEREDOCS))] == HEREDOCS


# --- floats: positional notation, the only spelling python-hcl2 reads back as a number -------------

@pytest.mark.parametrize(("value", "text"), [
    (1.5, "1.5"), (2.0, "2.0"), (-0.5, "-0.5"), (0.00001, "0.00001"), (1e16, "10000000000000000"),
    (123456.789, "123456.789"), (1e-7, "0.0000001"),
])
def test_floats_render_in_positional_notation_and_read_back(value: float, text: str) -> None:
    assert hcl.number(value) == text
    assert hcl.literal(value) == text
    assert parse(f"x = {text}\n")["x"] == value


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_have_no_literal(value: float) -> None:
    with pytest.raises(ValueError, match="has no HCL literal"):
        hcl.number(value)
