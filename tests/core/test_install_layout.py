"""The installed package holds every subpackage and the bundled resources."""

import tomllib
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_listed_packages_match_the_package_folders():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "nnlin_gui").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found | {"nnlin_gui.resources"} == listed


def test_resources_are_importable_as_a_package():
    lessons = [p.name for p in (files("nnlin_gui.resources") / "lessons").iterdir()]
    assert len([n for n in lessons if n.endswith(".toml")]) >= 8


@pytest.mark.slow
def test_wheel_contains_resources(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "setuptools" in proc.stderr:
        pytest.skip("setuptools is not in this environment: " + proc.stderr.splitlines()[-1])
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "nnlin_gui/resources/lessons/01-linear-regression.toml" in names
    if (ROOT / "resources" / "icons").is_dir():
        assert any(n.startswith("nnlin_gui/resources/icons/") for n in names)
    assert "nnlin_gui/core/networks/network.py" in names
