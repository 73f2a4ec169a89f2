"""Every diagnostic on mtcars (mpg ~ .) and cars (dist ~ speed) against R.

R 4.2.2, lmtest 0.9.40, car 3.1.1, tseries, nortest; the data sets are R's, exported to
tests/data/r/ (see its README). ``fm <- lm(mpg ~ ., mtcars)`` or ``lm(dist ~ speed, cars)``;
each row names the R call. Goldfeld-Quandt and Rainbow on mtcars (rank-deficient subsets)
are in test_diagnostics_rank_deficient.py, the tie and odd-n cases in
test_diagnostics_ordering.py.

Conventions (R's wherever R, statsmodels and gretl differ):

- Breusch-Pagan (Koenker): ``bptest(fm)`` (studentised, n R^2); "Breusch-Pagan":
  ``bptest(fm, studentize = FALSE)``; df = rank of the auxiliary fit - 1.
- White: ``bptest(fm, ~ x + I(x^2) [+ products])``; columns that duplicate others (the
  square of a 0/1 feature) drop out of the df, as in R's auxiliary ``lm``.
- Goldfeld-Quandt: ``gqtest(fm, order.by = <fitted>, fraction = 0.2, alternative =
  "two.sided")``; F = high part over low part, df in that order.
- RESET: ``resettest(fm, power = 2:3, type = "fitted")`` (F form; gretl's too).
- Harvey-Collier: ``harvtest(fm)`` reports |t|; so do we (the signed t is in details).
  R's harvtest updates the recursive residuals with a rank-one formula and is 1.2e-9 off
  on mtcars; the reference is recursive residuals from fresh fits in R (HC_EXACT below).
- Durbin-Watson: ``dwtest(fm, alternative = "two.sided")``: exact below 100 rows, a
  normal approximation with the exact mean and variance from 100 rows on (R's default
  ``exact = n < 100``); R's default alternative is the one-sided "greater".
- Breusch-Godfrey: ``bgtest(fm, order = 4, type = "Chisq")`` (missing lags filled with 0).
- Ljung-Box: ``Box.test(resid, lag = 4, type = "Ljung-Box")``, p from
  ``pchisq(..., lower.tail = FALSE)``; no df correction for fitted parameters.
- Jarque-Bera: ``tseries::jarque.bera.test`` (moment skewness and kurtosis).
- Outlier test: ``car::outlierTest`` (largest |rstudent|, Bonferroni n * 2 * pt); the
  Bonferroni p is capped at 1 (car leaves 1.367 on mtcars).
- VIF: ``car::vif``; Cook's distance, leverage, DFFITS, DFBETAS: ``cooks.distance``,
  ``hatvalues``, ``dffits``, ``dfbetas`` (largest values).
- Condition numbers: Belsley's is ``kappa(sweep(X, 2, sqrt(colSums(X^2)), "/"), exact =
  TRUE)`` of the model matrix with intercept; the standardised one is
  ``sqrt(max(ev) / min(ev))`` of ``eigen(cor(X[, -1]))``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.core.statistics.diagnostics import diagnose_ols

DATA = Path(__file__).resolve().parents[1] / "data" / "r"
RTOL = 1e-9
# Recursive residuals from fresh lm.fit fits on rows 1..t-1 (R), mtcars:
#   w_t = (y_t - x_t' b_{t-1}) / sqrt(1 + x_t' (X'X)^-1 x_t);  sqrt(n - k) mean(w) / sd(w)
HC_EXACT = (0.923046663674607, 0.3669854146047303)


def load(name: str, target: str):
    table = np.genfromtxt(DATA / f"{name}.csv", delimiter=",", names=True)
    names = [n for n in table.dtype.names if n != target]
    return np.column_stack([table[n] for n in names]), table[target].astype(float), names


@pytest.fixture(scope="module")
def reports():
    return {
        "mtcars": diagnose_ols(*load("mtcars", "mpg")),
        "cars": diagnose_ols(*load("cars", "dist")),
    }


def _test(report, name):
    for a in report.assumptions:
        for t in a.tests:
            if t.name == name:
                return t
    raise KeyError(name)


P_TESTS = [
    # data, test, statistic, df, p, R call
    (
        "mtcars",
        "Breusch-Pagan (Koenker)",
        14.9135889606241978,
        10,
        0.1352441506565798,
    ),  # bptest(fm)
    ("mtcars", "Breusch-Pagan", 11.3812675045015137, 10, 0.3285951268092161),  # studentize = FALSE
    # bptest(fm, ~ cyl + ... + carb + I(cyl^2) + ... + I(carb^2), data = mtcars)
    ("mtcars", "White (squares only)", 19.3975120144346249, 18, 0.3677385535304399),
    ("mtcars", "RESET", 5.54523027382253098, (2, 19), 0.01267900805948136),  # resettest
    ("mtcars", "Harvey-Collier", HC_EXACT[0], 20, HC_EXACT[1]),
    ("mtcars", "Durbin-Watson", 1.8608933684548066, None, 0.3148173610880027),  # dwtest 2-sided
    ("mtcars", "Breusch-Godfrey", 3.095814105908434, 4, 0.541921135632815),  # bgtest order 4
    ("mtcars", "Ljung-Box", 2.3372644708380368, 4, 0.6739929872135253),  # Box.test lag 4
    ("mtcars", "Jarque-Bera", 1.7466576018549280, 2, 0.4175592615518789),  # jarque.bera.test
    ("mtcars", "Anderson-Darling", 0.3916804795343296, None, 0.3591666256845494),  # ad.test
    ("cars", "Breusch-Pagan (Koenker)", 3.21487992717465021, 1, 0.07297154505407759),
    ("cars", "Breusch-Pagan", 4.65023327114252893, 1, 0.03104932778060469),
    ("cars", "White", 3.2156902239127736, 2, 0.2003188139316311),  # ~ speed + I(speed^2)
    # gqtest(fm, order.by = ~ speed, data = cars, fraction = 0.2, alternative = "two.sided")
    ("cars", "Goldfeld-Quandt", 5.41571804515486388, (18, 18), 0.00079412603828710594),
    # raintest(fm, order.by = "mahalanobis")
    ("cars", "Rainbow", 0.6846233443967826, (25, 23), 0.8220125207046465),
    ("cars", "RESET", 1.555397542186677, (2, 46), 0.222003554526719),
    ("cars", "Durbin-Watson", 1.6762253234350972, None, 0.1904341796042281),
    ("cars", "Breusch-Godfrey", 3.3584580631461369, 4, 0.4997236900439033),
    ("cars", "Ljung-Box", 2.3555470493929858, 4, 0.6706750820348654),
    ("cars", "Jarque-Bera", 8.18878362892586154, 2, 0.01666587914792566),
    ("cars", "Anderson-Darling", 0.79405869981052035, None, 0.03689952748969472),
    # car::outlierTest(fm): rstudent 3.184992840075445, bonf.p
    ("cars", "Outlier test (studentized residual)", 3.184992840075445, 47, 0.128533027222389684),
]


@pytest.mark.parametrize(("data", "name", "statistic", "df", "pvalue"), P_TESTS)
def test_p_value_tests_match_r(reports, data, name, statistic, df, pvalue):
    t = _test(reports[data], name)
    assert t.statistic == pytest.approx(statistic, rel=RTOL)
    assert t.df == df
    assert t.p_value == pytest.approx(pvalue, rel=RTOL)


@pytest.mark.parametrize(
    ("data", "statistic", "pvalue"),
    [
        # shapiro.test(residuals(fm)); R's swilk.c and scipy's port differ near 1e-10
        ("mtcars", 0.9569436304667281, 0.2261489326065674),
        ("cars", 0.94509055285889376, 0.02152457590929275),
    ],
)
def test_shapiro_wilk_matches_r(reports, data, statistic, pvalue):
    t = _test(reports[data], "Shapiro-Wilk")
    assert t.statistic == pytest.approx(statistic, rel=1e-8)
    assert t.p_value == pytest.approx(pvalue, rel=1e-7)


def test_harvey_collier_is_absolute_as_r_with_the_sign_in_details(reports):
    t = _test(reports["mtcars"], "Harvey-Collier")
    assert t.details["t"] == pytest.approx(-HC_EXACT[0], rel=RTOL)  # drifts below zero
    # lmtest::harvtest(fm): 0.9230466647631251 (rank-one updates, 1.2e-9 off)
    assert t.statistic == pytest.approx(0.9230466647631251, rel=1e-8)
    cars = _test(reports["cars"], "Harvey-Collier")  # speed 4, 4: harvtest gives NA
    assert cars.verdict == "not applicable"


def test_outlier_test_caps_bonferroni_at_one(reports):
    # car::outlierTest(fm, cutoff = Inf, n.max = 1): rstudent -2.164272833912153,
    # p 0.04271875929251798, bonf.p 1.36700029736057549 (n * p, not capped)
    t = _test(reports["mtcars"], "Outlier test (studentized residual)")
    assert t.statistic == pytest.approx(2.164272833912153, rel=RTOL)
    assert t.df == 20
    assert t.p_value == 1.0


VIF_MTCARS = {  # car::vif(fm)
    "cyl": 15.373833403442193,
    "disp": 21.620241028958979,
    "hp": 9.832036844359024,
    "drat": 3.374620008314757,
    "wt": 15.164886963987081,
    "qsec": 7.527958225291071,
    "vs": 4.965873466484707,
    "am": 4.648487455500169,
    "gear": 5.357452105940665,
    "carb": 7.908746751184395,
}


def test_vif_matches_car(reports):
    a = reports["mtcars"].assumption("collinearity")
    for name, vif in VIF_MTCARS.items():
        assert a.test(f"VIF ({name})").statistic == pytest.approx(vif, rel=RTOL)


@pytest.mark.parametrize(
    ("data", "name", "value"),
    [
        ("mtcars", "Cook's distance", 0.7135205531104677),  # max(cooks.distance(fm))
        ("mtcars", "Leverage", 0.7422869621243279),  # max(hatvalues(fm))
        ("mtcars", "DFFITS", 3.037374792455631),  # max(abs(dffits(fm)))
        ("mtcars", "DFBETAS", 1.659405282725028),  # max(abs(dfbetas(fm)))
        ("mtcars", "Condition number (raw, Belsley)", 143.420915261802),
        ("mtcars", "Condition number (standardised)", 15.55838264995035),
        ("cars", "Cook's distance", 0.3403959336064382),
        ("cars", "Leverage", 0.1148613138686136),
        ("cars", "DFFITS", 0.9002695497758388),
        ("cars", "DFBETAS", 0.7690201357454058),
        ("cars", "Condition number (raw, Belsley)", 6.049344704402798),
    ],
)
def test_statistic_only_measures_match_r(reports, data, name, value):
    assert _test(reports[data], name).statistic == pytest.approx(value, rel=RTOL)


def test_dfbetas_per_coefficient_match_r(reports):
    # apply(abs(dfbetas(fm)), 2, max)
    ref = [1.5031369367527103, 1.3250467885726955, 0.5673552153511738, 0.5335536869479391,
           1.2628586929629129, 0.7752259273936608, 1.5950527663199365, 0.9378370631407569,
           0.5721444850461227, 1.6594052827250283, 1.3946783540642116]  # fmt: skip
    got = _test(reports["mtcars"], "DFBETAS").details["max_per_coefficient"]
    assert list(got.values()) == pytest.approx(ref, rel=RTOL)
    # Cook's distance flags row 29 (1-based; Ford Pantera L) as R's which.max
    assert 28 in _test(reports["mtcars"], "Cook's distance").details["rows"]


@pytest.mark.parametrize(
    ("rows", "pvalue", "method"),
    [
        # d <- data.frame(t = seq_along(Nile), flow = as.numeric(Nile)); fm <- lm(flow ~ t, d)
        # dwtest(lm(flow ~ t, d[1:99, ]), alternative = "two.sided"): exact
        (99, 6.2983395427962553e-05, "exact (Imhof)"),
        # dwtest(fm, alternative = "two.sided"): 100 rows, normal approximation
        # (exact = TRUE gives 5.7006476589818225e-05, which we gave before)
        (100, 9.3732554245979749e-05, "normal approximation, exact moments"),
    ],
)
def test_durbin_watson_switches_to_the_approximation_at_100_rows_as_r(rows, pvalue, method):
    table = np.genfromtxt(DATA / "nile.csv", delimiter=",", names=True)
    report = diagnose_ols(table["t"][:rows], table["flow"][:rows], ["t"])
    t = report.assumption("independence").test("Durbin-Watson")
    assert t.details["p_method"] == method
    assert t.p_value == pytest.approx(pvalue, rel=1e-7)
