"""Random bytes and random CSV-like text: the loader raises DataError or succeeds, nothing else.

No warning may leak either: every example runs with warnings turned into errors.
"""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlin_gui.core.data.tables import DataError, load_table

_CELLS = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        ["", "NA", "?", "abc", '"1,5"', '"x,y"', "1,5", "1.234,5", "2020-01-02", " ", '"',
         "\t", "-", "é", "1e400", "TRUE", "0x1F", "1_000", "nan", "-0", ",", ";", "١٢٣", "1,234.5"]
    ),
    st.text(max_size=6),
)  # fmt: skip


@st.composite
def csv_like(draw) -> bytes:
    sep = draw(st.sampled_from([",", ";", "\t", "|", " ", "  "]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(_CELLS, max_size=6), max_size=15))
    text = newline.join(sep.join(row) for row in rows)
    if draw(st.booleans()):
        text += newline
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@st.composite
def numeric_csv(draw) -> bytes:
    """Mostly well-formed numeric tables, so the success path is exercised too."""
    k = draw(st.integers(1, 5))
    n = draw(st.integers(0, 12))
    cells = st.one_of(st.floats(-1e6, 1e6).map(lambda v: f"{v:.6g}"), st.just(""), st.just("NA"))
    rows = [",".join(f"c{j}" for j in range(k))]
    rows += [",".join(draw(st.lists(cells, min_size=k, max_size=k))) for _ in range(n)]
    return "\n".join(rows).encode()


def _check(tmp_path, data: bytes, missing: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            table = load_table(str(path), missing=missing)
            assert table.summary.describe()
            ds = table.to_dataset()
        except DataError as exc:
            assert str(exc) and "\n" not in str(exc).strip()
            return
    assert ds.X.shape[0] == ds.y.shape[0] >= 2
    assert np.isfinite(ds.X).all() and np.isfinite(ds.y).all()


_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_SETTINGS
@given(data=st.binary(max_size=400), missing=st.sampled_from(["drop", "mean"]))
def test_random_bytes_only_raise_data_error(tmp_path, data, missing):
    _check(tmp_path, data, missing)


@_SETTINGS
@given(data=csv_like(), missing=st.sampled_from(["drop", "mean"]))
def test_random_csv_like_text_only_raises_data_error(tmp_path, data, missing):
    _check(tmp_path, data, missing)


@_SETTINGS
@given(data=numeric_csv(), missing=st.sampled_from(["drop", "mean"]))
def test_random_numeric_tables_only_raise_data_error(tmp_path, data, missing):
    _check(tmp_path, data, missing)
