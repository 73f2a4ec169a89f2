"""nnlin_gui.fileopen: macOS file-open events reach the app, early ones are kept."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QUrl  # noqa: E402
from PySide6.QtGui import QFileOpenEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnlin_gui.fileopen import install_file_open_handler  # noqa: E402


def send_open(app, target) -> None:
    QApplication.sendEvent(app, QFileOpenEvent(target))


def test_events_before_the_window_are_delivered_in_order(qapp):
    handler = install_file_open_handler(qapp)
    try:
        send_open(qapp, "/data/first.csv")
        send_open(qapp, QUrl.fromLocalFile("/data/second table.tsv"))
        assert handler.pending == ["/data/first.csv", "/data/second table.tsv"]
        opened: list[str] = []
        handler.set_callback(opened.append)
        assert opened == ["/data/first.csv", "/data/second table.tsv"]
        assert handler.pending == []
        send_open(qapp, "/data/third.csv")
        assert opened[-1] == "/data/third.csv"
    finally:
        qapp.removeEventFilter(handler)
        handler.deleteLater()


def test_other_events_pass_through(qapp):
    opened: list[str] = []
    handler = install_file_open_handler(qapp, opened.append)
    try:
        assert handler.eventFilter(qapp, QEvent(QEvent.Type.User)) is False
        assert handler.eventFilter(qapp, QFileOpenEvent("")) is False  # nothing to open
        assert opened == []
    finally:
        qapp.removeEventFilter(handler)
        handler.deleteLater()
