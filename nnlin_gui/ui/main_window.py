"""The main window: it puts the panels in docks, follows the controller's state, and runs
the frame timer that repaints the live views from the controller's newest data.

Its parts live beside it: the docks (``window_docks``), actions, toolbar and menus
(``window_menus``), the banner and status bar (``window_status``), files, recent files and
drag and drop (``window_files``), saved layout and presentation mode (``window_state``,
``window_layout``, ``screen_fit``).

Start-up comes in two steps. ``__init__`` builds what the first painted window needs (the
data, network and training panels, toolbar, menus, status bar, theme palette) with a
"loading" placeholder in the central area and in the collapse, diagnostics and lessons
docks. Right after the first paint ``finish_startup`` imports pyqtgraph and builds the plots
and those panels (and the lessons, sessions and export actions). Anything that needs them
earlier (the ``plots`` / ``teaching`` ... properties, a data load) builds them at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.ui import (
    recovery,
    screen_fit,
    space_key,
    window_docks,
    window_files,
    window_layout,
    window_menus,
    window_state,
    window_status,
)
from nnlin_gui.ui.controller import DEFAULT_SOURCE, ModelController
from nnlin_gui.ui.gui_gc import collect_in_gui_thread
from nnlin_gui.ui.paint_hold import PaintHold, set_progress
from nnlin_gui.ui.panels.builder_panel import BuilderPanel
from nnlin_gui.ui.panels.data_panel import DataPanel
from nnlin_gui.ui.panels.settings_panel import SettingsPanel
from nnlin_gui.ui.theme import ThemeManager
from nnlin_gui.ui.widgets.icons import app_icon, make_icon
from nnlin_gui.ui.window_state import STATE_VERSION

if TYPE_CHECKING:  # imported by finish_startup: they pull in pyqtgraph (0.5-0.9 s)
    from nnlin_gui.ui.panels.collapse_panel import CollapsePanel
    from nnlin_gui.ui.panels.diagnostics_panel import DiagnosticsPanel
    from nnlin_gui.ui.panels.plots_area import PlotsArea
    from nnlin_gui.ui.teaching import Teaching

log = logging.getLogger(__name__)

FRAME_MS = 40  # 25 frames a second while training: smooth, and leaves the GIL to the worker
# If no paint comes (a window shown minimised), the rest is built after this anyway.
FINISH_FALLBACK_MS = 1500


def default_settings() -> QSettings:
    """The user's settings (an INI file under the user's config folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "nnlin_gui", "nnlin-gui"
    )


class MainWindow(QMainWindow):
    """objectName ``mainWindow``. Owns the panels; the controller owns the state.

    Signals
    -------
    startup_finished() : every panel is built (see ``finish_startup``)
    """

    startup_finished = Signal()

    def __init__(
        self, controller: ModelController | None = None, settings: QSettings | None = None
    ) -> None:
        # Cyclic garbage (Qt objects of an earlier window, for one) must be collected in the
        # GUI thread only: see ui/gui_gc.py.
        collect_in_gui_thread()
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("nnlin — is deep learning just linear regression?")
        self.setWindowIcon(app_icon())
        self.controller = controller or ModelController(self)
        self.settings = settings if settings is not None else default_settings()
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        # Side docks run the full height; the collapse/diagnostics area sits under the plots.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.frames = 0  # frames that repainted new data (benchmarks read it)
        self.ticks = 0  # frame-timer ticks the event loop served
        self._closing = False
        self._run_start = 0  # epoch the current run started from
        # Built by finish_startup (None until then; the properties below build on demand).
        self._built = False
        self._finish_queued = False
        self._plots: PlotsArea | None = None
        self._collapse_summary: CollapsePanel | None = None
        self._diagnostics_panel: DiagnosticsPanel | None = None
        self._teaching: Teaching | None = None

        c = self.controller
        # The palette and font before any widget exists: no light flash under a dark theme.
        self.theme_manager = ThemeManager(self, self.settings, c)
        self.theme_manager.apply()
        self.banner = window_status.make_banner(self)
        central = QWidget(objectName="centralArea")
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(recovery.make_banner(self))  # unsaved work from the last close
        self._plots_placeholder = window_docks.placeholder("plotsPlaceholder", "Loading the plots…")
        lay.addWidget(self._plots_placeholder, 1)
        self._central_layout = lay
        self.setCentralWidget(central)

        self.data_panel = DataPanel(c)
        self.builder = BuilderPanel(c)
        self.training_settings = SettingsPanel(c)

        window_docks.make_docks(self)

        window_menus.make_actions(self)
        space_key.install(self)  # Space trains from a number field too
        window_menus.make_toolbar(self)
        window_menus.make_menus(self)
        window_status.make_status_bar(self)

        self.frame_timer = QTimer(self, objectName="frameTimer", interval=FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)
        c.state_changed.connect(self._on_state)
        c.error.connect(self.show_error)
        c.message.connect(self.show_message)
        c.loading_changed.connect(self._on_loading)
        c.load_progress.connect(self._on_load_progress)
        # First: the window is painted once, when the panels have taken a change in.
        self.paint_hold = PaintHold(self)
        changes = (c.table_changed, c.dataset_changed, c.model_reset, c.results_changed)
        for signal in (*changes, c.state_changed):
            signal.connect(self.paint_hold.hold)
        c.table_changed.connect(self._on_table)
        c.dataset_changed.connect(self._pages_to_top)
        c.results_changed.connect(self._on_results)
        c.model_reset.connect(self._on_results)
        self.data_panel.open_requested.connect(self.open_file_dialog)
        self._place_on_screen()
        self._default_state = self.saveState(STATE_VERSION)
        self._normal_state: QByteArray | None = None  # the layout before presentation mode
        self.restore_settings()
        if self.theme_manager.presentation:
            self._set_presenting(True)
        self.theme_manager.changed.connect(self._on_look)
        self._on_state("idle")

    # -- construction ----------------------------------------------------------------------------

    def lay_out_for(self, size: QSize) -> None:
        """A normal (not maximised) window of ``size`` with the docks sized for it: a
        headless ``--screenshot`` pictures the comfortable layout, not the 800x600 screen."""
        self.setWindowState(Qt.WindowState.WindowNoState)
        self.resize(size)
        window_layout.apply_default(self)

    def _place_on_screen(self) -> None:
        """Open inside the screen's available area (maximised on a small one), with a
        minimum size that fits it, and the docks sized for that window."""
        avail = screen_fit.available_geometry(self)
        self.setMinimumSize(screen_fit.minimum_size(avail))
        self.setGeometry(screen_fit.initial_geometry(avail))
        if screen_fit.is_small(avail):
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        window_layout.apply_default(self)

    def finish_startup(self) -> None:
        """Build the plots, the collapse, diagnostics and lessons panels and the teaching
        actions (once; right after the first paint, or earlier on demand)."""
        if self._built:
            return
        self._built = True
        t0 = time.perf_counter()
        from nnlin_gui.ui.panels.collapse_panel import CollapsePanel
        from nnlin_gui.ui.panels.diagnostics_panel import DiagnosticsPanel
        from nnlin_gui.ui.panels.plots_area import PlotsArea
        from nnlin_gui.ui.teaching import install as install_teaching

        c = self.controller
        self._plots = PlotsArea(c)
        self._central_layout.replaceWidget(self._plots_placeholder, self._plots)
        self._plots_placeholder.deleteLater()
        self._collapse_summary = CollapsePanel(c)  # the compact read-out and the full panel
        self.set_panel("collapseDock", self._collapse_summary).deleteLater()
        self._collapse_summary.regions.watch(self._plots.regions)  # map clicks -> equation
        self._diagnostics_panel = DiagnosticsPanel(c)
        self.set_panel("diagnosticsDock", self._diagnostics_panel).deleteLater()
        self._teaching = install_teaching(self)  # lessons, sessions, exports, plot colours
        recovery.offer(self)
        space_key.install(self)  # the new panels' number fields too
        collect_in_gui_thread()  # freeze pyqtgraph's objects too (see gui_gc.py)
        self.refresh_views(force=True)
        log.debug("rest of the window built in %.3f s", time.perf_counter() - t0)
        self.startup_finished.emit()

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once every panel is built (now, if they are)."""
        if self._built:
            callback()
            return

        def once() -> None:
            self.startup_finished.disconnect(once)
            callback()

        self.startup_finished.connect(once)

    def _finish_soon(self) -> None:
        if not self._finish_queued:
            self._finish_queued = True
            # After this paint has reached the screen, not inside it.
            QTimer.singleShot(0, self, self._finish_queued_startup)

    def _finish_queued_startup(self) -> None:
        if not self._closing:
            self.finish_startup()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._built:
            self._finish_soon()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._tidy_tabs_soon()
        if not self._built:
            QTimer.singleShot(FINISH_FALLBACK_MS, self, self._finish_soon)

    @property
    def plots(self) -> PlotsArea:
        """The central plots (built on first use if the window has not painted yet)."""
        self.finish_startup()
        return self._plots

    @property
    def collapse_summary(self) -> CollapsePanel:
        self.finish_startup()
        return self._collapse_summary

    @property
    def diagnostics_panel(self) -> DiagnosticsPanel:
        self.finish_startup()
        return self._diagnostics_panel

    @property
    def teaching(self) -> Teaching:
        """Lessons, sessions, exports and the theme actions."""
        self.finish_startup()
        return self._teaching

    def add_panel(self, name: str, title: str, widget: QWidget, area) -> QDockWidget:
        """Put ``widget`` in a dock named ``name`` (later issues add their panels this way)."""
        return window_docks.add_panel(self, name, title, widget, area)

    def set_panel(self, dock_name: str, widget: QWidget) -> QWidget:
        """Put ``widget`` in the existing dock ``dock_name`` (e.g. the collapse panel into
        ``collapseDock``); returns the widget it replaces, kept hidden (the window may
        still update it)."""
        return window_docks.set_panel(self, dock_name, widget)

    # -- live views ------------------------------------------------------------------------------

    def _on_results(self, *_args) -> None:
        self.refresh_views(force=True)

    def _on_frame(self) -> None:
        self.ticks += 1
        self.refresh_views()

    def refresh_views(self, force: bool = False) -> None:
        """Repaint the plots, the diagram and the counters from the newest data."""
        c = self.controller
        if not force and getattr(self, "_drawn_version", None) == (c.version, len(c.curves)):
            return
        self._drawn_version = (c.version, len(c.curves))
        self.frames += 1
        readout = c.readout  # every number below from the same, current state
        if self._built:  # before finish_startup only the counters exist
            self._plots.refresh()
            self._collapse_summary.refresh(c)
            self._collapse_summary.show_readout(readout)
        self.epoch_label.setText(readout.epoch_text)
        self.loss_label.setText(readout.loss_text)
        self.headline.show_headline(readout.headline, live=c.is_training)
        if c.is_training:
            span = max(1, c.run_end_epoch - self._run_start)
            set_progress(self.train_progress, int(1000 * (c.epoch - self._run_start) / span))

    def _on_state(self, state: str) -> None:
        training = state == "training"
        self.act_train.setText("Pause" if training else "Train")
        self.act_train.setIcon(make_icon("pause" if training else "train"))
        self.act_step.setEnabled(not training)
        self.act_solve.setEnabled(not training)
        self.train_progress.setVisible(training)
        if training:
            self._run_start = self.controller.epoch
            set_progress(self.train_progress, 0)
            self.plots.start_live(self.controller.epoch, self.controller.run_end_epoch)
            self.frame_timer.start()
        else:
            self.frame_timer.stop()
            if self._built:
                self._plots.stop_live()
            self.refresh_views(force=True)
            window_status.show_rate(self)

    # -- messages --------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """One line in the banner and the status bar; nothing the user had is lost."""
        window_status.show_error(self, message)
        if self.controller.dataset is None and not self.controller.is_loading and not self._closing:
            self.controller.open_source(DEFAULT_SOURCE)  # never leave the window empty

    def show_message(self, message: str) -> None:
        self.status_label.setText(message)

    # -- files -----------------------------------------------------------------------------------

    def open_initial(self, path: str | None) -> None:
        """At startup: the file from the command line, else the default built-in dataset."""
        if path and path.lower().endswith(".nnlin"):
            self.open_path(path)  # a session file
            return
        if path is None and self.teaching.lab.open_start():
            return  # the lab configuration's starting data and network (ui/lab_lock.py)
        self.controller.open_source(path or DEFAULT_SOURCE)

    def open_path(self, path: str) -> None:
        """Open a data file (dialog, drop, recent list or command line)."""
        if path.lower().endswith(".nnlin"):
            self.teaching.sessions.open(os.path.abspath(path))
            return
        self.controller.open_source(os.path.abspath(path))

    def open_file_dialog(self) -> None:
        window_files.open_file_dialog(self)

    def recent_files(self) -> list[str]:
        return window_files.recent_files(self.settings)

    def _on_table(self, table) -> None:
        window_files.on_table(self, table)

    def _fill_recent(self) -> None:
        window_files.fill_recent(self, self.recent_menu)

    def _pages_to_top(self, *_args) -> None:
        window_docks.pages_to_top(self)

    def _on_loading(self, loading: bool) -> None:
        if loading:
            self.finish_startup()  # the panels must exist before the data arrives
        window_status.show_loading(self, loading)

    def _on_load_progress(self, fraction: float) -> None:
        set_progress(self.load_progress, int(1000 * fraction))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if window_files.dropped_path(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if window_files.dropped_path(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = window_files.dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_path(path)

    # -- layout, settings, closing ---------------------------------------------------------------

    def restore_settings(self) -> None:
        window_state.restore(self)

    def save_settings(self) -> None:
        window_state.save(self)

    def _on_look(self, _scheme: str, presentation: bool) -> None:
        if presentation != (self._normal_state is not None):
            self._set_presenting(presentation)

    def _set_presenting(self, on: bool) -> None:
        window_state.set_presenting(self, on)

    def _tidy_tabs_soon(self) -> None:
        window_state.tidy_tabs_soon(self)

    def reset_layout(self) -> None:
        window_state.reset_layout(self)

    def toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def show_about(self) -> None:
        window_menus.show_about(self)

    def show_manual(self) -> QDialog:
        """The short manual: panels, formulas, assumptions, shortcuts (modeless)."""
        return window_menus.show_manual(self)

    def show_shortcuts(self) -> None:
        window_menus.show_shortcuts(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        t0 = time.perf_counter()
        self.frame_timer.stop()
        self.save_settings()
        if self._teaching is not None:
            self._teaching.sessions.wait_saved(30.0)  # a save in progress is finished
        self.controller.shutdown(1000)
        recovery.keep_unsaved_work(self)  # quick or not at all: closing asks nothing
        log.debug("closed in %.3f s", time.perf_counter() - t0)
        event.accept()
