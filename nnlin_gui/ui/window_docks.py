"""The main window's docks: Data and Lessons (left), Network and Training (right),
Collapse and Diagnostics (under the plots), and the placeholders they show until
``MainWindow.finish_startup`` fills them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea, QWidget

from nnlin_gui.ui.widgets.panel_scroll import PanelScroll

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow

DIAGNOSTICS_HINT = (
    "The OLS assumption tests (collinearity, homoskedasticity, independence, normality, "
    "linearity, influence) appear here."
)
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def placeholder(name: str, text: str = "Loading…") -> QLabel:
    """What a dock or the central area shows until ``finish_startup`` fills it."""
    label = QLabel(text, objectName=name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("padding: 12px;")
    return label


def add_panel(window: QMainWindow, name: str, title: str, widget: QWidget, area) -> QDockWidget:
    """Put ``widget`` in a new dock named ``name`` in ``area``."""
    dock = QDockWidget(title, window, objectName=name)
    # Panels wrap to the dock's width rather than scroll sideways; never clipped.
    dock.setWidget(PanelScroll(widget))
    window.addDockWidget(area, dock)
    return dock


def set_panel(window: QMainWindow, dock_name: str, widget: QWidget) -> QWidget:
    """Put ``widget`` in the existing dock ``dock_name``; returns the widget it replaces,
    kept hidden (the window may still update it)."""
    dock = window.findChild(QDockWidget, dock_name)
    if dock is None:
        raise KeyError(f"no dock named {dock_name!r}")
    scroll = dock.widget()
    old = scroll.takeWidget()
    scroll.setWidget(widget)
    if old is not None:
        old.setParent(window)
        old.hide()
    return old


def make_docks(window: MainWindow) -> None:
    """Every dock of the default layout, as ``window.data_dock`` ... ``lessons_dock``."""
    w = window
    w.data_dock = add_panel(w, "dataDock", "Data", w.data_panel, LEFT)
    w.network_dock = add_panel(w, "networkDock", "Network", w.builder, RIGHT)
    w.training_dock = add_panel(w, "trainingDock", "Training", w.training_settings, RIGHT)
    w.collapse_dock = add_panel(
        w, "collapseDock", "Collapse", placeholder("collapsePlaceholder"), BOTTOM
    )
    w.diagnostics_dock = add_panel(
        w,
        "diagnosticsDock",
        "Diagnostics",
        placeholder("diagnosticsPlaceholder", DIAGNOSTICS_HINT),
        BOTTOM,
    )
    w.tabifyDockWidget(w.collapse_dock, w.diagnostics_dock)
    w.collapse_dock.raise_()
    # Reserved now so that a saved layout restores it; the lessons panel moves in later.
    w.lessons_dock = add_panel(w, "lessonsDock", "Lessons", placeholder("lessonsPlaceholder"), LEFT)
    w.tabifyDockWidget(w.data_dock, w.lessons_dock)
    w.data_dock.raise_()


def pages_to_top(window: MainWindow) -> None:
    """New data: the long pages start from their top, not where the old data left them."""
    for dock in (window.diagnostics_dock, window.collapse_dock):
        scroll = dock.widget()
        if isinstance(scroll, QScrollArea):
            scroll.verticalScrollBar().setValue(0)
