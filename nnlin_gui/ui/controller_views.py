"""What the panels read from the controller: read-only views of its ``Workbench``.

Panels never change these; they call the controller's intents and redraw from its
signals. Everything here is derived from the one current state, so no view can lag.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QThread

from nnlin_gui.core.data.tables import Dataset, Table
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig, TrainingResult
from nnlin_gui.core.statistics.fitting import Baseline
from nnlin_gui.ui.training_thread import TrainingThread
from nnlin_gui.workbench.curves import TrainingCurves
from nnlin_gui.workbench.readouts import Readout, readout
from nnlin_gui.workbench.results import FitProbe, Results
from nnlin_gui.workbench.state import Workbench


class ControllerViews:
    """Mixed into the controller, which sets ``self.wb``."""

    wb: Workbench
    _training: bool
    _load_cancel: threading.Event | None
    _runner: TrainingThread

    @property
    def table(self) -> Table | None:
        return self.wb.table

    @property
    def dataset(self) -> Dataset | None:
        return self.wb.dataset

    @property
    def task_choice(self) -> str | None:
        return self.wb.task_choice

    @property
    def layers(self) -> tuple[LayerSpec, ...]:
        return self.wb.layers

    @property
    def config(self) -> TrainingConfig:
        return self.wb.config

    @property
    def spec(self) -> NetworkSpec | None:
        return self.wb.spec

    @property
    def trainer(self) -> Trainer | None:
        return self.wb.trainer

    @property
    def baseline(self) -> Baseline | None:
        return self.wb.baseline

    @property
    def baseline_error(self) -> str | None:
        """Why there is no closed-form comparison (None while it is coming or present)."""
        return self.wb.baseline_error

    @property
    def results(self) -> Results | None:
        return self.wb.results

    @property
    def curves(self) -> TrainingCurves:
        return self.wb.curves

    @property
    def latest_fit(self) -> np.ndarray | None:
        return self.wb.latest_fit

    @property
    def diagram_net(self) -> Network | None:
        return self.wb.diagram

    @property
    def fit_mode(self) -> str:
        return "curve" if self.wb.fit is None else self.wb.fit.mode

    @property
    def fit_probe(self) -> FitProbe | None:
        return None if self.wb.fit is None else self.wb.fit.probe

    @property
    def fit_actual(self) -> np.ndarray | None:
        return None if self.wb.fit is None else self.wb.fit.actual

    @property
    def last_result(self) -> TrainingResult | None:
        return self.wb.last_result

    @property
    def solved(self) -> bool:
        return self.wb.solved

    @property
    def is_training(self) -> bool:
        return self._training

    @property
    def is_loading(self) -> bool:
        return self._load_cancel is not None

    @property
    def _train_thread(self) -> QThread | None:
        return self._runner.thread

    @property
    def epoch(self) -> int:
        epochs = self.wb.curves.epochs
        return int(epochs[-1]) if len(epochs) else 0

    @property
    def readout(self) -> Readout:
        """Every read-out of the current state (epoch, loss, metrics, collapse headline),
        computed in one place so no view can lag behind another."""
        return readout(self.wb, self._training)
