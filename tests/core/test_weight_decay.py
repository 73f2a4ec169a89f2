"""Weight decay on a deep linear network: the program's baseline is where training ends
(a point on the ridge path, not ridge), Solve lands on a stationary point of the training
loss, one weight matrix is ridge, and L >= 3 keeps the global minimum."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.errors import CollapseError, SpecError
from nnlin_gui.core.networks.collapse import balanced_factors, solve_balanced
from nnlin_gui.core.networks.network import LayerSpec, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.comparison import compare
from nnlin_gui.core.statistics.fitting import (
    baseline_for,
    build_spec,
    fit_report,
    solve_to_baseline,
)
from nnlin_gui.core.statistics.regression import fit_ridge
from nnlin_gui.core.statistics.weight_decay import collapsed_penalty, fit_weight_decay

SGD = {"optimizer": "sgd", "learning_rate": 0.05, "batch_size": 0}


@pytest.fixture(scope="module")
def linear():
    return load_dataset("builtin:linear")


@pytest.fixture(scope="module")
def skewed():
    """Four features on very different scales, a noisy linear target."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 4)) * [1, 10, 0.1, 3] + [0, 5, -2, 1]
    y = X @ [0.5, -0.05, 4, 0.2] + 3 + rng.normal(size=150)
    return X, y


def _diff(col, base) -> float:
    return float(np.abs(np.r_[col.b - base.b, (col.W - base.W).ravel()]).max())


def _ridge_original(trainer: Trainer, mu: float) -> tuple[np.ndarray, np.ndarray]:
    res = fit_ridge(trainer.Xtrain, trainer.Ytrain[:, 0], mu)
    return trainer.scaling.affine_to_original(res.coef[None, :], np.array([res.intercept]))


def _full_gradient(trainer: Trainer) -> np.ndarray:
    """Gradient of the training loss (mean error + L2 on the weights) on the train rows."""
    net, lam = trainer.network, trainer.config.l2
    out = net.forward(trainer.Xtrain, train=True)
    _, d_out = trainer.loss.value_and_grad(out, trainer.Ytrain)
    grad = net.backward(d_out).copy()
    return grad + 2.0 * lam * net.theta * net.weight_mask


# ------------------------------------------------------------- (a) training ends there


@pytest.mark.parametrize("hidden", [[8], [8, 8]])
def test_trained_deep_net_ends_on_the_weight_decay_baseline_not_ridge(linear, hidden):
    cfg = TrainingConfig(l2=0.02, epochs=5000, **SGD)
    trainer = Trainer(build_spec(linear, hidden), linear.X, linear.y, cfg)
    trainer.run(evaluate=False)
    base = baseline_for(trainer, linear.feature_names)
    col = trainer.collapse()
    assert base.kind == "weight_decay" and base.n_matrices == len(hidden) + 1
    assert _diff(col, base) < 1e-5
    # Ridge with mu = lambda is measurably elsewhere: that was the old, wrong baseline.
    W_r, b_r = _ridge_original(trainer, 0.02)
    assert np.abs(np.r_[col.b - b_r, (col.W - W_r).ravel()]).max() > 1e-3
    # The stated mu is the fixed point mu = lambda ||W_z||^(2/L - 2) of the trained net.
    L = len(hidden) + 1
    assert base.mu == pytest.approx(0.02 * np.linalg.norm(col.W_std) ** (2 / L - 2), rel=1e-6)
    cmp = compare(trainer, linear.feature_names)
    assert cmp.headline.startswith("the network has collapsed to the weight-decay fit")
    assert "not ridge" in cmp.headline and cmp.baseline_kind == "weight_decay"
    assert f"weight decay on {L} weight matrices = penalty" in cmp.baseline_note
    assert "a point on the ridge path" in cmp.baseline_note


@pytest.mark.parametrize("hidden", [[5], [1], [6, 3], [4, 4, 4], [3, 2, 4, 5]])
@pytest.mark.parametrize("lam", [0.01, 0.1])
def test_any_depth_width_and_scale_ends_where_the_program_says(skewed, hidden, lam):
    X, y = skewed
    cfg = TrainingConfig(l2=lam, epochs=10000, **SGD)
    trainer = Trainer(NetworkSpec.mlp(4, hidden), X, y, cfg)
    trainer.run(evaluate=False)
    base = baseline_for(trainer, ["a", "b", "c", "d"])
    assert _diff(trainer.collapse(), base) < 1e-8


@pytest.mark.parametrize("hidden", [[8], [4, 4]])
def test_logistic_head_ends_on_the_penalised_logistic_path(hidden):
    ds = load_dataset("builtin:logistic?n=200&seed=0")
    cfg = TrainingConfig(l2=0.02, epochs=3000, optimizer="sgd", learning_rate=0.5, batch_size=0)
    trainer = Trainer(build_spec(ds, hidden), ds.X, ds.y, cfg)
    trainer.run(evaluate=False)
    base = baseline_for(trainer, ds.feature_names)
    assert base.kind == "logistic_weight_decay" and base.mu < 0.02
    assert _diff(trainer.collapse(), base) < 1e-8


def test_penalty_too_strong_for_two_matrices_gives_zero(skewed):
    X, y = skewed
    trainer = Trainer(NetworkSpec.mlp(4, [3]), X, y, TrainingConfig(l2=2.0, epochs=3000, **SGD))
    trainer.run(evaluate=False)
    base = baseline_for(trainer, list("abcd"))
    assert base.mu is None and not base.W.any() and "W_z = 0" in base.title
    assert _diff(trainer.collapse(), base) < 1e-6


# ------------------------------------------------------------- (b) Solve is stationary


@pytest.mark.parametrize("hidden", [[8], [8, 8], [1], [3, 7, 2]])
def test_solve_lands_on_a_stationary_point_of_the_training_loss(linear, hidden):
    cfg = TrainingConfig(l2=0.02, epochs=2000, **SGD)
    trainer = Trainer(build_spec(linear, hidden), linear.X, linear.y, cfg)
    base = baseline_for(trainer, linear.feature_names)
    solve_to_baseline(trainer, base)
    assert _diff(trainer.collapse(), base) < 1e-12
    assert np.abs(_full_gradient(trainer)).max() < 1e-12
    # Every factor carries the same Frobenius norm (balanced).
    norms = [np.linalg.norm(layer.W) for layer in trainer.network.layers]
    assert np.allclose(norms, norms[0], rtol=1e-12)
    # Training from there barely moves; from the old min-norm solve it does move.
    before = trainer.network.theta.copy()
    trainer.run(evaluate=False)
    assert np.abs(trainer.network.theta - before).max() < 1e-10
    assert _diff(trainer.collapse(), base) < 1e-10
    trainer.reset()
    trainer.solve((base.W, base.b))
    assert np.abs(_full_gradient(trainer)).max() > 1e-4


def test_solve_logistic_weight_decay_is_stationary():
    ds = load_dataset("builtin:logistic?n=200&seed=0")
    trainer = Trainer(build_spec(ds, [4, 4]), ds.X, ds.y, TrainingConfig(l2=0.02))
    solve_to_baseline(trainer, baseline_for(trainer, ds.feature_names))
    assert np.abs(_full_gradient(trainer)).max() < 1e-10


def test_balanced_factors_multiply_back_with_equal_norms():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 5))
    factors = balanced_factors(A, [4, 6, 3])
    prod = factors[0]
    for F in factors[1:]:
        prod = F @ prod
    np.testing.assert_allclose(prod, A, atol=1e-12)
    total = sum(float(np.sum(F**2)) for F in factors)
    assert total == pytest.approx(collapsed_penalty(A, 1.0, 4), rel=1e-12)
    with pytest.raises(CollapseError, match="width 2 cannot carry a map of rank 3"):
        balanced_factors(A, [4, 2])
    assert not any(F.any() for F in balanced_factors(np.zeros((1, 3)), [2, 2]))


def test_balanced_solve_needs_a_dense_chain():
    from nnlin_gui.core.networks.network import Network

    net = Network(NetworkSpec(3, (LayerSpec("residual"), LayerSpec("dense", 2))))
    with pytest.raises(CollapseError, match="plain chain of dense layers"):
        solve_balanced(net, np.ones((1, 3)), np.zeros(1))


# ------------------------------------------------------------- (c) one matrix is ridge


def test_one_weight_matrix_is_ridge(skewed):
    X, y = skewed
    Xs = (X - X.mean(0)) / X.std(0)
    for lam in (0.003, 0.1, 5.0):
        fit = fit_weight_decay(Xs, y, lam, 1)
        ridge = fit_ridge(Xs, y, lam)
        assert fit.mu == lam
        np.testing.assert_allclose(fit.coef, ridge.coef, rtol=1e-10, atol=1e-12)
        assert fit.intercept == pytest.approx(ridge.intercept, rel=1e-12)
    trainer = Trainer(NetworkSpec.mlp(4, []), X, y, TrainingConfig(l2=0.1))
    base = baseline_for(trainer, list("abcd"))
    assert base.kind == "ridge" and base.mu == 0.1 and base.title == "ridge regression"


def test_weight_decay_point_is_ridge_at_its_mu(skewed):
    X, y = skewed
    Xs = (X - X.mean(0)) / X.std(0)
    ys = (y - y.mean()) / y.std()
    for L in (2, 3, 5):
        fit = fit_weight_decay(Xs, ys, 0.05, L)
        ridge = fit_ridge(Xs, ys, fit.mu)
        np.testing.assert_allclose(fit.coef, ridge.coef, rtol=1e-9, atol=1e-12)
        s = np.linalg.norm(fit.coef)
        assert fit.mu == pytest.approx(0.05 * s ** (2 / L - 2), rel=1e-9)
        # Stationary for the collapsed objective mean error + lambda L ||w||^(2/L).
        grad = -2 * Xs.T @ (ys - Xs @ fit.coef - fit.intercept) / len(ys)
        grad += 2 * 0.05 * s ** (2 / L - 2) * fit.coef
        assert np.abs(grad).max() < 1e-10


# ------------------------------------------------------------- (d) L >= 3: global minimum


def _brute_1d(x: np.ndarray, y: np.ndarray, lam: float, L: int) -> tuple[float, float]:
    """min over w of mean((y - ybar - w (x - xbar))^2) + lam L |w|^(2/L), by a fine grid
    refined locally, with w = 0 as a candidate."""
    xc, yc = x - x.mean(), y - y.mean()

    def f(w: float) -> float:
        return float(np.mean((yc - w * xc) ** 2) + lam * L * abs(w) ** (2 / L))

    top = 2 * abs(float(xc @ yc / (xc @ xc))) + 1
    grid = np.linspace(-top, top, 40001)
    # mean((yc - w xc)^2) as a quadratic in w, for the whole grid at once
    values = (yc @ yc - 2 * grid * (xc @ yc) + grid**2 * (xc @ xc)) / len(xc)
    values += lam * L * np.abs(grid) ** (2 / L)
    i = int(np.argmin(values))
    step = grid[1] - grid[0]
    res = minimize_scalar(f, bounds=(grid[i] - step, grid[i] + step), method="bounded",
                          options={"xatol": 1e-12})  # fmt: skip
    best = min((res.fun, res.x), (f(0.0), 0.0))
    return best[1], best[0]


@pytest.mark.parametrize("L", [3, 4, 6])
def test_deep_chains_keep_the_global_minimum(L):
    rng = np.random.default_rng(L)
    x = rng.normal(size=80)
    y = 0.35 * x + rng.normal(size=80)
    lams = np.geomspace(0.005, 0.5, 25)
    zero_won = nonzero_won = 0
    for lam in lams:
        fit = fit_weight_decay(x[:, None], y, float(lam), L)
        w_best, f_best = _brute_1d(x, y, float(lam), L)
        assert fit.objective <= f_best + 1e-9, (lam, fit.objective, f_best)
        if abs(fit.objective - (fit.zero_objective)) > 1e-6:
            assert fit.coef[0] == pytest.approx(w_best, abs=1e-4)
        zero_won += fit.is_zero
        nonzero_won += not fit.is_zero
        if not fit.is_zero:
            # zero stays a local minimum: it is listed with its (higher) objective
            assert any(np.isinf(mu) for mu, _ in fit.other_minima)
    assert zero_won and nonzero_won  # the range crosses from one global minimum to the other


def test_two_features_deep_chain_against_a_polar_grid():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 2))
    y = X @ [0.3, -0.2] + rng.normal(size=60)
    Xc, yc = X - X.mean(0), y - y.mean()
    for lam, L in ((0.02, 3), (0.05, 3), (0.01, 5)):
        fit = fit_weight_decay(X, y, lam, L)
        angles = np.linspace(0, 2 * np.pi, 721)
        radii = np.linspace(0, 1.5, 1501)
        W = np.stack([np.outer(radii, np.cos(angles)), np.outer(radii, np.sin(angles))], -1)
        C, r = Xc.T @ Xc / len(yc), Xc.T @ yc / len(yc)
        err = yc @ yc / len(yc) - 2 * W @ r + np.einsum("rai,ij,raj->ra", W, C, W)
        obj = err + lam * L * radii[:, None] ** (2 / L)
        assert fit.objective <= obj.min() + 1e-9
        assert fit.objective == pytest.approx(obj.min(), abs=1e-4)


def test_two_matrices_zero_exactly_when_the_gradient_is_within_2_lambda(skewed):
    X, y = skewed
    Xs = (X - X.mean(0)) / X.std(0)
    g = np.linalg.norm(2 * Xs.T @ (y - y.mean()) / len(y))
    assert fit_weight_decay(Xs, y, 0.5 * g * 1.001, 2).is_zero
    assert not fit_weight_decay(Xs, y, 0.5 * g * 0.999, 2).is_zero


# ------------------------------------------------------------- no closed form: say so


@pytest.mark.parametrize(
    "layers,config,message",
    [
        ([LayerSpec("dense", 4)], {"l1": 0.01}, "not lasso, and not OLS"),
        ([], {"l1": 0.01}, "lasso on W_z"),
        ([LayerSpec("residual"), LayerSpec("dense", 3)], {"l2": 0.01}, "it is not ridge"),
        ([LayerSpec("conv1d", 2)], {"l2": 0.01}, "it is not ridge"),
    ],
)
def test_no_closed_form_is_stated_not_faked(skewed, layers, config, message):
    X, y = skewed
    trainer = Trainer(NetworkSpec(4, tuple(layers)), X, y, TrainingConfig(**config))
    with pytest.raises(SpecError, match=message):
        baseline_for(trainer, list("abcd"))


def test_softmax_with_l2_names_the_schatten_penalty(skewed):
    X, _ = skewed
    classes = (X[:, 0] > 0).astype(float) + (X[:, 2] > -2)
    spec = NetworkSpec(4, (LayerSpec("dense", 4),), 3, "softmax")
    trainer = Trainer(spec, X, classes, TrainingConfig(l2=0.01))
    with pytest.raises(SpecError, match="Schatten quasi-norm\\), not ridge"):
        baseline_for(trainer, list("abcd"))


# ------------------------------------------------------------- nnlin fit --json


def test_fit_report_states_kind_and_mu(linear):
    r = fit_report(linear, [8], l2=0.02, epochs=4000, **SGD)
    json.dumps(r)  # plain JSON
    b = r["baseline"]
    assert b["kind"] == "weight_decay" and b["weight_matrices"] == 2 and b["l2"] == 0.02
    assert b["mu"] == pytest.approx(r["baseline"]["fit"]["mu"]) and 0.02 < b["mu"] < 0.03
    assert "not ridge" in b["note"]
    assert r["collapse"]["max_abs_diff_to_weight_decay"] < 1e-6
    none = fit_report(linear, [8], l1=0.01, epochs=5)
    assert none["baseline"]["kind"] == "none" and "not lasso" in none["baseline"]["reason"]
    assert "max_abs_diff_to_baseline" not in none["collapse"]
    solved = fit_report(linear, [8, 8], l2=0.02, solve=True)
    assert solved["collapse"]["max_abs_diff_to_baseline"] < 1e-12


# ------------------------------------------------------------- the lesson


def test_weight_decay_lesson_checks_need_the_asked_action():
    from nnlin_gui.core.files.lessons import apply_step_setup, lesson_state, load_lessons

    lesson = next(les for les in load_lessons() if les.id == "weight-decay")
    kinds = []
    for step in lesson.steps:
        dataset, spec, config = apply_step_setup(step)
        trainer = Trainer(spec, dataset.X, dataset.y, config)
        assert not step.check.evaluate(lesson_state(trainer, dataset)), step.title
        if step.setup.solve:
            solve_to_baseline(trainer, baseline_for(trainer, dataset.feature_names))
            assert np.abs(_full_gradient(trainer)).max() < 1e-12
        else:
            trainer.run(evaluate=False)
        state = lesson_state(trainer, dataset, solved=step.setup.solve)
        assert step.check.evaluate(state), (step.title, state)
        kinds.append(state["baseline"])
    assert kinds == ["ridge", "weight_decay", "weight_decay"]
    assert "penalty 2λ‖W_z‖: a point on the ridge path, not ridge" in lesson.steps[1].text
