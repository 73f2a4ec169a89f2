"""The data side of the classroom window: feature transforms as network inputs (and the
collapse stated in them), the visual dataset picker, and early stopping."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QSpinBox, QToolButton

from nnlin_gui.core.data.builtin import builtin_names
from nnlin_gui.core.statistics.regression import fit_polynomial


def _load(c, qtbot, name: str, **params) -> None:
    c.load_builtin(name, {"seed": 1, **params})
    qtbot.waitUntil(lambda: c.dataset.source.startswith(f"builtin:{name}"), timeout=20000)
    qtbot.waitUntil(lambda: c.trainer is not None and c.baseline is not None, timeout=20000)


def test_playground_transforms_become_network_inputs(window, qtbot):
    c = window.controller
    _load(c, qtbot, "circle", n=200, noise=0.0)
    box = window.findChild(QGroupBox, "featureTransforms")
    assert box is not None and box.isVisible()
    names = ["transform_sq_x1", "transform_sq_x2", "transform_prod", "transform_sin_x1"]
    for name in names:
        box.findChild(QCheckBox, name).setChecked(True)
    expected = ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)")
    qtbot.waitUntil(lambda: c.dataset.feature_names == expected, timeout=10000)
    assert c.spec.n_inputs == 6 and c.trainer.X.shape[1] == 6
    np.testing.assert_allclose(c.dataset.X[:, 2], c.dataset.X[:, 0] ** 2)
    # The collapse is stated in the transformed features.
    qtbot.waitUntil(lambda: c.results.feature_names == expected, timeout=10000)
    window.refresh_views(force=True)
    equation = window.findChild(QLabel, "collapseEquation").text()
    assert "x</i><sub>1</sub>²" in equation or "x1²" in equation
    # The data panel still offers the table's own columns.
    assert window.data_panel.feature_model.checked_names() == ("x1", "x2")
    box.findChild(QCheckBox, "transform_prod").setChecked(False)
    qtbot.waitUntil(lambda: "x1·x2" not in c.dataset.feature_names, timeout=10000)


def test_identity_net_on_x_and_x_squared_is_shown_against_fit_polynomial(window, qtbot):
    c = window.controller
    _load(c, qtbot, "quadratic", n=150, noise=0.5)
    box = window.findChild(QGroupBox, "featureTransforms")
    box.findChild(QCheckBox, "transform_sq_x").setChecked(True)
    qtbot.waitUntil(lambda: c.dataset.feature_names == ("x", "x²"), timeout=10000)
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    c.solve()
    qtbot.waitUntil(lambda: c.solved, timeout=20000)
    check = window.collapse_summary.poly_check
    qtbot.waitUntil(lambda: check.result is not None and check.isVisibleTo(window), timeout=20000)
    rows = c.trainer.train_rows
    poly = fit_polynomial(c.dataset.X[rows, :1], c.dataset.y[rows], 2, ["x"])
    np.testing.assert_allclose(check.result.params, poly.params)
    W, b = c.results.collapse.coefficients()
    np.testing.assert_allclose([b[0], *W[0]], poly.params, rtol=1e-7, atol=1e-9)
    text = check.text()
    assert "fit_polynomial" in text and "x²" in text and f"{poly.bse[2]:.5g}" in text


def test_transforms_on_many_columns_offer_squares_products_and_sines(window, qtbot):
    c = window.controller
    box = window.findChild(QGroupBox, "featureTransforms")
    assert c.dataset.feature_names == ("x1", "x2", "x3")
    box.findChild(QCheckBox, "transform_prod_x1").setChecked(True)
    box.findChild(QCheckBox, "transform_prod_x3").setChecked(True)
    box.findChild(QCheckBox, "transform_sin_x2").setChecked(True)
    qtbot.waitUntil(
        lambda: c.dataset.feature_names == ("x1", "x2", "x3", "x1·x3", "sin(x2)"), timeout=10000
    )
    # Dropping a column drops its transforms; the table's columns stay choosable.
    c.set_features(("x2", "x3"))
    qtbot.waitUntil(lambda: c.dataset.feature_names == ("x2", "x3", "sin(x2)"), timeout=10000)


def test_gallery_shows_every_builtin_and_picks_one(window, qtbot):
    c = window.controller
    window.findChild(QToolButton, "datasetGalleryButton").click()
    gallery = window.data_panel.gallery
    assert gallery is not None and gallery.isVisible()
    combo = window.findChild(QComboBox, "datasetCombo")
    assert gallery.view.count() == combo.count() == len(builtin_names())
    image = gallery.images["spiral"]
    assert image.width() == image.height() == 72
    colours = {image.pixelColor(x, y).name() for x in range(72) for y in range(72)}
    assert len(colours) > 10  # points of two classes on the background
    assert not combo.itemIcon(combo.findData("spiral")).isNull()
    item = next(
        gallery.view.item(i)
        for i in range(gallery.view.count())
        if "Spiral" in gallery.view.item(i).text()
    )
    gallery.view.itemClicked.emit(item)
    assert not gallery.isVisible()
    qtbot.waitUntil(lambda: c.dataset.source.startswith("builtin:spiral"), timeout=20000)
    assert combo.currentData() == "spiral"


def test_patience_turns_early_stopping_on(window, qtbot, wait_idle):
    c = window.controller
    spin = window.findChild(QSpinBox, "patienceSpin")
    assert spin.value() == 0 and spin.specialValueText() == "off"
    spin.setValue(5)
    spin.editingFinished.emit()
    assert c.config.patience == 5 and c.trainer.config.patience == 5
    window.findChild(QSpinBox, "epochsSpin").setValue(100_000)
    window.findChild(QSpinBox, "epochsSpin").editingFinished.emit()
    c.train()
    wait_idle(c)
    assert c.last_result.early_stopped and c.trainer.epoch < 100_000
    assert "early stopping" in window.statusBar().currentMessage() or c.last_result.message
