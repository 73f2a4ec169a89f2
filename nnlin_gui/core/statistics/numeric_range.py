"""Numbers at the edge of double precision: exact scaling, and one true sentence otherwise.

Double precision holds magnitudes from about 2.2e-308 (below that, subnormal numbers keep
fewer and fewer significant digits, down to 4.9e-324) to 1.8e+308. Data near either end
are still usable when every computation is scaled: multiplying by a power of two is exact,
so the least squares code (``core.linalg``) scales columns and target by powers of two and
maps the results back. Where a result itself cannot be represented, or a computation
(squared errors, variances, fourth powers in the assumption tests) would leave the range,
the functions here raise ``NumericRangeError`` with one sentence saying what and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from nnlin_gui.core.errors import DataError

__all__ = [
    "HUGE",
    "TINY",
    "NumericRangeError",
    "check_diagnostics_range",
    "check_network_range",
    "check_not_subnormal",
    "magnitude",
    "mean_std",
    "pow2_exponents",
    "to_doubles",
]

#: The smallest double with full (53-bit) precision.
TINY = float(np.finfo(np.float64).tiny)
#: The largest double.
HUGE = float(np.finfo(np.float64).max)
_LD = np.longdouble
_LOG_HUGE = float(np.log10(HUGE))

# Measured limits of the assumption tests (a well-behaved set scaled by 2**k, every
# statistic compared): features were exact from 2**-520 to 2**500 in size, the target from
# 2**-290 to 2**255 (fourth powers of residuals vanish or overflow beyond). The bounds keep
# a margin of 10**10 or more inside those.
_DIAG_FEATURE = (1e-140, 1e140)
_DIAG_TARGET = (1e-60, 1e70)
# Slopes std(y)/std(x) beyond 10**+-305 leave standardised weights of 1e-3..1e3 no room.
_SLOPE_DECADES = 305


class NumericRangeError(DataError):
    """Values or results outside what double precision represents (one sentence)."""


def magnitude(value) -> str:
    """A magnitude for a message, also beyond the double range: ``'3e+400'``."""
    v = abs(_LD(value))
    if v == 0:
        return "0"
    return np.format_float_scientific(v, precision=0, exp_digits=2, trim="-")


def pow2_exponents(a: np.ndarray, axis: int = 0) -> np.ndarray:
    """Exponents ``e`` with ``max |a|`` in ``[2**(e-1), 2**e)`` along ``axis`` (0 for zeros).

    Multiplying by ``2**-e`` is exact and brings the largest magnitude into [0.5, 1).
    """
    m = np.max(np.abs(a), axis=axis)
    _, e = np.frexp(m)
    return np.where(m > 0, e, 0)


def check_not_subnormal(columns: Iterable[tuple[str, np.ndarray]]) -> None:
    """Refuse a column whose largest magnitude is a subnormal number.

    Parameters
    ----------
    columns : pairs (label, values); the label names the column in the message
        ("feature 'x1'").

    Raises
    ------
    NumericRangeError
        The values were stored with fewer than 16 significant digits.
    """
    for label, values in columns:
        values = np.asarray(values)
        if values.size == 0:
            continue
        m = float(np.max(np.abs(values)))
        if 0.0 < m < TINY:
            raise NumericRangeError(
                f"{label} holds only numbers below {TINY:.3g} in size (the largest is "
                f"{m:.3g}): such subnormal numbers keep fewer than 16 significant digits, "
                "so results from them would be imprecise; multiply it by a power of ten "
                "(e.g. 1e300) first"
            )


def to_doubles(values, labels: Sequence[str], what: str, hint: str) -> np.ndarray:
    """Cast results (often long double) to float64, refusing any that do not fit.

    Parameters
    ----------
    values : array of results, one per label
    labels : names for the message (coefficient names)
    what : what the values are, e.g. "the coefficient of"
    hint : what to do, e.g. "rescale that column or the target by a power of ten"

    Raises
    ------
    NumericRangeError
        A value beyond 1.8e+308, or a nonzero one below 2.2e-308 (subnormal: imprecise).
    """
    exact = np.asarray(values, dtype=_LD)
    with np.errstate(over="ignore", under="ignore"):
        out = exact.astype(np.float64)
    bad = ~np.isfinite(out) | ((exact != 0) & (np.abs(exact) < TINY))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        size = magnitude(exact[i]) if np.isfinite(exact[i]) else "infinite"
        raise NumericRangeError(
            f"{what} {labels[i]!r} would be about {size}, outside the range double "
            f"precision holds with full accuracy ({TINY:.2g} to {HUGE:.2g}); {hint}"
        )
    return out


def mean_std(v: np.ndarray, ddof: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of one column without overflow or underflow.

    The column is divided by a power of two near its largest magnitude first (exact), so
    the numbers are those of ``v.mean()`` / ``v.std()`` where those work, and right for
    data near 1e+-308 (a standard deviation of 1e300 has a square of 1e600).
    """
    v = np.asarray(v, dtype=np.float64)
    e = int(pow2_exponents(v)) if v.size else 0
    scaled = np.ldexp(v, -e)
    return float(np.ldexp(scaled.mean(), e)), float(np.ldexp(scaled.std(ddof=ddof), e))


def _spread(v: np.ndarray):
    """max - min in long double: no overflow, so it may exceed HUGE."""
    return _LD(np.max(v)) - _LD(np.min(v)) if len(v) else _LD(0)


def _std(v: np.ndarray):
    """Standard deviation (long double) without overflow or underflow of the squares."""
    e = int(pow2_exponents(v))
    return np.ldexp(_LD(np.std(np.ldexp(np.asarray(v, dtype=np.float64), -e))), e)


def _log10(v) -> float:
    return float(np.log10(_LD(v))) if v > 0 else -np.inf


def check_network_range(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    target: str,
    task: str = "regression",
) -> None:
    """Refuse data a network cannot be trained and reported on in double precision.

    Training runs in standardised units, but the losses, mean squared errors and R^2 are
    reported in the data's units and the collapse maps weights back to them: squared
    errors of the target and the slopes ``std(y) / std(x)`` must be representable.

    Raises
    ------
    NumericRangeError
        One sentence naming the column and the quantity that does not fit.
    """
    regression = task == "regression"
    # The first two checks reduce blocks of columns at once (the same numbers as column by
    # column, in the same order): a Python loop over 20,000 columns held the GIL for
    # a good part of a second while the window waited.
    n = X.shape[0]
    step = max(1, (1 << 22) // max(n, 1))  # columns per block: about 32 MB of temporaries
    blocks = [(j, X[:, j : j + step]) for j in range(0, X.shape[1], step)] if n else []
    for start, block in blocks:
        m = np.max(np.abs(block), axis=0)
        small = np.flatnonzero((m > 0.0) & (m < TINY))
        if small.size:
            j = start + int(small[0])
            check_not_subnormal([(f"feature {names[j]!r}", X[:, j])])  # raises
    if regression:
        check_not_subnormal([(f"target {target!r}", y)])
    for start, block in blocks:
        spread = np.max(block, axis=0).astype(_LD) - np.min(block, axis=0).astype(_LD)
        wide = np.flatnonzero(~(spread <= HUGE))  # also inf/nan
        if wide.size:
            name = names[start + int(wide[0])]
            raise NumericRangeError(
                f"feature {name!r} spans more than {HUGE:.2g}, the largest double-precision "
                "number, so it cannot be centred; divide it by a power of ten first"
            )
    y_scale = _target_scale(y, target) if regression else _LD(1)
    for j, name in enumerate(names):
        sx = _std(X[:, j])
        if sx == 0:
            continue  # a constant feature: the data layer or the fit says so
        ratio = _log10(y_scale) - _log10(sx)
        if abs(ratio) > _SLOPE_DECADES:
            raise NumericRangeError(
                f"the slope of {target!r} on {name!r} is of order 1e{ratio:+.0f}, within a few "
                f"powers of ten of the limits of double precision ({TINY:.2g} to {HUGE:.2g}), "
                "where the network's weights mapped back to the data's units lose digits or "
                f"overflow; rescale {name!r} by a power of ten first"
            )


def _target_scale(y: np.ndarray, target: str) -> np.longdouble:
    """Standard deviation of a regression target whose squared errors fit in doubles."""
    n = max(len(y), 1)
    spread = _spread(y)
    if spread == 0:
        return _LD(1)
    # Errors up to twice the spread, squared and summed over n rows, must stay finite.
    log_sum = 2 * _log10(2 * spread) + float(np.log10(n))
    if log_sum > _LOG_HUGE - 1:
        raise NumericRangeError(
            f"target {target!r} spans {magnitude(spread)}: its squared errors summed over "
            f"{n:,} rows (up to about {magnitude(_LD(10) ** _LD(log_sum))}) exceed the "
            f"largest double-precision number ({HUGE:.2g}), so the network's loss, MSE and "
            f"R^2 cannot be computed; divide {target!r} by a power of ten first"
        )
    if 2 * _log10(spread) < -290:
        raise NumericRangeError(
            f"target {target!r} spans only {magnitude(spread)}: its squared errors fall "
            f"below {TINY:.2g}, where double precision loses digits, so the network's MSE "
            f"and R^2 would be wrong; multiply {target!r} by a power of ten first"
        )
    return _std(y)


def check_diagnostics_range(X: np.ndarray, y: np.ndarray, names: Sequence[str]) -> None:
    """Refuse data outside the range the assumption tests need, in one sentence.

    The tests multiply feature columns by each other (White's test) and raise residuals to
    the fourth power (Breusch-Pagan, Jarque-Bera); beyond the bounds (features 1e-140 to
    1e+140 in size, the target's spread 1e-60 to 1e+70) those leave double precision and
    the statistics go wrong silently (measured: overflow, a division by zero, or "the model
    reproduces the target exactly").

    Raises
    ------
    NumericRangeError
    """
    X = np.asarray(X, dtype=np.float64)
    X = X[:, None] if X.ndim == 1 else X
    y = np.asarray(y, dtype=np.float64).ravel()
    check_not_subnormal(
        [(f"feature {n!r}", X[:, j]) for j, n in enumerate(names)] + [("the target", y)]
    )
    lo, hi = _DIAG_FEATURE
    for j, name in enumerate(names):
        m = float(np.max(np.abs(X[:, j]))) if len(X) else 0.0
        if np.isfinite(m) and (m > hi or 0 < m < lo):  # inf/nan: the caller's own check
            raise NumericRangeError(
                f"feature {name!r} reaches {magnitude(m)} in size, but the assumption tests "
                f"multiply features by each other, which needs sizes from {lo:.0e} to "
                f"{hi:.0e} in double precision; rescale {name!r} by a power of ten first"
            )
    lo, hi = _DIAG_TARGET
    spread = _spread(y)
    if np.isfinite(spread) and (spread > hi or 0 < spread < lo):
        raise NumericRangeError(
            f"the target spans {magnitude(spread)}, but the assumption tests use fourth "
            f"powers of the residuals, which needs a span from {lo:.0e} to {hi:.0e} in "
            "double precision; rescale the target by a power of ten first"
        )
