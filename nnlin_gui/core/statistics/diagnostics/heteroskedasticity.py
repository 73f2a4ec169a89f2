"""Homoskedasticity: Breusch-Pagan (Koenker and classic), White, Goldfeld-Quandt.

The auxiliary regressions reuse the design's QR (see ``_linalg.aux_regression``);
White's products are built block by block, so even 1,000,000 rows x 10 features never
hold the 66-column auxiliary design in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from nnlin_gui.core.statistics.diagnostics._linalg import (
    Design,
    SubsetFit,
    aux_regression,
    aux_regression_gram,
    rank_note,
    subset_fit_rows,
)
from nnlin_gui.core.statistics.diagnostics.report import TestResult, not_applicable, p_test

# White with cross terms while n * (extra columns)^2 stays below this (about 1 s here).
WHITE_WORK_LIMIT = 4e9

_MEANING = "variance that changes with the features (heteroskedasticity)"
_ADVICE = (
    "the coefficients are still unbiased but their standard errors are wrong: use "
    "robust (HC3) standard errors, transform the target (log), or model the variance."
)


def breusch_pagan(design: Design, resid: np.ndarray) -> tuple[float, float, float, float, int]:
    """Breusch-Pagan tests of e^2 on the features.

    Returns
    -------
    koenker, p_koenker, classic, p_classic, df
        Koenker's studentised LM = n R^2 (as R's ``bptest``), and the original statistic
        ESS / 2 of e^2 / sigma^2 (sigma^2 = SSR / n), which assumes normal errors.
    """
    n = design.n
    e2 = resid**2
    fit = aux_regression(design, e2)
    df = design.k1 - 1
    koenker = n * fit.r2
    sigma2 = float(e2.mean())
    classic = fit.ess / sigma2**2 / 2.0
    return koenker, stats.chi2.sf(koenker, df), classic, stats.chi2.sf(classic, df), df


def white_plan(n: int, k: int) -> tuple[bool, str]:
    """Whether White's test can use the cross terms, and why not when it cannot."""
    m_full = k * (k + 1) // 2
    if n * m_full**2 <= WHITE_WORK_LIMIT and n - (k + 1 + m_full) >= 10:
        return True, ""
    return False, (
        f"with {k} features the full White test needs {m_full + k + 1} auxiliary columns, "
        "too many for these rows, so only squares (no cross products) were used"
    )


def white(design: Design, resid: np.ndarray, cross: bool = True) -> tuple[float, float, int]:
    """White's test: n R^2 of e^2 on the features, their squares and (if ``cross``) products.

    Products are taken of the centred and scaled features, which span the same space as
    the raw products together with the features and the intercept, but are far better
    conditioned. Columns that duplicate others (a squared dummy) drop out of the df.
    """
    k = design.k1 - 1
    if cross:
        i0, i1 = np.triu_indices(k)
    else:
        i0 = i1 = np.arange(k)
    pairs = [(int(a) + 1, int(b) + 1) for a, b in zip(i0, i1, strict=True)]

    def make_z(Xb: np.ndarray, out: np.ndarray) -> None:
        for col, (a, b) in enumerate(pairs):
            np.multiply(Xb[:, a], Xb[:, b], out=out[:, col])

    fit = aux_regression_gram(design, resid**2, make_z, len(pairs))
    df = k + fit.df_extra
    lm = design.n * fit.r2
    return lm, stats.chi2.sf(lm, df), df


@dataclass(frozen=True)
class GoldfeldQuandt:
    """Goldfeld-Quandt result: F, p-value, df (high, low) and the two part fits."""

    statistic: float
    pvalue: float
    df: tuple[int, int]
    low: SubsetFit
    high: SubsetFit

    @property
    def rank_note(self) -> str:
        """A sentence when a part has lower rank than the design ('' otherwise)."""
        return rank_note("Goldfeld-Quandt", (("low", self.low), ("high", self.high)))


def goldfeld_quandt(
    X: np.ndarray,
    y: np.ndarray,
    order: np.ndarray | None = None,
    fraction: float = 0.0,
    alternative: str = "two-sided",
) -> GoldfeldQuandt:
    """Goldfeld-Quandt F test, split as R's ``lmtest::gqtest`` with ``point = 0.5``.

    Rows are put in ``order`` (default: as given; pass :func:`stable_order` of the sort
    key so ties keep file order), the central ``fraction`` is dropped, OLS is fitted to
    each part by a rank-revealing solve, and F = (SSR2 / df2) / (SSR1 / df1) is compared
    with F(df2, df1) -- the degrees of freedom in that order (statsmodels swaps them).
    Each df is rows minus the number of columns, as ``gqtest`` counts them, also when a
    part is rank-deficient (its SSR still comes from the rank-revealing fit; the report
    names such parts).

    Raises
    ------
    ValueError
        When a part has no residual degree of freedom.
    """
    n, k = X.shape
    if order is None:
        order = np.arange(n)
    p1 = int(np.floor((0.5 - fraction / 2) * n))
    p2 = int(np.ceil((0.5 + fraction / 2) * n + 0.01))
    if p1 < k + 1 or p2 > n - k:
        raise ValueError("too few rows in each half for the Goldfeld-Quandt test")
    low = subset_fit_rows(X, y, order[:p1])
    high = subset_fit_rows(X, y, order[p2 - 1 :])
    df1, df2 = p1 - k, n - p2 + 1 - k
    if low.ssr <= 0 or high.ssr <= 0:
        raise ValueError("a part is fitted exactly")
    f = (high.ssr / df2) / (low.ssr / df1)
    upper = stats.f.sf(f, df2, df1)
    lower = stats.f.cdf(f, df2, df1)
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    else:
        p = min(1.0, 2 * min(upper, lower))
    return GoldfeldQuandt(float(f), float(p), (df2, df1), low, high)


def white_auto(design: Design, resid: np.ndarray) -> tuple[float, float, int, bool, str]:
    """White's test with cross terms when affordable: (LM, p, df, cross, why not)."""
    cross, why = white_plan(design.n, design.k1 - 1)
    lm, p, df = white(design, resid, cross=cross)
    return lm, p, df, cross, why


def homoskedasticity_tests(
    design: Design,
    resid: np.ndarray,
    order: np.ndarray,
    y: np.ndarray | None,
    white_result: tuple[float, float, int, bool, str] | None = None,
) -> tuple[list[TestResult], list[str]]:
    """All homoskedasticity tests; ``order`` sorts the fitted values; ``y`` is None for a
    network (no OLS refits); ``white_result`` is :func:`white_auto`'s, when computed
    beforehand (it may run in a thread)."""
    notes: list[str] = []
    koenker, pk, classic, pc, df = breusch_pagan(design, resid)
    tests = [
        p_test("Breusch-Pagan (Koenker)", koenker, df, pk, _MEANING, _ADVICE),
        p_test("Breusch-Pagan", classic, df, pc, _MEANING, _ADVICE),
    ]
    if white_result is None:
        white_result = white_auto(design, resid)
    lm, pw, dfw, cross, why = white_result
    name = "White" if cross else "White (squares only)"
    details: dict[str, Any] = {} if cross else {"reduced": why}
    if not cross:
        notes.append(f"White: {why}.")
    tests.append(p_test(name, lm, dfw, pw, _MEANING, _ADVICE, details))
    if y is None:
        tests.append(
            not_applicable(
                "Goldfeld-Quandt",
                "it refits OLS on the low and high halves; a network's residuals cannot "
                "be refitted that way.",
            )
        )
    else:
        try:
            gq = goldfeld_quandt(design.X, y, order, fraction=0.2)
            details = {"subset_ranks": {"low": gq.low.rank, "high": gq.high.rank}}
            if gq.rank_note:
                details["note"] = gq.rank_note
            tests.append(
                p_test(
                    "Goldfeld-Quandt",
                    gq.statistic,
                    gq.df,
                    gq.pvalue,
                    "different residual variance for low and high fitted values "
                    "(rows ordered by fitted value, middle 20% dropped)",
                    _ADVICE,
                    details,
                )
            )
        except ValueError:
            tests.append(
                not_applicable(
                    "Goldfeld-Quandt", "too few rows (or residual df) to fit OLS on each half."
                )
            )
    return tests, notes
