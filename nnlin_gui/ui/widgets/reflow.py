"""A row of widgets that becomes a column when it is narrower than a breakpoint.

Side-by-side groups that need 900 px were clipped in a 700 px dock (the scroll areas
never scroll sideways): below the breakpoint they stack instead.
"""

from __future__ import annotations

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

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        direction = ROW if event.size().width() >= self.breakpoint else COLUMN
        if direction != self.box.direction():
            self.box.setDirection(direction)

    def minimumSizeHint(self):  # noqa: N802 (Qt override)
        # As a column it needs only its widest child: let the dock be narrow and reflow.
        hint = super().minimumSizeHint()
        widths = [self.box.itemAt(i).minimumSize().width() for i in range(self.box.count())]
        if widths:
            hint.setWidth(max(widths))
        return hint
