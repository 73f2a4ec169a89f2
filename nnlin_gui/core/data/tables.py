"""Tables a user drops in, and the numeric arrays a model trains on.

The public interface:

- ``load_table(path, progress=None, cancel=None, missing="drop", max_bytes=...)`` reads a
  CSV/TSV/TXT file into a ``Table`` (the data plus a ``DataSummary`` that says what each
  column is for and why). ``source`` may also be ``builtin:NAME[?n=..&noise=..&seed=..]``.
- ``Table.to_dataset(target=None, features=None, task=None)`` gives a ``Dataset``: float64
  arrays, names and the task.
- ``load_dataset(source, target=None, features=None, task=None)`` does both in one call.

Regression or classification is the user's decision with a visible default: a numeric
target is regression unless its values are exactly 0 and 1; a text target is classes.
``task='classification'`` turns any numeric target with 2 to 50 distinct values into class
indices; ``task='regression'`` never recodes a number.

Every problem a user can cause raises ``DataError`` (or ``LoadCancelled``) with one line
naming what and where; whatever was loaded before is untouched.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from nnlin_gui.core.data.read import LoadCancelled, ProgressThrottle, check_cancel, read_frame
from nnlin_gui.core.data.roles import (
    MAX_LEVELS,
    ColumnInfo,
    DataSummary,
    classify_columns,
    format_value,
    suggest_task,
)
from nnlin_gui.core.data.sniff import read_sniff_head, sniff_format
from nnlin_gui.core.errors import DataError

if TYPE_CHECKING:
    import pandas as pd  # imported when a table is read: start-up stays pandas-free

log = logging.getLogger(__name__)

__all__ = [
    "ColumnInfo",
    "DataError",
    "DataSummary",
    "Dataset",
    "DEFAULT_MAX_BYTES",
    "LoadCancelled",
    "Table",
    "load_dataset",
    "load_table",
    "select_columns",
    "table_from_frame",
]

#: Files larger than this are refused before reading (the memory guard).
DEFAULT_MAX_BYTES = 1 << 30
_MISSING = ("drop", "mean")
#: Accepted ``task`` values; 'classification' means binary or multiclass by the levels.
TASKS = ("regression", "classification", "binary", "multiclass")
#: More distinct values than this cannot be classes.
MAX_CLASSES = 50


@dataclass(frozen=True)
class Dataset:
    """Numeric arrays ready for training, with their names.

    Attributes
    ----------
    X : ndarray, shape (n, k), float64
    y : ndarray, shape (n,), float64 (class index for classification)
    feature_names, target_name : column names (one-hot columns are named ``col[level]``)
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

    @property
    def task_kind(self) -> str:
        """'regression' or 'classification' (binary and multiclass), the user's choice."""
        return "regression" if self.task == "regression" else "classification"


@dataclass(frozen=True, eq=False)  # holds a DataFrame: compare by identity
class Table:
    """A loaded table: the data as read plus what each column is for.

    Attributes
    ----------
    frame : pandas.DataFrame; numeric columns are float64, text columns object, dates
        datetime64. The index counts data rows of the file.
    summary : DataSummary with roles, reasons, rows, default target and suggested task
    source : file path or ``builtin:NAME``
    missing : 'drop' (default) or 'mean'
    """

    frame: pd.DataFrame
    summary: DataSummary
    source: str = ""
    missing: str = "drop"

    @property
    def n_rows(self) -> int:
        return int(len(self.frame))

    def with_missing(self, missing: str) -> Table:
        """The same table with another missing-value policy (summary recomputed)."""
        _check_missing(missing)
        columns = list(self.summary.columns)
        return _finish(self.frame, columns, self.source, missing, self.summary.notes)

    def to_dataset(
        self,
        target: str | None = None,
        features: Sequence[str] | None = None,
        *,
        task: str | None = None,
    ) -> Dataset:
        """Build the arrays a model trains on.

        Parameters
        ----------
        target : target column; default the summary's default target
        features : feature columns; default every numeric and categorical column except
            the target. A date column named here is used as days since its first date.
        task : 'regression', 'classification' (binary or multiclass as the number of
            distinct values decides), 'binary' or 'multiclass'; default None: regression for
            numbers unless they are exactly 0 and 1, classes for text

        Raises
        ------
        DataError
            Unknown or unusable columns, a text target to regress, a numeric target that
            cannot be classes, too few complete rows.
        """
        return _build_dataset(self, target, features, task)


def _check_missing(missing: str) -> None:
    if missing not in _MISSING:
        raise DataError(f"missing values: choose 'drop' or 'mean', not {missing!r}")


def load_table(
    source: str | os.PathLike,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    missing: str = "drop",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Read a delimited text file (or ``builtin:NAME``) into a ``Table``.

    Parameters
    ----------
    source : path of a CSV/TSV/TXT file, or ``builtin:NAME[?param=value&...]``
    progress : called from the loading thread with a fraction in [0, 1], at most every
        1 % or 50 ms, and with 1.0 at the end
    cancel : when set, loading stops promptly with ``LoadCancelled``
    missing : 'drop' rows with missing values (default) or replace missing feature values
        by the column 'mean'
    max_bytes : refuse files larger than this (memory guard)

    Raises
    ------
    DataError
        Any file that cannot be used, with one line naming what and where.
    LoadCancelled
        ``cancel`` was set.
    """
    _check_missing(missing)
    src = os.fspath(source)
    try:
        return _load_table(src, progress, cancel, missing, max_bytes)
    except MemoryError:
        raise DataError(
            f"{display_name(src)}: not enough memory to load this table; "
            "try a smaller file or fewer columns"
        ) from None


def _load_table(src: str, progress, cancel, missing: str, max_bytes: int) -> Table:
    throttle = ProgressThrottle(progress)
    check_cancel(cancel)
    if src.startswith("builtin:"):
        from nnlin_gui.core.data.builtin import load_builtin_source

        frame = load_builtin_source(src)
        table = table_from_frame(frame, src, missing=missing, label_last=True)
        throttle(1.0, force=True)
        return table
    name = os.path.basename(src) or src
    if not os.path.exists(src):
        raise DataError(f"{src}: no such file")
    if os.path.isdir(src):
        raise DataError(f"{src}: is a folder, not a data file")
    try:
        size = os.path.getsize(src)
        if size > max_bytes:
            raise DataError(
                f"{name}: the file is {_mb(size)}, larger than the limit of {_mb(max_bytes)}"
            )
        if size == 0:
            raise DataError(f"{name}: the file is empty")
        head = read_sniff_head(src)
    except OSError as exc:
        raise DataError(f"{name}: cannot open ({exc.strerror or exc})") from None
    fmt = sniff_format(name, head, complete=len(head) >= size)
    check_cancel(cancel)
    try:
        raw, fmt = read_frame(src, fmt, size, name=name, progress=throttle, cancel=cancel)
    except OSError as exc:
        raise DataError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(raw) == 0:
        if fmt.has_header:
            raise DataError(f"{name}: there is a header line but no data rows")
        raise DataError(f"{name}: the file is empty")
    if len(raw) == 1:
        raise DataError(f"{name}: only one data row; need at least 2")
    check_cancel(cancel)
    frame, columns = classify_columns(
        raw,
        decimal=fmt.decimal,
        thousands=fmt.thousands,
        unnamed=frozenset(fmt.names[i] for i in fmt.unnamed) if fmt.has_header else frozenset(),
        line_offset=fmt.first_data_line,
        source=name,
        cancel=cancel,
    )
    notes = [f"encoding {fmt.encoding}", f"delimiter: {fmt.delimiter_name}"]
    if fmt.decimal == ",":
        notes.append("decimal comma")
    if fmt.thousands:
        notes.append(f"thousands separator {fmt.thousands!r}")
    if not fmt.has_header:
        notes.append("no header line: columns are named 'column 1', 'column 2', ...")
    if fmt.skip_lines:
        notes.append(f"skipped {fmt.skip_lines} line(s) above the table")
    if fmt.na_extra:
        shown = ", ".join(repr(t) for t in fmt.na_extra)
        notes.append(f"values {shown} read as missing")
    table = _finish(frame, columns, src, missing, tuple(notes))
    throttle(1.0, force=True)
    return table


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n:,} bytes"


def table_from_frame(
    frame, source: str = "", *, missing: str = "drop", label_last: bool = False
) -> Table:
    """Make a ``Table`` from a pandas DataFrame (built-in datasets, tests).

    ``label_last``: a last column of text classes is the default target (a built-in set's
    label); otherwise the default target is the last numeric column, as for a file."""
    import pandas as pd

    _check_missing(missing)
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{source}: not a table")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise DataError(f"{source}: two columns are named {dup!r}; names must be unique")
    if len(frame) == 0:
        raise DataError(f"{source}: the table has no rows")
    if len(frame) == 1:
        raise DataError(f"{source}: only one data row; need at least 2")
    frame = frame.set_axis(names, axis=1)
    frame, columns = classify_columns(frame, source=source)
    return _finish(frame, columns, source, missing, (), label_last)


def _finish(
    frame, columns: list[ColumnInfo], source: str, missing: str, notes, label_last: bool = False
) -> Table:
    """Pick the default target, suggest a task and count dropped rows."""
    columns = [
        replace(c, role="feature", reason="numeric feature") if c.role == "target" else c
        for c in columns
    ]
    numeric = [i for i, c in enumerate(columns) if c.role == "feature"]
    default_target = None
    task = "regression"
    if numeric:
        i = numeric[-1]
        default_target = columns[i].name
        y = frame[default_target].to_numpy()
        task, _ = suggest_task(y[~np.isnan(y)])
        what = "; 0/1 values: classification suggested" if task == "binary" else ""
        columns[i] = replace(
            columns[i], role="target", reason=f"target (last numeric column{what})"
        )
    label = columns[-1] if label_last and numeric else None
    levels: tuple[str, ...] = ()
    if label is not None and label.role in ("categorical", "text"):
        levels = _text_levels(frame[label.name])
    if label is not None and 2 <= len(levels) <= MAX_LEVELS:
        i = numeric[-1]
        columns[i] = replace(columns[i], role="feature", reason="numeric feature")
        default_target = label.name
        task = "binary" if len(levels) == 2 else "multiclass"
        classes = f"{len(levels)} classes: {', '.join(levels[:4])}"
        columns[-1] = replace(label, reason=f"target (the class label, {classes})")
    used = [c.name for c in columns if c.used]
    dropped = 0
    if used:
        dropped = _count_dropped(frame, used, default_target, missing)
    summary = DataSummary(
        source=source,
        n_rows=int(len(frame)),
        rows_dropped=dropped,
        columns=tuple(columns),
        default_target=default_target,
        suggested_task=task,
        missing=missing,
        notes=tuple(notes),
    )
    return Table(frame=frame, summary=summary, source=source, missing=missing)


def _text_levels(column) -> tuple[str, ...]:
    """The sorted classes of a text column (up to one more than ``MAX_LEVELS``)."""
    values = column.dropna().unique()
    return tuple(sorted(str(v) for v in values[: MAX_LEVELS + 1]))


def _count_dropped(frame, used: list[str], target: str | None, missing: str) -> int:
    cols = [target] if missing == "mean" and target is not None else used
    bad = np.zeros(len(frame), dtype=bool)
    part = frame[cols] if len(cols) != frame.shape[1] else frame
    is_float = (part.dtypes == np.float64).to_numpy()
    if is_float.any():  # one block: a column at a time took seconds at 20,000 columns
        block = part.to_numpy() if is_float.all() else part.loc[:, is_float].to_numpy()
        for start in range(0, block.shape[1], 256):  # bounded temporaries
            bad |= np.isnan(block[:, start : start + 256]).any(axis=1)
    for c in part.columns[~is_float]:
        bad |= part[c].isna().to_numpy()
    return int(bad.sum())


# --------------------------------------------------------------------------- datasets


def display_name(source: str) -> str:
    """How messages name a source: the file name, or ``builtin:NAME`` as given."""
    if source.startswith("builtin:"):
        return source
    return os.path.basename(source) or source


def _column_values(table: Table, info: ColumnInfo, explicit: bool):
    """Numeric columns for one feature: (names, list of float arrays)."""
    import pandas as pd

    s = table.frame[info.name]
    src = display_name(table.summary.source)
    if info.role in ("feature", "target"):
        return [info.name], [s.to_numpy(dtype=np.float64)]
    if info.role == "categorical":
        names, cols = [], []
        missing = s.isna().to_numpy()
        for level in info.levels[1:]:
            col = (s == level).to_numpy(dtype=np.float64)
            col[missing] = np.nan
            names.append(f"{info.name}[{level}]")
            cols.append(col)
        return names, cols
    if info.role == "date" and explicit:
        t = pd.to_datetime(s)
        days = (t - t.min()).dt.total_seconds().to_numpy(dtype=np.float64) / 86400.0
        return [f"{info.name} (days)"], [days]
    if info.role == "constant" and explicit and info.kind == "numeric":
        raise DataError(
            f"{src}: feature {info.name!r} is {info.reason}; it adds nothing but an intercept"
        )
    raise DataError(f"{src}: column {info.name!r} cannot be a feature: {info.reason}")


def _target_values(table: Table, info: ColumnInfo, task: str | None):
    src = display_name(table.summary.source)
    s = table.frame[info.name]
    if info.role == "empty":
        raise DataError(f"{src}: target column {info.name!r} has no values (all missing)")
    if info.role == "constant":
        raise DataError(f"{src}: target column {info.name!r} is {info.reason}")
    # Text classes: one-hot levels, or a few classes among few rows (a feature needs two
    # rows a level; three points drawn in three classes are a target). More is free text.
    levels = info.levels
    if info.role == "text":
        levels = _text_levels(s)
    if info.role == "categorical" or (info.role == "text" and len(levels) <= MAX_LEVELS):
        codes = np.full(len(s), np.nan)
        for k, level in enumerate(levels):
            codes[(s == level).to_numpy()] = k
        kind = "binary" if len(levels) == 2 else "multiclass"
        if task == "regression":
            shown = ", ".join(levels[:4]) + (", ..." if len(levels) > 4 else "")
            raise DataError(
                f"{src}: target column {info.name!r} is text ({len(levels)} classes: "
                f"{shown}); regression needs numbers, so classify it instead"
            )
        if task == "binary" and kind != "binary":
            raise DataError(
                f"{src}: target {info.name!r} has {len(levels)} classes, "
                "not the 2 a binary task needs"
            )
        return codes, kind, levels, True
    if info.kind != "numeric" or info.role == "identifier":
        raise DataError(
            f"{src}: target column {info.name!r} cannot be predicted: {info.reason}; "
            "a target must be numbers or text with a few classes"
        )
    return s.to_numpy(dtype=np.float64), None, (), False


def _feature_matrix(table: Table, chosen: list[ColumnInfo], explicit: bool):
    """The feature matrix (C order, a fresh copy) and its column names."""
    if all(c.role in ("feature", "target") for c in chosen):
        # One pandas selection: a view of the numeric block, then one contiguous copy.
        names = [c.name for c in chosen]
        X = np.array(table.frame[names].to_numpy(dtype=np.float64), order="C", copy=True)
        return names, X
    names = []
    cols: list[np.ndarray] = []
    for c in chosen:
        n, v = _column_values(table, c, explicit)
        names += n
        cols += v
    X = np.empty((len(cols[0]), len(cols)), dtype=np.float64)
    for j, v in enumerate(cols):
        X[:, j] = v
    return names, X


def _build_dataset(table: Table, target, features, task) -> Dataset:
    summary = table.summary
    src = display_name(summary.source)
    if task is not None and task not in TASKS:
        raise DataError(f"task must be regression or classification, not {task!r}")
    if target is None:
        target = summary.default_target
        if target is None:
            raise DataError(f"{src}: no numeric column to use as the target")
    tinfo = summary.column(str(target))
    y, text_task, labels, coded = _target_values(table, tinfo, task)
    if features is None:
        # The default target becomes a feature when another target is chosen.
        chosen = [c for c in summary.columns if c.used and c.name != tinfo.name]
        explicit = False
    else:
        if isinstance(features, str):
            features = [features]
        chosen = [summary.column(str(f)) for f in features]
        explicit = True
        for c in chosen:
            if c.name == tinfo.name:
                raise DataError(f"{src}: {c.name!r} cannot be both the target and a feature")
        if len({c.name for c in chosen}) != len(chosen):
            raise DataError(f"{src}: a feature column is named twice")
    if not chosen:
        raise DataError(f"{src}: no feature column besides the target {tinfo.name!r}")
    names, X = _feature_matrix(table, chosen, explicit)

    n_total = len(y)
    if np.isnan(y).all():
        raise DataError(f"{src}: target column {tinfo.name!r} has no values (all missing)")
    if n_total == 1:
        raise DataError(f"{src}: only one data row; need at least 2")
    keep = ~np.isnan(y)
    bad_x = np.isnan(X)
    if table.missing == "drop":
        keep &= ~bad_x.any(axis=1)
    n = int(keep.sum())
    if n < 2:
        raise DataError(
            f"{src}: only {n} complete row{'s' if n != 1 else ''} after dropping "
            f"{n_total - n:,} with missing values; need at least 2"
        )
    if n < n_total:
        X, y, bad_x = X[keep], y[keep], bad_x[keep]
    else:
        y = y.copy()
    if table.missing == "mean" and bad_x.any():
        for j in np.flatnonzero(bad_x.any(axis=0)):
            col = X[:, j]
            if bad_x[:, j].all():
                raise DataError(f"{src}: feature {names[j]!r} has no values (all missing)")
            col[bad_x[:, j]] = col[~bad_x[:, j]].mean()
    del bad_x

    if coded:
        final_task = text_task
    else:
        final_task = task or suggest_task(y)[0]
        labels = ()
        if final_task != "regression":
            y, final_task, labels = _class_indices(y, final_task, src, tinfo.name)
    if np.ptp(y) == 0:
        shown = labels[int(y[0])] if coded else format_value(y[0])
        raise DataError(
            f"{src}: target column {tinfo.name!r} has the same value "
            f"({shown}) in every complete row"
        )
    return Dataset(
        X=X,
        y=y,
        feature_names=tuple(names),
        target_name=tinfo.name,
        task=final_task,
        source=summary.source,
        rows_dropped=n_total - n,
        class_labels=tuple(labels),
    )


def _class_indices(y: np.ndarray, task: str, src: str, name: str):
    """Numbers as class indices 0..K-1 in sorted order: (indices, task, labels)."""
    levels = np.unique(y)
    if levels.size < 2:
        return y, task, ()  # the constant-target check below says so
    if levels.size > MAX_CLASSES:
        raise DataError(
            f"{src}: target {name!r} has {levels.size:,} different values; classification "
            f"takes at most {MAX_CLASSES} classes, so fit it as a regression"
        )
    if task == "classification":
        task = "binary" if levels.size == 2 else "multiclass"
    elif task == "binary" and levels.size != 2:
        raise DataError(
            f"{src}: target {name!r} has {levels.size} different values, "
            "not the 2 a binary task needs"
        )
    labels = tuple(format_value(v) for v in levels)
    return np.searchsorted(levels, y).astype(np.float64), task, labels


def select_columns(
    frame, target: str | None, features, source: str = "", task: str | None = None
) -> Dataset:
    """Pick the target and feature columns of a pandas DataFrame and build a ``Dataset``."""
    return table_from_frame(frame, source).to_dataset(target, features, task=task)


def load_dataset(
    source: str, target: str | None = None, features=None, task: str | None = None
) -> Dataset:
    """Load ``source`` (a CSV path or ``builtin:NAME``) into a ``Dataset``.

    ``task`` as in ``Table.to_dataset``: None for the default, 'regression' or
    'classification'.
    """
    return load_table(source).to_dataset(target, features, task=task)
