"""The main window's actions, its training toolbar and its menus.

Each builder sets the attributes the rest of the program uses on the window itself
(``act_train`` ... ``act_shortcuts``, ``toolbar``, ``epoch_label``, ``loss_label``,
``recent_menu``, ``view_menu``); later modules (``ui/teaching.py``, ``ui/exports.py``,
``ui/session_actions.py``) add their entries to these menus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QSizePolicy, QToolBar, QWidget

from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.ui.widgets.icons import make_icon

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow


def make_action(
    window: QWidget, text: str, slot, shortcut=None, icon: str | None = None, tip: str = ""
) -> QAction:
    """An action of ``window`` (its shortcut works even with the toolbar hidden)."""
    action = QAction(text, window)
    if icon:
        action.setIcon(make_icon(icon))
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(k) for k in keys])
    if tip:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def make_actions(window: MainWindow) -> None:
    """Train, Step, Reset, Solve, Open, Quit, the layout and the help actions."""
    c, w = window.controller, window
    w.act_train = make_action(w, "Train", c.toggle_training, "Space", "train", "Train or pause")
    w.act_step = make_action(w, "Step", c.step, ["F10", "Ctrl+Right"], "step", "Train one epoch")
    w.act_reset = make_action(
        w, "Reset", c.reset, "Ctrl+R", "reset", "Back to the starting weights (from the seed)"
    )
    w.act_solve = make_action(
        w,
        "Solve analytically",
        c.solve,
        "Ctrl+L",
        "solve",
        "Set the weights to the closed-form (OLS) solution, no gradient descent",
    )
    w.act_open = make_action(
        w,
        "Open CSV…",
        w.open_file_dialog,
        QKeySequence.StandardKey.Open,
        "open",
        "Open a CSV or TSV file",
    )
    w.act_quit = make_action(w, "Quit", w.close, QKeySequence.StandardKey.Quit)
    w.act_undo = make_action(w, "Undo", c.undo, QKeySequence.StandardKey.Undo)
    w.act_undo.setObjectName("undoAction")
    w.act_redo = make_action(w, "Redo", c.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
    w.act_redo.setObjectName("redoAction")
    w.act_reset_layout = make_action(w, "Reset layout", w.reset_layout)
    w.act_fullscreen = make_action(w, "Full screen", w.toggle_fullscreen, "F11")
    w.act_about = make_action(w, "About nnlin", w.show_about)
    w.act_manual = make_action(w, "Manual", w.show_manual, "F1")
    w.act_manual.setObjectName("manualAction")
    w.act_shortcuts = make_action(w, "Keyboard shortcuts", w.show_shortcuts)


def name_undo(window: MainWindow) -> None:
    """Edit > Undo and Redo say what they would do ("Undo Reset"), greyed when nothing."""
    c = window.controller
    for action, verb, label in (
        (window.act_undo, "Undo", c.undo_label),
        (window.act_redo, "Redo", c.redo_label),
    ):
        action.setText(f"{verb} {label}" if label else verb)
        action.setEnabled(label is not None)


def make_toolbar(window: MainWindow) -> QToolBar:
    """``mainToolBar``: Train, Step, Reset, Solve, Open, then the epoch and the loss."""
    bar = QToolBar("Toolbar", window, objectName="mainToolBar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setMovable(False)
    for action, name in (
        (window.act_train, "trainButton"),
        (window.act_step, "stepButton"),
        (window.act_reset, "resetButton"),
        (window.act_solve, "solveButton"),
    ):
        bar.addAction(action)
        bar.widgetForAction(action).setObjectName(name)
    bar.widgetForAction(window.act_train).setMinimumWidth(92)
    bar.addSeparator()
    bar.addAction(window.act_open)
    bar.widgetForAction(window.act_open).setObjectName("openButton")
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    window.epoch_label = QLabel(objectName="epochLabel")
    window.epoch_label.setTextFormat(Qt.TextFormat.PlainText)  # no rich-text layout per frame
    set_relative(window.epoch_label, ratio_of(14), bold=True)
    window.loss_label = QLabel(objectName="lossLabel")
    window.loss_label.setTextFormat(Qt.TextFormat.PlainText)
    # Margins, not a style sheet: a sheet pinned the palette (dark text on dark).
    window.loss_label.setContentsMargins(14, 0, 8, 0)
    bar.addWidget(window.epoch_label)
    bar.addWidget(window.loss_label)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    window.toolbar = bar
    return bar


def make_menus(window: MainWindow) -> None:
    """File (open, recent, built-in sets, quit), Train, View (docks, layout), Help."""
    menu = window.menuBar()
    file = menu.addMenu("&File")
    file.addAction(window.act_open)
    window.recent_menu = file.addMenu("Open &Recent")
    window.recent_menu.setObjectName("recentMenu")
    window.recent_menu.aboutToShow.connect(window._fill_recent)
    builtin = file.addMenu("&Built-in datasets")
    load = window.controller.load_builtin
    for info in window.data_panel.catalog:
        act = builtin.addAction(info.title)
        act.setToolTip(info.description)
        act.triggered.connect(lambda _=False, n=info.name: load(n))
    file.addSeparator()
    file.addAction(window.act_quit)
    edit = menu.addMenu("&Edit")
    edit.addAction(window.act_undo)
    edit.addAction(window.act_redo)
    c = window.controller
    for signal in (c.model_reset, c.results_changed, c.state_changed, c.spec_changed):
        signal.connect(lambda *_: name_undo(window))
    name_undo(window)
    train = menu.addMenu("&Train")
    for act in (window.act_train, window.act_step, window.act_reset, window.act_solve):
        train.addAction(act)
    view = menu.addMenu("&View")
    for dock in (
        window.data_dock,
        window.network_dock,
        window.training_dock,
        window.collapse_dock,
        window.diagnostics_dock,
    ):
        view.addAction(dock.toggleViewAction())
    view.addAction(window.toolbar.toggleViewAction())
    view.addSeparator()
    view.addAction(window.act_reset_layout)
    view.addAction(window.act_fullscreen)
    window.view_menu = view
    help_menu = menu.addMenu("&Help")
    help_menu.addAction(window.act_manual)
    help_menu.addAction(window.act_shortcuts)
    help_menu.addAction(window.act_about)


def show_about(window: QWidget) -> None:
    from nnlin_gui.ui import about  # importlib.metadata: 40 ms not spent at start-up

    QMessageBox.about(window, "About nnlin", about.about_html())


def show_manual(window: QWidget) -> QDialog:
    """The short manual: panels, formulas, assumptions, shortcuts (modeless)."""
    from nnlin_gui.ui.manual import ManualDialog

    dialog = ManualDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_shortcuts(window: QWidget) -> None:
    from nnlin_gui.ui.manual import shortcuts_html

    box = QMessageBox(window)
    box.setWindowTitle("Keyboard shortcuts")
    box.setText(shortcuts_html(window.actions()))
    box.open()
