"""Offline guarantee: the full GUI self-test and a lesson step run with sockets unusable.

Each run is a fresh Python process whose ``socket.socket``, ``socket.create_connection``
and ``socket.getaddrinfo`` raise (installed by a ``-c`` wrapper before anything of ours is
imported). The process reports how many times anything tried the network: it must be zero,
and the run must still succeed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

ROOT = Path(__file__).resolve().parents[1]

NO_NETWORK = r"""
import atexit, socket, sys
_attempts = []

def _refuse(*args, **kwargs):
    _attempts.append(repr(args)[:120])
    raise OSError("network disabled by the offline test")

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(*args)

socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
try:
    socket.socket()
except OSError:
    pass
else:
    raise SystemExit("the socket patch did not take")
_attempts.clear()
atexit.register(lambda: sys.stderr.write(f"\nNETWORK_ATTEMPTS={len(_attempts)} {_attempts[:3]}\n"))
"""

SELF_TEST = """
from nnlin_gui.app import main
sys.exit(main(["--self-test"]))
"""

LESSON = """
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from nnlin_gui.app import make_application
app = make_application()
from nnlin_gui.ui.controller import wait_lingering_threads
from nnlin_gui.core.files.lessons import load_lessons, run_step
from nnlin_gui.selftest import scratch_settings, wait_until
from nnlin_gui.ui.main_window import MainWindow

window = MainWindow(settings=scratch_settings())
window.show()
c = window.controller
c.set_pace(0)
window.open_initial(None)
panel = window.teaching.lessons
panel.select_lesson(0)
panel.set_up_step()
data = panel.step.setup.data
ready = wait_until(
    lambda: c.table is not None and c.table.source == data and c.baseline is not None, 60
)
panel.run_step()
ticked = ready and wait_until(lambda: panel.check_met is True, 60)
epoch = c.trainer.epoch
window.close()
wait_lingering_threads()
step = load_lessons()[0].steps[0]
_, _, state = run_step(step)
print(json.dumps({"gui": bool(ticked), "epoch": epoch, "core": step.check.evaluate(state)}))
"""


def _run_offline(body: str) -> tuple[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", NO_NETWORK + body],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "NETWORK_ATTEMPTS=0 " in proc.stderr, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def _last_json(stdout: str) -> dict:
    start = stdout.index("{")
    return json.loads(stdout[start:])


def test_self_test_runs_offline():
    stdout, _ = _run_offline(SELF_TEST)
    summary = _last_json(stdout)
    assert summary["ok"] is True
    assert summary["errors_shown"] == []
    assert summary["max_abs_diff_solved"] < 1e-6


def test_lesson_step_runs_offline():
    stdout, _ = _run_offline(LESSON)
    result = _last_json(stdout)
    assert result == {"gui": True, "epoch": 400, "core": True}
