"""The lab configuration in the window (``core/files/lab_config.py``; docs/lab.md), and the
teacher's lessons folder.

``install(window)`` reads the configuration in force (the system-wide ``lab.toml``, else
``$NNLIN_LAB_CONFIG``) once per start and, while it is locked:

- hides the ``hidden_controls`` and disables the ``locked_controls`` (a dock with its View
  menu entry, a menu with its entry, a toolbar button through its action, which also turns
  off the shortcut), and keeps them so: a guard re-hides a control that anything shows
  again (a saved dock layout, View > Reset layout, a lesson step giving its controls back)
  and re-disables one that anything enables;
- offers only the configured lessons and built-in datasets;
- holds the lessons' instructor mode at the file's value (on by default): the student's
  check box, the preferences and a session file's ``instructor`` flag cannot change it;
- ignores the lessons folder remembered in the student's settings (the file's
  ``lessons_folder`` is used) and disables File > Open lessons folder.

Help > Unlock instructor controls… (``unlockAction``) asks for the instructor's password
and checks it against the file's salted PBKDF2 hash; a wrong one changes nothing. Unlocking
lasts until the app closes (nothing about it is saved); the same entry locks again. The
lock holds across restarts because it comes from the file at every start, never from the
student's settings.

The start-up values (data, network, lesson, theme, presentation mode) are applied without
being saved as the student's preferences.

File > Open lessons folder… (``openLessonsFolderAction``) checks every ``*.toml`` in a
folder as ``nnlin lesson check`` does (in the background): the good lessons join the
lessons panel, each bad file is one line in it; the folder is remembered (QSettings
``lessonsFolder``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QToolButton,
    QWidget,
)

from nnlin_gui.core.data.builtin import builtin_info, builtin_names
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.lab_config import (
    LabConfig,
    find_lab_config,
    load_lab_config,
    verify_password,
)
from nnlin_gui.core.files.lesson_check import check_lesson_folder
from nnlin_gui.workbench.state import DEFAULT_SOURCE

__all__ = ["LabLock", "install", "read_config"]

log = logging.getLogger(__name__)

_FOLDER_KIND = "panel:lessons-folder"
# Main-window actions that have no objectName of their own: the names a lab file uses.
_ACTION_NAMES = {"act_reset_layout": "resetLayoutAction", "act_fullscreen": "fullScreenAction"}
_DROPS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
_FORCE_DISABLED = Qt.WidgetAttribute.WA_ForceDisabled
_RETRY_MS = (0, 0, 2000, 5000, 15000, 30000)  # wait before the next try, by failures so far


def read_config() -> tuple[LabConfig | None, str | None]:
    """(the configuration in force or None, the one-line error when it cannot be used)."""
    path = find_lab_config()
    if path is None:
        return None, None
    try:
        return load_lab_config(path), None
    except UserError as exc:
        log.warning("lab configuration not applied: %s", exc)
        return None, f"Lab configuration not applied: {exc}"


class LabLock(QObject):
    """Applies a lab configuration to ``window`` and guards what it hides and locks.

    Attributes
    ----------
    config : the configuration (None when no file is in force or it could not be used)
    error : the one-line reason a configuration file could not be used, else None
    locked : the configuration's restrictions are in force (False once unlocked)
    """

    def __init__(self, window, config: LabConfig | None = None, error: str | None = None):
        super().__init__(window)
        self.window = window
        self.config, self.error = config, error
        self.locked = config is not None and config.locks
        self.teaching = None
        self._hidden: dict[int, tuple[QObject, bool]] = {}  # id -> (object, was visible)
        self._disabled: dict[int, tuple[QObject, bool]] = {}  # id -> (object, was enabled)
        self._watched: set[int] = set()
        self._bundled: list = []
        self._folder_lessons: list = []
        self._folder_errors: list[str] = []
        self._folder = ""
        self._folder_token = -1
        self._folder_done = False
        self._enforcing = False
        self._pending_folder = ("", False)
        self._connected = False
        self._bundled_errors: list[str] = []
        self.last_message = ""
        self._start_lesson_done = False
        self._failures = 0
        self._enforce_timer = QTimer(self, singleShot=True, interval=0)
        self._enforce_timer.timeout.connect(self.enforce)
        for attr, name in _ACTION_NAMES.items():
            act = getattr(window, attr, None)
            if isinstance(act, QAction) and not act.objectName():
                act.setObjectName(name)
        self.act_unlock = QAction("Unlock instructor controls…", window, objectName="unlockAction")
        self.act_unlock.triggered.connect(self.ask_password)
        self.act_unlock.setVisible(self.locked)
        self.act_folder = QAction(
            "Open lessons folder…", window, objectName="openLessonsFolderAction"
        )
        self.act_folder.setToolTip("Add the lesson files (*.toml) of a folder to the Lessons panel")
        self.act_folder.triggered.connect(self.choose_lessons_folder)
        self._add_menus()
        self._apply_look()
        window.installEventFilter(self)
        self.enforce()

    # -- set-up ----------------------------------------------------------------------------------

    def _add_menus(self) -> None:
        menus = [a.menu() for a in self.window.menuBar().actions() if a.menu() is not None]
        if not menus:
            return
        help_menu = next((m for m in menus if m.title().replace("&", "") == "Help"), menus[-1])
        help_menu.addSeparator()
        help_menu.addAction(self.act_unlock)

    def _add_folder_action(self) -> None:
        """File > Open lessons folder…, before Preferences (or Quit)."""
        file_menu = self.window.menuBar().actions()[0].menu()
        before = None
        for act in file_menu.actions():
            if act.objectName() == "preferencesAction" or act is getattr(
                self.window, "act_quit", None
            ):
                before = act
                break
        file_menu.insertAction(before, self.act_folder)

    def attach_teaching(self, teaching) -> None:
        """The lessons panel exists now: restrict the lessons, govern instructor mode, load
        the lessons folder; and apply everything to the panels built after the first paint."""
        if self.teaching is not None:
            return
        self.teaching = teaching
        self._add_folder_action()
        lessons = teaching.lessons
        self._bundled = list(lessons.lessons)
        self._bundled_errors = list(lessons.load_errors)
        lessons.instructor.toggled.connect(self._hold_instructor)
        gallery = getattr(self.window.data_panel, "gallery_button", None)
        if gallery is not None:
            gallery.clicked.connect(self._restrict_gallery)
        self.enforce()
        self._offer_lessons()
        folder = self._configured_folder()
        if folder:
            self.load_lessons_folder(folder, remember=False)
        if self.error:
            QTimer.singleShot(0, self, lambda: self.window.show_error(self.error))

    def _configured_folder(self) -> str:
        if self.config is not None and self.config.lessons_folder:
            return self.config.lessons_folder
        if self.locked:  # the student's settings do not choose a locked lab's lessons
            return ""
        return str(self.window.settings.value("lessonsFolder", "") or "")

    def _apply_look(self) -> None:
        """The file's theme and presentation mode, applied without saving them as the
        student's preferences."""
        cfg, tm = self.config, getattr(self.window, "theme_manager", None)
        if cfg is None or tm is None or (cfg.theme is None and cfg.presentation is None):
            return
        if cfg.theme is not None:
            tm.theme = cfg.theme
        if cfg.presentation is not None:
            tm.presentation = cfg.presentation
        tm.apply()

    def open_start(self) -> bool:
        """Load the file's starting data and network (True), or do nothing (False)."""
        cfg = self.config
        if cfg is None:
            return False
        source = cfg.start_data
        offered = cfg.datasets if self.locked else None
        if source is None and offered and f"builtin:{offered[0]}" != DEFAULT_SOURCE:
            source = f"builtin:{offered[0]}"  # the default set is not on offer
        if source is None and not cfg.has_start:
            return False
        c = self.window.controller
        layers = c.wb.layers if cfg.start_layers is None else cfg.start_layers
        config = replace(c.wb.config, **dict(cfg.start_training))
        features = None if cfg.start_features is None else list(cfg.start_features)
        c.apply_setup(source or DEFAULT_SOURCE, cfg.start_target, features, layers, config)
        return True

    # -- locking ---------------------------------------------------------------------------------

    def _targets(self, name: str) -> list[QObject]:
        """What hiding or locking ``name`` acts on."""
        w = self.window
        if name == "openLessonsFolderAction":
            return [self.act_folder]
        obj = w.findChild(QWidget, name)
        if isinstance(obj, QMenu):
            return [obj.menuAction()]
        if isinstance(obj, QDockWidget):
            return [obj, obj.toggleViewAction()]
        if isinstance(obj, QToolButton) and obj.defaultAction() is not None:
            return [obj.defaultAction()]  # a toolbar button is drawn from its action
        if obj is None:
            obj = w.findChild(QAction, name)
        if obj is None:
            menu = w.findChild(QMenu, name)
            obj = menu.menuAction() if menu is not None else None
        return [] if obj is None else [obj]

    def _names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        cfg = self.config
        if cfg is None or not self.locked:
            return (), ()
        locked = cfg.locked_controls + ("lessonInstructorCheck", "openLessonsFolderAction")
        return cfg.hidden_controls, locked

    def enforce(self) -> None:
        """Hide and disable what the locked configuration names (those that exist now)."""
        if not self.locked or self._enforcing:
            return
        self._enforcing = True
        try:
            self._lessons_released(self._enforce)
        finally:
            self._enforcing = False

    def _lessons_released(self, change) -> None:
        """``change()`` with the lesson step's hidden and locked controls given back first
        and taken again after: each side then remembers only its own changes."""
        lessons = None if self.teaching is None else self.teaching.lessons
        if lessons is not None:
            lessons.release_controls()
        try:
            change()
        finally:
            if lessons is not None:
                lessons.reapply_controls()

    def _enforce(self) -> None:
        hidden, locked = self._names()
        for names, store, hide in ((hidden, self._hidden, True), (locked, self._disabled, False)):
            for name in names:
                for obj in self._targets(name):
                    try:
                        self._hold(obj, store, hide)
                    except RuntimeError:  # its C++ object is gone (rebuilt)
                        store.pop(id(obj), None)
        if self.teaching is not None:
            self._hold_instructor()
        self._restrict_datasets()

    def _hold(self, obj: QObject, store: dict, hide: bool) -> None:
        key = id(obj)
        if key not in store:
            if isinstance(obj, QAction):
                was = obj.isVisible() if hide else obj.isEnabled()
            else:  # as set on the widget itself, whatever its parents are
                was = not (obj.isHidden() if hide else obj.testAttribute(_FORCE_DISABLED))
            store[key] = (obj, was)
            if isinstance(obj, QAction):
                obj.changed.connect(self._enforce_soon_for_action)
            elif key not in self._watched:
                obj.installEventFilter(self)
                self._watched.add(key)
        if hide and (obj.isVisible() if isinstance(obj, QAction) else not obj.isHidden()):
            obj.setVisible(False)
        if not hide and obj.isEnabled():
            obj.setEnabled(False)

    def _enforce_soon_for_action(self) -> None:
        action = self.sender()
        if not self.locked or not isinstance(action, QAction):
            return
        if (id(action) in self._hidden and action.isVisible()) or (
            id(action) in self._disabled and action.isEnabled()
        ):
            self.enforce()

    def _blocks_drops(self) -> bool:
        hidden, locked = self._names()
        return "openButton" in hidden or "openButton" in locked

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if self.locked:
            kind = event.type()
            if obj is self.window and kind in _DROPS and self._blocks_drops():
                event.ignore()  # File > Open is locked: a dropped file is not opened either
                return True
            if kind == QEvent.Type.Show and id(obj) in self._hidden:
                self._enforce_timer.start()  # not from inside the show itself
            elif kind == QEvent.Type.EnabledChange and id(obj) in self._disabled:
                if obj.isEnabled():
                    obj.setEnabled(False)
        return False

    def _hold_instructor(self, *_args) -> None:
        if not self.locked or self.teaching is None:
            return
        cfg = self.config
        want = True if cfg.instructor_mode is None else cfg.instructor_mode
        lessons = self.teaching.lessons
        if lessons.instructor.isChecked() != want:
            lessons.set_instructor_mode(want)

    # -- what is offered ---------------------------------------------------------------------

    def _offered_datasets(self) -> set[str] | None:
        if not self.locked or self.config.datasets is None:
            return None
        return set(self.config.datasets)

    def _restrict_datasets(self) -> None:
        offered = self._offered_datasets()
        combo = self.window.findChild(QComboBox, "datasetCombo")
        if combo is not None:
            view, model = combo.view(), combo.model()
            for i in range(combo.count()):
                show = offered is None or combo.itemData(i) in offered
                view.setRowHidden(i, not show)
                item = model.item(i) if hasattr(model, "item") else None
                if item is not None and item.isEnabled() != show:
                    item.setEnabled(show)  # the wheel and the keys skip it too
        titles = {builtin_info(n).title: n for n in builtin_names()}
        for menu in self.window.findChildren(QMenu):
            acts = [a for a in menu.actions() if not a.isSeparator()]
            if acts and all(a.text() in titles for a in acts):  # File > Built-in datasets
                for act in acts:
                    act.setVisible(offered is None or titles[act.text()] in offered)
        self._restrict_gallery()

    def _restrict_gallery(self) -> None:
        gallery = getattr(self.window.data_panel, "gallery", None)
        if gallery is None:
            return
        offered = self._offered_datasets()
        for i in range(gallery.view.count()):
            item = gallery.view.item(i)
            item.setHidden(
                offered is not None and item.data(Qt.ItemDataRole.UserRole) not in offered
            )

    def _offer_lessons(self) -> None:
        """The bundled and the folder's lessons (a folder's lesson replaces a bundled one
        with its id), narrowed to the configured ones while locked."""
        if self.teaching is None:
            return
        by_id = {lesson.id: lesson for lesson in self._bundled}
        by_id.update({lesson.id: lesson for lesson in self._folder_lessons})
        lessons = list(by_id.values())
        cfg = self.config
        errors = self._bundled_errors + self._folder_errors
        if self.locked and cfg.lessons is not None:
            lessons = [by_id[i] for i in cfg.lessons if i in by_id]
            missing = [i for i in cfg.lessons if i not in by_id]
            if missing and (not cfg.lessons_folder or self._folder_done):
                errors = errors + [f"lab configuration: no lesson has the id {missing[0]!r}"]
        panel = self.teaching.lessons
        panel.set_lessons(lessons, errors)
        if cfg is not None and cfg.start_lesson and not self._start_lesson_done:
            ids = [lesson.id for lesson in panel.lessons]
            if cfg.start_lesson in ids:
                self._start_lesson_done = True
                panel.select_lesson(ids.index(cfg.start_lesson))
        self.enforce()

    # -- the lessons folder -----------------------------------------------------------------

    def choose_lessons_folder(self) -> None:
        """File > Open lessons folder…: pick a folder; its lessons load in the background."""
        if self.locked:
            return
        start = self._folder or str(self.window.settings.value("lastFolder", "") or "")
        folder = QFileDialog.getExistingDirectory(
            self.window, "Open a folder of lessons", start or os.path.expanduser("~")
        )
        if folder:
            self.load_lessons_folder(folder)

    def load_lessons_folder(self, folder: str, remember: bool = True) -> int:
        """Check every lesson file of ``folder`` (as ``nnlin lesson check``) off the GUI
        thread; the good ones join the lessons panel. Returns the job's token."""
        c = self.window.controller
        if not self._connected:
            self._connected = True
            c.background_done.connect(self._on_folder_done)
            c.background_failed.connect(self._on_folder_failed)
        self._pending_folder = (os.path.abspath(folder), remember)
        self.window.show_message(f"Checking the lessons in {folder}…")

        def job(_progress, _cancel):
            return check_lesson_folder(folder, setup=True)

        self._folder_token = c.run_background(_FOLDER_KIND, job)
        return self._folder_token

    def _on_folder_done(self, token: int, kind: str, result: object) -> None:
        if kind != _FOLDER_KIND or token != self._folder_token:
            return
        folder, remember = self._pending_folder
        lessons, errors = result
        self._folder, self._folder_done = folder, True
        self._folder_lessons, self._folder_errors = list(lessons), list(errors)
        if remember:
            self.window.settings.setValue("lessonsFolder", folder)
        self._offer_lessons()
        skipped = f"; {len(errors)} file(s) skipped (see the Lessons panel)" if errors else ""
        self.window.show_message(f"{len(lessons)} lesson(s) from {folder}{skipped}")

    def _on_folder_failed(self, token: int, kind: str, message: str) -> None:
        if kind == _FOLDER_KIND and token == self._folder_token:
            self._folder_done = True
            self.window.show_error(message)

    # -- unlocking ---------------------------------------------------------------------------

    def ask_password(self) -> None:
        """Help > Unlock instructor controls… (or lock them again)."""
        if not self.locked:
            self.lock()
            return
        if not self.config.password_hash:
            self._tell("This lab configuration has no password_hash: its locks cannot be "
                       "lifted in the window.")  # fmt: skip
            return
        password, ok = QInputDialog.getText(
            self.window,
            "Unlock instructor controls",
            "Instructor password:",
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self.unlock(password)

    def unlock(self, password: str) -> bool:
        """Lift the configuration's restrictions when ``password`` is the instructor's
        (until the app closes); a wrong one changes nothing and says so once."""
        if not self.locked:
            return True
        cfg = self.config
        if not cfg.password_hash or not verify_password(password, cfg.password_hash):
            self._failures += 1
            wait = _RETRY_MS[min(self._failures, len(_RETRY_MS) - 1)]
            self._tell("Wrong password: nothing was unlocked.")
            if wait:  # guessing gets slower
                self.act_unlock.setEnabled(False)
                QTimer.singleShot(wait, self, lambda: self.act_unlock.setEnabled(True))
            return False
        self._failures = 0
        self.locked = False
        self._lessons_released(self._give_back)
        self._restrict_datasets()
        self._offer_lessons()
        self.act_unlock.setText("Lock instructor controls")
        self.window.show_message("Instructor controls unlocked until the app closes.")
        return True

    def _give_back(self) -> None:
        for store, hide in ((self._hidden, True), (self._disabled, False)):
            for obj, was in store.values():
                try:
                    obj.setVisible(was) if hide else obj.setEnabled(was)
                except RuntimeError:
                    pass
        self._hidden.clear()
        self._disabled.clear()

    def lock(self) -> None:
        """Put the configuration's restrictions back (after an unlock)."""
        if self.config is None or not self.config.locks or self.locked:
            return
        self.locked = True
        self.act_unlock.setText("Unlock instructor controls…")
        self._offer_lessons()
        self.enforce()
        self.window.show_message("Instructor controls locked.")

    def _tell(self, text: str) -> None:
        self.window.show_message(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Instructor controls", text, parent=self.window)
        box.setObjectName("labMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = text


def install(window, teaching=None) -> LabLock:
    """The window's ``LabLock`` (made, with the configuration in force, on the first call):
    called before the first paint for what exists then, and again with ``teaching`` once
    the lessons panel exists."""
    lock = getattr(window, "lab_lock", None)
    if not isinstance(lock, LabLock):
        config, error = read_config()
        lock = LabLock(window, config, error)
        window.lab_lock = lock
    if teaching is not None:
        lock.attach_teaching(teaching)
    return lock
