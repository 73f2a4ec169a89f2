"""Linearity / specification: Ramsey RESET (F form), Rainbow, Harvey-Collier."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from scipy.linalg import lapack

from nnlin_gui.core.statistics.diagnostics._linalg import (
    Design,
    SubsetFit,
    aux_regression,
    qr_r,
    rank_note,
    stable_order,
    subset_fit,
    subset_fit_rows,
)
from nnlin_gui.core.statistics.diagnostics.report import TestResult, not_applicable, p_test

_MEANING = "a relationship that is not linear in the features"
_ADVICE = (
    "a straight line misses part of the pattern: look at residuals vs fitted, add squared "
    "or interaction terms, transform a feature, or use a nonlinear model (a network with "
    "ReLU or tanh)."
)

# Rows per block of recursive residuals (larger: fewer LAPACK calls, more flops per row).
RECURSIVE_BLOCK = 32
RECURSIVE_GROUP = 512  # blocks per batched step (cache-sized batches)


def reset_test(
    design: Design, resid: np.ndarray, fitted: np.ndarray, powers: tuple[int, ...] = (2, 3)
) -> tuple[float, float, tuple[int, int]]:
    """Ramsey's RESET in F form (as gretl): add powers of the fitted values to the model.

    The residual ``u`` is regressed on [X, f^2, f^3]; F = (drop in SSR / q) / (SSR / (n -
    k - q)). Powers are of the standardised fitted values: together with the intercept
    and X they span the same space as the raw powers, and are better conditioned. For OLS
    residuals this is exactly the test on y; for other residuals (a network's) it asks
    whether powers of its predictions still explain what is left.
    """
    f = np.asarray(fitted, dtype=np.float64)
    mu, sd = f.mean(), f.std()
    sd = sd if sd > 0 else 1.0

    def make_z(start: int, stop: int) -> np.ndarray:
        fs = (f[start:stop] - mu) / sd
        Z = np.empty((stop - start, len(powers)))
        for col, p in enumerate(powers):
            Z[:, col] = fs
            for _ in range(p - 1):
                Z[:, col] *= fs
        return Z

    fit = aux_regression(design, resid, make_z, len(powers))
    ssr_u = fit.tss - fit.ess
    q = fit.df_extra
    df2 = design.n - design.k1 - q
    if q == 0 or df2 <= 0 or ssr_u <= 0:
        raise ValueError("the powers of the fitted values add nothing")
    F = (fit.ess_extra / q) / (ssr_u / df2)
    return float(F), float(stats.f.sf(F, q, df2)), (q, df2)


@dataclass(frozen=True)
class Rainbow:
    """Rainbow result: F, p-value, df and the fit on the central rows."""

    statistic: float
    pvalue: float
    df: tuple[int, int]
    central: SubsetFit

    @property
    def rank_note(self) -> str:
        """A sentence when the central rows have lower rank than the design ('' otherwise)."""
        return rank_note("Rainbow", (("central", self.central),))


def central_start(n: int, frac: float) -> int:
    """First central row (0-based) of R's ``raintest`` in data order, centre 0.5.

    R takes ``ceiling(quantile(1:n, 0.5 - frac / 2))`` (type 7); this repeats that
    arithmetic step by step, so the rounding is R's too (checked for n = 3..400).
    """
    index = 1 + (n - 1) * (0.5 - frac / 2)
    lo, hi = math.floor(index), math.ceil(index)
    q = float(lo)
    if index > lo:
        h = index - lo
        q = (1 - h) * lo + h * hi
    return math.ceil(q) - 1


def rainbow(
    X: np.ndarray,
    y: np.ndarray,
    ssr_full: float,
    order: np.ndarray | None = None,
    frac: float = 0.5,
) -> Rainbow:
    """Utts' Rainbow test: does the model fit the central ``frac`` of the rows better?

    With ``order`` None the central rows in data order are used (as R's ``raintest``,
    see :func:`central_start`); otherwise rows are taken in ``order`` (by leverage, as
    ``raintest(order.by = "mahalanobis")``; use :func:`stable_order` so ties keep file
    order). Either way floor(``frac`` n) rows are kept.

    ``X`` must have full column rank. F = ((SSR - SSR_mid) / df1) / (SSR_mid / df2) with
    df1 = n - n_mid and df2 = n_mid - k, as R's ``raintest`` counts them, also when the
    central rows lose rank (SSR_mid still comes from the rank-revealing fit; the report
    names such a fit).

    Raises
    ------
    ValueError
        When the central fit has no residual degree of freedom.
    """
    n, k = X.shape
    size = int(np.floor(frac * n))  # as raintest: floor, also for an odd n
    if size - k < 1:
        raise ValueError("too few central rows")
    if order is None:
        lo = central_start(n, frac)
        mid = subset_fit(X[lo : lo + size], y[lo : lo + size])
    else:
        mid = subset_fit_rows(X, y, order[:size])
    df2 = size - k
    df1 = n - size
    if mid.ssr <= 0 or df1 < 1:
        raise ValueError("the central rows are fitted exactly")
    F = ((ssr_full - mid.ssr) / df1) / (mid.ssr / df2)
    return Rainbow(float(F), float(stats.f.sf(F, df1, df2)), (df1, df2), mid)


def recursive_residuals(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Standardised recursive residuals w_t, t = k+1..n (Brown, Durbin and Evans).

    w_t = (y_t - x_t' b_{t-1}) / sqrt(1 + x_t' (X_{t-1}' X_{t-1})^-1 x_t).

    Rows go in blocks of ``RECURSIVE_BLOCK``. A first, sequential pass only updates the
    QR factor of [X, y] block by block (one LAPACK call per block) and keeps the factor
    seen before each block. Given that prior fit, a block's one-step-ahead errors
    d = y_B - A b have covariance I + G G' (G = A R^-1), and their sequential
    standardised values -- the recursive residuals -- are L^-1 d with L L' = I + G G'.
    The second pass does that for all blocks at once with batched linear algebra.

    Raises
    ------
    ValueError
        When the first k rows do not determine the coefficients.
    """
    n, k = X.shape
    m = RECURSIVE_BLOCK
    first = qr_r(np.column_stack([X[:k], y[:k]]))
    diag = np.abs(np.diag(first[:k, :k]))
    if not np.isfinite(first).all() or diag.min() <= 1e-8 * max(diag.max(), 1e-300):
        raise ValueError("the first rows do not determine the fit")
    upper = np.triu(np.ones((k, k + 1)))
    work = np.zeros((k + m, k + 1), order="F")
    work[:k] = first[:k]
    out = np.empty(n - k)
    # Groups of blocks bound the memory: [X, y] rows, priors and (group, m, m) batches.
    rows_per_group = m * RECURSIVE_GROUP
    for g0 in range(k, n, rows_per_group):
        g1 = min(n, g0 + rows_per_group)
        Xy = np.empty((g1 - g0, k + 1))
        Xy[:, :k] = X[g0:g1]
        Xy[:, k] = y[g0:g1]
        starts = np.arange(0, g1 - g0, m)
        priors = np.empty((len(starts), k, k + 1))
        # One LAPACK call per block, in place; BLAS threads only slow such tiny calls.
        for j, t in enumerate(starts):
            priors[j] = work[:k]
            if t + m > len(Xy):  # last, short block: its update is never used
                break
            work[k:] = Xy[t : t + m]
            qr, _, _, _ = lapack.dgeqrf(work, overwrite_a=1)
            np.multiply(qr[:k], upper, out=work[:k])
        _block_innovations(Xy, priors, starts, m, k, out[g0 - k : g1 - k])
    return out


def _block_innovations(
    Xy: np.ndarray, priors: np.ndarray, starts: np.ndarray, m: int, k: int, out: np.ndarray
) -> None:
    """Recursive residuals of a run of consecutive blocks, batched (see above)."""
    n = Xy.shape[0]
    nb = len(priors)
    full = nb if starts[-1] + m <= n else nb - 1  # the last block may be short
    Rx = priors[:, :, :k]
    z = priors[:, :, k]
    if full:
        A = Xy[starts[0] : starts[0] + full * m].reshape(full, m, k + 1)
        _innovations(Rx[:full], z[:full], A[:, :, :k], A[:, :, k], out[: full * m].reshape(full, m))
    if full < nb:
        t = int(starts[-1])
        A = Xy[t:][None]
        _innovations(Rx[full:], z[full:], A[:, :, :k], A[:, :, k], out[full * m :][None])


def _innovations(
    Rx: np.ndarray, z: np.ndarray, A: np.ndarray, yb: np.ndarray, out: np.ndarray
) -> None:
    Rinv = np.linalg.inv(Rx)
    b = np.einsum("bij,bj->bi", Rinv, z)
    d = yb - np.einsum("bmk,bk->bm", A, b)
    G = np.matmul(A, Rinv)  # A R^-1: the block's rows in the prior's whitened coordinates
    V = np.matmul(G, np.swapaxes(G, 1, 2))
    idx = np.arange(V.shape[1])
    V[:, idx, idx] += 1.0
    L = np.linalg.cholesky(V)
    # Forward substitution, vectorised over the blocks (numpy has no batched trsv).
    for i in range(L.shape[1]):
        acc = np.einsum("bj,bj->b", L[:, i, :i], out[:, :i]) if i else 0.0
        out[:, i] = (d[:, i] - acc) / L[:, i, i]


def harvey_collier(X: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """Harvey-Collier t test: the mean of the recursive residuals (data order) is zero."""
    w = recursive_residuals(X, y)
    m = len(w)
    if m < 3:
        raise ValueError("too few rows")
    t = float(np.sqrt(m) * w.mean() / w.std(ddof=1))
    return t, float(2 * stats.t.sf(abs(t), m - 1)), m - 1


def harvey_collier_or_reason(X: np.ndarray, y: np.ndarray) -> tuple[float, float, int] | str:
    """Harvey-Collier's (t, p, df), or the reason it cannot be computed."""
    try:
        return harvey_collier(X, y)
    except ValueError:
        return (
            f"the first {X.shape[1]} rows in row order do not determine the coefficients "
            "(repeated or dependent rows), so recursive residuals cannot start."
        )


def linearity_tests(
    design: Design,
    resid: np.ndarray,
    fitted: np.ndarray,
    y: np.ndarray | None,
    leverage: np.ndarray,
    hc: tuple[float, float, int] | str | None = None,
) -> list[TestResult]:
    """RESET, Rainbow and Harvey-Collier; ``y`` None (a network) skips the OLS refits.

    ``hc`` is a Harvey-Collier result computed beforehand (it may run in a thread).
    """
    tests: list[TestResult] = []
    try:
        F, p, df = reset_test(design, resid, fitted)
        tests.append(
            p_test(
                "RESET",
                F,
                df,
                p,
                _MEANING + " (squares and cubes of the fitted values help)",
                _ADVICE,
            )
        )
    except ValueError:
        tests.append(
            not_applicable(
                "RESET",
                "the powers of the fitted values add nothing (too few rows or a constant fit).",
            )
        )
    if y is None:
        reason = "it refits OLS on part of the rows; a network cannot be refitted that way."
        tests.append(not_applicable("Rainbow", reason))
        tests.append(not_applicable("Harvey-Collier", reason))
        return tests
    ssr = float(resid @ resid)
    try:
        rb = rainbow(design.X, y, ssr, order=stable_order(leverage))
        details: dict[str, Any] = {"subset_rank": rb.central.rank}
        if rb.rank_note:
            details["note"] = rb.rank_note
        tests.append(
            p_test(
                "Rainbow",
                rb.statistic,
                rb.df,
                rb.pvalue,
                _MEANING + " (the central half of the rows, by leverage, fits better)",
                _ADVICE,
                details,
            )
        )
    except ValueError:
        tests.append(not_applicable("Rainbow", "too few rows to refit on the central half."))
    if hc is None:
        hc = harvey_collier_or_reason(design.X, y)
    if isinstance(hc, str):
        tests.append(not_applicable("Harvey-Collier", hc))
    else:
        t, p, df_t = hc
        tests.append(
            p_test(
                "Harvey-Collier",
                abs(t),  # |t|, as R's harvtest; the signed t (drift direction) in details
                df_t,
                p,
                _MEANING + " (recursive residuals in row order drift away from zero)",
                _ADVICE,
                {"t": t},
            )
        )
    return tests
