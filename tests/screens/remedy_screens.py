"""Screenshots of diagnostics cards before and after a remedy, under a real X server.

    Xvfb :93 -screen 0 1366x768x24 &
    DISPLAY=:93 QT_QPA_PLATFORM=xcb .venv/bin/python tests/screens/remedy_screens.py

Drives the real window through objectNames at 1366x768: the built-in heteroskedastic set
with FGLS on the homoskedasticity card, and the built-in outliers set with the influential
rows dropped on the influence card. Saves each card as it is on screen,
``docs/screenshots/remedy-<card>-before.png`` and ``-after.png``.
Not a test (pytest collects nothing here); it needs a display.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from take_screenshots import child, open_window, pick, settle, wait  # noqa: E402


def ready(app, window) -> None:
    c = window.controller
    wait(app, lambda: c.trainer is not None and not c.is_loading)
    wait(app, lambda: c.baseline is not None or c.baseline_error is not None)


def diagnostics(app, window, features: tuple[str, ...]):
    from PySide6.QtWidgets import QDockWidget, QWidget

    child(window, QDockWidget, "diagnosticsDock").raise_()
    panel = child(window, QWidget, "diagnosticsPanel")
    c = window.controller
    wait(
        app,
        lambda: (
            panel.result is not None
            and panel.result.ols.feature_names == features
            and panel.result.ols.n == len(c.trainer.train_rows)
            and panel.up_to_date
        ),
    )
    settle(app, 1.0)
    return panel


def save(app, widget, path: Path) -> None:
    settle(app, 0.6)
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    print(f"{path.name}  {widget.width()}x{widget.height()}", flush=True)


def remedy(app, panel, card_name: str, remedy_key: str, stem: str) -> None:
    from PySide6.QtWidgets import QPushButton

    card = panel.cards[card_name]
    card.remedy_box.set_remedy(remedy_key)
    save(app, card, OUT / f"remedy-{stem}-before.png")
    card.findChild(QPushButton, "remedyButton").click()
    wait(app, lambda: card.remedy_box.outcome is not None)
    save(app, card, OUT / f"remedy-{stem}-after.png")


def main() -> int:
    from PySide6.QtWidgets import QComboBox

    app, window = open_window()
    c = window.controller
    try:
        pick(child(window, QComboBox, "datasetCombo"), data="heteroskedastic")
        wait(app, lambda: c.dataset is not None and c.dataset.source.startswith("builtin:het"))
        ready(app, window)
        panel = diagnostics(app, window, tuple(c.dataset.feature_names))
        remedy(app, panel, "homoskedasticity", "fgls", "homoskedasticity")

        pick(child(window, QComboBox, "datasetCombo"), data="outliers")
        wait(app, lambda: c.dataset is not None and c.dataset.source.startswith("builtin:out"))
        ready(app, window)
        panel = diagnostics(app, window, tuple(c.dataset.feature_names))
        remedy(app, panel, "influence", "drop_influential", "influence")
    finally:
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
