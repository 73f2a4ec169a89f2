"""Screenshots of the classroom features under a real X server, driven through objectNames.

    Xvfb :97 -screen 0 1366x768x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb .venv/bin/python tests/screens/playground_screens.py

Saves ``docs/screenshots/playground-*.png``: the circle, xor and spiral maps with a trained
ReLU network (the window, and the diagram and map close up), the coefficient plot on
mtcars, the transforms on circle (an identity network on x1², x2²) and drawn points.
Not a test (pytest collects nothing here); it needs a display.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
MTCARS = ROOT / "tests" / "data" / "r" / "mtcars.csv"
SHOTS = ("maps", "coef", "transforms", "drawn", "gallery")

# The same small drivers as the window screenshots (this folder is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from take_screenshots import child, pick, set_spin, settle, wait  # noqa: E402


def ready(app, window) -> None:
    c = window.controller
    wait(app, lambda: c.trainer is not None and not c.is_loading)
    wait(app, lambda: c.baseline is not None or c.baseline_error is not None)


def train(app, window) -> None:
    from PySide6.QtWidgets import QToolButton

    c = window.controller
    ready(app, window)
    child(window, QToolButton, "trainButton").click()
    wait(app, lambda: c.is_training or c.trainer.epoch >= c.config.epochs)
    wait(app, lambda: not c.is_training, 300)
    wait(app, lambda: c.results is not None and c.results.epoch == c.trainer.epoch)
    settle(app, 1.0)


def builtin(app, window, name: str) -> None:
    from PySide6.QtWidgets import QComboBox

    c = window.controller
    pick(child(window, QComboBox, "datasetCombo"), data=name)
    wait(app, lambda: c.dataset is not None and c.dataset.source.startswith(f"builtin:{name}"))
    ready(app, window)


def grab_window(app, window, path: Path) -> None:
    from PySide6.QtGui import QImage

    settle(app, 0.5)
    geo = window.frameGeometry()
    shot = window.screen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height())
    save(shot.toImage().convertToFormat(QImage.Format.Format_RGB32), path)


def grab_widget(app, widget, path: Path) -> None:
    settle(app, 0.5)
    save(widget.grab().toImage(), path)


def grab_top(app, window, path: Path) -> None:
    """The diagram and the map close up: the plots' splitter moved down for a moment."""
    outer = window.plots.splitters[2]
    sizes = outer.sizes()
    outer.setSizes([int(sum(sizes) * 0.75), int(sum(sizes) * 0.25)])
    grab_widget(app, window.plots.splitters[0], path)
    outer.setSizes(sizes)
    settle(app, 0.3)


def save(image, path: Path) -> None:
    # Full colour: a 256-colour palette tinted the map's washed colours and its colour bar.
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path))
    print(f"{path.name}  {path.stat().st_size // 1024} KB", flush=True)


def maps(app, window, out: Path) -> None:
    from PySide6.QtWidgets import QPushButton, QSpinBox

    for name in ("circle", "xor", "spiral"):
        builtin(app, window, name)
        child(window, QPushButton, "allReluButton").click()
        if name == "spiral":  # a spiral needs more units than the default 4-4
            layers = window.controller.layers
            window.controller.set_layers([replace(lay, width=8) for lay in layers])
        set_spin(child(window, QSpinBox, "epochsSpin"), 2000 if name == "spiral" else 600)
        train(app, window)
        if name == "circle":
            grab_window(app, window, out / "playground-map-circle-window.png")
        if name == "spiral":
            hover_unit(app, window, out / "playground-hover-unit.png")
        grab_top(app, window, out / f"playground-map-{name}.png")


def hover_unit(app, window, path: Path) -> None:
    """Move the mouse over a unit of the first hidden layer: its map, large."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor, QImage

    diagram = window.plots.diagram
    _, pt = diagram._columns[1].units[1]
    QCursor.setPos(diagram.mapToGlobal(QPoint(int(pt.x()), int(pt.y()))))
    settle(app, 1.0)
    popup = diagram._popup
    if popup is None or not popup.isVisible():
        raise RuntimeError("hovering a unit showed no map")
    top = diagram.mapToGlobal(QPoint(0, 0))
    bottom = popup.frameGeometry().bottomRight()
    shot = window.screen().grabWindow(
        0, top.x(), top.y(), max(bottom.x(), top.x() + diagram.width()) - top.x() + 4,
        max(bottom.y(), top.y() + diagram.height()) - top.y() + 4,
    )  # fmt: skip
    save(shot.toImage().convertToFormat(QImage.Format.Format_RGB32), path)
    QCursor.setPos(window.mapToGlobal(QPoint(5, 5)))
    settle(app, 0.3)


def coef(app, window, out: Path) -> None:
    from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

    c = window.controller
    window.open_path(str(MTCARS))
    wait(app, lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"))
    pick(child(window, QComboBox, "targetCombo"), text="mpg")
    wait(app, lambda: c.dataset.target_name == "mpg")
    child(window, QPushButton, "allIdentityButton").click()
    set_spin(child(window, QSpinBox, "epochsSpin"), 3000)
    train(app, window)
    grab_window(app, window, out / "playground-coef-mtcars-window.png")
    grab_widget(app, window.plots.splitters[1], out / "playground-coef-mtcars.png")
    pick(child(window, QComboBox, "coefScaleCombo"), data="raw")
    grab_widget(app, window.plots.splitters[1], out / "playground-coef-mtcars-raw.png")
    pick(child(window, QComboBox, "coefScaleCombo"), data="standardised")


def transforms(app, window, out: Path) -> None:
    from PySide6.QtWidgets import QCheckBox, QPushButton, QSpinBox

    c = window.controller
    builtin(app, window, "circle")
    child(window, QPushButton, "allIdentityButton").click()
    box = child(window, QCheckBox, "transform_sq_x1").parent()
    child(box, QCheckBox, "transform_sq_x1").setChecked(True)
    child(box, QCheckBox, "transform_sq_x2").setChecked(True)
    wait(app, lambda: "x1²" in c.dataset.feature_names and "x2²" in c.dataset.feature_names)
    set_spin(child(window, QSpinBox, "epochsSpin"), 600)
    train(app, window)
    grab_window(app, window, out / "playground-transforms-circle-window.png")
    grab_top(app, window, out / "playground-transforms-circle.png")
    window.collapse_dock.raise_()
    grab_widget(app, window.collapse_summary, out / "playground-transforms-collapse.png")
    child(box, QCheckBox, "transform_sq_x1").setChecked(False)
    child(box, QCheckBox, "transform_sq_x2").setChecked(False)
    wait(app, lambda: c.dataset.feature_names == ("x1", "x2"))


def drawn(app, window, out: Path) -> None:
    import numpy as np
    from PySide6.QtWidgets import QPushButton, QSpinBox, QToolButton

    c = window.controller
    builtin(app, window, "gauss")
    child(window, QPushButton, "allReluButton").click()
    child(window, QToolButton, "drawPoints").setChecked(True)
    box = window.plots.map_box
    box.tool.clear()
    rng = np.random.default_rng(4)
    # A smile: class 1 eyes and mouth on a class 0 face.
    smile = [(-2, 2), (2, 2)] + [(t, -2 - 0.15 * (4 - t * t)) for t in np.linspace(-3, 3, 9)]
    for _ in range(3):
        for x, y in smile:
            box.draw_class.setCurrentIndex(1)
            box.tool.add(x + rng.normal(0, 0.3), y + rng.normal(0, 0.3))
    for a in np.linspace(0, 2 * np.pi, 36, endpoint=False):
        box.draw_class.setCurrentIndex(0)
        box.tool.add(5 * np.cos(a) + rng.normal(0, 0.2), 5 * np.sin(a) + rng.normal(0, 0.2))
    wait(app, lambda: c.table is not None and c.table.source == "drawn points")
    wait(app, lambda: c.dataset.n_rows == len(box.tool.points.y))
    set_spin(child(window, QSpinBox, "epochsSpin"), 800)
    train(app, window)
    grab_window(app, window, out / "playground-drawn-window.png")
    grab_top(app, window, out / "playground-drawn.png")
    child(window, QToolButton, "drawPoints").setChecked(False)


def gallery(app, window, out: Path) -> None:
    from PySide6.QtWidgets import QToolButton

    child(window, QToolButton, "datasetGalleryButton").click()
    settle(app, 1.0)
    popup = window.data_panel.gallery
    grab_widget(app, popup, out / "playground-gallery.png")
    popup.hide()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shots", nargs="*", default=list(SHOTS), choices=SHOTS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from nnlin_gui.app import make_application
    from nnlin_gui.selftest import scratch_settings
    from nnlin_gui.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow(settings=scratch_settings())
    window.show()
    window.when_ready(lambda: window.open_initial(None))
    wait(app, lambda: window.controller.trainer is not None)
    window.showMaximized()
    window.controller.set_pace(0)
    shots = {"maps": maps, "coef": coef, "transforms": transforms, "drawn": drawn}
    shots["gallery"] = gallery
    try:
        for name in args.shots:
            shots[name](app, window, args.out)
    finally:
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
