"""Coefficient trajectories: every entry of W_z and b_z over the epochs, each heading to
its dashed closed-form value (OLS, ridge or logistic)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from nnlin_gui.ui.widgets import plot_style

MAX_LEGEND = 12


def coefficient_names(features, n_outputs: int) -> list[str]:
    """Names of the columns of ``TrainingCurves.coef``: W_z row by row, then b_z."""
    features = list(features)
    if n_outputs == 1:
        return features + ["intercept"]
    names = [f"out{o + 1}:{f}" for o in range(n_outputs) for f in features]
    return names + [f"out{o + 1}:intercept" for o in range(n_outputs)]


class CoefPlot:
    """Owns the ``coefPlot`` PlotWidget."""

    def __init__(self) -> None:
        self.widget = plot_style.new_plot(
            "coefPlot", "Coefficients W<sub>z</sub>, b<sub>z</sub>", "epoch", "value"
        )
        self.item = self.widget.getPlotItem()
        self.legend = self.item.addLegend(
            offset=(-10, 10), labelTextSize="8pt", brush=(255, 255, 255, 210), pen=(200, 200, 200)
        )
        self.curves: list[pg.PlotDataItem] = []
        self.lines: list[pg.InfiniteLine] = []
        self.names: list[str] = []
        self.note = pg.TextItem("", color=(90, 90, 90), anchor=(0.5, 0.5))
        self.note.setZValue(10)
        self.item.addItem(self.note, ignoreBounds=True)
        self._shown = -1
        self._baseline_key = None
        self.range = plot_style.LiveRange(self.item)
        self._baseline_values: np.ndarray | None = None

    def set_layout(self, names: list[str], linear: bool, reason: str = "") -> None:
        """New set of curves (after the data or the network changed)."""
        for curve in self.curves:
            self.item.removeItem(curve)
        for line in self.lines:
            self.item.removeItem(line)
        self.legend.clear()
        self.curves, self.lines, self.names = [], [], list(names)
        self._baseline_key = None
        self._shown = -1
        self.legend.setVisible(linear)
        if not linear:
            self.note.setText(f"No collapse while the network is nonlinear\n({reason})")
            self.note.setPos(0.5, 0.5)
            self.item.setRange(xRange=(0, 1), yRange=(0, 1))
            return
        self.note.setText("")
        colours = plot_style.coefficient_colours(len(names))
        for i, (name, colour) in enumerate(zip(names, colours, strict=True)):
            curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=2))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.item.addItem(curve)
            if i < MAX_LEGEND:
                self.legend.addItem(curve, name)
            self.curves.append(curve)
            line = pg.InfiniteLine(
                angle=0, movable=False, pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)
            )
            line.setVisible(False)
            self.item.addItem(line, ignoreBounds=False)
            self.lines.append(line)
        self.item.enableAutoRange()

    def set_baseline(self, values: np.ndarray | None, kind: str = "OLS") -> None:
        """Dashed lines at the closed-form coefficients (None hides them)."""
        self._baseline_values = None if values is None else np.asarray(values)
        for i, line in enumerate(self.lines):
            if values is None or i >= len(values):
                line.setVisible(False)
            else:
                line.setPos(float(values[i]))
                line.setVisible(True)
        title = "Coefficients W<sub>z</sub>, b<sub>z</sub>"
        if values is not None:
            title += f" <span style='color:#888'>· dashed: {kind}</span>"
        self.item.setTitle(f"<span style='font-size:11pt'><b>{title}</b></span>")

    def refresh(self, controller) -> None:
        curves = controller.curves
        if controller.version == self._shown or not self.curves:
            return
        self._shown = controller.version
        x = curves.coef_epochs
        if len(x) <= 1 and not self.range.live:
            # Not trained yet (one point at epoch 0): autoscale would centre x on zero.
            self.item.setXRange(0, 100, padding=0.02)
        lo, hi = np.inf, -np.inf
        for j, curve in enumerate(self.curves):
            if j < curves.n_coef:
                series = curves.coef_series(j)
                curve.setData(x, series)
                if self.range.live and len(series):
                    lo, hi = min(lo, float(series.min())), max(hi, float(series.max()))
        if self.range.live and len(x):
            if self._baseline_values is not None:
                lo = min(lo, float(np.min(self._baseline_values)))
                hi = max(hi, float(np.max(self._baseline_values)))
            self.range.update(float(x[-1]), lo, hi)
