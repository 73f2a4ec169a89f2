"""Read a delimited text file in chunks with the C parser of pandas.

Reading in chunks lets a caller see progress and cancel; an all-numeric file (the common
large case) is read straight to float64 arrays. Every parser failure becomes a one-line
``DataError`` naming the line.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

import numpy as np

from nnlin_gui.core.data.sniff import CsvFormat
from nnlin_gui.core.data.wide import applies as wide_applies
from nnlin_gui.core.data.wide import read_wide_numeric
from nnlin_gui.core.errors import DataError, UserError

log = logging.getLogger(__name__)

__all__ = ["LoadCancelled", "ProgressThrottle", "read_frame", "CHUNK_BYTES"]

CHUNK_BYTES = 4 * 1024 * 1024
_EXTRA = "\x00extra"


class LoadCancelled(UserError):
    """Loading was cancelled by the user; whatever was loaded before stays in place."""


class ProgressThrottle:
    """Forward progress fractions from the loading thread, at most one per 1 % and 50 ms.

    An update goes out only when the fraction has grown by at least ``step`` and at least
    ``interval`` seconds have passed since the last one; ``force=True`` (used for the final
    1.0) always goes out.
    """

    def __init__(
        self,
        callback: Callable[[float], None] | None,
        step: float = 0.01,
        interval: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._callback = callback
        self._step = step
        self._interval = interval
        self._clock = clock
        self._last_value = 0.0
        self._last_time = -float("inf")

    def __call__(self, fraction: float, force: bool = False) -> None:
        if self._callback is None:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = self._clock()
        due = fraction - self._last_value >= self._step and now - self._last_time >= self._interval
        if force or due:
            self._last_value, self._last_time = fraction, now
            self._callback(fraction)


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise ``LoadCancelled`` when the caller has set the event."""
    if cancel is not None and cancel.is_set():
        raise LoadCancelled("loading cancelled")


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _parser_message(exc: Exception, has_header: bool) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    m = _FIELDS.search(str(exc))
    if m:
        want, line, saw = m.groups()
        what = "the header has" if has_header else "line 1 has"
        return f"line {line}: {saw} fields, but {what} {want}"
    m = _EOF_QUOTE.search(str(exc))
    if m:
        return f'line {int(m.group(1)) + 1}: a quote (") is opened and never closed'
    if "EOF inside string" in str(exc) or "EOF following escape" in str(exc):
        return 'a quote (") is opened and never closed'
    return f"cannot read as a table ({text})"


def _bad_byte_line(path: str, encoding: str) -> str:
    """Find the first undecodable byte of a file, scanning in blocks."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                pos = max(exc.start, 0)
                line += block.count(b"\n", 0, pos)
                return (
                    f"line {line}: byte "
                    f"0x{block[pos]:02x} is not text in UTF-8 or Windows-1252/Latin-1; "
                    "save the file as UTF-8 text"
                )
            line += block.count(b"\n")
    return "bytes that are not text; save the file as UTF-8 text"


def read_frame(
    path: str,
    fmt: CsvFormat,
    size: int,
    *,
    name: str,
    progress: ProgressThrottle,
    cancel: threading.Event | None,
):
    """Read the whole file into a DataFrame indexed by data row (blank lines removed).

    Columns the sample shows as numeric come back as float64, the others as object (text)
    that the caller converts; when text turns up later in a "numeric" column the file is
    read again with every column as text. The index counts data rows including blank
    ones, so the file line of row ``i`` is ``i + fmt.first_data_line``.

    Returns
    -------
    frame : pandas.DataFrame
    fmt : the format actually used (the encoding may fall back to Windows-1252)
    """
    from dataclasses import replace

    attempts = [fmt]
    if any(fmt.numeric_cols):
        attempts = [fmt, replace(fmt, numeric_cols=())]
    last_exc: Exception | None = None
    while attempts:
        current = attempts.pop(0)
        try:
            return _read_chunks(path, current, size, progress, cancel), current
        except DataError as exc:
            raise DataError(f"{name}: {exc}") from None
        except _NotNumeric as exc:
            token = exc.token
            if token is not None and 0 < len(token.strip()) <= 12 and len(current.na_extra) < 3:
                # One odd mark such as '?' or '-' for missing: keep the fast numeric read.
                log.info("%s: %r found beyond the sample; reading it as missing", name, token)
                attempts.insert(0, replace(current, na_extra=(*current.na_extra, token)))
            else:
                log.info("%s: text found beyond the sample; reading every column as text", name)
                attempts = [replace(current, numeric_cols=(), na_extra=())]
            continue
        except UnicodeDecodeError as exc:
            last_exc = exc
            if current.encoding in ("utf-8", "utf-8-sig"):
                log.info("%s: not UTF-8 after the sample; reading as Windows-1252", name)
                attempts = [replace(a, encoding="cp1252") for a in [current, *attempts]]
                continue
            raise DataError(f"{name}: {_bad_byte_line(path, current.encoding)}") from None
    raise DataError(f"{name}: cannot read the file ({last_exc})")


class _NotNumeric(Exception):
    """Text turned up in a column the sample said was numeric."""

    def __init__(self, token: str | None) -> None:
        super().__init__(token)
        self.token = token


def _bad_token(message: str) -> str | None:
    """The text pandas could not convert, from "could not convert string to float: '?'"."""
    import ast

    head, sep, tail = message.partition("could not convert string to float: ")
    if not sep:
        return None
    try:
        value = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _read_chunks(path, fmt: CsvFormat, size, progress, cancel):
    import pandas as pd

    names = list(fmt.names) + [f"{_EXTRA}{i}" for i in range(fmt.n_extra)]
    # About 2 % of the file per chunk (for progress), within sensible bounds: fewer,
    # larger chunks keep pandas' per-chunk overhead small.
    chunk_bytes = min(max(size / 50, 256 * 1024), CHUNK_BYTES)
    rows = max(1000, int(chunk_bytes / fmt.bytes_per_line))
    kwargs = dict(
        sep=fmt.sep,
        decimal=fmt.decimal,
        thousands=fmt.thousands,
        header=0 if fmt.has_header else None,
        names=names,
        encoding=fmt.encoding,
        skip_blank_lines=False,
        engine="c",
        chunksize=rows,
        # Our chunks already bound the memory; pandas' own sub-chunking on top of them
        # made each chunk 1.5x slower (1.01 s against 0.69 s for 1,000,000 x 10).
        low_memory=False,
        dtype=_dtypes(fmt, names),
        skiprows=fmt.skip_lines,
        na_values=list(fmt.na_extra) or None,
    )
    check_cancel(cancel)
    if wide_applies(fmt):
        frame = _read_wide(path, fmt, size, names, progress, cancel)
        if frame is not None:
            return _drop_blank_and_extra(frame, fmt)
    if fmt.all_numeric:
        frame = _read_numeric_in_parallel(path, fmt, size, kwargs, rows, names, progress, cancel)
        if frame is not None:
            return _drop_blank_and_extra(frame, fmt)
    numeric = _NumericColumns(len(names), int(size / fmt.bytes_per_line * 1.05) + 16)
    pieces = []
    done = 0
    try:
        # A path (not an open file) lets pandas' C reader do its own buffered I/O, which
        # is measurably faster; progress comes from the rows read times the line length.
        with pd.read_csv(path, **kwargs) as reader:
            for chunk in reader:
                check_cancel(cancel)
                if fmt.all_numeric:
                    numeric.append(chunk)
                else:
                    pieces.append(chunk)
                done += len(chunk)
                progress(min(0.95, 0.95 * done * fmt.bytes_per_line / max(size, 1)))
    except (UnicodeDecodeError, UserError, MemoryError):
        raise
    except ValueError as exc:
        text = str(exc)
        if any(fmt.numeric_cols) and ("could not convert" in text or "safely convert" in text):
            raise _NotNumeric(_bad_token(text)) from None
        raise DataError(_parser_message(exc, fmt.has_header)) from None
    except Exception as exc:  # pandas parser errors come in many types
        raise DataError(_parser_message(exc, fmt.has_header)) from None
    if fmt.all_numeric:
        frame = pd.DataFrame(numeric.values(), columns=names, copy=False)
    elif pieces:
        frame = pd.concat(pieces) if len(pieces) > 1 else pieces[0]
    else:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in names})
    return _drop_blank_and_extra(frame, fmt)


def _rows_progress(fmt: CsvFormat, size, progress) -> Callable[[int], None]:
    """A callback taking rows read that reports the fraction of the file they make."""
    done = [0]

    def on_rows(m: int) -> None:
        done[0] += m
        progress(min(0.95, 0.95 * done[0] * fmt.bytes_per_line / max(size, 1)))

    return on_rows


def _read_wide(path, fmt: CsvFormat, size, names, progress, cancel):
    """The line-at-a-time read of a very wide all-numeric file (wide.py), or None."""
    values = read_wide_numeric(path, fmt, size, _rows_progress(fmt, size, progress), cancel)
    return _numeric_frame(values, names, cancel)


def _numeric_frame(values, names, cancel):
    """A reader's float64 values as a DataFrame; None when the reader gave up ("use
    pandas"); ``LoadCancelled`` when it stopped because the user cancelled."""
    import pandas as pd

    if isinstance(values, str):  # cancelled
        check_cancel(cancel)
        return None
    if values is None:
        return None
    return pd.DataFrame(values, columns=names, copy=False)


def _read_numeric_in_parallel(path, fmt: CsvFormat, size, kwargs, rows, names, progress, cancel):
    """The two-thread read of a large all-numeric file (data_parallel.py), or None."""
    from nnlin_gui.core.data.parallel import data_start, read_numeric_halves

    start = data_start(path, fmt.has_header, fmt.skip_lines)
    on_rows = _rows_progress(fmt, size, progress)
    values = read_numeric_halves(path, size, kwargs, rows, start, on_rows, cancel)
    return _numeric_frame(values, names, cancel)


def _dtypes(fmt: CsvFormat, names: list[str]):
    """float64 for the columns the sample says are numeric, text for the others."""
    if fmt.all_numeric:
        return np.float64
    if not fmt.numeric_cols:
        return object
    return {
        n: (np.float64 if num else object) for n, num in zip(names, fmt.numeric_cols, strict=True)
    }


class _NumericColumns:
    """A growing column-major float64 array: each chunk column is one contiguous copy.

    Column-major storage is what pandas keeps internally, so the final DataFrame wraps
    it without another copy; the size is estimated from the file size and grown by half
    when the estimate was short.
    """

    def __init__(self, n_cols: int, estimate: int) -> None:
        self._data = np.empty((max(estimate, 16), n_cols), dtype=np.float64, order="F")
        self._n = 0

    def append(self, chunk) -> None:
        m = len(chunk)
        if self._n + m > self._data.shape[0]:
            grown = np.empty(
                (max(int(self._data.shape[0] * 1.5), self._n + m), self._data.shape[1]),
                dtype=np.float64,
                order="F",
            )
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        for j in range(chunk.shape[1]):
            self._data[self._n : self._n + m, j] = chunk.iloc[:, j].to_numpy()
        self._n += m

    def values(self) -> np.ndarray:
        return self._data[: self._n]


def _blank_rows(frame) -> np.ndarray:
    """Rows where every field is empty; numeric columns first, text only where needed."""
    is_float = (frame.dtypes == np.float64).to_numpy()
    numeric = frame.columns[is_float]
    others = list(frame.columns[~is_float])
    blank = np.ones(len(frame), dtype=bool)
    if len(numeric):
        # One block, not a column at a time: 20,000 columns took seconds in pandas' lookups.
        block = frame.to_numpy() if not others else frame[numeric].to_numpy()
        for start in range(0, block.shape[1], 256):  # bounded temporaries
            blank &= np.isnan(block[:, start : start + 256]).all(axis=1)
    if others and blank.any():
        rows = np.flatnonzero(blank)
        blank[rows] = frame[others].iloc[rows].isna().all(axis=1).to_numpy()
    return blank


def _drop_blank_and_extra(frame, fmt: CsvFormat):
    blank = _blank_rows(frame)
    if blank.any():
        frame = frame.loc[~blank]
    if fmt.n_extra:
        extra = [c for c in frame.columns if str(c).startswith(_EXTRA)]
        filled = frame[extra].notna().any(axis=1).to_numpy()
        if filled.any():
            row = int(frame.index[np.argmax(filled)])
            line = row + fmt.first_data_line
            raise DataError(f"line {line}: more fields than the header has ({len(fmt.names)})")
        frame = frame.drop(columns=extra)
    return frame
