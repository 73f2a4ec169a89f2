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
painted once, in a turn of its own (not in the turn that did the work).

``set_progress`` sets a progress bar's value without ``QProgressBar.setValue``'s
synchronous repaint, which painted whatever else was dirty in the window right there, with
Python paint handlers waiting for the interpreter lock a load job held.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QWidget
from shiboken6 import isValid

# Long enough for the relayouts and scene updates that a change posts (a turn or two);
# short enough that nobody sees the window wait, and shorter than the jobs' start delay
# (ui/jobs.py QuietStart): the repaint does not wait for the interpreter lock they take.
HOLD_MS = 10


class PaintHold(QObject):
    """``hold()`` (connected to the controller's change signals) turns the updates of the
    window's parts (central area, docks, bars) off until ``HOLD_MS`` after the last call;
    then one repaint."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._held = False
        self._parts: list[QWidget] = []
        self._timer = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._timer.timeout.connect(self.release)

    @property
    def held(self) -> bool:
        return self._held

    def hold(self, *_args) -> None:
        if not self._held:
            # The window's own children, not the window: a top-level window whose updates
            # were turned off while a repaint was pending was never painted again (Qt 6.11).
            self._parts = [
                w
                for w in self._window.findChildren(
                    QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if not w.isWindow() and w.updatesEnabled()
            ]
            for w in self._parts:
                w.setUpdatesEnabled(False)
            self._held = True
        self._timer.start()

    def release(self) -> None:
        self._timer.stop()
        if self._held:
            self._held = False
            for w in self._parts:  # each one update() of the whole part
                if isValid(w):
                    w.setUpdatesEnabled(True)
            self._parts = []


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
