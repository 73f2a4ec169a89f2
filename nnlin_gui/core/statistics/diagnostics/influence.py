"""Influence: leverage, Cook's distance, studentised residuals, DFFITS, DFBETAS.

All closed form from the QR of the design (no refit per row): with h_i = ||q_i||^2,
s_(i)^2 = (SSR - e_i^2 / (1 - h_i)) / (n - p - 1) and b - b_(i) = R^-1 q_i e_i / (1 - h_i).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.linalg import solve_triangular

from nnlin_gui.core.statistics.diagnostics._linalg import Design
from nnlin_gui.core.statistics.diagnostics.report import TestResult, not_applicable, p_test

COOK_WARNING = 0.5
COOK_VIOLATED = 1.0
MAX_LISTED = 50


@dataclass(frozen=True)
class Influence:
    """Per-row influence measures of an OLS fit (arrays of length n; dfbetas n x p)."""

    leverage: np.ndarray
    studentized_internal: np.ndarray
    studentized_external: np.ndarray
    cooks_distance: np.ndarray
    dffits: np.ndarray
    dfbetas: np.ndarray


def leverage(design: Design) -> np.ndarray:
    """Hat values h_i = diag(X (X'X)^-1 X') = row sums of Q^2."""
    return np.einsum("ij,ij->i", design.Q, design.Q)


def influence_measures(design: Design, resid: np.ndarray, with_dfbetas: bool = True) -> Influence:
    """Closed-form influence measures of the OLS fit with residuals ``resid``.

    Rows with leverage 1 (a row the fit passes through by construction) get NaN for
    the measures that divide by 1 - h.
    """
    n, p = design.n, design.k1
    h = leverage(design)
    e = resid
    ssr = float(e @ e)
    one_h = 1.0 - h
    ok = one_h > 1e-12
    inv = np.divide(1.0, one_h, out=np.full(n, np.nan), where=ok)  # 1 / (1 - h)
    s = np.sqrt(ssr / (n - p))
    root_inv = np.sqrt(inv)
    r = e * root_inv / s  # internally studentised
    s_del2 = (ssr - e * e * inv) / (n - p - 1)  # variance without row i
    s_del2[~(s_del2 > 0)] = np.nan  # a row that is the whole residual: undefined
    inv_s_del = 1.0 / np.sqrt(s_del2)
    t = e * root_inv * inv_s_del  # externally studentised
    cooks = r * r * h * inv / p
    dffits = t * np.sqrt(h * inv)
    if with_dfbetas:
        Rinv = solve_triangular(design.R, np.eye(p))
        # row i of Q Rinv' is ((X'X)^-1 x_i)'; scale columns by 1 / sqrt((X'X)^-1_jj)
        M = (Rinv / np.sqrt(np.sum(Rinv**2, axis=1))[:, None]).T
        dfbetas = design.Q @ M
        dfbetas *= (e * inv * inv_s_del)[:, None]
    else:
        dfbetas = np.empty((0, p))
    return Influence(h, r, t, cooks, dffits, dfbetas)


def _top(values: np.ndarray, limit: float) -> list[int]:
    idx = np.flatnonzero(np.abs(values) > limit)
    if len(idx) > MAX_LISTED:
        idx = idx[np.argsort(-np.abs(values[idx]), kind="stable")[:MAX_LISTED]]
    return sorted(int(i) for i in idx)


def _nanmax_abs(x: np.ndarray) -> float:
    """Largest absolute value, ignoring NaN (rows with leverage 1)."""
    if x.size == 0:
        return 0.0
    m = float(np.fmax.reduce(np.abs(x), axis=None))
    return m if np.isfinite(m) else 0.0


def influence_tests(infl: Influence, design: Design) -> list[TestResult]:
    """Verdicts on influence for an OLS fit.

    Only Cook's distance above 0.5 / 1 and the Bonferroni outlier test can fail; rows
    past the usual rules of thumb (2p/n, 2 sqrt(p/n), 2/sqrt(n)) are listed but expected
    in clean data (about 5% of rows each), so they do not change the verdict.
    """
    n, p = design.n, design.k1
    tests: list[TestResult] = []
    cmax = _nanmax_abs(infl.cooks_distance)
    n_half = int(np.sum(infl.cooks_distance > COOK_WARNING))
    verdict = "violated" if cmax > COOK_VIOLATED else "warning" if cmax > COOK_WARNING else "ok"
    tests.append(
        TestResult(
            name="Cook's distance",
            statistic=cmax,
            df=None,
            p_value=None,
            threshold={"warning": COOK_WARNING, "violated": COOK_VIOLATED, "list": 4.0 / n},
            verdict=verdict,
            message=(
                f"Largest Cook's distance is {cmax:.3g}: "
                + (
                    "no single row moves the fit much."
                    if verdict == "ok"
                    else f"{n_half} row(s) move the fit a lot on their own; check them for "
                    "errors and refit without them to see how much the answer changes."
                )
            ),
            details={"rows": _top(infl.cooks_distance, 4.0 / n)},
        )
    )
    t = infl.studentized_external
    tmax = _nanmax_abs(t)
    p_bonf = min(1.0, n * 2.0 * float(stats.t.sf(tmax, n - p - 1))) if n - p - 1 > 0 else 1.0
    tests.append(
        p_test(
            "Outlier test (studentized residual)",
            tmax,
            n - p - 1,
            p_bonf,
            "an outlier (largest externally studentised residual, Bonferroni-corrected)",
            "check that row for a data error; if it is real, report results with and without it.",
            {"rows": _top(t, 3.0), "list": 3.0},
        )
    )
    tests.append(
        _leverage_test(
            infl.leverage,
            p,
            lambda hmax, n_h, h_lim, hv: (
                f"Largest leverage is {hmax:.3g}; {n_h} row(s) exceed 2p/n = {h_lim:.3g}, "
                + (
                    "normal for clean data (unusual feature values, not bad fits)."
                    if hv == "ok"
                    else "and some rows sit far from the others in feature space and pull "
                    "the fit towards themselves; check them."
                )
            ),
        )
    )
    f_lim = 2.0 * np.sqrt(p / n)
    n_f = int(np.sum(np.abs(infl.dffits) > f_lim))
    tests.append(
        TestResult(
            name="DFFITS",
            statistic=_nanmax_abs(infl.dffits),
            df=None,
            p_value=None,
            threshold={"list": float(f_lim)},
            verdict="ok",
            message=(
                f"{n_f} row(s) change their own fitted value by more than 2 sqrt(p/n) = "
                f"{f_lim:.3g} standard errors when left out; a few percent is normal."
            ),
            details={"rows": _top(infl.dffits, f_lim), "count": n_f},
        )
    )
    if infl.dfbetas.size:
        b_lim = 2.0 / np.sqrt(n)
        dfb = np.abs(infl.dfbetas)
        n_b = int(np.count_nonzero(dfb.max(axis=1) > b_lim))  # NaN rows compare False
        col_max = np.fmax.reduce(dfb, axis=0)
        per_coef = {
            name: float(v) if np.isfinite(v) else None
            for name, v in zip(("const",) + design.names, col_max, strict=True)
        }
        tests.append(
            TestResult(
                name="DFBETAS",
                statistic=float(np.fmax.reduce(col_max)),
                df=None,
                p_value=None,
                threshold={"list": float(b_lim)},
                verdict="ok",
                message=(
                    f"{n_b} row(s) move some coefficient by more than 2/sqrt(n) = "
                    f"{b_lim:.3g} standard errors when left out; a few percent is normal."
                ),
                details={"max_per_coefficient": per_coef, "count": n_b},
            )
        )
    return tests


def _leverage_test(h: np.ndarray, p: int, message) -> TestResult:
    """Leverage: rows past 2p/n are listed; a warning only past max(0.5, 3p/n).
    ``message(hmax, n_over, limit, verdict)`` words it for OLS or for a network."""
    n = len(h)
    hmax = float(h.max())
    h_lim = 2.0 * p / n
    n_h = int(np.sum(h > h_lim))
    warn = max(0.5, 3.0 * p / n)
    hv = "warning" if hmax > warn else "ok"
    return TestResult(
        name="Leverage",
        statistic=hmax,
        df=None,
        p_value=None,
        threshold={"list": h_lim, "warning": warn},
        verdict=hv,
        message=message(hmax, n_h, h_lim, hv),
        details={"rows": _top(h, h_lim), "count": n_h},
    )


def network_influence_tests(design: Design, resid: np.ndarray) -> list[TestResult]:
    """Influence for a network's residuals: leverage (a property of the inputs) and the
    largest standardised residual; deletion measures would need one retraining per row."""
    n, p = design.n, design.k1
    sd = float(resid.std(ddof=1))
    z = (resid - resid.mean()) / sd if sd > 0 else np.zeros_like(resid)
    zmax = _nanmax_abs(z)
    p_bonf = min(1.0, n * 2.0 * float(stats.norm.sf(zmax)))
    reason = (
        "deletion measures refit the model without each row; for a network that means "
        "one retraining per row."
    )
    return [
        not_applicable("Cook's distance", reason),
        p_test(
            "Outlier test (standardized residual)",
            zmax,
            None,
            p_bonf,
            "an outlier (largest standardised residual, Bonferroni-corrected, normal reference)",
            "check that row for a data error; if it is real, report results with and without it.",
            {"rows": _top(z, 3.0)},
        ),
        _leverage_test(
            leverage(design),
            p,
            lambda hmax, n_h, h_lim, hv: (
                f"Largest leverage of the inputs is {hmax:.3g} (a property of the features, "
                "the same for any model); "
                + ("no row is far from the others." if hv == "ok" else "some rows are far out.")
            ),
        ),
        not_applicable("DFFITS", reason),
        not_applicable("DFBETAS", reason),
    ]
