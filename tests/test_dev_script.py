"""``./dev`` says what it does while it sets up, and the README's Install section names the
system libraries Linux needs."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("bash") is None, reason="./dev is a bash script")
def test_dev_announces_the_first_setup_and_explains_a_missing_venv(tmp_path):
    shutil.copy(ROOT / "dev", tmp_path / "dev")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {"PATH": "/usr/bin:/bin", "PYTHON": "false"}
    cmd = ["bash", str(tmp_path / "dev"), "test"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "Setting up .venv (first run: about a minute)..."
    assert "python3-venv" in lines[-1] and not (tmp_path / ".venv").exists()


def test_readme_install_section_per_system():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    for needed in ("**Linux**", "**Windows", "**macOS", "libxcb-cursor0", "libxcb-icccm4",
                   "libxcb-keysyms1", "python3-venv", "Setting up .venv"):  # fmt: skip
        assert needed in section, needed
