"""The logistic page's job without Qt: a binary target's page, a multi-class target's one
line, cancelling, and the inputs' key."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.errors import DataError
from nnlin_gui.workbench.logistic_jobs import LogisticInputs, logistic_page_job

MTCARS = Path(__file__).resolve().parents[1] / "data" / "r" / "mtcars.csv"


def _inputs(target: str, features: list[str], rows=None, labels=()) -> LogisticInputs:
    frame = pd.read_csv(MTCARS)
    X, y = frame[features].to_numpy(float), frame[target].to_numpy(float)
    rows = np.arange(len(y)) if rows is None else np.asarray(rows)
    return LogisticInputs.of(X, y, rows, features, target, labels)


def test_binary_page_on_the_training_rows():
    rows = np.arange(2, 32)  # a subset: the page is about the rows it is given
    page = logistic_page_job(
        _inputs("am", ["wt", "hp"], rows, ("automatic", "manual")),
        lambda f: None,
        threading.Event(),
    )
    diag = page.diagnostics
    assert page.note == "" and page.n_rows == 30 and diag.fit.nobs == 30
    assert sum(diag.confusion) == 30
    np.testing.assert_array_equal(page.rows, rows)
    np.testing.assert_array_equal(page.y, pd.read_csv(MTCARS)["am"].to_numpy(float)[rows])
    assert page.label(1) == "1 (manual)"
    assert not page.rows.flags.writeable  # read-only views of the caller's arrays


def test_multiclass_gets_one_line():
    inputs = _inputs("gear", ["wt"])
    inputs = LogisticInputs.of(inputs.X, inputs.y - 3, inputs.rows, ["wt"], "gear")
    page = logistic_page_job(inputs, lambda f: None, threading.Event())
    assert page.diagnostics is None
    assert "3 classes" in page.note and "two-class" in page.note and "\n" not in page.note
    assert "0/1" not in page.note  # labelled classes (yes/no) qualify too


def test_cancelled_returns_none_and_separable_raises():
    cancel = threading.Event()
    cancel.set()
    assert logistic_page_job(_inputs("am", ["wt", "hp"]), lambda f: None, cancel) is None
    frame = pd.read_csv(MTCARS)
    features = [c for c in frame.columns if c != "am"]
    with pytest.raises(DataError, match="separable"):
        logistic_page_job(_inputs("am", features), lambda f: None, threading.Event())


def test_key_follows_the_rows_not_the_network():
    a = _inputs("am", ["wt", "hp"])
    assert a.key() == LogisticInputs.of(a.X, a.y, a.rows, a.names, a.target).key()
    assert a.key() != LogisticInputs.of(a.X, a.y, a.rows[:-1], a.names, a.target).key()


def test_big_data_draws_a_bounded_set_of_points():
    from nnlin_gui.workbench.logistic_jobs import MAX_CURVE, MAX_POINTS

    rng = np.random.default_rng(1)
    n = 20_000
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ [1.0, -0.5]))).astype(float)
    inputs = LogisticInputs.of(X, y, np.arange(n), ["a", "b"], "y")
    page = logistic_page_job(inputs, lambda f: None, threading.Event())
    diag = page.diagnostics
    assert len(page.roc_points) <= MAX_CURVE + 1
    assert page.roc_points[0] == 0 and page.roc_points[-1] == len(diag.roc.fpr) - 1
    shown = page.influence_points
    assert len(shown) <= 2 * MAX_POINTS and np.all(np.diff(shown) > 0)
    # every flagged row listed is drawn, the largest Cook's distance among them
    assert set(diag.influence.flagged.tolist()) <= set(shown.tolist())
    assert np.nanmax(diag.influence.cooks_distance) == diag.influence.cooks_distance[shown].max()
