"""Feature transforms and drawn points in the workbench, without a display."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.data.tables import load_table
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.statistics.regression import fit_polynomial
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.drawn import DrawnPoints, drawn_table, is_drawn, points_of, save_csv
from nnlin_gui.workbench.sources import default_target, load_source
from nnlin_gui.workbench.state import Workbench, dataset_for
from nnlin_gui.workbench.transforms import (
    FeatureTransforms,
    apply_transforms,
    base_features,
    check_transforms,
)

PLAYGROUND = FeatureTransforms(squares=("x1", "x2"), products=("x1", "x2"), sines=("x1", "x2"))


def _table(source: str):
    return load_source(source, lambda f: None, threading.Event())


def test_playground_transforms_add_named_columns():
    table = _table("builtin:circle?n=100&seed=1")
    ds = dataset_for(table, "label", None, None, PLAYGROUND)
    assert ds.feature_names == ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")
    x1, x2 = ds.X[:, 0], ds.X[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(ds.X, expected)
    assert base_features(ds, PLAYGROUND) == ("x1", "x2")


def test_transforms_are_checked_and_follow_the_features():
    with pytest.raises(UserError, match="not a feature"):
        check_transforms(FeatureTransforms(squares=("z",)), ("x1", "x2"))
    table = _table("builtin:linear?n=50&seed=1")
    spec = FeatureTransforms(squares=("x1", "x3"))
    ds = dataset_for(table, "y", ("x1", "x2"), None, spec)  # x3 is not a feature now
    assert ds.feature_names == ("x1", "x2", "x1²")
    with pytest.raises(UserError, match="already named"):
        apply_transforms(ds, FeatureTransforms(squares=("x1",)))  # x1² is there already
    huge = type(ds)(ds.X[:, :2] * 1e200, ds.y, ("x1", "x2"), "y")
    with pytest.raises(UserError, match="infinite"):
        apply_transforms(huge, FeatureTransforms(squares=("x1",)))


def test_identity_net_on_x_and_x_squared_is_the_degree_2_polynomial():
    table = _table("builtin:quadratic?n=200&noise=0.5&seed=3")
    spec = FeatureTransforms(squares=("x",))
    assert spec.is_polynomial(("x",))
    wb = Workbench()
    ds = dataset_for(table, default_target(table), None, None, spec)
    wb.adopt_data(table, ds, None, None, spec)
    wb.adopt_model(jobs.build_model(ds, wb.layers, wb.config))
    assert wb.trainer.spec.n_inputs == 2  # x and x² are the network's inputs
    wb.baseline = jobs.baseline_job(wb.trainer.copy(), ds.feature_names, None, threading.Event())
    wb.solve()
    res = wb.update_results()
    assert res.feature_names == ("x", "x²")
    W, b = res.collapse.coefficients()
    rows = wb.trainer.train_rows  # the baseline is fitted on the training rows
    poly = fit_polynomial(ds.X[rows, :1], ds.y[rows], 2, ["x"])
    assert poly.names == ("const", "x^1", "x^2")
    np.testing.assert_allclose([b[0], *W[0]], poly.params, rtol=1e-7, atol=1e-9)
    # The standard errors shown beside them are the polynomial regression's.
    np.testing.assert_allclose(wb.baseline.result.bse, poly.bse, rtol=1e-7)


def test_choosing_a_target_drops_transformed_columns_from_the_features():
    table = _table("builtin:linear?n=60&seed=1")
    spec = FeatureTransforms(squares=("x1",))
    wb = Workbench()
    ds = dataset_for(table, "y", None, None, spec)
    wb.adopt_data(table, ds, None, None, spec)
    assert wb.columns_for_target("x2") == ("x1", "x3", "y")


def test_drawn_points_become_a_table_and_a_csv(tmp_path):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [-1.0, 2.0], [0.5, -1.0]])
    points = DrawnPoints(X, np.array([0, 1, 1, 0, 1]), ("x1", "x2"), "label", True)
    table = drawn_table(points)
    assert is_drawn(table)
    ds = dataset_for(table, "label", ("x1", "x2"), "classification")
    assert ds.task == "binary" and ds.n_rows == 5
    np.testing.assert_array_equal(ds.X, X)
    path = save_csv(table, str(tmp_path / "drawn"))
    assert path.endswith("drawn.csv")
    again = load_table(path).frame
    pd.testing.assert_frame_equal(again, table.frame, check_dtype=False)
    with pytest.raises(UserError, match="two classes"):
        drawn_table(DrawnPoints(X, np.zeros(5), ("x1", "x2"), "label", True))
    with pytest.raises(UserError, match="at least 4"):
        drawn_table(DrawnPoints(X[:2], np.array([0, 1]), ("x1", "x2"), "label", True))


NONE = FeatureTransforms()


def test_drawn_points_keep_their_class_names(tmp_path):
    ds = dataset_for(_table("builtin:multinomial?n=60&seed=1"), "class", None, None, NONE)
    points = points_of(ds)
    assert points.class_labels == ("A", "B", "C")
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [-1.0, 2.0], [0.5, -1.0]])
    drawn = replace(points, X=X, y=np.array([0.0, 2.0, 2.0, 0.0, 1.0]))
    table = drawn_table(drawn)
    assert list(table.frame["class"]) == ["A", "C", "C", "A", "B"]
    assert table.summary.default_target == "class"
    again = dataset_for(table, "class", ("x1", "x2"), "classification", NONE)
    assert again.task == "multiclass" and tuple(again.class_labels) == ("A", "B", "C")
    np.testing.assert_array_equal(again.y, drawn.y)
    # Two of the three classes drawn: a binary target named A and C.
    two = drawn_table(replace(drawn, y=np.array([0.0, 2.0, 2.0, 0.0, 2.0])))
    assert dataset_for(two, "class", ("x1", "x2"), "classification", NONE).class_labels == (
        "A",
        "C",
    )


def test_the_columns_job_applies_transforms_and_the_fit_view_stays_a_map():
    table = _table("builtin:xor?n=80&seed=2")
    spec = FeatureTransforms(products=("x1", "x2"))
    wb = Workbench()
    opened = jobs.columns_job(
        table, "label", None, None, wb.layers, wb.config, None, threading.Event(),
        transforms=spec,
    )  # fmt: skip
    assert opened.transforms == spec and opened.dataset.feature_names[-1] == "x1·x2"
    wb.adopt_data(opened.table, opened.dataset, None, None, opened.transforms)
    wb.adopt_model(opened.model)
    assert wb.fit.mode == "heatmap"  # over x1, x2, with x1·x2 computed at every probe row
    probe = wb.fit.probe.X
    np.testing.assert_allclose(probe[:, 2], probe[:, 0] * probe[:, 1])
