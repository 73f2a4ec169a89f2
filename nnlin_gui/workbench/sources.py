"""Tables the user can open: files, built-in sets (``builtin:NAME?n=..``) and sessions.

One kind of table everywhere: the core ``Table`` (the frame plus what each column is for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from nnlin_gui.core.data.tables import Dataset, Table, display_name, load_table, table_from_frame
from nnlin_gui.core.errors import DataError

Progress = Callable[[float], None]

# Names a user most likely predicts, in order of preference.
_TARGET_NAMES = ("y", "target", "Y", "label")


def load_source(source: str, progress: Progress, cancel: threading.Event) -> Table:
    """Read ``source`` (a path or ``builtin:NAME?n=..&noise=..&seed=..``); a job.

    Raises
    ------
    DataError
        With a one-line message when the source cannot be used.
    """
    table = load_table(source, progress=progress, cancel=cancel)
    if not any(c.kind == "numeric" for c in table.summary.columns):
        raise DataError(f"{display_name(source)}: no numeric column")
    return table


def choosable_columns(table: Table) -> tuple[str, ...]:
    """Columns that can be the target or a feature, in file order: numbers, and text with a
    few levels (a class label as the target, dummy columns as a feature)."""
    return tuple(
        c.name for c in table.summary.columns if c.kind == "numeric" or c.role == "categorical"
    )


def default_target(table: Table) -> str:
    """'y', 'target' or 'label' when present, else the table's own default."""
    columns = choosable_columns(table)
    for name in _TARGET_NAMES:
        if name in columns:
            return name
    if table.summary.default_target:
        return table.summary.default_target
    if not columns:
        raise DataError(f"{table_title(table)}: no numeric column")
    return columns[-1]


def table_title(table: Table) -> str:
    """The short name a window title shows: a file name or a built-in set's name."""
    source = table.source or table.summary.source
    if source.startswith("builtin:"):
        return source.split("?")[0][len("builtin:") :]
    return display_name(source)


def table_of_dataset(dataset: Dataset, source: str) -> Table:
    """The table a session's arrays make (features, then the target), for the data views."""
    import pandas as pd

    frame = pd.DataFrame(dataset.X, columns=list(dataset.feature_names))
    frame[dataset.target_name] = dataset.y
    return table_from_frame(frame, source or dataset.source)


def builtin_source(name: str, params: dict[str, float]) -> str:
    """``builtin:NAME?key=value&...`` for a built-in set and its parameters."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"builtin:{name}" + (f"?{query}" if query else "")
