"""Multinomial logistic regression: the closed form a softmax network's collapse converges to.

A softmax head turns K logits into probabilities, and adding the same number to every
class's logit changes nothing: the network's ``W_z, b_z`` are determined only up to a
common row. So the comparison is made relative to a reference class (the first, class
index 0, as R's ``nnet::multinom`` takes the first factor level): row k of the baseline is
``(b_k - b_0, W_k - W_0)``, and the network's collapse is compared in the same form.

``fit_multinomial`` is the maximum likelihood fit (Newton's method with a backtracking line
search on the log-likelihood, on centred, power-of-two-scaled columns), with standard errors
from the inverse observed information (R's ``vcov(multinom(...))``). When the classes are
(quasi-)separable the likelihood has no maximum and the coefficients run off to infinity;
that is detected by a linear program (the multinomial form of Albert and Anderson 1984) and
said in one sentence instead of returning the point where the iterations stopped.

``fit_multinomial_l2`` is what a softmax network without a hidden layer converges to under
weight decay ``λ`` on its one weight matrix: the mean cross-entropy plus ``λ Σ_k ‖w_k‖²``
over all K rows (the intercepts free), in the units the network sees. That penalty picks
one row for each class (the rows then sum to zero), and the optimum is unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.errors import DataError

__all__ = [
    "MultinomialL2Fit",
    "MultinomialResult",
    "fit_multinomial",
    "fit_multinomial_l2",
    "is_multinomial_separable",
    "relative_to_reference",
]

_MAX_ITER = 200
_STEP_TOL = 1e-10  # Newton converges quadratically: one more step leaves ~1e-20
SEPARATED = (
    "the classes (or a combination of them) are separable by the features, completely or up "
    "to ties on the boundary, so the multinomial maximum likelihood estimate does not exist "
    "(coefficients run to infinity): there is no closed form to compare with"
)


def relative_to_reference(W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax logits ``W x + b`` relative to class 0: rows ``W_k - W_0``, ``b_k - b_0``.

    The probabilities depend only on these differences (row 0 becomes zeros).
    """
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    b = np.atleast_1d(np.asarray(b, dtype=np.float64))
    return W - W[:1], b - b[:1]


@dataclass(frozen=True)
class MultinomialResult:
    """A multinomial logistic regression fit, relative to the reference class.

    ``params``, ``bse``, ``zvalues``, ``pvalues``: shape (K − 1, p), one row per class other
    than ``classes[0]`` (the reference), one column per term (``"const"`` first), as
    ``coef(multinom(...))``. ``conf_int``: 95 % Wald intervals, (K − 1, p, 2).
    ``cov_params``: ((K − 1) p, (K − 1) p), class-major as R's ``vcov``. ``fitted``: the
    class probabilities, (n, K). ``deviance = -2 llf``; ``aic``/``bic`` count (K − 1) p
    coefficients.
    """

    names: tuple[str, ...]
    classes: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    zvalues: np.ndarray
    pvalues: np.ndarray
    conf_int: np.ndarray
    cov_params: np.ndarray
    llf: float
    nobs: int
    iterations: int
    fitted: np.ndarray

    def __post_init__(self) -> None:
        for value in (self.params, self.bse, self.zvalues, self.pvalues, self.conf_int):
            value.flags.writeable = False
        self.cov_params.flags.writeable = False
        self.fitted.flags.writeable = False

    @property
    def reference(self) -> str:
        return self.classes[0]

    @property
    def n_params(self) -> int:
        return int(self.params.size)

    @property
    def deviance(self) -> float:
        return -2.0 * self.llf

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + float(np.log(self.nobs)) * self.n_params

    def to_dict(self) -> dict:
        """JSON-ready: per class (not the reference), per term; None for inf/nan."""

        def table(values: np.ndarray) -> dict:
            return {
                c: {n: _num(v) for n, v in zip(self.names, row, strict=True)}
                for c, row in zip(self.classes[1:], values, strict=True)
            }

        return {
            "reference": self.reference,
            "classes": list(self.classes),
            "params": table(self.params),
            "bse": table(self.bse),
            "zvalues": table(self.zvalues),
            "pvalues": table(self.pvalues),
            "conf_int": {
                c: {n: [_num(lo), _num(hi)] for n, (lo, hi) in zip(self.names, rows, strict=True)}
                for c, rows in zip(self.classes[1:], self.conf_int, strict=True)
            },
            "llf": _num(self.llf),
            "deviance": _num(self.deviance),
            "aic": _num(self.aic),
            "bic": _num(self.bic),
            "nobs": int(self.nobs),
            "iterations": int(self.iterations),
        }


@dataclass(frozen=True)
class MultinomialL2Fit:
    """The minimum of mean cross-entropy + ``lam`` Σ_k ‖w_k‖² (intercepts free) for K
    classes: ``coef`` (K, k), ``intercept`` (K,) with ``intercept[0] = 0`` (only
    differences of intercepts matter), in the units fitted."""

    coef: np.ndarray
    intercept: np.ndarray
    lam: float
    objective: float
    iterations: int
    names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "lam": float(self.lam),
            "objective": _num(self.objective),
            "iterations": int(self.iterations),
            "reference": self.classes[0] if self.classes else "0",
        }


def _num(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


# --------------------------------------------------------------------------- the solver


def _log_probabilities(A: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """log softmax of ``A theta'`` (n, K), computed stably."""
    eta = A @ theta.T
    eta -= eta.max(axis=1, keepdims=True)
    return eta - np.log(np.exp(eta).sum(axis=1, keepdims=True))


def _hessian(A: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Σ_i of the per-row Hessian of −log-likelihood, full parametrisation, (Kp, Kp)."""
    K, p = P.shape[1], A.shape[1]
    H = np.empty((K * p, K * p))
    for k in range(K):
        for m in range(k, K):
            w = P[:, k] * ((k == m) - P[:, m])
            block = (A * w[:, None]).T @ A
            H[k * p : (k + 1) * p, m * p : (m + 1) * p] = block
            H[m * p : (m + 1) * p, k * p : (k + 1) * p] = block.T
    return H


@dataclass
class _Newton:
    theta: np.ndarray  # (K, p)
    objective: float
    iterations: int
    converged: bool
    hessian: np.ndarray  # (free, free), of the objective at theta


def _newton(A: np.ndarray, Y: np.ndarray, free: np.ndarray, penalty: np.ndarray) -> _Newton:
    """Minimise −mean log-likelihood + Σ penalty·θ² over the ``free`` entries of θ (K, p).

    Backtracking (halving) keeps every step an ascent of the likelihood; the iteration
    stops when a full Newton step is below ``_STEP_TOL`` (standardised units).
    """
    n = A.shape[0]
    theta = np.zeros((Y.shape[1], A.shape[1]))
    idx = np.flatnonzero(free.ravel())
    pen = penalty.ravel()[idx]

    def objective(t: np.ndarray) -> float:
        return float(-np.sum(Y * _log_probabilities(A, t)) / n + np.sum(penalty * t * t))

    f = objective(theta)
    H = np.zeros((len(idx), len(idx)))
    for it in range(1, _MAX_ITER + 1):
        P = np.exp(_log_probabilities(A, theta))
        grad = (((P - Y).T @ A) / n + 2.0 * penalty * theta).ravel()[idx]
        H = _hessian(A, P)[np.ix_(idx, idx)] / n + np.diag(2.0 * pen)
        try:
            L = np.linalg.cholesky(H)
            step = np.linalg.solve(L.T, np.linalg.solve(L, grad))
        except np.linalg.LinAlgError:
            return _Newton(theta, f, it, False, H)
        if not np.all(np.isfinite(step)):
            return _Newton(theta, f, it, False, H)
        t = 1.0
        while True:
            trial = theta.copy()
            trial.ravel()[idx] -= t * step
            f_trial = objective(trial)
            if f_trial <= f or t < 1e-10:
                break
            t *= 0.5
        small = float(np.max(np.abs(step))) <= _STEP_TOL * max(1.0, float(np.abs(theta).max()))
        if f_trial <= f:
            theta, f = trial, f_trial
        if small:
            return _Newton(theta, f, it, True, H)
        if f < 1e-12 and not penalty.any():  # every row's own class at P = 1: separated
            return _Newton(theta, f, it, False, H)
        if t < 1e-10:  # no decrease even along a tiny step: the float floor
            return _Newton(theta, f, it, float(np.max(np.abs(grad))) < 1e-8, H)
    return _Newton(theta, f, _MAX_ITER, False, H)


def _scaled_design(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``[1, (X − m) · 2^−e]`` with its centres ``m`` and scales ``2^−e``."""
    m = X.mean(axis=0)
    Z = X - m
    scale = np.ldexp(1.0, -np.frexp(np.max(np.abs(Z), axis=0))[1])
    scale[~np.isfinite(scale) | (scale == 0)] = 1.0
    return np.column_stack([np.ones(len(X)), Z * scale]), m, scale


def _to_data_units(m: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """T with θ_data = T θ_scaled for one class's (intercept, slopes)."""
    p = len(m) + 1
    T = np.eye(p)
    T[0, 1:] = -m * scale
    T[1:, 1:] = np.diag(scale)
    return T


def _check_classes(y: np.ndarray, n_classes: int | None, classes: Sequence[str] | None):
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or not np.all(np.isfinite(y)) or np.any(y != np.round(y)) or np.any(y < 0):
        raise DataError("the target must hold one class index (0, 1, 2, ...) per row")
    K = int(n_classes if n_classes is not None else (len(classes) if classes else y.max() + 1))
    labels = tuple(str(c) for c in classes) if classes else tuple(str(k) for k in range(K))
    if len(labels) != K or y.max() >= K:
        raise DataError(f"the target's class indices do not fit {K} classes")
    if K < 2:
        raise DataError("multinomial regression needs at least two classes")
    counts = np.bincount(y.astype(np.intp), minlength=K)
    if np.any(counts == 0):
        absent = np.flatnonzero(counts == 0)
        names = ", ".join(labels[k] for k in absent)
        what = f"class {names} has" if len(absent) == 1 else f"classes {names} have"
        raise DataError(
            f"{what} no rows among the rows fitted (the training rows), so the multinomial "
            "coefficients would be infinite"
        )
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), y.astype(np.intp)] = 1.0
    return Y, labels


def is_multinomial_separable(A: np.ndarray, y: np.ndarray, n_classes: int) -> bool:
    """Is there a direction ``D ≠ 0`` (class 0's row fixed at 0) along which no row's
    log-likelihood decreases and some increases, ``a_i'(d_{y_i} − d_k) ≥ 0`` for all i, k?

    Then the likelihood has no maximum (complete or quasi-complete separation; Albert and
    Anderson 1984). Found with a linear program, as ``linalg.is_separable`` for two
    classes.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    n, p = A.shape
    K = n_classes
    scale = np.max(np.abs(A), axis=0)
    As = A / np.where(scale > 0, scale, 1.0)
    yi = np.asarray(y, dtype=np.intp)
    # One constraint a_i'(d_{y_i} - d_k) >= 0 per row i and class k != y_i.
    I = np.repeat(np.arange(n), K)
    k = np.tile(np.arange(K), n)
    keep = k != yi[I]
    I, k = I[keep], k[keep]
    r = np.arange(len(I))
    parts = []
    for cls, sign in ((yi[I], 1.0), (k, -1.0)):
        on = cls != 0  # class 0's row is fixed at zero
        rows = np.repeat(r[on], p)
        cols = ((cls[on] - 1)[:, None] * p + np.arange(p)[None, :]).ravel()
        parts.append((rows, cols, (sign * As[I[on]]).ravel()))
    S = sparse.csr_matrix(
        (
            np.concatenate([v for _, _, v in parts]),
            (np.concatenate([a for a, _, _ in parts]), np.concatenate([c for _, c, _ in parts])),
        ),
        shape=(len(r), (K - 1) * p),
    )
    res = linprog(
        -np.asarray(S.sum(axis=0)).ravel(),
        A_ub=-S,
        b_ub=np.zeros(len(r)),
        bounds=(-1, 1),
        method="highs",
    )
    if res.status != 0:
        return False
    margins = S @ res.x
    return bool(margins.max() > 1e-6 and margins.min() >= -1e-9 * np.abs(margins).max())


# --------------------------------------------------------------------------- the fits


def fit_multinomial(
    X,
    y,
    names: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
    n_classes: int | None = None,
) -> MultinomialResult:
    """Multinomial logistic regression by maximum likelihood, relative to class 0.

    Parameters
    ----------
    X : array_like, shape (n, k)
    y : array_like, shape (n,)
        Class indices 0..K−1; class 0 (``classes[0]``) is the reference.
    names : feature names (``"const"`` is put first)
    classes : the class labels (default "0", "1", ...)
    n_classes : K, when ``classes`` is not given

    Raises
    ------
    DataError
        Collinear columns, a class without rows, or separable classes (no MLE exists).
    """
    from scipy.special import ndtr

    from nnlin_gui.core.statistics.linalg import check_full_rank
    from nnlin_gui.core.statistics.regression import _prepare

    X, _, all_names = _prepare(X, np.zeros(len(np.asarray(X))), names, intercept=True)
    Y, labels = _check_classes(y, n_classes, classes)
    if len(Y) != len(X):
        raise DataError("the target must have one value per row")
    check_full_rank(X, all_names, intercept=True)
    A, m, scale = _scaled_design(X)
    K, p = Y.shape[1], A.shape[1]
    free = np.ones((K, p), dtype=bool)
    free[0] = False  # the reference class: its logit is 0
    yi = np.argmax(Y, axis=1)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        fit = _newton(A, Y, free, np.zeros((K, p)))
    if not fit.converged:
        # The iterate itself may prove complete separation: every row's own logit strictly
        # above the others' (then that direction raises the likelihood for ever); else ask
        # the linear program (quasi-complete separation).
        eta = A @ fit.theta.T
        own = eta[np.arange(len(yi)), yi]
        eta[np.arange(len(yi)), yi] = -np.inf
        if np.all(own > eta.max(axis=1)) or is_multinomial_separable(A, yi, K):
            raise DataError(SEPARATED)
        raise DataError(
            "multinomial regression did not converge: the information matrix is singular"
        )
    n = len(Y)
    info = fit.hessian * n  # observed information of the log-likelihood, reference form
    try:
        cov_s = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise DataError(
            "multinomial regression failed: the information matrix is singular"
        ) from None
    T = np.kron(np.eye(K - 1), _to_data_units(m, scale))
    params = (T @ fit.theta[1:].ravel()).reshape(K - 1, p)
    cov = T @ cov_s @ T.T
    cov = (cov + cov.T) / 2.0
    bse = np.sqrt(np.diag(cov)).reshape(K - 1, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = params / bse
    half = 1.959963984540054 * bse
    logp = _log_probabilities(A, fit.theta)
    return MultinomialResult(
        names=all_names,
        classes=labels,
        params=params,
        bse=bse,
        zvalues=z,
        pvalues=2.0 * ndtr(-np.abs(z)),
        conf_int=np.stack([params - half, params + half], axis=-1),
        cov_params=cov,
        llf=float(np.sum(Y * logp)),
        nobs=n,
        iterations=fit.iterations,
        fitted=np.exp(logp),
    )


def fit_multinomial_l2(
    X,
    y,
    lam: float,
    n_classes: int,
    names: Sequence[str] = (),
    classes: Sequence[str] | None = None,
) -> MultinomialL2Fit:
    """The minimum of mean cross-entropy + ``lam`` Σ_k ‖w_k‖² over all K rows of W.

    The training loop's penalty on a softmax layer's one weight matrix; the intercepts are
    free (``intercept[0]`` is set to 0). Fitted in the units given (the network's
    standardised ones).
    """
    if not lam > 0:
        raise DataError("the L2 penalty must be positive")
    X = np.asarray(X, dtype=np.float64)
    Y, labels = _check_classes(y, n_classes, classes)
    A = np.column_stack([np.ones(len(X)), X])
    K, p = Y.shape[1], A.shape[1]
    free = np.ones((K, p), dtype=bool)
    free[0, 0] = False
    penalty = np.full((K, p), float(lam))
    penalty[:, 0] = 0.0
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        fit = _newton(A, Y, free, penalty)
    if not fit.converged:
        raise DataError("the L2-penalised multinomial fit did not converge")
    return MultinomialL2Fit(
        coef=fit.theta[:, 1:].copy(),
        intercept=fit.theta[:, 0].copy(),
        lam=float(lam),
        objective=fit.objective,
        iterations=fit.iterations,
        names=tuple(names),
        classes=labels,
    )
