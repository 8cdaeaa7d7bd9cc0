"""`eksgen upgrade SPEC... --to 1.MM`: the staged upgrade plan (one minor at a time), its blockers and
warnings; `--write DIR` writes one spec per step, `--commit` commits each step. Exit 0 when the plan
has no blockers, 1 with blockers (nothing written), 2 on bad input (a target outside the release table
or below a cluster's version, an invalid spec)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import SpecArgs, Today
from generator.errors import exit_code


class UpgradeFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


Target = Annotated[str, typer.Option("--to", metavar="1.MM", help="Target Kubernetes version.", show_default=False)]
Write = Annotated[Path | None, typer.Option("--write", metavar="DIR", help="Write one spec per step into DIR "
                                            "(NN-CLUSTER-1.MM.yaml, in order); each validates and renders.")]
Commit = Annotated[bool, typer.Option("--commit", help="Rewrite each spec in place, one git commit per step on the "
                                      "current branch (refused on a dirty work tree); a rendered directory beside "
                                      "the spec is re-rendered in the same commit.")]
AddonVersions = Annotated[Path | None, typer.Option("--addon-versions", metavar="FILE", help="JSON printed by "
                                                    "`aws eks describe-addon-versions`: addon versions per step.")]
AmiReleases = Annotated[Path | None, typer.Option("--ami-releases", metavar="FILE", help="AMI release list "
                                                  "(the shape of eksgen's snapshot; `eksgen data` names it).")]
KarpenterVersion = Annotated[str | None, typer.Option("--karpenter-version", metavar="X.Y.Z", help="The Karpenter "
                                                      "release running in the cluster: checked against each step.")]
FormatOption = Annotated[UpgradeFormat, typer.Option("--format", help="text, markdown (a pull request) or json.")]


def register(app: typer.Typer) -> None:
    from generator.cli.common import handle_errors

    @app.command("upgrade")
    @handle_errors
    def upgrade(specs: SpecArgs, to: Target, write: Write = None, commit: Commit = False,
                addon_versions: AddonVersions = None, ami_releases: AmiReleases = None,
                karpenter_version: KarpenterVersion = None, output_format: FormatOption = UpgradeFormat.text,
                today: Today = None) -> int:
        """Plan a Kubernetes upgrade one minor at a time: control plane, addons, node groups, what rolls by itself.

        Each step shows its `eksgen diff` risks. Blockers (with their fix) exit 1 and write nothing.
        """
        from generator import api
        from generator.cli.common import parse_today

        outcome = api.upgrade(specs, to, today=parse_today(today), addon_versions=addon_versions,
                              ami_releases=ami_releases, karpenter_version=karpenter_version, write=write,
                              commit=commit)
        code = exit_code(differences=outcome.report.blocked)
        typer.echo(api.upgrade_report(outcome.report, output_format.value, code,
                                      written=[str(p) for p in outcome.written], commits=outcome.commits), nl=False)
        if output_format is UpgradeFormat.json:
            return code
        for path in outcome.written:
            typer.echo(f"wrote {path}")
        for sha in outcome.commits:
            typer.echo(f"committed {sha}")
        return code
