"""Drawing points by hand on the two-feature map: a click adds a point of the chosen class
(or value), a drag erases the points it passes over. The points are handed to the
controller as a dataset (``use_drawn_points``) a moment after the last change."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from nnlin_gui.core.errors import UserError
from nnlin_gui.workbench.drawn import DrawnPoints, drawn_table, points_of

ERASE_PIXELS = 12.0  # a drag removes the points within this many pixels of the cursor
PUSH_MS = 350  # the dataset is rebuilt this long after the last click or drag


class DrawTool(QObject):
    """Takes over the fit view's clicks and drags while ``active``.

    Signals
    -------
    hint(str): what the drawing still needs ('' when it is a dataset)
    """

    hint = Signal(str)

    def __init__(self, controller, fit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.fit = fit
        self.active = False
        self.value = 1.0  # the class index or target value a click adds
        self.points: DrawnPoints | None = None
        self.overlay = pg.ScatterPlotItem(size=8, pen=pg.mkPen((40, 40, 40), width=0.8))
        self.overlay.setZValue(5)
        fit.item.addItem(self.overlay)
        self.overlay.hide()
        self._push = QTimer(self, singleShot=True, interval=PUSH_MS)
        self._push.timeout.connect(self.push)
        vb = fit.item.getViewBox()
        self._vb = vb
        self._click, self._drag = vb.mouseClickEvent, vb.mouseDragEvent
        vb.mouseClickEvent = self._on_click  # the view box pans and zooms otherwise
        vb.mouseDragEvent = self._on_drag

    # -- mode -----------------------------------------------------------------------------

    def start(self) -> bool:
        """Draw on top of the current two-feature data; False when there is none."""
        ds = self.controller.dataset
        if ds is None or self.controller.fit_mode != "heatmap":
            self.hint.emit("Drawing needs data with two features (e.g. circle).")
            return False
        self.points = points_of(ds)
        self.active = True
        self.fit.map.set_points_visible(False)
        self._show()
        return True

    def stop(self) -> None:
        if self._push.isActive():
            self._push.stop()
            self.push()
        self.active = False
        self.overlay.hide()
        self.fit.map.set_points_visible(True)
        self.hint.emit("")

    def clear(self) -> None:
        """Start from an empty canvas (the map's range stays)."""
        if self.points is not None:
            p = self.points
            self.points = replace(p, X=np.empty((0, 2)), y=np.empty(0))
            self._changed()

    # -- edits ----------------------------------------------------------------------------

    def add(self, x: float, y: float) -> None:
        p = self.points
        if p is None:
            return
        X = np.vstack([p.X, [[x, y]]])
        self.points = replace(p, X=X, y=np.append(p.y, self.value))
        self._changed()

    def erase_near(self, x: float, y: float, rx: float, ry: float) -> int:
        """Remove the points inside the ellipse of radii (rx, ry) around (x, y)."""
        p = self.points
        if p is None or not len(p.y):
            return 0
        d = ((p.X[:, 0] - x) / rx) ** 2 + ((p.X[:, 1] - y) / ry) ** 2
        keep = d > 1.0
        removed = int((~keep).sum())
        if removed:
            self.points = replace(p, X=p.X[keep], y=p.y[keep])
            self._changed()
        return removed

    def _changed(self) -> None:
        self._show()
        self._push.start()

    def _show(self) -> None:
        p = self.points
        if p is None:
            return
        brushes = [pg.mkBrush(c) for c in self.fit.map.style.colours(p.y)]
        self.overlay.setData(p.X[:, 0], p.X[:, 1], brush=brushes)
        self.overlay.show()

    def push(self) -> None:
        """Hand the points to the controller, or say what they still need."""
        if self.points is None:
            return
        try:
            drawn_table(self.points)  # the same checks the controller makes, without noise
        except UserError as exc:
            self.hint.emit(str(exc).capitalize() + ".")
            return
        self.hint.emit("")
        self.controller.use_drawn_points(self.points)

    # -- mouse (the view box's handlers while drawing) ----------------------------------------

    def _on_click(self, ev) -> None:
        if not self.active:
            return self._click(ev)
        if ev.button() == Qt.MouseButton.LeftButton:
            pos = self._vb.mapSceneToView(ev.scenePos())
            self.add(pos.x(), pos.y())
        ev.accept()

    def _on_drag(self, ev, axis=None) -> None:
        if not self.active:
            return self._drag(ev, axis)
        ev.accept()
        pos = self._vb.mapSceneToView(ev.scenePos())
        px, py = self._vb.viewPixelSize()
        self.erase_near(pos.x(), pos.y(), ERASE_PIXELS * px, ERASE_PIXELS * py)
