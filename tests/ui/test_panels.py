"""Panels through their controls: the builder, the fit view modes, the diagram's weight
editing, built-in datasets and cancelling a load."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QSpinBox, QToolButton


def child(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def click(qtbot, window, name, cls=QPushButton):
    qtbot.mouseClick(child(window, cls, name), Qt.MouseButton.LeftButton)


def test_builder_adds_removes_reorders_and_switches(window, qtbot):
    c = window.controller
    layers = child(window, QListWidget, "layerList")
    layers.setCurrentRow(1)
    kind = child(window, QComboBox, "layerKindCombo")
    kind.setCurrentIndex(kind.findData("residual"))
    kind.activated.emit(kind.currentIndex())
    assert c.layers[1].kind == "residual"
    assert "Residual" in layers.item(1).text()
    click(qtbot, window, "addLayerButton")
    layers.setCurrentRow(2)
    kind.setCurrentIndex(kind.findData("conv1d"))
    kind.activated.emit(kind.currentIndex())
    assert [lay.kind for lay in c.layers] == ["dense", "residual", "conv1d"]
    # Width is bounded to 1..512 by the control.
    width = child(window, QSpinBox, "layerWidthSpin")
    width.setValue(10_000)
    assert width.value() == 512
    width.setValue(0)
    assert width.value() == 1
    layers.setCurrentRow(2)
    click(qtbot, window, "moveLayerUpButton")
    assert [lay.kind for lay in c.layers] == ["dense", "conv1d", "residual"]
    assert layers.currentRow() == 1
    click(qtbot, window, "removeLayerButton")
    assert [lay.kind for lay in c.layers] == ["dense", "residual"]
    # Residual and conv layers are affine: the network still collapses exactly.
    assert c.spec.is_linear and c.results.collapse.collapsible
    count = c.spec.parameter_count()
    assert f"{count:,} parameters" in child(window, QLabel, "paramCountLabel").text()

    click(qtbot, window, "allReluButton")
    assert all(lay.activation == "relu" for lay in c.layers)
    assert not c.results.collapse.collapsible
    assert "relu" in child(window, QLabel, "verdictLabel").text().lower()
    # A ReLU net has no single collapse: the coefficient plot turns into its linear regions.
    coef = window.plots.coef
    title = coef.widget.getPlotItem().titleLabel
    qtbot.waitUntil(
        lambda: "regions" in coef.note.textItem.toPlainText() + " " + title.text, timeout=20000
    )
    click(qtbot, window, "solveButton", QToolButton)
    assert "Cannot solve analytically" in child(window, QLabel, "errorLabel").text()
    click(qtbot, window, "allIdentityButton")
    assert c.spec.is_linear and c.results.collapse.collapsible


def test_fit_view_follows_the_number_of_features(window, qtbot, wait_idle):
    c = window.controller
    fit = window.plots.fit
    assert c.dataset.X.shape[1] > 2 and fit.mode == "scatter"
    c.load_builtin("sine", {"n": 80, "noise": 0.1, "seed": 1})
    qtbot.waitUntil(lambda: c.dataset.source.startswith("builtin:sine"), timeout=20000)
    qtbot.waitUntil(lambda: fit.mode == "curve", timeout=5000)  # the plots: a turn later
    c.train()
    wait_idle(c)
    window.refresh_views()
    x, y = fit.net.getData()
    assert len(x) == len(c.fit_probe.X) and np.isfinite(y).all()
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    xo, yo = fit.ols.getData()
    slope = float(np.ravel(c.baseline.W)[0])
    assert np.allclose(np.diff(yo) / np.diff(xo), slope)

    path = window.settings.fileName() + ".two.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] - X[:, 1]
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="p,q,r", comments="")
    window.open_path(path)
    qtbot.waitUntil(lambda: c.dataset.source == path, timeout=20000)
    qtbot.waitUntil(lambda: fit.mode == "heatmap", timeout=5000)
    window.refresh_views()
    image = fit.image.image
    assert image is not None and image.shape == (60, 60)


def test_clicking_an_edge_edits_its_weight(window, qtbot, monkeypatch):
    c = window.controller
    diagram = window.plots.diagram
    window.resize(1400, 900)
    diagram.repaint()
    edge = diagram._edges[0]
    mid = QPointF((edge.a.x() + edge.b.x()) / 2, (edge.a.y() + edge.b.y()) / 2)
    assert diagram.edge_at(mid) is not None
    hit = diagram.edge_at(mid)
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (0.125, True)))
    qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton, pos=mid.toPoint())
    assert c.trainer.network.layers[hit.layer].W[hit.i, hit.j] == 0.125
    assert c.diagram_net.layers[hit.layer].W[hit.i, hit.j] == 0.125
    # The collapse follows the edited weight.
    net = c.trainer.network
    assert np.allclose(
        c.results.collapse.W_std.ravel(),
        net.forward(np.eye(net.spec.n_inputs)).ravel()
        - net.forward(np.zeros((1, net.spec.n_inputs))).ravel(),
    )


def test_builtin_parameters_reload_the_data(window, qtbot):
    c = window.controller
    size = child(window, QSpinBox, "sizeSpin")
    size.setValue(123)
    qtbot.waitUntil(lambda: c.dataset.n_rows == 123, timeout=20000)
    assert "n=123" in c.dataset.source
    assert child(window, QComboBox, "datasetCombo").currentData() == "linear"


def test_cancelled_load_keeps_the_data(window, qtbot, tmp_path):
    c = window.controller
    before = c.dataset
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "".join(f"{i},{2 * i}\n" for i in range(2000)))
    window.open_path(str(path))
    assert child(window, QPushButton, "cancelLoadButton").isVisibleTo(window)
    click(qtbot, window, "cancelLoadButton")
    qtbot.wait(300)
    assert c.dataset is before and not c.is_loading
    assert not child(window, QPushButton, "cancelLoadButton").isVisibleTo(window)


def test_loss_plot_uses_reused_downsampled_items(window, wait_idle):
    c = window.controller
    loss = window.plots.loss
    item = loss.train
    c.train()
    wait_idle(c)
    window.refresh_views()
    assert loss.train is item  # the same item, updated by setData
    assert item.opts["autoDownsample"] and item.opts["clipToView"]
    assert window.findChild(pg.PlotWidget, "lossPlot").getPlotItem().ctrl.logYCheck.isChecked()
    assert len(item.getData()[0]) == c.epoch


def test_diagram_thumbnails_show_each_units_output(window, qtbot):
    from nnlin_gui.ui.widgets import neuron_thumbnails as thumbs

    c = window.controller
    c.load_builtin("xor", {"n": 100, "noise": 0.0, "seed": 0})
    qtbot.waitUntil(lambda: c.dataset.source.startswith("builtin:xor"), timeout=20000)
    k, outputs = window.plots.diagram._thumbnails()
    assert k == 2
    grid = thumbs.coarse_grid(c.fit_probe.X, 2)
    assert len(grid) == thumbs.GRID_2D**2
    # One array per diagram column; the last is the network's raw output on the grid.
    assert len(outputs) == len(c.trainer.network.layers) + 1
    expected = c.trainer.network.forward(c.trainer.scaling.transform_x(grid))
    assert np.allclose(outputs[-1], expected)
    image = thumbs.heat_image(outputs[1][:, 0])
    assert (image.width(), image.height()) == (thumbs.GRID_2D, thumbs.GRID_2D)
    # Three features: no thumbnails, plain units.
    c.load_builtin("linear")
    qtbot.waitUntil(lambda: c.dataset.source.startswith("builtin:linear"), timeout=20000)
    assert window.plots.diagram._thumbnails() is None


def test_divergence_is_reported_and_weights_stay_finite(window, wait_idle):
    from dataclasses import replace

    c = window.controller
    c.set_config(replace(c.config, optimizer="sgd", learning_rate=10.0, epochs=200))
    c.train()
    wait_idle(c)
    assert c.last_result.diverged
    assert "diverged" in child(window, QLabel, "errorLabel").text()
    assert window.banner.isVisibleTo(window)
    assert np.isfinite(c.trainer.network.theta).all()
    assert np.isfinite(c.diagram_net.theta).all()


def test_no_hidden_layers_is_plain_linear_regression(window, qtbot):
    c = window.controller
    layers = child(window, QListWidget, "layerList")
    while c.layers:
        layers.setCurrentRow(0)
        click(qtbot, window, "removeLayerButton")
    assert c.spec.layers == () and layers.count() == 0
    assert not child(window, QPushButton, "removeLayerButton").isEnabled()
    # Solve waits for the closed-form fit of the rebuilt model, then applies it.
    click(qtbot, window, "solveButton", QToolButton)
    qtbot.waitUntil(
        lambda: c.results.max_diff is not None and c.results.max_diff < 1e-9, timeout=20000
    )
    click(qtbot, window, "addLayerButton")
    assert len(c.layers) == 1


def test_about_lists_versions():
    from nnlin_gui.ui.about import about_html, versions

    info = versions()
    assert info["Qt"].count(".") == 2 and info["Python"].startswith("3.")
    assert info["nnlin_gui"] in about_html()


def test_multiclass_compares_with_multinomial_regression(window, qtbot, tmp_path):
    """A softmax network's baseline is multinomial logistic regression, stated relative to
    the first class; Solve sets the network onto it (before: "no closed-form comparison")."""
    from PySide6.QtWidgets import QTableWidget

    c = window.controller
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    path = tmp_path / "three.csv"
    path.write_text("a,b,cls\n" + "".join(f"{a},{b},{k}\n" for (a, b), k in zip(X, y, strict=True)))
    window.open_path(str(path))
    qtbot.waitUntil(lambda: c.dataset.source == str(path), timeout=20000)
    assert c.dataset.task == "regression"  # class codes are numbers until the user says
    c.set_task("classification")
    qtbot.waitUntil(lambda: c.dataset.task == "multiclass", timeout=20000)
    assert c.spec.head == "softmax" and c.spec.n_outputs == 3
    assert "collapses to logits = W" in child(window, QLabel, "paramCountLabel").text()
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    assert c.baseline.kind == "multinomial" and c.baseline_error is None
    assert "log P(cls=1)/P(cls=0)" in child(window, QLabel, "baselineLabel").text()
    click(qtbot, window, "solveButton", QToolButton)
    qtbot.waitUntil(
        lambda: c.results.max_diff is not None and c.results.max_diff < 1e-9, timeout=20000
    )
    assert "Largest difference from multinomial" in child(window, QLabel, "maxDiffLabel").text()
    for name in ("equationLabel", "baselineLabel"):  # classes, not outputs, named
        text = child(window, QLabel, name).text()
        assert "log P(cls=1)/P(cls=0)" in text and "output" not in text
        assert "(+ 1 more class" in text  # ", each vs 0" too where the line has room
    # The panel's own equation too: the log-odds of class 1 against 0, not "predicted cls".
    rich = window.findChild(QLabel, "collapseEquation").text()
    assert "log P(cls=1)/P(cls=0)" in rich and "predicted" not in rich
    assert "+ 1 more class, each vs 0" in rich
    headline = child(window, QLabel, "collapseTableHeadline").text()
    assert "collapsed to multinomial logistic regression (relative to class 0)" in headline
    table = child(window, QTableWidget, "collapseTable")
    terms = [table.item(i, 0).text() for i in range(table.rowCount())]
    assert terms == [f"{t} [{k} vs 0]" for k in "12" for t in ("const", "a", "b")]


def test_hovering_an_edge_shows_its_weight(window, qtbot):
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    diagram = window.plots.diagram
    diagram.repaint()
    edge = diagram._edges[len(diagram._edges) // 2]
    mid = QPointF((edge.a.x() + edge.b.x()) / 2, (edge.a.y() + edge.b.y()) / 2)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        mid,
        QPointF(diagram.mapToGlobal(QPoint(int(mid.x()), int(mid.y())))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(diagram, move)
    assert diagram._hover is not None
    text = QToolTip.text()
    assert f"{diagram._hover.w:.4g}" in text and "click to type" in text


def test_menus_offer_builtins_and_recent_files(window, qtbot, tmp_path):
    c = window.controller
    file_menu = window.menuBar().actions()[0].menu()
    builtins = next(a.menu() for a in file_menu.actions() if a.text() == "&Built-in datasets")
    sine = next(a for a in builtins.actions() if a.text() == "Sine wave")
    sine.trigger()
    qtbot.waitUntil(lambda: c.dataset.source.startswith("builtin:sine"), timeout=20000)
    path = tmp_path / "r.csv"
    path.write_text("p,q\n1,2\n2,3\n3,5\n4,4\n5,6\n")
    window.open_path(str(path))
    qtbot.waitUntil(lambda: c.dataset.source == str(path), timeout=20000)
    window._fill_recent()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert any("r.csv" in t for t in texts) and "Clear list" in texts


def test_space_trains_from_a_number_field_and_types_in_a_text_field(window, qtbot, wait_idle):
    from PySide6.QtWidgets import QLineEdit

    c = window.controller
    c.set_pace(20)
    window.activateWindow()
    # A number field has no use for a space: Space is Train/Pause there too.
    for field in (
        child(window, QComboBox, "learningRateCombo").lineEdit(),
        child(window, QSpinBox, "epochsSpin"),
    ):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Space)
        assert c.is_training
        qtbot.keyClick(field, Qt.Key.Key_Space)
        wait_idle(c, 5000)
    assert child(window, QComboBox, "learningRateCombo").currentText() == "0.03"
    # The column filter is free text (names have spaces): there Space types.
    window.data_panel.feature_filter.show()
    text = child(window, QLineEdit, "featureFilter")
    text.setFocus()
    qtbot.keyClicks(text, "a b")
    assert not c.is_training
    assert text.text() == "a b"
