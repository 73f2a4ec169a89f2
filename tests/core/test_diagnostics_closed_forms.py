"""Closed forms and fast paths against statsmodels' slow calls and brute force."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlin_gui.core.statistics.diagnostics import _linalg, specification
from nnlin_gui.core.statistics.diagnostics._linalg import aux_regression, make_design, ols_on
from nnlin_gui.core.statistics.diagnostics.heteroskedasticity import breusch_pagan, white
from nnlin_gui.core.statistics.diagnostics.independence import acf_fft, dw_moments, ljung_box
from nnlin_gui.core.statistics.diagnostics.influence import influence_measures
from nnlin_gui.core.statistics.diagnostics.normality import anderson_darling, jarque_bera
from nnlin_gui.core.statistics.diagnostics.specification import recursive_residuals


def _data(n=60, k=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)) * [1.0, 10.0, 0.1][:k] + [0.0, 50.0, -3.0][:k]
    y = 1.0 + X @ np.arange(1, k + 1) + rng.standard_t(5, size=n)
    return X, y


def _sm_fit(X, y):
    import statsmodels.api as sm

    return sm.OLS(y, sm.add_constant(X)).fit()


def test_influence_matches_statsmodels_olsinfluence():
    from statsmodels.stats.outliers_influence import OLSInfluence

    X, y = _data()
    design = make_design(X, ("a", "b", "c"))
    _, _, e = ols_on(design, y)
    ours = influence_measures(design, e)
    sm = OLSInfluence(_sm_fit(X, y))  # refits n models for the deletion measures
    tol = dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.leverage, sm.hat_matrix_diag, **tol)
    np.testing.assert_allclose(ours.cooks_distance, sm.cooks_distance[0], **tol)
    np.testing.assert_allclose(ours.studentized_internal, sm.resid_studentized_internal, **tol)
    np.testing.assert_allclose(ours.studentized_external, sm.resid_studentized_external, **tol)
    np.testing.assert_allclose(ours.dffits, sm.dffits[0], **tol)
    np.testing.assert_allclose(ours.dfbetas, sm.dfbetas, **tol)


def test_fit_matches_statsmodels_and_raw_r_factor():
    X, y = _data()
    design = make_design(X, ("a", "b", "c"))
    params, fitted, e = ols_on(design, y)
    res = _sm_fit(X, y)
    np.testing.assert_allclose(fitted, res.fittedvalues, rtol=1e-11)
    np.testing.assert_allclose(e, res.resid, rtol=1e-9, atol=1e-11)
    raw = np.column_stack([np.ones(len(y)), X])
    np.testing.assert_allclose(design.Q @ design.R, raw, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(design.Q.T @ design.Q, np.eye(4), atol=1e-13)


def test_householder_fallback_on_ill_conditioned_design():
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    X = np.column_stack([x, x + 1e-7 * rng.normal(size=200)])  # cond ~ 1e7
    design = make_design(X, ("x", "x_copy"))
    np.testing.assert_allclose(design.Q.T @ design.Q, np.eye(3), atol=1e-12)


def test_breusch_pagan_and_white_match_statsmodels():
    from statsmodels.stats.diagnostic import het_breuschpagan, het_white

    X, y = _data(n=200)
    res = _sm_fit(X, y)
    design = make_design(X, ("a", "b", "c"))
    _, _, e = ols_on(design, y)
    koenker, pk, classic, pc, df = breusch_pagan(design, e)
    sm_k = het_breuschpagan(res.resid, res.model.exog)
    sm_c = het_breuschpagan(res.resid, res.model.exog, robust=False)
    assert (koenker, pk) == pytest.approx(sm_k[:2], rel=1e-10)
    assert (classic, pc) == pytest.approx(sm_c[:2], rel=1e-10)
    lm, p, dfw = white(design, e)
    sm_w = het_white(res.resid, res.model.exog)
    assert (lm, p) == pytest.approx(sm_w[:2], rel=1e-9)
    assert dfw == 9


def test_white_drops_duplicate_columns_of_a_dummy():
    rng = np.random.default_rng(5)
    n = 300
    d = (rng.random(n) < 0.4).astype(float)  # d^2 == d: no new column
    x = rng.normal(size=n)
    y = 1 + x + d + rng.normal(size=n) * (1 + d)
    design = make_design(np.column_stack([x, d]), ("x", "d"))
    _, _, e = ols_on(design, y)
    lm, p, df = white(design, e)
    # [1, x, d, x^2, x d] -> 4 degrees of freedom, not 5
    Z = np.column_stack([np.ones(n), x, d, x**2, x * d])
    u = e**2
    fitted = Z @ np.linalg.lstsq(Z, u, rcond=None)[0]
    r2 = 1 - np.sum((u - fitted) ** 2) / np.sum((u - u.mean()) ** 2)
    assert df == 4
    assert lm == pytest.approx(n * r2, rel=1e-9)


def test_white_squares_only_when_the_auxiliary_design_is_too_wide(monkeypatch):
    from nnlin_gui.core.statistics.diagnostics import heteroskedasticity as het

    X, y = _data(n=200)
    monkeypatch.setattr(het, "WHITE_WORK_LIMIT", 10.0)
    design = make_design(X, ("a", "b", "c"))
    _, _, e = ols_on(design, y)
    tests, notes = het.homoskedasticity_tests(design, e, np.argsort(e), y)
    names = [t.name for t in tests]
    assert "White (squares only)" in names
    assert any("only squares" in n for n in notes)
    lm, _, df = white(design, e, cross=False)
    Z = np.column_stack([np.ones(200), X, X**2])
    u = e**2
    fitted = Z @ np.linalg.lstsq(Z, u, rcond=None)[0]
    r2 = 1 - np.sum((u - fitted) ** 2) / np.sum((u - u.mean()) ** 2)
    assert df == 6
    assert lm == pytest.approx(200 * r2, rel=1e-9)


def test_chunked_auxiliary_regression_equals_one_block(monkeypatch):
    X, y = _data(n=500)
    design = make_design(X, ("a", "b", "c"))
    _, _, e = ols_on(design, y)
    whole = white(design, e)
    monkeypatch.setattr(_linalg, "CHUNK_ROWS", 37)
    chunked = white(design, e)
    assert chunked == pytest.approx(whole, rel=1e-11)
    Z = np.column_stack([e[:-1] ** 2, np.sin(np.arange(499.0))])
    Z = np.vstack([[0.0, 0.0], Z])
    fit = aux_regression(design, e, lambda a, b: Z[a:b].copy(), 2)
    monkeypatch.setattr(_linalg, "CHUNK_ROWS", 1 << 17)
    fit2 = aux_regression(design, e, lambda a, b: Z[a:b].copy(), 2)
    assert fit.ess == pytest.approx(fit2.ess, rel=1e-11)


def test_breusch_godfrey_and_ljung_box_match_statsmodels():
    from statsmodels.stats.diagnostic import acorr_breusch_godfrey, acorr_ljungbox

    from nnlin_gui.core.statistics.diagnostics.independence import breusch_godfrey

    X, y = _data(n=150)
    res = _sm_fit(X, y)
    design = make_design(X, ("a", "b", "c"))
    _, _, e = ols_on(design, y)
    for lags in (1, 4, 12):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # 0.15 result_object= notice
            sm_bg = acorr_breusch_godfrey(res, nlags=lags)
        assert breusch_godfrey(design, e, lags)[:2] == pytest.approx(sm_bg[:2], rel=1e-9)
        lb = acorr_ljungbox(res.resid, lags=[lags])  # a DataFrame (lb_stat, lb_pvalue)
        stat, p = ljung_box(e, lags)
        assert stat == pytest.approx(float(lb["lb_stat"].iloc[-1]), rel=1e-10)
        assert p == pytest.approx(float(lb["lb_pvalue"].iloc[-1]), rel=1e-9)


def test_acf_by_fft_matches_statsmodels():
    from statsmodels.tsa.stattools import acf

    x = np.random.default_rng(2).normal(size=777).cumsum()
    for lags in (1, 30, 200):
        np.testing.assert_allclose(acf_fft(x, lags), acf(x, nlags=lags, fft=False), rtol=1e-9)


def test_durbin_watson_moments_match_dense_formula():
    X, y = _data(n=40)
    design = make_design(X, ("a", "b", "c"))
    n, k = 40, 4
    D = np.diff(np.eye(n), axis=0)
    A = D.T @ D
    Xr = np.column_stack([np.ones(n), X])
    M = np.eye(n) - Xr @ np.linalg.solve(Xr.T @ Xr, Xr.T)
    MA = M @ A
    mean = np.trace(MA) / (n - k)
    var = 2 * ((n - k) * np.trace(MA @ MA) - np.trace(MA) ** 2) / ((n - k) ** 2 * (n - k + 2))
    assert dw_moments(design, n) == pytest.approx((mean, var), rel=1e-10)
    # No projection: the moments of d for plain independent noise.
    A_mean = np.trace(A) / n
    A_var = 2 * (n * np.trace(A @ A) - np.trace(A) ** 2) / (n**2 * (n + 2))
    assert dw_moments(None, n) == pytest.approx((A_mean, A_var), rel=1e-12)


@pytest.mark.parametrize("block", [3, 7, 32])
def test_recursive_residuals_match_brute_force(monkeypatch, block):
    monkeypatch.setattr(specification, "RECURSIVE_BLOCK", block)
    X, y = _data(n=53)
    Xr = np.column_stack([np.ones(53), X])
    k = Xr.shape[1]
    expected = []
    for t in range(k, 53):
        b = np.linalg.lstsq(Xr[:t], y[:t], rcond=None)[0]
        P = np.linalg.inv(Xr[:t].T @ Xr[:t])
        x = Xr[t]
        expected.append((y[t] - x @ b) / np.sqrt(1 + x @ P @ x))
    np.testing.assert_allclose(recursive_residuals(Xr, y), expected, rtol=1e-9, atol=1e-11)


def test_recursive_residuals_refuse_a_singular_start():
    X = np.column_stack([np.ones(20), np.r_[np.zeros(5), np.arange(15.0)]])
    with pytest.raises(ValueError):
        recursive_residuals(X, np.arange(20.0))


def test_normality_statistics_match_statsmodels():
    from statsmodels.stats.diagnostic import normal_ad
    from statsmodels.stats.stattools import jarque_bera as sm_jb

    e = np.random.default_rng(4).gamma(3.0, size=400)
    jb, p, s, k = jarque_bera(e)
    assert (jb, p, s, k) == pytest.approx(sm_jb(e), rel=1e-10)
    a2, pa = anderson_darling(np.sort(e))
    assert (a2, pa) == pytest.approx(normal_ad(e), rel=1e-8)


def test_exact_durbin_watson_distribution_matches_simulation():
    from nnlin_gui.core.statistics.diagnostics.independence import dw_eigenvalues, dw_exact_cdf

    rng = np.random.default_rng(7)
    n = 20
    design = make_design(rng.normal(size=(n, 2)), ("a", "b"))
    lam = dw_eigenvalues(design, n)
    assert len(lam) == n - 3
    Z = rng.normal(size=(100_000, n))
    E = Z - (Z @ design.Q) @ design.Q.T  # OLS residuals of pure noise
    d = np.sum(np.diff(E, axis=1) ** 2, axis=1) / np.sum(E**2, axis=1)
    for q in (1.0, 1.5, 2.0, 2.6):
        assert dw_exact_cdf(lam, q) == pytest.approx(np.mean(d <= q), abs=0.005)


def test_small_samples_get_an_exact_durbin_watson_p_value():
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols

    X, y = _data(n=40)
    t = diagnose_ols(X, y).assumption("independence").test("Durbin-Watson")
    assert t.details["p_method"] == "exact (Imhof)"
    X, y = _data(n=150)
    t = diagnose_ols(X, y).assumption("independence").test("Durbin-Watson")
    assert t.details["p_method"] == "normal approximation, exact moments"


def test_every_statistic_is_invariant_to_feature_units_and_offsets():
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols

    X, y = _data(n=300)
    a = diagnose_ols(X, y)
    b = diagnose_ols(X * [1e3, 1e-2, 7.0] + [1e4, -5.0, 1e6], y)
    for sa, sb in zip(a.assumptions, b.assumptions, strict=True):
        for ta, tb in zip(sa.tests, sb.tests, strict=True):
            if ta.name == "Condition number (raw, Belsley)":
                continue  # depends on the offsets by design
            if ta.name == "DFBETAS":  # the intercept's depends on the offsets; slopes' do not
                pa, pb = ta.details["max_per_coefficient"], tb.details["max_per_coefficient"]
                for name in ("x1", "x2", "x3"):
                    assert pb[name] == pytest.approx(pa[name], rel=1e-7)
                continue
            assert tb.statistic == pytest.approx(ta.statistic, rel=1e-7), ta.name
            assert tb.verdict == ta.verdict, ta.name


def test_shapiro_wilk_does_not_depend_on_the_scale_of_tiny_residuals():
    # scipy's routine alone returns W = 1, p = 1 when the residuals span less than ~1e-19.
    from nnlin_gui.core.statistics.diagnostics.normality import shapiro_wilk

    r = np.random.default_rng(3).standard_exponential(200) - 1.0
    w1, p1, _ = shapiro_wilk(r, 0)
    w2, p2, _ = shapiro_wilk(r * 1e-21, 0)
    assert w1 < 0.95 and p1 < 1e-4
    assert w2 == pytest.approx(w1, rel=1e-9) and p2 == pytest.approx(p1, rel=1e-6)
