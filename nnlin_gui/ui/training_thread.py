"""The training thread: a ``TrainingWorker`` (a ``QObject`` on its own ``QThread``) that
runs the Qt-free ``Trainer.run`` loop and reports throttled progress.

Work starts through a queued signal connected to a ``@Slot``; it stops through a
``threading.Event`` the loop checks every mini-batch (a queued stop signal would never
reach a busy worker). Payloads are immutable dataclasses holding copied arrays, so the GUI
thread never shares mutable state with a running loop. During a run the trainer belongs to
this thread; every other job works on ``Trainer.copy()``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.collapse import AffineApproximation
from nnlin_gui.core.networks.training import Trainer, TrainingResult, TrainingSnapshot
from nnlin_gui.workbench.results import FitProbe, approximate, predict_probe

log = logging.getLogger(__name__)

# Updates to the GUI thread: at most ~30 a second (STACK-NOTES: more freezes the GUI).
SEND_INTERVAL = 1.0 / 30.0
# Snapshots inside the worker, for smooth coefficient trajectories (cheap: a few products).
SNAPSHOT_INTERVAL = 1.0 / 200.0


@dataclass(frozen=True)
class TrainingUpdate:
    """One progress report (at most ~30 a second): the points that are new since the last
    report, the collapsed coefficients recorded meanwhile, the current fit and parameters.

    ``coef`` rows are W_z entries (row by row) followed by b_z, at ``coef_epochs``.
    """

    epoch: int
    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    coef_epochs: np.ndarray
    coef: np.ndarray
    fit: np.ndarray | None  # predictions at the FitProbe rows, shape (m,)
    theta: np.ndarray  # copy of every parameter (for the network diagram)
    seconds: float  # since the run started
    done: bool = False


class _Coalescer:
    """Gathers the trainer's snapshots (taken often, for smooth coefficient paths) into
    updates sent at most every ``interval`` seconds (so the GUI thread is never flooded)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last_sent = -1.0
        self.parts: list[TrainingSnapshot] = []

    def add(self, snap: TrainingSnapshot, now: float) -> bool:
        self.parts.append(snap)
        return snap.done or now - self.last_sent >= self.interval

    def take(self, now: float) -> tuple[list[TrainingSnapshot], float]:
        parts, self.parts = self.parts, []
        self.last_sent = now
        return parts, now


def merge_snapshots(parts: list[TrainingSnapshot]) -> tuple[np.ndarray, ...]:
    """Concatenate snapshots: (epochs, train, test, coef_epochs, coef)."""
    epochs = np.concatenate([p.epochs for p in parts])
    train = np.concatenate([p.train_loss for p in parts])
    test = np.concatenate([p.test_loss for p in parts])
    with_coef = [p for p in parts if p.W is not None and p.coef_epoch is not None]
    if with_coef:
        coef_epochs = np.array([p.coef_epoch for p in with_coef], dtype=np.float64)
        coef = np.stack([np.concatenate([np.ravel(p.W), np.ravel(p.b)]) for p in with_coef])
    else:
        coef_epochs, coef = np.empty(0), np.empty((0, 0))
    return epochs, train, test, coef_epochs, coef


@dataclass(frozen=True)
class TrainingRequest:
    """Ask the worker to train ``epochs`` more epochs (None: up to the configured total)."""

    trainer: Trainer
    epochs: int | None
    stop: threading.Event
    probe: FitProbe | None = None
    token: int = 0
    pace: float = 0.0  # epochs per second to show training at (0: as fast as possible)


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended, with what is costly to compute afterwards (done in the worker)."""

    result: TrainingResult
    approximation: AffineApproximation | None = None


class TrainingWorker(QObject):
    """Runs ``Trainer.run`` in its thread and reports throttled updates.

    Signals
    -------
    progress(TrainingUpdate)
    finished(int token, RunOutcome)
    failed(int token, str message)
    """

    progress = Signal(object)
    finished = Signal(int, object)
    failed = Signal(int, str)

    @Slot(object)
    def run(self, request: TrainingRequest) -> None:
        """Train as asked; the caller's stop event ends the run within one mini-batch."""
        t0 = time.perf_counter()
        trainer, probe = request.trainer, request.probe

        coalescer = _Coalescer(SEND_INTERVAL)
        first_epoch = trainer.epoch

        def report(snap: TrainingSnapshot) -> None:
            # Runs in this thread. Snapshots come often; updates leave at most ~30 a second.
            if request.pace > 0 and not snap.done:
                # Paced for watching: wait on the stop flag so Pause still acts at once.
                due = t0 + (snap.epoch - first_epoch) / request.pace
                delay = due - time.perf_counter()
                if delay > 0:
                    request.stop.wait(delay)
            now = time.perf_counter()
            if not coalescer.add(snap, now):
                return
            parts, _ = coalescer.take(now)
            epochs, train, test, coef_epochs, coef = merge_snapshots(parts)
            self.progress.emit(
                TrainingUpdate(
                    epoch=snap.epoch,
                    epochs=epochs,
                    train_loss=train,
                    test_loss=test,
                    coef_epochs=coef_epochs,
                    coef=coef,
                    fit=predict_probe(trainer, probe),
                    theta=trainer.network.theta.copy(),
                    seconds=now - t0,
                    done=snap.done,
                )
            )

        try:
            result: TrainingResult = trainer.run(request.epochs, stop=request.stop, progress=report)
        except UserError as exc:
            self.failed.emit(request.token, str(exc))
            return
        except Exception as exc:  # a bug must not kill the thread silently
            log.exception("training failed")
            self.failed.emit(request.token, f"training failed: {exc}")
            return
        # After a stop (pause or closing) the approximation is left to the caller: closing
        # must not wait for it.
        approx = None if result.stopped else approximate(trainer)
        self.finished.emit(request.token, RunOutcome(result, approx))


def start_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new started ``QThread`` named ``name`` and return the thread."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.start()
    return thread


# Threads that did not stop in time: kept referenced so Qt never destroys a running thread.
_LINGERING: list[QThread] = []


def keep_until_finished(thread: QThread) -> None:
    """Hold ``thread`` until ``wait_lingering_threads`` (never release a running QThread)."""
    _LINGERING.append(thread)


def wait_lingering_threads(timeout_ms: int = 5000) -> None:
    """At exit: give threads that missed ``shutdown``'s deadline a last chance to end."""
    while _LINGERING:
        _LINGERING.pop().wait(timeout_ms)


def stop_thread(thread: QThread | None, timeout_ms: int = 1000) -> bool:
    """Quit ``thread``'s event loop and wait for it; True when it ended in time."""
    if thread is None or not thread.isRunning():
        return True
    thread.quit()
    ok = thread.wait(timeout_ms)
    if not ok:
        log.warning("thread %s did not stop within %d ms", thread.objectName(), timeout_ms)
    return bool(ok)


class TrainingThread(QObject):
    """The ``TrainingWorker`` on its own ``QThread``, started on the first run.

    Signals relay the worker's: progress(TrainingUpdate), finished(int, RunOutcome),
    failed(int, str), each queued to the thread that owns this object (the GUI thread).
    """

    progress = Signal(object)
    finished = Signal(int, object)
    failed = Signal(int, str)
    _requested = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread: QThread | None = None
        self._worker: TrainingWorker | None = None

    def run(self, request: TrainingRequest) -> None:
        """Start ``request`` in the training thread (it stops through ``request.stop``)."""
        if self.thread is None:
            self._worker = TrainingWorker()
            self._requested.connect(self._worker.run)
            self._worker.progress.connect(self.progress)
            self._worker.finished.connect(self.finished)
            self._worker.failed.connect(self.failed)
            self.thread = start_thread(self._worker, "nnlin-training")
        self._requested.emit(request)

    def stop(self, timeout_ms: int) -> bool:
        """Quit and join the thread (the run's stop flag must be set); True when joined.
        A thread that misses the deadline is kept referenced, never released running."""
        thread, self.thread = self.thread, None
        if thread is None or stop_thread(thread, timeout_ms):
            return True
        keep_until_finished(thread)
        return False
