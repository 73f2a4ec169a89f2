"""Network: gradient checks against finite differences, JSON round-trip, spec errors."""

import numpy as np
import pytest

from nnlin_gui.core.errors import SpecError
from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
from nnlin_gui.core.networks.losses import loss_for_head
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec


def _loss_and_grad(net: Network, X, Y, head):
    loss = loss_for_head(head)
    out = net.forward(X, train=True)
    value, d = loss.value_and_grad(out, Y)
    return value, net.backward(d).copy()


def _numeric_grad(net: Network, X, Y, head, eps=1e-6):
    loss = loss_for_head(head)
    g = np.zeros(net.n_params)
    for i in range(net.n_params):
        old = net.theta[i]
        net.theta[i] = old + eps
        up = loss.value(net.forward(X), Y)
        net.theta[i] = old - eps
        down = loss.value(net.forward(X), Y)
        net.theta[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def _targets(head, n, rng, k=3):
    if head == "identity":
        return rng.normal(size=(n, 1))
    if head == "sigmoid":
        return rng.integers(0, 2, size=(n, 1)).astype(float)
    Y = np.zeros((n, k))
    Y[np.arange(n), rng.integers(0, k, n)] = 1.0
    return Y


# Every layer kind with every activation, so every backward formula is checked.
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("kind", ["dense", "residual", "conv1d"])
def test_gradient_matches_finite_differences(kind, activation):
    rng = np.random.default_rng(1)
    layers = (
        LayerSpec("dense", 5, "tanh"),
        LayerSpec(kind, 3 if kind == "conv1d" else 5, activation, kernel_size=3, depth=2),
        LayerSpec("dense", 4, activation),
    )
    spec = NetworkSpec(4, layers)
    net = Network(spec, seed=3)
    net.theta += rng.normal(0, 0.1, net.n_params)  # non-zero biases too
    X = rng.normal(size=(7, 4))
    Y = _targets("identity", 7, rng)
    _, g = _loss_and_grad(net, X, Y, "identity")
    num = _numeric_grad(net, X, Y, "identity")
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("head,n_out", [("identity", 2), ("sigmoid", 1), ("softmax", 3)])
def test_gradient_of_each_head(head, n_out):
    rng = np.random.default_rng(2)
    spec = NetworkSpec(
        3,
        (LayerSpec("conv1d", 2, "relu", kernel_size=2), LayerSpec("dense", 4, "sigmoid")),
        n_out,
        head,
    )
    net = Network(spec, seed=5)
    X = rng.normal(size=(6, 3))
    Y = _targets(head, 6, rng, k=n_out) if head != "identity" else rng.normal(size=(6, n_out))
    _, g = _loss_and_grad(net, X, Y, head)
    np.testing.assert_allclose(g, _numeric_grad(net, X, Y, head), rtol=1e-5, atol=1e-8)


def test_first_layer_conv_and_residual_gradients():
    rng = np.random.default_rng(4)
    spec = NetworkSpec(
        5,
        (
            LayerSpec("conv1d", 2, "gelu", kernel_size=4),
            LayerSpec("residual", activation="softplus", depth=3),
        ),
    )
    net = Network(spec, seed=1)
    X, Y = rng.normal(size=(5, 5)), rng.normal(size=(5, 1))
    _, g = _loss_and_grad(net, X, Y, "identity")
    np.testing.assert_allclose(g, _numeric_grad(net, X, Y, "identity"), rtol=1e-5, atol=1e-8)


def test_spec_json_round_trip_and_parameter_count():
    spec = NetworkSpec(
        3,
        (
            LayerSpec("dense", 8, "relu"),
            LayerSpec("residual", depth=2),
            LayerSpec("conv1d", 2, "tanh", kernel_size=3),
        ),
        1,
        "identity",
    )
    again = NetworkSpec.from_json(spec.to_json())
    assert again == spec
    # dense 3->8: 32; residual 2x(8*8+8): 144; conv k3 1->2 ch: 3*2+2 = 8; output 16->1: 17
    assert spec.parameter_count() == 32 + 144 + 8 + 17
    assert Network(spec).n_params == spec.parameter_count()


@pytest.mark.parametrize(
    "bad,match",
    [
        (lambda: NetworkSpec(2, (LayerSpec("dense", 0),)), "width"),
        (lambda: NetworkSpec(2, (LayerSpec("dense", 4, "swish"),)), "unknown activation"),
        (lambda: NetworkSpec(2, (LayerSpec("lstm", 4),)), "unknown kind"),
        (lambda: NetworkSpec(0), "at least one input"),
        (lambda: NetworkSpec(2, head="tanh"), "head"),
        (lambda: NetworkSpec.from_json("{not json"), "not a valid network"),
    ],
)
def test_bad_specs_raise_spec_error(bad, match):
    with pytest.raises(SpecError, match=match):
        bad()


def test_inference_in_blocks_equals_one_pass():
    import nnlin_gui.core.networks.network as network_module
    from nnlin_gui.core.networks.network import Network, NetworkSpec

    net = Network(NetworkSpec.mlp(3, [16, 8]), seed=2)
    X = np.random.default_rng(0).normal(size=(network_module.INFERENCE_BLOCK * 2 + 17, 3))
    blocked = net.forward(X)
    whole = net._forward(X, False)
    assert blocked.shape == whole.shape
    assert np.allclose(blocked, whole, rtol=1e-13, atol=1e-15)
