"""The coefficient plot (standardised by default, raw on request, the intercept apart, the
legend outside the plot) and the loss plot's log axis (labels that never overlap)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from nnlin_gui.ui.widgets.log_axis import log_label, log_ticks

MTCARS = Path(__file__).resolve().parents[1] / "data" / "r" / "mtcars.csv"


def _pick(combo: QComboBox, data) -> None:
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())


def test_coefficients_are_standardised_by_default_and_raw_on_request(window, qtbot):
    c = window.controller
    window.open_path(str(MTCARS))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"))
    c.set_target("mpg")
    qtbot.waitUntil(lambda: c.dataset.target_name == "mpg" and c.baseline is not None)
    c.solve()
    qtbot.waitUntil(lambda: c.solved, timeout=20000)
    window.refresh_views(force=True)
    coef = window.plots.coef
    names = list(c.dataset.feature_names)
    # The intercept is not drawn; it is given in words beside the controls.
    intercept = coef.names.index("intercept")
    assert not coef.curves[intercept].isVisible() and not coef.lines[intercept].isVisible()
    note = window.findChild(QLabel, "coefInterceptNote")
    # The sentence where it fits, else the numbers; always whole in its tooltip.
    assert f"{float(np.ravel(c.baseline.b)[0]):.4g}" in note.toolTip()
    assert "not drawn" in note.toolTip()
    # Standardised: coefficient × sd(x) / sd(y) (the training rows' sds).
    rows = c.trainer.train_rows
    sx, sy = c.dataset.X[rows].std(axis=0), c.dataset.y[rows].std()
    j = names.index("wt")
    W = np.ravel(c.baseline.W)
    assert coef.lines[j].value() == pytest.approx(W[j] * sx[j] / sy, rel=1e-9)
    assert coef.curves[j].getData()[1][-1] == pytest.approx(W[j] * sx[j] / sy, rel=1e-6)
    # The label in full, or shortened where the plot is low.
    assert coef.item.getAxis("left").labelText in ("coef × sd(x) / sd(y)", "× sd(x)/sd(y)")
    _pick(window.findChild(QComboBox, "coefScaleCombo"), "raw")
    assert coef.lines[j].value() == pytest.approx(W[j], rel=1e-9)
    assert coef.curves[j].getData()[1][-1] == pytest.approx(W[j], rel=1e-6)
    assert "raw" in coef.item.getAxis("left").labelText
    # The legend: outside the view box, one entry per drawn curve, and it can be hidden.
    legend = coef.legend
    labels = [label.text for _, label in legend.items]
    assert labels == names and "intercept" not in labels
    assert coef.item.layout.itemAt(2, 3) is legend  # right of the axes, not over the curves
    # Once laid out (a result arriving meanwhile lays the plot out again).
    qtbot.waitUntil(lambda: legend.geometry().left() >= coef.item.vb.geometry().right())
    window.findChild(QCheckBox, "coefLegendToggle").setChecked(False)
    assert not legend.isVisible()


def test_log_axis_labels_are_powers_of_ten_thinned_to_the_room():
    labelled, minor = log_ticks(-6.2, 1.3, 3)
    assert [log_label(v) for v in labelled] == ["10⁻⁶", "0.001", "1"]
    labelled, minor = log_ticks(-2.4, -0.2, 6)
    assert [log_label(v) for v in labelled] == ["0.01", "0.1"]
    assert len(minor) == 6 + 8 + 5 and not set(labelled) & set(minor)  # 0.004 .. 0.6
    # Less than a decade in view: 2 and 5 (or every digit) as room allows.
    labelled, _ = log_ticks(-1.9, -1.1, 3)
    assert [log_label(v) for v in labelled] == ["0.02", "0.05"]


def test_loss_plot_labels_do_not_overlap(window, wait_idle):
    c = window.controller
    c.train()
    wait_idle(c)
    window.refresh_views(force=True)
    axis = window.plots.loss.widget.getPlotItem().getAxis("left")
    window.plots.loss.widget.resize(400, 160)
    lo, hi = axis.range
    ticks = axis.tickValues(lo, hi, 120)
    shown = [v for _, values in ticks for v in values if axis.tickStrings([v], 1, 1)[0]]
    height = axis.fontMetrics().height() if hasattr(axis, "fontMetrics") else 14
    pixels = np.sort(np.array(shown) - lo) / (hi - lo) * 120
    assert len(shown) >= 1 and (np.diff(pixels) > height).all()


def test_comparison_plots_show_no_empty_legend_square(window):
    compare = window.collapse_summary.pair_plots
    for plot in (compare.loss, compare.fit):
        assert not plot.getPlotItem().legend.isVisible()  # nothing to name yet
    axis = compare.loss.getPlotItem().getAxis("left")
    assert axis.label.isVisible() and "log" in axis.labelText
