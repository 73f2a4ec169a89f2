"""Loss curves (train and test) on a log scale, repainted from reused items."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnlin_gui.ui.widgets import plot_style
from nnlin_gui.ui.widgets.log_axis import LogAxis


class LossPlot:
    """Owns the ``lossPlot`` PlotWidget; ``refresh`` pulls the controller's curves."""

    def __init__(self) -> None:
        self.widget = plot_style.new_plot("lossPlot", "Loss", "epoch", "loss (log scale)")
        item = self.widget.getPlotItem()
        item.setAxisItems({"left": LogAxis("left", text="loss (log scale)")})  # no overlaps
        item.setLogMode(x=False, y=True)
        item.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" on a log axis
        item.addLegend(offset=(-10, 10))
        # Reused items, downsampled and clipped: a 60k-epoch curve stays cheap to repaint.
        self.train = item.plot(name="train", pen=pg.mkPen(plot_style.TRAIN, width=2))
        self.test = item.plot(name="test", pen=pg.mkPen(plot_style.TEST, width=2))
        for curve in (self.train, self.test):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self._shown = -1
        self._empty_range = False
        self.range = plot_style.LiveRange(item)

    def refresh(self, controller) -> None:
        curves = controller.curves
        n = len(curves)
        if n == self._shown:
            return
        self._shown = n
        item = self.widget.getPlotItem()
        if n == 0:
            self.train.setData([], [])
            self.test.setData([], [])
            item.setRange(xRange=(0, 100), yRange=(-2, 0.5), padding=0)
            self._empty_range = True
            return
        if self._empty_range and not self.range.live:
            # The empty plot's fixed range would show a reopened session's first 100
            # epochs only: fit the whole history.
            self._empty_range = False
            item.enableAutoRange()
        x = curves.epochs
        units = controller.trainer.loss_units if controller.trainer is not None else None
        factor = units.factor if units is not None else 1.0
        self._label(units.name if units is not None else "loss")
        # In the data's units (the network trains on a standardised target).
        train = np.maximum(curves.train_loss * factor, 1e-300)  # log axis: no zeros
        self.train.setData(x, train, connect="finite")
        test = curves.test_loss * factor
        if np.isfinite(test).any():
            self.test.setData(x, np.maximum(test, 1e-300), connect="finite")
        else:
            self.test.setData([], [])
        if self.range.live:
            logs = np.log10(train)
            if np.isfinite(test).any():
                logs = np.concatenate([logs, np.log10(np.maximum(test, 1e-300))])
            self.range.update(float(x[-1]), float(np.nanmin(logs)), float(np.nanmax(logs)))

    def _label(self, name: str) -> None:
        if name != getattr(self, "_named", None):
            self._named = name
            self.widget.getPlotItem().setLabel("left", f"{name} (log scale)")

    def reset(self) -> None:
        self._shown = -1
