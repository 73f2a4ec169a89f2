"""File > Open Session / Save Session / Save Session As / Recent Sessions.

A session (``.nnlin``) holds the data, the feature transforms, the network, the settings,
the trained weights, the optimizer's state and the seed (see ``core.session``). Saving goes
through ``core.session.save_session``, which writes a temporary file and renames it, so an
interrupted save never damages the previous file; it runs on a ``SessionWriter`` thread
(the window keeps painting) and closing the window waits for it. Opening reads, checks and
builds the whole session off the GUI thread (``controller.open_session``); only when all of
it is ready does it replace the current state, and only then do the title and the save path
change. A damaged or newer-version file shows its one-line message and nothing changes, so
the next Ctrl+S still saves the user's own work to its own file.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import asdict

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.session import OpenedSession, save_session, session_from_trainer
from nnlin_gui.ui import recovery

log = logging.getLogger(__name__)

SESSION_SUFFIX = ".nnlin"
SESSION_FILTER = "nnlin sessions (*.nnlin);;All files (*)"
MAX_RECENT_SESSIONS = 8
RECENT_KEY = "recentSessions"


def is_session_path(path: str) -> bool:
    """Whether ``path`` names a session file (by its suffix)."""
    return path.lower().endswith(SESSION_SUFFIX)


def last_folder(settings) -> str:
    """The folder the user last opened or saved something in (else the home folder)."""
    folder = str(settings.value("lastFolder", "") or "")
    return folder if os.path.isdir(folder) else os.path.expanduser("~")


def remember_folder(settings, path: str) -> None:
    settings.setValue("lastFolder", os.path.dirname(os.path.abspath(path)))


class SessionWriter(threading.Thread):
    """Writes one session file off the GUI thread: 20 MB of embedded data took 0.2-0.4 s.
    Not a daemon, so a save in progress is finished even if the process is ending."""

    def __init__(self, path: str, state, key: tuple | None) -> None:
        super().__init__(name="nnlin-save-session")
        self.path, self.state, self.key = path, state, key
        self.error: str | None = None
        self.relay = _Relay()
        self.finished = self.relay.done

    def run(self) -> None:
        try:
            save_session(self.path, self.state)
        except UserError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 (one line for the user, never a traceback)
            log.exception("saving %s failed", self.path)
            self.error = f"{os.path.basename(self.path)}: cannot save the session ({exc})"
        finally:
            self.relay.done.emit()


class _Relay(QObject):
    done = Signal()


class SessionActions(QObject):
    """The session actions of a ``MainWindow``; ``lessons`` (a LessonsPanel) is optional.

    Signals
    -------
    saved(str) : a session was written to this path
    opened(str) : a session was read from this path and is now the current state
    open_failed(str) : a session could not be opened (the one-line message); nothing changed
    """

    saved = Signal(str)
    opened = Signal(str)
    open_failed = Signal(str)

    def __init__(self, window, lessons=None) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.settings = window.settings
        self.lessons = lessons
        self.current_path: str | None = None
        self.clean_key: tuple | None = None  # the trained state as last saved or opened
        self._opening: str | None = None
        self._writer: SessionWriter | None = None  # the save in progress
        self._last_save_ok = True
        self._after_pause: str | None = None
        self.act_open = self._action(
            "Open Session…", self.open_dialog, "Ctrl+Shift+O", "openSessionAction"
        )
        self.act_save = self._action(
            "Save Session", self.save, QKeySequence.StandardKey.Save, "saveSessionAction"
        )
        self.act_save_as = self._action(
            "Save Session As…", self.save_as, "Ctrl+Shift+S", "saveSessionAsAction"
        )
        self.recent_menu = QMenu("Recent Sessions", window, objectName="recentSessionsMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.controller.training_finished.connect(self._on_finished)
        self.controller.session_opened.connect(self._on_opened)
        self.controller.session_failed.connect(self._on_open_failed)

    def _action(self, text: str, slot, shortcut, name: str) -> QAction:
        action = QAction(text, self.window, objectName=name)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def add_to_menu(self, menu: QMenu, before: QAction | None) -> None:
        """Put the session entries into ``menu`` (the File menu) before ``before``."""
        menu.insertAction(before, self.act_open)
        menu.insertMenu(before, self.recent_menu)
        menu.insertAction(before, self.act_save)
        menu.insertAction(before, self.act_save_as)
        menu.insertSeparator(before)

    # -- saving ----------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the current session file (asks for a name the first time)."""
        if self.current_path is None:
            return self.save_as()
        return self.save_to(self.current_path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save session", last_folder(self.settings), SESSION_FILTER
        )
        if not path:
            return False
        if not is_session_path(path):
            path += SESSION_SUFFIX
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the current state to ``path`` (after pausing a running training)."""
        c = self.controller
        if c.trainer is None or c.dataset is None:
            self.window.show_error("Nothing to save yet: load data first.")
            return False
        if c.is_training:
            # The worker owns the trainer while it runs: save once it has stopped.
            self._after_pause = path
            c.pause()
            self.window.show_message("Pausing training to save the session…")
            return False
        source = c.table.source if c.table is not None else c.dataset.source
        extra = {"solved": bool(c.solved), "pace": c.pace}
        if self.lessons is not None:
            extra["lessons"] = self.lessons.progress()
        # Only the transforms of current features made columns (the others wait in the
        # workbench for their column to come back); a reopened session tells them apart.
        transforms = asdict(c.transforms.restricted_to(c.base_features()))
        try:  # copies of the weights and history (small); the rows are never written
            state = session_from_trainer(
                c.trainer, c.dataset, source=source, extra=extra, transforms=transforms
            )
        except UserError as exc:
            self.window.show_error(str(exc))
            return False
        self.wait_saved()  # one save at a time
        self.window.show_message(f"Saving the session to {os.path.basename(path)}…")
        self._writer = SessionWriter(os.path.abspath(path), state, recovery.work_key(c))
        self._writer.finished.connect(self._on_written, Qt.ConnectionType.QueuedConnection)
        self._writer.start()
        return True

    def wait_saved(self, timeout: float = 60.0) -> bool:
        """Wait for a save in progress (closing, a second save); whether the last save
        succeeded (True when there was none)."""
        writer = self._writer
        if writer is None:
            return self._last_save_ok
        writer.join(timeout)
        if writer.is_alive():
            return False
        self._on_written()  # now, not when the queued signal comes
        return self._last_save_ok

    def _on_written(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None or writer.is_alive():
            return  # already handled (``wait_saved``), or not done yet
        self._last_save_ok = writer.error is None
        if writer.error is not None:
            self.window.show_error(writer.error)
            return
        self.current_path = writer.path
        self.clean_key = writer.key
        remember_folder(self.settings, writer.path)
        self._add_recent(writer.path)
        self.window.show_message(f"Session saved to {os.path.basename(writer.path)}.")
        self.saved.emit(writer.path)

    def _on_finished(self, _result) -> None:
        path, self._after_pause = self._after_pause, None
        if path is not None:
            self.save_to(path)

    # -- opening ---------------------------------------------------------------------------------

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open session", last_folder(self.settings), SESSION_FILTER
        )
        return bool(path) and self.open(path)

    def open(self, path: str) -> bool:
        """Start opening ``path`` (read, checked and built off the GUI thread).

        ``opened`` follows once it is the current state, or ``open_failed`` after its
        one-line message is shown, with everything as it was. False when the window is
        closing.
        """
        self.window.show_message(f"Opening session {os.path.basename(path)}…")
        self._opening = os.path.abspath(path)
        return self.controller.open_session(self._opening) >= 0

    def _on_opened(self, opened: OpenedSession) -> None:
        # The controller has swapped the whole session in: now it is the current file.
        extra = opened.state.extra
        if self.lessons is not None and isinstance(extra.get("lessons"), dict):
            self.lessons.restore_progress(extra["lessons"])
        if opened.path == recovery.recovery_path(self.settings):
            return self._on_recovered(opened)
        self.clean_key = recovery.work_key(self.controller)
        self.current_path = opened.path
        remember_folder(self.settings, opened.path)
        self._add_recent(opened.path)
        name = os.path.basename(opened.path)
        self.window.setWindowTitle(f"{name} — nnlin")
        self.window.show_message(f"Opened session {name} (epoch {opened.state.epoch:,}).")
        self.opened.emit(opened.path)

    def _on_recovered(self, opened: OpenedSession) -> None:
        """The last run's unsaved work: unsaved again (no file name), the recovery gone."""
        self.current_path, self.clean_key = None, None
        recovery.discard(self.window)
        self.window.setWindowTitle("Recovered work — nnlin")
        self.window.show_message(
            f"Restored the unsaved work (epoch {opened.state.epoch:,}); "
            "Save Session (Ctrl+S) keeps it."
        )
        self.opened.emit(opened.path)

    def _on_open_failed(self, message: str) -> None:
        if self._opening == recovery.recovery_path(self.settings):
            recovery.discard(self.window)  # damaged: it would fail again at every start
        self.window.show_error(message)
        self.open_failed.emit(message)

    # -- recent sessions -------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: str) -> None:
        rest = [p for p in self.recent() if p != path]
        self.settings.setValue(RECENT_KEY, [path] + rest[: MAX_RECENT_SESSIONS - 1])

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent()
        if not paths:
            menu.addAction("(none yet)").setEnabled(False)
            return
        for i, path in enumerate(paths):
            act = menu.addAction(f"&{i + 1}  {os.path.basename(path)}")
            act.setToolTip(path)
            act.setEnabled(os.path.exists(path))
            act.triggered.connect(lambda _=False, p=path: self.open(p))
        menu.addSeparator()
        menu.addAction("Clear list", lambda: self.settings.setValue(RECENT_KEY, []))
