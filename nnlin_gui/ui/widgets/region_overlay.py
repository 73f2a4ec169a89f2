"""The linear regions on the fit view: every ReLU network is a patchwork of linear
regressions, and this shows the patches exactly.

Two features: the outlines of the activation regions over the map (``regions_job``, a
background job, never the GUI thread); one feature: dots where the curve's slope changes
(the breakpoints). The toggle ``showRegions`` sits with the map's controls. While training
the outlines follow the live parameters (the controller's ``diagram_net``) at most
``MAX_HZ`` times a second; a partition that takes long (a big network) is refreshed less
often (``SLOW_FACTOR`` times its cost apart), and the title says so. A click on the map
(not while drawing) asks for the region under it (``region_at_job``) and emits
``region_clicked(ClickedRegion)``. For a nonlinear network the coefficient plot, empty
otherwise, shows the number of regions the training rows meet over the epochs.
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QTimer, Signal, Slot
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import QCheckBox, QGraphicsPolygonItem

from nnlin_gui.core.networks.regions import Partition1D, Partition2D, nonpiecewise_reason
from nnlin_gui.workbench.region_click import live_trainer, region_at_job
from nnlin_gui.workbench.regions_jobs import region_count_job, regions_job

MAX_HZ = 5.0
SLOW_FACTOR = 4.0  # while training, wait this many times a partition's cost between two
SLOW_SECONDS = 0.5  # a partition slower than this is a big network's: say so
COUNT_INTERVAL = 1.0  # seconds between two region counts while training
COUNT_ROWS = 5000  # training rows counted (evenly spaced) while training
OUTLINE = (20, 20, 20, 170)
KIND, COUNT_KIND, CLICK_KIND = "panel:regions", "panel:regioncount", "panel:regionclick"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class RegionOverlay(QObject):
    """Owns the outlines, breakpoints, ``showRegions`` and the regions-over-epochs curve.

    Attributes
    ----------
    outlines : the outline items shown now, one per polygon of ``view``
    view : the newest ``RegionsView`` drawn (None before the first)
    counts : [(epoch, regions met by the training rows)]
    """

    region_clicked = Signal(object)

    def __init__(self, controller, fit, map_box, coef) -> None:
        super().__init__(fit.widget)
        self.controller, self.fit, self.map_box, self.coef = controller, fit, map_box, coef
        self.outlines: list[pg.PlotCurveItem] = []
        self._pool: list[pg.PlotCurveItem] = []
        self.view = None
        self.counts: list[tuple[int, int]] = []
        self.slow_note = ""
        self._busy = self._count_busy = False
        self._token = self._count_token = self._click_token = -2
        self._drawn_version = -1
        self._last_cost = 0.0
        self._last_start = self._last_count = 0.0
        self.breaks = pg.ScatterPlotItem(
            size=9, pen=pg.mkPen((20, 20, 20), width=1.5), brush=pg.mkBrush(255, 210, 0)
        )
        self.breaks.setZValue(5)
        fit.item.addItem(self.breaks)
        self.marker = pg.ScatterPlotItem(
            size=14, symbol="x", pen=pg.mkPen((200, 30, 30), width=3), brush=None
        )
        self.marker.setZValue(6)
        fit.item.addItem(self.marker)
        self.highlight = QGraphicsPolygonItem()
        self.highlight.setPen(pg.mkPen((200, 30, 30), width=2.5, cosmetic=True))
        self.highlight.setBrush(pg.mkBrush(255, 220, 0, 70))
        self.highlight.setZValue(4)
        self.highlight.setVisible(False)
        fit.item.addItem(self.highlight, ignoreBounds=True)
        self.count_curve = pg.PlotDataItem(
            pen=pg.mkPen((120, 60, 170), width=2), symbol="o", symbolSize=4
        )
        self.count_curve.setVisible(False)
        coef.item.addItem(self.count_curve)

        self.toggle = QCheckBox("Show regions", objectName="showRegions")
        self.toggle.setToolTip(
            "Outline the network's linear regions: in each one the network is exactly one "
            "linear regression (ReLU, leaky ReLU, identity). Click a region to see it."
        )
        self.toggle.setChecked(True)
        host = map_box.show_test.parentWidget()
        host.layout().insertWidget(2, self.toggle)
        self.toggle.toggled.connect(self._on_toggle)

        self.timer = QTimer(self, interval=int(1000 / MAX_HZ))
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        controller.model_reset.connect(self._on_reset)
        controller.baseline_changed.connect(lambda _b: self._title_counts())
        controller.training_finished.connect(lambda _r: self._request_count(force=True))
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)
        fit.widget.scene().sigMouseClicked.connect(self._on_click)
        self._on_reset()

    # -- state --------------------------------------------------------------------------------

    @property
    def applicable(self) -> bool:
        """A piecewise-linear network on one or two features (curve or map)."""
        c = self.controller
        spec = c.spec
        return (
            spec is not None
            and c.dataset is not None
            and self.fit.mode in ("curve", "heatmap")
            and nonpiecewise_reason(spec) is None
        )

    def _trainer(self):
        c = self.controller
        if c.trainer is None:
            return None
        if c.is_training:
            return live_trainer(c.trainer, c.diagram_net, c.epoch)
        return c.trainer.copy()

    @Slot()
    def _on_reset(self) -> None:
        self.view = None
        self.counts = []
        self._drawn_version = -1
        self._token = self._count_token = self._click_token = -2
        self._busy = self._count_busy = False
        self._last_cost = 0.0
        self.slow_note = ""
        self.marker.setData([], [])
        self.highlight.setVisible(False)
        self._clear()
        spec = self.controller.spec
        piecewise = spec is not None and nonpiecewise_reason(spec) is None
        two = self.fit.mode == "heatmap"
        self.toggle.setVisible(piecewise and two)
        nonlinear = spec is not None and not spec.is_linear
        self.count_curve.setData([], [])
        self.count_curve.setVisible(nonlinear and piecewise)
        if nonlinear and piecewise:
            self.coef.note.setText("Counting the linear regions…")
            self._request_count(force=True)
        self._title_counts()
        self._tick()

    def _on_toggle(self, on: bool) -> None:
        if not on:
            self._clear()
        self._drawn_version = -1
        self._tick()

    def _clear(self) -> None:
        for item in self.outlines:
            item.setData([], [])
            item.setVisible(False)
        self.outlines = []
        self.breaks.setData([], [])

    # -- the partition ------------------------------------------------------------------------

    @Slot()
    def _tick(self) -> None:
        c = self.controller
        if not self.toggle.isChecked() or not self.applicable or self._busy:
            return
        if c.version == self._drawn_version:
            return
        now = time.monotonic()
        if c.is_training:
            wait = max(1.0 / MAX_HZ, SLOW_FACTOR * self._last_cost)
            if now - self._last_start < wait:
                return
            self._request_count()
        trainer = self._trainer()
        if trainer is None:
            return
        self._busy = True
        self._last_start = now
        self._pending_version = c.version
        job = partial(regions_job, trainer, self._box())
        self._token = c.run_background(KIND, job)

    def _box(self):
        probe = self.controller.fit_probe
        if probe is None:
            return None
        X = probe.X[:, : 2 if self.fit.mode == "heatmap" else 1]
        return np.column_stack([X.min(axis=0), X.max(axis=0)])

    def _draw(self, view) -> None:
        self.view = view
        self._clear()
        if not self.toggle.isChecked() or not view.exact or view.partition is None:
            return
        part = view.partition
        if isinstance(part, Partition2D):
            self._draw_polygons(part)
        elif isinstance(part, Partition1D):
            self._draw_breaks(part)

    def _draw_polygons(self, part: Partition2D) -> None:
        polys = part.polygons()
        while len(self._pool) < len(polys):
            item = pg.PlotCurveItem(pen=pg.mkPen(OUTLINE, width=1))
            item.setZValue(1)
            self.fit.item.addItem(item, ignoreBounds=True)
            self._pool.append(item)
        for item, poly in zip(self._pool, polys, strict=False):
            closed = np.vstack([poly, poly[:1]])
            item.setData(closed[:, 0], closed[:, 1])
            item.setVisible(True)
        for item in self._pool[len(polys) :]:
            item.setData([], [])
            item.setVisible(False)
        self.outlines = self._pool[: len(polys)]

    def _draw_breaks(self, part: Partition1D) -> None:
        x = np.asarray(part.breakpoints, dtype=np.float64)
        if not len(x):
            return
        # The left segment's line at its right end (the network is continuous there).
        z = part.W[:-1, 0, 0] * x + part.b[:-1, 0]
        if part.output == "logit":
            z = _sigmoid(z)
        elif part.output == "logits":
            return  # one curve per class: no single height to mark
        self.breaks.setData(x, z)

    # -- the number of regions over the epochs --------------------------------------------------

    def _request_count(self, force: bool = False) -> None:
        c = self.controller
        spec = c.spec
        if spec is None or spec.is_linear or nonpiecewise_reason(spec) is not None:
            return
        now = time.monotonic()
        if self._count_busy or (not force and now - self._last_count < COUNT_INTERVAL):
            return
        trainer = self._trainer()
        if trainer is None:
            return
        self._count_busy = True
        self._last_count = now
        rows = COUNT_ROWS if c.is_training else None
        self._count_token = c.run_background(COUNT_KIND, partial(region_count_job, trainer, rows))

    def _add_count(self, epoch: int, count: int | None) -> None:
        if count is None:
            return
        self.counts = [(e, n) for e, n in self.counts if e != epoch] + [(epoch, count)]
        self.counts.sort()
        e, n = np.array(self.counts, dtype=np.float64).T
        self.coef.note.setText("")
        self.count_curve.setVisible(True)
        self.count_curve.setData(e, n)
        self.coef.item.enableAutoRange()
        self._title_counts()

    def _title_counts(self) -> None:
        spec = self.controller.spec
        if spec is None or spec.is_linear or nonpiecewise_reason(spec) is not None:
            return
        last = f": {self.counts[-1][1]:,} now" if self.counts else ""
        self.coef.item.setTitle(
            "<span style='font-size:11pt'><b>Linear regions met by the training rows"
            f"{last}</b></span>"
        )
        self.coef.item.setLabel("left", "regions")
        self.coef.item.setLabel("bottom", "epoch")

    # -- clicks -------------------------------------------------------------------------------

    def _on_click(self, ev) -> None:
        if self.map_box.tool.active or self.fit.mode not in ("curve", "heatmap"):
            return
        vb = self.fit.item.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pos = vb.mapSceneToView(ev.scenePos())
        point = [pos.x(), pos.y()] if self.fit.mode == "heatmap" else [pos.x()]
        self.click_at(point)

    def click_at(self, point) -> int:
        """Ask for the region (or tangent plane) at ``point`` (original units)."""
        c = self.controller
        trainer = self._trainer()
        if trainer is None or c.dataset is None:
            return -1
        rows = trainer.train_rows
        X, y = trainer.X[rows], trainer.y[rows]
        job = partial(region_at_job, trainer.network, trainer.scaling, X, y, point)
        self._click_token = c.run_background(CLICK_KIND, job)
        if len(point) == 2:
            self.marker.setData([point[0]], [point[1]])
        return self._click_token

    # -- results ------------------------------------------------------------------------------

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token == self._token:
            self._busy = False
            self._last_cost = time.monotonic() - self._last_start
            slow = self._last_cost > SLOW_SECONDS
            if slow and not self.slow_note:
                self.controller.message.emit(
                    f"The regions take {self._last_cost:.2f} s to compute: while training "
                    "they are redrawn less often (every "
                    f"{SLOW_FACTOR * self._last_cost:.1f} s)."
                )
            self.slow_note = "redrawn less often while training (a big network)" if slow else ""
            self.toggle.setToolTip(
                self.toggle.toolTip().split("\n")[0] + (f"\n({self.slow_note})" if slow else "")
            )
            if result is not None:
                self._drawn_version = self._pending_version
                self._draw(result)
                if result.n_regions_train and not self.controller.is_training:
                    self._add_count(result.epoch, result.n_regions_train)
        elif token == self._count_token:
            self._count_busy = False
            if result is not None:
                self._add_count(*result)
        elif token == self._click_token and result is not None:
            self._highlight(result.point)
            self.region_clicked.emit(result)

    def _highlight(self, point) -> None:
        """Fill the polygon of the drawn partition holding ``point`` (two features)."""
        self.highlight.setVisible(False)
        part = None if self.view is None else self.view.partition
        if not isinstance(part, Partition2D) or len(point) != 2:
            return
        for poly in part.polygons():
            edge = np.roll(poly, -1, axis=0) - poly
            rel = np.asarray(point) - poly
            if np.all(edge[:, 0] * rel[:, 1] - edge[:, 1] * rel[:, 0] >= -1e-12):
                self.highlight.setPolygon(QPolygonF([QPointF(*map(float, v)) for v in poly]))
                self.highlight.setVisible(True)
                return

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token == self._token:
            self._busy = False
            self._drawn_version = self.controller.version  # not again for this state
            self.slow_note = message
        elif token == self._count_token:
            self._count_busy = False
