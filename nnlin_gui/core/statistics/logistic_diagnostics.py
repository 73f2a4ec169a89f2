"""Diagnostics of a binary logistic regression: ROC curve, binned residuals, confusion
matrix, the Hosmer-Lemeshow table, and influence.

Each piece follows a named R reference (the tests record the calls and the values):

- ROC: every distinct fitted probability as a threshold (predict 1 when p >= t), tied
  rows moving together, so the curve's trapezoid area is the Mann-Whitney AUC with ties
  counting one half (``pROC::roc(y, p, direction = "<")`` gives the same points).
- Binned residuals: ``arm::binned.resids(fitted, y - fitted, nclass)`` (Gelman and Hill
  2007, section 5.6): bins of the sorted fitted values cut half-way between neighbours,
  per bin the mean fitted value, the mean residual and 2 sd / sqrt(n); ``nclass`` as
  ``arm::binnedplot`` chooses it (sqrt(n) from 100 rows, n / 10 from 11, n / 2 below).
- Hosmer-Lemeshow: the groups of ``ResourceSelection::hoslem.test(y, p, g = 10)`` with
  their observed and expected counts (the statistic is ``regression.hosmer_lemeshow``'s).
- Influence: R's ``influence.measures`` for a ``glm``: hat values of the IRLS weighted
  design (``hatvalues``), Pearson and deviance residuals, ``rstandard`` (deviance
  residual / sqrt(1 - h)) and ``cooks.distance`` = r_P^2 h / (p (1 - h)^2); rows with a
  Cook's distance above 4 / n are flagged.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.statistics.regression import (
    LogisticResult,
    _r_quantile7,
    fit_logistic,
    hosmer_lemeshow,
)

MAX_FLAGGED = 50  # rows listed by name (the largest Cook's distances)


# -- ROC ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RocCurve:
    """Points of the ROC curve from (0, 0) to (1, 1).

    ``thresholds[i]`` predicts 1 for scores at or above it (``inf`` first: nothing
    predicted 1); ``fpr``/``tpr`` are the false and true positive rates there.
    """

    thresholds: np.ndarray
    fpr: np.ndarray
    tpr: np.ndarray
    auc: float


def roc_curve(y, score) -> RocCurve:
    """The ROC curve of ``score`` for the 0/1 labels ``y`` (both classes present).

    Rows with equal scores cross the threshold together, so ties give a diagonal step and
    the trapezoid area equals the Mann-Whitney AUC (ties count one half).
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    s = np.asarray(score, dtype=np.float64).ravel()
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    n1 = float(np.sum(y_sorted == 1))
    n0 = float(len(y_sorted) - n1)
    if n1 == 0 or n0 == 0:
        raise ValueError("the ROC curve needs both classes")
    # The last row of every run of equal scores closes that threshold.
    last = np.flatnonzero(np.r_[s_sorted[1:] != s_sorted[:-1], True])
    tp = np.cumsum(y_sorted == 1)[last].astype(np.float64)
    fp = (last + 1) - tp
    tpr = np.r_[0.0, tp / n1]
    fpr = np.r_[0.0, fp / n0]
    thresholds = np.r_[np.inf, s_sorted[last]]
    auc = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    return RocCurve(thresholds, fpr, tpr, auc)


# -- binned residuals -----------------------------------------------------------------------


@dataclass(frozen=True)
class BinnedResiduals:
    """``arm::binned.resids`` columns, one entry per bin (bins sorted by fitted value)."""

    mean_fitted: np.ndarray  # xbar
    mean_residual: np.ndarray  # ybar
    count: np.ndarray  # n
    lo: np.ndarray  # x.lo: smallest fitted value in the bin
    hi: np.ndarray  # x.hi
    two_se: np.ndarray  # 2 sd(residuals in the bin) / sqrt(n)

    @property
    def outside(self) -> int:
        """Bins whose mean residual lies outside their ±2 SE band."""
        return int(np.sum(np.abs(self.mean_residual) > self.two_se))


def default_bins(n: int) -> int:
    """The number of bins ``arm::binnedplot`` uses for ``n`` rows."""
    if n >= 100:
        return int(np.floor(np.sqrt(n)))
    if n > 10:
        return n // 10
    return max(1, n // 2)


def binned_residuals(fitted, residual, n_bins: int | None = None) -> BinnedResiduals:
    """Mean residual per bin of fitted values, as ``arm::binned.resids(x, y, nclass)``.

    Cut points lie half-way between the sorted fitted values at positions
    ``floor(n i / nclass)``; a run of ties moves its cut below the run, so equal fitted
    values share a bin. Bins no row falls into are left out.
    """
    x = np.asarray(fitted, dtype=np.float64).ravel()
    r = np.asarray(residual, dtype=np.float64).ravel()
    n = len(x)
    nclass = default_bins(n) if n_bins is None else int(n_bins)
    xs = np.sort(x)
    index = np.floor(n * np.arange(1, nclass) / nclass).astype(np.intp)  # 1-based in R
    if np.any(index == 0):
        nclass = 1
    breaks = [-np.inf]
    if nclass > 1:
        x_min = xs[0]
        for i in index:
            lo, hi = xs[i - 1], xs[i]
            if lo == hi:
                lo = -np.inf if lo == x_min else xs[np.searchsorted(xs, lo, side="left") - 1]
            breaks.append((lo + hi) / 2.0)
    breaks.append(np.inf)
    cuts = np.array(list(dict.fromkeys(breaks)))  # unique(), keeping R's order
    # cut(x, breaks): intervals (a, b]
    code = np.searchsorted(cuts, x, side="left") - 1
    k = len(cuts) - 1
    count = np.bincount(code, minlength=k).astype(np.float64)
    used = count > 0
    sum_x = np.bincount(code, weights=x, minlength=k)
    sum_r = np.bincount(code, weights=r, minlength=k)
    mean_x = np.divide(sum_x, count, out=np.zeros(k), where=used)
    mean_r = np.divide(sum_r, count, out=np.zeros(k), where=used)
    dev2 = np.bincount(code, weights=(r - mean_r[code]) ** 2, minlength=k)
    sd = np.sqrt(np.divide(dev2, count - 1, out=np.zeros(k), where=count > 1))
    lo_x = np.full(k, np.inf)
    hi_x = np.full(k, -np.inf)
    np.minimum.at(lo_x, code, x)
    np.maximum.at(hi_x, code, x)
    two_se = 2.0 * sd / np.sqrt(np.where(used, count, 1.0))
    return BinnedResiduals(
        mean_x[used], mean_r[used], count[used], lo_x[used], hi_x[used], two_se[used]
    )


# -- Hosmer-Lemeshow --------------------------------------------------------------------------


@dataclass(frozen=True)
class HosmerLemeshowTable:
    """The groups of the Hosmer-Lemeshow test and its result.

    Group i holds the fitted values in (``lower[i]``, ``upper[i]``] (the first group
    includes its lower end); ``observed``/``expected`` count the 1s (events) and
    ``count`` the rows. Groups no row falls into are left out.
    """

    lower: np.ndarray
    upper: np.ndarray
    count: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    statistic: float
    df: int
    pvalue: float
    groups: int


def hosmer_lemeshow_table(y, fitted, groups: int = 10) -> HosmerLemeshowTable | None:
    """Observed and expected events per group, grouped as ``hoslem.test(y, fitted, g)``
    (None when every fitted value is the same)."""
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(fitted, dtype=np.float64).ravel()
    test = hosmer_lemeshow(y, p, groups)
    if test is None:
        return None
    cuts = np.unique(_r_quantile7(p, np.arange(groups + 1) * (1.0 / groups)))
    code = np.clip(np.searchsorted(cuts, p, side="left") - 1, 0, len(cuts) - 2)
    k = len(cuts) - 1
    count = np.bincount(code, minlength=k).astype(np.float64)
    used = count > 0
    observed = np.bincount(code, weights=y, minlength=k)
    expected = np.bincount(code, weights=p, minlength=k)
    return HosmerLemeshowTable(
        cuts[:-1][used],
        cuts[1:][used],
        count[used],
        observed[used],
        expected[used],
        float(test["statistic"]),
        int(test["df"]),
        float(test["pvalue"]),
        int(test["groups"]),
    )


def hosmer_lemeshow_verdict(table: HosmerLemeshowTable | None) -> str:
    """One plain sentence on what the Hosmer-Lemeshow p-value says (below 0.05: a poor fit)."""
    if table is None:
        return "Every row has the same predicted probability: there are no groups to compare."
    if table.pvalue < 0.05:
        return (
            "Evidence that the predicted probabilities disagree with the observed rates "
            "(p < 0.05): the model is likely miscalibrated somewhere (the groups below and "
            "the calibration plot show where)."
        )
    return (
        "No evidence that the predicted probabilities disagree with the observed rates "
        "(with few rows the test has little power, so this is not proof of a good fit)."
    )


# -- influence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogisticInfluence:
    """Per-row influence of a logistic fit, as R's ``influence.measures`` for a glm.

    ``flagged`` are row positions with ``cooks_distance > threshold`` (4 / n), the
    largest first, at most ``MAX_FLAGGED``; ``n_flagged`` counts all of them.
    """

    leverage: np.ndarray
    pearson: np.ndarray
    deviance: np.ndarray
    std_deviance: np.ndarray
    cooks_distance: np.ndarray
    threshold: float
    flagged: np.ndarray
    n_flagged: int


def logistic_influence(X, y, fitted) -> LogisticInfluence:
    """Hat values, residuals and Cook's distances of a logistic fit with intercept.

    ``X`` is the design without the intercept column, ``fitted`` the probabilities at the
    optimum. The hat values are the row sums of Q^2 for the QR of W^1/2 [1 X] with the IRLS
    weights W = p (1 - p) (columns equilibrated first: Q does not depend on their scale).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(fitted, dtype=np.float64).ravel()
    n = len(y)
    A = np.column_stack([np.ones(n), X])
    k = A.shape[1]
    w = p * (1.0 - p)
    root_w = np.sqrt(w)
    B = A * root_w[:, None]
    norms = np.linalg.norm(B, axis=0)
    B /= np.where(norms > 0, norms, 1.0)
    Q = np.linalg.qr(B, mode="reduced")[0]
    h = np.einsum("ij,ij->i", Q, Q)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = (y - p) / root_w
        ll_terms = np.where(y == 1, np.log(p), np.log1p(-p))
        deviance = np.sign(y - p) * np.sqrt(np.maximum(-2.0 * ll_terms, 0.0))
        one_h = 1.0 - h
        std_dev = deviance / np.sqrt(one_h)
        cooks = pearson**2 * h / (k * one_h**2)
    threshold = 4.0 / n
    over = np.flatnonzero(cooks > threshold)
    order = over[np.argsort(-cooks[over], kind="stable")]
    return LogisticInfluence(
        h, pearson, deviance, std_dev, cooks, threshold, order[:MAX_FLAGGED], len(over)
    )


# -- all of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogisticDiagnostics:
    """Everything the logistic diagnostics page shows for one fit.

    ``confusion`` is (tn, fp, fn, tp) predicting 1 at a probability of at least 0.5.
    """

    fit: LogisticResult
    roc: RocCurve
    binned: BinnedResiduals
    confusion: tuple[int, int, int, int]
    hosmer_lemeshow: HosmerLemeshowTable | None
    influence: LogisticInfluence
    seconds: float

    @property
    def accuracy(self) -> float:
        tn, fp, fn, tp = self.confusion
        return (tn + tp) / max(1, tn + fp + fn + tp)


def diagnose_logistic(X, y, names: Sequence[str] | None = None) -> LogisticDiagnostics:
    """Fit a logistic regression of 0/1 ``y`` on ``X`` and compute every diagnostic.

    Raises
    ------
    DataError
        As :func:`fit_logistic` (not 0/1, one class, collinear or separable).
    """
    start = time.perf_counter()
    fit = fit_logistic(X, y, names)
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(fit.fitted, dtype=np.float64)
    roc = roc_curve(y, p)
    binned = binned_residuals(p, y - p)
    hl = hosmer_lemeshow_table(y, p)
    infl = logistic_influence(X, y, p)
    return LogisticDiagnostics(
        fit, roc, binned, fit.confusion, hl, infl, time.perf_counter() - start
    )
