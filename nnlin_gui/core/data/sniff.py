"""Guess how a delimited text file is written, from its first few hundred kilobytes.

pandas' own sniffing (``sep=None``) needs the slow Python engine; we look at the head
ourselves and then hand the C engine explicit settings. Everything here works on a small
sample, so it is fast whatever the size of the file.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

__all__ = ["CsvFormat", "NA_TOKENS", "sniff_format", "read_head", "read_sniff_head", "HEAD_BYTES"]

HEAD_BYTES = 256 * 1024
HEAD_LINES = 6  # lines the sniffer gets at least (when the file has them) ...
WIDE_HEAD = 32 << 20  # ... within this many bytes
MAX_LINE_BYTES = 4 << 20  # a first line longer than this is not a table's header
_SAMPLE_LINES = 200
_SNIFF_LINES = 60
_DELIMITERS = (",", ";", "\t", "|")

# The tokens pandas reads as missing by default (keep in step with pandas' STR_NA_VALUES).
NA_TOKENS = frozenset(
    {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)  # fmt: skip

# Signatures of binary formats people save as ".csv" by mistake.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"GIF8", "a GIF image"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "an SQLite database"),
)

_INT = re.compile(r"[+-]?\d+", re.ASCII)
_DOT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+", re.ASCII)
_COMMA = re.compile(r"[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?", re.ASCII)
_GROUP_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+", re.ASCII)
_GROUP_COMMA_DOT = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+\.\d+", re.ASCII)
_GROUP_DOT = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+", re.ASCII)
_GROUP_DOT_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+,\d+", re.ASCII)
_INF = re.compile(r"[+-]?(inf|infinity)", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class CsvFormat:
    """How a file is written: what the C parser of pandas needs to read it.

    Attributes
    ----------
    encoding : Python codec name ('utf-8', 'utf-8-sig', 'utf-16', 'cp1252')
    sep : field delimiter, or ``r"\\s+"`` for runs of spaces
    decimal, thousands : number format (``thousands`` is None when not used)
    has_header : whether line 1 holds column names
    names : column names as read (empty names are replaced by ``column N``)
    unnamed : positions of columns whose header was empty
    n_extra : trailing empty fields beyond the header (a delimiter at each line end)
    numeric_cols : per column, whether every sampled field is a number or missing (and
        at least one is a number); empty means "read every column as text"
    bytes_per_line : average line length in the sample, for chunk sizes
    skip_lines : lines before the header (a title or notes) that are skipped
    na_extra : marks found in numeric columns beyond the sample (like '?'), read as missing
    """

    encoding: str
    sep: str
    decimal: str
    thousands: str | None
    has_header: bool
    names: tuple[str, ...]
    unnamed: tuple[int, ...]
    n_extra: int
    numeric_cols: tuple[bool, ...]
    bytes_per_line: float
    skip_lines: int = 0
    na_extra: tuple[str, ...] = ()

    @property
    def all_numeric(self) -> bool:
        """Every column is numeric in the sample: the fast float64 path applies."""
        return bool(self.numeric_cols) and all(self.numeric_cols)

    @property
    def first_data_line(self) -> int:
        """File line number of the first data row."""
        return 1 + self.skip_lines + int(self.has_header)

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words."""
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(self.sep, "spaces")


def read_head(path: str, size: int = HEAD_BYTES) -> bytes:
    """Read the first ``size`` bytes of a file."""
    with open(path, "rb") as fh:
        return fh.read(size)


def read_sniff_head(path: str) -> bytes:
    """The head the sniffer needs: the first ``HEAD_BYTES``, read further while it holds
    fewer than ``HEAD_LINES`` whole lines. A 20,000-column line is 180 KB of numbers and
    its header up to 400 KB of gene names: with the header alone the sniffer would see no
    data row (every column read as text, 50 s for 300 rows), and without line 1 no table."""
    n = HEAD_BYTES
    head = read_head(path, n)
    while len(head) == n and n < WIDE_HEAD:
        ends = max(head.count(b"\n"), head.count(b"\r"))
        if ends >= HEAD_LINES or (ends == 0 and n >= MAX_LINE_BYTES):
            break
        n *= 4
        head = read_head(path, n)
    return head


def _size_text(n: int) -> str:
    return f"{n >> 20} MB" if n >= 1 << 20 else f"{n >> 10} KB"


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "a binary file (it contains NUL bytes)"
    return None


def _bad_byte_message(name: str, data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    return (
        f"{name}: line {line}: byte 0x{data[pos]:02x} is not text in UTF-8 or "
        "Windows-1252/Latin-1; save the file as UTF-8 text"
    )


def detect_encoding(name: str, head: bytes, complete: bool) -> tuple[str, str]:
    """Return the codec for a file head and the decoded sample text.

    ``complete`` says the head is the whole file (no cut multi-byte character at its end).
    Raises ``DataError`` for binary files and bytes that are no text encoding we read.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8-sig", head[3:]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
        return "utf-16", text
    else:
        kind = _binary_kind(head)
        if kind is not None:
            raise DataError(f"{name}: this is {kind}, not CSV text; save it as CSV")
        encoding, body = "utf-8", head
    try:
        return encoding, body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is not an error.
        if not complete and exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return encoding, body[: exc.start].decode("utf-8")
        first_bad = exc.start
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataError(_bad_byte_message(name, body, exc.start)) from None
    log.info("%s: not UTF-8 at byte %d; reading as Windows-1252", name, first_bad)
    return "cp1252", text


def _split_rows(lines: list[str], sep: str) -> list[tuple[int, list[str]]]:
    """Split sample lines into (line number, fields); quotes are honoured for real delimiters."""
    rows: list[tuple[int, list[str]]] = []
    if sep == r"\s+":
        for i, line in enumerate(lines, start=1):
            if line.strip():
                rows.append((i, line.split()))
        return rows
    reader = csv.reader(lines, delimiter=sep, quotechar='"', strict=False)
    start = 1
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:  # a field beyond csv's size limit
        raise DataError(f"line {start}: a field is too long to be a value ({exc})") from None
    return rows


_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@lru_cache(maxsize=4096)
def _style(token: str) -> str:
    t = token.strip()
    if t in NA_TOKENS:
        return "na"
    if _PLAIN.fullmatch(t):  # the common case first: 12, -3.5, 1e-3
        if "." not in t:
            return "int" if _INT.fullmatch(t) else "dot"
        return "dot_group" if _GROUP_DOT.fullmatch(t) else "dot"
    if _GROUP_COMMA_DOT.fullmatch(t):
        return "comma_thousands"
    if _GROUP_DOT_COMMA.fullmatch(t):
        return "dot_thousands"
    if _GROUP_COMMA.fullmatch(t):
        return "comma_group" if t.count(",") == 1 else "comma_thousands"
    if _GROUP_DOT.fullmatch(t):
        return "dot_group" if t.count(".") == 1 else "dot_thousands"
    if _DOT.fullmatch(t):
        return "dot"
    if _COMMA.fullmatch(t):
        return "comma"
    if _INF.fullmatch(t):
        return "inf"
    return "text"


_NUMERIC_STYLES = {
    "int", "dot", "comma", "comma_group", "dot_group", "comma_thousands", "dot_thousands", "inf"
}  # fmt: skip


def _is_number(style: str, decimal: str, thousands: str | None) -> bool:
    if style in ("int", "inf"):
        return True
    if decimal == ".":
        ok = {"dot", "dot_group"}
        if thousands == ",":
            ok |= {"comma_group", "comma_thousands"}
    else:
        ok = {"comma", "comma_group"}
        if thousands == ".":
            ok |= {"dot_group", "dot_thousands"}
    return style in ok


def _choose_sep(lines: list[str]) -> str:
    best: tuple[float, str] | None = None
    lines = lines[:_SNIFF_LINES]
    for order, sep in enumerate(_DELIMITERS):
        if not any(sep in line for line in lines):
            continue
        rows = _split_rows(lines, sep)
        counts = Counter(len(f) for _, f in rows)
        if not counts:
            continue
        mode, hits = counts.most_common(1)[0]
        if mode < 2:
            continue
        consistency = hits / len(rows)
        tokens = [t for _, f in rows[1:] for t in f] or [t for _, f in rows for t in f]
        numeric = sum(_style(t) in _NUMERIC_STYLES for t in tokens) / max(len(tokens), 1)
        score = 2.0 * consistency + numeric - 0.01 * order
        if best is None or score > best[0]:
            best = (score, sep)
    if best is not None and best[0] >= 1.0:
        return best[1]
    rows = _split_rows(lines, r"\s+")
    counts = Counter(len(f) for _, f in rows)
    if counts:
        mode, hits = counts.most_common(1)[0]
        if mode >= 2 and hits / len(rows) >= 0.8:
            return r"\s+"
    if best is not None:
        return best[1]
    return ","


def _number_format(tokens: list[str], sep: str) -> tuple[str, str | None]:
    styles = Counter(_style(t) for t in tokens)
    dot_dec = styles["dot"] > 0 or styles["comma_thousands"] > 0
    comma_dec = styles["comma"] > 0 or styles["dot_thousands"] > 0
    if comma_dec and not dot_dec:
        decimal = ","
    elif dot_dec:
        decimal = "."
    elif styles["comma_group"] and sep != ",":
        decimal = ","  # "1,234" in a semicolon file: a decimal comma is the likelier reading
    else:
        decimal = "."
    thousands = None
    if decimal == "." and (styles["comma_thousands"] or styles["comma_group"]):
        thousands = ","
    elif decimal == "," and styles["dot_thousands"]:
        thousands = "."
    return decimal, thousands


def sniff_format(name: str, head: bytes, complete: bool) -> CsvFormat:
    """Guess encoding, delimiter, number format and header from the head of a file.

    Parameters
    ----------
    name : file name used in messages
    head : the first bytes of the file
    complete : whether ``head`` is the whole file

    Raises
    ------
    DataError
        Binary or undecodable content, no data, duplicate column names, ragged rows.
    """
    encoding, text = detect_encoding(name, head, complete)
    if not complete:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut <= 0:
            raise DataError(
                f"{name}: line 1 is longer than {_size_text(len(head))}; "
                "this does not look like a table"
            )
        text = text[:cut]
    if not text.strip():
        raise DataError(f"{name}: the file is empty")
    start = text.lstrip()[:15].lower()
    if start.startswith(("<!doctype html", "<html", "<?xml")):
        what = "an XML file" if start.startswith("<?xml") else "a web page (HTML)"
        raise DataError(f"{name}: this is {what}, not CSV text; save the table itself as CSV")
    lines = text.splitlines()[:_SAMPLE_LINES]
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may continue a quoted field
    try:
        sep = _choose_sep(lines)
        rows = _split_rows(lines, sep)
    except DataError as exc:
        raise DataError(f"{name}: {exc}") from None
    if not rows:
        raise DataError(f"{name}: the file is empty")

    skip_lines = 0
    counts = Counter(len(f) for _, f in rows)
    mode = counts.most_common(1)[0][0]
    if mode >= 2:
        # A title or notes above the table: a few short lines before rows of full width.
        lead = 0
        while lead < min(5, len(rows) - 1) and len(rows[lead][1]) < mode:
            lead += 1
        if lead and all(len(f) >= mode for _, f in rows[lead : lead + 20]):
            skip_lines = rows[lead][0] - 1
            rows = rows[lead:]

    data_tokens = [t for _, f in rows[1:] for t in f]
    decimal, thousands = _number_format(data_tokens or rows[0][1], sep)

    first = rows[0][1]
    later = rows[1:]
    has_header = _looks_like_header(first, later, decimal, thousands)
    data_rows = later if has_header else rows
    n_head = len(first)
    widths = [len(f) for _, f in data_rows]
    widest = max(widths, default=n_head)
    n_extra = 0
    if widest > n_head:
        extra_filled = [
            (line, len(f)) for line, f in data_rows if any(v.strip() for v in f[n_head:])
        ]
        if extra_filled:
            line, width = extra_filled[0]
            what = "the header has" if has_header else "line 1 has"
            raise DataError(f"{name}: line {line}: {width} fields, but {what} {n_head}")
        n_extra = widest - n_head  # a delimiter at the end of each line

    if has_header:
        raw = [f.strip() for f in first]
    else:
        raw = [""] * n_head
    names, unnamed = [], []
    for i, v in enumerate(raw):
        if v:
            names.append(v)
        else:
            names.append(f"column {i + 1}")
            unnamed.append(i)
    seen: dict[str, int] = {}
    for i, v in enumerate(names):
        if v in seen:
            raise DataError(
                f"{name}: columns {seen[v] + 1} and {i + 1} are both named {v!r}; "
                "column names must be unique"
            )
        seen[v] = i

    numeric_cols = []
    for j in range(n_head):
        styles = [_style(f[j]) for _, f in data_rows if j < len(f)]
        numbers = [_is_number(st, decimal, thousands) for st in styles]
        numeric_cols.append(
            any(numbers) and all(ok or st == "na" for ok, st in zip(numbers, styles, strict=True))
        )
    numeric_cols += [all(numeric_cols)] * n_extra  # trailing empty fields follow the rest
    n_bytes = len(text.encode("utf-8", errors="replace"))
    bytes_per_line = n_bytes / max(len(text.splitlines()), 1)
    return CsvFormat(
        encoding=encoding,
        sep=sep,
        decimal=decimal,
        thousands=thousands,
        has_header=has_header,
        names=tuple(names),
        unnamed=tuple(unnamed),
        n_extra=n_extra,
        numeric_cols=tuple(numeric_cols) if data_rows else (),
        bytes_per_line=max(bytes_per_line, 1.0),
        skip_lines=skip_lines,
    )


def _looks_like_header(
    first: list[str], later: list[tuple[int, list[str]]], decimal: str, thousands: str | None
) -> bool:
    """Line 1 is a header when it has text where the rows below have numbers, no numbers
    at all, or whole numbers (years) above columns of fractions next to a text name."""

    def numeric(tok: str) -> bool:
        return _is_number(_style(tok), decimal, thousands)

    first_numeric = [numeric(t) for t in first]
    if not any(first_numeric):
        return True
    for j, tok in enumerate(first):
        if first_numeric[j] or not tok.strip() or _style(tok) == "na":
            continue
        below = [f[j] for _, f in later if j < len(f) and _style(f[j]) != "na"]
        if below and sum(numeric(t) for t in below) >= 0.9 * len(below):
            return True
    # Wide tables name columns by year: "country,2019,2020" above "A,1.5,2.5". Whole,
    # distinct numbers above columns holding fractions are names, not data.
    named = [t.strip() for t in first]
    whole = all(_style(t) == "int" for t, num in zip(first, first_numeric, strict=True) if num)
    if whole and len(set(named)) == len(named) and any(not num for num in first_numeric):
        for j, num in enumerate(first_numeric):
            below = [_style(f[j]) for _, f in later if j < len(f)]
            if num and any(st in ("dot", "comma") for st in below):
                return True
    return False
