"""Collapse: exact for identity networks of any kind, named failure otherwise, analytic solve."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlin_gui.core.errors import CollapseError
from nnlin_gui.core.networks.collapse import (
    best_affine_approximation,
    collapse_affine,
    collapse_network,
    solve_analytically,
)
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.scaling import Scaling

layer_st = st.one_of(
    st.builds(LayerSpec, st.just("dense"), st.integers(1, 12)),
    st.builds(LayerSpec, st.just("residual"), depth=st.integers(1, 3)),
    st.builds(LayerSpec, st.just("conv1d"), st.integers(1, 3), kernel_size=st.integers(1, 5)),
)


@settings(max_examples=60, deadline=None)
@given(
    n_inputs=st.integers(1, 6),
    layers=st.lists(layer_st, min_size=0, max_size=6),
    n_outputs=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_random_identity_networks_collapse_exactly(n_inputs, layers, n_outputs, seed):
    spec = NetworkSpec(n_inputs, tuple(layers), n_outputs)
    net = Network(spec, seed=seed)
    rng = np.random.default_rng(seed)
    net.theta += rng.normal(0, 0.3, net.n_params)  # biases too, not just the initial zeros
    X = rng.normal(0, 3, size=(50, n_inputs))
    A, c = collapse_affine(net)
    out = net.forward(X)
    scale = max(1.0, float(np.abs(out).max()))
    assert np.abs(out - (X @ A.T + c)).max() <= 1e-10 * scale


def test_collapse_in_original_units_matches_forward_on_raw_data():
    rng = np.random.default_rng(0)
    X = rng.normal([10, -5, 100], [2, 0.1, 30], size=(40, 3))
    Y = rng.normal(50, 7, size=(40, 1))
    scaling = Scaling.fit(X, Y, 1)
    net = Network(NetworkSpec(3, (LayerSpec("dense", 4), LayerSpec("residual"))), seed=1)
    col = collapse_network(net, scaling)
    assert col.collapsible and col.W.shape == (1, 3)
    raw = net.forward(scaling.transform_x(X))
    y = scaling.inverse_y(raw)
    np.testing.assert_allclose(y, X @ col.W.T + col.b, rtol=1e-12, atol=1e-9)
    assert [s.shape for s in col.chain] == [(4, 3), (4, 4), (1, 4)]


def test_nonlinear_layer_is_named():
    net = Network(NetworkSpec(2, (LayerSpec("dense", 4), LayerSpec("dense", 4, "relu"))))
    col = collapse_network(net)
    assert not col.collapsible
    assert col.reason == "cannot collapse: layer 2 uses relu"
    with pytest.raises(CollapseError, match="layer 2 uses relu"):
        collapse_affine(net)


def test_best_affine_approximation_of_linear_and_nonlinear_maps():
    rng = np.random.default_rng(3)
    X = rng.uniform(-3, 3, size=(500, 2))
    lin = best_affine_approximation(lambda Z: Z @ [2.0, -1.0] + 4.0, X)
    np.testing.assert_allclose(lin.W, [[2.0, -1.0]], atol=1e-12)
    assert lin.r2 == pytest.approx(1.0) and lin.slope_spread < 1e-6
    curved = best_affine_approximation(lambda Z: np.sin(Z[:, 0]), X)
    assert curved.r2 < 0.8 and 0.5 < curved.slope_spread <= 1.0


@pytest.mark.parametrize(
    "layers",
    [
        (),
        (LayerSpec("dense", 1),),  # a bottleneck of width 1 still reaches any row vector
        (LayerSpec("dense", 16), LayerSpec("dense", 2), LayerSpec("dense", 7)),
        (LayerSpec("dense", 5), LayerSpec("residual", depth=2), LayerSpec("conv1d", 2)),
        (LayerSpec("conv1d", 3, kernel_size=3), LayerSpec("dense", 6)),
        (LayerSpec("residual"), LayerSpec("dense", 4)),
    ],
)
def test_solve_analytically_hits_any_affine_target(layers):
    rng = np.random.default_rng(7)
    net = Network(NetworkSpec(4, tuple(layers)), seed=2)
    A_target = rng.normal(size=(1, 4))
    c_target = rng.normal(size=1)
    solve_analytically(net, A_target, c_target)
    A, c = collapse_affine(net)
    np.testing.assert_allclose(A, A_target, atol=1e-12)
    np.testing.assert_allclose(c, c_target, atol=1e-12)


def test_solve_refuses_nonlinear_networks():
    net = Network(NetworkSpec(2, (LayerSpec("dense", 4, "tanh"),)))
    with pytest.raises(CollapseError, match="layer 1 uses tanh"):
        solve_analytically(net, np.ones((1, 2)), np.zeros(1))
