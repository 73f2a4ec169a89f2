"""A log-scale axis whose labels never overlap.

pyqtgraph labels every minor tick (0.02, 0.03, ... 0.09) once fewer than three decades are
in view, and on a short loss plot they ran into one another. Here the labels are powers
of ten, thinned to what the axis length holds; minor ticks stay unlabelled unless fewer
than two powers of ten are in view, then 2 and 5 (or every digit) are labelled as room
allows.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

_SUPER = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
SPACING = 2.2  # a label needs this many text heights of axis (vertical) / widths (horizontal)


def log_label(exponent: float) -> str:
    """'0.01' for 10^-2 ... '1000' for 10^3, '10⁻⁴' or '2·10⁻⁴' beyond."""
    k = math.floor(exponent + 1e-9)
    mantissa = round(10 ** (exponent - k))
    if mantissa >= 10:
        k, mantissa = k + 1, 1
    if -3 <= k <= 3:
        value = mantissa * 10.0**k
        return f"{value:.{max(0, -k)}f}"
    head = "" if mantissa == 1 else f"{mantissa}·"
    return f"{head}10{str(k).translate(_SUPER)}"


def log_ticks(lo: float, hi: float, room: int) -> tuple[list[float], list[float]]:
    """(labelled, unlabelled) tick positions in log10 units for the view [lo, hi] when
    ``room`` labels fit."""
    room = max(2, room)
    first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    decades = list(range(first, last + 1))
    step = max(1, math.ceil(len(decades) / room))
    labelled = [float(d) for d in decades if d % step == 0]
    minor = [
        d + math.log10(m)
        for d in range(math.floor(lo), math.ceil(hi))
        for m in range(2, 10)
        if lo < d + math.log10(m) < hi
    ]
    if step > 1:
        minor = [float(d) for d in decades if d % step]  # unlabelled decades only
    elif len(labelled) < 2:
        # Under two powers of ten in view: label 2 and 5, or every digit, as room allows.
        for digits in ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,)):
            chosen = [v for v in minor if round(10 ** (v - math.floor(v + 1e-9))) in digits]
            if len(labelled) + len(chosen) <= room:
                labelled = sorted(labelled + chosen)
                minor = [v for v in minor if v not in chosen]
                break
    return labelled, minor


class LogAxis(pg.AxisItem):
    """Use as ``PlotItem.setAxisItems({"left": LogAxis("left")})`` with log mode on."""

    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        # As plot_style does for its axes: re-rendered only when the range changes.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._labels: dict[float, str] = {}
        if kwargs.get("text"):
            self.showLabel(True)  # PlotItem.setAxisItems leaves a new axis's label hidden

    def _room(self, size: float) -> int:
        metrics = QFontMetricsF(self.style.get("tickFont") or QFont())
        vertical = self.orientation in ("left", "right")
        per_label = metrics.height() if vertical else metrics.horizontalAdvance("0.0001")
        return int(size // (SPACING * per_label))

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802 (pyqtgraph API)
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi - lo > 600:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        labelled, minor = log_ticks(lo, hi, self._room(size))
        self._labels = {round(v, 9): log_label(v) for v in labelled}
        if not labelled:  # a sliver of one decade (no digit in view): two plain values
            labelled = list(np.linspace(lo, hi, 4)[1:3])
            self._labels = {round(v, 9): f"{10**v:.3g}" for v in labelled}
        return [(None, labelled), (None, minor)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return [self._labels.get(round(v, 9), "") for v in values]
