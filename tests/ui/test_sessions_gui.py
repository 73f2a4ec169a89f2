"""Session files through the real window: save, reopen and get the same numbers; every
damaged or newer file shows one line and changes nothing (data, network, weights, title,
save path); opening runs off the GUI thread; drop, command line and recent list."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from nnlin_gui.ui.session_actions import SESSION_FILTER

DATA = Path(__file__).resolve().parents[1] / "data"


def _corpus_module():
    spec = importlib.util.spec_from_file_location(
        "make_bad_sessions", DATA / "make_bad_sessions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _train_to(qtbot, window, wait_idle, epochs: int) -> None:
    c = window.controller
    c.set_config(replace(c.config, epochs=epochs))
    c.train()
    qtbot.waitUntil(lambda: c.is_training or c.trainer.epoch == epochs, timeout=5000)
    wait_idle(c)
    assert c.trainer.epoch == epochs


def test_round_trip_same_numbers(qtbot, window, wait_idle, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    _train_to(qtbot, window, wait_idle, 60)
    theta60 = c.trainer.network.theta.copy()
    W60 = c.results.collapse.W.copy()
    path = str(tmp_path / "lab.nnlin")
    assert sessions.save_to(path) and sessions.wait_saved()
    assert json.loads(open(path, encoding="utf-8").read())["epoch"] == 60
    _train_to(qtbot, window, wait_idle, 120)
    theta120 = c.trainer.network.theta.copy()

    assert sessions.open(path)
    qtbot.waitUntil(lambda: c.trainer.epoch == 60 and c.baseline is not None, timeout=10000)
    np.testing.assert_array_equal(c.trainer.network.theta, theta60)
    np.testing.assert_array_equal(c.results.collapse.W, W60)
    assert len(c.curves) > 0 and c.epoch == 60  # the loss history came back too
    # Training on continues the saved run bit for bit...
    _train_to(qtbot, window, wait_idle, 120)
    np.testing.assert_array_equal(c.trainer.network.theta, theta120)
    # ...and starting over from the same seed retraces it.
    c.reset()
    _train_to(qtbot, window, wait_idle, 60)
    np.testing.assert_array_equal(c.trainer.network.theta, theta60)


def _state_fingerprint(c):
    return (c.trainer, c.dataset, c.trainer.network.theta.copy(), c.trainer.epoch)


def _assert_untouched(c, before) -> None:
    trainer, dataset, theta, epoch = before
    assert c.trainer is trainer and c.dataset is dataset and c.trainer.epoch == epoch
    np.testing.assert_array_equal(c.trainer.network.theta, theta)


def _open_and_fail(qtbot, sessions, path) -> str:
    """Open ``path`` (expected to fail) and return the message shown."""
    with qtbot.waitSignal(sessions.open_failed, timeout=20000) as blocker:
        assert sessions.open(str(path))
    return blocker.args[0]


def test_corrupt_session_shows_one_line_and_keeps_state(qtbot, window, wait_idle, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    _train_to(qtbot, window, wait_idle, 20)
    before = _state_fingerprint(c)
    bad = tmp_path / "broken.nnlin"
    bad.write_text('{"format": "nnlin-session", "version": 1, "data": {', encoding="utf-8")
    shown = _open_and_fail(qtbot, sessions, bad)
    message = window.findChild(QWidget, "errorLabel").text()
    assert message == shown
    assert "broken.nnlin" in message and "\n" not in message and "Traceback" not in message
    assert window.banner.isVisible()
    qtbot.wait(50)
    _assert_untouched(c, before)
    assert sessions.current_path is None


def test_newer_version_is_refused(qtbot, window, wait_idle, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    path = tmp_path / "good.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["version"] = 99
    newer = tmp_path / "newer.nnlin"
    newer.write_text(json.dumps(doc), encoding="utf-8")
    before = _state_fingerprint(c)
    message = _open_and_fail(qtbot, sessions, newer)
    assert "newer" in message.lower() or "version" in message.lower()
    _assert_untouched(c, before)


def test_failed_save_keeps_previous_file(qtbot, window, tmp_path, monkeypatch):
    sessions = window.teaching.sessions
    path = tmp_path / "keep.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    old = path.read_bytes()

    def no_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nnlin_gui.core.files.session.os.fsync", no_disk)
    assert sessions.save_to(str(path)) and not sessions.wait_saved()
    assert "No space left" in window.findChild(QWidget, "errorLabel").text()
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["keep.nnlin"]  # no temporary left


def test_ctrl_s_recent_drop_and_command_line(qtbot, window, wait_idle, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    path = tmp_path / "a.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    assert window.settings.value("lastFolder") == str(tmp_path)
    _train_to(qtbot, window, wait_idle, 15)
    assert sessions.act_save.shortcut().toString() == "Ctrl+S"
    sessions.act_save.trigger()  # saves to the current file, no dialog
    assert sessions.wait_saved()
    assert json.loads(path.read_text(encoding="utf-8"))["epoch"] == 15
    sessions._fill_recent()
    texts = [a.text() for a in sessions.recent_menu.actions()]
    assert any("a.nnlin" in t for t in texts)
    file_menu = window.menuBar().actions()[0].menu()
    names = {a.objectName() for a in file_menu.actions()}
    assert {"openSessionAction", "saveSessionAction", "saveSessionAsAction"} <= names

    c.reset()
    qtbot.waitUntil(lambda: c.trainer.epoch == 0, timeout=5000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: c.trainer.epoch == 15, timeout=5000)

    c.reset()
    qtbot.waitUntil(lambda: c.trainer.epoch == 0, timeout=5000)
    window.open_initial(str(path))  # `nnlin-gui a.nnlin`
    qtbot.waitUntil(lambda: c.trainer.epoch == 15, timeout=5000)
    assert os.path.basename(sessions.current_path) == "a.nnlin"


def test_lesson_progress_travels_with_the_session(qtbot, window, tmp_path):
    panel, sessions = window.teaching.lessons, window.teaching.sessions
    panel.select_lesson(2)
    panel.select_step(1)
    path = str(tmp_path / "lesson.nnlin")
    assert sessions.save_to(path) and sessions.wait_saved()
    panel.select_lesson(0)
    with qtbot.waitSignal(sessions.opened, timeout=20000):
        assert sessions.open(path)
    assert (panel.lesson_index, panel.step_index) == (2, 1)


def test_save_while_training_pauses_then_saves(qtbot, window, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    c.set_config(replace(c.config, epochs=10_000_000))
    c.train()
    qtbot.waitUntil(lambda: c.is_training and c.epoch > 5, timeout=5000)
    path = tmp_path / "busy.nnlin"
    with qtbot.waitSignal(sessions.saved, timeout=10000):
        assert not sessions.save_to(str(path))  # not yet: the run is asked to stop first
    assert not c.is_training
    assert json.loads(path.read_text(encoding="utf-8"))["epoch"] == c.trainer.epoch > 0


def _window_state(window) -> dict:
    c = window.controller
    return {
        "title": window.windowTitle(),
        "path": window.teaching.sessions.current_path,
        "table": c.table,
        "dataset": c.dataset,
        "spec": c.spec,
        "layers": c.layers,
        "config": c.config,
        "trainer": c.trainer,
        "theta": c.trainer.network.theta.copy(),
        "epoch": c.trainer.epoch,
        "curves": len(c.curves),
    }


def _assert_same(window, before: dict) -> None:
    after = _window_state(window)
    for key in ("title", "path", "layers", "config", "epoch", "curves"):
        assert after[key] == before[key], key
    for key in ("table", "dataset", "spec", "trainer"):
        assert after[key] is before[key], key
    np.testing.assert_array_equal(after["theta"], before["theta"])


def test_every_damaged_session_changes_nothing(qtbot, window, wait_idle, tmp_path, monkeypatch):
    """The whole corpus through File > Open Session: one line each, nothing replaced, and
    Ctrl+S afterwards still saves the user's own work to the user's own file."""
    c, sessions = window.controller, window.teaching.sessions
    _train_to(qtbot, window, wait_idle, 20)
    mine = tmp_path / "mine.nnlin"
    assert sessions.save_to(str(mine)) and sessions.wait_saved()
    window.setWindowTitle("mine.nnlin — nnlin")
    before = _window_state(window)
    corpus = tmp_path / "corpus"
    cases = _corpus_module().write_corpus(str(corpus))
    assert len(cases) >= 150
    opened: list[str] = []
    sessions.opened.connect(opened.append)
    chosen = {"path": ""}
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (chosen["path"], SESSION_FILTER)
    )
    error_label = window.findChild(QWidget, "errorLabel")
    for name, expected in cases:
        chosen["path"] = str(corpus / name)
        with qtbot.waitSignal(sessions.open_failed, timeout=20000) as blocker:
            sessions.act_open.trigger()
        message = blocker.args[0]
        assert message.startswith(f"{name}: ") and expected in message, (name, message)
        assert "\n" not in message and "Traceback" not in message, name
        assert error_label.text() == message
        _assert_same(window, before)
    assert opened == []
    qtbot.wait(50)  # nothing queued behind the last failure changes anything either
    _assert_same(window, before)

    c.train()  # the user's work goes on, and Ctrl+S saves it to the user's own file
    wait_idle(c)
    sessions.act_save.trigger()
    assert sessions.wait_saved()
    assert json.loads(mine.read_text(encoding="utf-8"))["epoch"] == c.trainer.epoch


def test_opening_runs_off_the_gui_thread(qtbot, window, wait_idle, tmp_path, monkeypatch):
    import nnlin_gui.core.files.session as core_session

    c, sessions = window.controller, window.teaching.sessions
    _train_to(qtbot, window, wait_idle, 10)
    path = tmp_path / "lab.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    c.reset()
    threads: list[threading.Thread] = []
    real = core_session.open_session

    def spy(p):
        threads.append(threading.current_thread())
        return real(p)

    monkeypatch.setattr(core_session, "open_session", spy)
    with qtbot.waitSignal(sessions.opened, timeout=20000):
        assert sessions.open(str(path))
    assert threads and threads[0] is not threading.main_thread()
    assert c.trainer.epoch == 10 and window.windowTitle().startswith("lab.nnlin")
    assert sessions.current_path == str(path)


def test_session_opened_while_training_replaces_state_once_stopped(
    qtbot, window, wait_idle, tmp_path
):
    c, sessions = window.controller, window.teaching.sessions
    path = tmp_path / "lab.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    c.set_config(replace(c.config, epochs=10_000_000))
    c.train()
    qtbot.waitUntil(lambda: c.is_training and c.epoch > 5, timeout=5000)
    with qtbot.waitSignal(sessions.opened, timeout=20000):
        assert sessions.open(str(path))
    assert not c.is_training and c.trainer.epoch == 0
    assert c.trainer.network.theta.shape == (c.spec.parameter_count(),)


def test_saving_runs_off_the_gui_thread(qtbot, window, wait_idle, tmp_path, monkeypatch):
    import nnlin_gui.ui.session_actions as actions

    c, sessions = window.controller, window.teaching.sessions
    _train_to(qtbot, window, wait_idle, 10)
    threads: list[threading.Thread] = []
    real = actions.save_session

    def spy(path, state):
        threads.append(threading.current_thread())
        return real(path, state)

    monkeypatch.setattr(actions, "save_session", spy)
    path = tmp_path / "lab.nnlin"
    with qtbot.waitSignal(sessions.saved, timeout=20000) as blocker:
        assert sessions.save_to(str(path))
    assert blocker.args == [str(path)]
    assert threads and threads[0] is not threading.main_thread()
    assert json.loads(path.read_text(encoding="utf-8"))["epoch"] == c.trainer.epoch == 10
    assert sessions.current_path == str(path)
