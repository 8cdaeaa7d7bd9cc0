"""The round trip proves rendered text equals the plan, and fails loudly when it does not.

Each check is shown failing when its half of the comparison is broken: values, types, list lengths,
missing and extra keys, call names and arguments, and references (top level, nested in objects and
inside call arguments).
"""

from __future__ import annotations

import pytest

from generator.errors import RoundTripError
from generator.ir import Call, Heredoc, Obj, Ref
from generator.pipeline import hcl, roundtrip
from generator.pipeline.load import load_documents
from generator.pipeline.roundtrip import differences, expected_file, parse, verify_round_trip
from generator.pipeline.run import ClusterResult, build_document
from tests.helpers import MINIMAL_SPEC, TODAY


def built() -> ClusterResult:
    doc = load_documents(MINIMAL_SPEC, "cluster.yaml")[0]
    return build_document(doc, "cluster.yaml", today=TODAY)


LOG_TYPES = 'enabled_log_types                      = ["api", "audit", "authenticator"]'
KUBECONFIG = '"eu-west-1", module.eks.cluster_name)'


@pytest.mark.parametrize(("file", "old", "new", "fragment"), [
    ("eks.tf", "min_size       = 2", "min_size       = 3", "min_size: expected 2, read 3"),
    ("eks.tf", 'kubernetes_version = "1.34"', 'kubernetes_version = "1.33"', "kubernetes_version"),
    ("eks.tf", "enable_irsa = true", "enable_irsa = false", "enable_irsa"),
    ("eks.tf", "  enable_irsa = true\n", "", "enable_irsa: missing from the rendered text"),
    ("eks.tf", "  enable_irsa = true\n", "  enable_irsa = true\n  extra = 1\n", "extra: in the rendered text but not"),
    ("eks.tf", 'version = "21.19.0"', 'version = "21.19.0', "does not parse"),
    # types: 1 == True in Python, so only the type comparison sees this
    ("eks.tf", "enable_irsa = true", "enable_irsa = 1", "enable_irsa: expected True, read 1"),
    ("eks.tf", "min_size       = 2", 'min_size       = "2"', "min_size: expected 2, read '2'"),
    # list lengths, both ways
    ("eks.tf", LOG_TYPES, LOG_TYPES.replace(', "authenticator"', ""), "enabled_log_types: expected 3 items"),
    ("eks.tf", LOG_TYPES, LOG_TYPES.replace('"authenticator"', '"authenticator", "api"'),
     "enabled_log_types: expected 3 items"),
    # a value nested in an object (the node-group map)
    ("eks.tf", 'instance_types = ["m6i.large"]', 'instance_types = ["m6i.xlarge"]', "instance_types[0]"),
    # references: top level, and as a call argument
    ("eks.tf", "= module.vpc.vpc_id", "= module.vpc.default_vpc_id", "vpc_id: expected '${module.vpc.vpc_id}'"),
    ("outputs.tf", KUBECONFIG, '"eu-west-1", module.eks.cluster_id)', "update-kubeconfig"),
    # call arguments and call names
    ("outputs.tf", KUBECONFIG, '"eu-west-2", module.eks.cluster_name)', "update-kubeconfig"),
    ("outputs.tf", "value       = format(", "value       = formatlist(", "expected a call to format()"),
])
def test_tampered_text_is_caught(file: str, old: str, new: str, fragment: str) -> None:
    result = built()
    files = dict(result.files)
    assert old in files[file]
    files[file] = files[file].replace(old, new, 1)
    with pytest.raises(RoundTripError, match=file.replace(".", r"\.")) as info:
        verify_round_trip(result.plan, files)
    assert fragment in str(info.value)


def test_untampered_text_passes_and_every_file_is_compared() -> None:
    result = built()
    assert result.plan is not None
    verify_round_trip(result.plan, result.files)
    for file in result.plan.files:
        expected = expected_file(file)
        assert expected, f"{file.name}: nothing to compare"
        assert differences(expected, parse(result.files[file.name]), file.name) == []


@pytest.mark.parametrize(("expected", "actual", "fragment"), [
    (True, 1, "expected True, read 1"),
    (1, True, "expected 1, read True"),  # a bool is no number, though 1 == True in Python
    (1, 2.0, "expected 1, read 2.0"),  # Terraform has one number type: 1 and 1.0 are equal, 1 and 2.0 not
    ("1", 1, "expected '1', read 1"),
    ([1, 2], [1, 2, 3], "expected 2 items"),
    ([1, 2, 3], [1, 2], "expected 3 items"),
    ([1], {"a": 1}, "expected 1 items"),
    ({"a": 1}, [1], "expected an object"),
    ({"a": {"b": "${module.vpc.vpc_id}"}}, {"a": {"b": "${module.vpc.vpc_arn}"}}, "v.a.b: expected"),
    (Call("jsonencode", (Obj.of(a=1),)), "${jsonencode({a = 2})}", "v.a: expected 1, read 2"),
    (Call("jsonencode", (Obj.of(a=1),)), "${yamlencode({a = 1})}", "expected a call to jsonencode()"),
    (Call("format", ("%s", Ref("module.eks.cluster_name"))), '${format("%s", module.eks.cluster_id)}',
     "cluster_id"),
    (Call("format", ("%s", "a")), '${format("%s", "b")}', "read '${format(\"%s\", \"b\")}'"),
    # a float python-hcl2 re-serialises inside a call as an expression: the same number, or not
    (1e-05, "${2e-05}", "expected 1e-05, read '${2e-05}'"),
    (1e-05, "${x}", "expected 1e-05"),
    (1, None, "expected 1, read None"),
    (1, [1], "expected 1, read [1]"),
    (Heredoc("a\n"), "<<-EOT\n  b\nEOT", "expected heredoc 'a\\n'"),
    (Heredoc("a\n"), 5, "expected heredoc 'a\\n', read 5"),
])
def test_each_comparison_fails_when_its_half_is_broken(expected: object, actual: object, fragment: str) -> None:
    found = differences(expected, actual, "v")
    assert found and fragment in found[0], found


@pytest.mark.parametrize("value", [
    True, 1, 1.5, "x", [1, "a"], {"a": [True]}, Call("jsonencode", (Obj.of(a=1),)),
    Call("format", ("%s", Ref("module.eks.cluster_name"))),
])
def test_equal_values_have_no_differences(value: object) -> None:
    actual = parse("v = " + hcl.literal(value) + "\n")["v"] if isinstance(value, Call) else value
    assert differences(value, actual, "v") == []


@pytest.mark.parametrize(("expected", "actual"), [
    (1e-05, "${1e-05}"),  # inside a call python-hcl2 writes an exponent float back as an expression
    (1e16, "${1e+16}"),
    (1e16, 10000000000000000),  # one number type: the integer spelling is the same number
    (Heredoc("a\n  b\n"), "<<-EOT\n    a\n      b\n    EOT"),
])
def test_the_same_value_written_another_way_has_no_differences(expected: object, actual: object) -> None:
    assert differences(expected, actual, "v") == []


def test_a_broken_file_names_its_first_twenty_differences_one_per_line() -> None:
    result = built()
    files = dict(result.files)
    assert result.plan is not None
    values = {f"  v{i} = {i}\n" for i in range(25)}
    files["locals.tf"] = files["locals.tf"].replace("locals {\n", "locals {\n" + "".join(sorted(values)), 1)
    with pytest.raises(RoundTripError) as info:
        verify_round_trip(result.plan, files)
    header, *lines = str(info.value).split("\n")
    assert header == "locals.tf: rendered text differs from the plan:"
    # in the order written (the same message on every run, whatever the hash seed)
    assert lines == [f"  locals.tf.locals[0].v{i}: in the rendered text but not in the plan"
                     for i in sorted(range(25), key=str)[:20]]


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


@pytest.mark.parametrize(("text", "read"), [
    ("# header\na = 1\n", "\na = 1\n"),
    ("a = 1\n  # indented, as fmt leaves a comment inside a block\n", "a = 1\n\n"),
    ("a = 1\n\t#\n", "a = 1\n\n"),
    ("a = \"#\" # after a value\n", "a = \"#\" # after a value\n"),  # not a whole-line comment: kept
    ("a = 1\n// other style\n", "a = 1\n// other style\n"),
    ("a = 1", "a = 1"),
])
def test_whole_line_comments_are_blanked_and_lines_kept(text: str, read: str) -> None:
    """Files that differ only in whole-line comments read as one text (one parse shared, one record)."""
    assert roundtrip._without_comment_lines(text) == read
    assert read.count("\n") == text.count("\n")


@pytest.mark.parametrize(("ch", "written"), [("\ufffe", "\\ufffe"), ("\uffff", "\\uffff"),
                                             ("\U000e0001", "\\U000e0001"), ("\x7f", "\\u007f")])
def test_unprintable_characters_take_the_shortest_escape(ch: str, written: str) -> None:
    assert roundtrip._written(ch, "") == written
