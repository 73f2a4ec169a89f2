"""Background jobs other than loads start when the GUI thread's event loop is quiet, so
they do not take the interpreter lock from the repaints that follow a change; a busy loop
delays them by at most ``MAX_WAIT_MS``."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer

from nnlin_gui.ui import jobs
from nnlin_gui.ui.jobs import MAX_WAIT_MS, QUIET_TICK_MS, QUIET_TICKS, JobRunner, QuietStart


def test_a_task_waits_for_quiet_ticks(qtbot):
    starter = QuietStart()
    started: list[float] = []
    t0 = time.monotonic()
    starter.add(lambda: started.append(time.monotonic()))
    assert not started  # never at once
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    # At least QUIET_TICKS timer ticks came first (the lower bound holds on any machine).
    assert started[0] - t0 >= QUIET_TICKS * QUIET_TICK_MS / 1000 * 0.9


def test_a_busy_event_loop_delays_a_task_by_the_longest_wait_only(qtbot):
    starter = QuietStart()
    started: list[float] = []

    def busy() -> None:  # every turn takes longer than a tick may be late
        time.sleep((QUIET_TICK_MS + 8) / 1000)

    hog = QTimer(interval=0)
    hog.timeout.connect(busy)
    hog.start()
    try:
        t0 = time.monotonic()
        starter.add(lambda: started.append(time.monotonic()))
        qtbot.waitUntil(lambda: bool(started), timeout=5000)
    finally:
        hog.stop()
    assert started[0] - t0 >= MAX_WAIT_MS / 1000  # never quiet: it waited for the deadline


def test_a_job_runs_after_a_quiet_moment_and_loads_at_once(qtbot):
    runner = JobRunner()
    results = []
    runner.done.connect(lambda token, kind, result: results.append((kind, result)))
    runner.submit("baseline", lambda progress, cancel: 1)
    runner.submit("load", lambda progress, cancel: 2)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results[0] == ("load", 2)  # the load did not wait for a quiet moment
    assert sys.getswitchinterval() == jobs.SWITCH_INTERVAL
