"""Templates, catalogs and data ship inside the wheel and are found there, not only in a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO, TODAY

PROBE = """
import datetime, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import generator
from generator.api import render_spec
from generator.paths import shipped_dir
assert Path(generator.__file__).is_relative_to(Path(sys.argv[1])), generator.__file__
assert shipped_dir("templates").is_relative_to(Path(sys.argv[1]))
assert shipped_dir("modules").is_relative_to(Path(sys.argv[1]))
files = render_spec(Path(sys.argv[2]), today=datetime.date.fromisoformat(sys.argv[3]))[0].files
print(sorted(files))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {done.stderr[-300:]}")
    return next(out.glob("eksgen-*.whl"))


def test_wheel_carries_templates_catalogs_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (REPO / "templates").glob("*.jinja"):
        assert f"generator/templates/{template.name}" in names
    for catalog in (REPO / "modules").glob("*.json"):
        assert f"generator/modules/{catalog.name}" in names
    for data in ("kubernetes-releases.json", "regions.json", "instance-info.jsonl"):
        assert f"generator/facts/data/{data}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_unpacked_wheel_renders_from_its_own_files(wheel: Path, tmp_path: Path, spec_file: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    done = subprocess.run([sys.executable, "-c", PROBE, str(site), str(spec_file), TODAY.isoformat()],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "eks.tf" in done.stdout
