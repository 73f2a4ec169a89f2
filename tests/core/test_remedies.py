"""The remedies of ``core.statistics.remedies`` against R (values recorded; R not needed).

R 4.2.2 with MASS 7.3; data from tests/data/r (``longley.csv`` is
``write.csv(longley, "longley.csv", row.names = FALSE, quote = FALSE)``)::

    library(MASS)
    mt <- read.csv("mtcars.csv"); cars <- read.csv("cars.csv"); lo <- read.csv("longley.csv")
    # FGLS (Wooldridge's two steps)
    fgls <- function(f, d) { fm <- lm(f, d); d$le2 <- log(resid(fm)^2)
      aux <- lm(update(f, le2 ~ .), d); w <- 1/exp(fitted(aux))
      g <- lm(f, d, weights = w); list(coef(g), summary(g)$coefficients[, 2], w[1:3]) }
    fgls(mpg ~ wt + hp, mt); fgls(dist ~ speed, cars)
    # Box-Cox: MASS's grid maximum, the exact maximum, the log-likelihood at -2, 0, 2
    bc <- function(f, d) { b <- boxcox(lm(f, d, y = TRUE, qr = TRUE), plotit = FALSE)
      ll <- function(l) boxcox(lm(f, d, y = TRUE, qr = TRUE), lambda = l, plotit = FALSE)$y
      o <- optimize(ll, c(-2, 2), maximum = TRUE, tol = 1e-12)
      list(b$x[which.max(b$y)], o$maximum, b$y[c(1, 21, 41)]) }
    bc(mpg ~ wt + hp, mt); bc(dist ~ speed, cars)
    # ridge at our GCV lambda, and R's own GCV minimum
    r <- lm.ridge(mpg ~ disp + hp + wt + cyl, mt, lambda = 1.6411641801985055); coef(r); r$GCV
    exp(optimize(function(t) lm.ridge(mpg ~ disp + hp + wt + cyl, mt,
                 lambda = exp(t))$GCV, c(-5, 5), tol = 1e-12)$minimum)
    r <- lm.ridge(Employed ~ ., lo, lambda = 0.002759243942442769); coef(r); r$GCV
    exp(optimize(function(t) lm.ridge(Employed ~ ., lo, lambda = exp(t))$GCV,
                 c(-10, 0), tol = 1e-12)$minimum)

printed with sprintf("%.15g"). R's optimize stops within its tolerance in lambda on a flat
maximum (Box-Cox: 3e-7 apart), so lambdas are compared to 1e-6 and 1e-7; coefficients at
a given lambda to 1e-10.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.errors import DataError
from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.core.statistics.regression import fit_ols
from nnlin_gui.core.statistics.remedies import (
    REMEDIES,
    REMEDY_LABELS,
    apply_remedy,
    boxcox_lambda,
    fgls_weights,
    influential_rows,
    ridge_gcv,
    ridge_vifs,
    square_tests,
)

R_DIR = Path(__file__).resolve().parents[1] / "data" / "r"
MT = pd.read_csv(R_DIR / "mtcars.csv")
CARS = pd.read_csv(R_DIR / "cars.csv")
LONGLEY = pd.read_csv(R_DIR / "longley.csv")
LONGLEY_X = ["GNP.deflator", "GNP", "Unemployed", "Armed.Forces", "Population", "Year"]


def xy(frame, features, target):
    return frame[features].to_numpy(float), frame[target].to_numpy(float)


FGLS = {
    "mt": (
        (MT, ["wt", "hp"], "mpg"),
        [35.3649606655006, -3.28156577916427, -0.0327968035487599],
        [1.58048164973502, 0.590092613531176, 0.00983230216690603],
        [0.619136303317959, 0.699406067933235, 0.562290960156353],
    ),
    "cars": (
        (CARS, ["speed"], "dist"),
        [-12.9256955915096, 3.60315704085445],
        [5.06872435100512, 0.367647380253335],
        [0.0507389317923778, 0.0507389317923773, 0.0380924589664338],
    ),
}


@pytest.mark.parametrize("label", sorted(FGLS))
def test_fgls_is_wls_with_weights_from_log_squared_residuals_as_r(label):
    (frame, features, target), coef, bse, w3 = FGLS[label]
    X, y = xy(frame, features, target)
    w = fgls_weights(X, y)
    assert w[:3] == pytest.approx(w3, rel=1e-10)
    res = apply_remedy("fgls", X, y, features)
    assert res.after.params == pytest.approx(coef, rel=1e-10)
    assert res.after.bse == pytest.approx(bse, rel=1e-10)
    assert res.before.params == pytest.approx(fit_ols(X, y).params, rel=1e-14)
    assert res.assumption == "homoskedasticity"
    # Re-run on the weighted residuals: the tests that refit OLS say n/a.
    names = [t.name for t in res.assumption_after.tests]
    assert "Breusch-Pagan (Koenker)" in names
    assert res.assumption_after.test("Goldfeld-Quandt").verdict == "not applicable"


BOXCOX = {
    "mt": (
        (MT, ["wt", "hp"], "mpg"),
        -0.1,
        -0.115681277937775,
        [-0.202959006602083, 16.3491175725791, -0.669153317911648],
    ),
    "cars": (
        (CARS, ["speed"], "dist"),
        0.4,
        0.430598649270787,
        [-245.969604170691, -56.4452490545785, -90.1015798217042],
    ),
}


@pytest.mark.parametrize("label", sorted(BOXCOX))
def test_boxcox_lambda_by_mass_profile_likelihood(label):
    (frame, features, target), grid_best, exact, ll = BOXCOX[label]
    X, y = xy(frame, features, target)
    bc = boxcox_lambda(X, y)
    assert bc.grid_best == pytest.approx(grid_best, abs=1e-12)
    assert bc.lambda_ == pytest.approx(exact, rel=1e-5)
    assert bc.loglik[[0, 20, 40]] == pytest.approx(ll, rel=1e-11)
    assert len(bc.grid) == 41 and bc.grid[0] == -2 and bc.grid[-1] == 2
    lo, hi = bc.ci
    assert lo < bc.lambda_ < hi
    res = apply_remedy("boxcox", X, y, features, assumption="normality")
    yt = (y**bc.lambda_ - 1) / bc.lambda_
    assert res.after.params == pytest.approx(fit_ols(X, yt).params, rel=1e-12)
    assert res.details["lambda"] == bc.lambda_
    log_res = apply_remedy("log", X, y, features, assumption="homoskedasticity")
    assert log_res.after.params == pytest.approx(fit_ols(X, np.log(y)).params, rel=1e-12)
    assert log_res.assumption == "homoskedasticity"


def test_boxcox_refuses_a_target_that_is_not_positive():
    X, y = xy(MT, ["wt"], "mpg")
    with pytest.raises(DataError, match="positive target"):
        apply_remedy("log", X, y - 20, ["wt"])


RIDGE = {
    "mt": (
        (MT, ["disp", "hp", "wt", "cyl"], "mpg"),
        1.6411641801985055,
        1.6411641582688,
        [
            38.4833087704666,
            0.00108984779846349,
            -0.0188140820802521,
            -3.01971176621282,
            -0.99703873179758,
        ],
        0.211897288221735,
    ),
    "longley": (
        (LONGLEY, LONGLEY_X, "Employed"),
        0.002759243942442769,
        0.00275924419525702,
        [
            -2956.08586116906,
            -0.000426177826175829,
            -0.0183998739489774,
            -0.0176371452178656,
            -0.00961507412947891,
            -0.117952505583627,
            1.5607923734164,
        ],
        0.00805292955892413,
    ),
}


@pytest.mark.parametrize("label", sorted(RIDGE))
def test_ridge_matches_lm_ridge_and_its_gcv_minimum(label):
    (frame, features, target), ours, r_opt, coef, gcv = RIDGE[label]
    X, y = xy(frame, features, target)
    at = ridge_gcv(X, y, lam=ours)
    assert at.coef == pytest.approx(coef, rel=1e-10)
    assert at.gcv == pytest.approx(gcv, rel=1e-10)
    best = ridge_gcv(X, y)
    assert best.lam == pytest.approx(r_opt, rel=1e-7)
    res = apply_remedy("ridge", X, y, features)
    assert res.after.bse is None and res.after.params == pytest.approx(best.coef, rel=1e-12)
    # Ridge VIFs: at k = 0 the usual VIFs; at k = lambda/n smaller.
    report = diagnose_ols(X, y, features)
    vif0 = [report.assumption("collinearity").test(f"VIF ({n})").statistic for n in features]
    assert ridge_vifs(X, 0.0) == pytest.approx(vif0, rel=1e-8)
    after = [res.assumption_after.test(f"VIF ({n})").statistic for n in features]
    assert all(a < b for a, b in zip(after, vif0, strict=True))


def test_longley_ridge_cures_the_collinearity_card():
    X, y = xy(LONGLEY, LONGLEY_X, "Employed")
    res = apply_remedy("ridge", X, y, LONGLEY_X)
    assert res.assumption_before.verdict == "violated"
    assert max(t.statistic for t in res.assumption_after.tests) < max(
        t.statistic for t in res.assumption_before.tests if t.name.startswith("VIF")
    )


def test_covariance_remedies_change_only_the_errors():
    X, y = xy(MT, ["wt", "hp"], "mpg")
    hc3 = apply_remedy("hc3", X, y, ["wt", "hp"])
    # sandwich::vcovHC(lm(mpg ~ wt + hp, mt), type = "HC3") (tests/core/test_ols_covariances.py)
    assert hc3.after.bse == pytest.approx(
        [2.22980540343623, 0.768519050357818, 0.00938513790864755], rel=1e-10
    )
    assert hc3.after.params == hc3.before.params
    assert hc3.assumption_after is hc3.assumption_before
    hac = apply_remedy("hac", X, y, ["wt", "hp"], hac_lags=3)
    # NeweyWest(fm, lag = 3, prewhite = FALSE, adjust = FALSE)
    assert hac.after.bse == pytest.approx(
        [1.57086156712974, 0.534495014286271, 0.00653672750477705], rel=1e-10
    )
    assert hac.assumption == "independence" and hac.details["hac_lags"] == 3


def test_dropping_influential_rows_lists_them_and_refits_without_them():
    X, y = xy(MT, ["wt", "hp"], "mpg")
    report = diagnose_ols(X, y, ["wt", "hp"])
    rows = influential_rows(report)
    # cooks.distance(lm(mpg ~ wt + hp, mt)) > 4/32: Chrysler Imperial, Fiat 128,
    # Toyota Corolla, Maserati Bora (rows 17, 18, 20, 31 in R's 1-based numbering)
    assert rows == (16, 17, 19, 30)
    res = apply_remedy("drop_influential", X, y, ["wt", "hp"], report)
    assert res.dropped_rows == rows
    keep = np.setdiff1d(np.arange(len(y)), rows)
    assert res.after.params == pytest.approx(fit_ols(X[keep], y[keep]).params, rel=1e-12)
    assert res.after.nobs == 28 and "4 row(s)" in res.description


def test_reset_squares_adds_the_significant_squares_and_says_so():
    X, y = xy(MT, ["wt", "hp"], "mpg")
    tests = dict(square_tests(X, y, ["wt", "hp"]))
    assert set(tests) == {"wt", "hp"}
    res = apply_remedy("reset_squares", X, y, ["wt", "hp"])
    assert res.added_columns == tuple(f"{n}^2" for n in ("wt", "hp") if tests[n] < 0.05)
    assert res.added_columns and all(c in res.description for c in res.added_columns)
    assert res.after.names == ("const", "wt", "hp", *res.added_columns)
    reset = "RESET (squares and cubes of fitted values)"
    before = [t for t in res.assumption_before.tests if t.name.startswith("RESET")][0]
    after = [t for t in res.assumption_after.tests if t.name.startswith("RESET")][0]
    assert after.p_value > before.p_value, reset


def test_every_card_has_a_labelled_remedy_and_unknown_ones_are_refused():
    assert set(REMEDIES) == {
        "collinearity",
        "homoskedasticity",
        "independence",
        "normality",
        "linearity",
        "influence",
    }
    assert all(r in REMEDY_LABELS for rs in REMEDIES.values() for r in rs)
    X, y = xy(MT, ["wt"], "mpg")
    with pytest.raises(DataError, match="unknown remedy"):
        apply_remedy("prayer", X, y)


def test_status_lines_say_what_was_done_at_the_limits(monkeypatch):
    """Over 50 rows above 4/n: the line says only the 50 largest were dropped (it said "the
    50 rows with Cook's distance above 4/n" when more passed). A Box-Cox interval that runs
    past the search range [-2, 2] is not stated as ending at -2."""
    from nnlin_gui.core.statistics import remedies

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 2))
    y = X @ [1.0, 2.0] + rng.standard_t(2, size=3000)
    res = apply_remedy("drop_influential", X, y, ["a", "b"])
    assert len(res.dropped_rows) == 50
    assert "the 50 rows with the largest Cook's distances above 4/n" in res.description
    report = diagnose_ols(X, y, ["a", "b"])
    cook = report.assumption("influence").test("Cook's distance")
    assert cook.threshold["list"] == pytest.approx(4 / 3000)

    X, y = xy(MT, ["wt", "hp"], "mpg")
    real = remedies.boxcox_lambda(X, y)
    wide = remedies.BoxCox(real.lambda_, (-2.0, 2.0), real.grid_best, real.grid, real.loglik)
    text = apply_remedy("boxcox", X, y, ["wt", "hp"], assumption="normality").description
    assert f"[{real.ci[0]:.3g}, {real.ci[1]:.3g}]" in text
    monkeypatch.setattr(remedies, "boxcox_lambda", lambda *_: wide)
    text = apply_remedy("boxcox", X, y, ["wt", "hp"], assumption="normality").description
    assert "95% interval [−2 or below, 2 or above]" in text
