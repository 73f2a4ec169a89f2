"""The regions jobs of the window, without a display: partition, counts, cancel, refusal."""

from __future__ import annotations

import threading

import numpy as np

from nnlin_gui.core.networks import regions as R
from nnlin_gui.core.networks.network import NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.workbench.regions_jobs import (
    count_training_regions,
    region_count_job,
    regions_job,
)


def _trainer(k: int, activation: str = "relu", epochs: int = 20) -> Trainer:
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(400, k))
    y = np.abs(X).sum(axis=1)
    spec = NetworkSpec.mlp(k, [8, 8], activation)
    trainer = Trainer(spec, X, y, TrainingConfig(epochs=epochs, batch_size=0, seed=2))
    trainer.run()
    return trainer


def _job(trainer: Trainer, box=None, cancel: threading.Event | None = None):
    seen: list[float] = []
    view = regions_job(trainer.copy(), box, seen.append, cancel or threading.Event())
    return view, seen


def test_two_features_give_polygons_and_counts():
    trainer = _trainer(2)
    view, seen = _job(trainer)
    assert view.exact and view.epoch == trainer.epoch and view.output == "value"
    part = view.partition
    assert isinstance(part, R.Partition2D)
    assert view.n_cells == len(part) > 1
    np.testing.assert_allclose(view.box, R.default_box(trainer.X))
    train_X = trainer.X[trainer.train_rows]
    assert view.n_regions_train == R.count_regions(trainer.network, trainer.scaling, train_X)
    assert view.n_regions_train == count_training_regions(trainer)
    assert view.cell_rows.sum() == len(train_X)  # every training row is in some polygon
    assert seen[-1] == 1.0


def test_one_feature_gives_segments_in_the_asked_box():
    trainer = _trainer(1)
    view, _ = _job(trainer, box=[-1.0, 7.0])
    assert isinstance(view.partition, R.Partition1D)
    assert view.partition.lo[0] == -1.0 and view.partition.hi[-1] == 7.0
    assert len(view.partition.breakpoints) == view.n_cells - 1


def test_more_features_count_without_a_partition():
    trainer = _trainer(3)
    view, _ = _job(trainer)
    assert view.exact and view.partition is None and view.box is None
    assert view.n_regions_train == count_training_regions(trainer) > 1
    assert region_count_job(trainer, 50, lambda f: None, threading.Event())[0] == trainer.epoch
    assert count_training_regions(trainer, max_rows=50) <= 50


def test_smooth_networks_get_a_reason_not_regions():
    trainer = _trainer(2, "tanh", epochs=2)
    view, _ = _job(trainer)
    assert not view.exact and view.partition is None
    assert "exact only for ReLU" in view.reason
    assert count_training_regions(trainer) is None


def test_a_cancelled_job_returns_none():
    cancel = threading.Event()
    cancel.set()
    view, _ = _job(_trainer(2, epochs=1), cancel=cancel)
    assert view is None
