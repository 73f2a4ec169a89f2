"""The controller: turns a panel's intent into a workbench change, and a change into signals.

The state and its rules live in ``nnlin_gui.workbench`` (``Workbench``); background work is
``workbench.jobs`` run by a ``JobRunner`` (a pool of reusable daemon threads, a new job of a
kind cancels its predecessor, loading never waits behind computation); training runs in the
``TrainingWorker`` on its own ``QThread``. While a run goes on, the trainer belongs to that
thread: the GUI thread reads the copied arrays it sends, and any change waits until the run
has stopped (``_when_idle``). Work proportional to the data never runs here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QObject, Signal, Slot

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.blas import fix_blas_threads, fixed_blas_threads
from nnlin_gui.core.networks.training import TrainingConfig
from nnlin_gui.core.statistics.comparison import baseline_title
from nnlin_gui.ui.controller_views import ControllerViews
from nnlin_gui.ui.data_intents import DataIntents
from nnlin_gui.ui.jobs import JobRunner
from nnlin_gui.ui.training_thread import (
    SNAPSHOT_INTERVAL,
    RunOutcome,
    TrainingRequest,
    TrainingThread,
    TrainingUpdate,
    wait_lingering_threads,
)
from nnlin_gui.ui.undo_intents import UndoIntents
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.results import evaluate
from nnlin_gui.workbench.state import DEFAULT_SOURCE, Model, Workbench, check_layers, is_large

__all__ = ["DEFAULT_SOURCE", "ModelController", "wait_lingering_threads"]

DEFAULT_PACE = 100.0  # epochs a second: slow enough to watch the coefficients converge


class ModelController(DataIntents, UndoIntents, ControllerViews, QObject):
    """One per window: intents in, signals out (payloads immutable or copied; each signal
    carries what its name says: the new Table, Dataset, NetworkSpec, Results...)."""

    table_changed = Signal(object)
    dataset_changed = Signal(object)
    spec_changed = Signal(object)
    layers_changed = Signal(object)
    config_changed = Signal(object)
    state_changed = Signal(str)
    loading_changed = Signal(bool)
    load_progress = Signal(float)
    model_reset = Signal()
    results_changed = Signal(object)
    baseline_changed = Signal(object)
    training_finished = Signal(object)
    message = Signal(str)
    error = Signal(str)
    pace_changed = Signal(float)
    background_done = Signal(int, str, object)
    background_failed = Signal(int, str, str)
    session_opened = Signal(object)
    session_failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        # Training, jobs and painting all call BLAS: one thread for the process leaves the
        # other core to the GUI (core/blas.py).
        if fixed_blas_threads() is None:
            fix_blas_threads(1)
        self.wb = Workbench()
        self.pace = DEFAULT_PACE
        self.version = 0  # bumped whenever the plotted data changes
        self.run_end_epoch = 0
        self._training = False
        self._stop = threading.Event()
        self._run_token = 0
        self._pending: list[Callable[[], object]] = []
        self._resume = False  # train on once the pending changes are applied
        self._solve_pending = False
        self._tokens: dict[str, int] = {}  # the newest job of each kind we wait for
        self._load_cancel: threading.Event | None = None
        self._runner = TrainingThread(self)
        self._runner.progress.connect(self._on_progress)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._jobs = JobRunner(self)
        self._jobs.progress.connect(self._on_job_progress)
        self._jobs.done.connect(self._on_job_done)
        self._jobs.failed.connect(self._on_job_failed)
        self._closed = False
        self._evaluating: tuple | None = None  # the parameters an evaluation job is for

    # -- threads ---------------------------------------------------------------------------

    def _submit(self, kind: str, fn, cancel: threading.Event | None = None) -> int:
        token = self._jobs.submit(kind, fn, cancel).token
        self._tokens[kind] = token
        return token

    def run_background(self, kind: str, fn, cancel: threading.Event | None = None) -> int:
        """Run a panel's ``fn(progress, cancel)`` as a job; its result arrives as
        ``background_done(token, kind, result)``. ``kind`` starts with ``"panel:"``."""
        if self._closed:
            return -1
        if not kind.startswith("panel:"):
            raise ValueError(f"background kinds start with 'panel:', got {kind!r}")
        return self._jobs.submit(kind, fn, cancel).token

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop training (within a mini-batch) and cancel every job; True when joined."""
        self._closed = True
        self._stop.set()
        self._pending.clear()
        if self._load_cancel is not None:
            self._load_cancel.set()
        self._jobs.close()  # daemon threads: cancelled, never waited for
        ok = self._runner.stop(timeout_ms)
        self._training = False
        return ok

    # -- network and settings -------------------------------------------------------------

    def set_layers(self, layers) -> None:
        """Replace the hidden layers (a tuple of ``LayerSpec``)."""
        layers = tuple(layers)
        if layers == self.wb.layers:
            return
        try:
            check_layers(layers)
        except UserError as exc:
            return self.error.emit(str(exc))
        self.wb.layers = layers
        self.layers_changed.emit(layers)
        self._when_idle(self._rebuild)

    def set_config(self, config: TrainingConfig) -> None:
        """New settings; a new seed, split or scaling starts over, anything else goes on."""
        try:
            config.validate()
        except UserError as exc:
            return self.error.emit(str(exc))
        if config == self.wb.config:
            return
        restart = self.wb.config_restarts(config)
        self.wb.config = config
        self.config_changed.emit(config)
        if restart:
            self._when_idle(self._rebuild)
        else:
            self._when_idle(self._apply_config, resume=True)

    def set_pace(self, epochs_per_second: float) -> None:
        """Show training at this many epochs a second (0: as fast as possible)."""
        self.pace = max(0.0, float(epochs_per_second))
        self.pace_changed.emit(self.pace)

    def _apply_config(self) -> None:
        trainer = self.trainer
        if trainer is None:
            return
        penalties = (trainer.config.l1, trainer.config.l2)
        self.wb.adopt_config(self.wb.config)
        if penalties != (self.wb.config.l1, self.wb.config.l2):
            self._request_baseline()  # ridge, weight decay, or none for L1

    def _when_idle(self, fn: Callable[[], object], resume: bool = False) -> None:
        """Run ``fn`` now, or once the current run has stopped (asking it to stop); with
        ``resume``, training then goes on (unless something else is also waiting)."""
        self.flush_views()  # what views still wait to hear comes first
        if not self._training:
            fn()
            return
        self._pending.append(fn)
        self._resume = (self._resume if self._pending[:-1] else True) and resume
        self._stop.set()

    def _rebuild(self) -> None:
        """A fresh model for the current data, layers and settings (a job when large)."""
        ds = self.dataset
        if ds is None:
            return
        if is_large(ds):
            self._submit("model", partial(jobs.model_job, ds, self.wb.layers, self.wb.config))
            return
        self._tokens.pop("model", None)  # a larger model still building is outdated
        try:
            model = jobs.build_model(ds, self.wb.layers, self.wb.config)
        except UserError as exc:
            return self.error.emit(str(exc))
        self._adopt_model(model)

    def _request_baseline(self) -> None:
        trainer, ds = self.trainer, self.dataset
        if trainer is None or ds is None:
            return
        self.wb.baseline, self.wb.baseline_error = None, None
        job = partial(jobs.baseline_job, trainer.copy(), ds.feature_names, labels=ds.class_labels)
        self._submit("baseline", job)

    # -- training ---------------------------------------------------------------------------

    def toggle_training(self) -> None:
        self.pause() if self._training else self.train()

    def train(self) -> None:
        """Train up to the configured epochs (another round when already there)."""
        if self.trainer is None or self._training:
            return
        left = self.wb.config.epochs - self.trainer.epoch
        self._start(left if left > 0 else self.wb.config.epochs)

    def step(self) -> None:
        """Train exactly one epoch."""
        if self.trainer is not None and not self._training:
            self._start(1)

    def pause(self) -> None:
        """Stop the run within one mini-batch."""
        if self._training:
            self._stop.set()

    def _start(self, epochs: int) -> None:
        if self._closed:
            return
        self.flush_views()
        trainer = self.trainer
        self._stop = threading.Event()
        self._run_token += 1
        self._training = True
        self.wb.remember(f"training from epoch {trainer.epoch:,}")
        self.wb.solved = False
        self.run_end_epoch = trainer.epoch + epochs
        # Paced runs snapshot every epoch (smooth paths); full speed every few milliseconds.
        interval = 0.0 if self.pace > 0 else SNAPSHOT_INTERVAL
        if trainer.config.progress_interval != interval:
            trainer.set_config(replace(trainer.config, progress_interval=interval))
        probe = self.fit_probe
        req = TrainingRequest(trainer, epochs, self._stop, probe, self._run_token, self.pace)
        self.state_changed.emit("training")
        self._runner.run(req)

    def reset(self) -> None:
        """Back to the initial weights drawn from the seed, with an empty history."""
        self._when_idle(self._do_reset)

    def _do_reset(self) -> None:
        if self.trainer is None:
            return
        self.wb.reset_weights()
        self.version += 1
        self.model_reset.emit()
        self._update_results()
        self.message.emit(
            f"Weights back to their starting values (seed {self.wb.config.seed}); "
            "change the seed for a different start."
        )

    def solve(self) -> None:
        """Set the weights to the closed-form solution (waits for the baseline)."""
        self._when_idle(self._do_solve)

    def _do_solve(self) -> None:
        if self.trainer is None:
            return
        if self.trainer.spec.is_linear and self.baseline is None and not self.baseline_error:
            self._solve_pending = True
            return self.message.emit("Fitting the closed-form model...")
        self._solve_pending = False
        self._change_weights(self.wb.solve)
        if self.wb.solved:
            title = baseline_title(self.baseline)
            self.message.emit(f"Solved analytically: the weights now give {title}.")

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set weight (i, j) of ``network.layers[layer]`` (idle only)."""
        if self._training or self.trainer is None:
            return self.error.emit("Pause training before editing a weight.")
        if self._change_weights(partial(self.wb.set_weight, layer, i, j, value)):
            self.message.emit(f"Weight set to {value:g}.")

    def _change_weights(self, change: Callable[[], None]) -> bool:
        self.flush_views()
        try:
            change()
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        self.version += 1
        self._update_results()
        return True

    def _update_results(self, outcome: RunOutcome | None = None) -> None:
        """The idle trainer's read-out: the collapse now; the metrics from the run, the
        cache, at once when small, or from a job when large."""
        trainer, ds, wb = self.trainer, self.dataset, self.wb
        if trainer is None or ds is None:
            return
        if outcome is not None and outcome.result.metrics:
            wb.remember_evaluation(wb.results_key, outcome.approximation, outcome.result.metrics)
        cached = wb.cached_evaluation()
        if cached is None and is_large(ds, trainer.network.n_params):
            self._evaluating = wb.results_key
            self._submit("evaluation", partial(jobs.evaluation_job, trainer.copy()))
        elif cached is None:
            wb.remember_evaluation(wb.results_key, *evaluate(trainer))
            cached = wb.cached_evaluation()
        self.results_changed.emit(wb.update_results(*(cached or (None, {}))))

    # -- slots (queued from the training thread and the jobs) -----------------------------------

    @Slot(object)
    def _on_progress(self, update: TrainingUpdate) -> None:
        if self._training:
            self.wb.take_progress(update)
            self.version += 1

    @Slot(int, object)
    def _on_finished(self, token: int, outcome: RunOutcome) -> None:
        if token != self._run_token or not self._training:
            return
        result = outcome.result
        self._training = False
        self.wb.last_result = result
        self.state_changed.emit("idle")
        if result.diverged:
            self.error.emit(result.message)
        elif result.early_stopped:
            self.message.emit(result.message)
        else:
            self.message.emit(f"Trained to epoch {result.epoch:,} in {result.seconds:.2f} s.")
        resume = self._resume and bool(self._pending)
        if not self._run_pending():
            self._update_results(outcome)
        self.training_finished.emit(result)
        if resume and not result.diverged and self.trainer is not None:
            self.train()

    @Slot(int, str)
    def _on_failed(self, token: int, message: str) -> None:
        if token == self._run_token:
            self._training = False
            self.state_changed.emit("idle")
            self.error.emit(message)
            self._run_pending()

    def _run_pending(self) -> bool:
        pending, self._pending, self._resume = self._pending, [], False
        for fn in pending:
            fn()
        return bool(pending)

    def _current(self, kind: str, token: int) -> bool:
        return self._tokens.get(kind) == token

    @Slot(int, float)
    def _on_job_progress(self, token: int, fraction: float) -> None:
        if self._current("load", token):
            self.load_progress.emit(fraction)

    @Slot(int, str, object)
    def _on_job_done(self, token: int, kind: str, result: object) -> None:
        if kind.startswith("panel:"):
            self.background_done.emit(token, kind, result)
        elif self._current(kind, token):
            getattr(self, f"_{kind}_done")(result)

    @Slot(int, str, str)
    def _on_job_failed(self, token: int, kind: str, message: str) -> None:
        if kind.startswith("panel:"):
            self.background_failed.emit(token, kind, message)
        elif kind == "baseline" and self._current(kind, token):
            self._baseline_done(None, message)
        elif self._current(kind, token):
            getattr(self, f"_{kind}_failed", self.error.emit)(message)

    def _model_done(self, model: Model) -> None:
        self._when_idle(partial(self._adopt_model, model))

    def _evaluation_done(self, result: tuple) -> None:
        if not self._training and self.wb.remember_evaluation(self._evaluating, *result):
            self._update_results()

    def _baseline_done(self, base, message: str | None = None) -> None:
        self.wb.baseline, self.wb.baseline_error = base, message
        self.baseline_changed.emit(base)
        if message is not None and not self._solve_pending:
            self.message.emit(f"No closed-form comparison: {message}")
        if self._solve_pending:
            self._when_idle(self._do_solve)
        elif not self._training:  # the read-outs with the comparison (or why there is
            self._views_later(self._update_results)  # none) in a turn of their own
