"""The plots of the logistic diagnostics page (pyqtgraph): ROC curve, calibration (binned
residuals) and influence (Cook's distance by row).

Colours are chosen for the current palette when a plot is drawn (the page redraws on a
palette change), so the reference lines and bands stay visible on the dark theme. The
plots come from ``new_plot``, whose wheel guard leaves the wheel to the scrolling page.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from nnlin_gui.ui.widgets.plot_style import new_plot

LINE = QColor(33, 102, 172)
LINE_DARK = QColor(100, 160, 235)
FLAG = QColor(214, 39, 40)
FLAG_DARK = QColor(255, 105, 97)
POINT_05 = QColor(230, 140, 20)  # the 0.5 threshold's point on the ROC curve


def is_dark() -> bool:
    """Whether the application palette is dark (the dark theme)."""
    return QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def _colours() -> dict[str, QColor]:
    dark = is_dark()
    return {
        "line": LINE_DARK if dark else LINE,
        "flag": FLAG_DARK if dark else FLAG,
        "ref": QColor(165, 165, 165) if dark else QColor(110, 110, 110),
        "band": QColor(150, 150, 150) if dark else QColor(140, 140, 140),
        "point": QColor(100, 160, 235, 170) if dark else QColor(33, 102, 172, 130),
    }


def _pen(colour: QColor, width: float = 2.0, dashed: bool = False):
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(colour, width=width, style=style)


def new_logistic_plot(object_name: str, title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    """An empty plot for the page, sized like the diagnostics cards' plots."""
    widget = new_plot(object_name, title, x_label, y_label)
    item = widget.getPlotItem()
    item.setTitle(f"<span style='font-size:11pt'>{title}</span>")
    item.setMenuEnabled(False)
    font = QFont()
    font.setPointSize(10)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setTickFont(font)
        axis.enableAutoSIPrefix(False)
        axis.label.setFont(font)
    widget.setMinimumSize(240, 230)
    widget.setMaximumHeight(340)
    return widget


def _set_title(item, text: str) -> None:
    item.setTitle(f"<span style='font-size:11pt'>{text}</span>")


def draw_roc(
    widget: pg.PlotWidget,
    fpr: np.ndarray,
    tpr: np.ndarray,
    auc: float,
    confusion: tuple[int, int, int, int],
) -> None:
    """The ROC curve through the points ``fpr``, ``tpr`` (the job thinned them) with the
    chance diagonal and the point the 0.5 threshold picks; the AUC in the title."""
    c = _colours()
    item = widget.getPlotItem()
    item.clear()
    _set_title(item, f"ROC curve (AUC = {auc:.3f})")
    item.plot([0, 1], [0, 1], pen=_pen(c["ref"], 1.5, True))
    item.plot(np.asarray(fpr), np.asarray(tpr), pen=_pen(c["line"], 2.5))
    tn, fp, fn, tp = confusion
    x, y = fp / max(1, fp + tn), tp / max(1, tp + fn)
    item.plot([x], [y], pen=None, symbol="o", symbolSize=10, symbolPen=None, symbolBrush=POINT_05)
    item.setXRange(0, 1, padding=0.02)
    item.setYRange(0, 1, padding=0.02)


def draw_calibration(widget: pg.PlotWidget, binned) -> None:
    """Mean residual per bin of fitted probabilities with its ±2 SE band (Gelman and Hill's
    binned residual plot); bins outside the band in the warning colour."""
    c = _colours()
    item = widget.getPlotItem()
    item.clear()
    x = np.asarray(binned.mean_fitted)
    r = np.asarray(binned.mean_residual)
    band = np.asarray(binned.two_se)
    item.addItem(pg.InfiniteLine(0, angle=0, pen=_pen(c["ref"], 1)))
    if len(x) == 0:
        return
    item.plot(x, band, pen=_pen(c["band"], 1.5, True))
    item.plot(x, -band, pen=_pen(c["band"], 1.5, True))
    out = np.abs(r) > band
    brushes = [pg.mkBrush(c["flag"] if o else c["line"]) for o in out]
    item.addItem(pg.ScatterPlotItem(x=x, y=r, size=8, pen=None, brush=brushes))
    span = max(float(np.max(np.abs(np.r_[r, band]))) * 1.15, 0.05)
    item.setYRange(-span, span, padding=0)
    item.setXRange(0, 1, padding=0.02)


def draw_influence(
    widget: pg.PlotWidget, row_numbers: np.ndarray, cooks: np.ndarray, threshold: float
) -> None:
    """Cook's distance by row number (the rows the job chose: all of small data) with the
    ``threshold`` (4/n) line; the rows above it in the warning colour."""
    c = _colours()
    item = widget.getPlotItem()
    item.clear()
    rows, cooks = np.asarray(row_numbers), np.asarray(cooks)
    over = cooks > threshold
    point = dict(pen=None, symbol="o", symbolSize=5, symbolPen=None)
    item.plot(rows[~over], cooks[~over], symbolBrush=c["point"], **point)
    if over.any():
        item.plot(rows[over], cooks[over], symbolBrush=c["flag"], **{**point, "symbolSize": 8})
    item.addItem(pg.InfiniteLine(threshold, angle=0, pen=_pen(c["flag"], 1.5, True)))
    top = float(np.max(cooks)) if len(cooks) else threshold
    item.setYRange(0, max(top, threshold) * 1.12, padding=0)
