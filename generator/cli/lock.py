"""`eksgen lock SPEC...`: write eksgen.lock beside each spec (`--lock PATH` for another file): per cluster the
addon versions for its Kubernetes version, the AMI release of each managed node group and the module
catalogs' hashes. `--check` writes nothing and exits 1 when a pin no longer fits its cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.common import SpecArgs, Today
from generator.errors import exit_code

LockOption = Annotated[Path | None, typer.Option("--lock", metavar="PATH", help="The lock file (default: "
                                                 "eksgen.lock beside each spec).")]
AddonVersions = Annotated[Path | None, typer.Option("--addon-versions", metavar="FILE", help="JSON printed by "
                                                    "`aws eks describe-addon-versions`; the newest compatible "
                                                    "version of each addon is pinned.")]
AmiReleases = Annotated[Path | None, typer.Option("--ami-releases", metavar="FILE", help="AMI release list "
                                                  "instead of eksgen's shipped snapshot.")]
Check = Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 naming every pin that no longer fits.")]


def register(app: typer.Typer) -> None:
    from generator.cli.common import handle_errors

    @app.command("lock")
    @handle_errors
    def lock(specs: SpecArgs, lock_file: LockOption = None, addon_versions: AddonVersions = None,
             ami_releases: AmiReleases = None, check: Check = False, today: Today = None) -> int:
        """Pin what Terraform cannot lock: addon versions, AMI releases, module catalogs (eksgen.lock).

        `render` applies the pins; a version written in the spec wins. Exit 1 with --check when a pin no
        longer fits.
        """
        from generator import api
        from generator.cli.common import parse_today

        results = api.lock(specs, lock_file=lock_file, addon_versions=addon_versions, ami_releases=ami_releases,
                           check=check, today=parse_today(today))
        if check:
            problems = [p for r in results for p in r.problems]
            for r in results:
                typer.echo(f"{r.spec} ({r.cluster}): " + ("pins fit" if not r.problems else "stale"))
            for problem in problems:
                typer.echo(f"  {problem}")
            return exit_code(differences=bool(problems))
        for r in results:
            entry = r.entry
            typer.echo(f"{r.spec} ({r.cluster}): {r.lock}: {len(entry['addons'])} addon(s), "
                       f"{len(entry['nodeGroups'])} node group(s), {len(entry['modules'])} module(s) pinned for "
                       f"{entry['kubernetesVersion']}")
            for note in r.unpinned:
                typer.echo(f"  not pinned: {note}")
        return exit_code()
