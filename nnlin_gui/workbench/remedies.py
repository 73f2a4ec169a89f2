"""Jobs for the remedies of a diagnostics card and the covariance of the collapse table.

Both are plain functions of copied inputs (``job(..., progress, cancel)`` once bound with
``functools.partial``), run off the GUI thread by the window's job runner. They compute a
view: the user's table, dataset and network are never changed by a remedy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.statistics.diagnostics import DiagnosticReport
from nnlin_gui.core.statistics.regression import OLSResult, fit_ols
from nnlin_gui.core.statistics.remedies import RemedyResult, apply_remedy

Progress = Callable[[float], None]

__all__ = ["RemedyOutcome", "covariance_job", "remedy_job"]


@dataclass(frozen=True)
class RemedyOutcome:
    """A remedy's before/after and, for dropped rows, their numbers in the dataset (0-based
    positions of the dataset's rows, so a table view can show them)."""

    result: RemedyResult
    dataset_rows: tuple[int, ...]


def remedy_job(
    X: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    names: tuple[str, ...],
    report: DiagnosticReport | None,
    remedy: str,
    assumption: str,
    progress: Progress,
    cancel: threading.Event,
    *,
    hac_lags: int | None = None,
) -> RemedyOutcome | None:
    """Apply ``remedy`` to the training ``rows`` of ``X``, ``y`` (read-only inputs: copies
    are taken here). ``report`` is the OLS report the card shows (recomputed when None);
    ``hac_lags`` is the Newey-West lag of ``hac`` (None: the default)."""
    Xr, yr = np.array(X[rows], dtype=np.float64), np.array(y[rows], dtype=np.float64)
    if cancel.is_set():
        return None
    result = apply_remedy(remedy, Xr, yr, names, report, assumption=assumption, hac_lags=hac_lags)
    progress(1.0)
    dataset_rows = tuple(int(rows[i]) for i in result.dropped_rows)
    return RemedyOutcome(result, dataset_rows)


def covariance_job(
    X: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    names: tuple[str, ...],
    cov_type: str,
    hac_lags: int | None,
    progress: Progress,
    cancel: threading.Event,
) -> OLSResult | None:
    """OLS of the training rows with the chosen covariance: the fit ``nnlin ols --cov``
    makes (``fit_ols``), so the table's SE, t, p and intervals are the CLI's."""
    Xr, yr = np.array(X[rows], dtype=np.float64), np.array(y[rows], dtype=np.float64)
    if cancel.is_set():
        return None
    lags = hac_lags if cov_type == "HAC" else None
    return fit_ols(Xr, yr, names, cov_type=cov_type, hac_lags=lags)
