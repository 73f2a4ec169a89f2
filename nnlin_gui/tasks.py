"""Qt-free jobs the GUI runs off its thread: loading a table, describing built-in datasets.

``load_source`` adapts whatever the core data layer offers (``load_table`` with progress and
cancel when present, a plain pandas read otherwise) to one small ``LoadedTable`` the
controller keeps: the frame for the preview, the column roles and a summary in words.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from nnlin_gui.core import data as core_data
from nnlin_gui.core.data import Dataset
from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

Progress = Callable[[float], None]


@dataclass(frozen=True)
class BuiltinInfo:
    """A built-in dataset as the picker shows it."""

    name: str
    title: str
    description: str
    params: dict = field(default_factory=dict)  # name -> default value (n, noise, seed)


_FALLBACK_TEXT = {
    "linear": (
        "Linear",
        "y = 1.5 + 2 x1 - x2 + noise: the case where a linear network and OLS agree exactly.",
    ),
    "sine": ("Sine", "y = sin(x) + noise: a curve no linear model can follow."),
}


def builtin_catalog() -> list[BuiltinInfo]:
    """Every built-in dataset with a title, a sentence and its parameters."""
    from nnlin_gui.core import datasets

    out = []
    for name in datasets.builtin_names():
        info = getattr(datasets, "builtin_info", None)
        if info is not None:
            try:
                got = info(name)
                params = getattr(got, "params", None) or {}
                if not isinstance(params, dict):
                    params = {p.name: p.default for p in params}
                out.append(
                    BuiltinInfo(
                        name,
                        str(getattr(got, "title", name)),
                        str(getattr(got, "description", "")),
                        dict(params),
                    )
                )
                continue
            except Exception:  # an unexpected shape of the info must not hide the dataset
                log.debug("builtin_info(%s) unusable", name, exc_info=True)
        title, text = _FALLBACK_TEXT.get(name, (name.replace("_", " ").title(), ""))
        out.append(BuiltinInfo(name, title, text, {"n": 200, "noise": 0.5, "seed": 0}))
    return out


@dataclass(frozen=True)
class LoadedTable:
    """A table ready for column choices.

    Attributes
    ----------
    frame : pandas.DataFrame shown in the preview
    source : path or ``builtin:NAME?...``
    numeric : names of the numeric columns (candidates for target and features)
    summary : what was read, dropped and why, in words
    table : the core ``Table`` when the core offers one (builds datasets itself)
    """

    frame: object
    source: str
    numeric: tuple[str, ...]
    summary: str
    table: object = None

    @property
    def title(self) -> str:
        if self.source.startswith("builtin:"):
            return self.source.split("?")[0][len("builtin:") :]
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]

    def default_target(self) -> str:
        """The column a user most likely predicts: 'y' or 'target' if present, else the last."""
        for name in ("y", "target", "Y", "label"):
            if name in self.numeric:
                return name
        if not self.numeric:
            raise DataError(f"{self.title}: no numeric column")
        return self.numeric[-1]

    def to_dataset(
        self, target: str, features: tuple[str, ...] | None, task: str | None = None
    ) -> Dataset:
        """Build the numeric dataset for ``target`` and ``features`` (None: all others).

        ``task``: None for the default (regression unless the target is 0/1 or text),
        'regression' or 'classification'.
        """
        feats = None if features is None else list(features)
        if self.table is not None and hasattr(self.table, "to_dataset"):
            return self.table.to_dataset(target, feats, task=task)
        return core_data.select_columns(self.frame, target, feats, source=self.source, task=task)


def _builtin_frame(source: str):
    from nnlin_gui.core.datasets import load_builtin_frame

    name, _, query = source[len("builtin:") :].partition("?")
    params: dict = {}
    for key, value in parse_qsl(query):
        try:
            params[key] = int(value) if key in ("n", "seed") else float(value)
        except ValueError:
            raise DataError(f"built-in dataset parameter {key}={value!r} is not a number") from None
    return load_builtin_frame(name, **params)


def _describe_frame(frame, numeric: tuple[str, ...]) -> str:
    n, k = frame.shape
    text = [f"{n:,} rows, {k} columns ({len(numeric)} numeric)."]
    missing = int(frame.isna().any(axis=1).sum())
    if missing:
        text.append(f"{missing:,} rows have missing values and are left out of the fit.")
    text_cols = [c for c in frame.columns if c not in numeric]
    if text_cols:
        shown = ", ".join(map(str, text_cols[:4])) + ("..." if len(text_cols) > 4 else "")
        text.append(f"Text columns not used as numbers: {shown}.")
    return " ".join(text)


def load_source(source: str, progress: Progress, cancel: threading.Event) -> LoadedTable:
    """Read ``source`` (a path or ``builtin:NAME?n=..&noise=..&seed=..``) into a table.

    Raises
    ------
    DataError
        With a one-line message when the source cannot be read.
    """
    import pandas as pd

    progress(0.0)
    table = None
    if source.startswith("builtin:"):
        frame = _builtin_frame(source)
        summary = None
    elif hasattr(core_data, "load_table"):
        table = core_data.load_table(source, progress=progress, cancel=cancel)
        frame = getattr(table, "frame", None)
        if frame is None:
            frame = getattr(table, "df", None)
        summ = getattr(table, "summary", None)
        summary = summ.describe() if summ is not None and hasattr(summ, "describe") else None
    else:
        frame = core_data._read_frame(source)
        summary = None
    if frame is None:
        raise DataError(f"{source}: the table could not be read")
    numeric = tuple(str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]))
    if not numeric:
        raise DataError(f"{source}: no numeric column")
    if summary is None:
        summary = _describe_frame(frame, numeric)
    progress(1.0)
    return LoadedTable(frame=frame, source=source, numeric=numeric, summary=summary, table=table)


def builtin_source(name: str, params: dict) -> str:
    """The source string for a built-in dataset with parameters."""
    if not params:
        return f"builtin:{name}"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"builtin:{name}?{query}"
