"""Closed-form baselines the networks are compared with: OLS, ridge, logistic, polynomial.

OLS goes through the careful QR solver in :mod:`~nnlin_gui.core.statistics.linalg` (at least as
accurate as statsmodels' ``fit(method="qr")`` on all eleven NIST StRD linear sets; polynomial powers
are kept in long double); logistic regression uses statsmodels' ``Logit`` with a separation
check, on columns scaled by powers of two. Results that double precision cannot hold raise
``NumericRangeError`` (one sentence). statsmodels is imported only when needed (it takes
about 2 s).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from nnlin_gui.core.errors import DataError, SpecError
from nnlin_gui.core.statistics.linalg import CollinearError, check_full_rank, is_separable, lstsq
from nnlin_gui.core.statistics.numeric_range import check_not_subnormal, pow2_exponents, to_doubles

log = logging.getLogger(__name__)

__all__ = [
    "LogisticResult",
    "OLSResult",
    "RidgeResult",
    "binary_auc",
    "fit_logistic",
    "fit_ols",
    "fit_polynomial",
    "fit_ridge",
    "hosmer_lemeshow",
    "polynomial_design",
]

MAX_DEGREE = 10
_LD = np.longdouble
_CI = "the 95% interval of"
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC")


def _freeze(obj) -> None:
    """Make the array fields of a frozen dataclass read-only too."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


def _num(value) -> float | None:
    """A plain float for JSON; None for inf/nan (JSON has no such numbers)."""
    value = float(value)
    return value if np.isfinite(value) else None


def _by_name(names: Sequence[str], values) -> dict[str, float | None]:
    return {name: _num(v) for name, v in zip(names, values, strict=True)}


def _intervals_by_name(names: Sequence[str], conf_int) -> dict[str, list[float | None]]:
    """``{name: [lo, hi]}``, the JSON form of a coefficient table's intervals."""
    return {n: [_num(lo), _num(hi)] for n, (lo, hi) in zip(names, conf_int, strict=True)}


@dataclass(frozen=True)
class OLSResult:
    """An ordinary least squares fit (intercept first as ``"const"`` when fitted).

    ``df_resid`` is ``nobs`` minus the number of columns (no numerical rank guessing);
    ``resid_sd`` is ``sqrt(SSR / df_resid)``; ``conf_int`` is the 95 % interval, (p, 2).
    ``cov_params`` is ``resid_sd**2 * (X'X)^-1`` (nonrobust) or the ``cov_type`` sandwich;
    ``fstat`` (on ``df_model``, ``df_resid``) is summary.lm's classical F whatever the
    covariance; ``llf``, ``aic``, ``bic`` as R's ``logLik``/``AIC``/``BIC`` (sigma counts
    as a parameter).
    """

    names: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    conf_int: np.ndarray
    r2: float
    adj_r2: float
    resid_sd: float
    df_resid: int
    nobs: int
    fitted: np.ndarray
    resid: np.ndarray
    cov_params: np.ndarray
    intercept: bool = True
    cov_type: str = "nonrobust"
    hac_lags: int | None = None
    weighted: bool = False
    fstat: float = float("nan")
    f_pvalue: float = float("nan")
    df_model: int = 0
    llf: float = float("nan")
    aic: float = float("nan")
    bic: float = float("nan")

    def __post_init__(self) -> None:
        _freeze(self)

    def to_dict(self) -> dict:
        """JSON-ready summary: per-name dicts of plain floats (None for inf/nan)."""
        return {
            "params": _by_name(self.names, self.params),
            "bse": _by_name(self.names, self.bse),
            "tvalues": _by_name(self.names, self.tvalues),
            "pvalues": _by_name(self.names, self.pvalues),
            "conf_int": _intervals_by_name(self.names, self.conf_int),
            "r2": _num(self.r2),
            "adj_r2": _num(self.adj_r2),
            "resid_sd": _num(self.resid_sd),
            "df_resid": int(self.df_resid),
            "nobs": int(self.nobs),
            "cov_type": self.cov_type,
            **({"hac_lags": int(self.hac_lags)} if self.hac_lags is not None else {}),
            "weighted": bool(self.weighted),
            "fstat": _num(self.fstat),
            "f_pvalue": _num(self.f_pvalue),
            "df_model": int(self.df_model),
            "llf": _num(self.llf),
            "aic": _num(self.aic),
            "bic": _num(self.bic),
        }


def _prepare(X, y, names: Sequence[str] | None, intercept: bool):
    """Float arrays and coefficient names (``"const"`` first), checked.

    ``X`` stays in long double when given so (polynomial powers); otherwise float64.
    """
    X = np.asarray(X)
    X = X if X.dtype == _LD else X.astype(np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise DataError(f"features must be a table (2-D), got {X.ndim}-D")
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(f"one target column is needed, got an array of shape {y.shape}")
    k = X.shape[1]
    feature_names = [f"x{j + 1}" for j in range(k)] if names is None else [str(n) for n in names]
    if len(feature_names) != k:
        raise DataError(f"{len(feature_names)} names given for {k} feature columns")
    all_names = (["const"] if intercept else []) + feature_names
    if len(set(all_names)) != len(all_names):
        dup = sorted({n for n in all_names if all_names.count(n) > 1})
        raise DataError(f"duplicate column name(s) {', '.join(map(repr, dup))}; rename them")
    return X, y, tuple(all_names)


def fit_ols(
    X,
    y,
    names: Sequence[str] | None = None,
    intercept: bool = True,
    *,
    cov_type: str = "nonrobust",
    hac_lags: int | None = None,
    weights=None,
) -> OLSResult:
    """Fit ordinary (or weighted) least squares ``y = b + X w`` accurately.

    Parameters
    ----------
    X : array_like, shape (n, k) or (n,)
    y : array_like, shape (n,)
    names : sequence of str, optional
        Feature names; ``x1..xk`` by default.
    intercept : bool
        Fit an intercept (named ``"const"``, first).
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"}
        The coefficient covariance: classical, White's HC0-HC3 as ``sandwich::vcovHC``, or
        Newey-West (Bartlett kernel, ``hac_lags`` lags, no prewhitening, no small-sample
        factor: ``sandwich::NeweyWest(fm, lag, prewhite = FALSE, adjust = FALSE)``). Every
        type uses the t distribution with ``n - p`` degrees of freedom for t, p and
        intervals (as ``lmtest::coeftest``). The sandwich is ``M (Q' Omega Q) M'`` from the
        QR factor (``M M' = (X'X)^-1``); leverages are the squared row norms of ``Q``.
    hac_lags : int, optional
        Lags for HAC; default ``floor(4 (n / 100)^(2/9))``.
    weights : array_like, shape (n,), optional
        Positive weights: weighted least squares as ``lm(..., weights = w)`` (the rows of
        ``sqrt(w) [1, X]`` and ``sqrt(w) y``); ``fitted``/``resid`` are unweighted as R's.

    Returns
    -------
    OLSResult

    Raises
    ------
    DataError
        Non-finite values, too few rows, constant or collinear columns (named), bad
        weights or covariance options.
    """
    # scipy.special, not scipy.stats: the same distribution functions without the ~1 s
    # import that delayed the first baseline (and a dropped file behind it).
    from scipy.special import fdtrc, stdtr, stdtrit

    cov_type = _check_cov_type(cov_type)
    X, y, all_names = _prepare(X, y, names, intercept)
    n, p = len(y), len(all_names)
    robust = cov_type != "nonrobust"
    if cov_type == "HAC":
        hac_lags = _check_hac_lags(hac_lags, n)
    else:
        hac_lags = None
    sw = None
    if weights is None:
        sol = lstsq(X, y, all_names, intercept=intercept, keep_q=robust)
    else:
        w = _check_weights(weights, n)
        _check_constant_columns(X, all_names, intercept)
        sw = np.sqrt(w)
        Xd = X * sw[:, None]
        if intercept:
            Xd = np.column_stack([sw.astype(Xd.dtype), Xd])
        sol = lstsq(Xd, y * sw, all_names, intercept=False, keep_q=robust)
    # An unpenalised fit carries the scaled covariance, coefficients and column scales.
    assert sol.cov_scaled is not None and sol.coef_scaled is not None
    assert sol.x_scale is not None
    df = n - p
    # Statistics of the exactly rescaled fit (target and columns times powers of two), mapped
    # back at the end: data near 1e+-308 give the same digits as data near 1.
    sd_s = np.sqrt(_LD(sol.ssr_scaled) / df)
    if robust:
        cov_s = _sandwich(sol, cov_type, hac_lags, df)
        with np.errstate(invalid="ignore"):  # leverage 1 (HC2, HC3) gives nan, as sandwich
            bse_s = np.sqrt(np.diag(cov_s).astype(_LD))
    else:
        bse_s = sd_s * np.sqrt(np.diag(sol.cov_scaled).astype(_LD))
    with np.errstate(divide="ignore", invalid="ignore"):  # an exact fit has zero errors
        tvalues = np.asarray(sol.coef_scaled / bse_s, dtype=np.float64)
    pvalues = 2.0 * stdtr(df, -np.abs(tvalues))
    half_s = _LD(stdtrit(df, 0.975)) * bse_s
    to_data = sol.x_scale / sol.y_scale  # coefficient units: exact powers of two
    hint = "rescale that column or the target by a power of ten first"
    params = to_doubles(sol.coef_scaled * to_data, all_names, "the coefficient of", hint)
    with np.errstate(invalid="ignore"):
        bse = to_doubles(bse_s * to_data, all_names, "the standard error of", hint)
        conf = np.column_stack(
            [
                to_doubles((sol.coef_scaled - half_s) * to_data, all_names, _CI, hint),
                to_doubles((sol.coef_scaled + half_s) * to_data, all_names, _CI, hint),
            ]
        )
    sd = float(to_doubles([sd_s / sol.y_scale], ["the fit"], "the residual SD of", hint)[0])
    if sw is None:
        ys = y.astype(_LD) * sol.y_scale
        centred = ys - ys.mean() if intercept else ys  # uncentred R^2 without intercept
        fitted, resid = sol.fitted, sol.resid
    else:
        # summary.lm: weighted sums of squares about the weighted mean.
        swl = sw.astype(_LD)
        ys = y.astype(_LD) * swl * sol.y_scale
        centred = ys - swl * (np.sum(swl * ys) / np.sum(swl * swl)) if intercept else ys
        resid = np.asarray(sol.resid / sw, dtype=np.float64)
        fitted = np.asarray(y - resid, dtype=np.float64)
    tss = np.sum(centred * centred)
    ssr_s = _LD(sol.ssr_scaled)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = float(1 - ssr_s / tss)
    adj = 1.0 - (n - int(intercept)) / df * (1.0 - r2)
    df_model = p - int(intercept)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fstat = float(((tss - ssr_s) / df_model) / (ssr_s / df)) if df_model else np.nan
    f_pvalue = float(fdtrc(df_model, df, fstat)) if np.isfinite(fstat) else np.nan
    # logLik.lm: 0.5 (sum log w - n (log 2 pi + 1 - log n + log sum w r^2)).
    with np.errstate(divide="ignore"):
        log_ssr = np.log(ssr_s) - 2 * np.log(_LD(sol.y_scale))
        sum_log_w = float(np.sum(np.log(sw * sw))) if sw is not None else 0.0
        llf = float(0.5 * (sum_log_w - n * (np.log(2 * np.pi) + 1 - np.log(n) + log_ssr)))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        # variances beyond 1e308 stay inf
        if robust:
            cov = (cov_s.astype(_LD) * np.outer(to_data, to_data)).astype(np.float64)
        else:
            cov = (sol.cov_scaled * np.outer(to_data, to_data) * sd_s**2).astype(np.float64)
    return OLSResult(
        names=all_names,
        params=params,
        bse=bse,
        tvalues=tvalues,
        pvalues=pvalues,
        conf_int=conf,
        r2=r2,
        adj_r2=float(adj),
        resid_sd=sd,
        df_resid=df,
        nobs=n,
        fitted=fitted,
        resid=resid,
        cov_params=cov,
        intercept=intercept,
        cov_type=cov_type,
        hac_lags=hac_lags,
        weighted=sw is not None,
        fstat=fstat,
        f_pvalue=f_pvalue,
        df_model=df_model,
        llf=llf,
        aic=-2.0 * llf + 2.0 * (p + 1),
        bic=-2.0 * llf + np.log(n) * (p + 1),
    )


def _check_cov_type(cov_type: str) -> str:
    for name in COV_TYPES:
        if str(cov_type).lower() == name.lower():
            return name
    raise DataError(f"the covariance must be one of {', '.join(COV_TYPES)}; got {cov_type!r}")


def _check_hac_lags(lags, n: int) -> int:
    if lags is None:
        return int(np.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))
    if isinstance(lags, bool) or not isinstance(lags, (int, np.integer)) or not 0 <= lags < n:
        raise DataError(f"the HAC lags must be a whole number from 0 to {n - 1}; got {lags!r}")
    return int(lags)


def _check_weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise DataError(f"{w.size} weights given for {n} rows")
    if not np.isfinite(w).all():
        raise DataError("the weights contain missing or infinite values")
    if (w <= 0).any():
        bad = int(np.sum(w <= 0))
        raise DataError(
            f"weights must be positive; {bad} row{'s' if bad != 1 else ''} "
            f"{'have' if bad != 1 else 'has'} a weight of zero or less (drop those rows)"
        )
    return w


def _check_constant_columns(X: np.ndarray, names: Sequence[str], intercept: bool) -> None:
    """The messages lstsq gives unweighted fits, for the weighted design (no intercept there)."""
    start = int(intercept)
    for j in range(X.shape[1]):
        column = X[:, j]
        if intercept and np.all(column == column[0]):
            raise DataError(
                f"column {names[j + start]!r} is constant, so it cannot be told apart "
                "from the intercept"
            )


def _sandwich(sol, cov_type: str, lags: int | None, df: int) -> np.ndarray:
    """The robust covariance of the scaled coefficients, ``M (Q' Omega Q) M'``."""
    Q, M = sol.q, sol.cov_root
    assert Q is not None and M is not None
    e = np.asarray(sol.resid.astype(_LD) * sol.y_scale, dtype=np.float64)  # scaled residuals
    n = len(e)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if cov_type == "HAC":
            G = Q * e[:, None]
            S = G.T @ G
            K = int(lags or 0)
            for lag in range(1, K + 1):
                C = G[lag:].T @ G[:-lag]
                S += (1.0 - lag / (K + 1.0)) * (C + C.T)  # Bartlett weights
        else:
            u = e * e
            if cov_type == "HC1":
                u = u * (n / df)
            elif cov_type in ("HC2", "HC3"):
                h = np.einsum("ij,ij->i", Q, Q)  # leverages from the thin Q
                u = u / (1.0 - h) if cov_type == "HC2" else u / (1.0 - h) ** 2
            S = (Q * u[:, None]).T @ Q
        return M @ S @ M.T


@dataclass(frozen=True)
class RidgeResult:
    """A ridge fit: ``y ~ intercept + X @ coef``; ``names`` are the feature names."""

    coef: np.ndarray
    intercept: float
    names: tuple[str, ...]
    l2: float

    def __post_init__(self) -> None:
        _freeze(self)

    def predict(self, X) -> np.ndarray:
        """Predictions for the rows of ``X``."""
        return np.asarray(X, dtype=np.float64).reshape(-1, len(self.coef)) @ self.coef + (
            self.intercept
        )


def fit_ridge(
    X, y, l2: float, intercept: bool = True, names: Sequence[str] | None = None
) -> RidgeResult:
    """Minimise ``mean((y - X w - b)^2) + l2 * ||w||^2`` in closed form.

    This is the penalty scaling of the training loop (MSE averaged over rows plus ``l2``
    times the sum of squared weights); the intercept is not penalised. ``l2 == 0`` is OLS.

    Parameters
    ----------
    X : array_like, shape (n, k) or (n,)
    y : array_like, shape (n,)
    l2 : float
        Non-negative weight of the penalty.
    intercept : bool
    names : sequence of str, optional

    Returns
    -------
    RidgeResult
    """
    l2 = float(l2)
    if not np.isfinite(l2) or l2 < 0:
        raise SpecError(f"the L2 penalty must be a number >= 0, got {l2}")
    X, y, all_names = _prepare(X, y, names, intercept)
    # n * mean(...) + n * l2 * ||w||^2 has the same minimiser: stack sqrt(n * l2) * I.
    sol = lstsq(X, y, all_names, intercept=intercept, penalty=float(np.sqrt(len(y) * l2)))
    start = int(intercept)
    return RidgeResult(
        coef=sol.coef[start:],
        intercept=float(sol.coef[0]) if intercept else 0.0,
        names=all_names[start:],
        l2=l2,
    )


@dataclass(frozen=True)
class LogisticResult:
    """A logistic regression fit (intercept first as ``"const"``).

    Wald statistics: ``zvalues = params / bse``, two-sided normal ``pvalues``, ``conf_int``
    the 95 % Wald interval (R's ``confint.default``), shape (p, 2). ``fitted`` are the
    probabilities, bit-identical for identical rows. ``deviance = -2 llf`` (0/1 data),
    ``aic``/``bic`` count the p coefficients, ``pseudo_r2_mcfadden = 1 - llf / llnull``,
    ``auc`` the Mann-Whitney area (ties count one half), ``confusion`` (tn, fp, fn, tp)
    predicting 1 when the probability is at least 0.5, ``hosmer_lemeshow`` as
    ``ResourceSelection::hoslem.test(y, fitted, g = 10)`` (see :func:`hosmer_lemeshow`).
    """

    names: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    converged: bool
    llf: float
    nobs: int
    zvalues: np.ndarray | None = None
    conf_int: np.ndarray | None = None
    fitted: np.ndarray | None = None
    llnull: float = float("nan")
    auc: float = float("nan")
    confusion: tuple[int, int, int, int] = (0, 0, 0, 0)
    hosmer_lemeshow: dict | None = None

    def __post_init__(self) -> None:
        _freeze(self)

    @property
    def deviance(self) -> float:
        return -2.0 * self.llf

    @property
    def null_deviance(self) -> float:
        return -2.0 * self.llnull

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * len(self.params)

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + float(np.log(self.nobs)) * len(self.params)

    @property
    def pseudo_r2_mcfadden(self) -> float:
        return 1.0 - self.llf / self.llnull

    def to_dict(self) -> dict:
        """JSON-ready summary (None for inf/nan)."""
        out = {
            "params": _by_name(self.names, self.params),
            "bse": _by_name(self.names, self.bse),
            "pvalues": _by_name(self.names, self.pvalues),
            "converged": bool(self.converged),
            "llf": _num(self.llf),
            "nobs": int(self.nobs),
        }
        if self.zvalues is None or self.conf_int is None:
            return out
        tn, fp, fn, tp = self.confusion
        hl = self.hosmer_lemeshow
        out.update(
            {
                "zvalues": _by_name(self.names, self.zvalues),
                "conf_int": _intervals_by_name(self.names, self.conf_int),
                "llnull": _num(self.llnull),
                "deviance": _num(self.deviance),
                "null_deviance": _num(self.null_deviance),
                "aic": _num(self.aic),
                "bic": _num(self.bic),
                "pseudo_r2_mcfadden": _num(self.pseudo_r2_mcfadden),
                "auc": _num(self.auc),
                "confusion": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
                "hosmer_lemeshow": None
                if hl is None
                else {
                    "statistic": _num(hl["statistic"]),
                    "df": int(hl["df"]),
                    "pvalue": _num(hl["pvalue"]),
                    "groups": int(hl["groups"]),
                    "groups_used": int(hl["groups_used"]),
                },
            }
        )
        return out


def _r_quantile7(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """R's ``quantile(x, probs)`` (type 7), computed as R computes it."""
    xs = np.sort(x)
    n = len(xs)
    index = 1.0 + max(n - 1, 0) * probs  # 1-based, as R
    lo = np.floor(index).astype(np.intp)
    hi = np.ceil(index).astype(np.intp)
    qs = xs[lo - 1].copy()
    interp = (index > lo) & (xs[hi - 1] != qs)
    h = (index - lo)[interp]
    qs[interp] = (1.0 - h) * qs[interp] + h * xs[hi - 1][interp]
    return qs


def hosmer_lemeshow(y, fitted, groups: int = 10) -> dict | None:
    """The Hosmer-Lemeshow test as ``ResourceSelection::hoslem.test(y, fitted, g)``.

    Cut points ``unique(quantile(fitted, seq(0, 1, 1/g)))`` (type 7), groups by
    ``cut(fitted, cut points, include.lowest = TRUE)`` (intervals closed on the right),
    statistic ``sum((observed - expected)^2 / expected)`` over both classes, ``df = g - 2``.
    A group no row falls into is left out (R would give NaN). None when every fitted value
    is the same.
    """
    from scipy import stats

    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(fitted, dtype=np.float64)
    probs = np.arange(groups + 1) * (1.0 / groups)  # seq(0, 1, 1/g) as R builds it
    cuts = np.unique(_r_quantile7(p, probs))
    if len(cuts) < 2:
        return None
    code = np.clip(np.searchsorted(cuts, p, side="left") - 1, 0, len(cuts) - 2)
    k = len(cuts) - 1
    count = np.bincount(code, minlength=k).astype(np.float64)
    obs1 = np.bincount(code, weights=y, minlength=k)
    exp1 = np.bincount(code, weights=p, minlength=k)
    exp0 = np.bincount(code, weights=1.0 - p, minlength=k)
    used = count > 0
    obs0 = count - obs1
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (obs0 - exp0) ** 2 / exp0 + (obs1 - exp1) ** 2 / exp1
    statistic = float(np.sum(terms[used]))
    df = groups - 2
    return {
        "statistic": statistic,
        "df": df,
        "pvalue": float(stats.chi2.sf(statistic, df)),
        "groups": groups,
        "groups_used": int(used.sum()),
    }


def binary_auc(y, score) -> float:
    """Area under the ROC curve by Mann-Whitney: ties between the classes count one half."""
    from scipy.stats import rankdata

    y = np.asarray(y, dtype=np.float64)
    ranks = rankdata(np.asarray(score, dtype=np.float64))  # average ranks for ties
    n1 = float(np.sum(y == 1))
    n0 = float(len(y) - n1)
    return float((np.sum(ranks[y == 1]) - n1 * (n1 + 1) / 2.0) / (n1 * n0))


class _Separated(Exception):
    """Raised from the optimiser callback when the fit predicts every row exactly."""


_SEPARATED = (
    "the classes are separable by the features (completely, or up to ties on the boundary), "
    "so the logistic maximum likelihood estimate does not exist (coefficients run to "
    "infinity); use fewer features or a penalised model"
)


def fit_logistic(X, y, names: Sequence[str] | None = None) -> LogisticResult:
    """Fit a logistic regression with an intercept by maximum likelihood (statsmodels Logit).

    Parameters
    ----------
    X : array_like, shape (n, k) or (n,)
    y : array_like, shape (n,)
        0/1 target with both classes present.
    names : sequence of str, optional

    Returns
    -------
    LogisticResult
        ``converged`` is False if Newton's method stopped early without separation.

    Raises
    ------
    DataError
        A target that is not 0/1, one class only, collinear columns, or separable classes.
    """
    X, y, all_names = _prepare(X, y, names, intercept=True)
    if y.shape != (X.shape[0],) or not np.isfinite(y).all():
        raise DataError("the target must have one finite value per row")
    levels = np.unique(y)
    if not set(levels.tolist()) <= {0.0, 1.0}:
        shown = ", ".join(f"{v:g}" for v in levels[:4]) + (", ..." if len(levels) > 4 else "")
        raise DataError(f"logistic regression needs a 0/1 target; found values {shown}")
    if len(levels) < 2:
        raise DataError(f"the target has only one class ({levels[0]:g}); need both 0 and 1")
    check_not_subnormal((f"column {n!r}", X[:, j]) for j, n in enumerate(all_names[1:]))
    check_full_rank(X, all_names, intercept=True)
    from statsmodels.discrete.discrete_model import Logit

    # Columns times powers of two (exact): the Hessian X'WX stays inside the double range
    # for features near 1e+-300; coefficients and errors are mapped back below.
    pre = np.concatenate([[1.0], np.ldexp(1.0, -pow2_exponents(X))])
    A = np.column_stack([np.ones(len(y)), X * pre[1:]])
    model = Logit(y, A)

    def stop_if_perfect(params: np.ndarray) -> None:
        if np.allclose(model.predict(params) - y, 0.0):
            raise _Separated

    try:
        with np.errstate(all="ignore"):  # separation overflows exp() before we can stop it
            res = model.fit(
                method="newton",
                maxiter=100,
                disp=0,
                warn_convergence=False,
                callback=stop_if_perfect,
            )
    except _Separated:
        raise DataError(_SEPARATED) from None
    except np.linalg.LinAlgError:
        if is_separable(A, y):
            raise DataError(_SEPARATED) from None
        raise DataError("logistic regression failed: the information matrix is singular") from None
    converged = bool(res.mle_retvals.get("converged", False))
    if not converged and is_separable(A, y):
        raise DataError(_SEPARATED)
    with np.errstate(all="ignore"):
        bse, pvalues = np.asarray(res.bse), np.asarray(res.pvalues)
    hint = "rescale that column by a power of ten first"
    to_data = pre.astype(_LD)
    exact = np.asarray(res.params, _LD) * to_data
    params = to_doubles(exact, all_names, "the coefficient of", hint)
    with np.errstate(over="ignore", under="ignore"):
        bse_data = np.asarray(bse, _LD) * to_data  # an inf error (quasi-separation) stays inf
    from scipy import stats
    from scipy.special import expit

    scaled = np.asarray(res.params, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        zvalues = scaled / bse
    half = _LD(stats.norm.ppf(0.975)) * np.asarray(bse, _LD)
    with np.errstate(over="ignore", invalid="ignore"):
        conf = np.column_stack(
            [
                to_doubles((exact / to_data - half) * to_data, all_names, _CI, hint),
                to_doubles((exact / to_data + half) * to_data, all_names, _CI, hint),
            ]
        )
    # The linear predictor column by column with elementwise operations (each rounded on
    # its own): identical rows get bit-identical probabilities, which a matrix product (its
    # blocking and vector lanes depend on the row's position) does not promise.
    eta = np.full(len(y), scaled[0])
    for j in range(1, A.shape[1]):
        eta += A[:, j] * scaled[j]
    fitted = expit(eta)
    n1 = float(y.sum())
    n = len(y)
    llnull = n1 * np.log(n1 / n) + (n - n1) * np.log((n - n1) / n)
    predicted = fitted >= 0.5
    actual = y == 1
    confusion = (
        int(np.sum(~predicted & ~actual)),
        int(np.sum(predicted & ~actual)),
        int(np.sum(~predicted & actual)),
        int(np.sum(predicted & actual)),
    )
    return LogisticResult(
        names=all_names,
        params=params,
        bse=bse_data.astype(np.float64),
        pvalues=pvalues.astype(np.float64),
        converged=converged,
        llf=float(res.llf),
        nobs=n,
        zvalues=zvalues,
        conf_int=conf,
        fitted=fitted,
        llnull=float(llnull),
        auc=binary_auc(y, fitted),
        confusion=confusion,
        hosmer_lemeshow=hosmer_lemeshow(y, fitted),
    )


def polynomial_design(x, degree: int, name: str | Sequence[str] = "x"):
    """Powers ``x^1..x^K`` of each feature (no cross terms), grouped by feature.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, k)
    degree : int
        1 to 10.
    name : str or sequence of str
        The feature name, or one name per column (a single str ``s`` with several columns
        names them ``s1, s2, ...``).

    Returns
    -------
    X : ndarray, shape (n, k * degree)
    names : tuple of str
        ``("x^1", ..., "x^K")`` for one feature; ``("a^1", .., "a^K", "b^1", ..)`` for more.
    """
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)):
        raise DataError(f"the polynomial degree must be a whole number, got {degree!r}")
    if not 1 <= degree <= MAX_DEGREE:
        raise DataError(f"the polynomial degree must be 1 to {MAX_DEGREE}, got {degree}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    k = x.shape[1]
    if isinstance(name, str):
        base = [name] if k == 1 else [f"{name}{j + 1}" for j in range(k)]
    else:
        base = [str(s) for s in name]
    if len(base) != k:
        raise DataError(f"{len(base)} names given for {k} feature columns")
    powers = range(1, degree + 1)
    X = np.column_stack([x[:, j] ** d for j in range(k) for d in powers])
    return X, tuple(f"{b}^{d}" for b in base for d in powers)


def _long_double_powers(X: np.ndarray, degree: int) -> np.ndarray:
    """Powers ``x^1..x^K`` of each column in ``np.longdouble``, grouped as in
    :func:`polynomial_design` (the checks there have run)."""
    x = (X[:, None] if X.ndim == 1 else X).astype(_LD)
    out = np.empty((x.shape[0], x.shape[1] * degree), dtype=_LD)
    for j in range(x.shape[1]):
        col = j * degree
        out[:, col] = x[:, j]
        for d in range(1, degree):  # products, not pow: 5x faster in long double
            np.multiply(out[:, col + d - 1], x[:, j], out=out[:, col + d])
    return out


def fit_polynomial(
    X,
    y,
    degree: int,
    names: Sequence[str] | None = None,
    intercept: bool = True,
    **options,
) -> OLSResult:
    """OLS on the powers of each feature (see :func:`polynomial_design`).

    ``options`` (``cov_type``, ``hac_lags``, ``weights``) go to :func:`fit_ols`.

    Raises
    ------
    DataError
        A bad degree, or powers that are collinear to working precision.
    """
    X = np.asarray(X, dtype=np.float64)
    k = 1 if X.ndim == 1 else X.shape[1]
    base = names if names is not None else ("x" if k == 1 else [f"x{j + 1}" for j in range(k)])
    _, design_names = polynomial_design(np.zeros((1, k)), degree, base)  # checks, names
    # Powers rounded to float64 cost NIST Filip 6 of its 14 digits (the exact least squares
    # solution of float64 powers agrees with the certified one to 7.6); the solver refines
    # against powers kept in long double instead (10.5 digits).
    powers = _long_double_powers(X, degree)
    try:
        return fit_ols(powers, y, design_names, intercept=intercept, **options)
    except CollinearError as exc:
        if degree == 1:
            raise
        listed = ", ".join(repr(c) for c in exc.columns)
        raise CollinearError(
            f"a degree {degree} polynomial is numerically singular here: {listed} are "
            "collinear to working precision; lower the degree or centre and rescale the data",
            exc.columns,
        ) from None
