"""The default dock layout, sized for the window it is in.

Fixed pixel sizes made for 1440x900 pushed the Training dock's last rows and the collapse
table off a 1366x768 screen. Here the side columns and the collapse area are shares of the
window, with floors that keep their controls usable, and the Training dock gets the height
its form needs (the Network dock takes the rest of the column).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar


@dataclass(frozen=True)
class DockSizes:
    left: int  # Data / Lessons column width
    right: int  # Network / Training column width
    bottom: int  # Collapse / Diagnostics height
    training: int  # Training dock height (Network gets the rest of the column)


def _clamp(value: float, lo: float, hi: float) -> int:
    return int(max(lo, min(hi, value)))


def dock_sizes(size: QSize, font_scale: float = 1.0, training_height: int = 300) -> DockSizes:
    """Dock sizes for a window of ``size`` whose fonts are ``font_scale`` times the default
    (presentation mode widens the side columns a little to keep their labels)."""
    w, h = size.width(), size.height()
    widen = 1.0 + 0.5 * (font_scale - 1.0)
    left = _clamp(0.22 * w * widen, 270, 400)
    right = _clamp(0.21 * w * widen, 260, 360)
    # Under the plots: the collapse verdict and the first three rows of its table (a 720-
    # pixel screen showed two at 35%).
    bottom = _clamp(0.35 * h, 262, 400)
    return DockSizes(left, right, bottom, training_height)


def apply_default(window: QMainWindow, font_scale: float = 1.0) -> DockSizes:
    """Size ``window``'s docks for its current size."""
    training = window.training_settings.sizeHint().height() + 26  # + the dock's title bar
    sizes = dock_sizes(window.size(), font_scale, training)
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    window.resizeDocks(
        [window.data_dock, window.network_dock], [sizes.left, sizes.right], horizontal
    )
    column = max(400, window.height() - 120)
    window.resizeDocks(
        [window.network_dock, window.training_dock],
        [max(200, column - sizes.training), sizes.training],
        vertical,
    )
    window.resizeDocks([window.collapse_dock], [sizes.bottom], vertical)
    return sizes


def present(window: QMainWindow, font_scale: float, small_screen: bool) -> None:
    """Presentation layout: on a small screen (a 1280x720 projector) every side panel goes
    into one tabbed column and the plots go compact (``PlotsArea.set_compact``), so the
    pictures and the collapse keep their room at the larger font; on a big screen the docks
    are only resized for it."""
    if small_screen:
        # The map or fit view at the whole height, the loss and coefficient plots tabbed.
        window.plots.set_compact(True)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        shown = window.lessons_dock if not window.lessons_dock.visibleRegion().isEmpty() else None
        for dock in (window.network_dock, window.training_dock):
            window.addDockWidget(left, dock)
            window.tabifyDockWidget(window.data_dock, dock)
        (shown or window.data_dock).raise_()
        sizes = dock_sizes(window.size(), font_scale)
        width = _clamp(0.27 * window.width(), 300, 460)
        window.resizeDocks([window.data_dock], [width], Qt.Orientation.Horizontal)
        # The verdict and two or three rows at the larger font; the plots get the rest.
        bottom = max(sizes.bottom, int(0.39 * window.height()))
        window.resizeDocks([window.collapse_dock], [bottom], Qt.Orientation.Vertical)
    else:
        apply_default(window, font_scale)


def hide_stale_tab_bars(window: QMainWindow) -> None:
    """Hide the dock tab bars the layout no longer uses.

    After ``restoreState`` or re-tabifying (presentation mode on and off), Qt 6.11 left the
    old tab bars shown under the new ones: "Network Training" was painted over the data
    table. A bar is in use when it sits right under the shown dock of its tab group.
    """
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()]
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        titles = {bar.tabText(i).replace("&", "") for i in range(bar.count())}
        rect = bar.geometry()
        used = any(
            d.windowTitle() in titles
            and abs(rect.top() - d.geometry().bottom()) <= 8
            and rect.left() < d.geometry().right()
            and d.geometry().left() < rect.right()
            for d in docks
        )
        if not used and bar.isVisible():
            bar.hide()
        elif used:
            # Whole titles and scroll arrows, not "D…", "Les…" in a narrow tabbed column.
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
