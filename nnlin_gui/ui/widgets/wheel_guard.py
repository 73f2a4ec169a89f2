"""Plots inside a scrolling page leave the wheel to the page.

A pyqtgraph plot takes every wheel event (it zooms), so over the long diagnostics page the
wheel zoomed a plot to nonsense and the page stopped moving. A guarded plot passes the
wheel to the scroll area around it, unless Ctrl is held or the plot was clicked (it
then zooms until the pointer leaves it). Plots outside a scroll area are not affected.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGraphicsView, QWidget

ARMED = "nnlinWheelArmed"


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area holding ``widget`` (not the plot's own graphics view)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QGraphicsView):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """Event filter on a plot's viewport (see the module docstring)."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self.view.setProperty(ARMED, True)
        elif kind == QEvent.Type.Leave:
            self.view.setProperty(ARMED, False)
        elif kind == QEvent.Type.Wheel:
            return self._wheel(event)
        return False

    def _wheel(self, event) -> bool:
        area = scroll_area_of(self.view)
        if area is None:
            return False  # a plot in a fixed layout zooms as usual
        zoom = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if zoom or self.view.property(ARMED):
            return False
        delta = event.angleDelta()
        bar = (
            area.horizontalScrollBar()
            if abs(delta.x()) > abs(delta.y())
            else (area.verticalScrollBar())
        )
        QApplication.sendEvent(bar, event)  # the page scrolls; the plot's range stays
        return True


def guard(view: QGraphicsView) -> WheelGuard:
    """Install the guard on ``view`` (once)."""
    existing = view.findChild(WheelGuard)
    return existing if existing is not None else WheelGuard(view)
