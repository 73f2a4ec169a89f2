"""Shared pyqtgraph settings: a light, projector-friendly look."""

from __future__ import annotations

import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy

from nnlin_gui.ui.font_roles import scale_points
from nnlin_gui.ui.widgets.wheel_guard import guard

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


class TidyAxis(pg.AxisItem):
    """An axis that drops a tick label overlapping one already placed: pyqtgraph judges
    crowding over the whole axis, so on a log scale 0.7, 0.8, 0.9 and 1 were printed on
    top of each other."""

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph override)
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        kept: list = []
        for spec in texts:
            rect = spec[0]
            if not any(rect.intersects(other[0]) for other in kept):
                kept.append(spec)
        return axis, ticks, kept


def new_plot(object_name: str, title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    """A PlotWidget with a title, labelled axes, a grid and the given objectName."""
    configure()
    widget = pg.PlotWidget(axisItems={"left": TidyAxis("left"), "bottom": TidyAxis("bottom")})
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
    widget.setMinimumSize(200, 140)
    guard(widget)  # inside a scrolling page the wheel scrolls the page, not the plot
    ref = weakref.ref(item)
    item.getViewBox().sigResized.connect(lambda *_: _refit(ref))
    return widget


def _refit(ref) -> None:
    item = ref()
    if item is not None:
        fit_title(item)
        fit_legend(item)


MIN_TITLE_SCALE = 0.5


def fit_title(item, scale: float | None = None, colour=None) -> None:
    """Show the title at ``scale`` times its owner's point sizes (presentation mode), in
    ``colour``, shrunk to the plot's width when it would be cut ("Predicted against actua").

    The owner's text is remembered: a title set by its plot later is taken as the new one.
    """
    label = item.titleLabel
    if not label.text:
        return
    if label.text != getattr(label, "_nnlin_shown", None):
        label._nnlin_base = label.text
    if scale is not None:
        label._nnlin_scale = scale
    if colour is not None:
        label.opts["color"] = colour
    factor = getattr(label, "_nnlin_scale", 1.0)
    room = item.getViewBox().width() - 4.0  # the title sits over the view, not the axes
    for _ in range(3):  # the width is not linear in the size: measure again
        label.setText(scale_points(label._nnlin_base, factor))
        natural = label.item.boundingRect().width()
        if room <= 0 or natural <= room or factor <= MIN_TITLE_SCALE:
            break
        # Not below half size: a plot a few pixels wide (while docks are laid out) asked
        # for a 0 pt font, which Qt refused with a warning per title.
        factor = max(MIN_TITLE_SCALE, factor * room / natural)
    label._nnlin_shown = label.text


def fit_legend(item) -> None:
    """As many legend columns as keep every entry inside the plot ("intercep" was cut)."""
    legend = getattr(item, "legend", None)
    if legend is None or not legend.items:
        return
    row = max(label.boundingRect().height() for _, label in legend.items) or 16.0
    rows = max(1, int((item.getViewBox().height() - 16.0) // row))
    columns = max(1, math.ceil(len(legend.items) / rows))
    if columns != legend.columnCount:
        legend.setColumnCount(columns)


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
