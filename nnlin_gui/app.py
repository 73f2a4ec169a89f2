"""QApplication setup, argument parsing and ``main()`` for the GUI (``nnlin-gui``).

Only what the first painted window needs is imported before it is shown: not pyqtgraph
(the window builds its plots right after the first paint), nor pandas (the data loads in the
background once the window is complete), nor statsmodels and scipy.stats (only when a
baseline or a diagnostic needs them). ``--startup-report`` checks this.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from nnlin_gui import __version__  # noqa: E402

log = logging.getLogger(__name__)

# Slow imports that must not be on the path to the first painted window (--startup-report).
HEAVY_MODULES = ("pyqtgraph", "pandas", "scipy.stats", "statsmodels", "statsmodels.api")


def process_age() -> float:
    """Seconds since this process started (from /proc when available)."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = float(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0 <= age < 3600:
            return age
    except (OSError, ValueError, IndexError):
        pass
    return time.perf_counter() - _T0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nnlin-gui", description="nnlin desktop app")
    parser.add_argument("data", nargs="?", help="CSV or TSV file to open")
    parser.add_argument("--version", action="version", version=f"nnlin-gui {__version__}")
    parser.add_argument("--screenshot", metavar="PATH", help="save the main window as PNG, exit")
    parser.add_argument(
        "--train-first",
        action="store_true",
        help="with --screenshot: train the network before taking the picture",
    )
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="print seconds from process start to the first painted window, exit",
    )
    parser.add_argument(
        "--startup-report",
        action="store_true",
        help="print JSON: seconds to the first paint, the slow modules loaded by then, and "
        "seconds until every panel is built; exit",
    )
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="",
        metavar="CSV",
        help="run offscreen end to end (load, train in the worker thread, collapse, compare "
        "with OLS), print a JSON summary, exit 0 on success",
    )
    return parser.parse_args(argv)


def _headless() -> bool:
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and (
        sys.platform.startswith("linux")
    )


def make_application():
    """The QApplication with our names (QSettings uses them)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("nnlin_gui")
    app.setApplicationName("nnlin-gui")
    app.setApplicationVersion(__version__)
    return app


def heavy_modules_loaded() -> list[str]:
    """The ``HEAVY_MODULES`` imported so far."""
    return [name for name in HEAVY_MODULES if name in sys.modules]


class _FirstPaint:
    """Prints the seconds to the first paint of the window, then quits; with ``report``,
    waits until the window is complete and prints a JSON line instead."""

    def __init__(self, window, app, report: bool = False) -> None:
        from PySide6.QtCore import QEvent, QObject

        outer = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt override)
                if event.type() == QEvent.Type.Paint and not outer.done:
                    outer.done = True
                    outer.painted()
                return False

        self.done = False
        self.app, self.window, self.report = app, window, report
        self.first_paint = 0.0
        self.heavy: list[str] = []
        self.filter = Filter()
        window.installEventFilter(self.filter)

    def painted(self) -> None:
        from PySide6.QtCore import QTimer

        self.first_paint, self.heavy = process_age(), heavy_modules_loaded()
        if not self.report:
            print(f"{self.first_paint:.3f}", flush=True)
            # Quit after this paint has been flushed, not from inside it.
            QTimer.singleShot(0, self.app.quit)
            return
        self.window.when_ready(lambda: QTimer.singleShot(0, self.finish))

    def finish(self) -> None:
        report = {
            "first_paint": round(self.first_paint, 3),
            "heavy_at_first_paint": self.heavy,
            "complete": round(process_age(), 3),
            "heavy_when_complete": heavy_modules_loaded(),
        }
        print(json.dumps(report), flush=True)
        self.app.quit()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI; returns the process exit status."""
    args = parse_args(argv)
    probing = args.startup_probe or args.startup_report
    if args.self_test is not None or ((args.screenshot or probing) and _headless()):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtCore import QTimer

    app = make_application()
    from nnlin_gui.fileopen import install_file_open_handler

    # macOS sends the file that launched the app as an event, maybe before the window exists.
    opener = install_file_open_handler(app)
    if args.self_test is not None:
        from nnlin_gui.selftest import run_self_test
        from nnlin_gui.ui.jobs import exit_process

        return exit_process(run_self_test(app, args.self_test or None))

    from nnlin_gui.ui.main_window import MainWindow

    settings = None
    if args.screenshot or probing:
        from nnlin_gui.selftest import scratch_settings

        settings = scratch_settings()  # a picture of the default layout, not the user's
    window = MainWindow(settings=settings)
    from nnlin_gui.ui import lab_lock

    lab_lock.install(window)  # hide and lock before the first paint (docs/lab.md)
    if args.screenshot and _headless():
        from nnlin_gui.ui.screen_fit import COMFORTABLE

        window.lay_out_for(COMFORTABLE)
    if probing:
        probe = _FirstPaint(window, app, args.startup_report)  # noqa: F841 (kept until quit)
        window.show()
        rc = app.exec()
        window.close()
        return rc
    window.show()
    source = os.path.abspath(args.data) if args.data else None

    def start() -> None:
        window.open_initial(source)
        # Files opened from the desktop (now or pending) replace the initial data.
        opener.set_callback(window.open_path)

    # After the first paint and the panels: a load started earlier would build them first.
    window.when_ready(start)
    if args.screenshot:
        from nnlin_gui.selftest import take_screenshot

        QTimer.singleShot(0, lambda: take_screenshot(window, args.screenshot, args.train_first))
    rc = app.exec()
    from nnlin_gui.ui.controller import wait_lingering_threads
    from nnlin_gui.ui.jobs import exit_process

    wait_lingering_threads()
    return exit_process(rc)
