"""The linear regions in the window: outlines on the two-feature map, the clicked region's
exact equation, breakpoints on the one-feature curve, and the regions over the epochs."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QLabel

from nnlin_gui.core.networks.network import LayerSpec

RELU = (
    LayerSpec(kind="dense", width=8, activation="relu"),
    LayerSpec(kind="dense", width=8, activation="relu"),
)


def _load(c, qtbot, name: str, **params) -> None:
    c.load_builtin(name, {"n": 200, "noise": 0.0, "seed": 1, **params})
    qtbot.waitUntil(lambda: c.dataset.source.startswith(f"builtin:{name}"), timeout=20000)
    qtbot.waitUntil(lambda: c.trainer is not None and c.spec is not None, timeout=20000)


def _relu(c, qtbot, layers=RELU) -> None:
    c.set_layers(layers)
    qtbot.waitUntil(lambda: c.spec is not None and not c.spec.is_linear, timeout=20000)


def test_outlines_and_a_clicked_region_on_two_features(window, qtbot, wait_idle):
    c = window.controller
    _load(c, qtbot, "circle")
    _relu(c, qtbot)
    c.step()
    wait_idle(c)
    overlay = window.plots.regions
    toggle = window.findChild(QCheckBox, "showRegions")
    assert toggle.isChecked()
    qtbot.waitUntil(
        lambda: overlay.view is not None and overlay.view.epoch == c.trainer.epoch, timeout=20000
    )
    n = len(overlay.view.partition)
    assert n > 1 and len(overlay.outlines) == n
    assert all(item.isVisible() for item in overlay.outlines)
    # A click: the region's W, b reproduce the network's raw output there.
    box = window.collapse_summary.regions
    point = np.array([0.3, -0.2])
    overlay.click_at(point)
    qtbot.waitUntil(lambda: box.clicked is not None, timeout=20000)
    reg = box.clicked
    assert reg.exact
    sc, net = c.trainer.scaling, c.trainer.network
    raw = net.forward(sc.transform_x(point[None, :]))[0, 0]
    np.testing.assert_allclose(reg.W[0] @ point + reg.b[0], raw, atol=1e-9)
    text = window.findChild(QLabel, "regionEquation").text()
    # A classifier: linear in its log-odds, not a regression of the label.
    assert "In this region the network is the affine map <i>logit P(label=1)</i> =" in text
    assert "(exact)" in text
    # The refusal sentence counts the regions.
    qtbot.waitUntil(lambda: box.n_regions is not None, timeout=20000)
    sentence = window.findChild(QLabel, "regionSentence").text()
    assert "A ReLU network is many linear logit models" in sentence
    assert window.findChild(object, "slopeHistogram") is not None
    # Off: no outlines.
    toggle.setChecked(False)
    assert overlay.outlines == []


def test_breakpoints_on_one_feature(window, qtbot, wait_idle):
    c = window.controller
    _load(c, qtbot, "sine", noise=0.1)
    _relu(c, qtbot)
    c.step()
    wait_idle(c)
    overlay = window.plots.regions
    qtbot.waitUntil(
        lambda: overlay.view is not None and overlay.view.epoch == c.trainer.epoch, timeout=20000
    )
    bps = overlay.view.partition.breakpoints
    assert len(bps) >= 1
    x, y = overlay.breaks.getData()
    np.testing.assert_allclose(x, bps)
    # The dots sit on the network's curve.
    sc, net = c.trainer.scaling, c.trainer.network
    fx = net.forward(sc.transform_x(x[:, None]))[:, 0] * sc.y_scale[0] + sc.y_mean[0]
    np.testing.assert_allclose(y, fx, atol=1e-6)


def test_region_count_plot_after_training(window, qtbot, wait_idle):
    c = window.controller
    _load(c, qtbot, "xor")
    _relu(c, qtbot)
    c.train()
    qtbot.wait(300)
    c.pause()
    wait_idle(c)
    overlay = window.plots.regions
    qtbot.waitUntil(lambda: len(overlay.counts) >= 1, timeout=20000)
    x, y = overlay.count_curve.getData()
    assert len(x) >= 1 and np.all(y >= 1)
    assert "Linear regions" in overlay.coef.item.titleLabel.text
