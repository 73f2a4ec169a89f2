"""Undo and redo of the weights without a display: a run, Reset, Solve, a typed weight."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.sources import default_target, load_source
from nnlin_gui.workbench.state import Workbench, dataset_for
from nnlin_gui.workbench.undo import Current, WeightHistory, trainer_bytes


def _bench() -> Workbench:
    wb = Workbench()
    table = load_source("builtin:linear?n=200&noise=0.3&seed=1", lambda f: None, threading.Event())
    ds = dataset_for(table, default_target(table), None)
    wb.adopt_data(table, ds, None, None)
    wb.adopt_model(jobs.build_model(ds, wb.layers, wb.config))
    return wb


def _label(state) -> str | None:
    return None if state is None else state.label


def _train(wb: Workbench, epochs: int) -> None:
    wb.remember(f"training from epoch {wb.trainer.epoch}")  # what the controller does
    wb.trainer.run(epochs)


def test_reset_is_undone_and_redone_with_weights_history_and_optimizer():
    wb = _bench()
    _train(wb, 40)
    trained = wb.trainer.network.theta.copy()
    twin = wb.trainer.copy()
    losses = list(wb.trainer.history.train_loss)
    wb.reset_weights()
    assert wb.trainer.epoch == 0 and wb.weight_history.undo_label == "Reset"
    version = wb.param_version
    assert _label(wb.undo_weights()) == "Reset"
    assert wb.trainer.epoch == 40 and wb.param_version > version
    np.testing.assert_array_equal(wb.trainer.network.theta, trained)
    assert wb.trainer.history.train_loss == losses and len(wb.curves) > 0
    np.testing.assert_array_equal(wb.diagram.theta, trained)  # the views read it too
    # Training on from the undone state continues the same run: moments, RNG, steps.
    twin.run(10)
    wb.trainer.run(10)
    np.testing.assert_array_equal(wb.trainer.network.theta, twin.network.theta)
    assert wb.weight_history.redo_label == "Reset"
    assert _label(wb.redo_weights()) == "Reset" and wb.trainer.epoch == 0
    assert _label(wb.undo_weights()) == "Reset" and wb.trainer.epoch == 50  # as Redo found it


def test_undo_walks_back_through_runs_solve_and_edits():
    wb = _bench()
    names = wb.dataset.feature_names
    wb.baseline = jobs.baseline_job(wb.trainer.copy(), names, None, threading.Event())
    start = wb.trainer.network.theta.copy()
    _train(wb, 5)
    after_run = wb.trainer.network.theta.copy()
    wb.solve()
    assert wb.solved
    wb.set_weight(0, 0, 0, 7.5)
    assert _label(wb.undo_weights()) == "weight edit" and wb.solved
    assert _label(wb.undo_weights()) == "Solve analytically" and not wb.solved
    np.testing.assert_array_equal(wb.trainer.network.theta, after_run)
    assert _label(wb.undo_weights()) == "training from epoch 0"
    np.testing.assert_array_equal(wb.trainer.network.theta, start)
    assert wb.undo_weights() is None  # nothing older
    # A new change after an undo drops what Redo had.
    wb.reset_weights()
    assert wb.weight_history.redo_label is None


def test_a_refused_change_keeps_nothing_and_other_data_starts_afresh():
    wb = _bench()
    with pytest.raises(UserError):
        wb.solve()  # no baseline yet
    with pytest.raises(UserError):
        wb.set_weight(0, 99, 0, 1.0)
    assert wb.weight_history.undo_label is None
    _train(wb, 3)
    assert wb.weight_history.undo_label is not None
    table = load_source("builtin:sine?n=80", lambda f: None, threading.Event())
    ds = dataset_for(table, default_target(table), None)
    wb.adopt_data(table, ds, None, None)
    wb.adopt_model(jobs.build_model(ds, wb.layers, wb.config))
    assert wb.weight_history.undo_label is None  # copies of a network on other data


def test_a_new_network_on_the_same_data_is_undone_with_its_training():
    wb = _bench()
    _train(wb, 30)
    trained = wb.trainer.network.theta.copy()
    old_layers, old_model = wb.layers, wb.model
    wb.layers = (LayerSpec("dense", 3, "relu"),)  # what set_layers does before the rebuild
    wb.adopt_model(jobs.build_model(wb.dataset, wb.layers, wb.config))
    assert wb.weight_history.undo_label == "network change" and wb.trainer.epoch == 0
    _train(wb, 5)
    assert _label(wb.undo_weights()) == "training from epoch 0"
    state = wb.undo_weights()
    assert state.label == "network change" and state.model is old_model
    assert wb.layers == old_layers and wb.model is old_model and wb.trainer.epoch == 30
    np.testing.assert_array_equal(wb.trainer.network.theta, trained)
    assert wb.baseline is None  # the restored network's baseline is fitted again
    assert wb.undo_weights().label == "training from epoch 0"  # its own history is back
    assert wb.trainer.epoch == 0
    assert _label(wb.redo_weights()) == "training from epoch 0" and wb.trainer.epoch == 30
    assert _label(wb.redo_weights()) == "network change"
    assert wb.layers == (LayerSpec("dense", 3, "relu"),) and not wb.spec.is_linear


def test_copies_stay_within_their_byte_budget():
    wb = _bench()
    size = trainer_bytes(wb.trainer)
    history = WeightHistory(max_bytes=int(2.5 * size), max_steps=30)
    for k in range(5):
        assert history.record(f"change {k}", wb.trainer, False)
    assert history.undo_label == "change 4"
    kept = 0
    while history.undo(Current(wb.model, wb.layers, wb.config, False)) is not None:
        kept += 1
    assert kept == 2  # the newest ones
    tiny = WeightHistory(max_bytes=size // 2)
    assert not tiny.record("too big", wb.trainer, False) and tiny.undo_label is None
