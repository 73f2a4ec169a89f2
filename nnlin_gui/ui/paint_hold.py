"""Paint the window once after a new table or model, and never in the middle of a turn.

Adopting a new table or model changes every dock at once: relayouts, new legends, new
read-outs. Qt's graphics views send the window's pending repaint as soon as one of their
scenes has processed its changes (``QGraphicsView`` dispatches pending update requests at
once, so that an item is painted without a second round-trip), and the relayouts that
follow make most of the window dirty again: one adoption painted the whole window two or
three times in a single event-loop turn, about 30 ms each (measured with a 1,000,000-row
load: a 120-200 ms stall). ``PaintHold`` keeps the window's updates off from the first
signal of a change (a table, a dataset, a model, a read-out, a run starting or stopping)
until ``HOLD_MS`` after the last one, when the relayouts have settled; the window is then
painted once, a part per turn, ``PART_MS`` apart: each plot (the central area's graphics
views), then each dock and bar. The whole window in one turn was 30-40 ms of the GUI
thread's time and the plots alone 18-24 ms, the longest turns of a load.

``set_progress`` sets a progress bar's value without ``QProgressBar.setValue``'s
synchronous repaint, which painted whatever else was dirty in the window right there, with
Python paint handlers waiting for the interpreter lock a load job held.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QGraphicsView, QProgressBar, QWidget
from shiboken6 import isValid

# Long enough for the relayouts and scene updates that a change posts (a turn or two);
# short enough that nobody sees the window wait, and shorter than the jobs' start delay
# (ui/jobs.py QuietStart): the repaint does not wait for the interpreter lock they take.
HOLD_MS = 10
PART_MS = 5  # between parts: a part's repaint (a posted event) comes before the next


class PaintHold(QObject):
    """``hold()`` (connected to the controller's change signals) turns the updates of the
    window's parts (central area, docks, bars) off until ``HOLD_MS`` after the last call;
    then each part is turned on (and so repainted) in a turn of its own."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._held = False
        self._parts: list[QWidget] = []
        self._waiting: list[QWidget] = []  # released, not yet turned on
        self._timer = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._timer.timeout.connect(self.release)
        self._step = QTimer(self, singleShot=True, interval=PART_MS)
        self._step.timeout.connect(self._next_part)

    @property
    def held(self) -> bool:
        """True while any part of the window has its updates off."""
        return self._held or bool(self._waiting)

    def hold(self, *_args) -> None:
        if not self._held:
            # The window's own children, not the window: a top-level window whose updates
            # were turned off while a repaint was pending was never painted again (Qt 6.11).
            fresh = [w for w in self._part_widgets() if w.updatesEnabled()]
            for w in fresh:
                w.setUpdatesEnabled(False)
            # Parts still waiting from the last release are held again, not forgotten.
            self._parts, self._waiting = self._waiting + fresh, []
            self._step.stop()
            self._held = True
        self._timer.start()

    def _part_widgets(self) -> list[QWidget]:
        """The window's children, the central area split into its views: its plots'
        repaint alone was 18-24 ms."""
        central = self._window.findChild(QWidget, "centralArea")
        parts = [
            w
            for w in self._window.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if not w.isWindow() and w is not central
        ]
        if central is not None:
            views = central.findChildren(QGraphicsView)  # the plots
            diagram = central.findChild(QWidget, "networkDiagram")
            parts[:0] = [*views, *([diagram] if diagram is not None else [])]
        return parts

    def release(self) -> None:
        self._timer.stop()
        if self._held:
            self._held = False
            self._waiting, self._parts = self._parts, []  # the plots first
            self._next_part()

    def release_now(self) -> None:
        """Every part on at once: a grab of a part still held comes out black."""
        self.release()
        self._step.stop()
        while self._waiting:
            self._next_part()

    def _next_part(self) -> None:
        if not self._waiting:
            return
        w = self._waiting.pop(0)
        if isValid(w):
            w.setUpdatesEnabled(True)  # an update() of the whole part
        if self._waiting:
            self._step.start()


def set_progress(bar: QProgressBar, value: int) -> None:
    """``bar.setValue(value)`` painted with the next ordinary update, not at once."""
    if bar.value() == value:
        return
    if bar.testAttribute(Qt.WidgetAttribute.WA_ForceUpdatesDisabled):
        bar.setValue(value)  # off already (and stays off)
        return
    bar.setUpdatesEnabled(False)  # setValue's repaint() does nothing
    bar.setValue(value)
    bar.setUpdatesEnabled(True)  # update(): painted in the next paint of the window
