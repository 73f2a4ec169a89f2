"""The main window: dock panels, menus, the training toolbar, the status bar, drag and drop,
and the frame timer that repaints the live views from the controller's newest data.

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
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.ui import screen_fit, space_key, window_layout
from nnlin_gui.ui.controller import DEFAULT_SOURCE, ModelController
from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.ui.gui_gc import collect_in_gui_thread
from nnlin_gui.ui.panels.builder_panel import BuilderPanel
from nnlin_gui.ui.panels.data_panel import DataPanel
from nnlin_gui.ui.panels.settings_panel import SettingsPanel
from nnlin_gui.ui.theme import FONT_SCALE, ThemeManager
from nnlin_gui.ui.widgets.headline_label import HeadlineLabel
from nnlin_gui.ui.widgets.icons import app_icon, make_icon
from nnlin_gui.ui.widgets.panel_scroll import PanelScroll
from nnlin_gui.workbench.sources import table_title

if TYPE_CHECKING:  # imported by finish_startup: they pull in pyqtgraph (0.5-0.9 s)
    from nnlin_gui.ui.panels.collapse_panel import CollapsePanel
    from nnlin_gui.ui.panels.diagnostics_panel import DiagnosticsPanel
    from nnlin_gui.ui.panels.plots_area import PlotsArea
    from nnlin_gui.ui.teaching import Teaching

log = logging.getLogger(__name__)

FRAME_MS = 40  # 25 frames a second while training: smooth, and leaves the GIL to the worker
MAX_RECENT = 8
STATE_VERSION = 3  # bumped when the default layout changes: old saved layouts are ignored
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".dat", ".tab")
FILE_FILTER = "Data files (*.csv *.tsv *.txt *.dat *.tab);;All files (*)"
# If no paint comes (a window shown minimised), the rest is built after this anyway.
FINISH_FALLBACK_MS = 1500
DIAGNOSTICS_HINT = (
    "The OLS assumption tests (collinearity, homoskedasticity, independence, normality, "
    "linearity, influence) appear here."
)


def default_settings() -> QSettings:
    """The user's settings (an INI file under the user's config folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "nnlin_gui", "nnlin-gui"
    )


def placeholder(name: str, text: str = "Loading…") -> QLabel:
    """What a dock or the central area shows until ``finish_startup`` fills it."""
    label = QLabel(text, objectName=name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("padding: 12px;")
    return label


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
        self.banner = self._make_banner()
        central = QWidget(objectName="centralArea")
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        self._plots_placeholder = placeholder("plotsPlaceholder", "Loading the plots…")
        lay.addWidget(self._plots_placeholder, 1)
        self._central_layout = lay
        self.setCentralWidget(central)

        self.data_panel = DataPanel(c)
        self.builder = BuilderPanel(c)
        self.training_settings = SettingsPanel(c)

        self.data_dock = self.add_panel(
            "dataDock", "Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.network_dock = self.add_panel(
            "networkDock", "Network", self.builder, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.training_dock = self.add_panel(
            "trainingDock",
            "Training",
            self.training_settings,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.collapse_dock = self.add_panel(
            "collapseDock",
            "Collapse",
            placeholder("collapsePlaceholder"),
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.diagnostics_dock = self.add_panel(
            "diagnosticsDock",
            "Diagnostics",
            placeholder("diagnosticsPlaceholder", DIAGNOSTICS_HINT),
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.tabifyDockWidget(self.collapse_dock, self.diagnostics_dock)
        self.collapse_dock.raise_()

        self._make_actions()
        space_key.install(self)  # Space trains from a number field too
        self._make_toolbar()
        self._make_menus()
        self._make_status_bar()

        self.frame_timer = QTimer(self, objectName="frameTimer", interval=FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)
        c.state_changed.connect(self._on_state)
        c.error.connect(self.show_error)
        c.message.connect(self.show_message)
        c.loading_changed.connect(self._on_loading)
        c.load_progress.connect(self._on_load_progress)
        c.table_changed.connect(self._on_table)
        c.dataset_changed.connect(self._pages_to_top)
        c.results_changed.connect(self._on_results)
        c.model_reset.connect(self._on_results)
        self.data_panel.open_requested.connect(self.open_file_dialog)
        self.lessons_dock = self._add_lessons_dock()
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

    def _add_lessons_dock(self) -> QDockWidget:
        """The Lessons dock, reserved now so that the saved layout restores it; the lessons
        panel moves in with ``finish_startup``."""
        dock = self.add_panel(
            "lessonsDock",
            "Lessons",
            placeholder("lessonsPlaceholder"),
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.tabifyDockWidget(self.data_dock, dock)
        self.data_dock.raise_()
        return dock

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
        dock = QDockWidget(title, self, objectName=name)
        # Panels wrap to the dock's width rather than scroll sideways; never clipped.
        dock.setWidget(PanelScroll(widget))
        self.addDockWidget(area, dock)
        return dock

    def set_panel(self, dock_name: str, widget: QWidget) -> QWidget:
        """Put ``widget`` in the existing dock ``dock_name`` (e.g. the collapse panel into
        ``collapseDock``); returns the widget it replaces, kept hidden (the window may
        still update it)."""
        dock = self.findChild(QDockWidget, dock_name)
        if dock is None:
            raise KeyError(f"no dock named {dock_name!r}")
        scroll = dock.widget()
        old = scroll.takeWidget()
        scroll.setWidget(widget)
        if old is not None:
            old.setParent(self)
            old.hide()
        return old

    def _make_banner(self) -> QWidget:
        banner = QWidget(objectName="errorBanner")
        banner.setStyleSheet(
            "#errorBanner { background: #fbe3e0; border-bottom: 1px solid #e0a39a; }"
        )
        lay = QHBoxLayout(banner)
        lay.setContentsMargins(10, 4, 6, 4)
        self.banner_label = QLabel(objectName="errorLabel")
        self.banner_label.setWordWrap(True)
        self.banner_label.setStyleSheet("color: #8a1f11;")
        close = QToolButton(objectName="errorCloseButton", text="✕")
        close.setAutoRaise(True)
        close.clicked.connect(banner.hide)
        lay.addWidget(self.banner_label, 1)
        lay.addWidget(close)
        banner.hide()
        self._banner_timer = QTimer(self, singleShot=True, interval=15000)
        self._banner_timer.timeout.connect(banner.hide)
        return banner

    def _action(
        self, text: str, slot, shortcut=None, icon: str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
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
        self.addAction(action)  # shortcuts work even with the toolbar hidden
        return action

    def _make_actions(self) -> None:
        c = self.controller
        self.act_train = self._action(
            "Train", c.toggle_training, "Space", "train", "Train or pause"
        )
        self.act_step = self._action(
            "Step", c.step, ["F10", "Ctrl+Right"], "step", "Train one epoch"
        )
        self.act_reset = self._action(
            "Reset", c.reset, "Ctrl+R", "reset", "Back to the starting weights (from the seed)"
        )
        self.act_solve = self._action(
            "Solve analytically",
            c.solve,
            "Ctrl+L",
            "solve",
            "Set the weights to the closed-form (OLS) solution, no gradient descent",
        )
        self.act_open = self._action(
            "Open CSV…",
            self.open_file_dialog,
            QKeySequence.StandardKey.Open,
            "open",
            "Open a CSV or TSV file",
        )
        self.act_quit = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_reset_layout = self._action("Reset layout", self.reset_layout)
        self.act_fullscreen = self._action("Full screen", self.toggle_fullscreen, "F11")
        self.act_about = self._action("About nnlin", self.show_about)
        self.act_manual = self._action("Manual", self.show_manual, "F1")
        self.act_manual.setObjectName("manualAction")
        self.act_shortcuts = self._action("Keyboard shortcuts", self.show_shortcuts)

    def _make_toolbar(self) -> None:
        bar = QToolBar("Toolbar", self, objectName="mainToolBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        for action, name in (
            (self.act_train, "trainButton"),
            (self.act_step, "stepButton"),
            (self.act_reset, "resetButton"),
            (self.act_solve, "solveButton"),
        ):
            bar.addAction(action)
            bar.widgetForAction(action).setObjectName(name)
        bar.widgetForAction(self.act_train).setMinimumWidth(92)
        bar.addSeparator()
        bar.addAction(self.act_open)
        bar.widgetForAction(self.act_open).setObjectName("openButton")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.epoch_label = QLabel(objectName="epochLabel")
        self.epoch_label.setTextFormat(Qt.TextFormat.PlainText)  # no rich-text layout per frame
        set_relative(self.epoch_label, ratio_of(14), bold=True)
        self.loss_label = QLabel(objectName="lossLabel")
        self.loss_label.setTextFormat(Qt.TextFormat.PlainText)
        # Margins, not a style sheet: a sheet pinned the palette (dark text on dark).
        self.loss_label.setContentsMargins(14, 0, 8, 0)
        bar.addWidget(self.epoch_label)
        bar.addWidget(self.loss_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _make_menus(self) -> None:
        menu = self.menuBar()
        file = menu.addMenu("&File")
        file.addAction(self.act_open)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        builtin = file.addMenu("&Built-in datasets")
        for info in self.data_panel.catalog:
            act = builtin.addAction(info.title)
            act.setToolTip(info.description)
            act.triggered.connect(lambda _=False, n=info.name: self.controller.load_builtin(n))
        file.addSeparator()
        file.addAction(self.act_quit)
        train = menu.addMenu("&Train")
        for act in (self.act_train, self.act_step, self.act_reset, self.act_solve):
            train.addAction(act)
        view = menu.addMenu("&View")
        for dock in (
            self.data_dock,
            self.network_dock,
            self.training_dock,
            self.collapse_dock,
            self.diagnostics_dock,
        ):
            view.addAction(dock.toggleViewAction())
        view.addAction(self.toolbar.toggleViewAction())
        view.addSeparator()
        view.addAction(self.act_reset_layout)
        view.addAction(self.act_fullscreen)
        self.view_menu = view
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_manual)
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel(objectName="statusLabel")
        self.load_progress = QProgressBar(objectName="loadProgress", maximum=1000)
        self.load_progress.setMaximumWidth(180)
        self.load_progress.setTextVisible(False)
        self.cancel_load_button = QPushButton("Cancel", objectName="cancelLoadButton")
        self.cancel_load_button.clicked.connect(self.controller.cancel_load)
        self.train_progress = QProgressBar(objectName="trainProgress", maximum=1000)
        self.train_progress.setMaximumWidth(180)
        self.train_progress.setFormat("%p% of the run")
        self.rate_label = QLabel(objectName="rateLabel")
        # The collapse verdict stays in sight whatever the docks show.
        self.headline = HeadlineLabel()
        bar.addWidget(self.headline, 3)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.load_progress)
        bar.addPermanentWidget(self.cancel_load_button)
        bar.addPermanentWidget(self.train_progress)
        bar.addPermanentWidget(self.rate_label)
        self.train_progress.hide()
        self.load_progress.hide()
        self.cancel_load_button.hide()

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
            self.train_progress.setValue(int(1000 * (c.epoch - self._run_start) / span))

    def _on_state(self, state: str) -> None:
        training = state == "training"
        self.act_train.setText("Pause" if training else "Train")
        self.act_train.setIcon(make_icon("pause" if training else "train"))
        self.act_step.setEnabled(not training)
        self.act_solve.setEnabled(not training)
        self.train_progress.setVisible(training)
        if training:
            self._run_start = self.controller.epoch
            self.train_progress.setValue(0)
            self.plots.start_live(self.controller.epoch, self.controller.run_end_epoch)
            self.frame_timer.start()
        else:
            self.frame_timer.stop()
            if self._built:
                self._plots.stop_live()
            self.refresh_views(force=True)
            res = self.controller.last_result
            if res is not None and res.seconds > 0:
                pace = self.controller.pace
                self.rate_label.setText(
                    f"{res.samples_per_second:,.0f} samples/s"
                    if pace <= 0
                    else f"shown at {pace:,.0f} epochs/s"
                )

    # -- messages --------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """One line in the banner and the status bar; nothing the user had is lost."""
        log.info("error shown: %s", message)
        self.banner_label.setText(message)
        self.banner.show()
        self._banner_timer.start()
        self.status_label.setText(f"<span style='color:#a0281a'>{message}</span>")
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
        self.controller.open_source(path or DEFAULT_SOURCE)

    def open_path(self, path: str) -> None:
        """Open a data file (dialog, drop, recent list or command line)."""
        if path.lower().endswith(".nnlin"):
            self.teaching.sessions.open(os.path.abspath(path))
            return
        self.controller.open_source(os.path.abspath(path))

    def open_file_dialog(self) -> None:
        folder = str(self.settings.value("lastFolder", os.path.expanduser("~")))
        path, _ = QFileDialog.getOpenFileName(self, "Open data", folder, FILE_FILTER)
        if path:
            self.settings.setValue("lastFolder", os.path.dirname(path))
            self.open_path(path)

    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _on_table(self, table) -> None:
        title = table_title(table)
        self.setWindowTitle(f"{title} — nnlin")
        if not os.path.isfile(table.source):
            return  # built-in sets, drawn points and sessions' arrays are not files to reopen
        recent = [p for p in self.recent_files() if p != table.source]
        self.settings.setValue("recentFiles", [table.source] + recent[: MAX_RECENT - 1])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
            return
        for i, path in enumerate(files):
            act = self.recent_menu.addAction(f"&{i + 1}  {os.path.basename(path)}")
            act.setToolTip(path)
            act.setEnabled(os.path.exists(path))
            act.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", lambda: self.settings.setValue("recentFiles", []))

    def _pages_to_top(self, *_args) -> None:
        """New data: the long pages start from their top, not where the old data left them."""
        for dock in (self.diagnostics_dock, self.collapse_dock):
            scroll = dock.widget()
            if isinstance(scroll, QScrollArea):
                scroll.verticalScrollBar().setValue(0)

    def _on_loading(self, loading: bool) -> None:
        if loading:
            self.finish_startup()  # the panels must exist before the data arrives
        self.load_progress.setVisible(loading)
        self.cancel_load_button.setVisible(loading)
        self.load_progress.setValue(0)

    def _on_load_progress(self, fraction: float) -> None:
        self.load_progress.setValue(int(1000 * fraction))

    @staticmethod
    def _dropped_path(event) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and os.path.isfile(url.toLocalFile()):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._dropped_path(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_path(path)

    # -- layout, settings, closing ---------------------------------------------------------------

    def restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
            # Saved on a bigger screen (the office monitor, now the projector): pull it in.
            avail = screen_fit.available_geometry(self)
            if not self.isMaximized() and not avail.contains(self.geometry()):
                self.setGeometry(screen_fit.inside(self.geometry(), avail))
        state = self.settings.value("windowState")
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state), STATE_VERSION)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        # The user's own layout, not the presentation one laid over it.
        state = self._normal_state or self.saveState(STATE_VERSION)
        self.settings.setValue("windowState", state)
        self.settings.sync()

    def _on_look(self, _scheme: str, presentation: bool) -> None:
        if presentation != (self._normal_state is not None):
            self._set_presenting(presentation)

    def _set_presenting(self, on: bool) -> None:
        """Lay the docks out for presentation mode (or back to the user's layout)."""
        if on:
            self._normal_state = self.saveState(STATE_VERSION)
            small = screen_fit.is_small(screen_fit.available_geometry(self))
            # Once the panels' layouts have taken the larger font (their size hints).
            QTimer.singleShot(0, self, lambda: self._present_now(small))
            return
        if self._normal_state is not None:
            state, self._normal_state = self._normal_state, None
            self.restoreState(state, STATE_VERSION)
        self._tidy_tabs_soon()

    def _present_now(self, small_screen: bool) -> None:
        if self._normal_state is not None:  # still presenting
            window_layout.present(self, FONT_SCALE, small_screen)
            self._tidy_tabs_soon()

    def _tidy_tabs_soon(self) -> None:
        # Once the dock layout has settled (Qt leaves old tab bars shown).
        QTimer.singleShot(0, self, lambda: window_layout.hide_stale_tab_bars(self))

    def reset_layout(self) -> None:
        for dock in self.findChildren(QDockWidget):
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state, STATE_VERSION)
        window_layout.apply_default(self)  # sized for the window as it is now
        self._tidy_tabs_soon()
        if self._normal_state is not None:  # in presentation mode: its layout over it
            self._normal_state = None
            self._set_presenting(True)

    def toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def show_about(self) -> None:
        from nnlin_gui.ui import about  # importlib.metadata: 40 ms not spent at start-up

        QMessageBox.about(self, "About nnlin", about.about_html())

    def show_manual(self) -> QDialog:
        """The short manual: panels, formulas, assumptions, shortcuts (modeless)."""
        from nnlin_gui.ui.manual import ManualDialog

        dialog = ManualDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> None:
        from nnlin_gui.ui.manual import shortcuts_html

        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setText(shortcuts_html(self.actions()))
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        t0 = time.perf_counter()
        self.frame_timer.stop()
        self.save_settings()
        self.controller.shutdown(1000)
        log.debug("closed in %.3f s", time.perf_counter() - t0)
        event.accept()
