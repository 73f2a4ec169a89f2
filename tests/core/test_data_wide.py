"""The line-at-a-time reader of very wide all-numeric files: the same table as pandas would
read, progress and cancel, and pandas for anything it is not sure of."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.data import read as data_read
from nnlin_gui.core.data import wide
from nnlin_gui.core.data.read import LoadCancelled, ProgressThrottle
from nnlin_gui.core.data.tables import load_table

COLUMNS = wide.WIDE_COLUMNS + 200


def write_wide(path, rows: int = 40, seed: int = 3, edit=None) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, COLUMNS)) * 10.0 ** rng.integers(-3, 4, size=COLUMNS)
    lines = [",".join(f"x{i}" for i in range(COLUMNS - 1)) + ",y"]
    lines += [",".join(repr(float(v)) for v in row) for row in values]
    if edit is not None:
        edit(lines)
    path.write_text("\n".join(lines) + "\n")


def read_both(path, monkeypatch):
    """(table read by the line reader, table read by pandas, whether the line reader's
    values were used)."""
    used = []
    original = data_read.read_wide_numeric

    def spy(*args, **kwargs):
        used.append(original(*args, **kwargs))
        return used[-1]

    monkeypatch.setattr(data_read, "read_wide_numeric", spy)
    fast = load_table(str(path))
    monkeypatch.setattr(data_read, "wide_applies", lambda fmt: False)
    careful = load_table(str(path))
    return fast, careful, bool(used) and isinstance(used[0], np.ndarray)


def test_same_table_as_pandas(tmp_path, monkeypatch):
    path = tmp_path / "wide.csv"
    write_wide(path)
    fast, careful, used = read_both(path, monkeypatch)
    assert used
    pd.testing.assert_frame_equal(fast.frame, careful.frame)
    # Shortest round-trip text parses back to the very same doubles.
    rng = np.random.default_rng(3)
    expected = rng.normal(size=(40, COLUMNS)) * 10.0 ** rng.integers(-3, 4, size=COLUMNS)
    assert np.array_equal(fast.frame.to_numpy(), expected)


def test_blank_lines_keep_the_row_to_line_numbering(tmp_path, monkeypatch):
    def add_blanks(lines):
        lines.insert(5, "")
        lines.insert(9, "")

    path = tmp_path / "blanks.csv"
    write_wide(path, edit=add_blanks)
    fast, careful, used = read_both(path, monkeypatch)
    assert used
    pd.testing.assert_frame_equal(fast.frame, careful.frame)
    assert len(fast.frame) == 40 and 4 not in fast.frame.index  # line 6 was blank


def test_a_line_of_spaces_is_read_by_pandas(tmp_path, monkeypatch):
    path = tmp_path / "spaces.csv"
    write_wide(path, edit=lambda lines: lines.insert(7, "   "))
    fast, careful, used = read_both(path, monkeypatch)
    assert not used
    pd.testing.assert_frame_equal(fast.frame, careful.frame)


@pytest.mark.parametrize(
    "damage",
    [
        lambda line: "NA," + line.split(",", 1)[1],  # a missing-value mark
        lambda line: "," + line.split(",", 1)[1],  # an empty field
        lambda line: '"1.5",' + line.split(",", 1)[1],  # a quoted number
        lambda line: line.rsplit(",", 1)[0],  # a field short
        lambda line: "?," + line.split(",", 1)[1],  # text found beyond the sample
    ],
    ids=["NA", "empty", "quoted", "short", "question-mark"],
)
def test_anything_unusual_is_read_by_pandas(tmp_path, monkeypatch, damage):
    def spoil(lines):
        lines[-3] = damage(lines[-3])  # past the sniffer's sample

    path = tmp_path / "odd.csv"
    write_wide(path, rows=400, edit=spoil)
    fast, careful, used = read_both(path, monkeypatch)
    assert not used
    pd.testing.assert_frame_equal(fast.frame, careful.frame)


def test_narrow_and_decimal_comma_files_are_not_for_it(tmp_path):
    from nnlin_gui.core.data.sniff import sniff_format

    narrow = sniff_format("n.csv", b"a,b\n1,2\n3,4\n", True)
    assert narrow.all_numeric and not wide.applies(narrow)
    header = ";".join(f"c{i}" for i in range(COLUMNS)).encode()
    row = ";".join("1,5" for _ in range(COLUMNS)).encode()
    comma = sniff_format("c.csv", header + b"\n" + row + b"\n" + row + b"\n", True)
    assert comma.decimal == "," and not wide.applies(comma)


def test_progress_and_cancel(tmp_path, monkeypatch):
    path = tmp_path / "wide.csv"
    write_wide(path, rows=60)
    monkeypatch.setattr(ProgressThrottle.__init__, "__defaults__", (0.01, 0.0, time.monotonic))
    seen = []
    load_table(str(path), progress=seen.append)
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == 1.0
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LoadCancelled):
        load_table(str(path), cancel=cancel)
