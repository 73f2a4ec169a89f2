"""The main window's error banner and status bar: the collapse headline (always in sight),
messages, the load and training progress and the training rate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

from nnlin_gui.ui.widgets.headline_label import MARKS, HeadlineLabel

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow

log = logging.getLogger(__name__)

BANNER_MS = 15000  # an error banner hides itself after this
HEADLINE_PADDING = 12  # its margins
OVERHEAD = 30  # the status bar's spacing and size grip


def make_banner(window: MainWindow) -> QWidget:
    """``errorBanner`` over the plots: one line (``errorLabel``) and a close button."""
    banner = QWidget(objectName="errorBanner")
    banner.setStyleSheet("#errorBanner { background: #fbe3e0; border-bottom: 1px solid #e0a39a; }")
    lay = QHBoxLayout(banner)
    lay.setContentsMargins(10, 4, 6, 4)
    window.banner_label = QLabel(objectName="errorLabel")
    window.banner_label.setWordWrap(True)
    window.banner_label.setStyleSheet("color: #8a1f11;")
    close = QToolButton(objectName="errorCloseButton", text="✕")
    close.setAutoRaise(True)
    close.clicked.connect(banner.hide)
    lay.addWidget(window.banner_label, 1)
    lay.addWidget(close)
    banner.hide()
    window._banner_timer = QTimer(window, singleShot=True, interval=BANNER_MS)
    window._banner_timer.timeout.connect(banner.hide)
    window.banner = banner
    return banner


def make_status_bar(window: MainWindow) -> None:
    """The headline, messages, load progress with Cancel, run progress and rate."""
    bar = window.statusBar()
    window.status_label = QLabel(objectName="statusLabel")
    window.load_progress = QProgressBar(objectName="loadProgress", maximum=1000)
    window.load_progress.setMaximumWidth(180)
    window.load_progress.setTextVisible(False)
    window.cancel_load_button = QPushButton("Cancel", objectName="cancelLoadButton")
    window.cancel_load_button.clicked.connect(window.controller.cancel_load)
    window.train_progress = QProgressBar(objectName="trainProgress", maximum=1000)
    window.train_progress.setMaximumWidth(180)
    window.train_progress.setFormat("%p% of the run")
    window.rate_label = QLabel(objectName="rateLabel")
    # The collapse verdict stays in sight whatever the docks show.
    window.headline = HeadlineLabel()
    # The headline takes the room the message does not need (given a 3-to-1 share it was
    # elided with room to spare: "Network collapsed to linear regr…on").
    bar.addWidget(window.headline, 1)
    bar.addWidget(window.status_label, 0)
    bar.addPermanentWidget(window.load_progress)
    bar.addPermanentWidget(window.cancel_load_button)
    bar.addPermanentWidget(window.train_progress)
    bar.addPermanentWidget(window.rate_label)
    window.train_progress.hide()
    window.load_progress.hide()
    window.cancel_load_button.hide()
    window._status_fitter = _StatusFitter(window)
    for widget in (bar, window.headline, window.status_label):  # presentation fonts too
        widget.installEventFilter(window._status_fitter)


class _StatusFitter(QObject):
    """Hides the rate ("shown at 100 epochs/s") where the headline would be elided
    (presentation mode at 1280 pixels: "Network collapsed to linear regr…on")."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            fit_status_bar(self.window)
        return False


def fit_status_bar(window: MainWindow) -> None:
    """The rate only where the whole headline (its mark too) and the message fit beside it."""
    head, message, rate = window.headline, window.status_label, window.rate_label
    if not rate.text():
        return
    bar = window.statusBar()
    mark = MARKS.get(head.verdict, "")
    painted = f"{mark}  {head.text()}" if mark else head.text()
    needed = head.fontMetrics().horizontalAdvance(painted) + HEADLINE_PADDING
    # What the bar spends beside its widgets (spacing, the size grip), as laid out now.
    shown = head.width() + message.width() + (rate.width() if rate.isVisible() else 0)
    overhead = max(OVERHEAD, bar.width() - shown) if head.width() > 0 else OVERHEAD
    total = needed + message.sizeHint().width() + rate.sizeHint().width() + overhead
    rate.setVisible(total <= bar.width())


def show_error(window: MainWindow, message: str) -> None:
    """One line in the banner and in the status bar."""
    log.info("error shown: %s", message)
    window.banner_label.setText(message)
    window.banner.show()
    window._banner_timer.start()
    window.status_label.setText(f"<span style='color:#a0281a'>{message}</span>")


def show_loading(window: MainWindow, loading: bool) -> None:
    window.load_progress.setVisible(loading)
    window.cancel_load_button.setVisible(loading)
    window.load_progress.setValue(0)


def show_rate(window: MainWindow) -> None:
    """After a run: the samples a second, or the pace it was shown at."""
    res = window.controller.last_result
    if res is not None and res.seconds > 0:
        pace = window.controller.pace
        window.rate_label.setText(
            f"{res.samples_per_second:,.0f} samples/s"
            if pace <= 0
            else f"shown at {pace:,.0f} epochs/s"
        )
    fit_status_bar(window)
