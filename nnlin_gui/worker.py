"""Thread helpers: the training worker and a background task worker.

Both are ``QObject``s moved to their own ``QThread``. Work starts through a queued signal
connected to a ``@Slot``; it stops through a ``threading.Event`` the loop checks (a queued
stop signal would never reach a busy worker). Payloads are immutable dataclasses holding
copied arrays, so the GUI thread never shares mutable state with a running loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnlin_gui.core.collapse import AffineApproximation, best_affine_approximation
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.training import Trainer, TrainingResult, TrainingSnapshot

log = logging.getLogger(__name__)

# Updates to the GUI thread: at most ~30 a second (STACK-NOTES: more freezes the GUI).
SEND_INTERVAL = 1.0 / 30.0
# Snapshots inside the worker, for smooth coefficient trajectories (cheap: a few products).
SNAPSHOT_INTERVAL = 1.0 / 200.0


@dataclass(frozen=True)
class FitProbe:
    """Points where the worker evaluates the network for the fit view (fixed for a run)."""

    X: np.ndarray  # (m, k) rows in original units


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


def predict_probe(trainer: Trainer, probe: FitProbe | None) -> np.ndarray | None:
    """Network outputs at the probe rows (first output / class-1 probability)."""
    if probe is None or len(probe.X) == 0:
        return None
    out = np.asarray(trainer.predict(probe.X), dtype=np.float64)
    if out.ndim == 2:
        out = out.argmax(axis=1).astype(np.float64) if out.shape[1] > 1 else out[:, 0]
    return out.copy()


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended, with what is costly to compute afterwards (done in the worker)."""

    result: TrainingResult
    approximation: AffineApproximation | None = None


def approximate(trainer: Trainer, max_rows: int = 2000) -> AffineApproximation | None:
    """Best affine approximation of a nonlinear network (None for a linear one)."""
    if trainer.spec.is_linear:
        return None
    try:
        return best_affine_approximation(trainer.raw_predict, trainer.X, max_rows=max_rows)
    except (ValueError, np.linalg.LinAlgError):
        return None


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


@dataclass(frozen=True)
class Task:
    """A plain function to run off the GUI thread.

    ``fn(progress, cancel)`` receives a callback taking a fraction 0..1 and the
    ``threading.Event`` that asks it to stop; it returns the result.
    """

    kind: str
    fn: Callable[[Callable[[float], None], threading.Event], Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    token: int = 0


class TaskWorker(QObject):
    """Runs ``Task``s one after another (CSV loading, regression baselines).

    Signals
    -------
    progress(int token, float fraction)
    done(int token, str kind, object result)
    failed(int token, str kind, str message)
    """

    progress = Signal(int, float)
    done = Signal(int, str, object)
    failed = Signal(int, str, str)

    @Slot(object)
    def run(self, task: Task) -> None:
        """Run ``task``; a cancelled task reports nothing."""
        last = [0.0]

        def report(fraction: float) -> None:
            # Throttle at the source: at most ~30 progress signals a second.
            now = time.perf_counter()
            if now - last[0] >= 1 / 30 or fraction >= 1.0:
                last[0] = now
                self.progress.emit(task.token, float(fraction))

        if task.cancel.is_set():
            return
        try:
            result = task.fn(report, task.cancel)
        except UserError as exc:
            if not task.cancel.is_set():
                self.failed.emit(task.token, task.kind, str(exc))
            return
        except Exception as exc:
            log.exception("background task %s failed", task.kind)
            if not task.cancel.is_set():
                self.failed.emit(task.token, task.kind, f"{task.kind} failed: {exc}")
            return
        if not task.cancel.is_set():
            self.done.emit(task.token, task.kind, result)


def start_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new started ``QThread`` named ``name`` and return the thread."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.start()
    return thread


def stop_thread(thread: QThread | None, timeout_ms: int = 1000) -> bool:
    """Quit ``thread``'s event loop and wait for it; True when it ended in time."""
    if thread is None or not thread.isRunning():
        return True
    thread.quit()
    ok = thread.wait(timeout_ms)
    if not ok:
        log.warning("thread %s did not stop within %d ms", thread.objectName(), timeout_ms)
    return bool(ok)
