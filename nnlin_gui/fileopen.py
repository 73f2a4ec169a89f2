"""Files opened from the desktop while the app runs (macOS ``QFileOpenEvent``).

On macOS, Finder (double-click on a CSV, "Open With", a drop on the Dock icon) does not
pass the file in ``argv``: it sends a ``QFileOpenEvent`` to the ``QApplication``, the first
one often before the main window exists. ``install_file_open_handler`` catches those
events from the moment the application is created and keeps the paths until a callback is
set::

    app = make_application()
    opener = install_file_open_handler(app)  # right after QApplication(...)
    window = MainWindow(...)
    opener.set_callback(window.open_path)    # delivers anything that arrived before

Linux and Windows pass files as arguments (``Exec=nnlin-gui %F``, the installer's
``"%1"``), so the handler simply never fires there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject  # noqa: TID251 - Qt glue, not core

log = logging.getLogger(__name__)


class FileOpenHandler(QObject):
    """Event filter on the application that turns file-open events into callbacks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback: Callable[[str], object] | None = None
        self.pending: list[str] = []

    def set_callback(self, callback: Callable[[str], object]) -> None:
        """Call ``callback(path)`` for every file opened from now on, and for the files
        that arrived before (in order)."""
        self._callback = callback
        pending, self.pending = self.pending, []
        for path in pending:
            callback(path)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.FileOpen:
            return False
        path = event.file() or event.url().toLocalFile()
        if not path:
            return False
        log.info("file opened from the desktop: %s", path)
        if self._callback is None:
            self.pending.append(path)
        else:
            self._callback(path)
        return True


def install_file_open_handler(
    app: QObject, callback: Callable[[str], object] | None = None
) -> FileOpenHandler:
    """Install a :class:`FileOpenHandler` on ``app`` (owned by it) and return it.

    Parameters
    ----------
    app : the ``QApplication``; install right after creating it so that the file that
        launched the app (macOS sends it as the first event) is not lost
    callback : called with each opened path; may be set later with ``set_callback``
    """
    handler = FileOpenHandler(app)
    app.installEventFilter(handler)
    if callback is not None:
        handler.set_callback(callback)
    return handler
