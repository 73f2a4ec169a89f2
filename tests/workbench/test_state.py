"""The workbench without a display: loading, the rules for changing columns, layers and
settings (validated in full before anything changes), building, solving and the read-out."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.sources import choosable_columns, default_target, load_source
from nnlin_gui.workbench.state import Workbench, check_layers, dataset_for


def _load(source: str = "builtin:linear?n=200&noise=0.3&seed=1"):
    return load_source(source, lambda f: None, threading.Event())


def _bench(source: str = "builtin:linear?n=200&noise=0.3&seed=1") -> Workbench:
    wb = Workbench()
    table = _load(source)
    ds = dataset_for(table, default_target(table), None)
    wb.adopt_data(table, ds, None, None)
    wb.adopt_model(jobs.build_model(ds, wb.layers, wb.config))
    return wb


def test_a_loaded_table_builds_a_model_and_a_read_out():
    wb = _bench()
    assert wb.dataset.target_name == "y" and wb.dataset.feature_names == ("x1", "x2", "x3")
    assert wb.trainer.epoch == 0 and len(wb.curves) == 0
    res = wb.update_results()
    assert res.collapse.collapsible and res.max_diff is None  # no baseline yet


def test_solve_needs_the_baseline_then_lands_on_ols():
    wb = _bench()
    with pytest.raises(UserError, match="Cannot solve analytically"):
        wb.solve()
    names = wb.dataset.feature_names
    wb.baseline = jobs.baseline_job(wb.trainer.copy(), names, None, threading.Event())
    wb.solve()
    res = wb.update_results()
    assert wb.solved and res.max_diff < 1e-9


def test_choosing_a_feature_as_target_swaps_the_roles():
    wb = _bench()
    assert wb.columns_for_target("x2") == ("x1", "x3", "y")
    with pytest.raises(UserError, match="at least one feature"):
        wb.features_without_target(("y",))


def test_a_text_feature_can_become_the_target(flowers_csv):
    """Its inputs are one-hot levels; the roles swap by column ("no column named
    'species[versicolor]'" was the answer)."""
    wb = _bench(str(flowers_csv))
    assert wb.dataset.target_name == "sepal"
    assert "species[versicolor]" in wb.dataset.feature_names
    features = wb.columns_for_target("species")
    assert features == ("petal", "sepal")
    ds = dataset_for(wb.table, "species", features)
    assert ds.task == "multiclass" and ds.feature_names == ("petal", "sepal")


def test_bad_layers_are_refused_whole():
    with pytest.raises(UserError):
        check_layers((LayerSpec("dense", 4), LayerSpec("dense", 0)))


def test_settings_that_change_the_split_need_a_new_trainer():
    wb = _bench()
    from dataclasses import replace

    assert wb.config_restarts(replace(wb.config, seed=5))
    assert not wb.config_restarts(replace(wb.config, learning_rate=0.1, l2=0.01))


def test_a_job_works_on_a_copy_not_on_the_live_trainer():
    wb = _bench()
    before = wb.trainer.network.theta.copy()
    twin = wb.trainer.copy()
    twin.run(5, evaluate=False)
    assert np.array_equal(wb.trainer.network.theta, before) and wb.trainer.epoch == 0
    approx, metrics = jobs.evaluation_job(twin, None, threading.Event())
    assert approx is None and 0 < metrics["train_r2"] < 1


def test_an_evaluation_for_old_parameters_is_dropped():
    wb = _bench()
    key = wb.results_key
    wb.reset_weights()  # new parameters: the old evaluation no longer applies
    assert not wb.remember_evaluation(key, None, {"train_r2": 0.5})
    assert wb.remember_evaluation(wb.results_key, None, {"train_r2": 0.5})
    assert wb.cached_evaluation() == (None, {"train_r2": 0.5})


def test_set_weight_refuses_what_it_cannot_set_and_changes_nothing():
    wb = _bench()
    before = wb.trainer.network.theta.copy()
    with pytest.raises(UserError):
        wb.set_weight(0, 99, 0, 1.0)
    with pytest.raises(UserError):
        wb.set_weight(0, 0, 0, float("nan"))
    assert np.array_equal(wb.trainer.network.theta, before)
    wb.set_weight(0, 0, 0, 2.5)
    assert wb.trainer.network.layers[0].W[0, 0] == 2.5


def test_sources_list_the_numeric_columns_and_prefer_y():
    table = _load()
    assert choosable_columns(table) == ("x1", "x2", "x3", "y")
    assert default_target(table) == "y"


def test_a_damaged_session_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.nnlin"
    bad.write_text('{"format": "nnlin-session", "version": 1, "network": 7}')
    with pytest.raises(UserError) as err:
        jobs.session_job(str(bad), None, threading.Event())
    assert "\n" not in str(err.value) and "bad.nnlin" in str(err.value)


def test_a_text_label_column_can_be_the_target(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    labels = np.where(x + 0.3 * rng.normal(size=60) > 0, "spam", "ham")
    path = tmp_path / "mail.csv"
    path.write_text("x,label\n" + "".join(f"{a},{b}\n" for a, b in zip(x, labels, strict=True)))
    table = load_source(str(path), lambda f: None, threading.Event())
    assert choosable_columns(table) == ("x", "label")
    ds = dataset_for(table, "label", None)
    assert ds.task == "binary" and ds.feature_names == ("x",)
