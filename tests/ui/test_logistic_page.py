"""The logistic diagnostics page through the real window: a binary target shows it with its
five parts filled; back on a regression target the OLS cards return."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QTableWidget, QWidget

from nnlin_gui.core.statistics.diagnostics import ASSUMPTIONS
from nnlin_gui.ui.widgets.wheel_guard import WheelGuard

MTCARS = Path(__file__).resolve().parents[1] / "data" / "r" / "mtcars.csv"


def _open_mtcars(window, qtbot, target: str, features: tuple[str, ...] = ()) -> None:
    c = window.controller
    c.open_source(str(MTCARS))
    qtbot.waitUntil(
        lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"), timeout=20000
    )
    c.set_target(target)
    qtbot.waitUntil(
        lambda: c.dataset.target_name == target and c.trainer is not None, timeout=20000
    )
    if features:
        c.set_features(features)
        qtbot.waitUntil(lambda: c.dataset.feature_names == features, timeout=20000)


def _page_done(panel):
    page = panel.logistic_page
    return page.isVisible() and page.up_to_date and page.data is not None


def test_binary_target_shows_the_logistic_page_then_ols_cards_return(window, qtbot):
    c = window.controller
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    # With every other column the classes of am are separable: the page says so.
    _open_mtcars(window, qtbot, "am")
    assert c.dataset.task == "binary"
    headline = window.findChild(QLabel, "logisticHeadline")
    qtbot.waitUntil(lambda: "separable" in headline.text(), timeout=30000)
    assert not window.findChild(QWidget, "rocBox").isVisible()
    # am ~ wt + hp, the model of tests/core/test_logistic_diagnostics.py
    c.set_features(("wt", "hp"))
    qtbot.waitUntil(lambda: c.dataset.feature_names == ("wt", "hp"), timeout=20000)
    qtbot.waitUntil(lambda: _page_done(panel), timeout=30000)

    page = window.findChild(QWidget, "logisticPage")
    assert page is panel.logistic_page and page.isVisible()
    for name in ASSUMPTIONS:  # the OLS cards make way
        assert not window.findChild(QWidget, f"card_{name}").isVisible()
    assert not window.findChild(QWidget, "residualSourceCombo").isVisible()

    features = c.dataset.feature_names
    rows = len(c.trainer.train_rows)
    headline = window.findChild(QLabel, "logisticHeadline").text()
    assert "Logistic regression of <b>am</b>" in headline and f"{rows:,} training rows" in headline

    # ROC: the curve ends at (1, 1), the AUC is in the title and is the fit's.
    diag = page.data.diagnostics
    assert diag.fit.nobs == rows and diag.fit.names[1:] == tuple(features)
    roc = window.findChild(pg.PlotWidget, "rocPlot")
    for name in ("rocPlot", "calibrationPlot", "influencePlot"):  # the page keeps the wheel
        assert window.findChild(pg.PlotWidget, name).findChild(WheelGuard) is not None
    assert f"AUC = {diag.roc.auc:.3f}" in roc.getPlotItem().titleLabel.text
    curves = [i for i in roc.getPlotItem().listDataItems() if len(i.xData) > 2]
    assert curves and curves[0].xData[-1] == 1.0 and curves[0].yData[-1] == 1.0

    # Calibration: one dot per bin.
    cal = window.findChild(pg.PlotWidget, "calibrationPlot")
    dots = [i for i in cal.getPlotItem().items if isinstance(i, pg.ScatterPlotItem)]
    assert dots and len(dots[0].data) == len(diag.binned.count)
    calibration = window.findChild(QLabel, "calibrationLabel").text()
    assert "bins" in calibration
    out, expected = diag.binned.outside, max(1, round(0.05 * len(diag.binned.count)))
    assert ("no more than chance allows" in calibration) == (out <= expected)
    assert "specificity (0s recognised)" in window.findChild(QLabel, "confusionLabel").text()

    # Confusion matrix: the counts add up to the training rows.
    table = window.findChild(QTableWidget, "confusionTable")
    cells = table.texts()
    assert len(cells) == 2
    counts = [int(text.split(" ")[0].replace(",", "")) for row in cells for text in row[1:]]
    assert sum(counts) == rows
    assert tuple(counts) == diag.confusion

    # Hosmer-Lemeshow: statistic, df, p and a verdict in words; the groups listed.
    hl = window.findChild(QLabel, "hosmerLemeshowLabel").text()
    assert "χ²" in hl and "df = 8" in hl and "p " in hl and "evidence" in hl
    groups = window.findChild(QTableWidget, "hosmerLemeshowTable")
    assert groups.rowCount() == len(diag.hosmer_lemeshow.count)
    assert sum(int(r[1]) for r in groups.texts()) == rows

    # Influence: every row plotted, the flagged ones listed by their row number.
    infl = window.findChild(pg.PlotWidget, "influencePlot")
    plotted = sum(len(i.xData) for i in infl.getPlotItem().listDataItems())
    assert plotted == rows
    flagged = window.findChild(QTableWidget, "flaggedRowsTable")
    assert flagged.rowCount() == len(diag.influence.flagged)
    if flagged.rowCount():
        first = int(flagged.texts()[0][0].replace(",", "")) - 1
        i = int(diag.influence.flagged[0])
        assert first == int(c.trainer.train_rows[i])
        assert float(flagged.texts()[0][4]) == float(f"{diag.influence.cooks_distance[i]:.3g}")

    # Back to a regression target: the cards and the source switch return, the page goes.
    c.set_target("mpg")
    qtbot.waitUntil(
        lambda: (
            panel.result is not None
            and panel.result.ols.feature_names == tuple(c.dataset.feature_names)
            and panel.up_to_date
        ),
        timeout=30000,
    )
    assert not page.isVisible()
    assert window.findChild(QWidget, "residualSourceCombo").isVisible()
    for name in ASSUMPTIONS:
        assert window.findChild(QWidget, f"card_{name}").isVisible()
        assert window.findChild(QLabel, f"light_{name}").property("verdict") in (
            "ok",
            "warning",
            "violated",
        )


def test_multiclass_target_says_so_in_one_line(window, qtbot):
    c = window.controller
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    _open_mtcars(window, qtbot, "gear")
    c.set_task("classification")
    qtbot.waitUntil(lambda: c.dataset.task == "multiclass", timeout=20000)
    qtbot.waitUntil(lambda: _page_done(panel) and page_note(panel), timeout=30000)
    text = window.findChild(QLabel, "logisticHeadline").text()
    assert "3 classes" in text and "two-class" in text
    assert not window.findChild(QWidget, "rocBox").isVisible()


def page_note(panel) -> bool:
    return panel.logistic_page.data.diagnostics is None


def test_plots_follow_the_theme(window, qtbot):
    """Drawn again on a palette change: the ROC curve is lighter on the dark theme."""
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    _open_mtcars(window, qtbot, "am", ("wt", "hp"))
    qtbot.waitUntil(lambda: _page_done(panel), timeout=30000)
    roc = window.findChild(pg.PlotWidget, "rocPlot")

    def curve_lightness() -> int:
        items = [i for i in roc.getPlotItem().listDataItems() if len(i.xData) > 2]
        return pg.mkPen(items[0].opts["pen"]).color().lightness()

    light = curve_lightness()
    window.theme_manager.set_theme("dark")
    qtbot.waitUntil(lambda: curve_lightness() > light, timeout=5000)
    bg = roc.backgroundBrush().color()
    assert bg.lightness() < 100
    window.theme_manager.set_theme("light")
    qtbot.waitUntil(lambda: curve_lightness() == light, timeout=5000)
    assert np.isfinite(light)


def test_leaving_the_logistic_page_keeps_the_notes_folded(window, qtbot):
    """The p-value legend folds behind Notes: a binary target and back does not unfold it;
    with Notes down it returns, and the logistic page never shows it."""
    c = window.controller
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    legend = window.findChild(QLabel, "pValueLegend")
    button = window.findChild(QWidget, "diagnosticsNotesButton")
    page = panel.logistic_page

    def cards_done() -> bool:
        res = panel.result
        return (
            res is not None
            and res.ols.feature_names == tuple(c.dataset.feature_names)
            and panel.up_to_date
            and not page.isVisible()
        )

    _open_mtcars(window, qtbot, "mpg", ("wt", "hp"))
    qtbot.waitUntil(cards_done, timeout=30000)
    assert not legend.isVisible() and not button.isChecked()
    for notes_down in (False, True):
        c.set_target("am")  # separable on mpg, hp, wt: the page says so in its headline
        qtbot.waitUntil(lambda: page.isVisible() and page.up_to_date, timeout=30000)
        assert not legend.isVisible() and not button.isVisible()
        assert not window.findChild(QWidget, "diagnosticsNotes").isVisible()
        c.set_target("mpg")
        # At once, while the cards' report is still running, and after it is drawn.
        qtbot.waitUntil(lambda: not page.isVisible(), timeout=30000)
        assert button.isVisible() and legend.isVisible() == notes_down
        qtbot.waitUntil(cards_done, timeout=30000)
        assert legend.isVisible() == notes_down
        if not notes_down:
            button.click()  # Notes down: the legend shows, and survives the next round trip
            assert legend.isVisible()
