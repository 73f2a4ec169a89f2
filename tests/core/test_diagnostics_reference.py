"""Diagnostics against published R and gretl values (statsmodels' macrodata growth model).

The regression: 400 * diff(log(realinv)) on a constant, 400 * diff(log(realgdp)) and the
lagged real interest rate (202 quarters). Reference values are the ones statsmodels'
own test suite records from R (lmtest, nortest) and gretl.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.core.statistics.diagnostics._linalg import make_design
from nnlin_gui.core.statistics.diagnostics.heteroskedasticity import goldfeld_quandt
from nnlin_gui.core.statistics.diagnostics.specification import rainbow

RTOL = 1e-6


@pytest.fixture(scope="module")
def macro():
    from statsmodels.datasets import macrodata

    d = macrodata.load_pandas().data
    y = 400 * np.diff(np.log(d["realinv"].to_numpy()))
    gdp = 400 * np.diff(np.log(d["realgdp"].to_numpy()))
    lint = d["realint"].to_numpy()[:-1]
    X = np.column_stack([gdp, lint])
    return X, y


@pytest.fixture(scope="module")
def report(macro):
    X, y = macro
    return diagnose_ols(X, y, ["realgdp_growth", "realint_lag"])


def _test(report, assumption, name):
    return report.assumption(assumption).test(name)


@pytest.mark.parametrize(
    ("assumption", "name", "statistic", "df", "p_value"),
    [
        # R lmtest::bptest (studentised) and gretl
        ("homoskedasticity", "Breusch-Pagan (Koenker)", 0.709924388395087, 2, 0.701199952134347),
        # statsmodels het_white regression test, gretl 33.503723
        ("homoskedasticity", "White", 33.503722896538441, 5, 2.9887960597830259e-06),
        # R lmtest::bgtest(order = 4, type = "Chisq")
        ("independence", "Breusch-Godfrey", 4.771042651230007, 4, 0.3116067133066697),
        # R Box.test(lag = 4, type = "Ljung-Box")
        ("independence", "Ljung-Box", 5.23587172795227, 4, 0.263940335284713),
        # R lmtest::harvtest
        ("linearity", "Harvey-Collier", 0.494432160939874, 198, 0.6215491310408242),
        # R nortest::ad.test
        ("normality", "Anderson-Darling", 1.602209621518313, None, 0.0003937979149362316),
    ],
)
def test_published_values(report, assumption, name, statistic, df, p_value):
    t = _test(report, assumption, name)
    assert t.statistic == pytest.approx(statistic, rel=RTOL)
    assert t.df == df
    assert t.p_value == pytest.approx(p_value, rel=RTOL)


def test_durbin_watson_matches_gretl(report):
    t = _test(report, "independence", "Durbin-Watson")
    assert t.statistic == pytest.approx(2.213805, rel=RTOL)


def test_reset_matches_gretl_f_form(report):
    # gretl: RESET (squares and cubes) F = 5.219019, P(F(2,197) > 5.21902) = 0.00619
    t = _test(report, "linearity", "RESET")
    assert t.statistic == pytest.approx(5.219019, rel=RTOL)
    assert t.df == (2, 197)
    assert t.p_value == pytest.approx(0.00619, abs=5e-6)


def test_rainbow_matches_r_in_data_order(macro, report):
    # R lmtest::raintest(fm): central half in data order
    X, y = macro
    design = make_design(X, ("a", "b"))
    e = y - design.Q @ (design.Q.T @ y)
    rb = rainbow(design.X, y, float(e @ e))
    assert rb.statistic == pytest.approx(0.6809600116739604, rel=RTOL)
    assert rb.pvalue == pytest.approx(0.971832843583418, rel=RTOL)
    assert rb.df == (101, 98)
    rb4 = rainbow(design.X, y, float(e @ e), frac=0.4)
    assert rb4.statistic == pytest.approx(0.565551237772662, rel=RTOL)
    assert rb4.df == (122, 77)


@pytest.mark.parametrize(
    ("fraction", "alternative", "statistic", "p_value", "df"),
    [
        (0.0, "greater", 0.5313259064778423, 0.9990217851193723, (98, 98)),
        (0.0, "less", 0.5313259064778423, 0.000978214880627621, (98, 98)),
        (0.0, "two-sided", 0.5313259064778423, 0.001956429761255241, (98, 98)),
        # unequal halves: the case where statsmodels swaps the degrees of freedom
        (0.1, "two-sided", 0.5006976835928314, 0.001387126702579789, (88, 87)),
    ],
)
def test_goldfeld_quandt_matches_r(macro, fraction, alternative, statistic, p_value, df):
    X, y = macro
    design = make_design(X, ("a", "b"))
    gq = goldfeld_quandt(design.X, y, fraction=fraction, alternative=alternative)
    assert gq.statistic == pytest.approx(statistic, rel=RTOL)
    assert gq.pvalue == pytest.approx(p_value, rel=RTOL)
    assert gq.df == df


def test_vif_is_textbook(macro, report):
    # Two regressors: VIF = 1 / (1 - r^2) with r their correlation.
    X, _ = macro
    r = np.corrcoef(X.T)[0, 1]
    a = report.assumption("collinearity")
    for name in ("realgdp_growth", "realint_lag"):
        t = a.test(f"VIF ({name})")
        assert t.statistic == pytest.approx(1 / (1 - r**2), rel=1e-12)
        assert t.details["tolerance"] == pytest.approx(1 - r**2, rel=1e-12)


def test_verdicts_on_macro(report):
    # White finds heteroskedasticity (p = 3e-6); the residuals are not normal (gretl
    # reports it too); BP, BG and Ljung-Box do not reject.
    v = report.verdicts
    assert v["homoskedasticity"] == "violated"
    assert v["normality"] == "violated"
    assert v["independence"] == "ok"
    assert v["collinearity"] == "ok"
