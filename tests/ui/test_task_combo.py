"""The task beside the target picker: the default is shown and the user can switch it."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QLabel


def _open(qtbot, controller, path) -> None:
    controller.open_source(str(path))
    qtbot.waitUntil(
        lambda: controller.dataset is not None and controller.dataset.source == str(path),
        timeout=20000,
    )


def _pick(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())


def test_task_combo_shows_the_default_and_switches(window, qtbot, tmp_path, wait_idle):
    c = window.controller
    rng = np.random.default_rng(0)
    rows = "".join(
        f"{float(a)!r},{float(b)!r},{1 + i % 5}\n"
        for i, (a, b) in enumerate(rng.normal(size=(50, 2)))
    )
    path = tmp_path / "likert.csv"
    path.write_text("x1,x2,score\n" + rows)
    _open(qtbot, c, path)
    combo = window.findChild(QComboBox, "taskCombo")
    summary = window.findChild(QLabel, "dataSummary")
    assert combo is not None and combo.isVisible()
    # A 1..5 score is a number by default: the values are fitted as they are.
    assert combo.currentData() == "regression"
    assert c.dataset.task == "regression" and c.dataset.y[:5].tolist() == [1, 2, 3, 4, 5]
    assert c.spec.head == "identity"

    _pick(combo, "classification")
    qtbot.waitUntil(lambda: c.dataset.task == "multiclass", timeout=20000)
    assert c.dataset.class_labels == ("1", "2", "3", "4", "5")
    assert c.dataset.y[:5].tolist() == [0, 1, 2, 3, 4]
    assert c.spec.head == "softmax" and c.spec.n_outputs == 5
    assert combo.currentData() == "classification"
    assert "classification, 5 classes" in summary.text()

    # The choice survives a feature change and goes back on request.
    c.set_features(("x1",))
    qtbot.waitUntil(lambda: c.dataset.feature_names == ("x1",), timeout=20000)
    assert c.dataset.task == "multiclass"
    _pick(combo, "regression")
    qtbot.waitUntil(lambda: c.dataset.task == "regression", timeout=20000)
    assert c.dataset.y[:5].tolist() == [1, 2, 3, 4, 5] and c.spec.head == "identity"


def test_task_combo_defaults_to_classification_for_zero_one(window, qtbot, tmp_path):
    c = window.controller
    rows = "".join(f"{i * 0.1!r},{(i * 7) % 3 == 0:d}\n" for i in range(40))
    path = tmp_path / "flags.csv"
    path.write_text("x,flag\n" + rows)
    _open(qtbot, c, path)
    combo = window.findChild(QComboBox, "taskCombo")
    assert combo.currentData() == "classification" and c.dataset.task == "binary"
    _pick(combo, "regression")
    qtbot.waitUntil(lambda: c.dataset.task == "regression", timeout=20000)
    assert set(c.dataset.y.tolist()) == {0.0, 1.0} and c.spec.head == "identity"
    assert combo.currentData() == "regression"


def test_an_impossible_choice_is_refused_and_the_combo_restored(window, qtbot, tmp_path):
    c = window.controller
    rows = "".join(f"{i},{i * 0.37!r}\n" for i in range(80))
    path = tmp_path / "many.csv"
    path.write_text("x,y\n" + rows)
    _open(qtbot, c, path)
    combo = window.findChild(QComboBox, "taskCombo")
    errors = []
    c.error.connect(errors.append)
    _pick(combo, "classification")
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert "80 different values" in errors[0]
    assert c.dataset.task == "regression" and combo.currentData() == "regression"
