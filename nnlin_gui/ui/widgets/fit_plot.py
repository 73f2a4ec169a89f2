"""The fit view: one feature -> data, the network's curve and the closed-form line;
two features -> the network's output as a heatmap under the points (as in the Playground);
more -> predicted against actual."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from nnlin_gui.core.statistics.comparison import BASELINE_SHORT
from nnlin_gui.ui.widgets import plot_style
from nnlin_gui.ui.widgets.fit_map import FitMap

MAX_POINTS = 3000
LIVE_POINTS = 500
_CMAP = pg.ColorMap(
    pos=np.array([0.0, 0.5, 1.0]),
    color=np.array([[230, 120, 40, 255], [248, 248, 248, 255], [40, 110, 190, 255]]),
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class FitPlot:
    """Owns the ``fitPlot`` PlotWidget."""

    def __init__(self) -> None:
        self.widget = plot_style.new_plot("fitPlot", "Fit", "x", "y")
        self.item = self.widget.getPlotItem()
        self.legend = self.item.addLegend(offset=(10, 10))
        # Numbers at the major ticks only ("-6 -5 -4 … 9" at every unit was a crowd at 1280
        # pixels); the minor ticks stay as marks.
        for side in ("bottom", "left"):
            self.item.getAxis(side).setStyle(maxTextLevel=0)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.item.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(None), brush=plot_style.POINTS)
        self.item.addItem(self.points)
        self.net = self.item.plot(pen=pg.mkPen(plot_style.NETWORK, width=3))
        self.ols = self.item.plot(pen=pg.mkPen(plot_style.OLS, width=2, style=Qt.PenStyle.DashLine))
        self.diagonal = self.item.plot(pen=pg.mkPen((150, 150, 150), width=1))
        self.mode = "curve"
        self._version = -1
        self._probe = None
        self._levels = (0.0, 1.0)
        self._binary = False
        self._rect = QRectF(0, 0, 1, 1)
        self.map = FitMap(self)  # the two-feature map's colour bar, test rows, styles

    def set_data(self, controller) -> None:
        """New dataset or network: lay out the view for its number of features."""
        ds = controller.dataset
        self.mode = controller.fit_mode
        self._probe = controller.fit_probe
        self._version = -1
        self.legend.clear()
        self.image.clear()
        for it in (self.net, self.ols, self.diagonal):
            it.setData([], [])
        if ds is None:
            return
        self._binary = ds.task != "regression"
        X, y = ds.X, ds.y
        test = self.map.test_mask(controller.trainer, len(y))
        if len(y) > MAX_POINTS:
            keep = np.random.default_rng(0).choice(len(y), MAX_POINTS, replace=False)
            X, y, test = X[keep], y[keep], test[keep]
        lo, hi = float(np.min(ds.y)), float(np.max(ds.y))
        # Regression: the target's range; binary: probabilities; multi-class: class indices.
        self._levels = (0.0, 1.0) if ds.task == "binary" else (lo, hi if hi > lo else lo + 1.0)
        target = ds.target_name
        if self.mode == "curve":
            self._labels(ds.feature_names[0], target, f"Fit of {target}")
            self.points.setData(X[:, 0], y, brush=plot_style.POINTS, pen=pg.mkPen(None), size=6)
            self.legend.addItem(self.points, "data")
            self.legend.addItem(self.net, "network")
            self.legend.addItem(self.ols, "closed form")
        elif self.mode == "heatmap":
            f0, f1 = ds.feature_names[:2]
            what = {"binary": f"P({target}=1)", "multiclass": f"predicted {target}"}.get(
                ds.task, target
            )
            self._labels(f0, f1, f"Network's {what} in colour")
            grid = self._probe.X
            x0, x1 = grid[:, 0].min(), grid[:, 0].max()
            y0, y1 = grid[:, 1].min(), grid[:, 1].max()
            self._rect = self.map.rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        else:
            self._labels(f"actual {target}", f"predicted {target}", "Predicted against actual")
            self.points.setData([], [])
            self.diagonal.setData(
                [self._levels[0], self._levels[1]], [self._levels[0], self._levels[1]]
            )
        self.legend.setVisible(self.mode == "curve")  # no empty legend box over the map
        heatmap = self.mode == "heatmap"
        self.map.enter(heatmap, self._levels, ds.task, what if heatmap else "", ds.class_labels)
        if heatmap:
            self.map.set_points(X, y, test)
        self._fix_range(X, y)

    def _fix_range(self, X: np.ndarray, y: np.ndarray) -> None:
        # The data do not move while training: a fixed view spares the axes a re-layout
        # every frame (the network's curve may leave it early on; it is clipped).
        lo, hi = self._levels
        if self.mode == "curve":
            grid = self._probe.X[:, 0]
            self.item.setRange(xRange=(grid.min(), grid.max()), yRange=(lo, hi), padding=0.05)
        elif self.mode == "heatmap":
            grid = self._probe.X
            self.item.setRange(
                xRange=(grid[:, 0].min(), grid[:, 0].max()),
                yRange=(grid[:, 1].min(), grid[:, 1].max()),
                padding=0,
            )
        else:
            self.item.setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0.05)

    def _labels(self, x: str, y: str, title: str) -> None:
        self.item.setLabel("bottom", x)
        self.item.setLabel("left", y)
        self.item.setTitle(f"<span style='font-size:11pt'><b>{title}</b></span>")

    def _brushes(self, values: np.ndarray) -> list[QColor]:
        lo, hi = self._levels
        t = np.clip((np.asarray(values) - lo) / (hi - lo), 0.0, 1.0)
        return [pg.mkBrush(c) for c in _CMAP.map(t, mode="qcolor")]

    def set_baseline(self, controller) -> None:
        """The closed-form model's line (one feature only)."""
        base = controller.baseline
        if self.mode != "curve" or base is None or self._probe is None:
            self.ols.setData([], [])
            return
        for sample, label in self.legend.items:
            if sample.item is self.ols:
                label.setText(BASELINE_SHORT.get(base.kind, base.kind))
        x = self._probe.X[:, 0]
        if base.classes:  # softmax: the class with the largest logit, as the network's curve
            W = np.atleast_2d(base.W)
            logits = np.ravel(base.b) + self._probe.X[:, : W.shape[1]] @ W.T
            self.ols.setData(x, logits.argmax(axis=1).astype(np.float64))
            return
        # Every input column: with x and x² (transforms) the closed form is a parabola.
        w = np.ravel(np.atleast_2d(base.W)[0])
        z = float(np.ravel(base.b)[0]) + self._probe.X[:, : len(w)] @ w
        self.ols.setData(x, _sigmoid(z) if self._binary else z)

    def refresh(self, controller) -> None:
        if controller.version == self._version or self._probe is None:
            return
        self._version = controller.version
        fit = controller.latest_fit
        if fit is None or len(fit) != len(self._probe.X):
            return
        if self.mode == "curve":
            self.net.setData(self._probe.X[:, 0], fit)
        elif self.mode == "heatmap":
            self.map.paint(fit)
        else:
            actual = controller.fit_actual
            if controller.is_training and len(fit) > LIVE_POINTS:
                # Scatter updates cost per point: show a fixed subset while training.
                actual, fit = actual[:LIVE_POINTS], fit[:LIVE_POINTS]
            self.points.setData(actual, fit, brush=plot_style.POINTS, pen=pg.mkPen(None), size=5)
