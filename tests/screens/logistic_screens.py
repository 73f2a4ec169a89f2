"""Screenshots of the logistic diagnostics page, under a real X server.

    Xvfb :97 -screen 0 1366x768x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb .venv/bin/python tests/screens/logistic_screens.py

Drives the real window through objectNames at the screen's size: mtcars from a file, target
``am`` (a 0/1 column: a classification), features wt and hp (with every column the classes
are separable), the Diagnostics tab raised. Saves the diagnostics panel whole (the part the
dock scrolls to as well), as it is laid out at the dock's width, in the light and dark
themes: ``docs/screenshots/logistic-diagnostics-<mode>.png`` (256 colours).
Not a test (pytest collects nothing here); it needs a display.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
MTCARS = ROOT / "tests" / "data" / "r" / "mtcars.csv"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from take_screenshots import child, indexed, open_window, pick, set_mode, settle, wait  # noqa: E402


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QComboBox, QDockWidget, QWidget

    app, window = open_window()
    c = window.controller
    try:
        set_mode(app, window, "light")
        window.open_path(str(MTCARS))
        wait(app, lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"))
        pick(child(window, QComboBox, "targetCombo"), text="am")
        wait(app, lambda: c.dataset.target_name == "am")
        c.set_features(("wt", "hp"))  # what unticking the other features does
        wait(app, lambda: c.dataset.feature_names == ("wt", "hp") and c.trainer is not None)
        child(window, QDockWidget, "diagnosticsDock").raise_()
        panel = child(window, QWidget, "diagnosticsPanel")
        page = child(window, QWidget, "logisticPage")
        wait(app, lambda: page.isVisible() and page.up_to_date and page.data is not None)
        settle(app, 1.0)
        for mode in ("light", "dark"):
            set_mode(app, window, mode)
            settle(app, 1.0)
            path = OUT / f"logistic-diagnostics-{mode}.png"
            image = panel.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
            indexed(image, 256).save(str(path))  # 256 colours, as the window screenshots
            print(f"{path.name}  {panel.width()}x{panel.height()}", flush=True)
    finally:
        set_mode(app, window, "light")
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
