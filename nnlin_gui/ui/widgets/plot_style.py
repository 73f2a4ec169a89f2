"""Shared pyqtgraph settings: a light, projector-friendly look."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

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
