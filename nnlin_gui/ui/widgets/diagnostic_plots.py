"""The plot of each diagnostics card (pyqtgraph), drawn from a report's ``PlotData``.

One assumption, one picture: residuals vs fitted for linearity, scale-location for
homoskedasticity, the ACF for independence, Q-Q for normality, residuals vs leverage with
Cook's distance contours for influence, and the VIFs for collinearity (the histogram of
the residuals sits beside the Q-Q plot).
"""

from __future__ import annotations

import logging

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from nnlin_gui.ui.widgets.capping import cap_note, largest
from nnlin_gui.ui.widgets.plot_style import new_plot

log = logging.getLogger(__name__)

MAX_POINTS = 3000  # scatter points drawn per plot (a seeded subsample beyond)
MAX_BARS = 20  # VIF bars drawn (the largest) for a wide table
POINT = QColor(33, 102, 172, 120)
TREND = QColor(214, 39, 40)
REFERENCE = QColor(90, 90, 90)

# assumption -> (plot key in PlotData, title, x label, y label)
PLOT_FOR = {
    "collinearity": ("vif", "Variance inflation", "", "VIF"),
    "homoskedasticity": ("scale_location", "Scale-location", "fitted", "√|std. residual|"),
    "independence": ("acf", "Autocorrelation", "lag", "ACF"),
    "normality": ("qq", "Normal Q-Q", "theoretical quantile", "sample quantile"),
    "linearity": ("residuals_vs_fitted", "Residuals vs fitted", "fitted", "residual"),
    "influence": ("residuals_vs_leverage", "Residuals vs leverage", "leverage", "std. residual"),
}


def _subsample(n: int) -> np.ndarray | slice:
    if n <= MAX_POINTS:
        return slice(None)
    return np.sort(np.random.default_rng(0).choice(n, MAX_POINTS, replace=False))


def _pen(colour: QColor, width: float = 2.0, dashed: bool = False):
    from PySide6.QtCore import Qt

    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(colour, width=width, style=style)


def new_diagnostic_plot(object_name: str, assumption: str) -> pg.PlotWidget:
    """An empty plot for ``assumption`` with its title and axis labels."""
    _, title, xlab, ylab = PLOT_FOR[assumption]
    widget = new_plot(object_name, title, xlab, ylab)
    item = widget.getPlotItem()
    item.setTitle(f"<span style='font-size:11pt'>{title}</span>")  # lighter than main plots
    item.setMenuEnabled(False)
    font = QFont()
    font.setPointSize(10)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setTickFont(font)
        axis.enableAutoSIPrefix(False)  # "ACF (x0.001)" reads worse than 0.05
        axis.label.setFont(font)
    widget.setMinimumSize(240, 230)  # new_plot's minimum is for the main plots
    widget.setMaximumHeight(340)
    return widget


def draw(widget: pg.PlotWidget, assumption: str, report) -> None:
    """Draw ``assumption``'s picture from ``report`` (a ``DiagnosticReport``) on ``widget``."""
    item = widget.getPlotItem()
    item.clear()
    key = PLOT_FOR[assumption][0]
    if key == "vif":
        _draw_vif(item, report)
        return
    data = report.plots.arrays.get(key)
    if data is None:
        return
    if key in ("residuals_vs_fitted", "scale_location"):
        x, y = np.asarray(data["x"]), np.asarray(data["y"])
        keep = _subsample(len(x))
        _scatter(item, x[keep], y[keep])
        if key == "residuals_vs_fitted":
            item.addItem(pg.InfiniteLine(0, angle=0, pen=_pen(REFERENCE, 1, True)))
        item.plot(data["smooth_x"], data["smooth_y"], pen=_pen(TREND, 3))
    elif key == "qq":
        theo, samp = np.asarray(data["theoretical"]), np.asarray(data["sample"])
        _scatter(item, theo, samp)
        lo, hi = float(theo.min()), float(theo.max())
        item.plot([lo, hi], [lo, hi], pen=_pen(TREND, 2, True))
    elif key == "acf":
        lags, acf = np.asarray(data["lags"]), np.asarray(data["acf"])
        # Lag 0 is always 1: leaving it out lets the scale show the lags that matter.
        lags, acf = lags[lags > 0], acf[lags > 0]
        band = float(np.ravel(data["band"])[0])
        bars = pg.BarGraphItem(x=lags, height=acf, width=0.35, brush=pg.mkBrush(33, 102, 172))
        item.addItem(bars)
        for level in (band, -band):
            item.addItem(pg.InfiniteLine(level, angle=0, pen=_pen(TREND, 1.5, True)))
        item.addItem(pg.InfiniteLine(0, angle=0, pen=_pen(REFERENCE, 1)))
    elif key == "residuals_vs_leverage":
        h, r = np.asarray(data["leverage"]), np.asarray(data["studentized"])
        keep = _subsample(len(h))
        _scatter(item, h[keep], r[keep])
        contours = data.get("contours", {})
        ch = np.asarray(contours.get("h", []))
        for name, values in contours.items():
            if name == "h":
                continue
            values = np.asarray(values)
            pen = _pen(TREND, 1.5, True)
            item.plot(ch, values, pen=pen)
            item.plot(ch, -values, pen=pen)
        # Keep the view on the data: the D = 0.5 curves shoot up at tiny leverage.
        span = max(3.0, float(np.abs(r).max()) * 1.15) if len(r) else 3.0
        item.setYRange(-span, span, padding=0)
        item.setXRange(0, max(float(h.max()) if len(h) else 0.1, 1e-3) * 1.1, padding=0)


def draw_histogram(widget: pg.PlotWidget, report) -> None:
    """The residual histogram with the normal density of the same mean and SD."""
    item = widget.getPlotItem()
    item.clear()
    data = report.plots.arrays.get("histogram")
    if data is None:
        return
    edges, density = np.asarray(data["edges"]), np.asarray(data["density"])
    item.plot(
        edges,
        density,
        stepMode="center",
        fillLevel=0,
        brush=pg.mkBrush(33, 102, 172, 90),
        pen=_pen(QColor(33, 102, 172), 1),
    )
    item.plot(data["normal_x"], data["normal_y"], pen=_pen(TREND, 2.5))


def _scatter(item, x: np.ndarray, y: np.ndarray) -> None:
    item.plot(x, y, pen=None, symbol="o", symbolSize=5, symbolPen=None, symbolBrush=POINT)


def _draw_vif(item, report) -> None:
    try:
        tests = report.assumption("collinearity").tests
    except KeyError:
        return
    vifs = [(t.name[5:-1], float(t.statistic)) for t in tests if t.name.startswith("VIF (")]
    vifs = [(n, v) for n, v in vifs if np.isfinite(v)]
    if not vifs:
        return
    total = len(vifs)
    keep = largest(np.array([v for _, v in vifs]), total, MAX_BARS)
    vifs = [vifs[i] for i in keep]
    note = cap_note(len(vifs), total, "VIFs")
    title = PLOT_FOR["collinearity"][1] + (
        f"<br><span style='color:#a0281a'>{note}</span>" if note else ""
    )
    item.setTitle(f"<span style='font-size:11pt'>{title}</span>")
    xs = np.arange(len(vifs))
    heights = np.array([v for _, v in vifs])
    colours = [
        (214, 39, 40) if v >= 10 else (230, 150, 30) if v >= 5 else (44, 160, 44) for v in heights
    ]
    item.addItem(
        pg.BarGraphItem(x=xs, height=heights, width=0.6, brushes=[pg.mkBrush(*c) for c in colours])
    )
    for level in (5.0, 10.0):
        item.addItem(pg.InfiniteLine(level, angle=0, pen=_pen(TREND, 1.5, True)))
    axis = item.getAxis("bottom")
    axis.setTicks([[(float(i), name) for i, (name, _) in enumerate(vifs)]])
    item.setYRange(0, max(11.0, float(heights.max()) * 1.1), padding=0)
