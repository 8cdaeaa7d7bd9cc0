"""The Mermaid diagrams of `explain --format markdown` and `diff --format markdown`, checked by
Mermaid's own parser (node + the pinned npm packages in tests/mermaid, installed by .ci/run or on
first use into a cache directory) and by what they must show."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.api import effective_clusters, explain_markdown
from generator.gitops.diagram import mermaid
from generator.pipeline.model import Cluster
from tests.helpers import MINIMAL_SPEC, REPO, TODAY

CHECKER = REPO / "tests" / "mermaid"
CACHE = Path(os.environ.get("EKSGEN_MERMAID_DIR", Path.home() / ".cache" / "eksgen-mermaid"))
EXAMPLES = sorted(REPO.glob("examples/*/cluster.yaml"))
Parser = Callable[[list[str]], list[dict[str, object]]]


@pytest.fixture(scope="session")
def mermaid_parse() -> Parser:
    """A function: list of diagram sources -> list of Mermaid's parse results."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for Mermaid's parser (.ci/run installs them)")
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:  # several workers, one install
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = (CHECKER / "package.json").read_text()
        if not (CACHE / "node_modules" / "mermaid").is_dir() or (CACHE / "package.json").read_text() != wanted:
            shutil.copy(CHECKER / "package.json", CACHE / "package.json")
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock"], cwd=CACHE,
                                  capture_output=True, text=True, check=False, timeout=600)
            assert done.returncode == 0, f"npm install failed (needs the npm registry):\n{done.stderr[-2000:]}"
    shutil.copy(CHECKER / "parse.mjs", CACHE / "parse.mjs")

    def parse(sources: list[str]) -> list[dict[str, object]]:
        done = subprocess.run([node, str(CACHE / "parse.mjs")], input=json.dumps(sources), capture_output=True,
                              text=True, check=True, timeout=300)
        results: list[dict[str, object]] = json.loads(done.stdout)
        return results

    return parse


def clusters_of(path: Path) -> list[Cluster]:
    return effective_clusters(path, today=TODAY)


def test_every_example_diagram_parses(mermaid_parse: Parser) -> None:
    sources = [mermaid(c) for spec in EXAMPLES for c in clusters_of(spec)]
    results = mermaid_parse(sources)
    assert [r for r in results if not r["ok"]] == []
    assert {r["type"] for r in results} == {"flowchart-v2"}


def test_the_parser_rejects_a_broken_diagram(mermaid_parse: Parser) -> None:
    """The check can fail: an unclosed node shape is a parse error."""
    results = mermaid_parse(["flowchart TB\n  a[[[ --> \n", "flowchart TB\n  a[\"ok\"] --> b\n"])
    assert [r["ok"] for r in results] == [False, True]


def test_the_diagram_shows_zones_subnets_sizes_groups_and_endpoints() -> None:
    production = clusters_of(REPO / "examples" / "production" / "cluster.yaml")[0]
    text = mermaid(production)
    assert 'subgraph vpc["VPC 10.40.0.0/16 · eu-west-1"]' in text
    assert 'subgraph zone_1["eu-west-1b"]' in text
    assert 'subnet_private_1["private 10.40.32.0/19<br/>8,187 usable IPs"]' in text
    assert "m6i.xlarge, m6a.xlarge · 3-30 nodes" in text
    assert "node_group_1 -.-> subnet_private_2" in text
    assert "public API endpoint<br/>34.249.10.20/32, 52.48.100.7/32" in text
    fargate = clusters_of(REPO / "examples" / "fargate-only" / "cluster.yaml")[0]
    assert "Fargate profile" in mermaid(fargate)


def test_explain_and_diff_markdown_carry_the_diagram(tmp_path: Path, mermaid_parse: Parser) -> None:
    from generator.api import diff_specs, format_markdown

    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(MINIMAL_SPEC)
    new.write_text(MINIMAL_SPEC.replace("maxSize: 4", "maxSize: 6"))
    documents = [explain_markdown(new, today=TODAY), format_markdown(diff_specs(old, new, today=TODAY))]
    blocks = [d.split("```mermaid\n", 1)[1].split("```", 1)[0] for d in documents]
    assert all("2-6 nodes" in b for b in blocks)
    assert all(r["ok"] for r in mermaid_parse(blocks))


HOSTILE = ['say "hi"', "a<b>c", "#quot;", "x]y[z", "(){}|", "a;b", "`tick`", "&amp;", "end", "subgraph", "-->"]


def test_hostile_labels_never_break_the_diagram(mermaid_parse: Parser) -> None:
    cluster = clusters_of(REPO / "examples" / "minimal" / "cluster.yaml")[0]
    sources = [mermaid(cluster.model_copy(update={"metadata": cluster.metadata.model_copy(update={"region": v})}))
               for v in HOSTILE]
    assert [r for r in mermaid_parse(sources) if not r["ok"]] == []
