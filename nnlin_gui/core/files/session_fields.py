"""Checked reading of session-file fields: each check names the field and what it must be.

Qt-free. ``parse_json`` keeps the text of numbers a float cannot hold (``1e400``,
``Infinity``, ``NaN``, a 5,000-digit integer), so a message can quote the file as written.
The ``need_*`` functions return the value converted, or raise ``SessionError`` with one line
such as ``network.layers[1].width must be an integer from 1 to 4,096, not 1e400``. Field paths
are written as in the file: ``data.X``, ``network.layers[0].kind`` (list indices from 0).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from nnlin_gui.core.errors import UserError

__all__ = [
    "MAX_ARRAY_SIZE",
    "SessionError",
    "at",
    "need_array",
    "need_bool",
    "need_choice",
    "need_finite",
    "need_int",
    "need_keys",
    "need_number",
    "need_object",
    "need_plain_json",
    "need_text",
    "need_texts",
    "parse_json",
    "show",
]

#: Numbers in one array; larger claims are refused before anything is allocated.
MAX_ARRAY_SIZE = 1 << 28
_MAX_DIMS = 4
_MAX_INT_DIGITS = 40  # 128-bit RNG words have 39 digits
_BASE64_PIECE = 1 << 22  # characters (a multiple of 4)
_BLOB_MIN = 1 << 16  # base64 texts this long are set aside before parsing
_BASE64_KEY = re.compile(rb'"base64"\s*:\s*"')


class SessionError(UserError):
    """A session file that cannot be read or written; the message is one line."""


# ---------------------------------------------------------------------------- parsing


class _Quoted(float):
    """A non-finite float from the file that remembers how the file wrote it."""

    text: str

    def __new__(cls, text: str) -> _Quoted:
        value = super().__new__(cls, float(text))
        value.text = text
        return value


class _LongInt:
    """An integer literal too long to be any sane value (``int`` would refuse it too)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _Quoted(text)


def _parse_int(text: str) -> int | _LongInt:
    return int(text) if len(text) <= _MAX_INT_DIGITS else _LongInt(text)


class Blob:
    """A long ``"base64"`` text left in the file's bytes: never copied into a ``str``."""

    def __init__(self, data: memoryview, start: int, end: int) -> None:
        self.data, self.start, self.end = data, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def pieces(self, size: int) -> Iterator[memoryview]:
        for i in range(self.start, self.end, size):
            yield self.data[i : min(i + size, self.end)]


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` that keeps the text of non-finite and overlong numbers.

    UTF-8 bytes (a BOM allowed) have their long ``"base64"`` texts set aside first, as
    ``Blob``s: scanning a 200 MB string is most of ``json.loads``'s time, all of it holding
    the GIL (the GUI thread stalls while a worker parses), whereas ``bytes.find`` skips it
    at memory speed and the base64 is later decoded piece by piece.

    Raises ``json.JSONDecodeError`` for malformed JSON, ``UnicodeDecodeError`` for bytes
    that are not UTF-8 and ``RecursionError`` for nesting deeper than the recursion limit.
    """
    hook = None
    if isinstance(text, bytes | bytearray):
        pieces, blobs, tag = _set_blobs_aside(text)
        text = b"".join(pieces).decode("utf-8-sig")
        if blobs:
            hook = _blob_hook(blobs, tag)
    return json.loads(
        text,
        parse_float=_parse_float,
        parse_int=_parse_int,
        parse_constant=_Quoted,
        object_pairs_hook=hook,
    )


def _set_blobs_aside(raw: bytes) -> tuple[list, list[Blob], str]:
    """The bytes in pieces, each long base64 text replaced by a placeholder text."""
    view = memoryview(raw)
    tag = secrets.token_hex(8)  # a file cannot guess it, so cannot forge a placeholder
    pieces: list = []
    blobs: list[Blob] = []
    copied = scan = 0
    while (m := _BASE64_KEY.search(raw, scan)) is not None:
        start = m.end()
        end = raw.find(b'"', start)
        if end < 0:
            break  # cut off: json reports it
        scan = end
        escaped = m.start() > 0 and raw[m.start() - 1] == 0x5C  # the key's quote is \"
        if end - start < _BLOB_MIN or escaped or raw.find(b"\\", start, end) >= 0:
            continue  # short, or not a plain key and text: leave it to json
        pieces += [view[copied:start], f"\\u0000blob-{tag}-{len(blobs)}".encode()]
        blobs.append(Blob(view, start, end))
        copied = end
    pieces.append(view[copied:])
    return pieces, blobs, tag


def _blob_hook(blobs: list[Blob], tag: str):
    prefix = f"\x00blob-{tag}-"

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        text = obj.get("base64")
        if isinstance(text, str) and text.startswith(prefix):
            obj["base64"] = blobs[int(text[len(prefix) :])]
        return obj

    return hook


def show(value: Any) -> str:
    """A short rendering of a value from the file, for messages."""
    if isinstance(value, _Quoted):
        return value.text
    if isinstance(value, _LongInt):
        return f"{value.text[:12]}… ({len(value.text):,} digits)"
    if isinstance(value, Blob):
        return f"a text of {len(value):,} characters"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "…", ensure_ascii=False)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    return type(value).__name__


def at(where: str, key: str | int) -> str:
    """The path of ``key`` inside ``where``: ``at("network", "layers")``, ``at(..., 0)``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ------------------------------------------------------------------------------ scalars


def need_object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise SessionError(f"{where} must be an object, not {show(value)}")
    return value


def need_keys(obj: dict, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """Every ``required`` key is present and no key is unknown."""
    required = tuple(required)
    owner = where or "the session"
    for key in required:
        if key not in obj:
            raise SessionError(f"{owner} has no {key!r} (the file is incomplete)")
    known = set(required) | set(optional)
    unknown = [k for k in obj if k not in known]
    if unknown:
        raise SessionError(f"{owner} has an unknown key {unknown[0][:40]!r}")


def need_int(value: Any, where: str, lo: int, hi: int) -> int:
    if not (_is_int(value) and lo <= value <= hi):
        raise SessionError(f"{where} must be an integer from {lo:,} to {hi:,}, not {show(value)}")
    return int(value)


def need_number(
    value: Any,
    where: str,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """A finite number in [lo, hi] (ends excluded when ``lo_open`` / ``hi_open``)."""
    ok = _is_number(value) and math.isfinite(value)
    if ok:
        ok = (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        raise SessionError(
            f"{where} must be {_range_words(lo, hi, lo_open, hi_open)}, not {show(value)}"
        )
    return float(value)


def _range_words(lo: float, hi: float, lo_open: bool, hi_open: bool) -> str:
    if lo == -math.inf and hi == math.inf:
        return "a finite number"
    if hi == math.inf:
        return f"a finite number {'above' if lo_open else 'of at least'} {lo:g}"
    low = f"above {lo:g}" if lo_open else f"from {lo:g}"
    high = f"below {hi:g}" if hi_open else f"{'and at most' if lo_open else 'to'} {hi:g}"
    return f"a number {low} {high}"


def need_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SessionError(f"{where} must be true or false, not {show(value)}")
    return value


def need_text(value: Any, where: str, max_len: int = 4096, empty_ok: bool = True) -> str:
    if not isinstance(value, str) or len(value) > max_len or (not empty_ok and not value):
        what = "a text" if empty_ok else "a non-empty text"
        raise SessionError(
            f"{where} must be {what} of at most {max_len:,} characters, not {show(value)}"
        )
    return value


def need_choice(value: Any, where: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise SessionError(f"{where} must be one of {', '.join(choices)}, not {show(value)}")
    return value


def need_texts(
    value: Any, where: str, max_len: int, *, unique: bool = False, text_len: int = 4096
) -> tuple[str, ...]:
    """A list of at most ``max_len`` texts (all different when ``unique``)."""
    if not isinstance(value, list) or len(value) > max_len:
        raise SessionError(
            f"{where} must be a list of at most {max_len:,} texts, not {show(value)}"
        )
    out = tuple(need_text(v, at(where, i), text_len) for i, v in enumerate(value))
    if unique and len(set(out)) != len(out):
        dup = next(v for i, v in enumerate(out) if v in out[:i])
        raise SessionError(f"{where} names {show(dup)} twice")
    return out


def need_plain_json(value: Any, where: str, max_depth: int, max_nodes: int) -> None:
    """Free JSON that can be saved again: bounded depth and size, finite numbers only."""
    stack = [(value, where, 0)]
    nodes = 0
    while stack:
        item, path, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise SessionError(f"{where} holds more than {max_nodes:,} values")
        if depth > max_depth:
            raise SessionError(f"{path} is nested more than {max_depth} levels deep")
        if isinstance(item, dict):
            stack.extend((v, at(path, str(k)), depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, at(path, i), depth + 1) for i, v in enumerate(item))
        elif isinstance(item, _Quoted | _LongInt):
            raise SessionError(f"{path} must be a finite number, not {show(item)}")
        elif isinstance(item, Blob):
            raise SessionError(f"{path} is too long ({len(item):,} characters)")


# ------------------------------------------------------------------------------- arrays


def need_array(
    value: Any,
    where: str,
    ndim: int | None,
    *,
    integer: bool = False,
    max_size: int = MAX_ARRAY_SIZE,
) -> np.ndarray:
    """An ``ndim``-dimensional array (any ``ndim`` when None).

    Written as ``{"dtype", "shape", "base64"}`` (or ``"values"`` instead of ``"base64"``)
    or as a plain nested list.

    Returns float64, or int64 when ``integer`` (float values must then be whole numbers).
    Sizes are checked against ``max_size`` before anything is decoded.
    """
    if isinstance(value, list):
        arr = _array_from_list(value, where)
    elif isinstance(value, dict):
        arr = _array_from_object(value, where, max_size)
    else:
        raise SessionError(f"{where} must be an array, not {show(value)}")
    if arr.size > max_size:
        raise SessionError(f"{where} holds {arr.size:,} numbers; at most {max_size:,} are allowed")
    if ndim is not None and arr.ndim != ndim:
        raise SessionError(
            f"{where} must be a {ndim}-D array, not {arr.ndim}-D (shape {list(arr.shape)})"
        )
    return _as_integers(arr, where) if integer else arr.astype(np.float64, copy=False)


def _array_from_list(value: list, where: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        raise SessionError(f"{where} must be a (nested) list of numbers of equal lengths") from None
    if arr.dtype.kind not in "iuf":
        raise SessionError(f"{where} must be a (nested) list of numbers, not of {_kind_words(arr)}")
    return arr


def _kind_words(arr: np.ndarray) -> str:
    return {"b": "true/false", "U": "texts", "O": "mixed values"}.get(arr.dtype.kind, "values")


def _array_from_object(obj: dict, where: str, max_size: int) -> np.ndarray:
    has_values = "values" in obj
    need_keys(obj, where, ("dtype", "shape", "values" if has_values else "base64"))
    dtype = need_choice(obj["dtype"], at(where, "dtype"), ("<f8", "<i8"))
    shape = _shape(obj["shape"], at(where, "shape"), max_size)
    n = math.prod(shape)
    if has_values:
        arr = _array_from_list(obj["values"], at(where, "values"))
        if arr.size != n:
            raise SessionError(f"{where}: shape {list(shape)} needs {n:,} values, not {arr.size:,}")
        return arr.reshape(shape)
    text = obj["base64"]
    size = 4 * math.ceil(8 * n / 3)  # base64 characters for n 8-byte numbers
    if not isinstance(text, str | Blob) or len(text) != size:
        got = f"{len(text):,} characters" if isinstance(text, str | Blob) else show(text)
        raise SessionError(
            f"{at(where, 'base64')} must hold {n:,} numbers ({size:,} characters), not {got}"
        )
    return _decode_base64(text, n, dtype, at(where, "base64")).reshape(shape)


def _decode_base64(text: str | Blob, n: int, dtype: str, where: str) -> np.ndarray:
    """``n`` numbers from base64, decoded piece by piece into a new (writable) array.

    One 200 MB decode holds the GIL for about a second, freezing the GUI thread while a
    worker opens a session; pieces of 4 MB let it run between them.
    """
    out = np.empty(n, dtype=dtype)
    buf = out.view(np.uint8)
    pos = 0
    try:
        for piece in _pieces(text, _BASE64_PIECE):
            part = base64.b64decode(piece, validate=True)
            if pos + len(part) > buf.size:
                break
            buf[pos : pos + len(part)] = np.frombuffer(part, dtype=np.uint8)
            pos += len(part)
    except (binascii.Error, ValueError):
        pos = -1
    if pos != buf.size:
        raise SessionError(f"{where} is not valid base64 (the file is damaged)")
    return out


def _pieces(text: str | Blob, size: int) -> Iterator[str | memoryview]:
    if isinstance(text, Blob):
        yield from text.pieces(size)
    else:
        yield from (text[i : i + size] for i in range(0, len(text), size))


def _shape(value: Any, where: str, max_size: int) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > _MAX_DIMS:
        raise SessionError(
            f"{where} must be a list of at most {_MAX_DIMS} sizes, not {show(value)}"
        )
    shape = tuple(need_int(v, at(where, i), 0, max_size) for i, v in enumerate(value))
    if math.prod(shape) > max_size:
        raise SessionError(
            f"{where} claims {math.prod(shape):,} numbers; at most {max_size:,} are allowed"
        )
    return shape


def _as_integers(arr: np.ndarray, where: str) -> np.ndarray:
    flat = arr.ravel()
    if arr.dtype.kind == "i":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "u":
        whole = flat < 2**63
    else:
        whole = np.isfinite(flat) & (np.abs(flat) < 2.0**53)
        whole[whole] = flat[whole] == np.round(flat[whole])
    if not whole.all():
        i = int(np.flatnonzero(~whole)[0])
        raise SessionError(f"{where} must hold whole numbers, not {flat[i]!r} (position {i:,})")
    return arr.astype(np.int64)


def need_finite(arr: np.ndarray, where: str) -> None:
    """No NaN or infinity anywhere in ``arr``."""
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise SessionError(
            f"{where} holds {int(bad.sum()):,} NaN or infinite values "
            f"(the first at position {i:,}: {arr.ravel()[i]})"
        )
