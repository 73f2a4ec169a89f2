"""How views of wide tables cap what they draw: the largest entries, and a sentence that
says so on screen ("showing 20 of 20,000 coefficients: the largest")."""

from __future__ import annotations

import numpy as np


def largest(values: np.ndarray | None, total: int, n: int) -> np.ndarray:
    """Indices of the ``n`` largest |values| (of ``total``), in their original order; the
    first ``n`` when there are no usable values; all of them when ``total <= n``."""
    if total <= n:
        return np.arange(total)
    v = None if values is None else np.abs(np.asarray(values, dtype=np.float64).ravel())
    if v is None or len(v) != total:
        return np.arange(n)
    v = np.where(np.isfinite(v), v, -1.0)  # NaN and inf never crowd out real values
    return np.sort(np.argpartition(-v, n - 1)[:n])


def cap_note(shown: int, total: int, what: str, which: str = "the largest") -> str:
    """'showing 20 of 20,000 coefficients: the largest' ('' when nothing is left out)."""
    if shown >= total:
        return ""
    return f"showing {shown:,} of {total:,} {what}: {which}"


def more_terms(left_out: int) -> str:
    """The tail of a truncated equation: ' + … and 19,990 more terms'."""
    if left_out <= 0:
        return ""
    return f" + … and {left_out:,} more term{'s' if left_out != 1 else ''}"
