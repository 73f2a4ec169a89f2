"""The collapse headline in the status bar (objectName ``collapseHeadline``): collapsed,
on its way, or cannot collapse, with the largest difference, whatever the docks show.

A single line that never pushes the window wider: when the text does not fit, its middle
is elided, so the verdict (the start) and the number (the end) both stay readable; the
tooltip and ``text()`` keep the whole sentence.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.workbench.readouts import CANNOT, COLLAPSED, ON_ITS_WAY, Headline

# Mid-tone colours that read on a light and on a dark background alike.
COLOURS = {
    COLLAPSED: QColor(46, 160, 67),
    ON_ITS_WAY: QColor(56, 132, 220),
    CANNOT: QColor(224, 112, 30),
}
LIVE_INTERVAL = 0.2  # seconds between live updates: five a second reads fine
MARKS = {COLLAPSED: "\u2714", ON_ITS_WAY: "\u279c", CANNOT: "\u2716"}


class HeadlineLabel(QLabel):
    """A bold, coloured, middle-elided line; ``show_headline`` sets it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collapseHeadline")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.verdict = ""
        self._shown_at = 0.0
        set_relative(self, ratio_of(11), bold=True)  # read from the back row

    def show_headline(self, head: Headline, live: bool = False) -> None:
        """Show ``head``; while training (``live``) the number moves every frame, so a new
        text with the same verdict waits for ``LIVE_INTERVAL``."""
        if head.text == self.text() and head.verdict == self.verdict:
            return
        now = time.perf_counter()
        if live and head.verdict == self.verdict and now - self._shown_at < LIVE_INTERVAL:
            return
        self._shown_at = now
        self.verdict = head.verdict
        self.setText(head.text)
        self.setToolTip(head.text)
        self.setAccessibleName(head.text)
        self.update()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(80, self.fontMetrics().height() + 4)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        colour = COLOURS.get(self.verdict)
        if colour is None:
            colour = self.palette().color(QPalette.ColorRole.WindowText)
        mark = MARKS.get(self.verdict, "")
        text = f"{mark}  {self.text()}" if mark else self.text()
        rect = self.contentsRect().adjusted(4, 0, -4, 0)
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.end()
