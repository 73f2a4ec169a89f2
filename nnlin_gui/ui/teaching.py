"""Teaching-lab additions to the main window: the Lessons dock, session files, exports,
themes, presentation mode and preferences (``install(window)`` wires them in).

Menu entries: File > Open Session… (Ctrl+Shift+O), Recent Sessions, Save Session (Ctrl+S),
Save Session As… (Ctrl+Shift+S), Export >, Preferences… (Ctrl+,); View > Lessons,
Theme > (System / Light / Dark), Presentation mode (Ctrl+Shift+P).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget

from nnlin_gui.ui import lab_lock
from nnlin_gui.ui.exports import ExportActions
from nnlin_gui.ui.panels.lessons_panel import LessonsPanel
from nnlin_gui.ui.preferences import PreferencesDialog
from nnlin_gui.ui.session_actions import SessionActions
from nnlin_gui.ui.theme import THEMES, ThemeManager, _as_bool

log = logging.getLogger(__name__)


class Teaching(QObject):
    """Owns the lessons panel, the session and export actions and the theme manager."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        c = window.controller
        self.lessons = LessonsPanel(c, root=window)
        self.lessons_dock = self._lessons_dock()
        self.sessions = SessionActions(window, self.lessons)
        self.exports = ExportActions(window)
        # The main window applies the palette before its first paint, with its own manager.
        self.theme = getattr(window, "theme_manager", None) or ThemeManager(
            window, window.settings, c
        )
        self.act_presentation = QAction(
            "Presentation mode", window, objectName="presentationAction"
        )
        self.act_presentation.setCheckable(True)
        self.act_presentation.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.act_presentation.setChecked(self.theme.presentation)
        self.act_presentation.toggled.connect(self.theme.set_presentation)
        window.addAction(self.act_presentation)
        self.act_preferences = QAction("Preferences…", window, objectName="preferencesAction")
        self.act_preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.act_preferences.triggered.connect(self.show_preferences)
        window.addAction(self.act_preferences)
        self.theme_group = QActionGroup(window)
        self.theme_actions: dict[str, QAction] = {}
        for name, text in zip(THEMES, ("Follow the system", "Light", "Dark"), strict=True):
            act = QAction(text, window, checkable=True, objectName=f"theme_{name}Action")
            act.setChecked(name == self.theme.theme)
            act.triggered.connect(lambda _=False, n=name: self.theme.set_theme(n))
            self.theme_group.addAction(act)
            self.theme_actions[name] = act
        self.theme.changed.connect(self._on_theme)
        self._add_menus()
        self.lessons.set_instructor_mode(_as_bool(window.settings.value("instructorMode", False)))
        self.theme.apply()
        self.lab = lab_lock.install(window, self)  # a lab configuration overrides the above

    def _lessons_dock(self) -> QDockWidget:
        """The window's reserved ``lessonsDock`` (with the lessons panel put in), else a new
        dock tabbed with the data dock."""
        window = self.window
        dock = window.findChild(QDockWidget, "lessonsDock")
        if dock is not None:
            old = window.set_panel("lessonsDock", self.lessons)
            if old is not None:
                old.deleteLater()  # the "loading" placeholder
            return dock
        dock = window.add_panel(
            "lessonsDock", "Lessons", self.lessons, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        data_dock = getattr(window, "data_dock", None)
        if data_dock is not None:
            window.tabifyDockWidget(data_dock, dock)
            data_dock.raise_()
            # A dock added after the window sized its docks squeezes the side columns.
            side = [d for d in (data_dock, getattr(window, "network_dock", None)) if d]
            window.resizeDocks(side, [360, 300][: len(side)], Qt.Orientation.Horizontal)
        return dock

    def _add_menus(self) -> None:
        w = self.window
        file_menu = w.menuBar().actions()[0].menu()
        quit_action = getattr(w, "act_quit", None)
        before = quit_action if quit_action in file_menu.actions() else None
        self.sessions.add_to_menu(file_menu, before)
        file_menu.insertMenu(before, self.exports.menu)
        file_menu.insertSeparator(before)
        file_menu.insertAction(before, self.act_preferences)
        file_menu.insertSeparator(before)
        view = getattr(w, "view_menu", None)
        if view is None:
            return
        first = view.actions()[0] if view.actions() else None
        view.insertAction(first, self.lessons_dock.toggleViewAction())
        view.addSeparator()
        theme_menu = view.addMenu("Theme")
        theme_menu.setObjectName("themeMenu")
        for act in self.theme_actions.values():
            theme_menu.addAction(act)
        view.addAction(self.act_presentation)

    def _on_theme(self, _scheme: str, presentation: bool) -> None:
        if self.act_presentation.isChecked() != presentation:
            self.act_presentation.setChecked(presentation)
        act = self.theme_actions.get(self.theme.theme)
        if act is not None and not act.isChecked():
            act.setChecked(True)

    def show_preferences(self) -> PreferencesDialog:
        """Open the preferences dialog (modeless; returned for tests)."""
        dialog = PreferencesDialog(self.theme, self.window.controller, self.lessons, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def install(window) -> Teaching:
    """Add the teaching-lab panels and actions to ``window``."""
    return Teaching(window)
