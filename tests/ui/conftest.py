"""Fixtures for the window tests: a real MainWindow, offscreen, with throw-away settings."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def settings(tmp_path):
    """QSettings in a temporary INI file: tests never touch the user's settings."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, settings):
    """A main window, shown, on the built-in linear set (or a lab's start), training at
    full speed, with its baseline fitted."""
    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.controller.set_pace(0)
    win.show()
    win.open_initial(None)
    c = win.controller
    qtbot.waitUntil(lambda: c.trainer is not None and c.baseline is not None, timeout=20000)
    return win


@pytest.fixture
def new_window(qtbot, settings):
    """``new_window()``: another ``open_window`` on the same settings (a restart)."""
    return lambda: open_window(qtbot, settings)


@pytest.fixture
def window(qtbot, settings):
    """The main window, shown, on the built-in linear set, training at full speed."""
    win = open_window(qtbot, settings)
    yield win
    win.close()


@pytest.fixture
def wait_idle(qtbot):
    """``wait_idle(controller)``: wait until a training run has stopped."""

    def wait(controller, timeout: int = 30000) -> None:
        qtbot.waitUntil(lambda: not controller.is_training, timeout=timeout)

    return wait
