"""The diagnostics cards show the raw and the Holm-adjusted p-value, both labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QWidget

from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.ui.widgets.diagnostic_card import HEADERS, DiagnosticCard

CARS = Path(__file__).resolve().parents[1] / "data" / "r" / "cars.csv"


@pytest.fixture(scope="module")
def cars_report():
    table = np.genfromtxt(CARS, delimiter=",", names=True)
    return diagnose_ols(table["speed"].astype(float), table["dist"].astype(float), ["speed"])


def test_card_shows_raw_and_holm_p_labelled(qtbot, cars_report):
    card = DiagnosticCard("homoskedasticity")
    qtbot.addWidget(card)
    card.show_reports([("ols", cars_report)])
    column = card.findChild(QWidget, "tests_homoskedasticity")
    table = column.table()
    assert table[0] == ["test", "statistic", "p (raw)", "p (Holm)", "verdict"] == list(HEADERS)
    rows = {row[0]: row for row in table[1:]}
    # Goldfeld-Quandt on cars: raw p 0.000794 (R's gqtest), Holm p 14 x that = 0.0111
    gq = rows["Goldfeld-Quandt"]
    assert gq[2] == "7.94e-04" and gq[3] == "0.0111" and gq[4] == "warning"
    t = cars_report.assumption("homoskedasticity").test("Breusch-Pagan (Koenker)")
    bp = rows["Breusch-Pagan (Koenker)"]
    assert bp[2] == f"{t.p_value:.3g}" == "0.073"  # not the Holm p (0.584) any more
    assert bp[3] == f"{t.p_adjusted:.3g}" == "0.584"


def test_p_headers_explain_themselves(qtbot, cars_report):
    card = DiagnosticCard("normality")
    qtbot.addWidget(card)
    card.show_reports([("ols", cars_report)])
    labels = {lab.text(): lab for lab in card.findChildren(QLabel)}
    raw = next(lab for text, lab in labels.items() if ">p (raw)<" in text)
    holm = next(lab for text, lab in labels.items() if ">p (Holm)<" in text)
    assert "before any adjustment" in raw.toolTip()
    assert "verdict uses this one" in holm.toolTip()


def test_tests_without_p_show_dashes_in_both_columns(qtbot, cars_report):
    card = DiagnosticCard("collinearity")
    qtbot.addWidget(card)
    card.show_reports([("ols", cars_report)])
    rows = card.findChild(QWidget, "tests_collinearity").table()[1:]
    vif = next(row for row in rows if row[0] == "VIF (speed)")
    assert vif[2] == vif[3] == "—"


def test_both_sources_side_by_side_have_both_p_columns(qtbot, cars_report):
    card = DiagnosticCard("independence")
    qtbot.addWidget(card)
    card.show_reports([("ols", cars_report), ("network", cars_report)])
    for name in ("tests_independence", "tests_independence_network"):
        assert card.findChild(QWidget, name).table()[0][2:4] == ["p (raw)", "p (Holm)"]


def test_panel_legend_says_which_p_the_lights_use(window, qtbot):
    window.diagnostics_dock.raise_()
    panel = window.findChild(QWidget, "diagnosticsPanel")
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    legend = window.findChild(QLabel, "pValueLegend")
    assert "p (raw)" in legend.text() and "p (Holm)" in legend.text()
    assert "lights use it" in legend.text()
    # Folded away until asked for (the notes filled a presentation-mode page).
    button = window.findChild(QWidget, "diagnosticsNotesButton")
    assert not legend.isVisible() and "lights use it" in button.toolTip()
    button.click()
    assert legend.isVisible()
    header = window.findChild(QWidget, "tests_normality").table()[0]
    assert header[2:4] == ["p (raw)", "p (Holm)"]
