"""Independence: Durbin-Watson (with a p-value), Breusch-Godfrey, Ljung-Box, ACF.

Every test here looks at the residuals in row order: it only means something when the
row order means something (time, sequence, space).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from nnlin_gui.core.statistics.diagnostics._linalg import Design, aux_regression
from nnlin_gui.core.statistics.diagnostics.report import TestResult, p_test

_MEANING = "correlation between neighbouring residuals (in row order)"
_ADVICE = (
    "the standard errors are too small: if the rows are in time order use HAC "
    "(Newey-West) standard errors or add lagged terms; if the order means nothing, ignore it."
)


def acf_fft(x: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelations r_0..r_nlags of ``x`` (demeaned), by FFT.

    Same definition as R's ``acf`` and statsmodels' ``acf``: the lag-j sum of products
    divided by the lag-0 sum (not by n - j).
    """
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    n = len(x)
    size = 1 << int(2 * n - 1).bit_length()
    f = np.fft.rfft(x, size)
    ac = np.fft.irfft(f * np.conj(f), size)[: nlags + 1]
    return ac / ac[0] if ac[0] > 0 else np.zeros(nlags + 1)


def ljung_box(resid: np.ndarray, lags: int, acf: np.ndarray | None = None) -> tuple[float, float]:
    """Ljung-Box Q = n (n + 2) sum r_j^2 / (n - j), j = 1..lags, against chi2(lags).

    ``acf`` (r_0, r_1, ...; at least ``lags`` + 1 values) is reused when given.
    """
    n = len(resid)
    r = (acf_fft(resid, lags) if acf is None else acf)[1 : lags + 1]
    q = n * (n + 2) * np.sum(r**2 / (n - np.arange(1, lags + 1)))
    return float(q), float(stats.chi2.sf(q, lags))


def durbin_watson(resid: np.ndarray) -> float:
    """Durbin-Watson d = sum (e_t - e_{t-1})^2 / sum e_t^2."""
    d = np.diff(resid)
    return float(d @ d / (resid @ resid))


def dw_moments(design: Design | None, n: int) -> tuple[float, float]:
    """Exact mean and variance of Durbin-Watson's d under independent normal errors.

    With A the differencing matrix (d = e'Ae / e'e) and M = I - H the residual maker,
    E d = tr(MA) / (n - k) and Var d = 2 [(n - k) tr((MA)^2) - tr(MA)^2] /
    ((n - k)^2 (n - k + 2)). The traces need only Q: tr(HA) = ||DQ||^2 (D = first
    differences), tr(HA^2) = ||AQ||^2, tr(HAHA) = ||Q'AQ||^2. ``design`` None means
    M = I (residuals that were not fitted by OLS).
    """
    tr_a = 2.0 * (n - 1)
    tr_a2 = 6.0 * n - 8.0  # sum of squares of A's entries
    if design is None:
        k = 0
        tr_ma, tr_ma2 = tr_a, tr_a2
    else:
        k = design.k1
        DQ = np.diff(design.Q, axis=0)
        qaq = DQ.T @ DQ  # Q'AQ = (DQ)'(DQ)
        tr_ha = float(np.trace(qaq))
        # tr(Q'A^2Q) = (DQ)'(DD')(DQ) with DD' = tridiag(-1, 2, -1): no n x k temporary
        tr_ha2 = 2.0 * tr_ha - 2.0 * float(np.einsum("ij,ij->", DQ[1:], DQ[:-1]))
        tr_haha = float(np.sum(qaq * qaq))
        tr_ma = tr_a - tr_ha
        tr_ma2 = tr_a2 - 2.0 * tr_ha2 + tr_haha
    m = n - k
    mean = tr_ma / m
    var = 2.0 * (m * tr_ma2 - tr_ma**2) / (m**2 * (m + 2))
    return mean, var


# Exact p-value below this many rows, normal approximation from it on (R's dwtest rule).
DW_EXACT_ROWS = 100


def dw_eigenvalues(design: Design | None, n: int) -> np.ndarray:
    """Eigenvalues of M A M without the k zeros of the projection (d's null distribution).

    Under independent normal errors d = sum l_i z_i^2 / sum z_i^2 over these n - k
    eigenvalues l_i. ``design`` None means M = I (all n eigenvalues of A, known in closed
    form).
    """
    if design is None:
        return 2.0 - 2.0 * np.cos(np.pi * np.arange(n) / n)
    D = np.diff(np.eye(n), axis=0)
    A = D.T @ D
    Q = design.Q
    MA = A - Q @ (Q.T @ A)
    MAM = MA - (MA @ Q) @ Q.T
    lam = np.linalg.eigvalsh((MAM + MAM.T) / 2)
    return lam[design.k1 :]  # the k smallest are the projection's zeros


def dw_exact_cdf(lam: np.ndarray, d: float) -> float | None:
    """P(D <= d) for D = sum l_i z_i^2 / sum z_i^2 by Imhof's (1961) inversion formula.

    Returns None when the numerical integral does not converge (the caller falls back to
    the normal approximation).
    """
    import warnings

    from scipy import integrate

    c = lam - d
    c = c[np.abs(c) > 1e-14 * max(1.0, float(np.abs(c).max()))]
    if len(c) == 0:
        return 0.5

    def integrand(u: float) -> float:
        if u == 0.0:
            return 0.5 * float(c.sum())
        theta = 0.5 * np.sum(np.arctan(c * u))
        log_rho = 0.25 * np.sum(np.log1p((c * u) ** 2))
        return float(np.sin(theta) / (u * np.exp(log_rho)))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            val, _ = integrate.quad(integrand, 0.0, np.inf, limit=400)
        except Warning:
            return None
    prob_above = 0.5 + val / np.pi  # P(sum c_i z_i^2 > 0) = P(D > d)
    return float(min(1.0, max(0.0, 1.0 - prob_above)))


def durbin_watson_pvalue(
    design: Design | None,
    resid: np.ndarray,
    dw: float,
    moments: tuple[float, float] | None = None,
) -> tuple[float, str]:
    """Two-sided p-value of Durbin-Watson's d and how it was computed.

    Exact (Imhof) below ``DW_EXACT_ROWS`` rows, as R's ``dwtest`` (``exact = n < 100``);
    from there on a normal approximation with the exact null mean and variance, as R.
    """
    n = len(resid)
    if n < DW_EXACT_ROWS:
        cdf = dw_exact_cdf(dw_eigenvalues(design, n), dw)
        if cdf is not None:
            return float(min(1.0, 2 * min(cdf, 1.0 - cdf))), "exact (Imhof)"
    mean, var = moments if moments is not None else dw_moments(design, n)
    z = (dw - mean) / np.sqrt(var)
    return float(2 * stats.norm.sf(abs(z))), "normal approximation, exact moments"


def breusch_godfrey(design: Design, resid: np.ndarray, lags: int) -> tuple[float, float, int]:
    """Breusch-Godfrey LM = n R^2 of e on [X, e_{t-1}, ..., e_{t-lags}] (missing lags 0).

    R^2 counts only what the lags add beyond X (identical for OLS residuals).
    """
    e = np.asarray(resid, dtype=np.float64)

    def make_z(start: int, stop: int) -> np.ndarray:
        Z = np.zeros((stop - start, lags))
        for j in range(1, lags + 1):
            lo = max(start, j)
            if lo < stop:
                Z[lo - start :, j - 1] = e[lo - j : stop - j]
        return Z

    fit = aux_regression(design, e, make_z, lags)
    # n R^2 of the lags after X: for OLS residuals (orthogonal to X) this is the usual
    # n R^2; for other residuals the part X explains must not count as autocorrelation.
    ssr_x = fit.tss - (fit.ess - fit.ess_extra)
    lm = design.n * fit.ess_extra / ssr_x if ssr_x > 0 else 0.0
    return float(lm), float(stats.chi2.sf(lm, lags)), lags


def independence_tests(
    design: Design, resid: np.ndarray, lags: int, ols: bool
) -> tuple[list[TestResult], dict[str, np.ndarray]]:
    """Independence tests and the ACF plot data (``ols`` False: network residuals)."""
    n = len(resid)
    dw = durbin_watson(resid)
    mean, var = dw_moments(design if ols else None, n)
    p_dw, how = durbin_watson_pvalue(design if ols else None, resid, dw, (mean, var))
    tests = [
        p_test(
            "Durbin-Watson",
            dw,
            None,
            p_dw,
            f"lag-1 autocorrelation (d = {dw:.3f}; 2 means none, below 2 positive, "
            "above 2 negative)",
            _ADVICE,
            {"expected": mean, "sd": float(np.sqrt(var)), "p_method": how},
        )
    ]
    bg, p_bg, df_bg = breusch_godfrey(design, resid, lags)
    tests.append(
        p_test("Breusch-Godfrey", bg, df_bg, p_bg, _MEANING + f" up to lag {lags}", _ADVICE)
    )
    nl = max(int(min(max(lags, 40), n // 2 - 1)), lags)
    r = acf_fft(resid, nl)
    lb, p_lb = ljung_box(resid, lags, r)
    tests.append(p_test("Ljung-Box", lb, lags, p_lb, _MEANING + f" up to lag {lags}", _ADVICE))
    acf = {
        "lags": np.arange(len(r)),
        "acf": r,
        "band": np.array([1.959963984540054 / np.sqrt(n)]),
    }
    return tests, acf
