"""The layers hold: ui above workbench above core, no Qt below the window (import-linter,
contracts in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_import_contracts_are_kept():
    proc = subprocess.run(
        [_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "2 kept, 0 broken" in proc.stdout


def test_the_controller_stays_thin():
    lines = (ROOT / "nnlin_gui" / "ui" / "controller.py").read_text().count("\n")
    assert lines <= 400, f"ui/controller.py has {lines} lines; move rules into workbench/"
