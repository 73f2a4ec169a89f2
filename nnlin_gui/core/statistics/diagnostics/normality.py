"""Normality: Jarque-Bera, omnibus (D'Agostino-Pearson), Shapiro-Wilk, Anderson-Darling."""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from nnlin_gui.core.statistics.diagnostics.report import TestResult, not_applicable, p_test

SHAPIRO_MAX = 5000

_MEANING = "non-normal residuals"
_ADVICE = (
    "with many rows the coefficients are still fine (central limit theorem), but small-sample "
    "intervals and prediction intervals are off: look at the Q-Q plot for skew or heavy "
    "tails and consider transforming the target."
)


def jarque_bera(resid: np.ndarray) -> tuple[float, float, float, float]:
    """Jarque-Bera n/6 (S^2 + (K - 3)^2 / 4) with moment skewness S and kurtosis K.

    Returns (statistic, p_value, skewness, kurtosis).
    """
    x = resid - resid.mean()
    x2 = x * x  # products, not float powers: 10x faster on a million rows
    m2 = x2.mean()
    s = float(np.dot(x2, x) / len(x) / m2**1.5)
    kurt = float(np.dot(x2, x2) / len(x) / m2**2)
    jb = len(x) / 6.0 * (s**2 + (kurt - 3.0) ** 2 / 4.0)
    return jb, float(stats.chi2.sf(jb, 2)), s, kurt


def anderson_darling(sorted_resid: np.ndarray) -> tuple[float, float]:
    """Anderson-Darling A^2 for normality with estimated mean and sd (as R's ``ad.test``).

    The p-value uses D'Agostino and Stephens' (1986) formulas on the adjusted statistic
    A^2 (1 + 0.75/n + 2.25/n^2). ``sorted_resid`` must be sorted ascending.
    """
    x = sorted_resid
    n = len(x)
    z = (x - x.mean()) / x.std(ddof=1)
    i = np.arange(1, n + 1)
    h = (2 * i - 1) * (special.log_ndtr(z) + special.log_ndtr(-z[::-1]))
    a2 = float(-n - h.mean())
    aa = a2 * (1 + 0.75 / n + 2.25 / n**2)
    if aa < 0.2:
        p = 1 - math.exp(-13.436 + 101.14 * aa - 223.73 * aa**2)
    elif aa < 0.34:
        p = 1 - math.exp(-8.318 + 42.796 * aa - 59.938 * aa**2)
    elif aa < 0.6:
        p = math.exp(0.9177 - 4.279 * aa - 1.38 * aa**2)
    elif aa < 10:
        p = math.exp(1.2937 - 5.709 * aa + 0.0186 * aa**2)
    else:
        p = 3.7e-24  # the formula's last branch at A^2 = 10; beyond it p is smaller still
    return a2, float(min(max(p, 0.0), 1.0))


def shapiro_wilk(resid: np.ndarray, seed: int) -> tuple[float, float, int]:
    """Shapiro-Wilk W, on a seeded random subsample of 5,000 rows when there are more."""
    n = len(resid)
    x = resid
    if n > SHAPIRO_MAX:
        rng = np.random.default_rng(seed)
        x = resid[rng.choice(n, size=SHAPIRO_MAX, replace=False)]
    # W does not depend on the scale, but scipy's routine returns W = 1, p = 1 for residuals
    # spanning less than about 1e-19: put them on a unit scale first.
    spread = float(np.max(np.abs(x - np.median(x)))) if len(x) else 0.0
    if spread > 0 and np.isfinite(spread):
        x = (x - np.median(x)) / spread
    w, p = stats.shapiro(x)
    return float(w), float(p), len(x)


def normality_tests(
    resid: np.ndarray, sorted_resid: np.ndarray, seed: int
) -> tuple[list[TestResult], list[str]]:
    """All normality tests (the residuals' mean need not be zero)."""
    n = len(resid)
    notes: list[str] = []
    jb, p_jb, s, kurt = jarque_bera(resid)
    shape = {"skewness": s, "kurtosis": kurt}
    tests = [
        p_test("Jarque-Bera", jb, 2, p_jb, _MEANING + " (skewness or kurtosis)", _ADVICE, shape)
    ]
    if n >= 20:
        k2, p_k2 = stats.normaltest(resid)
        tests.append(p_test("Omnibus (D'Agostino)", float(k2), 2, float(p_k2), _MEANING, _ADVICE))
    else:
        tests.append(not_applicable("Omnibus (D'Agostino)", "it needs at least 20 rows."))
    w, p_w, used = shapiro_wilk(resid, seed)
    details = {}
    if used < n:
        details = {"subsample": used, "seed": seed}
        notes.append(f"Shapiro-Wilk ran on a random subsample of {used} rows (seed {seed}).")
    tests.append(p_test("Shapiro-Wilk", w, None, p_w, _MEANING, _ADVICE, details))
    if n >= 8:
        a2, p_a = anderson_darling(sorted_resid)
        tests.append(p_test("Anderson-Darling", a2, None, p_a, _MEANING, _ADVICE))
    else:
        tests.append(not_applicable("Anderson-Darling", "it needs at least 8 rows."))
    return tests, notes
