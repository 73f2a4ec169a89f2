"""Rows that an ordering selects: Rainbow keeps floor(n/2) rows, ties keep file order.

Conventions (R's lmtest 0.9.40, R 4.2.2):

- Rainbow by leverage is ``raintest(fm, order.by = "mahalanobis")``: the floor(n/2) rows
  of lowest leverage (Mahalanobis distance from the column means = hat value - 1/n), ties
  in file order (R's ``order`` is stable).
- Rainbow in data order is ``raintest(fm)`` (``order.by = NULL``, ``center = 0.5``,
  ``fraction = 0.5``): rows ``ceiling(quantile(1:n, 0.25))`` onwards, floor(n/2) of them.
- Goldfeld-Quandt orders by the fitted values, ties in file order. In R that is
  ``gqtest(fm, order.by = ~ speed, fraction = 0.2, alternative = "two.sided")`` for cars:
  ``order.by = fitted(fm)`` gives R's fitted values, which differ in the last bit for equal
  speeds, so R's own tie order there is rounding noise.

cars is shuffled with R's ``set.seed(5); p <- sample(50); cs <- cars[p, ]`` (PERM below,
1-based), so that tied rows sit on the boundaries in an order that is not the sorted one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.core.statistics.diagnostics._linalg import make_design, ols_on, stable_order
from nnlin_gui.core.statistics.diagnostics.specification import central_start, rainbow

DATA = Path(__file__).resolve().parents[1] / "data" / "r"
RTOL = 1e-9
PERM = [2, 43, 15, 11, 41, 21, 30, 7, 19, 3, 38, 12, 16, 26, 27, 9, 22, 28, 36, 10, 45, 37, 29,
        42, 17, 34, 24, 13, 48, 47, 14, 18, 40, 31, 33, 4, 8, 20, 25, 39, 23, 6, 5, 46, 49, 35,
        50, 1, 44, 32]  # fmt: skip


def cars() -> tuple[np.ndarray, np.ndarray]:
    table = np.genfromtxt(DATA / "cars.csv", delimiter=",", names=True)
    return table["speed"].astype(float), table["dist"].astype(float)


def shuffled(m: int) -> tuple[np.ndarray, np.ndarray]:
    speed, dist = cars()
    p = np.array(PERM) - 1
    return speed[p][:m], dist[p][:m]


@pytest.mark.parametrize(
    ("m", "statistic", "df", "pvalue"),
    [
        # R: raintest(lm(dist ~ speed, cs[1:m, ]), order.by = "mahalanobis")
        (50, 0.8137476198572444, (25, 23), 0.6932794200068245),  # was 0.7714 (ties)
        (49, 0.8338720481801205, (25, 22), 0.6715466868689615),  # was 25 rows kept
    ],
)
def test_rainbow_by_leverage_matches_r_on_shuffled_rows(m, statistic, df, pvalue):
    speed, dist = shuffled(m)
    t = diagnose_ols(speed, dist, ["speed"]).assumption("linearity").test("Rainbow")
    assert t.statistic == pytest.approx(statistic, rel=RTOL)
    assert t.df == df
    assert t.p_value == pytest.approx(pvalue, rel=RTOL)


@pytest.mark.parametrize(
    ("m", "statistic", "df", "pvalue"),
    [
        # R: gqtest(fm, order.by = ~ speed, data = cs[1:m, ], fraction = 0.2,
        #           alternative = "two.sided")
        (50, 5.585549459653186, (18, 18), 6.488610897079714e-04),  # was 2.0175 (ties)
        (49, 5.409118470927058, (18, 17), 0.001052944434273438),
    ],
)
def test_goldfeld_quandt_keeps_ties_in_file_order(m, statistic, df, pvalue):
    speed, dist = shuffled(m)
    t = diagnose_ols(speed, dist, ["speed"]).assumption("homoskedasticity").test("Goldfeld-Quandt")
    assert t.statistic == pytest.approx(statistic, rel=RTOL)
    assert t.df == df
    assert t.p_value == pytest.approx(pvalue, rel=RTOL)


@pytest.mark.parametrize(
    ("m", "frac", "statistic", "df", "pvalue"),
    [
        # R: raintest(lm(dist ~ speed, cars[1:m, ]), fraction = frac)
        (21, 0.5, 0.9771569855846594, (11, 8), 0.5276350199613131),  # started a row late
        (21, 0.4, 1.7085208782934787, (13, 6), 0.2634957246078194),
        (50, 0.5, 0.7128827991197330, (25, 23), 0.7954244128920793),
    ],
)
def test_rainbow_in_file_order_matches_r(m, frac, statistic, df, pvalue):
    speed, dist = cars()
    design = make_design(speed[:m], ("speed",))
    _, _, e = ols_on(design, dist[:m])
    rb = rainbow(design.X, dist[:m], float(e @ e), frac=frac)
    assert rb.statistic == pytest.approx(statistic, rel=RTOL)
    assert rb.df == df
    assert rb.pvalue == pytest.approx(pvalue, rel=RTOL)


@pytest.mark.parametrize(
    ("n", "frac", "first", "last"),
    [
        # R: from <- ceiling(quantile(1:n, 0.5 - frac / 2)); c(from, from + floor(frac * n) - 1)
        # (1-based; all of n = 3..400 and frac in 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7 agreed)
        (21, 0.5, 6, 15),
        (21, 0.25, 9, 13),
        (33, 0.5, 9, 24),
        (50, 0.7, 9, 43),
        (202, 0.5, 52, 152),
        (202, 0.4, 62, 141),
    ],
)
def test_central_rows_are_r_quantile_rows(n, frac, first, last):
    start = central_start(n, frac)
    assert (start + 1, start + int(np.floor(frac * n))) == (first, last)


def test_stable_order_keeps_near_ties_in_file_order():
    v = np.array([3.0, 1.0, 2.0 + 4e-16, 1.0 + 2e-16, 2.0, 0.5, 1.0 - 2e-16])
    assert stable_order(v).tolist() == [5, 1, 3, 6, 2, 4, 0]
    w = np.random.default_rng(0).normal(size=1000)  # no ties: a plain sort
    assert stable_order(w).tolist() == np.argsort(w, kind="stable").tolist()
