"""Points drawn by hand on the two-feature map, as a table like any other.

The drawn points become a ``Table`` (``table_from_frame``), so the dataset, the model and
every view are built the usual way; the table can be written out as CSV and opened again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnlin_gui.core.data.roles import is_number_text
from nnlin_gui.core.data.tables import Dataset, Table, table_from_frame
from nnlin_gui.core.errors import DataError

DRAWN_SOURCE = "drawn points"


@dataclass(frozen=True)
class DrawnPoints:
    """Rows drawn on the map: two feature columns and the target (class index or value)."""

    X: np.ndarray  # (n, 2)
    y: np.ndarray  # (n,)
    feature_names: tuple[str, str]
    target_name: str
    classification: bool
    class_labels: tuple[str, ...] = ()  # a text target's classes, by code (A, B, C)


def points_of(dataset: Dataset) -> DrawnPoints:
    """A two-feature dataset's rows as drawn points (to draw on top of them); transformed
    columns (x1², ...) come after the two and are left out: they are made again."""
    if dataset.X.shape[1] < 2:
        raise DataError("points can be drawn on two-feature data only")
    names = (dataset.feature_names[0], dataset.feature_names[1])
    return DrawnPoints(
        dataset.X[:, :2].copy(),
        dataset.y.copy(),
        names,
        dataset.target_name,
        dataset.task != "regression",
        tuple(dataset.class_labels) if dataset.task != "regression" else (),
    )


def drawn_table(points: DrawnPoints) -> Table:
    """The table of the drawn points (``DataError`` with one sentence when too few)."""
    import pandas as pd

    X, y = np.asarray(points.X, dtype=np.float64), np.asarray(points.y, dtype=np.float64)
    if len(y) < 4:
        raise DataError(f"draw at least 4 points ({len(y)} so far)")
    if points.classification and len(np.unique(y)) < 2:
        raise DataError("draw points of at least two classes")
    f0, f1 = points.feature_names
    frame = pd.DataFrame({f0: X[:, 0], f1: X[:, 1]})
    # Whole-number classes stay 0/1/...: the table then suggests classification itself;
    # text classes keep their names (codes index the sorted labels, as they are read back).
    labels = points.class_labels
    if points.classification and labels and not all(is_number_text(t) for t in labels):
        frame[points.target_name] = np.array(labels, dtype=object)[y.astype(np.int64)]
    else:
        frame[points.target_name] = y.astype(np.int64) if points.classification else y
    return table_from_frame(frame, DRAWN_SOURCE, label_last=True)


def is_drawn(table: Table | None) -> bool:
    return table is not None and table.source == DRAWN_SOURCE


def save_csv(table: Table, path: str) -> str:
    """Write ``table`` as CSV (no index column); returns the path written."""
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".txt"):
        target = target.with_suffix(".csv")
    try:
        table.frame.to_csv(target, index=False)
    except OSError as exc:
        raise DataError(f"cannot write {target.name}: {exc.strerror or exc}") from None
    return str(target)
