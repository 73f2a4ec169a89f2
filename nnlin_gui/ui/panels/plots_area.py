"""The central area: the network diagram and the fit view on top, the loss curves and the
coefficient trajectories below. ``refresh`` is called by the window's frame timer and pulls
the newest data from the controller (no signal per training update reaches the plots).

Compact (presentation mode on a small screen, ``set_compact``): the fit view or map takes
the whole height on the right; the diagram, the coefficient and the loss plots share the
left as tabs (``plotTabs``), each at the whole height: four plots at once in a 1280x720
projector's central area left a 140-pixel map and a 70-pixel coefficient view, and the
diagram with a part of its units.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from nnlin_gui.core.statistics.comparison import BASELINE_SHORT
from nnlin_gui.ui.widgets import plot_style
from nnlin_gui.ui.widgets.axis_label import fit_left_label
from nnlin_gui.ui.widgets.coef_box import CoefBox
from nnlin_gui.ui.widgets.coef_plot import CoefPlot, coefficient_names
from nnlin_gui.ui.widgets.fit_plot import FitPlot
from nnlin_gui.ui.widgets.loss_plot import LossPlot
from nnlin_gui.ui.widgets.map_box import MapBox
from nnlin_gui.ui.widgets.network_diagram import NetworkDiagram
from nnlin_gui.ui.widgets.region_overlay import RegionOverlay

# A two-feature map is square and wants height: its row gets more than half (the loss and
# coefficient plots below stay readable at the rest).
MAP_SHARE = 0.58
MAX_MAP_WIDTH = 0.6  # of the top row
# The plots' least height: with 140 (plot_style's) the plots area could not go below 322-340
# pixels, and at 1280x720 a relayout (a theme switch) left the collapse dock one table row.
PLOT_MIN_HEIGHT = 116
# Compact: the fit view's share of the width when it is not a map (a map: its square).
COMPACT_FIT_SHARE = 0.45
POOL_DELAY_MS = 800  # after the start-up turns and the default data's first views


class PlotsArea(QWidget):
    """objectName ``plotsArea``: networkDiagram, fitPlot, lossPlot, coefPlot."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plotsArea")
        self.controller = controller
        self.diagram = NetworkDiagram(controller)
        self.fit = FitPlot()
        self.loss = LossPlot()
        self.coef = CoefPlot()
        # Its curves are made in quiet moments after start-up, not when a wide table comes.
        QTimer.singleShot(POOL_DELAY_MS, self, self.coef.grow_pool_when_idle)
        # The map's controls sit above the fit view; the diagram paints with its colours.
        self.map_box = MapBox(controller, self.fit)
        self.diagram.map_style = self.fit.map.style
        self.map_box.map_changed.connect(self.diagram.update)
        top = QSplitter(Qt.Orientation.Horizontal, objectName="topSplitter")
        top.addWidget(self.diagram)
        top.addWidget(self.map_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        bottom = QSplitter(Qt.Orientation.Horizontal, objectName="bottomSplitter")
        bottom.addWidget(self.loss.widget)
        self.coef_box = CoefBox(controller, self.coef)  # scale, legend, intercept
        for plot in (self.loss.widget, self.coef.widget, self.fit.widget):
            plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        bottom.addWidget(self.coef_box)
        outer = QSplitter(Qt.Orientation.Vertical, objectName="plotsSplitter")
        outer.addWidget(top)
        outer.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(outer)
        self.splitters = (top, bottom, outer)
        # The compact arrangement's containers (filled by ``set_compact``).
        self.compact = False
        self.tabs = QTabWidget(objectName="plotTabs")
        self.tabs.setDocumentMode(True)
        self.compact_split = QSplitter(Qt.Orientation.Horizontal, objectName="compactSplitter")
        self.compact_split.addWidget(self.tabs)
        self.compact_split.setChildrenCollapsible(False)
        layout.addWidget(self.compact_split)
        self.compact_split.hide()
        # "cross-entropy (log scale)" was cut on a low plot: the short form there.
        loss_item = self.loss.widget.getPlotItem()
        loss_item.getViewBox().sigResized.connect(lambda *_: fit_left_label(loss_item))
        self._mode = ""  # the fit view's mode the rows were shared for
        self._top_moved = False
        top.splitterMoved.connect(self._on_top_moved)
        self._share_timer = QTimer(self, singleShot=True, interval=0)
        self._share_timer.timeout.connect(self.share_top)
        controller.model_reset.connect(self._on_model_reset)
        controller.baseline_changed.connect(self._on_baseline)
        controller.results_changed.connect(self._on_results)
        # After the connections above: it reads the fit view's new layout on a reset.
        self.regions = RegionOverlay(controller, self.fit, self.map_box, self.coef)

    def _on_model_reset(self) -> None:
        c = self.controller
        spec = c.spec
        if spec is None or c.dataset is None:
            return
        names = coefficient_names(c.dataset.feature_names, spec.n_outputs, c.dataset.class_labels)
        reason = ""
        if not spec.is_linear:
            bad = next(i for i, lay in enumerate(spec.layers) if lay.activation != "identity")
            reason = f"layer {bad + 1} uses {spec.layers[bad].activation}"
        coef = c.curves.coef
        newest = coef[-1] if len(coef) else None  # picks the curves of a wide table
        self.coef.set_layout(names, spec.is_linear, reason, newest)
        self.coef_box.on_model_reset()
        self._name_tabs()
        self.loss.reset()
        fit_left_label(self.loss.widget.getPlotItem())  # its label may be new
        self.fit.set_data(c)
        if c.fit_mode != self._mode:
            self._mode = c.fit_mode
            self.share_rows(MAP_SHARE if c.fit_mode == "heatmap" else 0.5)
            self._top_moved = False
            self._share_timer.start()  # once the rows have their new heights
        self._on_baseline(c.baseline)
        self.refresh()

    # -- compact (presentation mode on a small screen) ------------------------------------------

    def set_compact(self, on: bool) -> None:
        """The fit view or map at the whole height on the right, the diagram, coefficient and
        loss plots as tabs at the whole height on the left; or back to the two rows."""
        if on == self.compact:
            return
        self.compact = on
        top, bottom, outer = self.splitters
        if on:
            self.tabs.addTab(self.diagram, "Network")
            self.tabs.addTab(self.coef_box, "")
            self.tabs.addTab(self.loss.widget, "Loss")
            self._name_tabs()
            spec = self.controller.spec
            # The picture that says the most: the coefficients meeting OLS for a linear
            # network, the units' maps for a nonlinear one.
            linear = spec is None or spec.is_linear
            self.tabs.setCurrentWidget(self.coef_box if linear else self.diagram)
            self.compact_split.addWidget(self.map_box)
            outer.hide()
            self.compact_split.show()
        else:
            while self.tabs.count():
                self.tabs.removeTab(0)  # the widgets stay; inserted back below
            top.insertWidget(0, self.diagram)
            top.insertWidget(1, self.map_box)
            bottom.insertWidget(0, self.loss.widget)
            bottom.insertWidget(1, self.coef_box)
            for w in (self.diagram, self.map_box, self.loss.widget, self.coef_box):
                w.show()
            self.compact_split.hide()
            outer.show()
            self._top_moved = False
            self.share_rows(MAP_SHARE if self._mode == "heatmap" else 0.5)
        self._share_timer.start()

    def _name_tabs(self) -> None:
        spec = self.controller.spec
        linear = spec is None or spec.is_linear
        index = self.tabs.indexOf(self.coef_box)
        if index >= 0:  # a nonlinear network's plot counts its linear regions
            self.tabs.setTabText(index, "Coefficients" if linear else "Regions")

    def share_compact(self) -> None:
        """The map as wide as its square (and its controls) at the whole height; another fit
        view 45% of the width; the tabs the rest."""
        split = self.compact_split
        total = sum(split.sizes())
        if total <= 0:
            return
        if self._mode == "heatmap":
            width = self.map_box.ideal_width(split.height())
            width = int(min(MAX_MAP_WIDTH * total, max(0.4 * total, width)))
        else:
            width = int(COMPACT_FIT_SHARE * total)
        split.setSizes([total - width, width])

    def share_top(self) -> None:
        """A two-feature map: its cell as wide as its square and its controls need (the
        diagram takes the rest, at least 40%); the other views: 3 to 2."""
        if self.compact:
            self.share_compact()
            return
        top = self.splitters[0]
        total = sum(top.sizes())
        if total <= 0 or self._top_moved:
            return
        if self._mode == "heatmap":
            width = self.map_box.ideal_width(top.height())
            # The diagram keeps room for whole captions ("laye…" at 1280 pixels).
            spec = self.controller.spec
            columns = len(spec.layers) + 2 if spec is not None else 4
            # (Its captions wrap, "4 units / ReLU"; a column narrower than "layer 10" or
            # "10 features" elides.)
            metrics = QFontMetrics(self.diagram.font())
            caption = max(
                1.2 * metrics.horizontalAdvance("layer 10"),
                metrics.horizontalAdvance("10 features"),
            )
            diagram = max(0.4 * total, columns * (caption + 16))
            width = int(min(MAX_MAP_WIDTH * total, total - diagram, max(0.4 * total, width)))
            width = max(width, int(0.3 * total))
        else:
            width = int(0.4 * total)
        top.blockSignals(True)
        top.setSizes([total - width, width])
        top.blockSignals(False)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._share_timer.start()

    def _on_top_moved(self, *_args) -> None:
        self._top_moved = True  # the user's own split stays

    def share_rows(self, top: float) -> None:
        """Give the top row (diagram and fit view) ``top`` of the height."""
        outer = self.splitters[2]
        total = sum(outer.sizes()) or max(self.height(), 400)
        first = int(round(top * total))
        outer.setSizes([first, total - first])

    def _on_baseline(self, base) -> None:
        # A softmax network's own per-class weights are not identified (only differences
        # are): no dashed targets for them; the collapse table compares relative to a class.
        if base is None or base.classes:
            self.coef.set_baseline(None)
        else:
            values = np.concatenate([np.ravel(base.W), np.ravel(base.b)])
            self.coef.set_baseline(values, BASELINE_SHORT.get(base.kind, base.kind))
        self.fit.set_baseline(self.controller)

    def _on_results(self, results) -> None:
        self.refresh()

    def start_live(self, first_epoch: int, last_epoch: int) -> None:
        """A run starts: hold the ranges steady (cheap frames) until ``stop_live``."""
        self.loss.range.start(first_epoch, last_epoch)
        if self.coef.curves:
            self.coef.range.start(first_epoch, last_epoch)
        self.diagram.live = True
        plot_style.set_live_style(self._curves(), True)

    def _curves(self) -> list:
        return [self.loss.train, self.loss.test, self.fit.net, *self.coef.curves]

    def stop_live(self) -> None:
        self.loss.range.stop()
        self.coef.range.stop()
        self.diagram.live = False
        plot_style.set_live_style(self._curves(), False)

    def refresh(self) -> None:
        """Repaint what changed since the last frame."""
        c = self.controller
        self.loss.refresh(c)
        self.coef.refresh(c)
        self.fit.refresh(c)
        self.diagram.refresh(c)
