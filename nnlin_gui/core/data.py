"""CSV loading and column roles (first cut: numeric CSV files and built-in datasets).

The public interface the rest of the program relies on:

- ``Dataset``: the numeric arrays a model trains on, with names and the task.
- ``load_dataset(source, target=None, features=None)``: ``source`` is a file path or
  ``builtin:NAME``; raises ``DataError`` with a one-line message on bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from nnlin_gui.core.errors import DataError

__all__ = ["DataError", "Dataset", "load_dataset", "select_columns"]


@dataclass(frozen=True)
class Dataset:
    """Numeric arrays ready for training, with their names.

    Attributes
    ----------
    X : ndarray, shape (n, k), float64
    y : ndarray, shape (n,), float64 (class index for classification)
    feature_names, target_name : column names
    task : 'regression', 'binary' or 'multiclass'
    source : file path or ``builtin:NAME``
    rows_dropped : rows removed for missing values
    class_labels : labels of the classes for classification tasks
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    task: str = "regression"
    source: str = ""
    rows_dropped: int = 0
    class_labels: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


def _read_frame(source: str):
    import pandas as pd

    if source.startswith("builtin:"):
        from nnlin_gui.core.datasets import load_builtin_frame

        return load_builtin_frame(source[len("builtin:") :])
    if not os.path.exists(source):
        raise DataError(f"{source}: no such file")
    if os.path.isdir(source):
        raise DataError(f"{source}: is a folder, not a data file")
    try:
        return pd.read_csv(source, sep=None, engine="python")
    except Exception as exc:  # pandas raises many types; the user needs one line
        raise DataError(f"{source}: cannot read as CSV ({exc})") from None


def select_columns(frame, target: str | None, features, source: str = "") -> Dataset:
    """Pick the target and feature columns of a table and build a ``Dataset``."""
    import pandas as pd

    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        raise DataError(f"{source}: no numeric column")
    if target is None:
        target = numeric[-1]
    if target not in frame.columns:
        raise DataError(f"{source}: no column named {target!r}")
    if target not in numeric:
        raise DataError(f"{source}: target column {target!r} is text, not numbers")
    if features is None:
        features = [c for c in numeric if c != target]
    for f in features:
        if f not in frame.columns:
            raise DataError(f"{source}: no column named {f!r}")
        if f not in numeric:
            raise DataError(f"{source}: feature column {f!r} is text, not numbers")
    if not features:
        raise DataError(f"{source}: no feature column besides the target {target!r}")
    sub = frame[list(features) + [target]].astype(float)
    before = len(sub)
    sub = sub.dropna()
    if len(sub) < 2:
        raise DataError(f"{source}: fewer than 2 complete rows")
    X = sub[list(features)].to_numpy(dtype=np.float64, copy=True)
    y = sub[target].to_numpy(dtype=np.float64, copy=True)
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise DataError(f"{source}: infinite values in the data")
    levels = np.unique(y)
    task = "regression"
    if len(levels) == 2 and set(levels) <= {0.0, 1.0}:
        task = "binary"
    return Dataset(
        X=X,
        y=y,
        feature_names=tuple(str(f) for f in features),
        target_name=str(target),
        task=task,
        source=source,
        rows_dropped=before - len(sub),
    )


def load_dataset(source: str, target: str | None = None, features=None) -> Dataset:
    """Load ``source`` (a CSV path or ``builtin:NAME``) into a ``Dataset``."""
    frame = _read_frame(source)
    return select_columns(frame, target, features, source=source)
