"""The scroll area a dock holds its panel in: it scrolls up and down, never sideways, and
it is never narrower than its panel.

With the sideways scroll bar off, a panel wider than its dock was cut at the right edge
("Open CS", a clipped filter row on mtcars). This area asks for its panel's minimum width,
so the window gives the dock that much (the central plots give way) instead of clipping.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QWidget


class PanelScroll(QScrollArea):
    """A vertical-only, frameless, resizable scroll area around ``panel``."""

    def __init__(self, panel: QWidget | None = None) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if panel is not None:
            self.setWidget(panel)

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt override)
        super().setWidget(widget)
        widget.installEventFilter(self)  # its minimum width changes with the data
        self.updateGeometry()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(obj, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        panel = self.widget()
        if panel is not None:
            bar = self.verticalScrollBar().sizeHint().width()
            hint.setWidth(panel.minimumSizeHint().width() + bar + 2 * self.frameWidth())
        return hint
