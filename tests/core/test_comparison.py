"""The collapse comparison table, its headline and CSV export."""

import csv
import io

import numpy as np
import pytest

from nnlin_gui.core.networks.network import NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.comparison import compare, to_csv
from nnlin_gui.core.statistics.regression import fit_ols


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = 1.0 + 2.0 * X[:, 0] - 3.0 * X[:, 1] + 0.3 * rng.normal(size=200)
    return X, y


def test_trained_linear_network_has_collapsed_with_ols_inference(data):
    X, y = data
    cfg = TrainingConfig(optimizer="sgd", learning_rate=0.05, epochs=2000, batch_size=0)
    trainer = Trainer(NetworkSpec.mlp(2, [8, 8]), X, y, cfg)
    trainer.run()
    cmp = compare(trainer, ["a", "b"])
    assert cmp.collapsible and cmp.baseline_kind == "ols"
    assert cmp.max_abs_diff < 1e-6
    assert cmp.headline.startswith("the network has collapsed to linear regression (OLS)")
    ols = fit_ols(X[trainer.train_rows], y[trainer.train_rows], ["a", "b"])
    assert [r.name for r in cmp.rows] == ["const", "a", "b"]
    for row, coef, se, p in zip(cmp.rows, ols.params, ols.bse, ols.pvalues, strict=True):
        assert row.baseline == pytest.approx(coef, rel=1e-12)
        assert row.se == pytest.approx(se, rel=1e-12) and row.p == pytest.approx(p, rel=1e-9)
        assert row.ci_low < row.baseline < row.ci_high


def test_untrained_network_is_still_on_its_way(data):
    X, y = data
    trainer = Trainer(NetworkSpec.mlp(2, [4]), X, y, TrainingConfig())
    cmp = compare(trainer, ["a", "b"])
    assert "still on its way" in cmp.headline and cmp.max_abs_diff > 0.1


def test_nonlinear_network_compares_its_affine_approximation(data):
    X, y = data
    trainer = Trainer(NetworkSpec.mlp(2, [8], "relu"), X, y, TrainingConfig(epochs=50))
    trainer.run()
    cmp = compare(trainer, ["a", "b"])
    assert not cmp.collapsible and cmp.approximation is not None
    assert cmp.headline.startswith("cannot collapse: layer 1 uses relu; the best affine map")
    assert 0.9 < cmp.approximation.r2 <= 1.0


def test_csv_export_round_trips(data):
    X, y = data
    trainer = Trainer(NetworkSpec.mlp(2, [3]), X, y, TrainingConfig(test_fraction=0.0))
    cmp = compare(trainer, ["a", "b"])
    rows = list(csv.reader(io.StringIO(to_csv(cmp))))
    assert rows[0][:3] == ["term", "network", "ols"]
    assert [r[0] for r in rows[1:]] == ["const", "a", "b"]
    assert float(rows[2][1]) == cmp.rows[1].network
