"""Decide what each column of a table is for, and say why in words.

Roles: ``target`` and ``feature`` (numbers), ``categorical`` (text with few levels, one-hot
encoded), and the excluded ones: ``identifier`` (text unique per row, or an index column),
``constant``, ``date`` (excluded unless asked for), ``empty`` and ``text`` (too many
levels to one-hot).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

__all__ = [
    "ColumnInfo",
    "DataSummary",
    "MAX_LEVELS",
    "USED_ROLES",
    "classify_columns",
    "format_value",
    "is_number_text",
    "suggest_task",
]

MAX_LEVELS = 20
USED_ROLES = frozenset({"target", "feature", "categorical"})
_ID_NAMES = frozenset({"", "id", "index", "idx", "row", "rownum", "row_id", "unnamed: 0", "#"})
_DATE_FORMATS = (
    "ISO8601", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y",
    "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M", "%b %d %Y", "%d %b %Y",
)  # fmt: skip
_DATE_HINT = re.compile(r"\d{1,4}[-/.]\d{1,2}|[A-Za-z]{3} \d{1,2}|\d{1,2} [A-Za-z]{3}")


def is_number_text(text: str) -> bool:
    """Whether a class label reads as a number ("1", "0.5"), not a name ("setosa")."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_value(v: float) -> str:
    """A number as a person writes it: 3 rather than 3.0."""
    if np.isfinite(v) and float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a table: what it is used for and why.

    Attributes
    ----------
    name : column name
    role : 'target', 'feature', 'categorical', 'identifier', 'constant', 'date', 'empty'
        or 'text'
    reason : the reason in words, e.g. "identifier (unique text per row)"
    kind : 'numeric', 'text', 'date' or 'empty'
    n_missing : missing values in the column
    levels : the levels of a categorical column, sorted (the first is the dropped baseline)
    """

    name: str
    role: str
    reason: str
    kind: str
    n_missing: int = 0
    levels: tuple[str, ...] = ()

    @property
    def used(self) -> bool:
        """Whether the column goes into the model by default."""
        return self.role in USED_ROLES

    def describe(self) -> str:
        """The column in one phrase."""
        if self.used:
            return f"column {self.name!r}: {self.reason}"
        return f"column {self.name!r} excluded: {self.reason}"


@dataclass(frozen=True)
class DataSummary:
    """What was loaded and what each column is for, in words a user reads.

    Attributes
    ----------
    source : file path or ``builtin:NAME``
    n_rows : data rows read (blank lines not counted)
    rows_dropped : rows dropped for missing values with the default columns and policy
    columns : every column with its role and reason
    default_target : the last numeric column, or None
    suggested_task : 'regression', or 'binary' when the default target holds only 0 and 1
    missing : missing-value policy, 'drop' or 'mean'
    notes : how the file was read (encoding, delimiter, decimal comma, ...)
    """

    source: str
    n_rows: int
    rows_dropped: int
    columns: tuple[ColumnInfo, ...]
    default_target: str | None
    suggested_task: str
    missing: str = "drop"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> ColumnInfo:
        """The column called ``name``; ``DataError`` if there is none."""
        for c in self.columns:
            if c.name == name:
                return c
        import os

        shown = self.source if self.source.startswith("builtin:") else os.path.basename(self.source)
        known = ", ".join(repr(c.name) for c in self.columns[:12])
        more = ", ..." if len(self.columns) > 12 else ""
        raise DataError(f"{shown}: no column named {name!r}; columns are {known}{more}")

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Columns used as features by default (before one-hot encoding)."""
        return tuple(c.name for c in self.columns if c.role in ("feature", "categorical"))

    def lines(self, columns: bool = True) -> list[str]:
        """The summary as separate phrases: rows first, then one per column (unless
        ``columns`` is false: 20,000 of them are not for a label)."""
        out = [f"{self.n_rows:,} rows"]
        if self.missing == "drop":
            if self.rows_dropped:
                out.append(f"{self.rows_dropped:,} dropped for missing values")
        else:
            if self.rows_dropped:
                out.append(f"{self.rows_dropped:,} dropped for a missing target")
            if any(c.n_missing for c in self.columns if c.used and c.role != "target"):
                out.append("missing feature values replaced by the column mean")
        if self.default_target is not None:
            out.append(f"target {self.default_target!r} ({self.suggested_task})")
        else:
            out.append("no numeric column to use as target")
        if columns:
            out.extend(c.describe() for c in self.columns)
        return out

    def describe(self) -> str:
        """The plain-words summary the GUI shows, e.g. "1,000 rows; 3 dropped for ..."."""
        return "; ".join(self.lines())

    def to_dict(self) -> dict:
        """A JSON-ready dictionary."""
        d = asdict(self)
        d["columns"] = [asdict(c) for c in self.columns]
        d["notes"] = list(self.notes)
        return d


def suggest_task(y: np.ndarray) -> tuple[str, tuple[str, ...]]:
    """The default task for numeric target values (missing values removed).

    Only values that are exactly 0 and 1 suggest 'binary'; every other numeric target is
    'regression', however few distinct values it has (3, 4, 4 or a 1..5 scale are numbers
    to fit, not labels). Classification of other numbers is the user's explicit choice
    (``task='classification'``). Text targets are classes whatever this says.

    Returns
    -------
    task : 'regression' or 'binary'
    labels : ('0', '1') for 'binary', else ()
    """
    if y.size == 0:
        return "regression", ()
    # min/max first: a cheap test that settles most regression targets without a full pass
    if float(np.min(y)) == 0.0 and float(np.max(y)) == 1.0 and bool(np.all((y == 0) | (y == 1))):
        return "binary", ("0", "1")
    return "regression", ()


def _to_numbers(values, decimal: str, thousands: str | None):
    """Convert text to float64 honouring the file's number format; returns numbers, bad mask."""
    import pandas as pd

    t = values
    if thousands:
        sep = re.escape(thousands)
        dec = re.escape(decimal)
        grouped = t.str.fullmatch(rf"(?a)[+-]?\d{{1,3}}({sep}\d{{3}})+({dec}\d*)?", na=False)
        if grouped.any():
            t = t.where(~grouped, t.str.replace(thousands, "", regex=False))
    if decimal == ",":
        comma = t.str.fullmatch(r"(?a)[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?", na=False)
        t = t.where(~comma, t.str.replace(",", ".", regex=False))
    num = pd.to_numeric(t, errors="coerce").astype(np.float64)
    bad = num.isna() & t.notna() & (t != "")
    return num, bad


def _clean_text(s):
    """Text values with surrounding spaces removed and empty strings as missing."""
    import pandas as pd

    text = pd.Series(s.to_numpy(dtype=object), index=s.index, dtype=object)
    if pd.api.types.infer_dtype(text, skipna=True) not in ("string", "empty"):
        text = text.map(lambda x: x if isinstance(x, str) or pd.isna(x) else str(x))
    sample = text.dropna().iloc[:1000]
    # Stripping a million strings is slow; do it only when the sample shows padding.
    if any(v != v.strip() or not v for v in sample):
        text = text.str.strip()
        text = text.mask(text == "")
    return text


def _mostly_numbers(text, n_present: int, decimal: str, thousands: str | None):
    """Numbers for a text column that holds numbers, perhaps with a few missing-value marks.

    Returns (float64 array, note) or (None, "") when the column is text. A sample decides
    first so that long text columns are not converted in full for nothing.
    """
    sample = text.dropna().iloc[:1000]
    _, bad = _to_numbers(sample, decimal, thousands)
    if bad.mean() > 0.1:
        return None, ""
    conv, bad = _to_numbers(text, decimal, thousands)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return conv.to_numpy(), ""
    if n_bad > 0.1 * n_present:
        return None, ""
    tokens = Counter(text[bad])
    if len(tokens) > 3 or any(len(t) > 12 for t in tokens):
        return None, ""
    shown = ", ".join(repr(t) for t in sorted(tokens))
    return conv.to_numpy(), f"; {n_bad:,} values {shown} read as missing"


def _date_format(text) -> str | None:
    import pandas as pd

    sample = text.dropna().head(200)
    if sample.empty or not sample.str.contains(_DATE_HINT, na=False).all():
        return None
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce")
        if parsed.notna().mean() >= 0.95:
            return fmt
    return None


_ID_SUFFIX = re.compile(r"(^|[_\s.-])id$|[a-z]Id$|[a-z]ID$")


def _id_name(name: str) -> bool:
    """Names that announce an identifier: id, index, row, customer_id, PassengerId, ..."""
    name = name.strip()
    return name.lower() in _ID_NAMES or bool(
        _ID_SUFFIX.search(name) or name.lower().endswith(" id")
    )


def _numeric_role(name: str, v: np.ndarray, unnamed: bool, n_missing: int) -> tuple[str, str]:
    present = v[~np.isnan(v)] if n_missing else v
    lo, hi = float(present.min()), float(present.max())
    if lo == hi:
        return "constant", f"constant (every value is {format_value(lo)})"
    idlike = unnamed or _id_name(name)
    if idlike and present.size == v.size and bool(np.all(present == np.round(present))):
        steps = np.diff(present)
        if present[0] in (0.0, 1.0) and bool(np.all(steps == 1.0)):
            what = "unnamed index column" if unnamed else "row number"
            return "identifier", (
                f"identifier ({what}: {format_value(present[0])}, "
                f"{format_value(present[0] + 1)}, {format_value(present[0] + 2)}, ...)"
            )
        if not unnamed and np.unique(present).size == present.size:
            return "identifier", "identifier (a different number in every row)"
    return "feature", "numeric feature"


def _text_role(text, n_present: int) -> tuple[str, str, str, tuple[str, ...]]:
    fmt = _date_format(text)
    if fmt is not None:
        return "date", "date", "dates (excluded unless you ask for them)", ()
    counts = text.value_counts(dropna=True)
    n_levels = int(counts.size)
    if n_levels == 1:
        return "constant", "text", f"constant (every value is {str(counts.index[0])!r})", ()
    if n_levels == n_present and n_present >= 10:
        return "identifier", "text", "identifier (unique text per row)", ()
    if n_levels <= min(MAX_LEVELS, max(2, n_present // 2)):
        levels = tuple(sorted(str(x) for x in counts.index))
        dummies = ", ".join(f"{text.name}[{lv}]" for lv in levels[1:4])
        more = ", ..." if len(levels) > 4 else ""
        return (
            "categorical",
            "text",
            f"categorical, {n_levels} levels: one-hot as {dummies}{more} "
            f"(first level {levels[0]!r} dropped)",
            levels,
        )
    if n_levels == n_present:
        return "identifier", "text", "identifier (unique text per row)", ()
    return "text", "text", f"text with {n_levels:,} different values (too many to one-hot)", ()


def classify_columns(
    frame,
    *,
    decimal: str = ".",
    thousands: str | None = None,
    unnamed: frozenset[str] = frozenset(),
    line_offset: int | None = None,
    source: str = "",
    cancel=None,
):
    """Convert every column to numbers, text or dates and give it a role.

    Parameters
    ----------
    frame : pandas.DataFrame as read (numeric or text columns)
    decimal, thousands : number format of text columns
    unnamed : columns whose header was empty (an unnamed first column is an index)
    line_offset : file line of row 0 minus the row label (for messages); None for tables
        that do not come from a file
    source : name used in messages
    cancel : ``threading.Event``; checked between columns (raises ``LoadCancelled``)

    Returns
    -------
    frame : pandas.DataFrame with float64, object (text) or datetime64 columns
    columns : list of ColumnInfo (no column is the target yet)

    Raises
    ------
    DataError
        Infinite or overflowing numbers (naming the column and line).
    """
    import pandas as pd

    out: dict[str, object] = {}
    infos: list[ColumnInfo] = []
    changed = False
    plain = _plain_numeric(frame, unnamed)
    for j, name in enumerate(frame.columns):
        if cancel is not None and cancel.is_set():
            from nnlin_gui.core.data.read import LoadCancelled

            raise LoadCancelled("loading cancelled")
        if plain is not None and plain[j]:  # a finite, varying numeric feature (no lookup)
            infos.append(ColumnInfo(str(name), "feature", "numeric feature", "numeric"))
            continue
        s = frame[name]
        label = str(name)
        notes = ""
        if s.dtype == np.float64:
            num = s.to_numpy()  # a view: the fast path for numeric files stays copy-free
            text = None
        elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            num = s.to_numpy(dtype=np.float64, na_value=np.nan)
            text = None
            changed = True
        else:
            changed = True
            text = _clean_text(s)
            n_present = int(text.notna().sum())
            if n_present == 0:
                out[name] = text
                infos.append(ColumnInfo(label, "empty", "empty (no values)", "empty", len(text)))
                continue
            num, notes = _mostly_numbers(text, n_present, decimal, thousands)
        if num is not None:
            n_missing = int(np.isnan(num).sum())
            _check_finite(num, label, frame.index, line_offset, source)
            if n_missing == num.size:
                role, reason = "empty", "empty (no values)"
            else:
                role, reason = _numeric_role(label, num, label in unnamed, n_missing)
            out[name] = num
            infos.append(ColumnInfo(label, role, reason + notes, "numeric", n_missing))
            continue
        assert text is not None  # numeric dtypes always gave numbers above
        n_missing = len(text) - n_present
        if n_present == 0:
            out[name] = text
            infos.append(ColumnInfo(label, "empty", "empty (no values)", "empty", n_missing))
            continue
        role, kind, reason, levels = _text_role(text.rename(label), n_present)
        if role == "date":
            out[name] = pd.to_datetime(text, format=_date_format(text), errors="coerce")
        else:
            out[name] = text
        infos.append(ColumnInfo(label, role, reason, kind, n_missing, levels))
    if not changed:
        return frame, infos
    if plain is not None:  # the columns the first pass settled, in their places
        for j, name in enumerate(frame.columns):
            if plain[j]:
                out[name] = frame[name].to_numpy()
        out = {name: out[name] for name in frame.columns}
    converted = pd.DataFrame(out, index=frame.index, copy=False)
    return converted, infos


def _plain_numeric(frame, unnamed: frozenset[str]) -> np.ndarray | None:
    """Per column, whether it is a float64 column without missing or infinite values whose
    values vary and whose name is not an identifier's: a numeric feature, settled for all
    columns at once (a column at a time, 20,000 columns took seconds of pandas lookups).
    None for narrow tables, where the column-by-column pass is as fast."""
    if frame.shape[1] < _BLOCK_FROM or len(frame) == 0 or not frame.columns.is_unique:
        return None
    is_float = (frame.dtypes == np.float64).to_numpy()
    if not is_float.any():
        return None
    plain = np.zeros(frame.shape[1], dtype=bool)
    block = frame.to_numpy() if is_float.all() else frame.loc[:, is_float].to_numpy()
    where = np.flatnonzero(is_float)
    for start in range(0, block.shape[1], 256):  # bounded temporaries
        part = block[:, start : start + 256]
        ok = np.isfinite(part).all(axis=0) & (part.min(axis=0) != part.max(axis=0))
        plain[where[start : start + 256]] = ok
    for j in np.flatnonzero(plain):
        name = str(frame.columns[j])
        if name in unnamed or _id_name(name):
            plain[j] = False  # perhaps a row number: the column's own checks decide
    return plain


_BLOCK_FROM = 64  # columns from which numeric columns are checked as one block


def _check_finite(num: np.ndarray, name: str, index, line_offset: int | None, source: str):
    infinite = np.isinf(num)
    if not infinite.any():
        return
    i = int(np.argmax(infinite))
    if line_offset is None:
        where = f"row {i + 1}"
    else:
        where = f"line {int(index[i]) + line_offset}"
    raise DataError(
        f"{source}: {where}, column {name!r}: infinite or too large a number "
        f"({format_value(num[i])}); numbers must be finite"
    )
