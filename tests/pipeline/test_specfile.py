"""specfile: one spec file's clusters, rendered and written (the rest is covered through the CLI tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ExitCode, InternalError, exit_code
from generator.pipeline.load import load_documents
from generator.pipeline.run import ClusterResult, build_document
from generator.pipeline.specfile import RenderResult
from tests.helpers import MINIMAL_SPEC, TODAY


def test_a_rendered_cluster_gives_its_effective_spec() -> None:
    result = build_document(load_documents(MINIMAL_SPEC, "cluster.yaml")[0], "cluster.yaml", today=TODAY)
    item = RenderResult(Path("cluster.yaml"), result, Path("out"))
    assert item.effective is result.effective
    assert item.effective.metadata.name == "demo"


def test_a_cluster_without_an_effective_spec_is_eksgens_bug_not_an_assert() -> None:
    (document,) = load_documents(MINIMAL_SPEC, "cluster.yaml")
    item = RenderResult(Path("cluster.yaml"), ClusterResult(document), Path("out"))
    with pytest.raises(InternalError, match=r"cluster\.yaml: a rendered cluster has no effective spec") as raised:
        _ = item.effective
    assert exit_code(raised.value) == ExitCode.INTERNAL
