"""The model controller: the one object that owns the application state.

Panels send intents to its public methods and redraw from its signals; they never talk to
each other. Training runs in a ``TrainingWorker`` on its own ``QThread``; loading tables and
fitting the closed-form baseline run in a ``TaskWorker`` on a second thread. While a run is
going the GUI thread never touches the ``Trainer``: it reads the copied arrays the worker
sends, and anything that would change the trainer waits until the run has stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnlin_gui.core.blas import fix_blas_threads, fixed_blas_threads
from nnlin_gui.core.collapse import AffineApproximation, Collapse
from nnlin_gui.core.data import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.numeric_range import check_network_range
from nnlin_gui.core.session import OpenedSession, SessionError, SessionState
from nnlin_gui.core.training import Trainer, TrainingConfig, TrainingResult
from nnlin_gui.curves import TrainingCurves
from nnlin_gui.tasks import LoadedTable, builtin_source, load_source
from nnlin_gui.worker import (
    SNAPSHOT_INTERVAL,
    FitProbe,
    RunOutcome,
    Task,
    TaskWorker,
    TrainingRequest,
    TrainingUpdate,
    TrainingWorker,
    approximate,
    predict_probe,
    start_thread,
    stop_thread,
)

log = logging.getLogger(__name__)

DEFAULT_LAYERS = (LayerSpec("dense", 4, "identity"), LayerSpec("dense", 4, "identity"))
DEFAULT_SOURCE = "builtin:linear"
# rows x parameters above which metrics are computed off the GUI thread (~30 ms of work)
LARGE_EVALUATION = 3_000_000
DEFAULT_PACE = 100.0  # slow enough to watch the coefficients converge
# Threads that did not stop in time: kept referenced so Qt never destroys a running thread.
_LINGERING: list[QThread] = []


def wait_lingering_threads(timeout_ms: int = 5000) -> None:
    """At exit: give threads that missed ``shutdown``'s deadline a last chance to end."""
    while _LINGERING:
        thread = _LINGERING.pop()
        thread.wait(timeout_ms)


@dataclass(frozen=True)
class Results:
    """What the current network amounts to, computed when training is idle.

    ``max_diff`` is the largest |difference| between the collapsed coefficients and the
    baseline's (None when either is missing).
    """

    epoch: int
    collapse: Collapse
    approximation: AffineApproximation | None = None
    baseline: object = None  # core.fitting.Baseline
    max_diff: float | None = None
    metrics: dict = field(default_factory=dict)
    feature_names: tuple[str, ...] = ()
    target_name: str = ""

    @property
    def W(self) -> np.ndarray | None:
        if self.collapse.collapsible:
            return self.collapse.W
        return None if self.approximation is None else self.approximation.W

    @property
    def b(self) -> np.ndarray | None:
        if self.collapse.collapsible:
            return self.collapse.b
        return None if self.approximation is None else self.approximation.b


def _baseline_job(trainer: Trainer, names: tuple[str, ...], progress, cancel):
    from nnlin_gui.core.fitting import baseline_for

    return baseline_for(trainer, names)


def _evaluate_job(trainer: Trainer, progress, cancel):
    return approximate(trainer), trainer.evaluate()


@dataclass(frozen=True)
class SessionBuild:
    """A session file read, checked and built off the GUI thread, with what the views need:
    swapping it in is then only assignments and signals."""

    opened: OpenedSession
    table: LoadedTable
    fit: tuple  # (fit mode, FitProbe, actual values or None), as ``_fit_probe`` gives
    diagram: Network


def _session_job(path: str, progress, cancel) -> SessionBuild:
    from nnlin_gui.core.session import open_session

    opened = open_session(path)
    state = opened.state
    try:
        return SessionBuild(
            opened,
            _session_table(state),
            _fit_probe(state.dataset),
            Network(state.spec, seed=state.config.seed),
        )
    except MemoryError:
        name = Path(path).name
        raise SessionError(f"{name}: too large to open with the memory available") from None


def _session_table(state: SessionState) -> LoadedTable:
    """The data table shown for a session's dataset (the arrays, named)."""
    import pandas as pd

    ds = state.dataset
    frame = pd.DataFrame(ds.X, columns=list(ds.feature_names))
    frame[ds.target_name] = ds.y
    return LoadedTable(
        frame=frame,
        source=state.source or ds.source,
        numeric=(*ds.feature_names, ds.target_name),
        summary=f"{ds.n_rows:,} rows from a session file.",
    )

def _network_dataset(table: LoadedTable, target: str, features, task=None) -> Dataset:
    """The dataset for these columns; ``UserError`` in one sentence when a network cannot
    be trained and reported on it in double precision (values near 1e+-308)."""
    dataset = table.to_dataset(target, features, task=task)
    check_network_range(
        dataset.X, dataset.y, dataset.feature_names, dataset.target_name, dataset.task
    )
    return dataset



def _fit_probe(dataset: Dataset) -> tuple[str, FitProbe, np.ndarray | None]:
    """Where to evaluate the network for the fit view, by the number of features."""
    X = dataset.X
    k = X.shape[1]
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    if k == 1:
        grid = np.linspace(lo[0], hi[0], 300)[:, None]
        return "curve", FitProbe(grid), None
    if k == 2:
        g0 = np.linspace(lo[0], hi[0], 60)
        g1 = np.linspace(lo[1], hi[1], 60)
        a, b = np.meshgrid(g0, g1, indexing="ij")
        return "heatmap", FitProbe(np.column_stack([a.ravel(), b.ravel()])), None
    rows = np.arange(len(X))
    if len(rows) > 2000:
        rows = np.sort(np.random.default_rng(0).choice(len(X), 2000, replace=False))
    return "scatter", FitProbe(X[rows].copy()), dataset.y[rows].copy()


class ModelController(QObject):
    """Owns dataset, network, settings, trained parameters and results.

    Signals
    -------
    table_changed(LoadedTable), dataset_changed(Dataset), spec_changed(NetworkSpec),
    layers_changed(tuple), config_changed(TrainingConfig), state_changed(str 'idle'|'training'),
    loading_changed(bool), load_progress(float), model_reset(), results_changed(Results),
    baseline_changed(object), training_finished(TrainingResult), message(str), error(str)
    """

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
    # Panels' own background jobs (diagnostics, comparisons): see ``run_background``.
    background_done = Signal(int, str, object)
    background_failed = Signal(int, str, str)
    # A session file replaced the whole state (OpenedSession) / could not be opened (message).
    session_opened = Signal(object)
    session_failed = Signal(str)

    _train_requested = Signal(object)
    _task_requested = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Training, tasks and painting all call BLAS from their own threads: one fixed BLAS
        # thread count for the process (core/blas.py); one thread suits the small networks
        # people train here and leaves the other core to the GUI.
        if fixed_blas_threads() is None:
            fix_blas_threads(1)
        self.table: LoadedTable | None = None
        self.dataset: Dataset | None = None
        # The user's regression/classification choice for the current target (None: the
        # default the data suggests) and the feature columns the dataset was built from.
        self.task_choice: str | None = None
        self._feature_choice: tuple[str, ...] | None = None
        self.layers: tuple[LayerSpec, ...] = DEFAULT_LAYERS
        # Full-batch Adam reaches the OLS solution to ~1e-7 in 300 epochs on the linear set.
        self.config = TrainingConfig(
            optimizer="adam",
            learning_rate=0.03,
            batch_size=0,
            epochs=300,
            progress_interval=SNAPSHOT_INTERVAL,
        )
        self.pace = DEFAULT_PACE  # epochs per second while training (0: full speed)
        self.spec: NetworkSpec | None = None
        self.trainer: Trainer | None = None
        self.baseline = None
        self.results: Results | None = None
        self.curves = TrainingCurves()
        self.fit_mode = "curve"
        self.fit_probe: FitProbe | None = None
        self.fit_actual: np.ndarray | None = None
        self.latest_fit: np.ndarray | None = None
        self.diagram_net: Network | None = None
        self.version = 0  # bumped whenever the plotted data changes
        self.last_result: TrainingResult | None = None
        self.run_end_epoch = 0  # the epoch the current run stops at
        # Results cache: (parameter version, epoch) -> approximation and metrics.
        self._param_version = 0
        self._evaluated: tuple | None = None
        self._results_key: tuple | None = None
        self._results_token = -1
        self._training = False
        self._stop = threading.Event()
        self._run_token = 0
        self._pending: list[Callable[[], None]] = []
        self._resume = False  # train on once the pending changes are applied
        self._solve_pending = False
        self._load_token = 0
        self._load_cancel: threading.Event | None = None
        self._baseline_token = 0
        self._baseline_error: str | None = None
        self._task_token = 0
        self._train_thread: QThread | None = None
        self._task_thread: QThread | None = None
        self._train_worker: TrainingWorker | None = None
        self._task_worker: TaskWorker | None = None
        self._closed = False
        # Lessons and sessions: a setup waiting for its table; was the net solved last?
        self._setup: tuple | None = None
        self._session_token = -1
        self.solved = False

    # -- threads -------------------------------------------------------------------------------

    def _ensure_train_thread(self) -> None:
        if self._train_thread is not None:
            return
        self._train_worker = TrainingWorker()
        self._train_requested.connect(self._train_worker.run)
        self._train_worker.progress.connect(self._on_progress)
        self._train_worker.finished.connect(self._on_finished)
        self._train_worker.failed.connect(self._on_failed)
        self._train_thread = start_thread(self._train_worker, "nnlin-training")

    def _submit(self, kind: str, fn, cancel: threading.Event | None = None) -> int:
        if self._task_thread is None:
            self._task_worker = TaskWorker()
            self._task_requested.connect(self._task_worker.run)
            self._task_worker.progress.connect(self._on_task_progress)
            self._task_worker.done.connect(self._on_task_done)
            self._task_worker.failed.connect(self._on_task_failed)
            self._task_thread = start_thread(self._task_worker, "nnlin-tasks")
        self._task_token += 1
        task = Task(kind, fn, cancel or threading.Event(), self._task_token)
        self._task_requested.emit(task)
        return task.token

    def run_background(self, kind: str, fn, cancel: threading.Event | None = None) -> int:
        """Run ``fn(progress, cancel)`` on the task thread for a panel; the result arrives as
        ``background_done(token, kind, result)`` (a ``UserError`` as ``background_failed``).
        ``kind`` must start with ``"panel:"``. Returns the token (-1 once closed)."""
        if self._closed:
            return -1
        if not kind.startswith("panel:"):
            raise ValueError(f"background kinds start with 'panel:', got {kind!r}")
        return self._submit(kind, fn, cancel)

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop training and background work and join both threads (within ``timeout_ms``)."""
        self._closed = True
        self._stop.set()
        self._pending.clear()
        if self._load_cancel is not None:
            self._load_cancel.set()
        ok = True
        for attr in ("_train_thread", "_task_thread"):
            thread = getattr(self, attr)
            if thread is not None and not stop_thread(thread, timeout_ms):
                _LINGERING.append(thread)
                ok = False
            setattr(self, attr, None)
        self._training = False
        return ok

    # -- properties ----------------------------------------------------------------------------

    @property
    def is_training(self) -> bool:
        return self._training

    @property
    def baseline_error(self) -> str | None:
        """Why there is no closed-form comparison (None while it is coming or present)."""
        return self._baseline_error

    @property
    def is_loading(self) -> bool:
        return self._load_cancel is not None

    @property
    def epoch(self) -> int:
        epochs = self.curves.epochs
        return int(epochs[-1]) if len(epochs) else 0

    # -- data ----------------------------------------------------------------------------------

    def open_source(self, source: str) -> None:
        """Load a CSV/TSV path or ``builtin:NAME?...`` off the GUI thread."""
        if self._closed:
            return
        self._setup = None  # a plain open replaces a lesson setup still loading
        self.cancel_load()
        cancel = threading.Event()
        self._load_cancel = cancel
        self._load_token = self._submit("load", partial(load_source, source), cancel)
        self.loading_changed.emit(True)
        self.message.emit(f"Loading {source.split('?')[0]}...")

    def load_builtin(self, name: str, params: dict | None = None) -> None:
        """Load the built-in dataset ``name`` with parameters (n, noise, seed)."""
        self.open_source(builtin_source(name, params or {}))

    def cancel_load(self) -> None:
        """Abandon the load in progress; the current data stays."""
        if self._load_cancel is not None:
            self._load_cancel.set()
            self._load_cancel = None
            self._load_token = -1
            self.loading_changed.emit(False)
            self.message.emit("Loading cancelled; the previous data is kept.")

    def set_target(self, target: str) -> None:
        """Predict ``target`` from every other numeric column (or the chosen features)."""
        if self.table is None or (self.dataset and target == self.dataset.target_name):
            return
        features = None
        if self.dataset is not None:
            # The roles swap: the old target becomes a feature, the new one leaves them.
            old = self.dataset
            kept = [f for f in old.feature_names if f != target]
            if old.target_name in self.table.numeric:
                kept.append(old.target_name)
            order = {name: i for i, name in enumerate(self.table.numeric)}
            features = tuple(sorted(kept, key=lambda f: order.get(f, len(order)))) or None
        # A new target starts from its own default task.
        self._when_idle(partial(self._use_columns, self.table, target, features, None))

    def set_features(self, features: tuple[str, ...]) -> None:
        """Use ``features`` as the inputs (the target is never one of them)."""
        if self.table is None or self.dataset is None:
            return
        target = self.dataset.target_name
        feats = tuple(f for f in features if f != target)
        if feats == self.dataset.feature_names:
            return
        if not feats:
            self.error.emit("Choose at least one feature column.")
            self.dataset_changed.emit(self.dataset)  # panels restore the old choice
            return
        self._when_idle(partial(self._use_columns, self.table, target, feats, self.task_choice))

    def set_task(self, task: str) -> None:
        """Fit the current target as 'regression' or 'classification' (binary or
        multiclass as its values decide); a refusal goes to ``error`` and the old task stays."""
        if self.table is None or self.dataset is None or task == self.dataset.task_kind:
            return
        ds = self.dataset
        self._when_idle(
            partial(self._use_columns, self.table, ds.target_name, self._feature_choice, task)
        )

    def _use_columns(self, table: LoadedTable, target: str, features, task=None) -> bool:
        try:
            dataset = _network_dataset(table, target, features, task)
        except UserError as exc:
            self.error.emit(str(exc))
            if self.dataset is not None:
                self.dataset_changed.emit(self.dataset)
            return False
        self.dataset, self.task_choice, self._feature_choice = dataset, task, features
        self.dataset_changed.emit(dataset)
        self._rebuild()
        return True

    # -- network and settings --------------------------------------------------------------------

    def set_layers(self, layers) -> None:
        """Replace the hidden layers (a tuple of ``LayerSpec``)."""
        layers = tuple(layers)
        if layers == self.layers:
            return
        for i, layer in enumerate(layers):
            try:
                layer.validate(i)
            except UserError as exc:
                self.error.emit(str(exc))
                return
        self.layers = layers
        self.layers_changed.emit(layers)
        self._when_idle(self._rebuild)

    def set_config(self, config: TrainingConfig) -> None:
        """Change training settings; a new seed or test fraction starts over."""
        try:
            config.validate()
        except UserError as exc:
            self.error.emit(str(exc))
            return
        if config == self.config:
            return
        old, self.config = self.config, config
        self.config_changed.emit(config)
        restart = (old.seed, old.test_fraction, old.standardize) != (
            config.seed,
            config.test_fraction,
            config.standardize,
        )
        if restart:
            self._when_idle(self._rebuild)
        else:
            # Learning rate, penalties, epochs...: as in the Playground, a running
            # training picks them up and goes on.
            self._when_idle(self._apply_config, resume=True)

    def set_pace(self, epochs_per_second: float) -> None:
        """Show training at this many epochs a second (0: as fast as possible)."""
        self.pace = max(0.0, float(epochs_per_second))
        self.pace_changed.emit(self.pace)

    def _apply_config(self) -> None:
        if self.trainer is None:
            return
        self.trainer.set_config(self.config)
        # The baseline depends on the penalties (ridge, weight decay, none for L1).
        penalties = (self.trainer.config.l1, self.trainer.config.l2)
        if penalties != getattr(self, "_baseline_penalties", None):
            self._request_baseline()

    def _when_idle(self, fn: Callable[[], object], resume: bool = False) -> None:
        """Run ``fn`` now, or after the current run stops (asking it to stop); with
        ``resume``, training then continues (unless something else is also waiting)."""
        if not self._training:
            fn()
            return
        self._pending.append(fn)
        self._resume = (self._resume if self._pending[:-1] else True) and resume
        self._stop.set()

    def _rebuild(self) -> None:
        """A fresh trainer for the current dataset, layers and settings."""
        ds = self.dataset
        if ds is None:
            return
        from nnlin_gui.core.fitting import build_spec

        try:
            spec = build_spec(ds, self.layers)
            trainer = Trainer(spec, ds.X, ds.y, self.config)
        except UserError as exc:
            self.error.emit(str(exc))
            return
        self.spec, self.trainer = spec, trainer
        self._param_version += 1
        self.diagram_net = Network(spec, seed=self.config.seed)
        self.fit_mode, self.fit_probe, self.fit_actual = _fit_probe(ds)
        self.spec_changed.emit(spec)
        self.baseline = None
        self._restart_curves()
        self._request_baseline()

    def _restart_curves(self) -> None:
        trainer = self.trainer
        self.solved = False
        n_coef = trainer.spec.n_outputs * (trainer.spec.n_inputs + 1)
        self.curves = TrainingCurves.from_history(trainer.history, n_coef)
        self.last_result = None
        self._sync_from_trainer()
        self.model_reset.emit()
        self._update_results()

    def _sync_from_trainer(self) -> None:
        """Copy the idle trainer's parameters and fit to what the views read."""
        trainer = self.trainer
        self.latest_fit = predict_probe(trainer, self.fit_probe)
        if self.diagram_net is not None:
            self.diagram_net.theta[...] = trainer.network.theta
        self.version += 1

    def _request_baseline(self) -> None:
        trainer = self.trainer
        if trainer is None or self.dataset is None:
            return
        self._baseline_penalties = (trainer.config.l1, trainer.config.l2)
        self._baseline_error = None
        self._baseline_token = self._submit(
            "baseline", partial(_baseline_job, trainer, self.dataset.feature_names)
        )

    # -- training intents ------------------------------------------------------------------------

    def toggle_training(self) -> None:
        """Train when idle, pause when training."""
        if self._training:
            self.pause()
        else:
            self.train()

    def train(self) -> None:
        """Train up to the configured number of epochs (another round when already there)."""
        if self.trainer is None or self._training:
            return
        left = self.config.epochs - self.trainer.epoch
        self._start(left if left > 0 else self.config.epochs)

    def step(self) -> None:
        """Train exactly one epoch."""
        if self.trainer is None or self._training:
            return
        self._start(1)

    def pause(self) -> None:
        """Ask the running training to stop after the current epoch."""
        if self._training:
            self._stop.set()

    def _start(self, epochs: int) -> None:
        if self._closed:
            return
        self._ensure_train_thread()
        self._stop = threading.Event()
        self._run_token += 1
        self._training = True
        self.solved = False
        self.run_end_epoch = self.trainer.epoch + epochs
        # Paced runs snapshot every epoch (smooth paths); full speed every few milliseconds.
        interval = 0.0 if self.pace > 0 else SNAPSHOT_INTERVAL
        if self.trainer.config.progress_interval != interval:
            self.trainer.set_config(replace(self.trainer.config, progress_interval=interval))
        req = TrainingRequest(
            self.trainer, epochs, self._stop, self.fit_probe, self._run_token, self.pace
        )
        self.state_changed.emit("training")
        self._train_requested.emit(req)

    def reset(self) -> None:
        """Back to the initial weights drawn from the seed (same seed, same start: runs are
        repeatable), with an empty history."""
        self._when_idle(self._do_reset)

    def _do_reset(self) -> None:
        if self.trainer is None:
            return
        self.trainer.reset()
        self._param_version += 1
        self._restart_curves()
        self.message.emit(
            f"Weights back to their starting values (seed {self.config.seed}); "
            "change the seed for a different start."
        )

    def solve(self) -> None:
        """Set the weights to the closed-form solution (OLS, ridge, weight decay, logistic)."""
        self._when_idle(self._do_solve)

    def _do_solve(self) -> None:
        trainer = self.trainer
        if trainer is None:
            return
        if not trainer.spec.is_linear:
            bad = next(
                i for i, lay in enumerate(trainer.spec.layers) if lay.activation != "identity"
            )
            self.error.emit(
                f"Cannot solve analytically: layer {bad + 1} uses "
                f"{trainer.spec.layers[bad].activation}. Make all layers identity first."
            )
            return
        if self.baseline is None and self._baseline_error:
            self.error.emit(f"Cannot solve analytically: {self._baseline_error}")
            return
        if self.baseline is None:
            self._solve_pending = True
            self.message.emit("Fitting the closed-form model...")
            return
        self._solve_pending = False
        from nnlin_gui.core.comparison import baseline_title
        from nnlin_gui.core.fitting import solve_to_baseline

        try:
            solve_to_baseline(trainer, self.baseline)
            self._param_version += 1
            self.solved = True
        except UserError as exc:
            self.error.emit(str(exc))
            return
        col = trainer.collapse()
        if col.collapsible:
            self.curves.add_coefficients(trainer.epoch, col.W, col.b)
        self._sync_from_trainer()
        self._update_results()
        self.message.emit(
            f"Solved analytically: the weights now give {baseline_title(self.baseline)}."
        )

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set weight (i, j) of ``network.layers[layer]`` (idle only; dense layers)."""
        if self._training or self.trainer is None:
            self.error.emit("Pause training before editing a weight.")
            return
        target = self.trainer.network.layers[layer]
        W = getattr(target, "W", None)
        if W is None or not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            self.error.emit("That weight cannot be edited.")
            return
        if not np.isfinite(value):
            self.error.emit("A weight must be a finite number.")
            return
        W[i, j] = value
        self._param_version += 1
        self._sync_from_trainer()
        self._update_results()
        self.message.emit(f"Weight set to {value:g}.")

    # -- results ---------------------------------------------------------------------------------

    def _update_results(self, outcome: RunOutcome | None = None) -> None:
        """Results of the idle trainer; after a run, the worker's metrics and approximation
        are reused (recomputing them here would stall the GUI on large data)."""
        trainer, ds = self.trainer, self.dataset
        if trainer is None or ds is None:
            return
        col = trainer.collapse()
        key = (self._param_version, trainer.epoch)
        if outcome is not None and outcome.result.metrics:
            approx, metrics = outcome.approximation, outcome.result.metrics
            self._evaluated = (key, approx, metrics)
        elif self._evaluated is not None and self._evaluated[0] == key:
            _, approx, metrics = self._evaluated
        elif ds.n_rows * trainer.network.n_params > LARGE_EVALUATION:
            # Large: metrics and the approximation come from the task thread (shown when
            # they arrive); the collapse itself is cheap and shown now.
            approx, metrics = None, {}
            self._results_key = key
            self._results_token = self._submit("results", partial(_evaluate_job, trainer))
        else:
            approx, metrics = approximate(trainer), trainer.evaluate()
            self._evaluated = (key, approx, metrics)
        base = self.baseline
        max_diff = None
        if base is not None and col.collapsible and col.W.shape == np.shape(base.W):
            max_diff = float(
                max(np.abs(col.W - base.W).max(), np.abs(col.b - np.ravel(base.b)).max())
            )
        self.results = Results(
            epoch=trainer.epoch,
            collapse=col,
            approximation=approx,
            baseline=base,
            max_diff=max_diff,
            metrics=metrics,
            feature_names=ds.feature_names,
            target_name=ds.target_name,
        )
        self.results_changed.emit(self.results)

    # -- slots (queued from the worker threads) ---------------------------------------------------

    @Slot(object)
    def _on_progress(self, update: TrainingUpdate) -> None:
        if not self._training:
            return
        self.curves.extend_loss(update.epochs, update.train_loss, update.test_loss)
        for epoch, row in zip(update.coef_epochs, update.coef, strict=True):
            self.curves.add_coefficient_row(int(epoch), row)
        if update.fit is not None:
            self.latest_fit = update.fit
        if self.diagram_net is not None and len(update.theta) == len(self.diagram_net.theta):
            self.diagram_net.theta[...] = update.theta
        self.version += 1

    @Slot(int, object)
    def _on_finished(self, token: int, outcome: RunOutcome) -> None:
        if token != self._run_token or not self._training:
            return
        result = outcome.result
        self._training = False
        self.last_result = result
        self.state_changed.emit("idle")
        if result.diverged:
            self.error.emit(result.message)
        elif result.early_stopped:
            self.message.emit(result.message)
        else:
            self.message.emit(f"Trained to epoch {result.epoch:,} in {result.seconds:.2f} s.")
        pending, self._pending = self._pending, []
        resume, self._resume = self._resume and bool(pending), False
        if pending:
            for fn in pending:
                fn()
        else:
            self._update_results(outcome)
        self.training_finished.emit(result)
        if resume and not result.diverged and self.trainer is not None:
            self.train()

    @Slot(int, str)
    def _on_failed(self, token: int, message: str) -> None:
        if token != self._run_token:
            return
        self._training = False
        self.state_changed.emit("idle")
        self.error.emit(message)
        pending, self._pending = self._pending, []
        for fn in pending:
            fn()

    @Slot(int, float)
    def _on_task_progress(self, token: int, fraction: float) -> None:
        if token == self._load_token:
            self.load_progress.emit(fraction)

    @Slot(int, str, object)
    def _on_task_done(self, token: int, kind: str, result: object) -> None:
        if kind.startswith("panel:"):
            self.background_done.emit(token, kind, result)
            return
        if kind == "load" and token == self._load_token:
            self._load_cancel = None
            self.loading_changed.emit(False)
            self._when_idle(partial(self._apply_table, result))
        elif kind == "results" and token == self._results_token:
            current = (
                self.trainer is not None
                and (
                    self._param_version,
                    self.trainer.epoch,
                )
                == self._results_key
            )
            if current and not self._training:
                self._evaluated = (self._results_key, *result)
                self._update_results()
        elif kind == "session" and token == self._session_token:
            self.restore_session(result)
        elif kind == "baseline" and token == self._baseline_token:
            self.baseline = result
            self.baseline_changed.emit(result)
            if self._solve_pending:
                self._when_idle(self._do_solve)
            elif not self._training:
                self._update_results()

    @Slot(int, str, str)
    def _on_task_failed(self, token: int, kind: str, message: str) -> None:
        if kind.startswith("panel:"):
            self.background_failed.emit(token, kind, message)
            return
        if kind == "load" and token == self._load_token:
            self._load_cancel = None
            self.loading_changed.emit(False)
            self.error.emit(message)
        elif kind == "session" and token == self._session_token:
            self.session_failed.emit(message)
        elif kind == "baseline" and token == self._baseline_token:
            self.baseline = None
            self._baseline_error = message
            self.baseline_changed.emit(None)
            if self._solve_pending:
                self._solve_pending = False
                self.error.emit(f"Cannot solve analytically: {message}")
            else:
                self.message.emit(f"No closed-form comparison: {message}")
            if not self._training:
                self._update_results()  # the read-out says why there is no comparison

    def _apply_table(self, table: LoadedTable) -> None:
        setup, self._setup = self._setup, None
        if setup is not None:
            self._apply_setup_table(table, setup)
            return
        try:
            dataset = _network_dataset(table, table.default_target(), None)
        except UserError as exc:
            self.error.emit(str(exc))  # the previous table and dataset stay
            return
        self.table, self.dataset = table, dataset
        self.task_choice, self._feature_choice = None, None
        self.table_changed.emit(table)
        self.dataset_changed.emit(dataset)
        self._rebuild()
        dropped = f", {dataset.rows_dropped} rows dropped" if dataset.rows_dropped else ""
        self.message.emit(
            f"Loaded {table.title}: {dataset.n_rows:,} rows, "
            f"{len(dataset.feature_names)} features{dropped}."
        )

    # -- lessons and sessions ------------------------------------------------------------------

    def apply_setup(
        self,
        source: str,
        target: str | None = None,
        features: tuple[str, ...] | None = None,
        layers=(),
        config: TrainingConfig | None = None,
    ) -> None:
        """Load ``source`` and then use ``target``, ``features``, ``layers`` and ``config``
        in one rebuild (a lesson step's one click). Errors go to ``error``; the current
        state stays until the new table has loaded and fits."""
        layers = tuple(layers)
        try:
            for i, layer in enumerate(layers):
                layer.validate(i)
            if config is not None:
                config.validate()
        except UserError as exc:
            self.error.emit(str(exc))
            return
        self.open_source(source)
        self._setup = (target, None if features is None else tuple(features), layers, config)

    def _apply_setup_table(self, table: LoadedTable, setup: tuple) -> None:
        target, features, layers, config = setup
        try:
            dataset = _network_dataset(table, target or table.default_target(), features)
        except UserError as exc:
            self.error.emit(str(exc))
            return
        self.table, self.dataset = table, dataset
        self.task_choice, self._feature_choice = None, features
        self.layers = layers
        if config is not None:
            self.config = replace(config, progress_interval=self.config.progress_interval)
        self.table_changed.emit(table)
        self.dataset_changed.emit(dataset)
        self.layers_changed.emit(self.layers)
        self.config_changed.emit(self.config)
        self._rebuild()
        self.message.emit(f"Set up: {table.title}, {len(layers)} hidden layers.")

    def open_session(self, path: str) -> int:
        """Read, check and build the session file ``path`` off the GUI thread.

        When all of it is ready it replaces the current state in one step and
        ``session_opened`` follows; otherwise ``session_failed`` carries the one-line
        message and nothing has changed. Returns the job's token (-1 once closed).
        """
        if self._closed:
            return -1
        self._session_token = self._submit("session", partial(_session_job, path))
        return self._session_token

    def restore_session(self, build: SessionBuild) -> None:
        """Make a built session the current state (data, network, settings, weights,
        optimizer and history), once training has stopped."""
        self._when_idle(partial(self._do_restore, build))

    def _do_restore(self, build: SessionBuild) -> None:
        opened = build.opened
        state, ds = opened.state, opened.state.dataset
        if self.is_loading:
            self.cancel_load()  # a table still loading must not replace the session
        self._setup = None
        # Every attribute first, then the signals: whichever panel reacts first already
        # sees the whole new state, never the new data with the old network.
        self.table, self.dataset = build.table, ds
        # The restored frame holds class indices: keep classifying them on later changes.
        self.task_choice = None if ds.task == "regression" else "classification"
        self._feature_choice = tuple(ds.feature_names)
        self.layers, self.config = tuple(state.spec.layers), state.config
        self.spec, self.trainer = state.spec, opened.trainer
        self.diagram_net = build.diagram
        self.fit_mode, self.fit_probe, self.fit_actual = build.fit
        self.baseline = None
        self._param_version += 1
        self.table_changed.emit(build.table)
        self.dataset_changed.emit(ds)
        self.layers_changed.emit(self.layers)
        self.config_changed.emit(self.config)
        self.spec_changed.emit(state.spec)
        self._restart_curves()
        self._request_baseline()
        self.session_opened.emit(opened)
