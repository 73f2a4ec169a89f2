"""The fit view's two-feature map, Playground-grade: 1:1 axes (a circle looks like a
circle), a washed-out background under outlined points, a colour bar with values, the
test rows on request, and the output discretised on request."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetrics

from nnlin_gui.ui.widgets.map_style import MapStyle
from nnlin_gui.ui.widgets.narrow_title import narrow_title

TRAIN_PEN = (50, 50, 50)
TEST_PEN = (0, 0, 0)
BAR_ROW, BAR_COLUMN = 2, 5  # right of the right-hand axis in a PlotItem's layout
DEFAULT_OVERHEADS = (130, 50)  # before the first layout
TITLE_HEIGHT = 30  # pyqtgraph's title row
BAR_HEADROOM = 10
MAX_CLASS_CHARS = 10  # a class name on the colour bar


def _colour_map(style: MapStyle) -> pg.ColorMap:
    lut = style.lookup_table(64)
    return pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), lut)


def _short(name: str, most: int = MAX_CLASS_CHARS) -> str:
    """A class name short enough for the colour bar's axis."""
    name = str(name)
    return name if len(name) <= most else name[: most - 1] + "…"


class FitMap:
    """Owns the map's extras on the fit view's PlotItem (``plot`` is the ``FitPlot``)."""

    def __init__(self, plot) -> None:
        self.plot = plot
        self.item = plot.item
        self.style = MapStyle()
        self.show_test = False
        self.active = False
        self.last_fit: np.ndarray | None = None
        self.rect = QRectF(0, 0, 1, 1)
        self.test_points = pg.ScatterPlotItem(size=8)
        self.test_points.setZValue(2)
        self.item.addItem(self.test_points)
        self.bar = pg.ColorBarItem(
            values=(0.0, 1.0), width=14, interactive=False, colorMap=_colour_map(self.style)
        )
        self.bar.getAxis("right").setWidth(46)  # room for the values, not more (see _fit_bar)
        self.item.getViewBox().sigResized.connect(self._fit_bar)  # presentation fonts too
        self._bar_shown = False
        narrow_title(self.item)  # else the title and the bar outgrow a narrow cell
        self._xy = (np.empty((0, 2)), np.empty(0), np.zeros(0, bool))

    # -- layout ---------------------------------------------------------------------------

    def enter(
        self,
        active: bool,
        levels: tuple[float, float],
        task: str,
        label: str,
        classes: Sequence[str] = (),
    ) -> None:
        """A new dataset: the map is ``active`` for two features; ``classes`` name a
        multi-class target's codes on the colour bar."""
        self.active = active
        self.last_fit = None
        self.style.set_data(levels, task)
        vb = self.item.getViewBox()
        vb.setAspectLocked(active, ratio=1.0)
        self._show_bar(active)
        self.test_points.setData([], [])
        if active:
            self.plot.image.setLookupTable(self.style.lookup_table())
            self.bar.setColorMap(_colour_map(self.style))
            self.bar.setLevels(self.style.levels)
            self.bar.getAxis("right").setLabel(label)
            self._bar_ticks(task, classes)
            self._fit_bar()

    def overheads(self) -> tuple[int, int]:
        """Pixels the map's cell needs beyond its square: axes and colour bar across,
        axis and labels down (the title not counted)."""
        vb = self.item.getViewBox()
        widget = self.plot.widget
        if vb.width() <= 0 or vb.height() <= 0:
            return DEFAULT_OVERHEADS
        title = self.item.titleLabel
        title_h = title.size().height() if title.isVisible() else 0.0
        return (
            int(widget.width() - vb.width()),
            int(widget.height() - vb.height() - title_h),
        )

    def set_title_shown(self, shown: bool) -> None:
        """The plot's title, or none where the cell is low (the colour bar names the map)."""
        label = self.item.titleLabel
        if label.isVisible() == shown:
            return
        label.setMaximumHeight(TITLE_HEIGHT if shown else 0)
        # Without a title, a few pixels still: the colour bar's top value is not cut.
        self.item.layout.setRowFixedHeight(0, TITLE_HEIGHT if shown else BAR_HEADROOM)
        label.setVisible(shown)

    def _bar_ticks(self, task: str, classes: Sequence[str] = ()) -> None:
        """Few ticks on the colour bar: its ends and middle (0.2 steps crowded a projector's
        font); every class for a few classes, by name when known (codes 0, 1, 2 meant
        nothing to a reader of "setosa")."""
        lo, hi = self.style.levels
        if task == "multiclass" and hi - lo <= 5:
            values = list(range(int(round(lo)), int(round(hi)) + 1))
            named = len(classes) == len(values) and values[0] == 0
            ticks = [(float(v), _short(classes[v]) if named else str(v)) for v in values]
        else:
            ticks = [(v, f"{v:.3g}") for v in (lo, (lo + hi) / 2, hi)]
        self.bar.getAxis("right").setTicks([ticks, []])

    def _fit_bar(self, *_args) -> None:
        """The colour bar's axis as wide as its values and its label (a projector's font put
        "0.5" against "P(label=1)")."""
        if not self._bar_shown:
            return
        axis = self.bar.getAxis("right")
        font = axis.style.get("tickFont") or axis.font()
        metrics = QFontMetrics(font)
        ticks = axis._tickLevels[0] if axis._tickLevels else []
        text = max((metrics.horizontalAdvance(label) for _, label in ticks), default=24)
        label = axis.label.boundingRect().height() if axis.label.isVisible() else 0.0
        width = int(text + 0.9 * label + axis.style.get("tickTextOffset", [5, 2])[0] + 4)
        if width != axis.width():
            axis.setWidth(width)

    def _show_bar(self, shown: bool) -> None:
        layout = self.item.layout
        if shown and not self._bar_shown:
            layout.addItem(self.bar, BAR_ROW, BAR_COLUMN)
            layout.setColumnFixedWidth(4, 6)
            self.bar.show()
        elif not shown and self._bar_shown:
            layout.removeItem(self.bar)
            layout.setColumnFixedWidth(4, 0)
            self.bar.hide()
        self._bar_shown = shown

    # -- points ---------------------------------------------------------------------------

    @staticmethod
    def test_mask(trainer, n: int) -> np.ndarray:
        """Which of ``n`` dataset rows the trainer holds out for testing."""
        mask = np.zeros(n, bool)
        rows = getattr(trainer, "test_rows", None)
        if rows is not None and len(rows) and int(np.max(rows)) < n:
            mask[rows] = True
        return mask

    def set_points(self, X: np.ndarray, y: np.ndarray, test: np.ndarray) -> None:
        """The training rows outlined in grey; the test rows (when shown) in black."""
        self._xy = (X, y, test)
        self.draw_points()

    def draw_points(self) -> None:
        X, y, test = self._xy
        train = ~test
        colours = self.style.colours(y)
        pens = pg.mkPen(TRAIN_PEN, width=0.8)
        self.plot.points.setData(
            X[train, 0],
            X[train, 1],
            brush=[pg.mkBrush(c) for c, t in zip(colours, train, strict=True) if t],
            pen=pens,
            size=7,
        )
        if self.show_test and test.any():
            self.test_points.setData(
                X[test, 0],
                X[test, 1],
                brush=[pg.mkBrush(c) for c, t in zip(colours, test, strict=True) if t],
                pen=pg.mkPen(TEST_PEN, width=2.0),
                size=8,
            )
        else:
            self.test_points.setData([], [])

    def set_show_test(self, shown: bool) -> None:
        self.show_test = bool(shown)
        if self.active:
            self.draw_points()

    def set_points_visible(self, visible: bool) -> None:
        """Hidden while the draw tool shows its own points."""
        self.plot.points.setVisible(visible)
        self.test_points.setVisible(visible)

    # -- the network's output ---------------------------------------------------------------

    def paint(self, fit: np.ndarray) -> None:
        """The network's output on the probe grid as the washed background."""
        self.last_fit = fit
        side = int(round(np.sqrt(len(fit))))
        shown = self.style.shown(fit).reshape(side, side)
        self.plot.image.setImage(shown, levels=self.style.levels, autoLevels=False)
        # After setImage: the rect maps the image's pixels to data units by its size.
        self.plot.image.setRect(self.rect)

    def set_discrete(self, discrete: bool) -> None:
        self.style.discrete = bool(discrete)
        if self.active and self.last_fit is not None:
            self.paint(self.last_fit)
