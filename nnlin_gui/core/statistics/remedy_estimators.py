"""The estimators the remedies are built from, each checked against R
(``tests/core/test_remedies.py``): Wooldridge's FGLS weights, the Box-Cox lambda of
``MASS::boxcox``, ridge in ``MASS::lm.ridge``'s convention with its GCV, Marquardt's ridge
VIFs, and the t tests of added squares. ``remedies`` says which card uses which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.errors import DataError

__all__ = [
    "BOXCOX_GRID",
    "BoxCox",
    "RidgeFit",
    "boxcox_lambda",
    "boxcox_transform",
    "design",
    "fgls_weights",
    "ridge_gcv",
    "ridge_vifs",
    "square_tests",
]

BOXCOX_GRID = np.round(np.arange(-20, 21) / 10.0, 1)  # MASS::boxcox's seq(-2, 2, 1/10)
BOXCOX_EPS = 1.0 / 50.0  # MASS: below |lambda| = eps a series for (y^l - 1)/l


@dataclass(frozen=True)
class BoxCox:
    """``lambda_`` maximises the profile log-likelihood; ``grid``/``loglik`` are MASS's."""

    lambda_: float
    ci: tuple[float, float]
    grid_best: float
    grid: np.ndarray
    loglik: np.ndarray


@dataclass(frozen=True)
class RidgeFit:
    """Ridge in lm.ridge's units: ``coef`` (original units, intercept first), ``gcv``."""

    lam: float
    coef: np.ndarray
    gcv: float
    df: float


# -- building blocks (each checked against R) -----------------------------------------------


def design(X) -> np.ndarray:
    """``X`` as a float64 matrix (one feature as one column)."""
    X = np.asarray(X, dtype=np.float64)
    return X[:, None] if X.ndim == 1 else X


def _with_const(X: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(X)), X])


def fgls_weights(X, y) -> np.ndarray:
    """Wooldridge's FGLS weights ``1/exp(fitted(lm(log(e^2) ~ X)))`` from the OLS residuals."""
    from nnlin_gui.core.statistics.regression import fit_ols

    X, y = design(X), np.asarray(y, dtype=np.float64)
    e = fit_ols(X, y).resid
    if np.any(e == 0.0):
        raise DataError("a row is fitted exactly (residual 0), so log(e²) is undefined")
    aux = fit_ols(X, np.log(e * e))
    return np.asarray(1.0 / np.exp(aux.fitted), dtype=np.float64)


def _boxcox_loglik(Q: np.ndarray, y: np.ndarray, lam: float) -> float:
    """MASS::boxcox's ``-n/2 log(sum(qr.resid(xqr, yt)^2))`` at ``lam``."""
    logy = np.log(y)
    if abs(lam) > BOXCOX_EPS:
        yt = (y**lam - 1.0) / lam
    else:
        la = lam * logy
        yt = logy * (1 + la / 2 * (1 + la / 3 * (1 + la / 4)))
    r = yt - Q @ (Q.T @ yt)
    return float(-len(y) / 2.0 * math.log(float(r @ r)))


def boxcox_lambda(X, y) -> BoxCox:
    """The Box-Cox lambda of ``lm(y ~ X)`` by MASS's profile likelihood (see the module)."""
    from scipy.optimize import brentq, minimize_scalar

    X, y = design(X), np.asarray(y, dtype=np.float64)
    if np.any(y <= 0):
        raise DataError(
            f"Box-Cox and log need a positive target; its smallest value is {y.min():.4g}"
        )
    y = y / math.exp(float(np.mean(np.log(y))))  # MASS: divide by the geometric mean
    Q, _ = np.linalg.qr(_with_const(X))
    grid = BOXCOX_GRID.copy()
    ll = np.array([_boxcox_loglik(Q, y, float(la)) for la in grid])
    i = int(np.argmax(ll))
    lo, hi = float(grid[max(i - 1, 0)]), float(grid[min(i + 1, len(grid) - 1)])
    opt = minimize_scalar(
        lambda la: -_boxcox_loglik(Q, y, la),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    lam = float(opt.x)
    best = _boxcox_loglik(Q, y, lam)
    cut = best - 0.5 * 3.841458820694124  # qchisq(0.95, 1) / 2

    def excess(la: float) -> float:
        return _boxcox_loglik(Q, y, la) - cut

    left = brentq(excess, -2.0, lam, xtol=1e-10) if excess(-2.0) < 0 else -2.0
    right = brentq(excess, lam, 2.0, xtol=1e-10) if excess(2.0) < 0 else 2.0
    return BoxCox(lam, (float(left), float(right)), float(grid[i]), grid, ll)


def boxcox_transform(y, lam: float) -> np.ndarray:
    """``(y^lam - 1)/lam`` (``log y`` at 0)."""
    y = np.asarray(y, dtype=np.float64)
    return np.log(y) if lam == 0 else (y**lam - 1.0) / lam


def _ridge_parts(X: np.ndarray, y: np.ndarray):
    xm, ym = X.mean(axis=0), float(y.mean())
    Xc = X - xm
    scale = np.sqrt(np.mean(Xc * Xc, axis=0))  # lm.ridge: divisor n
    if np.any(scale == 0):
        raise DataError("a constant feature cannot be standardised for ridge")
    Xs = Xc / scale
    U, d, Vt = np.linalg.svd(Xs, full_matrices=False)
    yc = y - ym
    return xm, ym, scale, Xs, yc, d, Vt, U.T @ yc


def _ridge_gcv(parts, lam: float) -> tuple[RidgeFit, float]:
    """lm.ridge at ``lam``: its coefficients and ``GCV = RSS / (n - sum(d^2/div))^2``."""
    xm, ym, scale, Xs, yc, d, Vt, rhs = parts
    b_s = Vt.T @ (d * rhs / (d * d + lam))
    r = yc - Xs @ b_s
    df = float(np.sum(d * d / (d * d + lam)))
    gcv = float(r @ r) / (len(yc) - df) ** 2
    coef = b_s / scale
    return RidgeFit(lam, np.r_[ym - xm @ coef, coef], gcv, df), gcv


def ridge_gcv(X, y, lam: float | None = None) -> RidgeFit:
    """Ridge as ``MASS::lm.ridge`` at ``lam``, or at the lambda minimising its GCV."""
    from scipy.optimize import minimize_scalar

    X, y = design(X), np.asarray(y, dtype=np.float64)
    parts = _ridge_parts(X, y)
    if lam is not None:
        return _ridge_gcv(parts, float(lam))[0]
    d2max = float(parts[5][0] ** 2)
    grid = np.r_[0.0, d2max * np.logspace(-8, 4, 241)]
    scores = [_ridge_gcv(parts, float(la))[1] for la in grid]
    i = int(np.argmin(scores))
    if i == 0:
        return _ridge_gcv(parts, 0.0)[0]
    lo, hi = math.log(grid[max(i - 1, 1)]), math.log(grid[min(i + 1, len(grid) - 1)])
    opt = minimize_scalar(
        lambda t: _ridge_gcv(parts, math.exp(t))[1],
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return _ridge_gcv(parts, math.exp(float(opt.x)))[0]


def ridge_vifs(X, k: float) -> np.ndarray:
    """Marquardt's ridge VIFs ``diag((C + kI)^-1 C (C + kI)^-1)``, C the correlations."""
    X = design(X)
    C = np.corrcoef(X, rowvar=False).reshape(X.shape[1], X.shape[1])
    A = np.linalg.inv(C + k * np.eye(len(C)))
    return np.asarray(np.diag(A @ C @ A), dtype=np.float64)


def square_tests(X, y, names) -> list[tuple[str, float]]:
    """(feature, raw p of its square added alone) for features with over two values."""
    from nnlin_gui.core.statistics.regression import fit_ols

    out = []
    for j, name in enumerate(names):
        x = X[:, j]
        if len(np.unique(x)) <= 2:
            continue
        res = fit_ols(np.column_stack([X, x * x]), y, (*names, f"{name}^2"))
        out.append((name, float(res.pvalues[-1])))
    return out
