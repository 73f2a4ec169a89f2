"""The controller's data intents: opening tables, choosing columns and the task, a lesson
step's one-click set-up, and sessions. Every change is checked by the workbench first; the
current data stays until the new one is ready and usable.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial

from nnlin_gui.core.data.tables import Dataset, Table
from nnlin_gui.core.errors import UserError
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.sources import builtin_source, default_target, table_title
from nnlin_gui.workbench.state import Model, check_layers, dataset_for


class DataIntents:
    """Mixed into ``ModelController`` (which has the signals, ``wb`` and ``_submit``)."""

    # -- data --------------------------------------------------------------------------------

    def open_source(self, source: str) -> None:
        """Load a CSV/TSV path or ``builtin:NAME?...`` as a job; the current data stays
        until the new table is ready and usable."""
        if self._closed:
            return
        self._setup = None  # a plain open replaces a lesson set-up still loading
        self.cancel_load(quiet=True)
        self._load_cancel = threading.Event()
        self._submit("load", partial(jobs.load_source, source), self._load_cancel)
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

    def _use_columns(self, target: str, features, task) -> None:
        try:
            dataset = dataset_for(self.table, target, features, task)
        except UserError as exc:
            return self._refuse(exc)
        self.wb.adopt_data(self.table, dataset, task, features)
        self.dataset_changed.emit(dataset)
        self._rebuild()

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
        self.open_source(source)
        self._setup = (target, None if features is None else tuple(features), layers, config)

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
        self._setup = None
        self.wb.adopt_data(build.table, state.dataset, None, None)
        self.wb.config = state.config
        model = Model(state.spec, opened.trainer, build.fit, build.diagram)
        self._emit_data(build.table, state.dataset)
        self.layers_changed.emit(tuple(state.spec.layers))
        self.config_changed.emit(state.config)
        self._adopt_model(model)
        self.session_opened.emit(opened)

    def _apply_table(self, table: Table) -> None:
        target, features, layers, config = self._setup or (None, None, None, None)
        self._setup = None
        try:
            dataset = dataset_for(table, target or default_target(table), features)
        except UserError as exc:
            return self.error.emit(str(exc))  # the previous table and dataset stay
        self.wb.adopt_data(table, dataset, None, features)
        if layers is not None:
            self.wb.layers = layers
            self.layers_changed.emit(layers)
        if config is not None:
            self.wb.config = replace(config, progress_interval=self.wb.config.progress_interval)
            self.config_changed.emit(self.wb.config)
        self._emit_data(table, dataset)
        self._rebuild()
        dropped = f", {dataset.rows_dropped} rows dropped" if dataset.rows_dropped else ""
        self.message.emit(
            f"Loaded {table_title(table)}: {dataset.n_rows:,} rows, "
            f"{len(dataset.feature_names)} features{dropped}."
        )

    def _emit_data(self, table: Table, dataset: Dataset) -> None:
        self.table_changed.emit(table)
        self.dataset_changed.emit(dataset)

    # -- jobs' results (dispatched by kind from the controller) --------------------------------

    def _load_done(self, table: Table) -> None:
        self._load_cancel = None
        self.loading_changed.emit(False)
        self._when_idle(partial(self._apply_table, table))

    def _load_failed(self, message: str) -> None:
        self._load_cancel = None
        self.loading_changed.emit(False)
        self.error.emit(message)

    def _session_done(self, build: jobs.SessionBuild) -> None:
        self.restore_session(build)

    def _session_failed(self, message: str) -> None:
        self.session_failed.emit(message)
