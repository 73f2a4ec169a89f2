"""The collapse panel through the real window: table, headline, nonlinear networks,
copy/export, the polynomial and linear-vs-nonlinear comparisons."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QTableWidget, QWidget

from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.ui.widgets.collapse_equation import bias_parts, equation_html, var

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("\u2212", "-")


def child(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def table_column(table: QTableWidget, j: int) -> list[str]:
    return [table.item(i, j).text() for i in range(table.rowCount())]


def test_trained_linear_network_collapses_to_ols(window, qtbot, wait_idle, tmp_path):
    c = window.controller
    panel = child(window, QWidget, "collapsePanel")
    assert panel is window.collapse_summary
    c.set_pace(0)
    c.train()
    assert not child(window, QPushButton, "compareButton").isEnabled()
    wait_idle(c)
    assert child(window, QPushButton, "compareButton").isEnabled()
    table = child(window, QTableWidget, "collapseTable")
    assert table_column(table, 0) == ["const", "x1", "x2", "x3"]
    diffs = [abs(float(v)) for v in table_column(table, 3)]
    assert max(diffs) < 1e-3
    assert panel.comparison.max_abs_diff == pytest.approx(c.results.max_diff, rel=1e-9)
    head = plain(child(window, QLabel, "collapseHeadline").text())
    assert "collapsed to linear regression" in head
    # The network's column is the collapse; the OLS column the closed-form fit, with
    # standard errors and a CI that holds the estimate.
    base = c.baseline.result
    assert [float(v) for v in table_column(table, 2)] == pytest.approx(base.params, rel=1e-4)
    assert [float(v) for v in table_column(table, 4)] == pytest.approx(base.bse, rel=1e-2)
    assert table.horizontalHeaderItem(2).text() == "OLS"
    # The equation with subscripts and the real numbers; the chain with its shapes.
    eq = child(window, QLabel, "collapseEquation").text()
    assert "<sub>1</sub>" in eq and "<sub>z</sub>" in eq
    assert f"{c.results.collapse.b[0]:.4g}" in eq
    chain = plain(child(window, QLabel, "collapseChain").text())
    assert "Wz = W3 W2 W1" in chain.replace("\u2009", "")
    assert "(1×4) · (4×4) · (4×3) = (1×3)" in chain
    # b_z assembled from the layers' biases: the parts add up to the collapsed bias.
    parts = bias_parts(c.trainer.network.layers, c.trainer.scaling)
    assert parts.total == pytest.approx(c.results.collapse.b[0], abs=1e-9)
    assert "undoing the standardisation" in child(window, QLabel, "collapseBias").text()

    # Copy and export.
    child(window, QPushButton, "copyTableButton").click()
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0].split("\t")[:3] == ["term", "network", "ols"]
    out = tmp_path / "collapse.csv"
    assert panel.export_csv(str(out))
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][0] == "term" and len(rows) == 5
    assert max(abs(float(r[3])) for r in rows[1:]) < 1e-3
    assert not panel.export_csv(str(tmp_path / "no" / "such" / "dir.csv"))
    assert "Could not write" in child(window, QLabel, "errorLabel").text()

    # A polynomial of chosen degree, one click away (off the GUI thread).
    child(window, QSpinBox, "polyDegreeSpin").setValue(2)
    child(window, QPushButton, "polyButton").click()
    result = child(window, QLabel, "polyResult")
    qtbot.waitUntil(lambda: "R² =" in result.text(), timeout=20000)
    assert "degree 2" in result.text() and "<sup>2</sup>" in result.text()


def test_relu_layer_cannot_collapse(window, qtbot, wait_idle):
    c = window.controller
    c.set_layers((LayerSpec("dense", 4, "identity"), LayerSpec("dense", 4, "relu")))
    qtbot.waitUntil(lambda: c.results is not None and not c.results.collapse.collapsible)
    qtbot.waitUntil(lambda: c.results.approximation is not None and c.baseline is not None)
    head = plain(child(window, QLabel, "collapseHeadline").text())
    assert "cannot collapse: layer 2 uses relu" in head.lower()
    r2 = float(re.search(r"R² = ([0-9.]+)", head).group(1))
    assert 0.0 <= r2 <= 1.0 and r2 == pytest.approx(c.results.approximation.r2, abs=1e-3)
    # The panel redraws a turn after the status bar's headline (its views come first).
    table = child(window, QTableWidget, "collapseTable")
    qtbot.waitUntil(lambda: table.horizontalHeaderItem(1).text() == "best affine")
    spread = plain(child(window, QLabel, "collapseSpread").text())
    assert "Jacobian" in spread and "%" in spread
    assert "relu" in child(window, QLabel, "collapseChain").text()


def test_linear_vs_nonlinear_overlay(window, qtbot):
    c = window.controller
    c.load_builtin("quadratic", {"n": 120, "seed": 0})
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.feature_names == ("x",))
    panel = child(window, QWidget, "collapsePanel")
    epochs = c.config.epochs
    combo = child(window, QComboBox, "compareActivationCombo")
    combo.setCurrentText("tanh")
    child(window, QPushButton, "compareButton").click()
    qtbot.waitUntil(lambda: panel.pair is not None, timeout=60000)
    pair = panel.pair
    assert pair.linear.activation == "identity" and pair.nonlinear.activation == "tanh"
    assert len(pair.linear.epochs) == epochs == len(pair.nonlinear.epochs)
    # A curve needs the nonlinearity: tanh fits the parabola better than any line.
    assert pair.nonlinear.final_loss < pair.linear.final_loss
    assert pair.nonlinear.r2 > pair.linear.r2
    status = child(window, QLabel, "compareStatus").text()
    assert "identity" in status and "tanh" in status
    loss = window.findChild(QWidget, "compareLossPlot")
    assert len(loss.getPlotItem().listDataItems()) == 2
    fit = window.findChild(QWidget, "compareFitPlot")
    assert len(fit.getPlotItem().listDataItems()) == 3  # data, identity, tanh

    if os.environ.get("NNLIN_SCREENSHOTS"):
        c.train()
        qtbot.waitUntil(lambda: not c.is_training, timeout=30000)
        child(window, QSpinBox, "polyDegreeSpin").setValue(2)
        child(window, QPushButton, "polyButton").click()
        qtbot.waitUntil(lambda: "R² =" in child(window, QLabel, "polyResult").text())
        SHOTS.mkdir(parents=True, exist_ok=True)
        panel.setParent(None)
        panel.setFixedSize(1600, 1000)
        panel.show()
        qtbot.wait(300)
        panel.grab().save(str(SHOTS / "collapse_panel.png"))
        panel.close()


def test_equation_formatting():
    assert var("x1") == "<i>x</i><sub>1</sub>"
    assert var("price") == "<i>price</i>"
    raw = equation_html(np.array([[2.0, -1e-7]]), np.array([1.5]), ["x1", "x2"], "y")
    assert (
        "= 1.5 + 2·<i>x</i><sub>1</sub> \u2212 1×10<sup>\u22127</sup>·<i>x</i><sub>2</sub>" in raw
    )


def test_ridge_with_l2_and_logistic_for_a_binary_target(window, qtbot, wait_idle):
    from dataclasses import replace

    c = window.controller
    table = child(window, QTableWidget, "collapseTable")
    # Ridge is L2 on a single weight matrix: no hidden layer (deeper: see weight decay).
    c.set_layers(())
    c.set_config(replace(c.config, l2=0.1))
    qtbot.waitUntil(lambda: c.baseline is not None and c.baseline.kind == "ridge", timeout=20000)
    qtbot.waitUntil(lambda: table.horizontalHeaderItem(2).text() == "ridge", timeout=5000)
    assert set(table_column(table, 4)) == {"—"}  # ridge has no standard errors
    c.solve()
    assert "collapsed to ridge regression" in child(window, QLabel, "collapseHeadline").text()

    c.set_config(replace(c.config, l2=0.0))
    c.load_builtin("logistic", {"n": 200, "seed": 0})
    qtbot.waitUntil(lambda: c.baseline is not None and c.baseline.kind == "logistic", timeout=20000)
    qtbot.waitUntil(lambda: table.horizontalHeaderItem(2).text() == "logistic", timeout=5000)
    assert table_column(table, 0)[0] == "const"
    with pytest.raises(ValueError):
        c.run_background("not-a-panel-job", lambda progress, cancel: None)


def test_weight_decay_is_named_solved_and_stays(window, qtbot, wait_idle):
    """L2 on a hidden layer: the panel names the weight-decay point (not ridge), Solve puts
    the weights there, and training from there keeps the collapse on it."""
    from dataclasses import replace

    c = window.controller
    table = child(window, QTableWidget, "collapseTable")
    note = child(window, QLabel, "collapseBaselineNote")
    c.set_layers((LayerSpec("dense", 8),))
    cfg = replace(c.config, optimizer="sgd", learning_rate=0.05, batch_size=0, l2=0.02)
    c.set_config(replace(cfg, epochs=500))
    qtbot.waitUntil(
        lambda: c.baseline is not None and c.baseline.kind == "weight_decay", timeout=20000
    )
    qtbot.waitUntil(lambda: table.horizontalHeaderItem(2).text() == "weight decay", timeout=5000)
    text = plain(note.text())
    assert "Weight decay on 2 weight matrices = penalty 2λ‖W_z‖ (λ = 0.02)" in text
    assert "a point on the ridge path" in text and "not ridge" in text
    panel = child(window, QWidget, "collapsePanel")
    assert panel._base_caption.text() == "<b>Weight decay</b>"
    c.solve()
    head = plain(child(window, QLabel, "collapseHeadline").text())
    assert "collapsed to the weight-decay fit: the ridge path at μ = " in head
    assert "not ridge" in head
    solved = c.results.max_diff
    assert solved < 1e-12
    c.train()
    wait_idle(c)
    assert c.results.max_diff < 1e-9
    assert "collapsed to the weight-decay fit" in child(window, QLabel, "collapseHeadline").text()
