"""The main window: dock panels, menus, the training toolbar, the status bar, drag and drop,
and the frame timer that repaints the live views from the controller's newest data."""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
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

from nnlin_gui.controller import DEFAULT_SOURCE, ModelController
from nnlin_gui.ui import about
from nnlin_gui.ui.gui_gc import collect_in_gui_thread
from nnlin_gui.ui.panels.builder_panel import BuilderPanel
from nnlin_gui.ui.panels.collapse_panel import CollapsePanel
from nnlin_gui.ui.panels.data_panel import DataPanel
from nnlin_gui.ui.panels.diagnostics_panel import DiagnosticsPanel
from nnlin_gui.ui.panels.plots_area import PlotsArea
from nnlin_gui.ui.panels.settings_panel import SettingsPanel
from nnlin_gui.ui.widgets.icons import app_icon, make_icon

log = logging.getLogger(__name__)

FRAME_MS = 40  # 25 frames a second while training: smooth, and leaves the GIL to the worker
MAX_RECENT = 8
STATE_VERSION = 2  # bumped when the default layout changes: old saved layouts are ignored
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".dat", ".tab")
FILE_FILTER = "Data files (*.csv *.tsv *.txt *.dat *.tab);;All files (*)"


def default_settings() -> QSettings:
    """The user's settings (an INI file under the user's config folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "nnlin_gui", "nnlin-gui"
    )


class MainWindow(QMainWindow):
    """objectName ``mainWindow``. Owns the panels; the controller owns the state."""

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

        c = self.controller
        self.plots = PlotsArea(c)
        self.banner = self._make_banner()
        central = QWidget(objectName="centralArea")
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(self.plots, 1)
        self.setCentralWidget(central)

        self.data_panel = DataPanel(c)
        self.builder = BuilderPanel(c)
        self.training_settings = SettingsPanel(c)
        self.collapse_summary = CollapsePanel(c)  # the compact read-out and the full panel
        self.diagnostics_placeholder = QLabel(
            "The OLS assumption tests (collinearity, homoskedasticity, independence, normality, "
            "linearity, influence) appear here.",
            objectName="diagnosticsPlaceholder",
        )
        self.diagnostics_placeholder.setWordWrap(True)
        self.diagnostics_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.diagnostics_placeholder.setStyleSheet("padding: 12px;")

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
            self.collapse_summary,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.diagnostics_dock = self.add_panel(
            "diagnosticsDock",
            "Diagnostics",
            self.diagnostics_placeholder,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.diagnostics_panel = DiagnosticsPanel(c)
        self.set_panel("diagnosticsDock", self.diagnostics_panel)
        self.tabifyDockWidget(self.collapse_dock, self.diagnostics_dock)
        self.collapse_dock.raise_()
        self.resizeDocks([self.data_dock, self.network_dock], [360, 300], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.network_dock, self.training_dock], [430, 330], Qt.Orientation.Vertical
        )

        self._make_actions()
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
        c.results_changed.connect(self._on_results)
        c.model_reset.connect(self._on_results)
        self.data_panel.open_requested.connect(self.open_file_dialog)
        from nnlin_gui.ui.teaching import install as install_teaching

        self.teaching = install_teaching(self)  # lessons, sessions, exports, themes
        self.resize(1440, 900)
        # The collapse table and the diagnostics cards need room: about 40 % of the height.
        self.resizeDocks([self.collapse_dock], [340], Qt.Orientation.Vertical)
        self._default_state = self.saveState(STATE_VERSION)
        self.restore_settings()
        self._on_state("idle")

    # -- construction ----------------------------------------------------------------------------

    def add_panel(self, name: str, title: str, widget: QWidget, area) -> QDockWidget:
        """Put ``widget`` in a dock named ``name`` (later issues add their panels this way)."""
        dock = QDockWidget(title, self, objectName=name)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Panels wrap to the dock's width rather than scroll sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(widget)
        dock.setWidget(scroll)
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
        self.act_shortcuts = self._action("Keyboard shortcuts", self.show_shortcuts, "F1")

    def _make_toolbar(self) -> None:
        bar = QToolBar("Training", self, objectName="mainToolBar")
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
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.epoch_label.setFont(font)
        self.loss_label = QLabel(objectName="lossLabel")
        self.loss_label.setTextFormat(Qt.TextFormat.PlainText)
        self.loss_label.setMinimumWidth(250)
        self.loss_label.setStyleSheet("padding-left: 14px; padding-right: 8px;")
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
        self.plots.refresh()
        self.collapse_summary.refresh(c)
        curves = c.curves
        self.epoch_label.setText(f"Epoch {c.epoch:,}")
        if c.is_training:
            span = max(1, c.run_end_epoch - self._run_start)
            self.train_progress.setValue(int(1000 * (c.epoch - self._run_start) / span))
        units = c.trainer.loss_units if c.trainer is not None else None
        if len(curves) and units is not None:
            # In the data's units, as the MSE beside it (training runs on a standardised y).
            text = f"train {units.format(curves.train_loss[-1])}"
            test = curves.test_loss[-1]
            if test == test:  # not NaN
                text += f" · test {units.format(test)}"
            self.loss_label.setText(text)
        else:
            self.loss_label.setText("untrained")

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
            self.plots.stop_live()
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
        title = table.title
        self.setWindowTitle(f"{title} — nnlin")
        if table.source.startswith("builtin:"):
            return
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

    def _on_loading(self, loading: bool) -> None:
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
        state = self.settings.value("windowState")
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state), STATE_VERSION)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState(STATE_VERSION))
        self.settings.sync()

    def reset_layout(self) -> None:
        for dock in self.findChildren(QDockWidget):
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state, STATE_VERSION)

    def toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def show_about(self) -> None:
        QMessageBox.about(self, "About nnlin", about.about_html())

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}</b></td>"
            f"<td>&nbsp;&nbsp;{a.text().replace('&', '')}</td></tr>"
            for a in self.actions()
            if not a.shortcut().isEmpty()
        )
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setText(f"<table>{rows}</table>")
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        t0 = time.perf_counter()
        self.frame_timer.stop()
        self.save_settings()
        self.controller.shutdown(1000)
        log.debug("closed in %.3f s", time.perf_counter() - t0)
        event.accept()
