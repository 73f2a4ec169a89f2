"""Shared pyqtgraph settings: a light, projector-friendly look."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy

TRAIN = QColor(33, 102, 172)
TEST = QColor(214, 96, 30)
NETWORK = QColor(33, 102, 172)
OLS = QColor(60, 60, 60)
POINTS = QColor(120, 120, 120, 150)

_configured = False


def configure() -> None:
    """Set pyqtgraph's global options once (white background, antialiasing)."""
    global _configured
    if not _configured:
        pg.setConfigOptions(background="w", foreground=(40, 40, 40), antialias=True)
        _configured = True


def new_plot(object_name: str, title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    """A PlotWidget with a title, labelled axes, a grid and the given objectName."""
    configure()
    widget = pg.PlotWidget()
    widget.setObjectName(object_name)
    item = widget.getPlotItem()
    item.setTitle(f"<span style='font-size:11pt'><b>{title}</b></span>")
    item.setLabel("bottom", x_label)
    item.setLabel("left", y_label)
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(True)
    # A long title must not widen the plot beyond its splitter cell.
    item.titleLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    for name in ("left", "bottom"):
        # The axes also draw the grid across the plot, so every curve update repainted them;
        # cached as pixmaps they are re-rendered only when the range really changes.
        item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # Epochs and most values read better without an SI factor such as "(x0.001)".
    item.getAxis("bottom").enableAutoSIPrefix(False)
    widget.setMinimumSize(220, 180)
    return widget


def coefficient_colours(n: int) -> list[QColor]:
    """Distinct colours for ``n`` curves (a qualitative palette, then hues)."""
    base = [
        "#1f77b4",
        "#d62728",
        "#2ca02c",
        "#9467bd",
        "#ff7f0e",
        "#17becf",
        "#8c564b",
        "#e377c2",
        "#bcbd22",
        "#7f7f7f",
    ]
    if n <= len(base):
        return [QColor(c) for c in base[:n]]
    return [pg.intColor(i, hues=n, values=1, maxValue=220) for i in range(n)]


class LiveRange:
    """Keeps a plot's range steady while data streams in.

    Re-laying out the axes is the costly part of a pyqtgraph frame, so during a run x spans
    the whole run and y moves only when the data leaves the view or fills less than a
    third of it. Outside a run the plot autoscales as usual.
    """

    def __init__(self, plot_item) -> None:
        self.vb = plot_item.getViewBox()
        self.live = False
        self._y: tuple[float, float] | None = None
        self._x_end = 1.0

    def start(self, x_start: float, x_end: float) -> None:
        self.live = True
        self._y = None
        self._x_end = max(x_end, x_start + 1)
        self.vb.disableAutoRange()
        self.vb.setXRange(x_start, self._x_end, padding=0.02)

    def update(self, x_last: float, y_min: float, y_max: float) -> None:
        """Adjust to data spanning [y_min, y_max] (view units) up to x ``x_last``."""
        if not self.live or not (np.isfinite(y_min) and np.isfinite(y_max)):
            return
        if x_last > self._x_end:
            self._x_end = x_last * 1.5
            self.vb.setXRange(self.vb.viewRange()[0][0], self._x_end, padding=0.02)
        span = max(y_max - y_min, 1e-12)
        if self._y is not None:
            lo, hi = self._y
            if y_min >= lo and y_max <= hi and span >= (hi - lo) / 3:
                return
        pad = 0.1 * span if span > 1e-9 else 0.5 * max(1e-9, abs(y_max))
        self._y = (y_min - pad, y_max + pad)
        self.vb.setYRange(*self._y, padding=0)

    def stop(self) -> None:
        self.live = False
        self.vb.enableAutoRange()


def set_live_style(items, live: bool) -> None:
    """While a run streams data, draw curves with 1-pixel lines and no antialiasing (a frame
    then costs a fraction); at rest, the thick antialiased lines a projector needs."""
    for item in items:
        pen = pg.mkPen(item.opts["pen"])
        if live:
            item._rest_width = pen.widthF()  # remembered for the still picture
            pen.setWidthF(0.0)  # cosmetic: one pixel whatever the zoom
        else:
            pen.setWidthF(getattr(item, "_rest_width", pen.widthF()) or 2.0)
        item.opts["antialias"] = not live
        curve = getattr(item, "curve", None)
        if curve is not None:
            curve.opts["antialias"] = not live
        item.setPen(pen)
