"""A lab configuration in the window (ui/lab_lock.py): it hides and locks what it names,
the lock survives a restart whose settings a student edited (instructor mode off, a saved
layout with the hidden dock shown, a lessons folder of their own) and resists the UI
(Reset layout, the instructor check box, a lesson step giving controls back, a session's
flag); a wrong password unlocks nothing, the right one unlocks for the session; File > Open
lessons folder loads the good lesson files and names the broken one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from nnlin_gui.core.files import lab_config as lc
from nnlin_gui.core.files.lab_config import ALL_CONTROLS, hash_password

PASSWORD = "lab-2.14 instructor"
GOOD_LESSON = """
title = "Teacher's own lesson"
summary = "One step."
id = "teachers-own"
order = 1

[[steps]]
title = "Fit a line"
text = "Press Solve."
[steps.setup]
data = "builtin:linear?n=100&seed=1"
target = "y"
layers = [{ kind = "dense", width = 4 }]
solve = true
[steps.check]
metric = "max_abs_diff"
op = "<"
value = 0.01
"""


@pytest.fixture(scope="module")
def pw_hash() -> str:
    return hash_password(PASSWORD, lc.MIN_ITERATIONS)


@pytest.fixture
def lab_file(tmp_path, monkeypatch, pw_hash):
    """Write ``lab.toml`` with the given body (plus the password) and put it in force
    through NNLIN_LAB_CONFIG (no system-wide file is looked at)."""
    monkeypatch.setattr(lc, "system_paths", lambda **_: [])
    path = tmp_path / "lab.toml"

    def write(body: str, password: bool = True):
        head = f'password_hash = "{pw_hash}"\n' if password else ""
        path.write_text(head + body)
        monkeypatch.setenv(lc.ENV_VAR, str(path))
        return path

    monkeypatch.delenv(lc.ENV_VAR, raising=False)
    return write


LOCKS = """
hidden_controls = ["diagnosticsDock", "exportMenu", "openButton", "addLayerButton"]
locked_controls = ["optimizerCombo", "trainButton", "learningRateCombo"]
lessons = ["deep-linear-collapse", "linear-regression"]
datasets = ["linear", "xor", "sine"]
[start]
data = "builtin:xor?n=200&seed=2"
layers = [{ kind = "dense", width = 4, activation = "relu" }]
lesson = "linear-regression"
"""


def _open(qtbot, settings):
    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.controller.set_pace(0)
    win.show()
    win.open_initial(None)
    c = win.controller
    qtbot.waitUntil(lambda: c.trainer is not None and not c.is_loading, timeout=20000)
    return win


def _dock(win, name) -> QDockWidget:
    return win.findChild(QDockWidget, name)


def _action(win, name) -> QAction:
    return win.findChild(QAction, name)


def _assert_locked(qtbot, win) -> None:
    dock = _dock(win, "diagnosticsDock")
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=3000)
    assert not dock.toggleViewAction().isVisible()  # View menu cannot bring it back
    assert not win.findChild(QWidget, "exportMenu").menuAction().isVisible()
    assert not win.act_open.isVisible()  # openButton: the action, its menu entry, Ctrl+O
    assert not win.findChild(QWidget, "addLayerButton").isVisible()
    assert not win.findChild(QWidget, "optimizerCombo").isEnabled()
    assert not win.findChild(QWidget, "learningRateCombo").isEnabled()
    assert not win.act_train.isEnabled()  # trainButton: the action (and Space)
    lessons = win.teaching.lessons
    assert lessons.instructor.isChecked() and not lessons.instructor.isEnabled()
    assert [lesson.id for lesson in lessons.lessons] == [
        "deep-linear-collapse",
        "linear-regression",
    ]
    assert not _action(win, "openLessonsFolderAction").isEnabled()
    assert _action(win, "unlockAction").isVisible()


def test_config_hides_locks_and_starts_where_it_says(qtbot, settings, lab_file):
    lab_file(LOCKS)
    win = _open(qtbot, settings)
    c = win.controller
    _assert_locked(qtbot, win)
    assert c.table.source == "builtin:xor?n=200&seed=2"
    assert [(lay.width, lay.activation) for lay in c.wb.layers] == [(4, "relu")]
    assert win.teaching.lessons.lesson.id == "linear-regression"
    combo = win.findChild(QWidget, "datasetCombo")
    shown = [combo.itemData(i) for i in range(combo.count()) if not combo.view().isRowHidden(i)]
    assert shown == ["xor", "linear", "sine"] or sorted(shown) == ["linear", "sine", "xor"]
    # The preferences' instructor box follows the lock.
    dialog = win.teaching.show_preferences()
    assert not dialog.findChild(QWidget, "prefInstructorCheck").isEnabled()
    dialog.reject()
    win.close()


def test_lock_resists_the_ui(qtbot, settings, lab_file, tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("a,b\n1,2\n2,3\n3,5\n")
    lab_file(LOCKS)
    win = _open(qtbot, settings)
    lessons = win.teaching.lessons
    # The student's own ways round it: the check box, a session's flag, Reset layout,
    # showing the dock, enabling a control, a lesson step giving controls back.
    lessons.instructor.setChecked(False)
    assert lessons.instructor.isChecked()
    lessons.restore_progress({"lesson": "deep-linear-collapse", "step": 0, "instructor": False})
    assert lessons.instructor.isChecked()
    win.reset_layout()
    _dock(win, "diagnosticsDock").show()
    _dock(win, "diagnosticsDock").toggleViewAction().setVisible(True)
    win.findChild(QWidget, "optimizerCombo").setEnabled(True)
    win.findChild(QWidget, "addLayerButton").show()
    win.act_train.setEnabled(True)
    lessons.select_step(1)
    _assert_locked(qtbot, win)
    win.theme_manager.set_presentation(True)  # its layout moves the docks about
    qtbot.wait(200)
    _assert_locked(qtbot, win)
    win.theme_manager.set_presentation(False)
    qtbot.wait(200)
    _assert_locked(qtbot, win)
    # File > Open is hidden: a file dropped on the window is refused too.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(win, enter)
    assert not enter.isAccepted()
    win.close()


def test_lock_survives_a_restart_with_tampered_settings(qtbot, tmp_path, lab_file):
    ini = str(tmp_path / "student.ini")
    # A session without the lab file: the student shows every dock and saves the layout.
    first = _open(qtbot, QSettings(ini, QSettings.Format.IniFormat))
    assert _dock(first, "diagnosticsDock").isVisible()
    first.close()
    folder = tmp_path / "students-lessons"
    folder.mkdir()
    (folder / "mine.toml").write_text(GOOD_LESSON)
    tampered = QSettings(ini, QSettings.Format.IniFormat)
    assert isinstance(tampered.value("windowState"), QByteArray | bytes)
    tampered.setValue("instructorMode", False)
    tampered.setValue("lessonsFolder", str(folder))
    tampered.setValue("unlocked", True)
    tampered.sync()
    lab_file(LOCKS)
    win = _open(qtbot, QSettings(ini, QSettings.Format.IniFormat))
    _assert_locked(qtbot, win)
    qtbot.wait(300)  # a folder job would have finished by now
    assert "teachers-own" not in [lesson.id for lesson in win.teaching.lessons.lessons]
    # Unlock, close (the layout is saved), start again: locked again.
    assert win.teaching.lab.unlock(PASSWORD)
    assert _dock(win, "diagnosticsDock").isVisible()
    win.close()
    again = _open(qtbot, QSettings(ini, QSettings.Format.IniFormat))
    _assert_locked(qtbot, again)
    again.close()


def test_wrong_password_unlocks_nothing_right_one_does(qtbot, settings, lab_file, monkeypatch):
    lab_file(LOCKS)
    win = _open(qtbot, settings)
    lock = win.teaching.lab
    answer = ["guess", True]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: tuple(answer))
    _action(win, "unlockAction").trigger()
    assert lock.locked and lock.last_message == "Wrong password: nothing was unlocked."
    box = win.findChild(QMessageBox, "labMessage")
    assert box is not None and "Wrong password" in box.text()
    box.close()
    _assert_locked(qtbot, win)
    answer[0] = ""  # cancelled or empty: nothing either
    assert not lock.unlock("")
    answer[0] = PASSWORD
    lock._failures = 0  # no waiting between tries in a test
    _action(win, "unlockAction").setEnabled(True)
    _action(win, "unlockAction").trigger()
    assert not lock.locked
    dock = _dock(win, "diagnosticsDock")
    qtbot.waitUntil(dock.isVisible, timeout=3000)
    assert dock.toggleViewAction().isVisible()
    assert win.findChild(QWidget, "optimizerCombo").isEnabled() and win.act_train.isEnabled()
    lessons = win.teaching.lessons
    assert lessons.instructor.isEnabled() and len(lessons.lessons) >= 9
    lessons.instructor.setChecked(False)  # the lesson step's own hidden controls come back
    assert not lessons.instructor.isChecked()
    assert win.act_open.isVisible() and win.findChild(QWidget, "addLayerButton").isVisible()
    combo = win.findChild(QWidget, "datasetCombo")
    assert not any(combo.view().isRowHidden(i) for i in range(combo.count()))
    assert _action(win, "openLessonsFolderAction").isEnabled()
    assert settings.value("unlocked") is None  # nothing about it is saved
    # The same entry locks again.
    _action(win, "unlockAction").trigger()
    assert lock.locked
    _assert_locked(qtbot, win)
    win.close()


def test_no_password_means_no_unlocking(qtbot, settings, lab_file):
    lab_file('locked_controls = ["optimizerCombo"]', password=False)
    win = _open(qtbot, settings)
    lock = win.teaching.lab
    _action(win, "unlockAction").trigger()
    assert "no password_hash" in lock.last_message
    assert not lock.unlock("") and not win.findChild(QWidget, "optimizerCombo").isEnabled()
    win.close()


def test_every_known_control_exists_in_the_window(qtbot, settings, lab_file):
    lab_file("")
    win = _open(qtbot, settings)
    lock = win.teaching.lab
    missing = sorted(name for name in ALL_CONTROLS if not lock._targets(name))
    assert not missing, missing
    assert not lock.locked and not _action(win, "unlockAction").isVisible()
    win.close()


def test_bad_config_is_one_message_and_nothing_applied(qtbot, settings, lab_file):
    path = lab_file('hidden_controls = ["diagnosticDock"]')
    win = _open(qtbot, settings)
    label = win.findChild(QWidget, "errorLabel")
    qtbot.waitUntil(lambda: "diagnosticDock" in label.text(), timeout=3000)
    assert str(path) in label.text() and "not applied" in label.text()
    assert _dock(win, "diagnosticsDock").isVisible()
    win.close()


def test_theme_and_presentation_are_started_not_saved(qtbot, settings, lab_file):
    lab_file('theme = "dark"\npresentation = true\n')
    win = _open(qtbot, settings)
    tm = win.theme_manager
    assert (tm.theme, tm.presentation, tm.scheme) == ("dark", True, "dark")
    assert settings.value("theme") is None and not win.teaching.lab.locked
    win.close()


def _folder(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "good.toml").write_text(GOOD_LESSON)
    (folder / "broken.toml").write_text(GOOD_LESSON.replace('op = "<"', 'op = "=<"'))
    return folder


def test_open_lessons_folder(qtbot, settings, tmp_path, lab_file, monkeypatch):
    folder = _folder(tmp_path)
    win = _open(qtbot, settings)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    _action(win, "openLessonsFolderAction").trigger()
    lessons = win.teaching.lessons
    qtbot.waitUntil(lambda: "teachers-own" in [x.id for x in lessons.lessons], timeout=20000)
    assert len(lessons.lessons) >= 10  # the bundled ones stay
    errors = win.findChild(QWidget, "lessonErrorsLabel")
    assert not errors.isHidden()
    lines = errors.text().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("broken.toml: step 1 check") and "'=<'" in lines[0]
    )
    assert "1 file(s) skipped" in win.findChild(QWidget, "statusLabel").text()
    assert settings.value("lessonsFolder") == str(folder)
    # Remembered: the next start loads it again.
    win.close()
    again = _open(qtbot, settings)
    qtbot.waitUntil(
        lambda: "teachers-own" in [x.id for x in again.teaching.lessons.lessons], timeout=20000
    )
    again.close()


def test_lab_lessons_folder_and_offer(qtbot, settings, tmp_path, lab_file):
    folder = _folder(tmp_path)
    lab_file(
        f'lessons_folder = "{folder.name}"\nlessons = ["teachers-own", "linear-regression"]\n'
        '[start]\nlesson = "teachers-own"\n'
    )
    win = _open(qtbot, settings)
    lessons = win.teaching.lessons
    qtbot.waitUntil(
        lambda: [x.id for x in lessons.lessons] == ["teachers-own", "linear-regression"],
        timeout=20000,
    )
    assert lessons.lesson.id == "teachers-own"
    assert "broken.toml" in win.findChild(QWidget, "lessonErrorsLabel").text()
    win.close()
