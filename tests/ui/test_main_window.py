"""The real window, driven through its controls: drop a CSV, pick the target, build a
network, train, pause, step, reset, solve, and check the numbers shown."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QListView,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
)

REQUIRED_NAMES = {
    QToolButton: ["trainButton", "stepButton", "resetButton", "solveButton"],
    QListWidget: ["layerList"],
    QListView: ["featureList"],
    QComboBox: ["datasetCombo", "targetCombo", "learningRateCombo", "optimizerCombo"],
    QTableView: ["dataTable"],
}


def drop_file(widget, path) -> None:
    """A synthetic drag-enter and drop carrying a file URL, as a file manager sends."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = widget.rect().center()
    enter = QDragEnterEvent(
        centre,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(
        QPointF(centre),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)


def numbers(text: str) -> list[float]:
    """The numbers in a rich-text label (− is the minus sign)."""
    plain = re.sub(r"<[^>]+>", "", text).replace("−", "-")
    return [float(v) for v in re.findall(r"-?\s?\d+\.?\d*(?:e[-+]?\d+)?", plain.replace("- ", "-"))]


def child(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def test_opens_ready_with_named_controls(window):
    c = window.controller
    assert c.dataset.source.startswith("builtin:linear")
    assert len(c.layers) == 2 and c.spec.is_linear
    for cls, names in REQUIRED_NAMES.items():
        for name in names:
            child(window, cls, name)
    import pyqtgraph as pg

    for name in ("lossPlot", "fitPlot", "coefPlot"):
        assert isinstance(window.findChild(pg.PlotWidget, name), pg.PlotWidget)
    for name in ("collapseDock", "diagnosticsDock", "dataDock", "networkDock", "trainingDock"):
        assert window.findChild(type(window.collapse_dock), name) is not None
    assert child(window, QToolButton, "trainButton").text() == "Train"
    assert len(window.windowIcon().availableSizes()) >= 1
    # The preview is a model/view table holding every row, not a widget per cell.
    table = child(window, QTableView, "dataTable")
    assert table.model().rowCount() == c.dataset.n_rows


def test_drop_csv_pick_target_build_train_pause_step_reset_solve(
    window, qtbot, tmp_path, wait_idle
):
    c = window.controller
    rng = np.random.default_rng(5)
    n = 120
    a, b, extra = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    out = 3.0 - 2.0 * a + 0.5 * b + 0.1 * rng.normal(size=n)
    path = tmp_path / "measurements.csv"
    lines = ["a,b,out,extra"] + [f"{a[i]},{b[i]},{out[i]},{extra[i]}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")

    # Drop onto a child widget: the drop reaches the window wherever it lands.
    drop_file(window.plots.diagram, path)
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == str(path), timeout=20000)
    assert c.dataset.target_name == "extra"  # the last column until the user picks one

    target = child(window, QComboBox, "targetCombo")
    target.setCurrentIndex(target.findText("out"))
    target.activated.emit(target.currentIndex())
    assert c.dataset.target_name == "out"
    assert set(c.dataset.feature_names) == {"a", "b", "extra"}
    features = child(window, QListView, "featureList").model()
    index = features.index(features.row_of("extra"))
    features.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert c.dataset.feature_names == ("a", "b")
    assert "(target)" in window.data_panel.model.headerData(2, Qt.Orientation.Horizontal)

    # Build: three identity layers, the middle one 6 wide.
    layers = child(window, QListWidget, "layerList")
    layers.setCurrentRow(0)
    qtbot.mouseClick(child(window, QPushButton, "addLayerButton"), Qt.MouseButton.LeftButton)
    assert len(c.layers) == 3 and layers.count() == 3
    layers.setCurrentRow(1)
    width = child(window, QSpinBox, "layerWidthSpin")
    width.setValue(6)
    width.editingFinished.emit()
    assert c.layers[1].width == 6
    assert c.spec.parameter_count() == 2 * 4 + 4 + 4 * 6 + 6 + 6 * 4 + 4 + 4 + 1
    assert "75 parameters" in child(window, QLabel, "paramCountLabel").text()
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)

    # Train to the end (full batch Adam, 300 epochs): the collapse equals OLS.
    train = child(window, QToolButton, "trainButton")
    qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    assert train.text() == "Pause"
    wait_idle(c)
    assert train.text() == "Train"
    assert c.epoch == 300
    assert c.results.max_diff < 1e-3
    shown = numbers(child(window, QLabel, "maxDiffLabel").text())[-1]
    assert shown == pytest.approx(c.results.max_diff, rel=1e-2)
    assert "collapsed to linear regression" in child(window, QLabel, "verdictLabel").text()
    rows = c.trainer.train_rows
    design = np.column_stack([np.ones(len(rows)), a[rows], b[rows]])
    ols = np.linalg.lstsq(design, out[rows], rcond=None)[0]
    eq = numbers(child(window, QLabel, "equationLabel").text())
    assert eq == pytest.approx([ols[1], ols[2], ols[0]], rel=2e-3)
    assert window.plots.loss.train.getData()[0].size == 300

    # Pause: a slow run stops when asked, part-way.
    c.set_pace(40)
    settings_epochs = child(window, QSpinBox, "epochsSpin")
    settings_epochs.setValue(100000)
    settings_epochs.editingFinished.emit()
    qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.epoch >= 302, timeout=10000)
    progress = window.findChild(QProgressBar, "trainProgress")
    assert progress.isVisibleTo(window) and 0 <= progress.value() < 1000
    qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    wait_idle(c, 2000)
    assert c.last_result.stopped and c.epoch < 100000
    paused_at = c.epoch

    # Step: exactly one epoch.
    qtbot.mouseClick(child(window, QToolButton, "stepButton"), Qt.MouseButton.LeftButton)
    wait_idle(c)
    assert c.epoch == paused_at + 1
    assert f"{paused_at + 1:,}" in child(window, QLabel, "epochLabel").text()

    # Reset: back to epoch 0, empty curves.
    qtbot.mouseClick(child(window, QToolButton, "resetButton"), Qt.MouseButton.LeftButton)
    assert c.epoch == 0 and len(c.curves) == 0
    assert c.results.max_diff > 1e-2

    # Solve analytically: exact, no gradient descent.
    qtbot.mouseClick(child(window, QToolButton, "solveButton"), Qt.MouseButton.LeftButton)
    assert c.results.max_diff < 1e-9
    assert numbers(child(window, QLabel, "equationLabel").text()) == pytest.approx(
        [ols[1], ols[2], ols[0]], rel=1e-3
    )


def test_bad_file_shows_error_and_keeps_data(window, qtbot, tmp_path):
    c = window.controller
    before = c.dataset
    bad = tmp_path / "words.csv"
    bad.write_text("name,city\nann,paris\nbob,rome\n")
    drop_file(window, bad)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=20000)
    message = child(window, QLabel, "errorLabel").text()
    assert "words.csv" in message and "\n" not in message
    assert c.dataset is before
    assert np.array_equal(c.dataset.X, before.X)
    assert c.trainer is not None and not c.is_loading


def test_close_during_training_exits_cleanly(qtbot, settings):
    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    c = win.controller
    win.open_initial(None)
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    c.set_pace(0)
    c.set_config(c.config.__class__(**{**c.config.__dict__, "epochs": 10_000_000}))
    c.train()
    qtbot.waitUntil(lambda: c.epoch > 5, timeout=10000)
    assert c.is_training
    t0 = time.perf_counter()
    win.close()
    assert time.perf_counter() - t0 < 1.5
    assert c._train_thread is None and not c.is_training


def test_space_toggles_training(window, qtbot, wait_idle):
    c = window.controller
    c.set_pace(20)
    window.activateWindow()
    window.plots.diagram.setFocus()
    qtbot.keyClick(window.plots.diagram, Qt.Key.Key_Space)
    assert c.is_training
    qtbot.keyClick(window.plots.diagram, Qt.Key.Key_Space)
    wait_idle(c, 2000)
    assert c.last_result.stopped


def test_settings_persist_between_windows(qtbot, settings, tmp_path):
    from nnlin_gui.ui.main_window import MainWindow

    csv = tmp_path / "two.csv"
    csv.write_text("u,v\n1,2\n2,4.1\n3,5.9\n4,8.2\n5,9.9\n")
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.open_path(str(csv))
    qtbot.waitUntil(lambda: win.controller.dataset is not None, timeout=20000)
    win.resize(780, 560)  # inside the offscreen screen (800 x 600)
    size = (win.width(), win.height())
    win.network_dock.hide()
    win.close()
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    assert again.recent_files() == [str(csv)]
    assert (again.width(), again.height()) == size
    assert again.network_dock.isHidden()
    again.reset_layout()
    assert not again.network_dock.isHidden()
    again.close()


def test_later_panels_fill_the_reserved_docks(window):
    from PySide6.QtWidgets import QDockWidget

    panel = QLabel("diagnostics", objectName="diagnosticsPanel")
    window.set_panel("diagnosticsDock", panel)
    dock = window.findChild(QDockWidget, "diagnosticsDock")
    assert dock.widget().widget() is panel
    assert window.findChild(QLabel, "diagnosticsPanel") is panel
    with pytest.raises(KeyError):
        window.set_panel("noSuchDock", QLabel())
    # Replacing the collapse read-out keeps the window working.
    old = window.set_panel("collapseDock", QLabel("collapse panel", objectName="collapsePanel"))
    assert old is window.collapse_summary and old.isHidden()
    window.controller.step()
    window.refresh_views(force=True)


PLACEHOLDERS = ("plotsPlaceholder", "collapsePlaceholder", "diagnosticsPlaceholder")


def test_panels_are_built_right_after_the_first_paint(qtbot, settings):
    from PySide6.QtWidgets import QDockWidget, QWidget

    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    assert win.findChild(QWidget, "plotsArea") is None  # not needed for the first paint
    assert all(win.findChild(QLabel, name) for name in PLACEHOLDERS)
    with qtbot.waitSignal(win.startup_finished, timeout=10000):
        win.show()
    for name in ("plotsArea", "collapsePanel", "diagnosticsPanel", "lessonsPanel"):
        assert win.findChild(QWidget, name) is not None, name
    lessons = win.findChild(QDockWidget, "lessonsDock")
    assert lessons.widget().widget() is win.teaching.lessons
    qtbot.waitUntil(lambda: not any(win.findChild(QLabel, n) for n in PLACEHOLDERS))
    view = [a.text() for a in win.view_menu.actions()]
    assert "Lessons" in view and "Theme" in view
    win.close()


def test_a_load_or_a_panel_asked_for_builds_the_rest_at_once(qtbot, settings):
    """Never shown (no paint): the data still reaches panels that exist before it does."""
    from PySide6.QtWidgets import QWidget

    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.open_initial(None)
    assert win.findChild(QWidget, "plotsArea") is not None
    c = win.controller
    qtbot.waitUntil(lambda: c.trainer is not None and c.baseline is not None, timeout=20000)
    assert win.plots.fit.widget.objectName() == "fitPlot"
    other = MainWindow(settings=settings)
    qtbot.addWidget(other)
    assert other.teaching.lessons.objectName() == "lessonsPanel"
    win.close()
    other.close()
