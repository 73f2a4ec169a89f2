"""Closed-form baselines the networks are compared with: OLS, ridge, logistic, polynomial.

OLS goes through the careful QR solver in :mod:`nnlin_gui.core.linalg` (it beats
statsmodels' ``fit(method="qr")`` on NIST Norris and Longley); logistic regression uses
statsmodels' ``Logit`` with a separation check. statsmodels is imported only when needed
(it takes about 2 s).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from nnlin_gui.core.errors import DataError, SpecError
from nnlin_gui.core.linalg import CollinearError, check_full_rank, is_separable, lstsq

log = logging.getLogger(__name__)

__all__ = [
    "LogisticResult",
    "OLSResult",
    "RidgeResult",
    "fit_logistic",
    "fit_ols",
    "fit_polynomial",
    "fit_ridge",
    "polynomial_design",
]

MAX_DEGREE = 10


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


@dataclass(frozen=True)
class OLSResult:
    """An ordinary least squares fit (intercept first as ``"const"`` when fitted).

    ``df_resid`` is ``nobs`` minus the number of columns (no numerical rank guessing);
    ``resid_sd`` is ``sqrt(SSR / df_resid)``; ``conf_int`` is the 95 % interval, (p, 2).
    ``cov_params`` is ``resid_sd**2 * (X'X)^-1``.
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

    def __post_init__(self) -> None:
        _freeze(self)

    def to_dict(self) -> dict:
        """JSON-ready summary: per-name dicts of plain floats (None for inf/nan)."""
        return {
            "params": _by_name(self.names, self.params),
            "bse": _by_name(self.names, self.bse),
            "tvalues": _by_name(self.names, self.tvalues),
            "pvalues": _by_name(self.names, self.pvalues),
            "conf_int": {
                n: [_num(lo), _num(hi)]
                for n, (lo, hi) in zip(self.names, self.conf_int, strict=True)
            },
            "r2": _num(self.r2),
            "adj_r2": _num(self.adj_r2),
            "resid_sd": _num(self.resid_sd),
            "df_resid": int(self.df_resid),
            "nobs": int(self.nobs),
        }


def _prepare(X, y, names: Sequence[str] | None, intercept: bool):
    """Float arrays and coefficient names (``"const"`` first), checked."""
    X = np.asarray(X, dtype=np.float64)
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


def fit_ols(X, y, names: Sequence[str] | None = None, intercept: bool = True) -> OLSResult:
    """Fit ordinary least squares ``y = b + X w`` accurately.

    Parameters
    ----------
    X : array_like, shape (n, k) or (n,)
    y : array_like, shape (n,)
    names : sequence of str, optional
        Feature names; ``x1..xk`` by default.
    intercept : bool
        Fit an intercept (named ``"const"``, first).

    Returns
    -------
    OLSResult

    Raises
    ------
    DataError
        Non-finite values, too few rows, constant or collinear columns (named).
    """
    from scipy import stats

    X, y, all_names = _prepare(X, y, names, intercept)
    sol = lstsq(X, y, all_names, intercept=intercept)
    n, p = len(y), len(all_names)
    df = n - p
    sd = float(np.sqrt(sol.ssr / df))
    cov = sol.cov_unscaled * sd**2
    bse = sd * np.sqrt(np.diag(sol.cov_unscaled))
    with np.errstate(divide="ignore", invalid="ignore"):  # an exact fit has zero errors
        tvalues = sol.coef / bse
    pvalues = 2.0 * stats.t.sf(np.abs(tvalues), df)
    half = stats.t.ppf(0.975, df) * bse
    conf = np.column_stack([sol.coef - half, sol.coef + half])
    yl = y.astype(np.longdouble)
    centred = yl - yl.mean() if intercept else yl  # uncentred R^2 without intercept
    tss = float(np.sum(centred * centred))
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1.0 - sol.ssr / tss
    adj = 1.0 - (n - int(intercept)) / df * (1.0 - r2)
    return OLSResult(
        names=all_names,
        params=sol.coef,
        bse=bse,
        tvalues=tvalues,
        pvalues=pvalues,
        conf_int=conf,
        r2=float(r2),
        adj_r2=float(adj),
        resid_sd=sd,
        df_resid=df,
        nobs=n,
        fitted=sol.fitted,
        resid=sol.resid,
        cov_params=cov,
        intercept=intercept,
    )


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
    """A logistic regression fit (intercept first as ``"const"``)."""

    names: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    converged: bool
    llf: float
    nobs: int

    def __post_init__(self) -> None:
        _freeze(self)

    def to_dict(self) -> dict:
        """JSON-ready summary (None for inf/nan)."""
        return {
            "params": _by_name(self.names, self.params),
            "bse": _by_name(self.names, self.bse),
            "pvalues": _by_name(self.names, self.pvalues),
            "converged": bool(self.converged),
            "llf": _num(self.llf),
            "nobs": int(self.nobs),
        }


class _Separated(Exception):
    """Raised from the optimiser callback when the fit predicts every row exactly."""


_SEPARATED = (
    "the classes are perfectly separable by the features, so the logistic coefficients "
    "are infinite; drop the separating feature or use a penalised model"
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
    check_full_rank(X, all_names, intercept=True)
    from statsmodels.discrete.discrete_model import Logit

    A = np.column_stack([np.ones(len(y)), X])
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
    return LogisticResult(
        names=all_names,
        params=np.asarray(res.params, dtype=np.float64),
        bse=bse.astype(np.float64),
        pvalues=pvalues.astype(np.float64),
        converged=converged,
        llf=float(res.llf),
        nobs=len(y),
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


def fit_polynomial(
    X, y, degree: int, names: Sequence[str] | None = None, intercept: bool = True
) -> OLSResult:
    """OLS on the powers of each feature (see :func:`polynomial_design`).

    Raises
    ------
    DataError
        A bad degree, or powers that are collinear to working precision.
    """
    X = np.asarray(X, dtype=np.float64)
    k = 1 if X.ndim == 1 else X.shape[1]
    base = names if names is not None else ("x" if k == 1 else [f"x{j + 1}" for j in range(k)])
    design, design_names = polynomial_design(X, degree, base)
    try:
        return fit_ols(design, y, design_names, intercept=intercept)
    except CollinearError as exc:
        if degree == 1:
            raise
        listed = ", ".join(repr(c) for c in exc.columns)
        raise CollinearError(
            f"a degree {degree} polynomial is numerically singular here: {listed} are "
            "collinear to working precision; lower the degree or centre and rescale the data",
            exc.columns,
        ) from None
