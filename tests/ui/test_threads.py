"""Threads: tens of thousands of signals across threads, stopping through the event,
cancelling background tasks, and the controller's shutdown."""

from __future__ import annotations

import gc
import sys
import threading
import time

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnlin_gui.core.networks.network import NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.ui.training_thread import (
    TrainingRequest,
    TrainingWorker,
    start_thread,
    stop_thread,
)

N_SIGNALS = 30_000


class _Emitter(QObject):
    value = Signal(object)
    pair = Signal(int, float)
    done = Signal()

    @Slot(int)
    def run(self, n: int) -> None:
        for i in range(n):
            self.value.emit((i, np.full(2, float(i))))
            self.pair.emit(i, 0.5 * i)
        self.done.emit()


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.total = 0.0
        self.pairs = 0
        self.finished = False

    @Slot(object)
    def on_value(self, payload) -> None:
        i, arr = payload
        self.count += 1
        self.total += float(arr[1])

    @Slot(int, float)
    def on_pair(self, i: int, x: float) -> None:
        self.pairs += 1

    @Slot()
    def on_done(self) -> None:
        self.finished = True


class _Starter(QObject):
    go = Signal(int)


def test_tens_of_thousands_of_signals_across_threads(qtbot):
    """STACK-NOTES: PySide6 6.12 on CPython 3.11 aborted after a few hundred emits."""
    emitter, receiver, starter = _Emitter(), _Receiver(), _Starter()
    emitter.value.connect(receiver.on_value)
    emitter.pair.connect(receiver.on_pair)
    emitter.done.connect(receiver.on_done)
    starter.go.connect(emitter.run)
    thread = start_thread(emitter, "emitter")
    gc.collect()
    true_refs = sys.getrefcount(True)
    try:
        starter.go.emit(N_SIGNALS)
        qtbot.waitUntil(lambda: receiver.finished, timeout=60000)
        qtbot.waitUntil(lambda: receiver.count == N_SIGNALS, timeout=10000)
    finally:
        assert stop_thread(thread, 2000)
    assert receiver.pairs == N_SIGNALS
    assert receiver.total == float(sum(range(N_SIGNALS)))
    # No reference leak on the bool singleton: the 6.12 bug dropped one per emit (60,000
    # here); other live objects holding True move the count by far less.
    gc.collect()
    assert abs(sys.getrefcount(True) - true_refs) < N_SIGNALS // 10


class _Requester(QObject):
    train = Signal(object)
    task = Signal(object)


def _trainer(epochs: int = 1_000_000) -> Trainer:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    spec = NetworkSpec.mlp(3, [16, 16])
    return Trainer(spec, X, y, TrainingConfig(batch_size=8, epochs=epochs))


def test_training_worker_stops_through_the_event(qtbot):
    worker, requester = TrainingWorker(), _Requester()
    updates, finished = [], []
    worker.progress.connect(updates.append)
    worker.finished.connect(lambda token, result: finished.append((token, result)))
    requester.train.connect(worker.run)
    thread = start_thread(worker, "trainer")
    try:
        stop = threading.Event()
        requester.train.emit(TrainingRequest(_trainer(), None, stop, None, token=7))
        qtbot.waitUntil(lambda: len(updates) >= 3, timeout=20000)
        t0 = time.perf_counter()
        stop.set()
        qtbot.waitUntil(lambda: bool(finished), timeout=5000)
        assert time.perf_counter() - t0 < 0.5
    finally:
        assert stop_thread(thread, 1000)
    token, outcome = finished[0]
    result = outcome.result
    assert token == 7 and result.stopped
    assert outcome.approximation is None  # a linear network needs none
    # Each update carries only what is new: the pieces add up to the whole history.
    epochs = np.concatenate([u.epochs for u in updates])
    assert np.array_equal(epochs, np.arange(1, len(epochs) + 1))
    assert epochs[-1] == result.epoch
    assert all(u.theta.flags.owndata for u in updates)  # copies, never views of live weights


def test_job_runner_reports_cancels_and_never_waits_in_line(qtbot):
    from nnlin_gui.core.errors import DataError
    from nnlin_gui.ui.jobs import JobRunner

    runner = JobRunner()
    done, failed, progress = [], [], []
    runner.done.connect(lambda token, kind, result: done.append((kind, result)))
    runner.failed.connect(lambda token, kind, msg: failed.append((kind, msg)))
    runner.progress.connect(lambda token, fraction: progress.append(fraction))
    release = threading.Event()

    def slow(report, cancel):
        release.wait(5)
        return "slow"

    def count(report, cancel):
        for i in range(5):
            report(i / 4)
        return 42

    def fail(report, cancel):
        raise DataError("data.csv: line 3 has 2 fields, expected 4")

    first = runner.submit("baseline", slow)
    runner.submit("load", count)  # not queued behind the slow job
    qtbot.waitUntil(lambda: ("load", 42) in done, timeout=5000)
    assert first.running
    runner.submit("baseline", fail)  # a new job of a kind cancels the previous one
    assert first.cancelled
    release.set()
    qtbot.waitUntil(lambda: bool(failed) and not first.running, timeout=5000)
    qtbot.wait(50)
    assert ("baseline", "slow") not in done  # the cancelled job's result is dropped
    assert failed == [("baseline", "data.csv: line 3 has 2 fields, expected 4")]
    assert progress[-1] == 1.0
    runner.close()
    late = runner.submit("load", count)
    assert late.cancelled  # nothing runs after closing


def test_controller_shutdown_joins_within_a_second(qtbot):
    from nnlin_gui.ui.controller import ModelController

    c = ModelController()
    c.set_pace(0)
    c.open_source("builtin:linear")
    # The first baseline imports scipy (1-2 s); shutdown cannot interrupt an import.
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    c.set_config(c.config.__class__(**{**c.config.__dict__, "epochs": 10_000_000}))
    c.train()
    qtbot.waitUntil(lambda: c.epoch > 3, timeout=10000)
    t0 = time.perf_counter()
    assert c.shutdown(1000)
    assert time.perf_counter() - t0 < 1.0
    assert not c.is_training


def test_changing_layers_while_training_waits_for_the_stop(qtbot):
    from nnlin_gui.core.networks.network import LayerSpec
    from nnlin_gui.ui.controller import ModelController

    c = ModelController()
    try:
        c.set_pace(50)
        c.open_source("builtin:linear")
        qtbot.waitUntil(lambda: c.trainer is not None, timeout=20000)
        old_trainer = c.trainer
        c.train()
        qtbot.waitUntil(lambda: c.epoch >= 2, timeout=10000)
        c.set_layers((LayerSpec("dense", 3, "tanh"),))
        # The running trainer is never swapped under the worker: the change waits.
        qtbot.waitUntil(lambda: not c.is_training, timeout=5000)
        assert c.trainer is not old_trainer
        assert c.spec.layers == (LayerSpec("dense", 3, "tanh"),)
        assert c.epoch == 0
        assert not c.results.collapse.collapsible
        assert c.results.approximation is not None and 0.0 < c.results.approximation.r2 <= 1.0
        qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    finally:
        c.shutdown()


def test_thread_helper_stops_an_idle_thread():
    thread = QThread()
    thread.start()
    assert stop_thread(thread, 1000)
    assert not thread.isRunning()


def test_large_data_results_come_from_the_task_thread(qtbot, monkeypatch):
    import nnlin_gui.workbench.state as state_module
    from nnlin_gui.ui.controller import ModelController

    monkeypatch.setattr(state_module, "LARGE_WORK", 0)  # everything is "large"
    c = ModelController()
    shown = []
    c.results_changed.connect(shown.append)
    try:
        c.open_source("builtin:linear")
        qtbot.waitUntil(lambda: c.baseline is not None and bool(c.results.metrics), timeout=20000)
        # The collapse was shown at once; the metrics followed from the task thread.
        assert any(not r.metrics for r in shown)
        assert 0.0 < c.results.metrics["train_r2"] < 1.0
        before = len(shown)
        c.reset()  # new weights: the cached metrics no longer apply
        assert c.results.metrics == {}
        qtbot.waitUntil(lambda: bool(c.results.metrics), timeout=20000)
        assert len(shown) >= before + 2
    finally:
        c.shutdown()


def test_learning_rate_change_applies_and_training_goes_on(qtbot):
    from dataclasses import replace

    from nnlin_gui.ui.controller import ModelController

    c = ModelController()
    try:
        c.set_pace(100)
        c.open_source("builtin:linear")
        qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
        c.set_config(replace(c.config, epochs=100_000))
        c.train()
        qtbot.waitUntil(lambda: c.epoch >= 3, timeout=10000)
        trainer = c.trainer
        c.set_config(replace(c.config, learning_rate=0.001))
        qtbot.waitUntil(lambda: c.trainer.config.learning_rate == 0.001, timeout=5000)
        qtbot.waitUntil(lambda: c.is_training, timeout=5000)  # resumed by itself
        at = c.epoch
        qtbot.waitUntil(lambda: c.epoch > at + 2, timeout=10000)
        assert c.trainer is trainer  # same weights, same history: it went on
        c.pause()
        qtbot.waitUntil(lambda: not c.is_training, timeout=5000)
        # A structural change stops the run and does not resume it.
        c.set_config(replace(c.config, seed=5))
        assert c.trainer is not trainer and not c.is_training
    finally:
        c.shutdown()


def test_cyclic_garbage_is_collected_only_in_the_gui_thread(window, qtbot):
    """Automatic GC is off once a window exists; the GUI-thread timer collects cycles."""
    import gc
    import weakref

    assert not gc.isenabled()

    class Cycle:
        pass

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    # Live allocations push generation 0 past its threshold; the timer then collects.
    keep = [Cycle() for _ in range(gc.get_threshold()[0] + 10)]
    qtbot.waitUntil(lambda: alive() is None, timeout=5000)
    assert len(keep) > 0


def test_job_threads_are_reused_and_idle_ones_do_not_count_as_running(qtbot):
    from nnlin_gui.ui.jobs import JobRunner, jobs_still_running

    runner = JobRunner()
    done = []
    runner.done.connect(lambda token, kind, result: done.append(result))

    def where(report, cancel):
        return threading.get_ident(), threading.current_thread().name

    runner.submit("evaluation", where)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=5000)
    qtbot.waitUntil(lambda: not jobs_still_running(), timeout=5000)
    before = {t.ident for t in threading.enumerate()}
    runner.submit("baseline", where)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert done[1][0] in before  # an idle thread took the next job: none was started
    assert [name for _, name in done] == ["nnlin-job-evaluation", "nnlin-job-baseline"]
    qtbot.waitUntil(lambda: not jobs_still_running(), timeout=5000)
    runner.close()
