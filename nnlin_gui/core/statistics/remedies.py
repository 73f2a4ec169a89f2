"""Remedies for a failed OLS assumption, each a pure function of the data and its report.

Every remedy takes the design (features ``X`` without the intercept, target ``y``, feature
names) and the OLS :class:`~nnlin_gui.core.statistics.diagnostics.DiagnosticReport` of that
fit, and returns a :class:`RemedyResult`: the fit before and after (coefficients and
standard errors), the card's assumption judged before and after (the card re-run on the
remedied model), and one line saying exactly what was done. Nothing here changes the
caller's data: a remedy is an analysis of a copy.

The remedies and their conventions (R calls in ``tests/core/test_remedies.py``):

``hc3``
    OLS with White's HC3 standard errors (``sandwich::vcovHC(fm, type = "HC3")``); the
    residuals, so the homoskedasticity tests, are unchanged: the errors now allow for it.
``hac``
    OLS with Newey-West errors (Bartlett kernel, lag ``hac_lags`` or by default
    ``floor(4 (n/100)^(2/9))``, no prewhitening, no small-sample factor:
    ``sandwich::NeweyWest(fm, lag, prewhite = FALSE, adjust = FALSE)``); t(n - p) for t
    and p, as ``lmtest::coeftest``.
``fgls``
    Feasible GLS, the two-step estimator of Wooldridge (Introductory Econometrics, 8.4):
    regress ``log(e^2)`` on ``[1, X]`` (e the OLS residuals), ``h = exp(fitted)``, then
    weighted least squares with weights ``1/h`` (``lm(y ~ X, weights = 1/h)``). The card is
    re-run on the weighted residuals ``sqrt(w) e_wls`` against the original features, as
    for a network's residuals (tests that refit OLS say n/a).
``log``, ``boxcox``
    The target replaced by ``log(y)`` or by ``(y^lambda - 1)/lambda``; lambda maximises
    the profile log-likelihood of ``MASS::boxcox`` (``-n/2 log RSS`` of the target divided
    by its geometric mean), searched on MASS's grid ``seq(-2, 2, 0.1)`` and refined by a
    bounded search in [-2, 2] (``optimize`` in R); the 95% interval is where the
    log-likelihood is within ``qchisq(0.95, 1)/2`` of its maximum. Needs a positive target.
    Coefficients after are on the transformed scale.
``drop_influential``
    OLS without the rows whose Cook's distance exceeds ``4/n`` (the rows the influence
    card lists: the 50 largest at most), listed by their position.
``ridge``
    Ridge regression in ``MASS::lm.ridge``'s convention: centred target, features centred
    and divided by their standard deviation with divisor n, penalty ``lambda ||b||^2`` on
    those; lambda minimises lm.ridge's GCV ``RSS / (n - sum d^2/(d^2 + lambda))^2`` over
    ``[0, 1e4 * max d^2]`` (a log grid, then a bounded search). The card is re-run as the
    ridge VIFs of Marquardt (1970), ``diag((C + k I)^-1 C (C + k I)^-1)`` with ``C`` the
    correlation matrix and ``k = lambda / n``: at ``k = 0`` the usual VIFs. Ridge has no
    standard errors here.
``reset_squares``
    Adds squares of features: for each feature with more than two distinct values, the
    t test of its square added alone to the model; every square with raw p < 0.05 is
    added, and when none is, the one with the smallest p (so RESET's curvature is given
    a place). The linearity card is re-run on the enlarged model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnlin_gui.core.errors import DataError
from nnlin_gui.core.statistics.diagnostics.report import (
    AssumptionResult,
    DiagnosticReport,
    TestResult,
    make_assumption,
)
from nnlin_gui.core.statistics.remedy_estimators import (
    BoxCox,
    RidgeFit,
    boxcox_lambda,
    boxcox_transform,
    design,
    fgls_weights,
    ridge_gcv,
    ridge_vifs,
    square_tests,
)

__all__ = [
    "REMEDIES",
    "REMEDY_LABELS",
    "BoxCox",
    "FitSummary",
    "RemedyResult",
    "RidgeFit",
    "apply_remedy",
    "boxcox_lambda",
    "fgls_weights",
    "ridge_gcv",
]

# The remedies a card offers, the first being its default.
REMEDIES: dict[str, tuple[str, ...]] = {
    "collinearity": ("ridge",),
    "homoskedasticity": ("hc3", "fgls", "log", "boxcox"),
    "independence": ("hac",),
    "normality": ("boxcox", "log"),
    "linearity": ("reset_squares",),
    "influence": ("drop_influential",),
}
REMEDY_LABELS = {
    "hc3": "Robust (HC3) standard errors",
    "hac": "HAC (Newey-West) standard errors",
    "fgls": "WLS with estimated weights (FGLS)",
    "log": "Log of the target",
    "boxcox": "Box-Cox transform of the target",
    "drop_influential": "Drop the influential rows",
    "ridge": "Ridge regression (lambda by GCV)",
    "reset_squares": "Add the squares RESET points to",
}


@dataclass(frozen=True)
class FitSummary:
    """Coefficients (intercept first, ``"const"``) and their standard errors (None: none)."""

    label: str
    names: tuple[str, ...]
    params: tuple[float, ...]
    bse: tuple[float, ...] | None
    nobs: int

    def coefficient(self, name: str) -> tuple[float, float | None] | None:
        """(estimate, SE) of ``name``; None when this fit has no such term."""
        if name not in self.names:
            return None
        i = self.names.index(name)
        return self.params[i], (self.bse[i] if self.bse is not None else None)


@dataclass(frozen=True)
class RemedyResult:
    """A remedy applied to a copy: the fit and the card's assumption, before and after."""

    remedy: str
    assumption: str
    description: str
    before: FitSummary
    after: FitSummary
    assumption_before: AssumptionResult
    assumption_after: AssumptionResult
    dropped_rows: tuple[int, ...] = ()  # positions in the rows given
    added_columns: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


# -- the remedies ----------------------------------------------------------------------------


def _summary(res, label: str) -> FitSummary:
    return FitSummary(
        label,
        tuple(res.names),
        tuple(float(v) for v in res.params),
        tuple(float(v) for v in res.bse),
        int(res.nobs),
    )


def _names(names: Sequence[str] | None, k: int) -> tuple[str, ...]:
    return tuple(f"x{j + 1}" for j in range(k)) if names is None else tuple(map(str, names))


def _report_for(X, y, names) -> DiagnosticReport:
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols

    return diagnose_ols(X, y, names)


def _covariance(kind: str, X, y, names, report, hac_lags: int | None) -> RemedyResult:
    from nnlin_gui.core.statistics.regression import fit_ols

    assumption = "homoskedasticity" if kind == "hc3" else "independence"
    cov = "HC3" if kind == "hc3" else "HAC"
    before = fit_ols(X, y, names)
    after = fit_ols(X, y, names, cov_type=cov, hac_lags=hac_lags if cov == "HAC" else None)
    card = report.assumption(assumption)
    lags = ""
    if cov == "HAC":
        how = "as chosen" if hac_lags is not None else "the default floor(4 (n/100)^(2/9))"
        lags = f", lag {after.hac_lags} ({how}; Bartlett kernel, no prewhitening)"
    what = "heteroskedasticity" if cov == "HC3" else "autocorrelation"
    return RemedyResult(
        kind,
        assumption,
        f"Same coefficients, {cov} standard errors{lags}: the residuals (so the tests) are "
        f"unchanged, but t, p and intervals now allow for the {what}.",
        _summary(before, "OLS"),
        _summary(after, f"OLS, {cov} SE"),
        card,
        card,
        details={"cov_type": cov, **({"hac_lags": after.hac_lags} if cov == "HAC" else {})},
    )


def _fgls(X, y, names, report) -> RemedyResult:
    from nnlin_gui.core.statistics.diagnostics import diagnose_residuals
    from nnlin_gui.core.statistics.regression import fit_ols

    w = fgls_weights(X, y)
    before = fit_ols(X, y, names)
    after = fit_ols(X, y, names, weights=w)
    sw = np.sqrt(w)
    weighted = diagnose_residuals(X, sw * y, sw * after.fitted, names, source="fgls")
    return RemedyResult(
        "fgls",
        "homoskedasticity",
        "FGLS: log(e²) regressed on the features, weights 1/exp(fitted), then weighted "
        "least squares; the tests re-run on the weighted residuals √w·e.",
        _summary(before, "OLS"),
        _summary(after, "FGLS"),
        report.assumption("homoskedasticity"),
        weighted.assumption("homoskedasticity"),
        details={"weights_range": (float(w.min()), float(w.max()))},
    )


def _transform(kind: str, assumption: str, X, y, names, report) -> RemedyResult:
    from nnlin_gui.core.statistics.regression import fit_ols

    bc = boxcox_lambda(X, y)  # also refuses a target that is not positive
    lam = 0.0 if kind == "log" else bc.lambda_
    yt = boxcox_transform(y, lam)
    before = fit_ols(X, y, names)
    after = fit_ols(X, yt, names)
    rerun = _report_for(X, yt, names)
    if kind == "log":
        text = "The target replaced by log(y)"
        label = "OLS on log y"
    else:
        text = f"The target replaced by (y^λ − 1)/λ with λ = {lam:.4g}"
        label = f"OLS on Box-Cox y, λ {lam:.3g}"
    # An end at the search bound [-2, 2] is not the interval's end: it lies beyond.
    lo = "−2 or below" if bc.ci[0] <= -2.0 else f"{bc.ci[0]:.3g}"
    hi = "2 or above" if bc.ci[1] >= 2.0 else f"{bc.ci[1]:.3g}"
    text += (
        f" (Box-Cox profile likelihood: λ̂ = {bc.lambda_:.3g}, 95% interval "
        f"[{lo}, {hi}]); coefficients are on the new scale."
    )
    return RemedyResult(
        kind,
        assumption,
        text,
        _summary(before, "OLS"),
        _summary(after, label),
        report.assumption(assumption),
        rerun.assumption(assumption),
        details={"lambda": lam, "lambda_hat": bc.lambda_, "lambda_ci": bc.ci},
    )


def influential_rows(report: DiagnosticReport) -> tuple[int, ...]:
    """The rows the influence card lists under Cook's distance (D > 4/n; the card lists
    the 50 largest at most), in row order."""
    cook = report.assumption("influence").test("Cook's distance")
    return tuple(sorted(int(r) for r in cook.details.get("rows", [])))


def _drop(X, y, names, report) -> RemedyResult:
    from nnlin_gui.core.statistics.diagnostics.influence import MAX_LISTED
    from nnlin_gui.core.statistics.regression import fit_ols

    rows = influential_rows(report)
    if not rows:
        raise DataError("no row has a Cook's distance above 4/n; nothing to drop")
    keep = np.ones(len(y), dtype=bool)
    keep[list(rows)] = False
    before = fit_ols(X, y, names)
    after = fit_ols(X[keep], y[keep], names)
    rerun = _report_for(X[keep], y[keep], names)
    # The card lists at most MAX_LISTED rows: more may pass 4/n than are dropped.
    which = f"the {len(rows)} row(s) with Cook's distance above 4/n = {4 / len(y):.3g}"
    if len(rows) >= MAX_LISTED:
        which = (
            f"the {len(rows)} rows with the largest Cook's distances above 4/n = "
            f"{4 / len(y):.3g} (the card lists no more)"
        )
    return RemedyResult(
        "drop_influential",
        "influence",
        f"OLS without {which}; the card re-run on the {int(keep.sum())} rows left.",
        _summary(before, "OLS"),
        _summary(after, f"{len(rows)} rows dropped" if len(rows) > 1 else "1 row dropped"),
        report.assumption("influence"),
        rerun.assumption("influence"),
        dropped_rows=rows,
    )


def _ridge(X, y, names, report) -> RemedyResult:
    from nnlin_gui.core.statistics.diagnostics.collinearity import VIF_VIOLATED, VIF_WARNING
    from nnlin_gui.core.statistics.regression import fit_ols

    if X.shape[1] < 2:
        raise DataError("ridge needs at least two features to share a coefficient between")
    fit = ridge_gcv(X, y)
    k = fit.lam / len(y)
    vifs = ridge_vifs(X, k)
    tests = []
    for name, v in zip(names, vifs, strict=True):
        level = "violated" if v >= VIF_VIOLATED else "warning" if v >= VIF_WARNING else "ok"
        tests.append(
            TestResult(
                name=f"VIF ({name})",
                statistic=float(v),
                df=None,
                p_value=None,
                threshold={"warning": VIF_WARNING, "violated": VIF_VIOLATED},
                verdict=level,
                message=f"Ridge VIF of {name} at k = {k:.3g}: {v:.3g}.",
                details={"variable": name, "ridge_k": k},
            )
        )
    before = fit_ols(X, y, names)
    return RemedyResult(
        "ridge",
        "collinearity",
        f"Ridge (MASS::lm.ridge scaling) with λ = {fit.lam:.4g} chosen by GCV "
        f"(effective df {fit.df:.3g}); after: Marquardt's ridge VIFs at k = λ/n.",
        _summary(before, "OLS"),
        FitSummary(
            f"ridge, λ {fit.lam:.3g}",
            ("const", *names),
            tuple(float(c) for c in fit.coef),
            None,
            len(y),
        ),
        report.assumption("collinearity"),
        make_assumption("collinearity", tests),
        details={"lambda": fit.lam, "k": k, "gcv": fit.gcv, "df": fit.df},
    )


def _squares(X, y, names, report) -> RemedyResult:
    from nnlin_gui.core.statistics.regression import fit_ols

    tests = square_tests(X, y, names)
    if not tests:
        raise DataError("no feature has more than two values, so no square can be added")
    chosen = [name for name, p in tests if p < 0.05]
    how = "every square whose t test, added alone, has p < 0.05"
    if not chosen:
        chosen = [min(tests, key=lambda t: t[1])[0]]
        how = "no square had p < 0.05 alone; the one with the smallest p"
    cols = [X[:, list(names).index(n)] ** 2 for n in chosen]
    added = tuple(f"{n}^2" for n in chosen)
    X2 = np.column_stack([X, *cols])
    names2 = (*names, *added)
    before = fit_ols(X, y, names)
    after = fit_ols(X2, y, names2)
    rerun = _report_for(X2, y, names2)
    return RemedyResult(
        "reset_squares",
        "linearity",
        f"Added {', '.join(added)} ({how}); the linearity card re-run on the larger model.",
        _summary(before, "OLS"),
        _summary(after, "with squares"),
        report.assumption("linearity"),
        rerun.assumption("linearity"),
        added_columns=added,
        details={"square_pvalues": dict(tests)},
    )


def apply_remedy(
    remedy: str,
    X,
    y,
    names: Sequence[str] | None = None,
    report: DiagnosticReport | None = None,
    *,
    assumption: str | None = None,
    hac_lags: int | None = None,
) -> RemedyResult:
    """Apply ``remedy`` (a key of :data:`REMEDY_LABELS`) to a copy of ``X``, ``y``.

    ``report`` is the OLS report of ``X``, ``y`` (computed when not given); ``assumption``
    names the card for remedies two cards share (``log``, ``boxcox``: homoskedasticity or
    normality). Raises ``DataError`` with one sentence when the remedy does not apply.
    """
    X = np.array(design(X), dtype=np.float64)
    y = np.array(y, dtype=np.float64).ravel()
    names = _names(names, X.shape[1])
    if report is None:
        report = _report_for(X, y, names)
    if remedy in ("hc3", "hac"):
        return _covariance(remedy, X, y, names, report, hac_lags)
    if remedy == "fgls":
        return _fgls(X, y, names, report)
    if remedy in ("log", "boxcox"):
        return _transform(remedy, assumption or "normality", X, y, names, report)
    if remedy == "drop_influential":
        return _drop(X, y, names, report)
    if remedy == "ridge":
        return _ridge(X, y, names, report)
    if remedy == "reset_squares":
        return _squares(X, y, names, report)
    raise DataError(f"unknown remedy {remedy!r}; choose from {', '.join(REMEDY_LABELS)}")
