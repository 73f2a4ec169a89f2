"""The window in a classroom: it fits the screen it is on, the wheel scrolls pages, a theme
switch repaints every card, and every read-out follows the state (no stale numbers)."""

from __future__ import annotations

import re
from dataclasses import replace

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from nnlin_gui.ui import screen_fit
from nnlin_gui.workbench.readouts import CANNOT, COLLAPSED, ON_ITS_WAY


def child(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def fake_screen(monkeypatch, rect: QRect) -> None:
    """Pretend the screen's available area is ``rect``."""
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(rect))


def new_window(qtbot, settings):
    from nnlin_gui.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    return win


# -- fitting the screen ----------------------------------------------------------------------


@pytest.mark.parametrize("avail", [QRect(0, 0, 1280, 720), QRect(60, 24, 1366, 740)])
def test_opens_inside_a_small_screen_maximised(qtbot, settings, monkeypatch, avail):
    fake_screen(monkeypatch, avail)
    win = new_window(qtbot, settings)
    assert avail.contains(win.geometry())
    assert win.windowState() & Qt.WindowState.WindowMaximized
    win.finish_startup()  # every panel built: their minimum sizes count too
    limit = QSize(1024, 640)
    assert win.minimumSize().width() <= limit.width()
    assert win.minimumSize().height() <= limit.height()
    hint = win.minimumSizeHint()
    assert hint.width() <= limit.width() and hint.height() <= limit.height(), hint
    win.close()


def test_a_big_screen_gets_the_default_size_and_a_remembered_one_is_pulled_in(
    qtbot, settings, monkeypatch
):
    fake_screen(monkeypatch, QRect(0, 0, 2560, 1400))
    win = new_window(qtbot, settings)
    assert win.size() == screen_fit.COMFORTABLE
    assert not win.windowState() & Qt.WindowState.WindowMaximized
    assert QRect(0, 0, 2560, 1400).contains(win.geometry())
    win.setGeometry(100, 80, 1500, 950)
    win.close()  # saves the geometry
    # The next start is on a projector: the saved window would not fit.
    avail = QRect(0, 0, 1280, 720)
    fake_screen(monkeypatch, avail)
    again = new_window(qtbot, settings)
    assert avail.contains(again.geometry()) or again.isMaximized()
    again.close()


def _fully_visible(widget: QWidget) -> bool:
    region = widget.visibleRegion().boundingRect()
    return widget.isVisible() and region.size() == widget.size()


def test_at_1366x768_the_default_layout_shows_what_a_lesson_needs(
    qtbot, settings, monkeypatch, wait_idle
):
    """Training controls, the network's buttons, the loss and fit plots, and the collapse
    verdict with the first coefficient rows, without scrolling."""
    avail = QRect(0, 0, 1366, 740)  # 768 minus a desktop panel
    fake_screen(monkeypatch, avail)
    win = new_window(qtbot, settings)
    # Offscreen, "maximised" means the platform's 800x600 screen: lay out at the fake one.
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.setGeometry(avail)
    from nnlin_gui.ui import window_layout

    window_layout.apply_default(win)
    win.show()
    win.open_initial(None)
    c = win.controller
    qtbot.waitUntil(lambda: c.trainer is not None and c.baseline is not None, timeout=20000)
    c.set_pace(0)
    c.train()
    wait_idle(c)
    QApplication.processEvents()
    for name in ("seedSpin", "epochsSpin"):
        assert _fully_visible(child(win, QSpinBox, name)), name
    assert _fully_visible(child(win, QComboBox, "speedCombo"))
    for name in ("addLayerButton", "removeLayerButton", "moveLayerDownButton", "allReluButton"):
        assert _fully_visible(child(win, QPushButton, name)), name
    for name in ("lossPlot", "fitPlot"):
        plot = child(win, pg.PlotWidget, name)
        view = plot.viewport()  # the view itself is covered by it
        assert _fully_visible(view) and view.width() >= 200 and view.height() >= 130, name
    headline = child(win, QLabel, "collapseTableHeadline")
    assert _fully_visible(headline)
    assert "collapsed" in plain(headline.text())
    table = child(win, QTableWidget, "collapseTable")
    viewport = win.collapse_dock.widget().viewport()
    shown = QRect(viewport.mapTo(win, QPoint(0, 0)), viewport.size())
    for row in (0, 1):  # const and x1
        cell = table.visualItemRect(table.item(row, 0))
        top_left = table.viewport().mapTo(win, cell.topLeft())
        assert shown.contains(QRect(top_left, cell.size())), row
    assert _fully_visible(child(win, QLabel, "collapseHeadline"))
    win.close()


# -- the wheel in a scrolling page ---------------------------------------------------------------


def _wheel(widget: QWidget, dy: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_wheel_over_a_diagnostics_plot_scrolls_the_page(window, qtbot):
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    QApplication.processEvents()
    plot = child(window, pg.PlotWidget, "plot_linearity")
    bar = window.diagnostics_dock.widget().verticalScrollBar()
    assert bar.maximum() > 0  # a page longer than the dock
    bar.setValue(0)
    before = plot.getPlotItem().getViewBox().viewRange()
    _wheel(plot.viewport(), -120)  # one notch down
    assert bar.value() > 0
    assert plot.getPlotItem().getViewBox().viewRange() == before
    # Ctrl + wheel zooms the plot and leaves the page where it is.
    at = bar.value()
    _wheel(plot.viewport(), -120, Qt.KeyboardModifier.ControlModifier)
    assert bar.value() == at
    assert plot.getPlotItem().getViewBox().viewRange() != before
    # The main plots are not in a scrolling page: the wheel zooms them as before.
    loss = child(window, pg.PlotWidget, "lossPlot")
    vb = loss.getPlotItem().getViewBox()
    start = vb.viewRange()
    _wheel(loss.viewport(), 120)
    assert vb.viewRange() != start


# -- themes ------------------------------------------------------------------------------------


@pytest.fixture
def themed(window):
    yield window
    theme = window.teaching.theme
    theme.set_presentation(False)
    theme.set_theme("system")


def _card_background(card) -> int:
    image = card.grab().toImage()
    return image.pixelColor(image.width() - 6, 6).lightness()


def test_theme_switch_repaints_every_card_and_the_toolbar(themed, qtbot):
    panel = themed.diagnostics_panel
    themed.diagnostics_dock.raise_()
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    theme = themed.teaching.theme
    loss = child(themed, QLabel, "lossLabel")
    for scheme, dark in (("dark", True), ("light", False), ("dark", True), ("light", False)):
        theme.set_theme(scheme)
        QApplication.processEvents()
        for name, card in panel.cards.items():
            background = _card_background(card)
            text = card.meaning.palette().color(QPalette.ColorRole.WindowText).lightness()
            if dark:
                assert background < 90 and text > 150, (scheme, name, background, text)
            else:
                assert background > 200 and text < 100, (scheme, name, background, text)
        colour = loss.palette().color(QPalette.ColorRole.WindowText).lightness()
        assert (colour > 150) if dark else (colour < 100), (scheme, colour)


def test_presentation_mode_scales_the_panels_too(themed):
    theme = themed.teaching.theme
    labels = [
        child(themed, QLabel, "collapseEquation"),
        child(themed, QLabel, "collapseTableHeadline"),
        child(themed, QLabel, "collapseHeadline"),
        child(themed, QLabel, "epochLabel"),
        themed.diagnostics_panel.cards["normality"].meaning,
    ]
    before = [w.font().pointSizeF() for w in labels]
    theme.set_presentation(True)
    after = [w.font().pointSizeF() for w in labels]
    for b, a in zip(before, after, strict=True):
        assert a == pytest.approx(b * 1.3, rel=0.02)
    theme.set_presentation(False)
    assert [w.font().pointSizeF() for w in labels] == pytest.approx(before)


# -- read-outs follow the state ----------------------------------------------------------------


def test_while_training_every_readout_shows_the_running_epoch(window, qtbot, wait_idle):
    c = window.controller
    caption = window.collapse_summary._net_caption
    metrics = child(window, QLabel, "metricsLabel")
    epoch0_metrics = metrics.text()
    assert "epoch 0" in caption.text()
    c.set_pace(100)
    c.set_config(replace(c.config, epochs=2000))
    c.train()
    qtbot.waitUntil(lambda: c.epoch >= 60, timeout=10000)
    qtbot.waitUntil(lambda: "epoch 0)" not in caption.text(), timeout=2000)
    running = int(re.search(r"epoch ([\d,]+)", caption.text()).group(1).replace(",", ""))
    assert running > 0
    assert metrics.text() != epoch0_metrics  # no epoch-0 R² beside a live equation
    head = child(window, QLabel, "collapseHeadline")
    qtbot.waitUntil(lambda: window.headline.verdict in (ON_ITS_WAY, COLLAPSED), timeout=2000)
    assert "largest difference" in head.text()
    c.pause()
    wait_idle(c)
    epoch = f"{c.epoch:,}"
    assert child(window, QLabel, "epochLabel").text() == f"Epoch {epoch}"
    assert f"(epoch {epoch})" in caption.text()
    assert head.text() == c.readout.headline.text


def test_solve_shows_its_loss_and_says_solved(window, qtbot):
    c = window.controller
    c.solve()
    qtbot.waitUntil(lambda: c.solved, timeout=10000)
    assert child(window, QLabel, "epochLabel").text() == "Epoch 0 · solved"
    loss = child(window, QLabel, "lossLabel").text()
    assert loss.startswith("train MSE ") and "untrained" not in loss
    assert float(loss.split()[2]) == pytest.approx(c.results.metrics["train_mse"], rel=1e-3)
    assert window.headline.verdict == COLLAPSED


def test_target_change_renames_the_target_in_the_summary(window, qtbot, tmp_path):
    c = window.controller
    path = tmp_path / "shop.csv"
    path.write_text("price,size,rooms\n" + "".join(f"{3 * i + 1},{i},{i % 3}\n" for i in range(40)))
    window.open_path(str(path))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == str(path), timeout=20000)
    summary = child(window, QLabel, "dataSummary")
    assert "Predicting <b>rooms</b>" in summary.text()
    # A file has no rows/noise/seed: the built-in boxes are out of the way.
    assert not child(window, QSpinBox, "sizeSpin").isVisible()
    c.set_target("price")
    qtbot.waitUntil(lambda: c.dataset.target_name == "price", timeout=10000)
    text = plain(summary.text())
    assert "Predicting price" in text
    assert "target 'rooms'" not in text and "'rooms': target" not in text
    assert "target 'price'" in text


def test_a_reopened_session_shows_its_whole_loss_history(qtbot, window, wait_idle, tmp_path):
    from nnlin_gui.ui.main_window import MainWindow

    c = window.controller
    c.set_config(replace(c.config, epochs=800))
    c.train()
    qtbot.waitUntil(lambda: c.is_training or c.trainer.epoch == 800, timeout=5000)
    wait_idle(c)
    path = str(tmp_path / "long.nnlin")
    assert window.teaching.sessions.save_to(path) and window.teaching.sessions.wait_saved()

    fresh = MainWindow(settings=window.settings)
    qtbot.addWidget(fresh)
    fresh.show()
    fresh.finish_startup()
    assert fresh.teaching.sessions.open(path)
    qtbot.waitUntil(lambda: fresh.controller.epoch == 800, timeout=20000)
    vb = child(fresh, pg.PlotWidget, "lossPlot").getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] >= 790, timeout=5000)
    assert vb.viewRange()[0][0] <= 10
    assert child(fresh, QLabel, "epochLabel").text() == "Epoch 800"
    fresh.close()


def test_headline_names_a_nonlinear_network(window, qtbot):
    from nnlin_gui.core.networks.network import LayerSpec

    c = window.controller
    c.set_layers((LayerSpec("dense", 4, "relu"),))
    qtbot.waitUntil(lambda: c.results is not None and not c.spec.is_linear, timeout=10000)
    qtbot.waitUntil(lambda: window.headline.verdict == CANNOT, timeout=5000)
    assert window.headline.text().startswith("Cannot collapse: layer 1 uses relu")


def test_f1_opens_the_manual(window, qtbot):
    window.activateWindow()
    dialog = window.show_manual()
    text = dialog.findChild(QWidget, "manualText").toPlainText()
    for phrase in ("Collapse", "W", "Homoskedasticity", "Keyboard shortcuts", "F1"):
        assert phrase in text, phrase
    dialog.close()
    assert window.act_manual.shortcut().toString() == "F1"
    view = [a.text() for a in window.view_menu.actions()]
    assert view.count("Training") == 1  # the dock, not also the toolbar
    docks = [d.objectName() for d in window.findChildren(QDockWidget)]
    assert "trainingDock" in docks


def test_new_data_starts_the_pages_at_the_top(window, qtbot):
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    scroll = window.diagnostics_dock.widget()
    assert isinstance(scroll, QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    assert scroll.verticalScrollBar().value() > 0
    c = window.controller
    c.load_builtin("quadratic", {"n": 120, "seed": 0})
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.feature_names == ("x",))
    assert scroll.verticalScrollBar().value() == 0
