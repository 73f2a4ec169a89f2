"""Nothing lost on close: unsaved trained work is kept and offered back at the next start."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from nnlin_gui.ui import recovery


@pytest.fixture
def start(new_window):
    """``start()``: a window on the test's settings, every panel built (the banner is
    offered then)."""

    def open_built():
        win = new_window()
        win.finish_startup()
        return win

    return open_built


def _train(qtbot, win) -> None:
    c = win.controller
    c.train()
    qtbot.waitUntil(lambda: not c.is_training and c.trainer.epoch > 0, timeout=30000)


def test_unsaved_training_is_kept_at_close_and_restored(qtbot, settings, start):
    win = start()
    path = recovery.recovery_path(settings)
    assert not win.findChild(QWidget, "recoveryBanner").isVisibleTo(win)
    _train(qtbot, win)
    epoch = win.controller.trainer.epoch
    theta = win.controller.trainer.network.theta.copy()
    win.close()
    assert os.path.isfile(path)

    again = start()
    banner = again.findChild(QWidget, "recoveryBanner")
    assert banner.isVisibleTo(again)
    c = again.controller
    assert c.trainer.epoch == 0  # the start is the usual one until the user chooses
    again.findChild(QPushButton, "restoreRecoveryButton").click()
    qtbot.waitUntil(lambda: c.trainer.epoch == epoch, timeout=20000)
    np.testing.assert_array_equal(c.trainer.network.theta, theta)
    assert again.windowTitle() == "Recovered work — nnlin"
    assert again.teaching.sessions.current_path is None  # Ctrl+S asks for a name
    assert not os.path.exists(path) and not banner.isVisibleTo(again)
    again.close()
    assert os.path.isfile(path)  # still unsaved: kept again


def test_nothing_to_keep_after_a_save_or_without_training(qtbot, settings, start, tmp_path):
    path = recovery.recovery_path(settings)
    win = start()
    win.close()
    assert not os.path.exists(path)  # the starting weights are not work
    win = start()
    _train(qtbot, win)
    assert win.teaching.sessions.save_to(str(tmp_path / "mine.nnlin"))
    win.close()
    assert not os.path.exists(path)  # saved: nothing lost


def test_discard_forgets_it_and_large_data_is_not_written(qtbot, settings, start, monkeypatch):
    path = recovery.recovery_path(settings)
    win = start()
    _train(qtbot, win)
    win.close()
    again = start()
    again.findChild(QPushButton, "discardRecoveryButton").click()
    assert not os.path.exists(path)
    assert not again.findChild(QWidget, "recoveryBanner").isVisibleTo(again)
    monkeypatch.setattr(recovery, "MAX_RECOVERY_CELLS", 10)  # a close must stay prompt
    _train(qtbot, again)
    again.close()
    assert not os.path.exists(path)
    monkeypatch.undo()
    monkeypatch.setattr(recovery, "MAX_RECOVERY_BYTES", 100)  # a big network: the same
    third = start()
    _train(qtbot, third)
    third.close()
    assert not os.path.exists(path)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": "nnlin-session"}'])
def test_a_damaged_recovery_says_so_and_changes_nothing(qtbot, settings, start, damage):
    path = recovery.recovery_path(settings)
    with open(path, "wb") as fh:
        fh.write(damage)
    win = start()
    c = win.controller
    source = c.dataset.source
    win.findChild(QPushButton, "restoreRecoveryButton").click()
    qtbot.waitUntil(lambda: win.findChild(QWidget, "errorBanner").isVisibleTo(win), timeout=20000)
    assert c.dataset.source == source and win.teaching.sessions.current_path is None
    assert not os.path.exists(path)  # not offered again at every start


def test_a_lab_with_shared_logins_keeps_nothing(qtbot, settings, start, tmp_path, monkeypatch):
    import nnlin_gui.core.files.lab_config as lc

    monkeypatch.setattr(lc, "system_paths", lambda **_: [])
    lab = tmp_path / "lab.toml"
    lab.write_text("keep_unsaved_work = false\n")
    monkeypatch.setenv(lc.ENV_VAR, str(lab))
    path = recovery.recovery_path(settings)
    with open(path, "wb") as fh:
        fh.write(b"{}")  # left by an earlier student: not offered
    win = start()
    assert win.teaching.lab.config.keep_unsaved_work is False
    assert not win.findChild(QWidget, "recoveryBanner").isVisibleTo(win)
    os.remove(path)
    _train(qtbot, win)
    win.close()
    assert not os.path.exists(path)
