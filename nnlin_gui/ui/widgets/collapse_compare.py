"""Linear vs nonlinear: the same architecture trained twice on the same data, once with
identity activations and once with a chosen nonlinearity; losses and fits overlaid.

``train_pair`` is the Qt-free job (run on the controller's task thread);
``ComparePlots`` draws its result with pyqtgraph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from nnlin_gui.ui.widgets.plot_style import new_plot

MAX_EPOCHS = 5000  # keeps the comparison a few seconds at most on the teaching sets
LINEAR = QColor(33, 102, 172)
NONLINEAR = QColor(214, 39, 40)
DATA = QColor(120, 120, 120, 140)


@dataclass(frozen=True)
class TrainedRun:
    """One network of the pair: its loss curve and its predictions."""

    activation: str
    epochs: np.ndarray
    train_loss: np.ndarray
    final_loss: float
    r2: float | None
    fit: np.ndarray  # predictions at ``PairResult.probe`` (1 feature) or at the data rows


@dataclass(frozen=True)
class PairResult:
    """Both runs plus what the fit plot needs."""

    linear: TrainedRun
    nonlinear: TrainedRun
    mode: str  # 'curve' (one feature) or 'scatter' (predicted against actual)
    probe: np.ndarray  # x grid (curve) or actual y (scatter)
    data_x: np.ndarray
    data_y: np.ndarray


def train_pair(dataset, layers, config, activation: str, progress, cancel: threading.Event):
    """Train ``layers`` with identity and with ``activation`` (task thread).

    Returns None when cancelled.
    """
    from nnlin_gui.core.fitting import build_spec
    from nnlin_gui.core.training import Trainer

    cfg = replace(config, epochs=min(config.epochs, MAX_EPOCHS), progress_interval=1e9)
    X, y = dataset.X, dataset.y
    one = X.shape[1] == 1
    rows = np.arange(len(y))
    if len(rows) > 2000:
        rows = np.sort(np.random.default_rng(0).choice(len(y), 2000, replace=False))
    if one:
        probe = np.linspace(X[:, 0].min(), X[:, 0].max(), 300)
        at = probe[:, None]
    else:
        probe = y[rows]
        at = X[rows]
    runs = []
    for i, act in enumerate(("identity", activation)):
        hidden = tuple(replace(lay, activation=act) for lay in layers)
        trainer = Trainer(build_spec(dataset, hidden), X, y, cfg)
        trainer.run(stop=cancel)
        if cancel.is_set():
            return None
        h = trainer.history
        metrics = trainer.evaluate()
        pred = np.asarray(trainer.predict(at), dtype=float)
        runs.append(
            TrainedRun(
                act,
                np.asarray(h.epochs, dtype=float),
                np.asarray(h.train_loss, dtype=float),
                float(h.train_loss[-1]) if h.train_loss else float("nan"),
                metrics.get("train_r2"),
                pred if pred.ndim == 1 else pred[:, 0],
            )
        )
        progress((i + 1) / 2)
    return PairResult(
        runs[0],
        runs[1],
        "curve" if one else "scatter",
        probe,
        X[rows, 0].copy() if one else y[rows].copy(),
        y[rows].copy(),
    )


class ComparePlots(QWidget):
    """objectNames ``compareLossPlot`` and ``compareFitPlot``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss = new_plot("compareLossPlot", "Training loss", "epoch", "loss (log)")
        self.loss.getPlotItem().setLogMode(y=True)
        self.fit = new_plot("compareFitPlot", "Fits", "x", "y")
        for plot in (self.loss, self.fit):
            plot.setMinimumHeight(260)
            plot.getPlotItem().addLegend(offset=(-10, 10), labelTextSize="10pt")
            lay.addWidget(plot, 1)

    def show_result(self, res: PairResult) -> None:
        """Overlay both runs."""
        loss, fit = self.loss.getPlotItem(), self.fit.getPlotItem()
        loss.clear()
        fit.clear()
        for run, colour in ((res.linear, LINEAR), (res.nonlinear, NONLINEAR)):
            pen = pg.mkPen(colour, width=2.5)
            ok = np.isfinite(run.train_loss) & (run.train_loss > 0)
            loss.plot(run.epochs[ok], run.train_loss[ok], pen=pen, name=run.activation)
        if res.mode == "curve":
            fit.setLabel("bottom", "x")
            fit.setLabel("left", "y")
            fit.plot(
                res.data_x, res.data_y, pen=None, symbol="o", symbolSize=5,
                symbolPen=None, symbolBrush=DATA, name="data",
            )  # fmt: skip
            for run, colour in ((res.linear, LINEAR), (res.nonlinear, NONLINEAR)):
                fit.plot(res.probe, run.fit, pen=pg.mkPen(colour, width=3), name=run.activation)
        else:
            fit.setLabel("bottom", "actual")
            fit.setLabel("left", "predicted")
            lo, hi = float(res.probe.min()), float(res.probe.max())
            fit.plot([lo, hi], [lo, hi], pen=pg.mkPen((90, 90, 90), width=1.5, dash=[4, 4]))
            for run, colour in ((res.linear, LINEAR), (res.nonlinear, NONLINEAR)):
                brush = QColor(colour)
                brush.setAlpha(130)
                fit.plot(
                    res.probe, run.fit, pen=None, symbol="o", symbolSize=5,
                    symbolPen=None, symbolBrush=brush, name=run.activation,
                )  # fmt: skip
