"""Feature transforms: polynomial terms, interactions, sin/cos, log, z-scores.

These are the TensorFlow Playground's extra inputs (X1^2, X1*X2, sin X1, ...) and the
textbook ones. Each transform takes a matrix and its column names and returns new columns
with names that say what they are: ``x1^2``, ``x1*x2``, ``sin(x1)``, ``log(x1)``.

``Standardizer`` z-scores features (and optionally the target) and maps coefficients
fitted on the standardised scale back to the original units exactly.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

__all__ = [
    "Standardizer",
    "apply_terms",
    "interaction_features",
    "log_features",
    "polynomial_features",
    "transform_dataset",
    "trig_features",
]


def _as_matrix(X, names: Sequence[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise DataError("features must be a table of rows and columns")
    names = tuple(str(n) for n in names)
    if len(names) != X.shape[1]:
        raise DataError(f"{X.shape[1]} feature columns but {len(names)} names")
    return X, names


def _indices(names: tuple[str, ...], columns: Sequence[str] | None) -> list[int]:
    if columns is None:
        return list(range(len(names)))
    out = []
    for c in columns:
        if c not in names:
            raise DataError(f"no feature named {c!r}; features are {', '.join(names)}")
        out.append(names.index(c))
    return out


def _power_name(name: str, p: int) -> str:
    return name if p == 1 else f"{name}^{p}"


def polynomial_features(
    X, names: Sequence[str], degree: int, *, interactions: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """All monomials of the features up to ``degree`` (without the constant).

    Parameters
    ----------
    X : array, shape (n, k)
    names : the k column names
    degree : highest total degree, 1 to 10
    interactions : include products of different features (``x1*x2``, ``x1^2*x2``);
        False gives pure powers only

    Returns
    -------
    X_new, names_new
        Degree-1 columns first, then degree 2, and so on, in a fixed order.
    """
    X, names = _as_matrix(X, names)
    if not 1 <= int(degree) <= 10:
        raise DataError(f"polynomial degree must be between 1 and 10, not {degree}")
    cols, out_names = [], []
    k = X.shape[1]
    for d in range(1, int(degree) + 1):
        for combo in itertools.combinations_with_replacement(range(k), d):
            if not interactions and len(set(combo)) > 1:
                continue
            powers = {j: combo.count(j) for j in sorted(set(combo))}
            col = np.ones(X.shape[0])
            with np.errstate(all="ignore"):  # overflow is reported below, in words
                for j, p in powers.items():
                    col = col * X[:, j] ** p
            cols.append(col)
            out_names.append("*".join(_power_name(names[j], p) for j, p in powers.items()))
    return _finite(np.column_stack(cols), tuple(out_names))


def interaction_features(
    X, names: Sequence[str], columns: Sequence[str] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Pairwise products ``a*b`` of the chosen columns (all columns by default)."""
    X, names = _as_matrix(X, names)
    idx = _indices(names, columns)
    pairs = list(itertools.combinations(idx, 2))
    if not pairs:
        return np.empty((X.shape[0], 0)), ()
    with np.errstate(all="ignore"):
        cols = [X[:, i] * X[:, j] for i, j in pairs]
    return _finite(np.column_stack(cols), tuple(f"{names[i]}*{names[j]}" for i, j in pairs))


def trig_features(
    X, names: Sequence[str], columns: Sequence[str] | None = None, *, sin=True, cos=True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """``sin(x)`` and/or ``cos(x)`` of the chosen columns (radians)."""
    X, names = _as_matrix(X, names)
    if not np.isfinite(X).all():
        raise DataError("sin and cos need finite values")
    cols, out = [], []
    for j in _indices(names, columns):
        if sin:
            cols.append(np.sin(X[:, j]))
            out.append(f"sin({names[j]})")
        if cos:
            cols.append(np.cos(X[:, j]))
            out.append(f"cos({names[j]})")
    if not cols:
        return np.empty((X.shape[0], 0)), ()
    return np.column_stack(cols), tuple(out)


def log_features(
    X, names: Sequence[str], columns: Sequence[str] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Natural logarithm ``log(x)`` of the chosen columns.

    Raises
    ------
    DataError
        A column has zero or negative values (naming the column, count and first row).
    """
    X, names = _as_matrix(X, names)
    cols, out = [], []
    for j in _indices(names, columns):
        v = X[:, j]
        bad = ~(v > 0)
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(
                f"log({names[j]}): {int(bad.sum()):,} values are zero or negative "
                f"(first in row {first + 1}: {v[first]:g}); log needs positive numbers"
            )
        cols.append(np.log(v))
        out.append(f"log({names[j]})")
    if not cols:
        return np.empty((X.shape[0], 0)), ()
    return np.column_stack(cols), tuple(out)


_TERM = re.compile(r"^(sin|cos|log)\((.+)\)$")


def _balanced(inner: str) -> bool:
    depth = 0
    for ch in inner:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _split_top(term: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in term:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _one_term(X, names: tuple[str, ...], term: str) -> np.ndarray:
    term = term.strip()
    if term in names:
        return X[:, names.index(term)]
    m = _TERM.match(term)
    if m and _balanced(m.group(2)):
        fn, inner = m.groups()
        v = _one_term(X, names, inner)
        if fn == "log":
            return log_features(v[:, None], [inner])[0][:, 0]
        return np.sin(v) if fn == "sin" else np.cos(v)
    if len(_split_top(term, "*")) > 1:
        col = np.ones(X.shape[0])
        for part in _split_top(term, "*"):
            col = col * _one_term(X, names, part)
        return col
    if len(_split_top(term, "^")) > 1:
        base, _, power = term.rpartition("^")
        try:
            p = int(power)
        except ValueError:
            raise DataError(f"feature term {term!r}: the power must be a whole number") from None
        if not 1 <= p <= 10:
            raise DataError(f"feature term {term!r}: the power must be between 1 and 10")
        return _one_term(X, names, base) ** p
    raise DataError(f"feature term {term!r}: no feature of that name ({', '.join(names)})")


def apply_terms(X, names: Sequence[str], terms: Sequence[str]) -> tuple[np.ndarray, tuple]:
    """Build columns from term strings like the Playground's inputs.

    A term is a feature name, ``name^p``, a product ``a*b``, or ``sin(t)``, ``cos(t)``,
    ``log(t)`` of a term: e.g. ``["x1", "x2", "x1^2", "x1*x2", "sin(x1)"]``.
    """
    X, names = _as_matrix(X, names)
    terms = [str(t).strip() for t in terms]
    if not terms:
        raise DataError("choose at least one feature term")
    if len(set(terms)) != len(terms):
        raise DataError("a feature term is listed twice")
    with np.errstate(all="ignore"):  # overflow is reported below, in words
        cols = [_one_term(X, names, t) for t in terms]
    return _finite(np.column_stack(cols), tuple(terms))


def _finite(X: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Refuse columns that overflowed (or were infinite to begin with)."""
    bad = ~np.isfinite(X).all(axis=0)
    if bad.any():
        j = int(np.argmax(bad))
        raise DataError(
            f"feature {names[j]!r} has infinite or undefined values; "
            "choose smaller powers or rescale the data"
        )
    return X, names


def transform_dataset(dataset, terms: Sequence[str]):
    """A copy of a ``Dataset`` whose features are the given terms of its features."""
    X, names = apply_terms(dataset.X, dataset.feature_names, terms)
    return replace(dataset, X=np.ascontiguousarray(X), feature_names=names)


@dataclass
class Standardizer:
    """Z-scores: ``z = (x - mean) / scale`` per column, with an exact way back.

    A model fitted on standardised features, ``y = W z + b``, equals
    ``y = (W / scale) x + (b - W @ (mean / scale))`` on the original features;
    ``coef_to_original`` does that mapping (and undoes a standardised target too).
    Constant columns get scale 1 so they pass through centred rather than dividing by 0.
    """

    mean_: np.ndarray | None = None
    scale_: np.ndarray | None = None

    def fit(self, X) -> Standardizer:
        """Learn column means and standard deviations (ddof=0)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        if X.shape[0] < 1:
            raise DataError("cannot standardise an empty table")
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def _fitted(self) -> tuple[np.ndarray, np.ndarray]:
        """``(mean_, scale_)``; DataError when ``fit`` has not been called."""
        if self.mean_ is None or self.scale_ is None:
            raise DataError("the standardiser has not been fitted")
        return self.mean_, self.scale_

    def transform(self, X) -> np.ndarray:
        """Standardise with the fitted mean and scale."""
        mean, scale = self._fitted()
        X = np.asarray(X, dtype=np.float64)
        squeeze = X.ndim == 1 and mean.size == 1
        Z = ((X[:, None] if squeeze else X) - mean) / scale
        return Z[:, 0] if squeeze else Z

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Back from z-scores to original units."""
        mean, scale = self._fitted()
        Z = np.asarray(Z, dtype=np.float64)
        squeeze = Z.ndim == 1 and mean.size == 1
        X = (Z[:, None] if squeeze else Z) * scale + mean
        return X[:, 0] if squeeze else X

    def coef_to_original(
        self, W, b, target: Standardizer | None = None
    ) -> tuple[np.ndarray, np.ndarray | float]:
        """Map coefficients fitted on z-scores back to the original units.

        Parameters
        ----------
        W : array, shape (k,) or (m, k): weights on the standardised features
        b : float or array (m,): intercept on the standardised scale
        target : the ``Standardizer`` fitted on the target, if the target was standardised

        Returns
        -------
        W_orig, b_orig
            With ``y = W_orig @ x + b_orig`` equal to the standardised model exactly.
        """
        mean, scale = self._fitted()
        W = np.asarray(W, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if W.shape[-1] != mean.size:
            raise DataError(f"{W.shape[-1]} weights for {mean.size} features")
        W_orig = W / scale
        b_orig = b - W_orig @ mean
        if target is not None:
            t_mean, t_scale = target._fitted()
            sy = t_scale if W.ndim == 2 else t_scale[0]
            my = t_mean if W.ndim == 2 else t_mean[0]
            W_orig = W_orig * (sy[:, None] if W.ndim == 2 else sy)
            b_orig = b_orig * sy + my
        if b_orig.ndim == 0:
            return W_orig, float(b_orig)
        return W_orig, b_orig
