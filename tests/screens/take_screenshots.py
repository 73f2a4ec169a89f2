"""Screenshots of the real main window under a real X server, driven through objectNames.

    Xvfb :91 -screen 0 1366x768x24 &
    DISPLAY=:91 QT_QPA_PLATFORM=xcb .venv/bin/python tests/screens/take_screenshots.py

One run per screen size (the window opens as a user's would, then fills the screen): for
the default set, a two-feature set with a ReLU network (XOR) and mtcars, it trains, then
saves the window in the light theme, the dark theme and presentation mode as
``docs/screenshots/window-<W>x<H>-<data>-<mode>.png`` (256 colours: small files).
Not a test (pytest collects nothing here); it needs a display.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
MTCARS = ROOT / "tests" / "data" / "r" / "mtcars.csv"
MODES = ("light", "dark", "presentation")
DATASETS = ("default", "xor", "mtcars", "multinomial")


def settle(app, seconds: float = 0.6) -> None:
    """Let queued events, timers and repaints run for ``seconds``."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def wait(app, condition, timeout: float = 120.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.005)


def child(window, cls, name):
    widget = window.findChild(cls, name)
    if widget is None:
        raise LookupError(f"no {cls.__name__} named {name!r}")
    return widget


def pick(combo, data=None, text=None) -> None:
    """Choose an entry of a combo box as a user would (``activated`` fires)."""
    index = combo.findData(data) if data is not None else combo.findText(text)
    if index < 0:
        raise LookupError(f"{combo.objectName()} has no {data or text!r}")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def set_spin(spin, value) -> None:
    spin.setValue(value)
    spin.editingFinished.emit()


def train(app, window) -> None:
    """Press Train and wait for the run and its read-outs (baseline, results)."""
    from PySide6.QtWidgets import QToolButton

    c = window.controller
    wait(app, lambda: c.trainer is not None and not c.is_loading)
    wait(app, lambda: c.baseline is not None or c.baseline_error is not None)
    child(window, QToolButton, "trainButton").click()
    wait(app, lambda: c.is_training or c.trainer.epoch >= c.config.epochs)
    wait(app, lambda: not c.is_training, 300)
    wait(app, lambda: c.results is not None and c.results.epoch == c.trainer.epoch)
    settle(app, 1.0)


def load(app, window, name: str) -> None:
    from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

    c = window.controller
    if name == "xor":
        pick(child(window, QComboBox, "datasetCombo"), data="xor")
        wait(app, lambda: c.dataset is not None and c.dataset.source.startswith("builtin:xor"))
        child(window, QPushButton, "allReluButton").click()
        set_spin(child(window, QSpinBox, "epochsSpin"), 1000)
    elif name == "multinomial":  # three classes: a softmax network and its three rows
        pick(child(window, QComboBox, "datasetCombo"), data="multinomial")
        wait(app, lambda: c.dataset is not None and c.dataset.task == "multiclass")
        set_spin(child(window, QSpinBox, "epochsSpin"), 500)
    elif name == "mtcars":
        window.open_path(str(MTCARS))  # what a drop or File > Open does
        wait(app, lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"))
        pick(child(window, QComboBox, "targetCombo"), text="mpg")
        wait(app, lambda: c.dataset.target_name == "mpg")
        child(window, QPushButton, "allIdentityButton").click()
        set_spin(child(window, QSpinBox, "epochsSpin"), 3000)
    wait(app, lambda: c.trainer is not None and not c.is_loading)
    settle(app, 0.5)


def set_mode(app, window, mode: str) -> None:
    theme = window.teaching.theme
    theme.set_presentation(mode == "presentation")
    theme.set_theme("dark" if mode == "dark" else "light")
    settle(app, 1.0)


def indexed(image, colours: int):
    """``image`` with the ``colours`` commonest colours of its own (a window has few; Qt's
    default 256-colour table merged the dark theme's greys: fields and boxes vanished)."""
    import numpy as np
    from PySide6.QtGui import QImage

    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    values, counts = np.unique(pixels, return_counts=True)
    # A coarse colour cube too, so rare hues (icons, gradients) keep roughly their colour.
    cube = [
        0xFF000000 | (r << 16) | (g << 8) | b
        for r in (0, 85, 170, 255)
        for g in (0, 85, 170, 255)
        for b in (0, 128, 255)
    ]
    common = [int(v) for v in values[np.argsort(-counts, kind="stable")[: colours - len(cube)]]]
    return image.convertToFormat(QImage.Format.Format_Indexed8, common + cube)


def grab(app, window, path: Path, colours: int = 256) -> None:
    from PySide6.QtGui import QImage

    geo = window.frameGeometry()
    shot = window.screen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height())
    image = shot.toImage().convertToFormat(QImage.Format.Format_RGB32)
    if colours:
        image = indexed(image, colours)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path))
    print(f"{path.name}  {path.stat().st_size // 1024} KB", flush=True)


def docks(app, window, stem: Path) -> None:
    """The last data set in presentation mode with the Diagnostics, then the Lessons dock
    in front (their cards and text scale too)."""
    from PySide6.QtWidgets import QDockWidget, QWidget

    set_mode(app, window, "presentation")
    child(window, QDockWidget, "diagnosticsDock").raise_()
    panel = child(window, QWidget, "diagnosticsPanel")
    wait(app, lambda: panel.result is not None and panel.up_to_date)
    settle(app, 1.0)
    grab(app, window, stem.with_name(f"{stem.name}-diagnostics-presentation.png"))
    child(window, QDockWidget, "lessonsDock").raise_()
    settle(app, 0.5)
    grab(app, window, stem.with_name(f"{stem.name}-lessons-presentation.png"))


def open_window():
    """The application and its window on the default set, laid out for this screen."""
    sys.path.insert(0, str(ROOT))
    from nnlin_gui.app import make_application
    from nnlin_gui.selftest import scratch_settings
    from nnlin_gui.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow(settings=scratch_settings())  # the default layout, not a user's
    window.show()
    window.when_ready(lambda: window.open_initial(None))
    wait(app, lambda: window.controller.trainer is not None)
    # The layout at this screen size: the whole screen (a bare X server has no window
    # manager to maximise it), docks sized for it.
    avail = window.screen().availableGeometry()
    window.lay_out_for(avail.size())
    window.move(avail.topLeft())
    settle(app, 0.5)
    return app, window


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="*", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--prefix", default="window")
    parser.add_argument(
        "--docks",
        action="store_true",
        help="also the Diagnostics and Lessons docks raised, in presentation mode",
    )
    args = parser.parse_args(argv)

    app, window = open_window()
    size = window.screen().size()
    tag = f"{size.width()}x{size.height()}"
    try:
        for name in args.data:
            set_mode(app, window, "light")
            load(app, window, name)
            train(app, window)
            for mode in args.modes:
                set_mode(app, window, mode)
                grab(app, window, args.out / f"{args.prefix}-{tag}-{name}-{mode}.png")
        if args.docks:
            docks(app, window, args.out / f"{args.prefix}-{tag}-{args.data[-1]}")
    finally:
        window.teaching.theme.set_presentation(False)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
