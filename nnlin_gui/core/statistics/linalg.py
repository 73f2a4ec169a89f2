"""Careful dense least squares for the regression baselines.

Why not ``np.linalg.lstsq`` or statsmodels: on badly conditioned designs (NIST Longley,
high polynomial degrees) they lose half the digits or more (STACK-NOTES). Here:

1. every column and the target are first brought to magnitudes below 1 by powers of two,
   so data from 1e-307 to 1e+308 give the same digits as data near 1 (no overflow or
   underflow in sums and norms); the features are centred when there is an intercept (the
   intercept column stays in the design, so the centre need not be exact) and every column
   is scaled again by a power of two (exact in binary, so scaling adds no rounding);
2. a pivoted Householder QR of that float64 design detects rank deficiency and names the
   columns involved;
3. the solution is improved by iterative refinement of the augmented system
   ``[I B; B' 0][r; x] = [y; 0]`` (Bjorck) with residuals in ``np.longdouble``, read from
   the original data, so it converges to the least squares solution of the data as given;
4. the unscaled covariance ``(X'X)^-1`` comes from the triangular inverse ``R^-1``
   (``(X'X)^-1 = M M'`` with ``M = T R^-1``), never from ``inv(R'R)``, which would square
   the condition number.

On x86-64 ``np.longdouble`` has 64-bit mantissas; where it is plain float64 (some ARM
builds) the refinement still helps, with fewer extra digits. ``X`` may itself be given in
``np.longdouble`` (polynomial powers): the refinement then converges to the least squares
solution of those extended-precision columns.

Subnormal data (a column or target whose largest magnitude is below 2.2e-308) are refused
with ``NumericRangeError``; results come back in the data's units, and the scaled fit is
kept (``coef_scaled``, ``ssr_scaled``, ``cov_scaled``) so that statistics can be formed
where the unscaled ones would overflow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from nnlin_gui.core.errors import DataError
from nnlin_gui.core.statistics.numeric_range import TINY, check_not_subnormal, pow2_exponents

log = logging.getLogger(__name__)

__all__ = ["CollinearError", "LstsqSolution", "check_full_rank", "is_separable", "lstsq"]

_LD = np.longdouble
_EPS = float(np.finfo(np.float64).eps)
_CHUNK = 65536  # rows per extended-precision pass; bounds the temporary memory
_MAX_REFINE = 5


class CollinearError(DataError):
    """The design columns are linearly dependent (to working precision).

    ``columns`` names the columns taking part.
    """

    def __init__(self, message: str, columns: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.columns = tuple(columns)


@dataclass(frozen=True)
class LstsqSolution:
    """Least squares solution in the caller's parametrisation (intercept first if any).

    Attributes
    ----------
    coef : ndarray, shape (p,)
    resid, fitted : ndarray, shape (n,)
    ssr : float
        Sum of squared residuals, accumulated in extended precision.
    cov_unscaled : ndarray, shape (p, p) or None
        ``(X'X)^-1`` of the design including the intercept column; None for penalised fits.
        Entries beyond the double range (data near 1e+-308) are inf or 0: use the scaled
        fields for statistics.
    x_scale : ndarray, shape (p,), long double
        Powers of two the design columns were multiplied by (1 for the intercept).
    y_scale : long double
        Power of two the target was multiplied by.
    coef_scaled, ssr_scaled, cov_scaled : the same fit of ``y * y_scale`` on the columns
        times ``x_scale`` (long double; ``cov_scaled`` float64 or None):
        ``coef = coef_scaled * x_scale / y_scale``, ``ssr = ssr_scaled / y_scale**2``,
        ``cov_unscaled = cov_scaled * outer(x_scale, x_scale)``.
    q, cov_root : with ``keep_q``: the thin ``Q`` (n, p) of the working design and ``M``
        (p, p) with ``cov_scaled = M M'`` and ``(D'D)^-1 D' = M Q'`` for the scaled design
        ``D`` (columns times ``x_scale``): sandwich covariances are ``M (Q' Omega Q) M'``
        and the leverages are the squared row norms of ``Q``. None otherwise.
    """

    coef: np.ndarray
    resid: np.ndarray
    fitted: np.ndarray
    ssr: float
    cov_unscaled: np.ndarray | None
    x_scale: np.ndarray | None = None
    y_scale: np.longdouble = np.longdouble(1.0)
    coef_scaled: np.ndarray | None = None
    ssr_scaled: float = 0.0
    cov_scaled: np.ndarray | None = None
    q: np.ndarray | None = None
    cov_root: np.ndarray | None = None


class _Design:
    """The working design ``B = [w0 * 1, (X * d - c) * w]`` read in chunks from ``X``.

    ``d`` (``pre``) brings each column's largest magnitude into [0.5, 1) and ``w`` makes
    the centred columns about unit length; both are powers of two, so ``B`` is the data,
    not a rounded copy, and nothing overflows for data near 1e+-308. With ``penalty > 0``,
    rows ``penalty * diag(d * w)`` (one per feature) are stacked under ``B``; the intercept
    is never penalised.
    """

    def __init__(self, X: np.ndarray, intercept: bool, penalty: float = 0.0) -> None:
        n, k = X.shape
        self.X = X
        self.intercept = intercept
        # Long double columns (polynomial powers) may exceed the double range: so may pre.
        one = np.ones(k, dtype=X.dtype)
        self.pre = np.ldexp(one, -pow2_exponents(X)) if n else one
        Xp = X * self.pre
        # The centre only improves conditioning, so a float64 mean is enough.
        self.centre = np.asarray(Xp.mean(axis=0) if intercept else np.zeros(k), np.float64)
        Xp -= self.centre
        norms = np.sqrt(np.sum(Xp * Xp, axis=0, dtype=np.float64) + (penalty * self.pre) ** 2)
        self.Xp = Xp  # kept for the float64 design, then dropped
        if intercept:
            norms = np.concatenate([[np.sqrt(n)], norms])
        self.scale = np.exp2(-np.round(np.log2(norms)))  # within the prescaled design
        start = int(intercept)
        # The penalty on w (data units) is penalty * pre on the prescaled coefficients.
        self.aug = penalty * self.pre * self.scale[start:]
        self.penalised = penalty > 0.0
        self.n, self.p = n, k + int(intercept)
        # Every design column's total power of two: data units -> working units.
        self.total = np.concatenate([[1.0], self.pre]) if intercept else self.pre.copy()
        self.total = self.total.astype(_LD) * self.scale.astype(_LD)

    def float64(self) -> np.ndarray:
        """The design (with penalty rows) in float64, for the QR factorisation."""
        start = int(self.intercept)
        extra = self.p - start if self.penalised else 0
        B = np.zeros((self.n + extra, self.p))
        B[: self.n, start:] = self.Xp * self.scale[start:]
        self.Xp = None
        if start:
            B[: self.n, 0] = self.scale[0]
        if extra:
            B[self.n + np.arange(extra), start + np.arange(extra)] = self.aug
        return B

    def residual(self, y: np.ndarray, x: np.ndarray, r: np.ndarray | None = None):
        """``y - B x`` and (given ``r``) ``B' r`` over the data rows, in extended precision.

        One pass over ``X``; scaling the vectors instead of ``B`` is exact (powers of two).
        ``y`` is the prescaled target.
        """
        scale = self.scale.astype(_LD)
        xs = x * scale
        start = int(self.intercept)
        pre = self.pre.astype(_LD)
        centre = self.centre.astype(_LD)
        out = np.empty(self.n, dtype=_LD)
        acc = np.zeros(self.p, dtype=_LD)
        for lo in range(0, self.n, _CHUNK):
            hi = min(lo + _CHUNK, self.n)
            block = self.X[lo:hi].astype(_LD) * pre - centre
            out[lo:hi] = (y[lo:hi] - xs[0] if start else y[lo:hi]) - block @ xs[start:]
            if r is not None:
                acc[start:] += r[lo:hi] @ block
                if start:
                    acc[0] += r[lo:hi].sum()
        return out, acc * scale

    def penalty_rows(self, x: np.ndarray) -> np.ndarray:
        """``diag(aug) x`` restricted to the penalised coefficients."""
        return self.aug.astype(_LD) * (x[1:] if self.intercept else x)


def _collinear_message(names: Sequence[str], involved: list[int], intercept: bool) -> str:
    named = [names[j] for j in involved]
    if intercept and len(involved) == 2 and 0 in involved:
        other = named[1] if named[0] == names[0] else named[0]
        return f"column {other!r} is constant, so it cannot be told apart from the intercept"
    listed = ", ".join(repr(s) for s in named)
    return (
        f"columns {listed} are collinear (one is a linear combination of the others); "
        "drop one of them"
    )


def _check_rank(R: np.ndarray, piv: np.ndarray, n: int, names: Sequence[str], intercept: bool):
    diag = np.abs(np.diag(R))
    # numpy's matrix_rank threshold, applied to the equilibrated (and centred) design.
    tol = diag[0] * max(n, R.shape[1]) * _EPS
    rank = int(np.sum(diag > tol))
    if rank == R.shape[1]:
        return
    dep = int(rank)
    # Column piv[dep] ~ sum_i z_i * column piv[i]: the columns with weight take part.
    z = sla.solve_triangular(R[:dep, :dep], R[:dep, dep]) if dep else np.zeros(0)
    weight = np.abs(z)
    involved = sorted({int(piv[dep])} | {int(piv[i]) for i in np.flatnonzero(weight > 1e-8)})
    message = _collinear_message(names, involved, intercept)
    raise CollinearError(message, [names[j] for j in involved])


def _check_inputs(
    X: np.ndarray, y: np.ndarray, names: Sequence[str], intercept: bool, penalised: bool = False
):
    n, k = X.shape
    p = k + int(intercept)
    if n == 0:
        raise DataError("there are no rows to fit")
    if y.shape != (n,):
        raise DataError(f"the target has {y.shape[0]} rows but the features have {n}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise DataError("the data contain missing or infinite values")
    for j in range(0 if penalised else k):  # a penalty makes such columns harmless
        column = X[:, j]
        if intercept and np.all(column == column[0]):
            raise DataError(
                f"column {names[j + 1]!r} is constant, so it cannot be told apart "
                "from the intercept"
            )
        if not intercept and not column.any():
            raise DataError(f"column {names[j]!r} is all zeros")
    return n, p


def check_full_rank(X: np.ndarray, names: Sequence[str], intercept: bool = True) -> None:
    """Raise ``DataError`` naming the columns if ``[1, X]`` (or ``X``) is rank deficient.

    Parameters
    ----------
    X : ndarray, shape (n, k)
    names : sequence of str
        Names of the design columns, ``"const"`` first when ``intercept``.
    intercept : bool
    """
    X = np.asarray(X, dtype=np.float64)
    n, p = _check_inputs(X, np.zeros(X.shape[0]), names, intercept)
    if n < p:
        raise DataError(f"{n} rows cannot determine {p} coefficients")
    _, R, piv = sla.qr(_Design(X, intercept).float64(), mode="economic", pivoting=True)
    _check_rank(R, piv, n, names, intercept)


def lstsq(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    intercept: bool = True,
    penalty: float = 0.0,
    keep_q: bool = False,
) -> LstsqSolution:
    """Minimise ``||y - b - X w||^2 + penalty^2 * ||w||^2`` accurately.

    Parameters
    ----------
    X : ndarray, shape (n, k)
    y : ndarray, shape (n,)
    names : sequence of str
        Names of the coefficients (``"const"`` first when ``intercept``), for messages.
    intercept : bool
        Fit an unpenalised intercept ``b`` (returned first in ``coef``).
    penalty : float
        Square root of the ridge weight; 0 gives ordinary least squares.
    keep_q : bool
        Keep ``Q`` and ``M`` (see :class:`LstsqSolution`) for sandwich covariances.

    Returns
    -------
    LstsqSolution

    Raises
    ------
    DataError
        Non-finite data, too few rows, or (without penalty) collinear columns.
    """
    X = _as_design_array(X)
    y = np.asarray(y, dtype=np.float64)
    n, p = _check_inputs(X, y, names, intercept, penalised=penalty > 0.0)
    _check_not_subnormal(X, y, names, intercept)
    design = _Design(X, intercept, penalty)
    if not design.penalised and n <= p:
        raise DataError(f"{n} rows are not enough to fit {p} coefficients; need at least {p + 1}")
    # The target in [0.5, 1) too: its squares and sums stay far from overflow (exact).
    y_scale = np.ldexp(1.0, -int(pow2_exponents(y)))
    ys = y * y_scale
    B = design.float64()
    Q, R, piv = sla.qr(B, mode="economic", pivoting=True)
    if not design.penalised:
        _check_rank(R, piv, n, names, intercept)
    perm = np.empty(p, dtype=np.intp)
    perm[piv] = np.arange(p)

    def solve(f: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # One step for [I B; B' 0][dr; dx] = [f; g] with B P = Q R (thin Q suffices).
        h = sla.solve_triangular(R, g[piv], trans="T")
        d = Q.T @ f
        dx = sla.solve_triangular(R, d - h)[perm]
        return dx, Q @ h + f - Q @ d

    x = _refine(design, ys, solve, n, p)
    resid, _ = design.residual(ys, x)
    theta = x * design.scale.astype(_LD)  # coefficients of ys on [1, X * pre]
    if intercept:
        theta[0] -= np.sum(design.centre.astype(_LD) * theta[1:])
    x_scale = design.total / design.scale.astype(_LD)  # [1, pre]
    cov = cov_scaled = root = None
    if not design.penalised:
        root = _cov_root(R, perm, design)
        cov_scaled = root @ root.T
        with np.errstate(over="ignore", under="ignore"):
            cov = (cov_scaled * np.outer(x_scale, x_scale)).astype(np.float64)
    ssr_scaled = np.sum(resid * resid)
    resid_data = resid / _LD(y_scale)
    with np.errstate(over="ignore", under="ignore"):
        coef = (theta * x_scale / _LD(y_scale)).astype(np.float64)
        ssr = float(ssr_scaled / _LD(y_scale) ** 2)
    return LstsqSolution(
        coef=coef,
        resid=resid_data.astype(np.float64),
        fitted=(y.astype(_LD) - resid_data).astype(np.float64),
        ssr=ssr,
        cov_unscaled=cov,
        x_scale=x_scale,
        y_scale=_LD(y_scale),
        coef_scaled=theta,
        ssr_scaled=ssr_scaled,
        cov_scaled=cov_scaled,
        q=Q[:n] if keep_q and not design.penalised else None,
        cov_root=root if keep_q else None,
    )


def _as_design_array(X) -> np.ndarray:
    """float64, or long double when given so (polynomial powers keep their extra digits)."""
    X = np.asarray(X)
    return X if X.dtype == _LD and _LD != np.float64 else X.astype(np.float64)


def _check_not_subnormal(X, y, names: Sequence[str], intercept: bool) -> None:
    start = int(intercept)
    X = np.asarray(X)
    # The columns' largest magnitudes a block of columns at a time, then the first column
    # refused (same message): one numpy call per column, 20,000 of them, held the
    # interpreter lock for the window's paint in small slices (a 164 ms stall).
    suspects = _tiny_columns(X) if X.size else []
    columns = [(f"column {names[start + j]!r}", X[:, j]) for j in suspects]
    check_not_subnormal([*columns, ("the target", y)])


def _tiny_columns(X: np.ndarray) -> list[int]:
    """Columns of ``X`` (with rows) whose largest magnitude is below ``TINY`` (zero too:
    ``check_not_subnormal`` tells them apart)."""
    block = max(1, (1 << 20) // X.shape[0])  # about a million values at a time
    largest = np.concatenate(
        [np.max(np.abs(X[:, lo : lo + block]), axis=0) for lo in range(0, X.shape[1], block)]
    )
    return [int(j) for j in np.flatnonzero(~(largest >= TINY))]  # NaN: let it say so


def _refine(design: _Design, ys: np.ndarray, solve, n: int, p: int) -> np.ndarray:
    """Solve, then refine the augmented system with residuals in extended precision."""
    penalised = design.penalised
    start = int(design.intercept)
    rows = n + (p - start if penalised else 0)
    yb = np.concatenate([ys, np.zeros(rows - n)]) if penalised else ys
    x, r = solve(yb, np.zeros(p))
    x, r = x.astype(_LD), r.astype(_LD)
    last = np.inf
    for _ in range(_MAX_REFINE):
        res, Btr = design.residual(ys, x, r[:n])
        f, g = res - r[:n], -Btr
        if penalised:
            f = np.concatenate([f, -design.penalty_rows(x) - r[n:]])
            g[start:] -= design.aug.astype(_LD) * r[n:]
        dx, dr = solve(f.astype(np.float64), g.astype(np.float64))
        size = float(np.max(np.abs(dx)))
        if size >= last:  # not contracting: the design is too ill-conditioned to refine
            log.debug("refinement stopped: correction %.3g after %.3g", size, last)
            break
        x, r, last = x + dx.astype(_LD), r + dr.astype(_LD), size
        if size <= _EPS * float(np.max(np.abs(x))):
            break
    return x


def _cov_root(R: np.ndarray, perm: np.ndarray, design: _Design) -> np.ndarray:
    """``M`` with ``(D'D)^-1 = M M'`` for ``D = [1, X * pre]``, from ``R^-1`` (never
    ``inv(R'R)``)."""
    p = R.shape[0]
    # Map R^-1 to the prescaled parametrisation: theta = T x.
    M = sla.solve_triangular(R, np.eye(p))[perm].astype(_LD) * design.scale[:, None]
    if design.intercept:
        M[0] -= design.centre.astype(_LD) @ M[1:]
    return M.astype(np.float64)


def is_separable(A: np.ndarray, y: np.ndarray) -> bool:
    """Is there ``beta != 0`` with ``s_i a_i'beta >= 0`` for every row (``s = 2y - 1``)?

    That is complete or quasi-complete separation of 0/1 classes, when the logistic maximum
    likelihood estimate does not exist (Albert and Anderson 1984); found with a linear
    program (Konis 2007).

    Parameters
    ----------
    A : ndarray, shape (n, p)
        The design, intercept column included.
    y : ndarray, shape (n,)
        0/1 labels.
    """
    from scipy.optimize import linprog

    scale = np.max(np.abs(A), axis=0)
    S = (2.0 * y - 1.0)[:, None] * (A / np.where(scale > 0, scale, 1.0))
    res = linprog(-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(len(y)), bounds=(-1, 1), method="highs")
    if res.status != 0:
        return False
    margins = S @ res.x
    # Check the certificate directly rather than trusting the LP objective's tolerance.
    return bool(margins.max() > 1e-6 and margins.min() >= -1e-9 * np.abs(margins).max())
