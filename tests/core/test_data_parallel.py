"""The two-thread reader of large all-numeric files: same numbers, progress, cancel, fallback."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.data.parallel import MIN_BYTES
from nnlin_gui.core.data.read import LoadCancelled, ProgressThrottle
from nnlin_gui.core.data.tables import load_dataset, load_table


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(95_000, 10)), columns=[f"c{i}" for i in range(10)])
    path = tmp_path_factory.mktemp("big") / "big.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > MIN_BYTES  # large enough for the parallel path
    return path, frame


def test_same_numbers_as_pandas_with_progress(big_csv, monkeypatch):
    from nnlin_gui.core.data import parallel as data_parallel

    path, frame = big_csv
    used = []
    original = data_parallel.read_numeric_halves

    def spy(*args, **kwargs):
        used.append(original(*args, **kwargs))
        return used[-1]

    monkeypatch.setattr(data_parallel, "read_numeric_halves", spy)
    # Every 1 % step, not at most one per 50 ms: a fast machine reads this file in less
    # than 100 ms, and the test is about the steps, not the throttle.
    monkeypatch.setattr(ProgressThrottle.__init__, "__defaults__", (0.01, 0.0, time.monotonic))
    seen = []
    table = load_table(str(path), progress=seen.append)
    assert isinstance(used[0], np.ndarray)  # the two-thread path read it
    ds = table.to_dataset()
    expected = pd.read_csv(path).to_numpy()
    assert np.array_equal(ds.X, expected[:, :-1]) and np.array_equal(ds.y, expected[:, -1])
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 1.0


def test_cancel_stops_the_parallel_read(big_csv):
    path, _ = big_csv
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LoadCancelled):
        load_table(str(path), cancel=cancel)


def test_text_in_the_second_half_falls_back_to_the_careful_reader(tmp_path, big_csv):
    path, frame = big_csv
    lines = path.read_text().splitlines()
    lines[-10] = "?," + lines[-10].split(",", 1)[1]  # a missing-value mark late in the file
    odd = tmp_path / "odd.csv"
    odd.write_text("\n".join(lines) + "\n")
    ds = load_dataset(str(odd))
    assert ds.n_rows == len(frame) - 1 and ds.rows_dropped == 1
