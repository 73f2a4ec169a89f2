"""Least-squares building blocks shared by the diagnostics (QR fit, auxiliary regressions).

Everything works from one QR factorisation of the design: hat values, auxiliary
regressions (by Frisch-Waugh, so only the extra columns are factorised) and the
closed-form influence measures all reuse ``Q`` and ``R``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

# Rows per block when extra columns are built on the fly (bounds peak memory).
CHUNK_ROWS = 32_768


@dataclass(frozen=True)
class Design:
    """A standardised design with an intercept in column 0 and its thin QR factorisation.

    Attributes
    ----------
    X : ndarray, shape (n, k1)
        Intercept column followed by the centred and scaled regressors. It spans the same
        space as the raw design, so fits, residuals, leverages and every test statistic
        are the same, but it is far better conditioned.
    Q : ndarray, shape (n, k1)
        Orthonormal basis of the column space.
    R : ndarray, shape (k1, k1)
        Upper-triangular factor of the *raw* design ``[1, X_raw] = Q R``.
    Rs : ndarray, shape (k1, k1)
        Upper-triangular factor of the standardised design, ``X = Q Rs``.
    names : tuple of str
        Regressor names (without the intercept).
    """

    X: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    Rs: np.ndarray
    names: tuple[str, ...]

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def k1(self) -> int:
        """Number of columns including the intercept."""
        return int(self.X.shape[1])


def make_design(X: np.ndarray, names: tuple[str, ...]) -> Design:
    """Standardise ``X``, add an intercept, factorise, and reject exact collinearity.

    The QR factorisation is CholeskyQR2 (two Gram-Cholesky passes: BLAS-3 and about six
    times faster than Householder on a million rows) when the standardised design is
    well conditioned, and Householder QR otherwise.

    Raises
    ------
    DataError
        When there are too few rows, a value is not finite, or a column is constant or an
        exact combination of the others.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    n, k = X.shape
    if k == 0:
        raise DataError("no feature column: the tests need at least one feature")
    if len(names) != k:
        raise DataError(f"{k} feature columns but {len(names)} feature names")
    if n < k + 3:
        raise DataError(f"{n} rows are too few to test a model with {k} features")
    if not np.isfinite(X).all():
        raise DataError("the features contain missing or infinite values")
    mu = X.mean(axis=0)
    Xs = np.empty((n, k + 1), order="F")  # columns contiguous: products, slices
    Xs[:, 0] = 1.0
    np.subtract(X, mu, out=Xs[:, 1:])
    sd = np.sqrt(np.einsum("ij,ij->j", Xs[:, 1:], Xs[:, 1:]) / n)
    for j in range(k):
        if not sd[j] > 1e-12 * max(abs(mu[j]), 1e-300):
            raise DataError(f"feature {names[j]!r} is constant; drop it and try again")
    Xs[:, 1:] /= sd
    Q, Rs = _qr(Xs)
    diag = np.abs(np.diag(Rs))
    bad = diag <= 1e-10 * np.sqrt(n)  # standardised columns have norm sqrt(n)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"feature {names[j - 1]!r} is an exact combination of the other features; "
            "drop it and try again"
        )
    T = np.zeros((k + 1, k + 1))  # [1, X_raw] = Xs @ T
    T[0, 0] = 1.0
    T[0, 1:] = mu
    T[1:, 1:] = np.diag(sd)
    return Design(X=Xs, Q=Q, R=Rs @ T, Rs=Rs, names=tuple(names))


def _qr(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thin QR: CholeskyQR2 when safe, Householder otherwise."""
    from scipy.linalg import LinAlgError, cholesky, solve_triangular

    try:
        R1 = cholesky(A.T @ A, lower=False)
        d = np.abs(np.diag(R1))
        cond = np.linalg.cond(R1)
        if d.min() < 1e-5 * d.max() or cond > 1e6:
            raise LinAlgError("ill-conditioned")
        Q1 = A @ solve_triangular(R1, np.eye(R1.shape[0]))
        if cond < 1e2:  # one pass already orthogonal to ~eps * cond^2 < 1e-12
            return Q1, R1
        R2 = cholesky(Q1.T @ Q1, lower=False)
        Q1 = Q1 @ solve_triangular(R2, np.eye(R2.shape[0]))
        return Q1, R2 @ R1
    except LinAlgError:
        log.debug("design ill-conditioned: Householder QR")
        return np.linalg.qr(A)


def ols_on(design: Design, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares coefficients, fitted values and residuals of ``y`` on the design."""
    qty = design.Q.T @ y
    params = _solve_upper(design.R, qty)
    fitted = design.Q @ qty
    return params, fitted, y - fitted


def _solve_upper(R: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy.linalg import solve_triangular

    return solve_triangular(R, b, lower=False)


# A column counts towards a subset's rank when the part of it that the other columns do not
# explain is above this share of its norm (R's lm uses the same 1e-7 in its pivoted QR).
RANK_TOL = 1e-7


@dataclass(frozen=True)
class SubsetFit:
    """Least-squares fit of ``y`` on some rows of a design: its SSR and numerical rank."""

    ssr: float
    rank: int
    n: int
    k: int

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom, from the rank (as R's ``lm``), not the column count."""
        return self.n - self.rank

    @property
    def rank_deficient(self) -> bool:
        return self.rank < self.k


def rank_note(test: str, parts: tuple[tuple[str, SubsetFit], ...]) -> str:
    """Say which subset fits are rank-deficient and how they were counted."""
    bad = [
        f"the {name} part ({fit.n} rows) has rank {fit.rank} of {fit.k} columns"
        for name, fit in parts
        if fit.rank_deficient
    ]
    if not bad:
        return ""
    return (
        f"{test}: {' and '.join(bad)} (features constant or dependent within it); "
        "its SSR comes from a rank-revealing fit and its degrees of freedom count every "
        "column, as R's lmtest does."
    )


# Rows per Householder QR block of a subset fit: a block stays in cache, which made the
# factorisation of 400,000 x 12 rows 2.5-4x faster than one LAPACK call on all of them.
QR_BLOCK = 4096


def subset_fit_rows(X: np.ndarray, y: np.ndarray, rows: np.ndarray) -> SubsetFit:
    """:func:`subset_fit` on some rows of ``X``, gathered block by block in increasing row
    order (the fit does not depend on the order; sorted gathers stream through memory)."""
    rows = np.sort(rows)
    k = X.shape[1]

    def blocks():
        for start in range(0, len(rows), QR_BLOCK):
            r = rows[start : start + QR_BLOCK]
            W = np.empty((len(r), k + 1), order="F")
            for j in range(k):
                np.take(X[:, j], r, out=W[:, j])
            np.take(y, r, out=W[:, k])
            yield W

    return _fit_from_r(_tsqr_r(blocks()), len(rows), k)


def subset_fit(X: np.ndarray, y: np.ndarray) -> SubsetFit:
    """Rank-revealing least squares of ``y`` on ``X``: residual sum of squares and rank.

    A subset of rows can lose rank even when the whole design has full rank (a feature
    constant within it, two features tied there). Householder QR of ``[X, y]`` (backward
    stable; by blocks of rows) reduces the problem to ``min ||R_x b - z||``; the small
    ``R_x`` is then solved by SVD after scaling its columns to unit norm, keeping singular
    values above ``RANK_TOL`` times the largest. Directions below that are rounding noise:
    fitting ``y`` on them (an unpivoted solve) removed most of the SSR and changed with
    the BLAS kernel.
    """
    n, k = X.shape

    def blocks():
        for start in range(0, n, QR_BLOCK):
            stop = min(n, start + QR_BLOCK)
            W = np.empty((stop - start, k + 1), order="F")
            W[:, :k] = X[start:stop]
            W[:, k] = y[start:stop]
            yield W

    return _fit_from_r(_tsqr_r(blocks()), n, k)


def qr_r(a: np.ndarray) -> np.ndarray:
    """The R factor of ``a`` (``np.linalg.qr(a, mode="r")``)."""
    # numpy's stubs give every mode the QRResult return type; mode "r" returns R alone.
    return np.linalg.qr(a, mode="r")  # type: ignore[return-value]


def _tsqr_r(blocks: Iterable[np.ndarray]) -> np.ndarray:
    """R factor of the row blocks stacked: the blocks' R factors, stacked, factorised again."""
    rs = [qr_r(W) for W in blocks]
    return rs[0] if len(rs) == 1 else qr_r(np.vstack(rs))


def _fit_from_r(r: np.ndarray, n: int, k: int) -> SubsetFit:
    """SSR and rank from the R factor of ``[X, y]`` (``k`` columns of X)."""
    Rx, z = r[:, :k], r[:, k]
    norms = np.sqrt(np.einsum("ij,ij->j", Rx, Rx))
    cols = norms > 0
    if not cols.any():
        return SubsetFit(ssr=float(z @ z), rank=0, n=n, k=k)
    U, s, _ = np.linalg.svd(Rx[:, cols] / norms[cols], full_matrices=False)
    rank = int(np.count_nonzero(s > RANK_TOL * s[0]))
    Ur = U[:, :rank]
    left = z - Ur @ (Ur.T @ z)  # the part of y that the kept directions do not explain
    return SubsetFit(ssr=float(left @ left), rank=rank, n=n, k=k)


def stable_order(values: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
    """Indices that sort ``values``, ties kept in row (file) order.

    Values within ``rtol`` times the largest magnitude of each other count as tied: equal
    rows of the data give fitted values or leverages that differ in the last bits, and an
    order that selects rows (Goldfeld-Quandt's halves, Rainbow's central rows) must not
    depend on that noise. A fast unstable sort does the work; only the tied runs are then
    put in row order (a stable sort of everything took 5x longer on a million rows).
    """
    v = np.asarray(values, dtype=np.float64)
    order = np.argsort(v)
    if len(v) < 2:
        return order
    vs = v[order]
    tol = rtol * float(max(abs(vs[0]), abs(vs[-1])))
    tied = np.diff(vs) <= tol  # sorted position i and i + 1 tie
    if not tied.any():
        return order
    run = np.concatenate([[0], np.cumsum(~tied)])  # tied neighbours share a run id
    member = np.zeros(len(v), dtype=bool)
    member[:-1] |= tied
    member[1:] |= tied
    pos = np.flatnonzero(member)
    order[pos] = order[pos][np.lexsort((order[pos], run[pos]))]
    return order


@dataclass(frozen=True)
class AuxFit:
    """Result of an auxiliary regression of ``u`` on ``[X, Z]``.

    ``ess`` is the centred explained sum of squares, ``tss`` the centred total sum of
    squares, ``df_extra`` the rank added by ``Z`` beyond ``X``.
    """

    ess: float
    tss: float
    df_extra: int
    ess_extra: float

    @property
    def r2(self) -> float:
        return self.ess / self.tss if self.tss > 0 else 0.0


def aux_regression(
    design: Design,
    u: np.ndarray,
    make_z: Callable[[int, int], np.ndarray] | None = None,
    m: int = 0,
) -> AuxFit:
    """Regress ``u`` on the design plus extra columns ``Z``, by Frisch-Waugh.

    ``Z`` is produced block by block by ``make_z(start, stop)`` (rows ``start:stop``,
    ``m`` columns), so a wide auxiliary design never sits in memory at once. The extra
    columns are first made orthogonal to ``X``; their small Gram matrix is then solved
    with a rank cut, so columns that ``X`` already explains (a squared dummy, say) drop
    out of the degrees of freedom.
    """
    n = design.n
    u = np.asarray(u, dtype=np.float64)
    uc = u - u.mean()
    tss = float(uc @ uc)
    qtu = design.Q.T @ uc
    ess_x = float(qtu @ qtu)
    if make_z is None or m == 0:
        return AuxFit(ess=ess_x, tss=tss, df_extra=0, ess_extra=0.0)
    Q = design.Q
    # Pass 1: Q'Z, to take the X part out of Z.
    qtz = np.zeros((design.k1, m))
    znorm2 = np.zeros(m)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        Z = make_z(start, stop)
        qtz += Q[start:stop].T @ Z
        znorm2 += np.einsum("ij,ij->j", Z, Z)
    # Pass 2: Gram matrix and cross products of the X-free part of Z.
    gram = np.zeros((m, m))
    zu = np.zeros(m)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        Z = make_z(start, stop)
        Z -= Q[start:stop] @ qtz
        gram += Z.T @ Z
        zu += Z.T @ uc[start:stop]
    ess_extra, rank = _gram_solve(gram, zu, znorm2)
    return AuxFit(ess=ess_x + ess_extra, tss=tss, df_extra=rank, ess_extra=ess_extra)


def _gram_solve(gram: np.ndarray, zu: np.ndarray, znorm2: np.ndarray) -> tuple[float, int]:
    """``zu' pinv(gram) zu`` with columns that X already explains dropped; and the rank."""
    d2 = np.diag(gram).copy()
    # A column whose X-free part is a tiny share of it is (numerically) in span(X).
    keep = d2 > 1e-18 * np.maximum(znorm2, 1e-300)
    keep &= d2 > 0
    if not keep.any():
        return 0.0, 0
    g = gram[np.ix_(keep, keep)]
    b = zu[keep]
    d = np.sqrt(np.diag(g))
    gs = g / np.outer(d, d)
    bs = b / d
    w, v = np.linalg.eigh(gs)
    good = w > w.max() * 1e-10
    proj = v[:, good].T @ bs
    ess = float(np.sum(proj**2 / w[good]))
    return ess, int(good.sum())


def aux_regression_gram(
    design: Design,
    u: np.ndarray,
    make_z: Callable[[np.ndarray, np.ndarray], None],
    m: int,
) -> AuxFit:
    """Regress ``u`` on ``[X, Z]`` in one pass, from the Gram matrix of ``[X, Z, u]``.

    For wide ``Z`` (White's products): one pass over the rows, building ``Z`` from each
    block of the standardised design with ``make_z(X_block, out)``, and a symmetric rank-k
    update per block. The Gram matrix squares the condition number, which is harmless
    here because ``X`` is standardised and ``Z`` is built from it.
    """
    n, k1 = design.n, design.k1
    uc = np.asarray(u, dtype=np.float64) - np.mean(u)
    su = float(np.sqrt(uc @ uc / n)) or 1.0
    p = k1 + m + 1
    gram = np.zeros((p, p))
    rows = min(n, CHUNK_ROWS)
    W = np.empty((rows, p), order="F")  # columns contiguous: fast fills and Gram
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        w = W[: stop - start]
        w[:, :k1] = design.X[start:stop]
        make_z(design.X[start:stop], w[:, k1 : k1 + m])
        np.divide(uc[start:stop], su, out=w[:, -1])
        gram += w.T @ w
    tss = float(gram[-1, -1])
    # Explained sum of squares of u on [X, Z] with X's part solved exactly.
    gxx = gram[:k1, :k1]
    ess_x = _quad_pinv(gxx, gram[:k1, -1])[0]
    ess_all, rank = _quad_pinv(gram[:-1, :-1], gram[:-1, -1])
    scale = su**2
    return AuxFit(
        ess=ess_all * scale,
        tss=tss * scale,
        df_extra=max(rank - k1, 0),
        ess_extra=(ess_all - ess_x) * scale,
    )


def _quad_pinv(g: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """``b' pinv(g) b`` of a symmetric PSD ``g`` (scaled to unit diagonal), and its rank."""
    d = np.sqrt(np.diag(g))
    keep = d > 0
    g = g[np.ix_(keep, keep)] / np.outer(d[keep], d[keep])
    bs = b[keep] / d[keep]
    w, v = np.linalg.eigh(g)
    good = w > w.max() * 1e-10
    proj = v[:, good].T @ bs
    return float(np.sum(proj**2 / w[good])), int(good.sum())
