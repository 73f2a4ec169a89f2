"""Collinearity: VIF and tolerance, condition numbers and indices, correlation matrix.

All of it comes from the R factor of the design (intercept first): the lower-right
block of R is the R factor of the centred regressors, so the correlation matrix, its
inverse (whose diagonal is the VIFs) and its singular values need no pass over the rows.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from nnlin_gui.core.statistics.diagnostics._linalg import Design
from nnlin_gui.core.statistics.diagnostics.report import (
    AssumptionResult,
    TestResult,
    make_assumption,
)

VIF_WARNING = 5.0
VIF_VIOLATED = 10.0
COND_WARNING = 10.0
COND_VIOLATED = 30.0


class CollinearityNumbers(TypedDict):
    """What ``collinearity_numbers`` returns (a plain dict)."""

    vif: np.ndarray
    tolerance: np.ndarray
    corr: np.ndarray
    cond_std: float
    cond_indices_std: np.ndarray
    cond_raw: float
    cond_indices_raw: np.ndarray


def collinearity_numbers(design: Design) -> CollinearityNumbers:
    """VIFs, correlation matrix and condition numbers of a design (intercept first).

    Returns
    -------
    dict
        ``vif``, ``tolerance`` (per regressor), ``corr`` (k x k), ``cond_std`` (condition
        number of the centred and scaled regressors, i.e. sqrt of the ratio of extreme
        eigenvalues of the correlation matrix), ``cond_indices_std``, ``cond_raw``
        (Belsley: columns of [1, X] scaled to unit length, not centred) and
        ``cond_indices_raw``.
    """
    R22 = design.R[1:, 1:]
    col_norm = np.sqrt(np.sum(R22**2, axis=0))  # norms of the centred columns
    Rs = R22 / col_norm  # R factor of the centred, unit-length columns
    corr = Rs.T @ Rs
    Rs_inv = np.linalg.inv(Rs)
    vif = np.sum(Rs_inv**2, axis=1)  # diag((Rs' Rs)^-1) = row norms of Rs^-1
    s_std = np.linalg.svd(Rs, compute_uv=False)
    Xn = np.sqrt(np.sum(design.R**2, axis=0))  # raw column norms, from R
    s_raw = np.linalg.svd(design.R / Xn, compute_uv=False)
    return {
        "vif": vif,
        "tolerance": 1.0 / vif,
        "corr": corr,
        "cond_std": float(s_std[0] / s_std[-1]),
        "cond_indices_std": s_std[0] / s_std,
        "cond_raw": float(s_raw[0] / s_raw[-1]),
        "cond_indices_raw": s_raw[0] / s_raw,
    }


def _level(value: float, warn: float, bad: float) -> str:
    if value >= bad:
        return "violated"
    if value >= warn:
        return "warning"
    return "ok"


def collinearity(design: Design) -> AssumptionResult:
    """The collinearity assumption: one VIF test per regressor and the condition numbers."""
    num = collinearity_numbers(design)
    names = design.names
    tests: list[TestResult] = []
    vif = num["vif"]
    for name, v in zip(names, vif, strict=True):
        verdict = _level(float(v), VIF_WARNING, VIF_VIOLATED)
        if verdict == "ok":
            msg = (
                f"VIF of {name} is {v:.3g}: its coefficient's variance is inflated "
                f"{v:.3g} times by the other features, which is harmless."
            )
        else:
            msg = (
                f"VIF of {name} is {v:.3g}: the other features predict it well "
                f"(R² = {1 - 1 / v:.3f}), so its coefficient is unstable; drop or combine "
                "the features that overlap with it, or use ridge regression."
            )
        tests.append(
            TestResult(
                name=f"VIF ({name})",
                statistic=float(v),
                df=None,
                p_value=None,
                threshold={"warning": VIF_WARNING, "violated": VIF_VIOLATED},
                verdict=verdict,
                message=msg,
                details={"variable": name, "tolerance": float(1.0 / v)},
            )
        )
    cs = float(num["cond_std"])
    verdict = _level(cs, COND_WARNING, COND_VIOLATED) if len(names) > 1 else "ok"
    tests.append(
        TestResult(
            name="Condition number (standardised)",
            statistic=cs,
            df=None,
            p_value=None,
            threshold={"warning": COND_WARNING, "violated": COND_VIOLATED},
            verdict=verdict,
            message=(
                f"Condition number of the centred and scaled features is {cs:.3g}: "
                + (
                    "no near-dependency among the features."
                    if verdict == "ok"
                    else "some combination of features is nearly constant; look at the "
                    "largest VIFs and drop or combine those features."
                )
            ),
            details={
                "condition_indices": num["cond_indices_std"],
                "correlation": num["corr"],
                "names": list(names),
            },
        )
    )
    cr = float(num["cond_raw"])
    raw_verdict = "warning" if cr >= COND_VIOLATED and verdict == "ok" else verdict
    tests.append(
        TestResult(
            name="Condition number (raw, Belsley)",
            statistic=cr,
            df=None,
            p_value=None,
            threshold={"warning": COND_VIOLATED},
            verdict=raw_verdict,
            message=(
                f"Condition number of the unit-scaled design with intercept is {cr:.3g}"
                + (
                    "; fine."
                    if cr < COND_VIOLATED
                    else (
                        ", but the standardised one is small: the features sit far from "
                        "zero, which only blurs the intercept; centre them if that matters."
                        if verdict == "ok"
                        else ": the features are nearly dependent (see the VIFs)."
                    )
                )
            ),
            details={"condition_indices": num["cond_indices_raw"]},
        )
    )
    return make_assumption("collinearity", tests)
