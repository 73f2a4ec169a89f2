"""Files for the main window: the open dialog, the recent-files list and drag and drop."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu

from nnlin_gui.workbench.sources import table_title

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow

MAX_RECENT = 8
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".dat", ".tab")
FILE_FILTER = "Data files (*.csv *.tsv *.txt *.dat *.tab);;All files (*)"


def open_file_dialog(window: MainWindow) -> None:
    """File > Open: the last folder used, then ``window.open_path``."""
    settings = window.settings
    folder = str(settings.value("lastFolder", os.path.expanduser("~")))
    path, _ = QFileDialog.getOpenFileName(window, "Open data", folder, FILE_FILTER)
    if path:
        settings.setValue("lastFolder", os.path.dirname(path))
        window.open_path(path)


def recent_files(settings) -> list[str]:
    value = settings.value("recentFiles", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def on_table(window: MainWindow, table) -> None:
    """A new table: the window title names it; a file goes to the top of the recent list."""
    window.setWindowTitle(f"{table_title(table)} — nnlin")
    if not os.path.isfile(table.source):
        return  # built-in sets, drawn points and sessions' arrays are not files to reopen
    recent = [p for p in recent_files(window.settings) if p != table.source]
    window.settings.setValue("recentFiles", [table.source] + recent[: MAX_RECENT - 1])


def fill_recent(window: MainWindow, menu: QMenu) -> None:
    """File > Open Recent, filled each time it opens (missing files greyed out)."""
    menu.clear()
    files = recent_files(window.settings)
    if not files:
        menu.addAction("(none yet)").setEnabled(False)
        return
    for i, path in enumerate(files):
        act = menu.addAction(f"&{i + 1}  {os.path.basename(path)}")
        act.setToolTip(path)
        act.setEnabled(os.path.exists(path))
        act.triggered.connect(lambda _=False, p=path: window.open_path(p))
    menu.addSeparator()
    menu.addAction("Clear list", lambda: window.settings.setValue("recentFiles", []))


def dropped_path(event) -> str | None:
    """The first local file in a drag or drop event, or None."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and os.path.isfile(url.toLocalFile()):
            return url.toLocalFile()
    return None
