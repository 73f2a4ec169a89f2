"""The collapse table's covariance choice and the diagnostics cards' remedies, through the
real window, on mtcars (``lm(mpg ~ wt + hp, mtcars)``; every row: test fraction 0).

R values as recorded in tests/core/test_ols_covariances.py (R 4.2.2, sandwich, lmtest)::

    fm <- lm(mpg ~ wt + hp, mt)
    sqrt(diag(vcovHC(fm, type = "HC3")))
    sqrt(diag(NeweyWest(fm, lag = 3, prewhite = FALSE, adjust = FALSE)))
    sqrt(diag(NeweyWest(fm, lag = 1, prewhite = FALSE, adjust = FALSE)))  # R 4.2.2, here
    s <- summary(fm); s$adj.r.squared; s$fstatistic; logLik(fm); AIC(fm); BIC(fm)
    which(cooks.distance(fm) > 4/32)   # 17 18 20 31
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QTableWidget, QWidget

MTCARS = Path(__file__).resolve().parents[1] / "data" / "r" / "mtcars.csv"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HC3 = [2.22980540343623, 0.768519050357818, 0.00938513790864755]
HAC3 = [1.57086156712974, 0.534495014286271, 0.00653672750477705]
HAC1 = [1.78727988403535609, 0.60906054669438170, 0.00677341212756365]
CLASSICAL = [1.59878753799939, 0.632733494377395, 0.00902970967585572]


def open_mtcars(window, qtbot):
    c = window.controller
    window.open_path(str(MTCARS))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"))
    c.set_target("mpg")
    qtbot.waitUntil(lambda: c.dataset.target_name == "mpg", timeout=20000)
    c.set_features(("wt", "hp"))
    qtbot.waitUntil(lambda: c.dataset.feature_names == ("wt", "hp"), timeout=20000)
    c.set_config(dataclasses.replace(c.config, test_fraction=0.0))
    qtbot.waitUntil(
        lambda: (
            c.trainer is not None
            and len(c.trainer.train_rows) == 32
            and c.baseline is not None
            and c.baseline.result.nobs == 32
        ),
        timeout=20000,
    )


def test_covariance_choice_recomputes_the_ols_table_as_r(window, qtbot):
    c = window.controller
    open_mtcars(window, qtbot)
    panel = window.findChild(QWidget, "collapsePanel")
    combo = panel.findChild(QComboBox, "covarianceCombo")
    lags = panel.findChild(QSpinBox, "hacLagsSpin")
    table = panel.findChild(QTableWidget, "collapseTable")
    qtbot.waitUntil(lambda: panel.comparison is not None and len(panel.comparison.rows) == 3)
    assert [r.se for r in panel.comparison.rows] == pytest.approx(CLASSICAL, rel=1e-9)
    stats = panel.findChild(QLabel, "olsModelStats").text()
    # adj R^2 0.814839620978156, F 69.2112133917776 on 2 and 29, AIC 156.652338825641
    assert "0.8148" in stats and "69.21 on 2 and 29 df" in stats and "156.65" in stats
    assert "162.52" in stats and "-74.326" in stats
    assert not lags.isVisibleTo(panel)

    combo.setCurrentIndex(combo.findData("HC3"))
    qtbot.waitUntil(
        lambda: (
            panel.comparison is not None
            and panel.comparison.rows[0].se == pytest.approx(HC3[0], rel=1e-9)
        ),
        timeout=20000,
    )
    assert [r.se for r in panel.comparison.rows] == pytest.approx(HC3, rel=1e-9)
    assert table.horizontalHeaderItem(4).text() == "SE (HC3)"
    assert table.item(1, 4).text() == f"{HC3[1]:.3g}"
    # t and p follow the chosen errors (t with n - p = 29 df).
    row = panel.comparison.rows[1]
    assert row.t == pytest.approx(-3.87783074240468 / HC3[1], rel=1e-9)
    assert row.p == pytest.approx(2.23308977786256e-05, rel=1e-7)  # coeftest(fm, vcovHC HC3)
    assert not lags.isVisibleTo(panel)
    # The baseline itself is untouched: the network is still compared with the same OLS.
    assert c.baseline.result.cov_type == "nonrobust"

    combo.setCurrentIndex(combo.findData("HAC"))
    assert lags.isVisibleTo(panel)
    lags.setValue(3)
    qtbot.waitUntil(
        lambda: panel.comparison.rows[0].se == pytest.approx(HAC3[0], rel=1e-9), timeout=20000
    )
    assert [r.se for r in panel.comparison.rows] == pytest.approx(HAC3, rel=1e-9)
    assert table.horizontalHeaderItem(4).text() == "SE (HAC)"
    combo.setCurrentIndex(combo.findData("nonrobust"))
    qtbot.waitUntil(lambda: panel.comparison.rows[0].se == pytest.approx(CLASSICAL[0], rel=1e-9))
    assert table.horizontalHeaderItem(4).text() == "SE"


def show_diagnostics(window, qtbot):
    c = window.controller
    window.diagnostics_dock.raise_()
    panel = window.diagnostics_panel
    qtbot.waitUntil(
        lambda: (
            panel.result is not None
            and panel.result.ols.n == 32
            and panel.result.ols.feature_names == ("wt", "hp")
            and panel.up_to_date
        ),
        timeout=30000,
    )
    assert len(c.trainer.train_rows) == 32
    return panel


def apply(card, qtbot, remedy: str):
    box = card.remedy_box
    box.set_remedy(remedy)
    card.findChild(QPushButton, "remedyButton").click()
    qtbot.waitUntil(
        lambda: box.outcome is not None and box.outcome.result.remedy == remedy, timeout=30000
    )
    return box


def test_remedies_show_before_and_after_in_the_card_and_undo(window, qtbot):
    open_mtcars(window, qtbot)
    panel = show_diagnostics(window, qtbot)
    data_before = window.controller.dataset.X.copy()

    het = panel.cards["homoskedasticity"]
    box = apply(het, qtbot, "hc3")
    rows = {r[0]: r[1:] for r in box.comparison()}
    assert rows["wt"] == [
        f"{-3.87783074240468:.4g} ({CLASSICAL[1]:.3g})",
        f"{-3.87783074240468:.4g} ({HC3[1]:.3g})",
    ]
    assert "HC3" in het.findChild(QLabel, "remedyStatus").text()
    assert het.findChild(QPushButton, "undoRemedyButton").isVisibleTo(het)
    # Training on the same rows gives a new report (the network's residuals) but the same
    # OLS fit: the comparison stays.
    before_report = panel.result
    window.controller.step()
    qtbot.waitUntil(lambda: panel.result is not before_report and panel.up_to_date, timeout=30000)
    assert box.outcome is not None and box.table.isVisibleTo(het)

    infl = panel.cards["influence"]
    box = apply(infl, qtbot, "drop_influential")
    dropped = infl.findChild(QLabel, "remedyDroppedRows")
    assert dropped.isVisibleTo(infl) and "17, 18, 20, 31" in dropped.text()
    assert "this comparison only: your data were not changed" in dropped.text()
    rows = {r[0]: r[1:] for r in box.comparison()}
    assert rows["model"][1] == "4 rows dropped" and rows["rows"] == ["32", "28"]
    if os.environ.get("NNLIN_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        infl.grab().save(str(SHOTS / "remedy-influence-card-test.png"))
    infl.findChild(QPushButton, "undoRemedyButton").click()
    assert box.outcome is None and not dropped.isVisibleTo(infl)
    assert not infl.findChild(QTableWidget, "remedyTable").isVisibleTo(infl)
    # A view: the data, the rows and the network are what they were.
    assert (window.controller.dataset.X == data_before).all()
    assert len(window.controller.trainer.train_rows) == 32

    lin = panel.cards["linearity"]
    box = apply(lin, qtbot, "reset_squares")
    names = [r[0] for r in box.comparison()]
    assert "wt^2" in names and "hp^2" in names
    assert box.comparison()[0][0] == "verdict"

    coll = panel.cards["collinearity"]
    box = apply(coll, qtbot, "ridge")
    assert "GCV" in coll.findChild(QLabel, "remedyStatus").text()

    # A new report (here: another target) clears every comparison: it was about other data.
    window.controller.set_target("qsec")
    qtbot.waitUntil(
        lambda: coll.remedy_box.outcome is None and lin.remedy_box.outcome is None, timeout=30000
    )
    assert not coll.findChild(QTableWidget, "remedyTable").isVisibleTo(coll)


def test_hac_remedy_uses_the_lag_chosen_under_the_collapse_table(window, qtbot):
    """The independence card's HAC remedy takes hacLagsSpin's lag while HAC is chosen
    there; "auto" or another choice: the default floor(4 (n/100)^(2/9)) = 3 on 32 rows."""
    open_mtcars(window, qtbot)
    collapse = window.findChild(QWidget, "collapsePanel")
    combo = collapse.findChild(QComboBox, "covarianceCombo")
    lags = collapse.findChild(QSpinBox, "hacLagsSpin")
    combo.setCurrentIndex(combo.findData("HAC"))
    lags.setValue(1)
    panel = show_diagnostics(window, qtbot)
    card = panel.cards["independence"]
    status = card.findChild(QLabel, "remedyStatus")

    def hac_after(expected_lag: int) -> list[float]:
        box = card.remedy_box
        box.clear()
        box = apply(card, qtbot, "hac")
        assert box.outcome.result.details["hac_lags"] == expected_lag
        return list(box.outcome.result.after.bse)

    assert hac_after(1) == pytest.approx(HAC1, rel=1e-9)
    assert "lag 1 (as chosen" in status.text()
    lags.setValue(lags.minimum())  # auto
    assert lags.text() == "auto"
    assert hac_after(3) == pytest.approx(HAC3, rel=1e-9)
    assert "lag 3 (the default" in status.text()
    lags.setValue(1)
    combo.setCurrentIndex(combo.findData("HC3"))  # the spin hidden: not a HAC choice
    assert hac_after(3) == pytest.approx(HAC3, rel=1e-9)
