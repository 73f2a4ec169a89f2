"""A row of widgets that becomes a column when it is narrower than they need.

Side-by-side groups that need 900 px were clipped in a 700 px dock (the scroll areas
never scroll sideways): below the breakpoint, or below the width their size hints ask for
(larger in presentation mode), they stack instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QBoxLayout, QWidget

ROW, COLUMN = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom


class Reflow(QWidget):
    """``add(widget, stretch)`` like a QHBoxLayout; stacks below ``breakpoint`` pixels."""

    def __init__(self, breakpoint: int, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self.breakpoint = breakpoint
        self.box = QBoxLayout(ROW, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(spacing)

    def add(self, widget: QWidget, stretch: int = 0) -> None:
        self.box.addWidget(widget, stretch)

    def add_stretch(self, stretch: int = 1) -> None:
        self.box.addStretch(stretch)

    @property
    def stacked(self) -> bool:
        return self.box.direction() == COLUMN

    def needed(self) -> int:
        """The width the row needs: the breakpoint, or what its widgets ask for."""
        items = [self.box.itemAt(i) for i in range(self.box.count())]
        asked = sum(item.sizeHint().width() for item in items if not item.isEmpty())
        return max(self.breakpoint, asked + self.box.spacing() * max(0, len(items) - 1))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: wider children
            self._reflow(self.width())

    def _reflow(self, width: int) -> None:
        direction = ROW if width >= self.needed() else COLUMN
        if direction != self.box.direction():
            self.box.setDirection(direction)

    def minimumSizeHint(self):  # noqa: N802 (Qt override)
        # As a column it needs only its widest child: let the dock be narrow and reflow.
        hint = super().minimumSizeHint()
        widths = [self.box.itemAt(i).minimumSize().width() for i in range(self.box.count())]
        if widths:
            hint.setWidth(max(widths))
        return hint
