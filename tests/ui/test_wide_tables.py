"""Wide tables: views cap what they draw and say so; nothing makes an item per column.

Counts, never timings: a 20,000-column table must not create 20,000 plot items, widgets or
list items, and every capped view says what it left out.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel, QListView, QTableWidget, QWidget

from nnlin_gui.ui.widgets.capping import cap_note, largest, more_terms
from nnlin_gui.ui.widgets.coef_plot import MAX_CURVES, CoefPlot, coefficient_names
from nnlin_gui.ui.widgets.collapse_equation import equation_html

WIDE = 20_000


def write_csv(path, rows: int, cols: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols))
    y = X[:, :5] @ np.arange(1.0, 6.0) + 0.1 * rng.normal(size=rows)
    header = ",".join([f"x{i + 1}" for i in range(cols)] + ["y"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt="%.5g")
    return str(path)


def plot_items(window) -> int:
    return sum(len(p.getPlotItem().items) for p in window.findChildren(pg.PlotWidget))


def test_largest_keeps_order_and_ignores_nan():
    values = np.array([0.1, -5.0, np.nan, 3.0, 0.2])
    assert largest(values, 5, 2).tolist() == [1, 3]
    assert largest(None, 5, 2).tolist() == [0, 1]
    assert largest(values, 5, 9).tolist() == [0, 1, 2, 3, 4]
    assert cap_note(20, 20_001, "coefficients") == "showing 20 of 20,001 coefficients: the largest"
    assert cap_note(5, 5, "coefficients") == ""
    assert more_terms(19_990) == " + … and 19,990 more terms"


def test_coefficient_plot_draws_the_largest_and_says_so(qtbot):
    plot = CoefPlot()
    qtbot.addWidget(plot.widget)
    names = coefficient_names([f"x{i + 1}" for i in range(WIDE)], 1)
    values = np.zeros(WIDE + 1)
    values[[7, 70, 700]] = [5.0, -9.0, 3.0]
    plot.set_layout(names, True, "", values)
    assert len(plot.curves) == MAX_CURVES and len(plot.lines) == MAX_CURVES
    assert len(plot.item.items) < 3 * MAX_CURVES
    assert plot.cap_text() == f"showing {MAX_CURVES} of {WIDE + 1:,} coefficients: the largest"
    assert plot.cap_text() in plot.item.titleLabel.text  # on screen, not only in an attribute
    assert {7, 70, 700} <= set(plot.picked.tolist())
    # The closed-form values, once known, choose the curves (the coefficients' destination).
    base = np.zeros(WIDE + 1)
    base[[3, 19_999]] = [100.0, -200.0]
    plot.set_baseline(base, "OLS")
    assert {3, 19_999} <= set(plot.picked.tolist())
    assert len(plot.curves) == MAX_CURVES
    legend = [label.text for _, label in plot.legend.items]
    assert "x4" in legend and "x20000" in legend
    # A narrow table draws every coefficient and says nothing.
    plot.set_layout(coefficient_names(["a", "b"], 1), True)
    assert len(plot.curves) == 3 and plot.cap_text() == ""
    assert "showing" not in plot.item.titleLabel.text


def test_equation_truncates_with_the_number_left_out():
    names = [f"x{i + 1}" for i in range(WIDE)]
    text = equation_html(np.ones((1, WIDE)), np.zeros(1), names, "y")
    assert "… and 19,990 more terms" in text
    assert text.count("·") == 10


def test_twenty_thousand_columns_load_without_an_item_per_column(window, qtbot, tmp_path):
    c = window.controller
    path = write_csv(tmp_path / "wide.csv", 30, WIDE)
    window.open_path(path)
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == path, timeout=60000)
    qtbot.waitUntil(
        lambda: c.results is not None and c.results.feature_names == c.dataset.feature_names,
        timeout=60000,
    )
    assert len(c.dataset.feature_names) == WIDE
    window.refresh_views(force=True)
    # Plots: at most MAX_CURVES coefficient curves, and the plot says so.
    coef = window.plots.coef
    assert len(coef.curves) <= MAX_CURVES
    assert plot_items(window) < 400
    assert f"of {WIDE + 1:,} coefficients" in coef.item.titleLabel.text
    # No widget per column anywhere (the window has a few hundred of its own).
    assert len(window.findChildren(QWidget)) < 2000
    # The feature picker is a model: rows, not items or widgets; a filter narrows it.
    features = window.findChild(QListView, "featureList")
    assert features.model().rowCount() == WIDE
    window.data_panel.feature_filter.setText("x1999")
    assert features.model().rowCount() == 11  # x1999 and x19990..x19999
    window.data_panel.feature_filter.setText("")
    # The preview reads the columns it paints, not all 20,001.
    model = window.data_panel.model
    assert model.columnCount() == WIDE + 1 and len(model._values) < 200
    # The equation and the network diagram summarise.
    equation = window.findChild(QLabel, "equationLabel").text()
    assert "more terms" in equation
    assert "20,000 features" in [col.subtitle for col in _diagram_columns(window)]


def _diagram_columns(window):
    diagram = window.plots.diagram
    diagram._layout()
    return diagram._columns


@pytest.mark.parametrize("cols", [120])
def test_collapse_table_shows_the_largest_terms_and_says_so(window, qtbot, tmp_path, cols):
    c = window.controller
    path = write_csv(tmp_path / "wider.csv", 400, cols)
    window.open_path(path)
    qtbot.waitUntil(
        lambda: c.dataset is not None and c.dataset.source == path and c.baseline is not None,
        timeout=60000,
    )
    panel = window.collapse_summary
    qtbot.waitUntil(lambda: panel.comparison is not None, timeout=30000)
    table = window.findChild(QTableWidget, "collapseTable")
    from nnlin_gui.ui.panels.collapse_panel import MAX_TABLE_ROWS

    assert table.rowCount() == MAX_TABLE_ROWS
    assert table.item(0, 0).text() == "const"
    note = window.findChild(QLabel, "collapseTableNote")
    assert f"of {cols + 1:,} terms" in note.text() and not note.isHidden()
    # Copy and export still have every term.
    assert len(panel.comparison.rows) == cols + 1
    assert len(panel.table_text().splitlines()) == cols + 2


def test_a_softmax_legend_names_classes():
    assert coefficient_names(["a"], 2, ("no", "yes")) == [
        "no:a",
        "yes:a",
        "no:intercept",
        "yes:intercept",
    ]
    assert coefficient_names(["a"], 2, ("0", "1"))[:2] == ["class 0:a", "class 1:a"]
    assert coefficient_names(["a"], 3)[:3] == ["out1:a", "out2:a", "out3:a"]  # classes unknown
