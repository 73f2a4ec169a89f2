"""Garbage collection only in the GUI thread.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. If that is the training or task thread and the garbage holds Qt objects (an old
window, a menu), Qt destroys them there and can deadlock against the GUI thread (seen with
gdb in the ui tests). So automatic collection is switched off and a GUI-thread timer
collects instead (pyqtgraph's recipe), often and over few objects so that no collection
stalls the window (measured: a 102 ms stall without ``gc.freeze``, see bench_gui.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

_collector: GuiThreadCollector | None = None


class GuiThreadCollector:
    """Collects each generation on a timer once its count passes the usual threshold."""

    def __init__(self, interval_ms: int = 200) -> None:
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest due generation also collects the younger
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                if generation == 2:
                    # What survives a full collection is frozen like start-up's objects:
                    # the next full one looks only at what is new. The first full one after
                    # a load job imported pandas held the GUI thread 60-100 ms. Tables,
                    # datasets and trainers are freed by reference counting, not by this
                    # collector (tests/ui/test_gui_gc.py), so freezing them keeps nothing.
                    gc.freeze()
                return


def collect_in_gui_thread() -> GuiThreadCollector:
    """Install the collector once per process (call from the GUI thread)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector()
    gc.collect()  # what an earlier window left behind goes now, in this thread
    # Everything alive now (modules, Qt wrappers, pyqtgraph) stays for the whole run: frozen
    # objects are skipped by later collections, so a full one no longer stalls the window.
    gc.freeze()
    return _collector
