"""Where the loader says a problem is (generator/pipeline/load.py): line, column and document, exactly."""

from __future__ import annotations

import pytest

from generator.errors import SpecInvalid
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document
from tests.helpers import TODAY

TAB = "invalid YAML: a tab character; YAML indents with spaces only (replace the tab with spaces)"


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    # A reader error's offset counts from the start of its own line, not the file's first line.
    ("a: 1\nb: 2\nc: x\x07y\n", 3, 5, "invalid YAML: control characters are not allowed (character 7)"),
    ("c: x\x07y\n", 1, 5, "invalid YAML: control characters are not allowed (character 7)"),
    # The parser stops past the last line: located there, not a crash.
    ("key: [1, 2", 2, 1, "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("key: [1, 2\n", 2, 1, "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("a:\n  b: 1\n\tc: 2\n", 3, 1, TAB),
    ("a:\n  - x\n  -\ty\n", 3, 4, TAB),
])
def test_yaml_errors_are_located_exactly(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        load_documents(text, "f.yaml")
    (issue,) = raised.value.issues
    assert (issue.file, issue.message) == ("f.yaml", message)
    assert issue.position is not None and (issue.position.line, issue.position.column) == (line, column)


DOCUMENT = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata: {{name: {name}, region: eu-west-1}}
spec: {{kubernetesVersion: "1.35"{extra}}}
"""


def test_a_finding_names_the_document_it_is_in() -> None:
    text = DOCUMENT.format(name="a", extra="") + "---\n" + DOCUMENT.format(name="b", extra=", bogus: 1")
    first, second = load_documents(text, "c.yaml")
    assert check_document(first, today=TODAY).errors == []
    (issue,) = check_document(second, today=TODAY).errors
    assert (issue.document, issue.path, issue.file) == (1, "bogus", "c.yaml")
    assert issue.position is not None and (issue.position.line, issue.position.column) == (9, 35)
