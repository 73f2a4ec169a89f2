"""Goldfeld-Quandt and Rainbow when a subset of rows loses rank (mtcars, mpg ~ .).

The whole design has rank 11, but the 12 rows with the lowest fitted values have rank 8
(cyl and vs constant there, gear = 3 + 2 am) and the 16 rows of lowest leverage rank 9.
Every subset SSR must come from a rank-revealing solve (R's ``lm.fit``).

Convention: R's ``lmtest::gqtest`` and ``lmtest::raintest``: the df of a subset fit is
rows minus ``ncol(X)`` even when the subset loses rank (statsmodels and an ``anova`` of
``lm`` fits would use the rank instead: GQ 3.944 with df (2, 4), Rain 1.082 with df
(14, 7) here). The report names the rank-deficient subsets.

Reference values from R 4.2.2 (lmtest 0.9.40); mtcars exported with
``write.csv(mtcars, "mtcars.csv", row.names = FALSE)`` to tests/data/r/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.core.statistics.diagnostics._linalg import (
    make_design,
    ols_on,
    stable_order,
    subset_fit,
    subset_fit_rows,
)
from nnlin_gui.core.statistics.diagnostics.heteroskedasticity import goldfeld_quandt
from nnlin_gui.core.statistics.diagnostics.influence import leverage
from nnlin_gui.core.statistics.diagnostics.specification import rainbow

DATA = Path(__file__).resolve().parents[1] / "data" / "r"
RTOL = 1e-9


def load(name: str, target: str):
    table = np.genfromtxt(DATA / f"{name}.csv", delimiter=",", names=True)
    names = [n for n in table.dtype.names if n != target]
    X = np.column_stack([table[n] for n in names])
    return X, table[target].astype(float), names


@pytest.fixture(scope="module")
def mtcars():
    X, y, names = load("mtcars", "mpg")
    design = make_design(X, tuple(names))
    _, fitted, e = ols_on(design, y)
    return design, y, fitted, e


@pytest.fixture(scope="module")
def report():
    X, y, names = load("mtcars", "mpg")
    return diagnose_ols(X, y, names)


def test_low_fitted_part_ssr_and_rank_match_r(mtcars):
    # R: fm <- lm(mpg ~ ., mtcars); o <- order(fitted(fm))
    #    lo <- lm(mpg ~ ., mtcars[o[1:12], ]); lo$rank; deviance(lo)
    #    hi <- lm(mpg ~ ., mtcars[o[20:32], ]); hi$rank; deviance(hi)
    design, y, fitted, _ = mtcars
    order = stable_order(fitted)
    low = subset_fit_rows(design.X, y, order[:12])
    high = subset_fit_rows(design.X, y, order[19:])
    assert low.rank == 8 and low.df_resid == 4
    assert low.ssr == pytest.approx(7.681990696384067, rel=RTOL)  # was 0.086 (noise)
    assert high.rank == 11 and high.df_resid == 2
    assert high.ssr == pytest.approx(15.1505362584737, rel=RTOL)


def test_goldfeld_quandt_matches_gqtest_on_a_rank_deficient_part(mtcars):
    # R: gqtest(fm, order.by = fitted(fm), fraction = 0.2, alternative = "two.sided")
    #    GQ = 0.9861074334290133, df1 = 2, df2 = 1, p = 0.8399147777117217
    design, y, fitted, _ = mtcars
    gq = goldfeld_quandt(design.X, y, stable_order(fitted), fraction=0.2)
    assert gq.statistic == pytest.approx(0.9861074334290133, rel=RTOL)  # was 2.26 / 88.3
    assert gq.df == (2, 1)
    assert gq.pvalue == pytest.approx(0.8399147777117217, rel=RTOL)
    assert "low part (12 rows) has rank 8 of 11" in gq.rank_note


def test_goldfeld_quandt_without_a_dropped_middle(mtcars):
    # R: gqtest(fm, order.by = fitted(fm), fraction = 0, alternative = "two.sided")
    #    GQ = 1.366641556991318, df (5, 5), p = 0.7401432757867299 (first half rank 9)
    design, y, fitted, _ = mtcars
    gq = goldfeld_quandt(design.X, y, stable_order(fitted))
    assert gq.statistic == pytest.approx(1.366641556991318, rel=RTOL)
    assert gq.df == (5, 5)
    assert gq.pvalue == pytest.approx(0.7401432757867299, rel=RTOL)


def test_rainbow_matches_raintest_on_a_rank_deficient_centre(mtcars):
    # R: keep <- order(hatvalues(fm))[1:16]  # rank 9, deviance 46.6171159411096
    #    raintest(fm, order.by = "mahalanobis")
    #    Rain = 0.6762357561636879, df1 = 16, df2 = 5, p = 0.7487836148342535
    design, y, _, e = mtcars
    rb = rainbow(design.X, y, float(e @ e), order=stable_order(leverage(design)))
    assert rb.central.rank == 9
    assert rb.central.ssr == pytest.approx(46.6171159411096, rel=RTOL)
    assert rb.statistic == pytest.approx(0.6762357561636879, rel=RTOL)
    assert rb.df == (16, 5)
    assert rb.pvalue == pytest.approx(0.7487836148342535, rel=RTOL)
    assert "central part (16 rows) has rank 9 of 11" in rb.rank_note


def test_report_says_which_subsets_are_rank_deficient(report):
    gq = report.assumption("homoskedasticity").test("Goldfeld-Quandt")
    assert gq.statistic == pytest.approx(0.9861074334290133, rel=RTOL)
    assert gq.details["subset_ranks"] == {"low": 8, "high": 11}
    assert "rank 8 of 11" in gq.details["note"] and "rank 8 of 11" in gq.message
    rb = report.assumption("linearity").test("Rainbow")
    assert rb.statistic == pytest.approx(0.6762357561636879, rel=RTOL)
    assert rb.details["subset_rank"] == 9
    assert "rank 9 of 11" in rb.message
    assert sum("rank" in note for note in report.notes) == 2


def test_full_rank_subsets_carry_no_note():
    X, y, names = load("cars", "dist")
    rep = diagnose_ols(X, y, names)
    gq = rep.assumption("homoskedasticity").test("Goldfeld-Quandt")
    assert gq.details["subset_ranks"] == {"low": 2, "high": 2}
    assert "note" not in gq.details
    assert "note" not in rep.assumption("linearity").test("Rainbow").details


def test_rank_does_not_depend_on_row_order_or_scale():
    # An exactly dependent column: the SSR is that of the smaller model, whatever the noise.
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=40), rng.normal(size=40)
    y = 1 + a - b + rng.normal(size=40)
    X = np.column_stack([np.ones(40), a, b, 3.0 - 2.0 * a])
    small = np.column_stack([np.ones(40), a, b])
    ref = float(np.linalg.lstsq(small, y, rcond=None)[1][0])
    for perm in (np.arange(40), rng.permutation(40)):
        for scale in (1.0, 1e6):
            fit = subset_fit(X[perm] * scale, y[perm])
            assert fit.rank == 3
            assert fit.ssr == pytest.approx(ref, rel=1e-10)
