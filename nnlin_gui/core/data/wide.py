"""A line-at-a-time reader for very wide all-numeric CSV files.

pandas converts every column of a chunk in compiled code that keeps the GIL: for
300 x 20,000 that held it for about 100 ms at a time, so the window (which needs the GIL
to paint) stalled while such a file loaded. ``numpy.fromstring`` parses one line in
about 1.5 ms and lets go between lines; it is as fast as pandas here and rounds the
same (both exact on the benchmark file). Anything it is not sure of (quotes, empty
fields, NA marks, a decimal comma, a different field count) returns None and the caller
reads the file with pandas, so every error message stays that reader's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from nnlin_gui.core.data.parallel import data_start
from nnlin_gui.core.data.sniff import CsvFormat

# From this many columns a file is "wide": pandas' per-chunk conversion is what stalls.
WIDE_COLUMNS = 1000
_SEPARATORS = (",", ";")
_ENCODINGS = ("utf-8", "utf-8-sig", "ascii", "cp1252")


def applies(fmt: CsvFormat) -> bool:
    """Whether the line reader can read a file of this format exactly as pandas would."""
    return (
        fmt.all_numeric
        and len(fmt.names) >= WIDE_COLUMNS
        and fmt.sep in _SEPARATORS
        and fmt.decimal == "."
        and not fmt.thousands
        and not fmt.n_extra
        and not fmt.na_extra
        and fmt.encoding in _ENCODINGS
    )


def read_wide_numeric(
    path: str,
    fmt: CsvFormat,
    size: int,
    on_rows: Callable[[int], None],
    cancel: threading.Event | None,
) -> np.ndarray | str | None:
    """(n, k) float64 values, "cancelled", or None (read it with pandas instead).

    A blank line becomes a row of NaN, as pandas reads it with ``skip_blank_lines=False``,
    so row ``i`` is still file line ``i + fmt.first_data_line``.
    """
    k = len(fmt.names)
    encoding = "utf-8" if fmt.encoding == "utf-8-sig" else fmt.encoding
    start = data_start(path, fmt.has_header, fmt.skip_lines)
    values = np.empty((max(16, int(size / max(fmt.bytes_per_line, 1.0) * 1.05) + 1), k))
    n = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        for raw in fh:
            if cancel is not None and cancel.is_set():
                return "cancelled"
            try:
                line = raw.decode(encoding).strip()
            except UnicodeDecodeError:
                return None  # pandas' reader says where, or falls back to Windows-1252
            if not line and raw.strip(b"\r\n"):
                return None  # spaces only: pandas reads it as text, then as missing
            if not line:
                row = np.full(k, np.nan)  # an empty line: dropped later, as pandas' would be
            elif '"' in line:
                return None
            else:
                try:
                    row = np.fromstring(line, sep=fmt.sep)
                except ValueError:
                    return None
                if row.shape != (k,):
                    return None
            if n == len(values):
                values = np.concatenate([values, np.empty((len(values) // 2 + 16, k))])
            values[n] = row
            n += 1
            on_rows(1)
    return values[:n]
