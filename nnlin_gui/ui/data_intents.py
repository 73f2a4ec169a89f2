"""The controller's data intents: opening tables, choosing columns and the task, a lesson
step's one-click set-up, and sessions. Every change is checked by the workbench first; the
current data stays until the new one is ready and usable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QTimer

from nnlin_gui.core.data.tables import Dataset, Table
from nnlin_gui.core.errors import UserError
from nnlin_gui.ui.map_intents import MapIntents
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.sources import builtin_source, table_title
from nnlin_gui.workbench.state import LARGE_WORK, Model, check_layers, dataset_for


class DataIntents(MapIntents):
    """Mixed into ``ModelController`` (which has the signals, ``wb`` and ``_submit``)."""

    # -- data --------------------------------------------------------------------------------

    def open_source(self, source: str) -> None:
        """Load a CSV/TSV path or ``builtin:NAME?...`` as a job; the current data stays
        until the new table is ready and usable."""
        if self._closed:
            return
        self.cancel_load(quiet=True)
        self._start_open(source, None, None, self.wb.layers, self.wb.config)

    def _start_open(self, source: str, target, features, layers, config) -> None:
        self._load_cancel = threading.Event()
        job = partial(jobs.open_job, source, target, features, layers, config)
        self._submit("load", job, self._load_cancel)
        self.loading_changed.emit(True)
        self.message.emit(f"Loading {source.split('?')[0]}...")

    def load_builtin(self, name: str, params: dict | None = None) -> None:
        self.open_source(builtin_source(name, params or {}))

    def cancel_load(self, quiet: bool = False) -> None:
        """Abandon the load in progress; the current data stays."""
        if self._load_cancel is None:
            return
        self._load_cancel.set()
        self._load_cancel = None
        self._tokens.pop("load", None)
        self.loading_changed.emit(False)
        if not quiet:
            self.message.emit("Loading cancelled; the previous data is kept.")

    def set_target(self, target: str) -> None:
        """Predict ``target``; the roles swap and the task starts from its default."""
        if self.table is None or (self.dataset and target == self.dataset.target_name):
            return
        features = self.wb.columns_for_target(target)
        self._when_idle(partial(self._use_columns, target, features, None))

    def set_features(self, features: tuple[str, ...]) -> None:
        if self.table is None or self.dataset is None:
            return
        try:
            feats = self.wb.features_without_target(tuple(features))
        except UserError as exc:
            return self._refuse(exc)
        if feats != self.dataset.feature_names:
            target = self.dataset.target_name
            self._when_idle(partial(self._use_columns, target, feats, self.wb.task_choice))

    def set_task(self, task: str) -> None:
        """'regression' or 'classification' for the current target."""
        ds = self.dataset
        if self.table is None or ds is None or task == ds.task_kind:
            return
        target, feats = ds.target_name, self.wb.feature_choice
        self._when_idle(partial(self._use_columns, target, feats, task))

    def _use_columns(self, target: str, features, task, transforms=None) -> None:
        table, wb = self.table, self.wb
        transforms = wb.transforms if transforms is None else transforms
        if table.n_rows * len(table.summary.columns) > LARGE_WORK:
            job = partial(jobs.columns_job, table, target, features, task, wb.layers, wb.config)
            self._submit("columns", partial(job, transforms=transforms))
            return
        try:
            dataset = dataset_for(table, target, features, task, transforms)
        except UserError as exc:
            return self._refuse(exc)
        self.wb.adopt_data(table, dataset, task, features, transforms)
        self.dataset_changed.emit(dataset)
        self._rebuild()

    def _columns_done(self, opened: jobs.Opened) -> None:
        self._when_idle(partial(self._adopt_opened, opened))

    def _columns_failed(self, message: str) -> None:
        self._refuse(UserError(message))

    def _refuse(self, exc: UserError) -> None:
        """Say why a change was refused; views put back what is still current."""
        self.error.emit(str(exc))
        if self.dataset is not None:
            self.dataset_changed.emit(self.dataset)

    # -- lessons and sessions ------------------------------------------------------------------

    def apply_setup(self, source: str, target=None, features=None, layers=(), config=None) -> None:
        """Load ``source`` and use ``target``, ``features``, ``layers``, ``config`` in one
        rebuild (a lesson step's one click); nothing changes until all of it fits."""
        layers = tuple(layers)
        try:
            check_layers(layers)
            if config is not None:
                config.validate()
        except UserError as exc:
            return self.error.emit(str(exc))
        if self._closed:
            return
        self.cancel_load(quiet=True)
        features = None if features is None else tuple(features)
        if config is not None:
            config = replace(config, progress_interval=self.wb.config.progress_interval)
        self._start_open(source, target, features, layers, config or self.wb.config)

    def open_session(self, path: str) -> int:
        """Read, check and build a session file as a job; ``session_opened`` when all of it
        replaced the state, ``session_failed`` (nothing changed) otherwise."""
        if self._closed:
            return -1
        return self._submit("session", partial(jobs.session_job, path))

    def restore_session(self, build: jobs.SessionBuild) -> None:
        self._when_idle(partial(self._do_restore, build))

    def _do_restore(self, build: jobs.SessionBuild) -> None:
        opened = build.opened
        state = opened.state
        self.cancel_load(quiet=True)  # a table still loading must not replace the session
        self.wb.adopt_data(build.table, state.dataset, None, None, build.transforms)
        self.wb.config = state.config
        model = Model(state.spec, opened.trainer, build.fit, build.diagram)
        self._emit_data(build.table, state.dataset)
        self.layers_changed.emit(tuple(state.spec.layers))
        self.config_changed.emit(state.config)
        self._adopt_model(model)
        self.session_opened.emit(opened)

    def _adopt_opened(self, opened: jobs.Opened, later: bool = False) -> None:
        """Make a table, its dataset and model current (built by a job: assignments only);
        with ``later``, the views hear of the table now, of the dataset, the model and the
        read-outs in the next three turns (``_adopt_model``)."""
        self.flush_views()
        table, dataset, model = opened.table, opened.dataset, opened.model
        self.wb.adopt_data(table, dataset, opened.task, opened.features, opened.transforms)
        if model.spec.layers != self.wb.layers:
            self.wb.layers = tuple(model.spec.layers)  # a lesson set-up's layers
            self.layers_changed.emit(self.wb.layers)
        if model.trainer.config != self.wb.config:
            self.wb.config = model.trainer.config  # a lesson set-up's settings
            self.config_changed.emit(self.wb.config)
        if later:  # all of the state first; the table's views now, the rest a turn each
            self._adopt_model(model, later=True)
            self._view_steps.insert(0, partial(self.dataset_changed.emit, dataset))
            self.table_changed.emit(table)
        else:
            self._emit_data(table, dataset)
            self._adopt_model(model)

    def _emit_data(self, table: Table, dataset: Dataset) -> None:
        self.table_changed.emit(table)
        self.dataset_changed.emit(dataset)

    # -- a new model, and its views a turn at a time --------------------------------------------

    def _adopt_model(self, model: Model, later: bool = False) -> None:
        """Make ``model`` current at once; its views hear of it now, or with ``later`` in
        event-loop turns of their own (the plots' reset, then the read-outs; a new table's
        dataset is sent in the turn before them, see ``_adopt_opened``).

        A new table's views cost the GUI thread 60-80 ms for 10 columns whatever the rows
        (150 ms for 20,000), and the window's repaint 30 ms more: in one turn, the longest
        stall of a load.
        The state is current before any view hears of it; every other change (an intent,
        a run, a weight edit) first sends what is still waiting (``flush_views``)."""
        self.wb.adopt_model(model)
        self.version += 1
        if not later:
            self._model_views()
            self._update_results()
            self._request_baseline()
            return
        self._tokens.pop("baseline", None)  # the previous model's baseline is outdated
        self._views_later(self._model_views, self._results_views)

    def _model_views(self) -> None:
        self.spec_changed.emit(self.wb.spec)
        self.model_reset.emit()

    def _results_views(self) -> None:
        self._update_results()
        self._request_baseline()  # its job starts after this turn's repaint (ui/jobs.py)

    def _views_later(self, *steps: Callable[[], object]) -> None:
        if getattr(self, "_view_timer", None) is None:
            self._view_steps: list[Callable[[], object]] = []
            self._view_timer = QTimer(self, singleShot=True, interval=1)
            self._view_timer.timeout.connect(self._next_view_step)
        self._view_steps.extend(steps)
        self._view_timer.start()

    def _next_view_step(self) -> None:
        if self._view_steps and not self._closed:
            self._view_steps.pop(0)()
        if self._view_steps and not self._closed:
            self._view_timer.start()

    def flush_views(self) -> None:
        """Send at once whatever views still wait to hear (see ``_adopt_model``)."""
        if getattr(self, "_view_timer", None) is None:
            return
        self._view_timer.stop()
        while self._view_steps and not self._closed:
            self._view_steps.pop(0)()

    @property
    def views_pending(self) -> bool:
        """True while views have not yet heard of the current state (a turn or two)."""
        return bool(getattr(self, "_view_steps", None))

    # -- jobs' results (dispatched by kind from the controller) --------------------------------

    def _load_done(self, opened: jobs.Opened) -> None:
        self._load_cancel = None
        self.loading_changed.emit(False)
        self._when_idle(partial(self._adopt_opened, opened, True))
        ds = opened.dataset
        dropped = f", {ds.rows_dropped} rows dropped" if ds.rows_dropped else ""
        self.message.emit(
            f"Loaded {table_title(opened.table)}: {ds.n_rows:,} rows, "
            f"{len(ds.feature_names)} features{dropped}."
        )

    def _load_failed(self, message: str) -> None:
        self._load_cancel = None
        self.loading_changed.emit(False)
        self.error.emit(message)

    def _session_done(self, build: jobs.SessionBuild) -> None:
        self.restore_session(build)

    def _session_failed(self, message: str) -> None:
        self.session_failed.emit(message)
