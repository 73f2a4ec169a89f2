"""Background jobs for the window: one handle per job, each on a thread of its own.

Why not one queued task thread: a CSV dropped at start-up waited 10-18 s behind the
start-up baseline (scipy's import), and closing the window had to wait for whatever numpy
call the thread was in. Here every job runs on a thread that does nothing else meanwhile,
so loading never waits behind computation; a new job of a kind cancels its predecessor
(its result is dropped); and the threads are daemons, so closing the window never waits
for a computation that cannot be interrupted: the process exits and takes them with it.
Jobs are plain functions ``fn(progress, cancel)`` of copied inputs (see
``nnlin_gui.workbench.jobs``), so a job abandoned mid-way leaves nothing half-changed.

Threads are kept once they finish a job and given the next one (a new thread only when
none is idle): starting a thread cost the GUI thread 8-12 ms while other threads held the
GIL, three or four times per load.

Results come back as queued signals to the runner, which lives in the GUI thread.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from nnlin_gui.core.errors import UserError

log = logging.getLogger(__name__)

JobFunction = Callable[[Callable[[float], None], threading.Event], Any]

# Kinds whose job starts at once (a user waits for a load). The others start when the
# event loop is quiet (``QuietStart``): a new table or model starts a baseline, an
# evaluation and the diagnostics, and started at once they took the GIL and a core from the
# repaint of the window that follows (measured: the longest stall of a 1,000,000-row load
# 260-290 ms, 140-200 ms deferred by 30 ms). A fixed 30 ms was not enough for a
# 20,000-column table, whose views and repaints take four or five turns: a paint of 15 ms
# took 53 ms while the baseline job held the GIL.
STARTED_AT_ONCE = frozenset({"load"})
QUIET_TICK_MS = 10
QUIET_TICKS = 4  # ticks in a row no later than QUIET_LATE_MS: nothing else is running
QUIET_LATE_MS = 4
MAX_WAIT_MS = 400  # a job never waits longer than this for a quiet moment

# How long a thread runs Python before it must hand the GIL to a waiting one (Python's
# default is 5 ms). The GUI thread takes and drops the GIL at every call between Qt and
# Python, and each time a job thread had it the GUI thread waited up to the whole interval:
# a turn of a few milliseconds of work took 50-60 ms while a 20,000-column file was read.
SWITCH_INTERVAL = 0.001

# Progress leaves a job at most this often (throttled at the source).
PROGRESS_INTERVAL = 1.0 / 30.0


@dataclass
class JobHandle:
    """One submitted job: its token and kind, and the event that cancels it."""

    token: int
    kind: str
    cancel_event: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Ask the job to stop; whatever it returns afterwards is dropped."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def running(self) -> bool:
        return not self.finished.is_set()


class JobRunner(QObject):
    """Runs jobs off the GUI thread and reports them as signals (in the GUI thread).

    Signals
    -------
    progress(int token, float fraction)
    done(int token, str kind, object result)
    failed(int token, str kind, str message)   a ``UserError``'s message, or a bug's summary
    """

    progress = Signal(int, float)
    done = Signal(int, str, object)
    failed = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._token = 0
        self._latest: dict[str, JobHandle] = {}
        self._lock = threading.Lock()  # signals are emitted under it; close() takes it
        self._closed = False
        self._quiet = QuietStart(self)
        sys.setswitchinterval(SWITCH_INTERVAL)
        _WORKERS.prestart(3)  # a load's baseline, evaluation and diagnostics find one each

    def submit(
        self, kind: str, fn: JobFunction, cancel: threading.Event | None = None
    ) -> JobHandle:
        """Start ``fn(progress, cancel)`` on a thread of its own (a load at once, other kinds
        when the event loop is quiet); cancel the previous job of ``kind``."""
        self._token += 1
        handle = JobHandle(self._token, kind, cancel or threading.Event())
        previous = self._latest.get(kind)
        if previous is not None:
            previous.cancel()
        self._latest[kind] = handle
        if self._closed:
            handle.cancel()
            handle.finished.set()
            return handle
        task = partial(_WORKERS.run, f"nnlin-job-{kind}", partial(self._run, handle, fn))
        if kind in STARTED_AT_ONCE:
            task()
        else:
            self._quiet.add(task)  # after the views and repaints (see STARTED_AT_ONCE)
        return handle

    def running(self) -> list[JobHandle]:
        """The newest job of each kind that has not finished yet."""
        return [h for h in self._latest.values() if h.running]

    def close(self) -> None:
        """Cancel every job and emit nothing more (the window is closing)."""
        with self._lock:
            self._closed = True
        for handle in self._latest.values():
            handle.cancel()

    def wait_all(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for running jobs (tests use it); True when none run."""
        deadline = time.monotonic() + timeout
        for handle in list(self._latest.values()):
            if not handle.finished.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    # -- the job's own thread ----------------------------------------------------------------

    def _emit(self, handle: JobHandle, signal: Signal, *args: Any) -> None:
        with self._lock:
            if not self._closed and not handle.cancelled:
                signal.emit(*args)

    def _run(self, handle: JobHandle, fn: JobFunction) -> None:
        last = [0.0]

        def report(fraction: float) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_INTERVAL or fraction >= 1.0:
                last[0] = now
                self._emit(handle, self.progress, handle.token, float(fraction))

        try:
            if handle.cancelled:
                return
            try:
                result = fn(report, handle.cancel_event)
            except UserError as exc:
                self._emit(handle, self.failed, handle.token, handle.kind, str(exc))
                return
            except Exception as exc:  # a bug must not pass silently, nor as a traceback
                if not handle.cancelled:
                    log.exception("background job %s failed", handle.kind)
                self._emit(
                    handle, self.failed, handle.token, handle.kind, f"{handle.kind} failed: {exc}"
                )
                return
            self._emit(handle, self.done, handle.token, handle.kind, result)
        finally:
            handle.finished.set()


class QuietStart(QObject):
    """Calls tasks once the GUI thread's event loop is quiet (a 10 ms timer has come on
    time ``QUIET_TICKS`` times in a row), or ``MAX_WAIT_MS`` after they were added."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: list[tuple[float, Callable[[], None]]] = []
        self._timer = QTimer(self, interval=QUIET_TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self._on_time = 0

    def add(self, task: Callable[[], None]) -> None:
        now = time.monotonic()
        self._waiting.append((now + MAX_WAIT_MS / 1000, task))
        if not self._timer.isActive():
            self._last, self._on_time = now, 0
            self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        late = now - self._last - QUIET_TICK_MS / 1000
        self._last = now
        self._on_time = self._on_time + 1 if late <= QUIET_LATE_MS / 1000 else 0
        quiet = self._on_time >= QUIET_TICKS
        due = [task for deadline, task in self._waiting if quiet or now >= deadline]
        self._waiting = [w for w in self._waiting if not (quiet or now >= w[0])]
        if not self._waiting:
            self._timer.stop()
        for task in due:
            task()


class _Workers:
    """Daemon threads that wait for work between jobs; a job never waits for a thread
    (one is started when none is idle), and at most ``keep`` idle threads stay."""

    IDLE_NAME = "nnlin-idle-worker"

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._idle: list[queue.SimpleQueue] = []
        self._lock = threading.Lock()

    def run(self, name: str, task: Callable[[], None]) -> None:
        """Run ``task`` on an idle thread (named ``name`` meanwhile) or a new one."""
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            thread = threading.Thread(target=self._serve, args=(inbox,), name=name, daemon=True)
            inbox.put((name, task))
            thread.start()
        else:
            inbox.put((name, task))

    def prestart(self, count: int) -> None:
        """Start idle threads up to ``count`` (at start-up, while nothing competes for the
        GIL: a start under load made the GUI thread wait for the new thread's first turn)."""
        with self._lock:
            missing = count - len(self._idle)
        for _ in range(missing):
            inbox: queue.SimpleQueue = queue.SimpleQueue()
            threading.Thread(
                target=self._serve, args=(inbox, True), name=self.IDLE_NAME, daemon=True
            ).start()

    def _serve(self, inbox: queue.SimpleQueue, idle: bool = False) -> None:
        me = threading.current_thread()
        if idle:
            with self._lock:
                self._idle.append(inbox)
        while True:
            name, task = inbox.get()
            me.name = name  # jobs_still_running() and profilers see the job's kind
            try:
                task()
            except BaseException:  # _run reports a job's errors; this keeps the thread
                log.exception("background thread failed")
            finally:
                me.name = self.IDLE_NAME
                task = None  # type: ignore[assignment]  # the job's inputs are not kept alive
            with self._lock:
                if len(self._idle) >= self.keep:
                    return
                self._idle.append(inbox)


_WORKERS = _Workers()


def jobs_still_running() -> bool:
    """True while a job thread of any runner is alive (it may be inside numpy/BLAS)."""
    return any(t.name.startswith("nnlin-job-") and t.is_alive() for t in threading.enumerate())


def exit_process(status: int) -> int:
    """Return ``status`` for a normal exit, or end the process at once when a job thread is
    still computing.

    A normal interpreter exit runs the C libraries' destructors (OpenBLAS frees its
    buffers) while that thread may be inside them: a segmentation fault after a clean
    close. Everything the user had is saved by then (settings are synced on close), so
    the process ends without those destructors.
    """
    if not jobs_still_running():
        return status
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
