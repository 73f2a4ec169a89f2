"""QApplication setup, argument parsing and ``main()`` for the GUI (first cut)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

_T0 = time.perf_counter()

from nnlin_gui import __version__  # noqa: E402


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nnlin-gui", description="nnlin_gui desktop app")
    parser.add_argument("data", nargs="?", help="CSV file to open")
    parser.add_argument("--version", action="version", version=f"nnlin-gui {__version__}")
    parser.add_argument("--screenshot", metavar="PATH", help="save the main window as PNG, exit")
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="print seconds from start to the first painted window, exit",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("nnlin_gui")
    window.setCentralWidget(QLabel("nnlin_gui"))
    window.resize(1200, 800)
    window.show()
    if args.startup_probe:
        QTimer.singleShot(0, lambda: (print(f"{time.perf_counter() - _T0:.3f}"), app.quit()))
    if args.screenshot:
        QTimer.singleShot(200, lambda: (window.grab().save(args.screenshot), app.quit()))
    return app.exec()
