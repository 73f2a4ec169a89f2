"""The job behind the logistic diagnostics page, Qt-free.

For a classification target the diagnostics panel shows, instead of the OLS assumption
cards, the diagnostics of the logistic regression on the training rows: ROC curve,
calibration (binned residuals), confusion matrix, Hosmer-Lemeshow and influence
(``core.statistics.logistic_diagnostics``). Like every job (see ``jobs``) it is a function
of copied inputs, reports ``progress(fraction)`` and honours ``cancel``; it returns None
when cancelled. A multi-class target gets a page with only a one-line reason.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnlin_gui.core.statistics.logistic_diagnostics import LogisticDiagnostics, diagnose_logistic

Progress = Callable[[float], None]

MAX_POINTS = 3000  # influence points drawn: the largest flagged ones, then a sample of the rest
MAX_CURVE = 4000  # ROC vertices drawn (a monotone staircase: thinning keeps its shape)

__all__ = ["LogisticInputs", "LogisticPageData", "logistic_page_job", "multiclass_note"]


@dataclass(frozen=True)
class LogisticInputs:
    """What the job reads: the data arrays (read-only views: the trainer never modifies
    them, so nothing proportional to the rows is copied on the GUI thread), the training
    rows, the feature names, the target's name and its class labels."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray
    names: tuple[str, ...]
    target: str
    class_labels: tuple[str, ...] = ()

    @classmethod
    def of(cls, X, y, rows, names, target, class_labels=()) -> LogisticInputs:
        return cls(
            _read_only(X),
            _read_only(y),
            _read_only(rows),
            tuple(str(n) for n in names),
            str(target),
            tuple(str(c) for c in class_labels),
        )

    def key(self) -> tuple:
        """Changes when the data or the rows may have changed (the network does not
        matter: the page is about the logistic regression on the training rows)."""
        X, y, rows = self.X, self.y, self.rows
        # A strided sample of the values guards against a new array at a reused address.
        r = rows[:: max(1, len(rows) // 64)]
        c = np.arange(0, X.shape[1], max(1, X.shape[1] // 64))
        digest = hashlib.blake2b(digest_size=16)
        for part in (X[np.ix_(r, c)], y[r], r):
            digest.update(np.ascontiguousarray(part).tobytes())
        identity = (_base_id(X), X.shape, _base_id(y), _base_id(rows), len(rows))
        return (identity, self.names, self.target, digest.hexdigest())


@dataclass(frozen=True)
class LogisticPageData:
    """What the page shows.

    ``diagnostics`` is None for a multi-class target (``note`` says why, in one line).
    ``rows`` maps a training-row position to its row in the dataset (0-based), so flagged
    rows can be named as the data table numbers them (``rows[i] + 1``); ``y`` holds the
    training rows' 0/1 target. ``roc_points`` and ``influence_points`` pick what the plots
    draw (all of it for small data), so the GUI thread never works through every row.
    """

    diagnostics: LogisticDiagnostics | None
    note: str
    rows: np.ndarray
    y: np.ndarray
    names: tuple[str, ...]
    target: str
    class_labels: tuple[str, ...]
    n_rows: int
    roc_points: np.ndarray = field(default_factory=lambda: np.empty(0, np.intp))
    influence_points: np.ndarray = field(default_factory=lambda: np.empty(0, np.intp))

    def label(self, cls: int) -> str:
        """'1 (manual)' for class 1 with a label, else '1'."""
        if cls < len(self.class_labels) and self.class_labels[cls] not in ("", str(cls)):
            return f"{cls} ({self.class_labels[cls]})"
        return str(cls)


def multiclass_note(target: str, n_classes: int) -> str:
    """The one line a multi-class target gets instead of the page."""
    return (
        f"{target} has {n_classes} classes: the logistic diagnostics (ROC, calibration, "
        "Hosmer-Lemeshow, influence) are for two-class targets; choose a two-class target to see "
        "them."
    )


def logistic_page_job(
    inputs: LogisticInputs, progress: Progress, cancel: threading.Event
) -> LogisticPageData | None:
    """Fit the logistic regression on the training rows and compute the page (raises
    ``DataError`` for separable classes and the like: the panel shows its sentence)."""
    rows = np.asarray(inputs.rows)
    y = np.asarray(inputs.y[rows], dtype=np.float64)
    labels = inputs.class_labels
    n_classes = max(len(labels), len(np.unique(y)))
    if n_classes > 2:
        note = multiclass_note(inputs.target, n_classes)
        return LogisticPageData(None, note, rows, y, inputs.names, inputs.target, labels, len(y))
    if cancel.is_set():
        return None
    X = np.asarray(inputs.X[rows], dtype=np.float64)
    progress(0.1)
    diagnostics = diagnose_logistic(X, y, inputs.names)
    progress(1.0)
    if cancel.is_set():
        return None
    roc = _thin(len(diagnostics.roc.fpr), MAX_CURVE)
    shown = _influence_points(diagnostics.influence.cooks_distance, diagnostics.influence.threshold)
    return LogisticPageData(
        diagnostics, "", rows, y, inputs.names, inputs.target, labels, len(y), roc, shown
    )


def _thin(n: int, limit: int) -> np.ndarray:
    """At most ``limit`` evenly spread indices of ``n``, the first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.r_[np.linspace(0, n - 1, limit).astype(np.intp), n - 1])


def _influence_points(cooks: np.ndarray, threshold: float) -> np.ndarray:
    """Rows the influence plot draws: every row of small data; else the largest Cook's
    distances above ``threshold`` and a seeded sample of the others, MAX_POINTS each."""
    finite = np.isfinite(cooks)
    over = np.flatnonzero(finite & (cooks > threshold))
    calm = np.flatnonzero(finite & ~(cooks > threshold))
    if len(over) > MAX_POINTS:
        over = over[np.argsort(-cooks[over], kind="stable")[:MAX_POINTS]]
    if len(calm) > MAX_POINTS:
        calm = np.random.default_rng(0).choice(calm, MAX_POINTS, replace=False)
    return np.sort(np.r_[over, calm]).astype(np.intp)


def _read_only(a) -> np.ndarray:
    view = np.asarray(a).view()
    view.flags.writeable = False
    return view


def _base_id(a: np.ndarray) -> int:
    return id(a.base if a.base is not None else a)
