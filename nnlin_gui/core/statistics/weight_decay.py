"""What a linear network trained with weight decay converges to: a point on the ridge path.

Training adds ``λ Σ_l ‖W_l‖²`` (every weight matrix, no bias) to the mean error, in the
units the network sees (standardised by default). For a plain chain of ``L`` dense
matrices whose product is ``W_z``, the smallest ``Σ_l ‖W_l‖²`` over all factorisations is
``L Σ_i σ_i(W_z)^(2/L)`` (a Schatten-2/L quasi-norm), reached by balanced factors: every
``W_l`` carries the singular values ``σ_i^(1/L)``. So the collapsed problem is ::

    min over (W_z, b_z) of  error(W_z x + b_z) + λ L Σ_i σ_i(W_z)^(2/L)

which is ridge (``λ ‖W_z‖²``) only for ``L = 1``. With one output ``σ_1 = ‖w‖``, and the
stationarity condition ``∇error + 2 λ ‖w‖^(2/L − 2) w = 0`` is the ridge equation with
penalty ``μ = λ ‖w‖^(2/L − 2)``: the optimum is a point on the ridge path (for a sigmoid
head, on the L2-penalised logistic path). ``L = 2`` is convex (one solution, or zero);
for ``L ≥ 3`` zero is always a local minimum and several path points can be stationary,
so every one is compared with zero and the global minimum is kept.

Conventions are the training loop's: ``error`` is the mean over rows of the squared error
(no 1/2) or of the binary cross-entropy; the intercept is free (not penalised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import brentq

from nnlin_gui.core.errors import SpecError

__all__ = [
    "WeightDecayFit",
    "collapsed_penalty",
    "fit_weight_decay",
    "mu_formula",
    "penalty_formula",
]

_GRID_PER_DECADE = {"mse": 24, "cross_entropy": 8}
_MAX_DECADES = 60
_RELATIVE_FLOOR = 1e-14  # below this share of the largest curvature the path has stopped moving


@dataclass(frozen=True)
class WeightDecayFit:
    """The global minimum of the collapsed weight-decay problem (one output).

    Attributes
    ----------
    coef, intercept : the optimal affine map, in the units fitted
    mu : ridge penalty of the equivalent path point, ``λ ‖w‖^(2/L − 2)`` (``λ`` for
        ``L = 1``; ``inf`` when the optimum is ``w = 0``)
    lam : the L2 setting ``λ`` on every weight matrix
    n_matrices : ``L``, the number of weight matrices in the chain
    objective : error + penalty at the optimum (``zero_objective`` at ``w = 0``)
    loss : 'mse' or 'cross_entropy'
    other_minima : objective values of the other local minima found (``w = 0`` included
        for ``L ≥ 3``), as (mu, objective) pairs
    """

    coef: np.ndarray
    intercept: float
    mu: float
    lam: float
    n_matrices: int
    objective: float
    zero_objective: float
    loss: str
    names: tuple[str, ...] = ()
    other_minima: tuple[tuple[float, float], ...] = ()

    @property
    def is_zero(self) -> bool:
        return not bool(np.any(self.coef))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The fitted map (values, or logits for cross-entropy) for the rows of ``X``."""
        return np.asarray(X, dtype=np.float64) @ self.coef + self.intercept

    def to_dict(self) -> dict:
        """JSON-ready summary (``mu`` is None at ``w = 0``)."""
        return {
            "mu": self.mu if math.isfinite(self.mu) else None,
            "l2": self.lam,
            "weight_matrices": self.n_matrices,
            "objective": self.objective,
            "zero_objective": self.zero_objective,
            "other_minima": [
                {"mu": m if math.isfinite(m) else None, "objective": f}
                for m, f in self.other_minima
            ],
        }


def collapsed_penalty(W: np.ndarray, lam: float, n_matrices: int) -> float:
    """``λ L Σ_i σ_i(W)^(2/L)``: the least weight-decay penalty of ``L`` factors of ``W``."""
    s = np.linalg.svd(np.atleast_2d(W), compute_uv=False)
    return float(lam * n_matrices * np.sum(s ** (2.0 / n_matrices)))


def penalty_formula(n_matrices: int, lam: float | None = None) -> str:
    """The penalty on the collapse as text: ``λ‖W_z‖²``, ``2λ‖W_z‖``, ``3λ‖W_z‖^(2/3)``
    (with ``lam``, its value in place of λ: ``2·0.02·‖W_z‖``)."""
    if n_matrices == 1:
        return "λ‖W_z‖²" if lam is None else f"{lam:g}·‖W_z‖²"
    factor = "λ" if lam is None else f"·{lam:g}·"
    power = "" if n_matrices == 2 else f"^(2/{n_matrices})"
    return f"{n_matrices}{factor}‖W_z‖{power}"


def mu_formula(n_matrices: int) -> str:
    """The ridge penalty of the equivalent path point as text: ``λ/‖W_z‖``,
    ``λ‖W_z‖^(−4/3)``, ..."""
    if n_matrices == 1:
        return "λ"
    if n_matrices == 2:
        return "λ/‖W_z‖"
    power = Fraction(2, n_matrices) - 2
    return f"λ‖W_z‖^(−{-power.numerator}/{power.denominator})"


# ------------------------------------------------------------------------------ paths


class _RidgePath:
    """Ridge solutions ``w(μ)`` of ``mean((y − X w − b)²) + μ‖w‖²`` from one eigensolve."""

    loss = "mse"

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        n = len(y)
        self.x_mean, self.y_mean = X.mean(axis=0), float(y.mean())
        self.Xc, self.yc = X - self.x_mean, y - self.y_mean
        d, self.V = np.linalg.eigh(self.Xc.T @ self.Xc / n)
        self.d = np.clip(d, 0.0, None)
        self.scale = max(float(self.d.max(initial=0.0)), 1e-300)
        r = self.V.T @ (self.Xc.T @ self.yc / n)
        # Directions the data do not span carry only rounding: the minimum-norm solution.
        r[self.d <= 1e-12 * self.scale] = 0.0
        self.r = r

    def solution(self, mu: float) -> tuple[np.ndarray, float]:
        w = self.V @ (self.r / (self.d + mu))
        return w, self.y_mean - float(self.x_mean @ w)

    def norm(self, mu: float) -> float:
        return float(np.linalg.norm(self.r / (self.d + mu)))

    def error(self, w: np.ndarray, b: float) -> float:
        e = self.yc - self.Xc @ w
        return float(e @ e / len(e))

    def zero(self) -> tuple[float, float, float]:
        """(intercept, error, ‖∇error‖) at ``w = 0`` with the best intercept."""
        return (
            self.y_mean,
            float(self.yc @ self.yc / len(self.yc)),
            2.0 * float(np.linalg.norm(self.r)),
        )


class _LogisticPath:
    """L2-penalised logistic solutions of ``mean(log(1 + e^z) − y z) + μ‖w‖²`` by Newton."""

    loss = "cross_entropy"

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.x_mean = X.mean(axis=0)
        self.Xc, self.y = X - self.x_mean, y.astype(np.float64)
        p = float(self.y.mean())
        if not 0.0 < p < 1.0:
            raise SpecError("the target has only one class: there is no logistic fit")
        self.p = p
        self.A = np.column_stack([np.ones(len(y)), self.Xc])
        curvature = float(np.linalg.eigvalsh(self.Xc.T @ self.Xc / len(y)).max())
        self.scale = max(0.25 * curvature, 1e-300)  # p(1 − p) ≤ 1/4
        self._beta = np.r_[math.log(p / (1 - p)), np.zeros(X.shape[1])]
        self._cache: dict[float, np.ndarray] = {}

    def _objective(self, beta: np.ndarray, mu: float) -> float:
        z = self.A @ beta
        return float(np.mean(np.logaddexp(0.0, z) - self.y * z) + mu * beta[1:] @ beta[1:])

    def _newton(self, mu: float) -> np.ndarray:
        beta = self._beta.copy()
        pen = np.r_[0.0, np.full(len(beta) - 1, 2.0 * mu)]
        n = len(self.y)
        for _ in range(200):
            z = self.A @ beta
            prob = 0.5 * (1.0 + np.tanh(0.5 * z))
            grad = self.A.T @ (prob - self.y) / n + pen * beta
            hess = (self.A.T * (prob * (1.0 - prob))) @ self.A / n + np.diag(pen)
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
            f0, slope, t = self._objective(beta, mu), 1e-4 * float(grad @ step), 1.0
            # Damped Newton: halve until the objective drops enough.
            while t > 1e-12 and self._objective(beta - t * step, mu) > f0 - t * slope:
                t *= 0.5
            beta = beta - t * step
            if np.max(np.abs(t * step)) <= 1e-14 * (1.0 + np.max(np.abs(beta))):
                break
        return beta

    def _beta_at(self, mu: float) -> np.ndarray:
        if mu not in self._cache:
            beta = self._newton(mu)
            self._beta = beta  # warm start for the next, nearby penalty
            self._cache[mu] = beta
        return self._cache[mu]

    def solution(self, mu: float) -> tuple[np.ndarray, float]:
        beta = self._beta_at(mu)
        w = beta[1:].copy()
        return w, float(beta[0] - self.x_mean @ w)

    def norm(self, mu: float) -> float:
        return float(np.linalg.norm(self._beta_at(mu)[1:]))

    def error(self, w: np.ndarray, b: float) -> float:
        z = self.Xc @ w + (b + float(self.x_mean @ w))
        return float(np.mean(np.logaddexp(0.0, z) - self.y * z))

    def zero(self) -> tuple[float, float, float]:
        p = self.p
        err = -(p * math.log(p) + (1 - p) * math.log(1 - p))
        grad = self.Xc.T @ (p - self.y) / len(self.y)
        return math.log(p / (1 - p)), err, float(np.linalg.norm(grad))


# ------------------------------------------------------------------------------ the solver


def _objective(path, w: np.ndarray, b: float, lam: float, L: int) -> float:
    return path.error(w, b) + lam * L * float(np.linalg.norm(w)) ** (2.0 / L)


def _psi(path, mu: float, lam: float, L: int) -> float:
    """log μ − log(λ‖w(μ)‖^(2/L−2)): zero at stationary points, < 0 where the collapsed
    objective falls as μ grows along the path (so a − to + change is a local minimum)."""
    s = path.norm(mu)
    if s <= 0.0:
        return -math.inf
    return math.log(mu / lam) - (2.0 / L - 2.0) * math.log(s)


def _mu_range(path, lam: float, L: int, f0: float, g: float) -> tuple[float, float]:
    """Penalties that can hold the global minimum, from f(w*) ≤ f(0) and convexity."""
    floor = _RELATIVE_FLOOR * path.scale
    s_max = (f0 / (lam * L)) ** (L / 2.0)  # λ L ‖w‖^(2/L) ≤ f(0)
    mu_lo = max(lam * s_max ** (2.0 / L - 2.0), floor)
    if L >= 3:
        # error(w) ≥ f(0) − g‖w‖, so beating zero needs λ L s^(2/L) < g s.
        s_min = (lam * L / g) ** (L / (L - 2.0))
        mu_hi = lam * s_min ** (2.0 / L - 2.0)
    else:
        mu_hi = max(10.0 * mu_lo, lam)
        for _ in range(_MAX_DECADES):
            if _psi(path, mu_hi, lam, L) > 0:
                break
            mu_hi *= 10.0
    return mu_lo, max(mu_hi, 10.0 * mu_lo)


def _path_minima(path, lam: float, L: int, mu_lo: float, mu_hi: float) -> list[float]:
    """Penalties where the objective along the path has a local minimum (− to + of ψ)."""
    decades = min(math.log10(mu_hi / mu_lo), _MAX_DECADES)
    n = max(16, int(decades * _GRID_PER_DECADE[path.loss]) + 2)
    logs = np.linspace(math.log(mu_lo), math.log(mu_lo) + decades * math.log(10.0), n)
    # From large to small penalties: Newton then warm-starts from small coefficients.
    psi = {t: _psi(path, math.exp(t), lam, L) for t in logs[::-1]}
    values = [psi[t] for t in logs]
    found = [mu_lo] if values[0] > 0 else []  # rising already: the minimum sits lower still
    for a, b, fa, fb in zip(logs[:-1], logs[1:], values[:-1], values[1:], strict=True):
        if fa < 0 <= fb:
            t = brentq(lambda t: _psi(path, math.exp(t), lam, L), a, b, xtol=1e-15, rtol=1e-15)
            found.append(math.exp(t))
    return found


def fit_weight_decay(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    n_matrices: int,
    loss: str = "mse",
    names: tuple[str, ...] = (),
) -> WeightDecayFit:
    """The global minimum of ``error + λ L ‖w‖^(2/L)`` over ``(w, b)``, one output.

    Parameters
    ----------
    X : (n, k) inputs in the units the network trains in
    y : (n,) target (standardised values, or 0/1 classes for cross-entropy)
    lam : L2 setting λ on every weight matrix (> 0)
    n_matrices : L, the number of weight matrices of the dense chain (hidden layers + 1)
    loss : 'mse' (identity head) or 'cross_entropy' (sigmoid head)

    Returns
    -------
    WeightDecayFit
        ``L = 1`` is ridge (or L2-penalised logistic regression) with ``μ = λ``.
    """
    if not (lam > 0 and math.isfinite(lam)):
        raise SpecError(f"weight decay needs an L2 penalty above 0, not {lam}")
    if n_matrices < 1:
        raise SpecError("a network has at least one weight matrix")
    if loss not in _GRID_PER_DECADE:
        raise SpecError(f"unknown loss {loss!r}; use {', '.join(_GRID_PER_DECADE)}")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    path = _RidgePath(X, y) if loss == "mse" else _LogisticPath(X, y)
    L = int(n_matrices)
    b0, f0, g = path.zero()
    if L == 1:
        w, b = path.solution(lam)
        return WeightDecayFit(w, b, lam, lam, 1, _objective(path, w, b, lam, 1), f0, loss, names)
    zero = WeightDecayFit(np.zeros(X.shape[1]), b0, math.inf, lam, L, f0, f0, loss, names)
    # L = 2 is convex: zero is optimal exactly when the gradient there is within the
    # subdifferential ball 2λ of the penalty 2λ‖w‖.
    if g <= 0.0 or (L == 2 and g <= 2.0 * lam):
        return zero
    mu_lo, mu_hi = _mu_range(path, lam, L, f0, g)
    candidates = [(math.inf, f0, zero.coef, b0)] if L >= 3 else []
    for mu in _path_minima(path, lam, L, mu_lo, mu_hi):
        w, b = path.solution(mu)
        candidates.append((mu, _objective(path, w, b, lam, L), w, b))
    if not candidates:
        return zero
    candidates.sort(key=lambda c: c[1])
    mu, f, w, b = candidates[0]
    others = tuple((m, fo) for m, fo, _, _ in candidates[1:])
    return WeightDecayFit(np.asarray(w), float(b), mu, lam, L, f, f0, loss, names, others)
