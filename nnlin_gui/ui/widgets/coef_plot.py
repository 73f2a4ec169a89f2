"""Coefficient trajectories: every entry of W_z and b_z over the epochs, each heading to
its dashed closed-form value (OLS, ridge or logistic).

Standardised by default (coefficient × sd(x) / sd(y): columns in different units compare
on one axis), raw on request; the intercept is not drawn (it has no standardised value and
would squash the others: the box under the plot gives it). The legend sits outside the
plot, on request.

A wide table would need one curve per column (20,000 curves froze the window for ten
minutes), so at most ``MAX_CURVES`` are drawn: the largest in size (of the closed-form
values once they are known, else of the newest coefficients), and the plot says so.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer

from nnlin_gui.ui.widgets import plot_style
from nnlin_gui.ui.widgets.axis_label import fit_left_label
from nnlin_gui.ui.widgets.capping import cap_note, largest
from nnlin_gui.ui.widgets.narrow_title import narrow_title

MAX_LEGEND = 12
MAX_LEGEND_COLUMNS = 3
LEGEND_PADDING = 10  # the legend's frame around its rows
LEGEND_ROWS = 6
MAX_CURVES = 20
TITLE = "Coefficients W<sub>z</sub>, b<sub>z</sub>"
SHORT_TITLE = "W<sub>z</sub>, b<sub>z</sub>"
NARROW_TITLE = 300  # a view narrower than this gets the short title


def coefficient_names(features, n_outputs: int, classes=()) -> list[str]:
    """Names of the columns of ``TrainingCurves.coef``: W_z row by row, then b_z; a
    softmax's rows named by their class ("virginica:x1") when the classes are known."""
    features = list(features)
    if n_outputs == 1:
        return features + ["intercept"]
    rows = [_class_name(str(c)) for c in classes] if len(classes) == n_outputs else []
    rows = rows or [f"out{o + 1}" for o in range(n_outputs)]
    names = [f"{row}:{f}" for row in rows for f in features]
    return names + [f"{row}:intercept" for row in rows]


def _class_name(label: str) -> str:
    """A class as a legend names it: "setosa", or "class 2" for a bare number."""
    try:
        float(label)
    except ValueError:
        return label
    return f"class {label}"


class CoefPlot:
    """Owns the ``coefPlot`` PlotWidget; draws at most ``MAX_CURVES`` curves."""

    def __init__(self) -> None:
        self.widget = plot_style.new_plot("coefPlot", TITLE, "epoch", "value")
        self.item = self.widget.getPlotItem()
        # Outside the plot (right of it, in the plot's own layout): 11 rows over a quarter
        # of the curves hid them.
        self.legend = pg.LegendItem(labelTextSize="8pt", verSpacing=-8)
        self._legend_key: tuple | None = None  # what the legend shows (see _fill_legend)
        self.item.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" on the values
        self.legend_on = True
        self._linear = False
        self._legend_placed = False
        narrow_title(self.item)
        self.factors: np.ndarray | None = None  # x sd(x)/sd(y) per coefficient; NaN: intercept
        self.standardised = True
        self.scale_label = ""
        self.curves: list[pg.PlotDataItem] = []  # the curves of the current layout
        self.lines: list[pg.InfiniteLine] = []
        self._curve_pool: list[pg.PlotDataItem] = []  # every item made so far (reused)
        self._line_pool: list[pg.InfiniteLine] = []
        self.names: list[str] = []
        self.picked = np.arange(0)  # the coefficient each curve shows
        self.note = pg.TextItem("", color=(90, 90, 90), anchor=(0.5, 0.5))
        self.note.setZValue(10)
        self.item.addItem(self.note, ignoreBounds=True)
        self._shown = -1
        self._baseline_key = None
        self._baseline_kind: str | None = None
        self.range = plot_style.LiveRange(self.item)
        self._baseline_values: np.ndarray | None = None
        self._layout_values: np.ndarray | None = None
        # A low plot (1280x720, presentation mode): fewer legend rows, a shorter axis label.
        self._title_narrow: bool | None = None
        self.item.getViewBox().sigResized.connect(self._fit_to_size)
        self._legend_later = QTimer(self.widget, singleShot=True, interval=1)
        self._legend_later.timeout.connect(self._fill_legend_now)

    @property
    def capped(self) -> bool:
        return len(self.picked) < len(self.names)

    def cap_text(self) -> str:
        """What the plot says when it does not draw every coefficient ('' when it does)."""
        if not self.curves:
            return ""
        return cap_note(len(self.picked), len(self.names), "coefficients")

    def set_layout(
        self, names: list[str], linear: bool, reason: str = "", values: np.ndarray | None = None
    ) -> None:
        """New set of curves (after the data or the network changed); ``values`` (the
        newest coefficients) choose which ones a wide table shows. ``set_scales`` must
        follow (it fills the legend)."""
        self.names = list(names)
        self.picked = largest(values, len(names), MAX_CURVES)
        self._layout_values = values  # the legend's order until a baseline is known
        # The previous model's closed form is not this one's (a wide table's pick went back
        # to its first columns, and the legend was built again): ``set_baseline`` follows.
        self._baseline_values, self._baseline_kind = None, None
        self._baseline_key = None
        self._shown = -1
        self.factors = None
        self._linear = linear
        self._place_legend()
        self._axis_label()
        if not linear:
            self._clear_legend()
            self._use_items([])
            self.note.setText(f"No collapse while the network is nonlinear\n({reason})")
            self.note.setPos(0.5, 0.5)
            self.item.setRange(xRange=(0, 1), yRange=(0, 1))
            self._set_title()
            return
        self.note.setText("")
        self._use_items(plot_style.coefficient_colours(len(self.picked)))
        # No legend yet: ``set_scales`` follows every new layout and fills it once it knows
        # which entry is the intercept (filled here too, it was built twice per new model,
        # 10-15 ms each).
        self._set_title()
        self.item.enableAutoRange()

    def _grow_pool(self, size: int) -> None:
        """At least ``size`` curves and dashed lines in the plot (new ones hidden)."""
        while len(self._curve_pool) < size:
            curve = pg.PlotDataItem()
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            curve.setVisible(False)
            self.item.addItem(curve)
            line = pg.InfiniteLine(angle=0, movable=False)
            line.setVisible(False)
            self.item.addItem(line, ignoreBounds=False)
            self._curve_pool.append(curve)
            self._line_pool.append(line)

    def grow_pool_when_idle(self, step: int = 2, interval_ms: int = 40) -> None:
        """Make the ``MAX_CURVES`` items a few at a time in quiet moments: made when a
        wide table arrived, they were 15 ms of that load's longest event-loop turn."""
        if len(self._curve_pool) >= MAX_CURVES:
            return
        self._grow_pool(min(MAX_CURVES, len(self._curve_pool) + step))
        QTimer.singleShot(interval_ms, self.widget, self.grow_pool_when_idle)

    def _use_items(self, colours: list) -> None:
        """Show one curve and one dashed line per colour, reusing the items of earlier
        layouts (adding and removing scene items cost more than the rest of a reset)."""
        self._grow_pool(len(colours))
        n = len(colours)
        for curve, line, colour in zip(self._curve_pool, self._line_pool, colours, strict=False):
            curve.setPen(pg.mkPen(colour, width=2))
            curve.setData([], [])
            curve.setVisible(True)
            line.setPen(pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            line.setVisible(False)
        for curve, line in zip(self._curve_pool[n:], self._line_pool[n:], strict=True):
            curve.setData([], [])
            curve.setVisible(False)
            line.setVisible(False)
        self.curves, self.lines = self._curve_pool[:n], self._line_pool[:n]

    def _fill_legend_now(self) -> None:
        if self.curves:
            base = self._baseline_values
            self._fill_legend(self._layout_values if base is None else base)

    def _fill_legend(self, values: np.ndarray | None = None) -> None:
        """Legend entries (at most ``MAX_LEGEND``): the largest ``values`` first when a wide
        table is capped, else table order."""
        slots = list(range(len(self.curves)))
        if self.capped and values is not None and len(values) == len(self.names):
            size = np.abs(np.nan_to_num(np.asarray(values, dtype=float)[self.picked]))
            slots = [int(s) for s in np.argsort(-size, kind="stable")]
        slots = [s for s in slots if not self._is_intercept(int(self.picked[s]))]
        # Two columns past six entries: a plot a few hundred pixels high holds six rows.
        columns = 1 if len(slots) <= LEGEND_ROWS else 2
        key = (columns, *((id(self.curves[s]), self.names[self.picked[s]]) for s in slots))
        if key == self._legend_key and len(self.legend.items) == len(slots[:MAX_LEGEND]):
            self._place_legend()  # the same entries: rebuilding them cost 10-30 ms a time,
            return  # two or three times per new table
        self._clear_legend()
        self._legend_key = key
        self.legend.setColumnCount(columns)
        for slot in slots[:MAX_LEGEND]:
            self.legend.addItem(self.curves[slot], self.names[self.picked[slot]])
            label = self.legend.items[-1][1]
            label.item.document().setDocumentMargin(1)  # rows of text, not of padding
            label.updateMin()
        self._place_legend()

    def _clear_legend(self) -> None:
        self.legend.clear()
        self._legend_key = None

    def _set_title(self) -> None:
        # Without "Coefficients" in a narrow view: shrunk to fit, the whole title was tiny.
        narrow = 0 < self.item.getViewBox().width() < NARROW_TITLE
        title = SHORT_TITLE if narrow else TITLE
        if self._baseline_kind is not None:
            title += f" <span style='color:#888'>· dashed: {self._baseline_kind}</span>"
        cap = self.cap_text()
        if cap:
            title += f"<br><span style='color:#a0281a;font-size:9pt'>{cap}</span>"
        self.item.setTitle(f"<span style='font-size:11pt'><b>{title}</b></span>")

    def set_baseline(self, values: np.ndarray | None, kind: str = "OLS") -> None:
        """Dashed lines at the closed-form coefficients (None hides them); a wide table
        then shows the coefficients with the largest closed-form values."""
        self._baseline_values = None if values is None else np.asarray(values)
        self._baseline_kind = None if values is None else kind
        if values is not None and self.capped and self.curves:
            picked = largest(values, len(self.names), MAX_CURVES)
            if not np.array_equal(picked, self.picked):
                self.picked = picked
                self._fill_legend(values)
                self._shown = -1  # the curves show other coefficients now
        for line, j in zip(self.lines, self.picked, strict=False):
            if values is None or j >= len(values) or self._is_intercept(int(j)):
                line.setVisible(False)
            else:
                line.setPos(float(values[j]) * self._factor(int(j)))
                line.setVisible(True)
        self._set_title()

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
        for curve, j in zip(self.curves, self.picked, strict=False):
            if j < curves.n_coef and not self._is_intercept(int(j)):
                series = curves.coef_series(int(j)) * self._factor(int(j))
                curve.setData(x, series)
                if self.range.live and len(series):
                    lo, hi = min(lo, float(series.min())), max(hi, float(series.max()))
        if self.range.live and len(x):
            base = self._baseline_values
            if base is not None and len(base) == len(self.names):
                kept = [int(j) for j in self.picked if not self._is_intercept(int(j))]
                shown = base[kept] * np.array([self._factor(j) for j in kept])
                shown = shown if len(shown) else np.zeros(1)
                lo, hi = min(lo, float(np.min(shown))), max(hi, float(np.max(shown)))
            self.range.update(float(x[-1]), lo, hi)

    # -- scale, intercept and legend ------------------------------------------------------------

    def set_scales(self, factors: np.ndarray | None, label: str = "") -> None:
        """The standardising factor of each coefficient (NaN marks an intercept, which is
        then not drawn); None: raw values only."""
        if factors is not None and len(factors) != len(self.names):
            factors = None
        self.factors = None if factors is None else np.asarray(factors, dtype=np.float64)
        self.scale_label = label
        self._redraw()

    def set_standardised(self, on: bool) -> None:
        self.standardised = bool(on)
        self._redraw()

    def set_legend_shown(self, on: bool) -> None:
        self.legend_on = bool(on)
        self._place_legend()

    def _redraw(self) -> None:
        for curve, j in zip(self.curves, self.picked, strict=False):
            hidden = self._is_intercept(int(j))
            curve.setVisible(not hidden)
            if hidden:
                curve.setData([], [])
        if self.curves:
            # In a turn of its own: 10-15 ms of a new model's plots turn, the longest of a
            # load (the legend's entries are new items).
            self._legend_later.start()
        kind = self._baseline_kind
        self.set_baseline(self._baseline_values, kind or "OLS")
        self._axis_label()
        self._shown = -1
        self.item.enableAutoRange()

    def _is_intercept(self, j: int) -> bool:
        f = self.factors
        return f is not None and j < len(f) and not np.isfinite(f[j])

    def _factor(self, j: int) -> float:
        f = self.factors
        if not self.standardised or f is None or j >= len(f) or not np.isfinite(f[j]):
            return 1.0
        return float(f[j])

    def _axis_label(self) -> None:
        standard = self.standardised and self.factors is not None
        text = self.scale_label if standard and self.scale_label else "value (raw units)"
        self.item.setLabel("left", text)
        fit_left_label(self.item, self._room())

    def _room(self) -> float:
        """The height the legend and the value axis have: the widget less title and axis."""
        title = self.item.titleLabel
        title_h = title.size().height() if title.isVisible() else 0.0
        bottom = self.item.getAxis("bottom").height()
        return self.widget.height() - title_h - bottom - 12.0

    def _fit_to_size(self, *_args) -> None:
        narrow = 0 < self.item.getViewBox().width() < NARROW_TITLE
        # Only its own title: a nonlinear network's plot has the regions' title instead.
        if self._linear and narrow != (self._title_narrow is True):
            self._title_narrow = narrow
            self._set_title()
            plot_style.fit_title(self.item)
        # Shortened when the plot is lower than it is long (cut at 720 pixels).
        fit_left_label(self.item, self._room())
        if not self.legend.items or not self._legend_placed:
            return
        # As few columns as keep the legend within the view and the epoch axis beside it.
        room = self._room() + self.item.getAxis("bottom").height()
        for columns in range(1, MAX_LEGEND_COLUMNS + 1):
            self.legend.setColumnCount(columns)
            height = self.legend.layout.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
            if height + LEGEND_PADDING <= room:
                break
        # Its own height at the top of the column (stretched, its rows drifted apart).
        self.legend.setMaximumHeight(height + LEGEND_PADDING)
        self.item.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)

    def _place_legend(self) -> None:
        """In the plot's layout right of the axes when on (and there is a collapse)."""
        shown = self.legend_on and self._linear and bool(self.legend.items)
        layout = self.item.layout
        if shown and not self._legend_placed:
            # Beside the view and the epoch axis: a low plot keeps its axis.
            layout.addItem(self.legend, 2, 3, 2, 1)
        elif not shown and self._legend_placed:
            layout.removeItem(self.legend)
        self.legend.setVisible(shown)
        self._legend_placed = shown
        self._fit_to_size()
