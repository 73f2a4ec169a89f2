"""Linear vs nonlinear: the same architecture trained twice on the same data, once with
identity activations and once with a chosen nonlinearity; losses and fits overlaid.

``workbench.jobs.train_pair`` is the Qt-free job; ``ComparePlots`` draws its result.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from nnlin_gui.ui.widgets.log_axis import LogAxis
from nnlin_gui.ui.widgets.plot_style import new_plot
from nnlin_gui.workbench.jobs import MAX_PAIR_EPOCHS, PairResult, TrainedRun, train_pair

__all__ = ["MAX_PAIR_EPOCHS", "ComparePlots", "PairResult", "TrainedRun", "train_pair"]

LINEAR = QColor(33, 102, 172)
NONLINEAR = QColor(214, 39, 40)
DATA = QColor(120, 120, 120, 140)


class ComparePlots(QWidget):
    """objectNames ``compareLossPlot`` and ``compareFitPlot``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss = new_plot("compareLossPlot", "Training loss", "epoch", "loss (log)")
        self.loss.getPlotItem().setAxisItems({"left": LogAxis("left", text="loss (log)")})
        self.loss.getPlotItem().setLogMode(y=True)
        self.fit = new_plot("compareFitPlot", "Fits", "x", "y")
        for plot in (self.loss, self.fit):
            plot.setMinimumHeight(260)
            legend = plot.getPlotItem().addLegend(offset=(-10, 10), labelTextSize="10pt")
            legend.hide()  # an empty legend is an empty square: shown with the first result
            lay.addWidget(plot, 1)

    def show_result(self, res: PairResult) -> None:
        """Overlay both runs."""
        loss, fit = self.loss.getPlotItem(), self.fit.getPlotItem()
        loss.clear()
        fit.clear()
        for item in (loss, fit):
            item.legend.show()
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
