"""The main window's layout over time: the saved geometry and dock layout (QSettings),
presentation mode's layout laid over the user's, and View > Reset layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from nnlin_gui.ui import screen_fit, window_layout
from nnlin_gui.ui.theme import FONT_SCALE

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow

STATE_VERSION = 3  # bumped when the default layout changes: old saved layouts are ignored
RESTORE_MS = 50  # leaving presentation mode: the normal fonts' sizes are settled by then


def restore(window: MainWindow) -> None:
    """The remembered geometry (pulled inside this screen) and dock layout."""
    settings = window.settings
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray | bytes) and geometry:
        window.restoreGeometry(QByteArray(geometry))
        # Saved on a bigger screen (the office monitor, now the projector): pull it in.
        avail = screen_fit.available_geometry(window)
        if not window.isMaximized() and not avail.contains(window.geometry()):
            window.setGeometry(screen_fit.inside(window.geometry(), avail))
    state = settings.value("windowState")
    if isinstance(state, QByteArray | bytes) and state:
        window.restoreState(QByteArray(state), STATE_VERSION)


def save(window: MainWindow) -> None:
    window.settings.setValue("geometry", window.saveGeometry())
    # The user's own layout, not the presentation one laid over it.
    state = window._normal_state or window.saveState(STATE_VERSION)
    window.settings.setValue("windowState", state)
    window.settings.sync()


def set_presenting(window: MainWindow, on: bool) -> None:
    """Lay the docks out for presentation mode (or back to the user's layout)."""
    if on:
        window._normal_state = window.saveState(STATE_VERSION)
        window._normal_sizes = (window.data_dock.width(), window.network_dock.width())
        small = screen_fit.is_small(screen_fit.available_geometry(window))
        # Once the panels' layouts have taken the larger font (their size hints).
        QTimer.singleShot(0, window, lambda: _present_now(window, small))
        return
    window.plots.set_compact(False)  # the two rows of plots again
    if window._normal_state is not None:
        state, window._normal_state = window._normal_state, None
        window.restoreState(state, STATE_VERSION)
        # Again once the panels have the normal font: restored under the presentation
        # font's minimum sizes, the side docks came back wider than they were.
        sizes = getattr(window, "_normal_sizes", None)
        QTimer.singleShot(RESTORE_MS, window, lambda: _restore_normal(window, state, sizes))
    tidy_tabs_soon(window)


def _restore_normal(window: MainWindow, state, sizes) -> None:
    if window._normal_state is not None:  # presenting again meanwhile
        return
    window.restoreState(state, STATE_VERSION)
    if sizes is not None:  # the side columns as wide as they were
        docks = [window.data_dock, window.network_dock]
        window.resizeDocks(docks, list(sizes), Qt.Orientation.Horizontal)
    tidy_tabs_soon(window)


def _present_now(window: MainWindow, small_screen: bool) -> None:
    if window._normal_state is not None:  # still presenting
        window_layout.present(window, FONT_SCALE, small_screen)
        tidy_tabs_soon(window)


def tidy_tabs_soon(window: MainWindow) -> None:
    # Once the dock layout has settled (Qt leaves old tab bars shown).
    QTimer.singleShot(0, window, lambda: window_layout.hide_stale_tab_bars(window))


def reset_layout(window: MainWindow) -> None:
    """The default dock layout, sized for the window as it is now."""
    for dock in window.findChildren(QDockWidget):
        dock.setFloating(False)
        dock.show()
    window.restoreState(window._default_state, STATE_VERSION)
    window_layout.apply_default(window)
    tidy_tabs_soon(window)
    if window._normal_state is not None:  # in presentation mode: its layout over it
        window._normal_state = None
        set_presenting(window, True)
