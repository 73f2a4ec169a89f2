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


@pytest.fixture
def window(qtbot, settings):
    """The main window, shown, on the built-in linear set, training at full speed."""
    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.controller.set_pace(0)
    win.show()
    win.open_initial(None)
    c = win.controller
    qtbot.waitUntil(lambda: c.trainer is not None and c.baseline is not None, timeout=20000)
    yield win
    win.close()


@pytest.fixture
def wait_idle(qtbot):
    """``wait_idle(controller)``: wait until a training run has stopped."""

    def wait(controller, timeout: int = 30000) -> None:
        qtbot.waitUntil(lambda: not controller.is_training, timeout=timeout)

    return wait
