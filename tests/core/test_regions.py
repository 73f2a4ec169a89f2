"""Activation regions: every region map is the network there, exactly; the polygons of two
features tile the box, join continuously and miss no activation pattern."""

from __future__ import annotations

import numpy as np
import pytest

from nnlin_gui.core.networks import regions as R
from nnlin_gui.core.networks.collapse import collapse_network
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.scaling import Scaling

RTOL = 1e-10

CASES_2D = {
    "relu 8-8-8": NetworkSpec.mlp(2, [8, 8, 8], "relu"),
    "leaky 8-8": NetworkSpec.mlp(2, [8, 8], "leaky_relu"),
    "residual": NetworkSpec(
        2,
        (
            LayerSpec("dense", 6, "relu"),
            LayerSpec("residual", activation="relu", depth=2),
            LayerSpec("dense", 4, "identity"),
        ),
    ),
    "conv1d": NetworkSpec(
        2,
        (
            LayerSpec("conv1d", 3, "leaky_relu", kernel_size=3),
            LayerSpec("dense", 5, "relu"),
        ),
    ),
    "sigmoid head": NetworkSpec.mlp(2, [6, 6], "relu", head="sigmoid"),
    "softmax head": NetworkSpec.mlp(2, [6, 6], "relu", n_outputs=3, head="softmax"),
}


def _with_random_biases(spec: NetworkSpec, seed: int = 3) -> Network:
    """A network whose hyperplanes do not all pass through the origin."""
    net = Network(spec, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in net.layers:
        for dense in getattr(layer, "inner", [layer]):
            dense.b[...] = rng.normal(0.0, 0.7, dense.b.shape)
    return net


def _data(k: int, n: int = 3000, seed: int = 0) -> tuple[np.ndarray, Scaling]:
    """Rows far from unit scale, so that the original-units conversion matters."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)) * np.linspace(3.0, 0.5, k) + np.linspace(10.0, -2.0, k)
    Y = rng.normal(size=(n, 1)) * 4.0 + 1.0
    return X, Scaling.fit(X, Y, 1)


def _scaling_for(spec: NetworkSpec, sc: Scaling) -> Scaling:
    if spec.head == "identity":
        return sc
    # Logits are not rescaled (as in Trainer).
    m = spec.n_outputs
    return Scaling(sc.x_mean, sc.x_scale, np.zeros(m), np.ones(m))


def _raw(net: Network, sc: Scaling, X: np.ndarray) -> np.ndarray:
    """The network's raw output in original units (as Trainer.raw_predict)."""
    return net.forward(sc.transform_x(X)) * sc.y_scale + sc.y_mean


def _assert_reproduces(mine: np.ndarray, raw: np.ndarray) -> None:
    scale = np.maximum(np.abs(raw), np.abs(raw).max())
    assert np.max(np.abs(mine - raw) / scale) <= RTOL


# -- rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES_2D))
def test_each_row_is_reproduced_by_its_region_map(name):
    spec = CASES_2D[name]
    net = _with_random_biases(spec)
    X, sc = _data(2)
    sc = _scaling_for(spec, sc)
    reg = R.find_regions(net, sc, X)
    _assert_reproduces(reg.predict(X), _raw(net, sc, X))
    assert reg.W.shape == (reg.count, spec.n_outputs, 2)
    assert reg.output == R.output_kind(spec.head)


@pytest.mark.parametrize("name", list(CASES_2D))
def test_the_count_is_the_number_of_distinct_patterns(name):
    net = _with_random_biases(CASES_2D[name])
    X, sc = _data(2)
    reg = R.assign_regions(net, sc, X)
    bits = R.activation_patterns(net, sc, X, packed=False)
    assert reg.count == len(np.unique(bits, axis=0)) == R.count_regions(net, sc, X)
    assert reg.count > 1
    assert np.array_equal(np.bincount(reg.region, minlength=reg.count), reg.rows)
    assert np.all(np.diff(reg.rows) <= 0)  # id 0 is the most populated region
    # Each region's pattern is that of its rows.
    packed = R.activation_patterns(net, sc, X)
    assert np.array_equal(packed, reg.patterns[reg.region])
    assert np.array_equal(reg.region[reg.first_row], np.arange(reg.count))


def test_more_features_and_wide_patterns_group_exactly():
    # 3 x 40 units: more than 64 bits, so the grouping goes through the hash.
    net = _with_random_biases(NetworkSpec.mlp(5, [40, 40, 40], "relu"))
    X, sc = _data(5, n=4000)
    reg = R.find_regions(net, sc, X)
    bits = R.activation_patterns(net, sc, X, packed=False)
    assert reg.count == len(np.unique(bits, axis=0))
    _assert_reproduces(reg.predict(X), _raw(net, sc, X))


def test_a_hash_collision_falls_back_to_exact_grouping(monkeypatch):
    net = _with_random_biases(NetworkSpec.mlp(3, [40, 40], "relu"))
    X, sc = _data(3, n=500)
    expected = R.assign_regions(net, sc, X)
    monkeypatch.setattr(R, "_hash", lambda words: np.zeros(len(words), np.uint64))
    got = R.assign_regions(net, sc, X)
    assert got.count == expected.count
    assert np.array_equal(got.region, expected.region)


def test_an_identity_network_is_one_region_equal_to_its_collapse():
    net = _with_random_biases(NetworkSpec.mlp(3, [5, 4], "identity"))
    X, sc = _data(3, n=200)
    reg = R.find_regions(net, sc, X)
    col = collapse_network(net, sc)
    assert reg.count == 1 and reg.rows[0] == 200
    np.testing.assert_allclose(reg.W[0], col.W, rtol=1e-12)
    np.testing.assert_allclose(reg.b[0], col.b, rtol=1e-12)


def test_local_affine_is_exact_for_relu():
    net = _with_random_biases(CASES_2D["relu 8-8-8"])
    X, sc = _data(2, n=300)
    loc = R.local_affine(net, sc, X)
    reg = R.find_regions(net, sc, X)
    assert loc.approximate is False
    np.testing.assert_array_equal(loc.W, reg.W[reg.region])
    np.testing.assert_array_equal(loc.b, reg.b[reg.region])


def test_smooth_activations_are_refused_or_labelled_approximate():
    net = _with_random_biases(NetworkSpec.mlp(2, [6, 6], "tanh"))
    X, sc = _data(2, n=50)
    for call in (R.assign_regions, R.find_regions, R.count_regions):
        with pytest.raises(R.RegionsError, match="exact only for ReLU"):
            call(net, sc, X)
    with pytest.raises(R.RegionsError, match="layer 1 uses tanh"):
        R.partition_2d(net, sc, R.default_box(X))
    loc = R.local_affine(net, sc, X)
    assert loc.approximate is True
    raw = _raw(net, sc, X)
    # The tangent plane passes through the point ...
    _assert_reproduces(np.einsum("nok,nk->no", loc.W, X) + loc.b, raw)
    # ... with the slope of central differences.
    h = 1e-5 * sc.x_scale
    for j in range(2):
        step = np.zeros(2)
        step[j] = h[j]
        slope = (_raw(net, sc, X + step) - _raw(net, sc, X - step)) / (2 * h[j])
        np.testing.assert_allclose(loc.W[:, :, j], slope, rtol=1e-6, atol=1e-8)


# -- polygons -------------------------------------------------------------------------------


def _inside(poly: np.ndarray, points: np.ndarray, tol: float) -> np.ndarray:
    """Points in (or within ``tol`` of) a counter-clockwise convex polygon."""
    a, b = poly, np.roll(poly, -1, axis=0)
    edge = b - a
    rel = points[:, None, :] - a[None, :, :]
    cross = edge[None, :, 0] * rel[:, :, 1] - edge[None, :, 1] * rel[:, :, 0]
    length = np.hypot(edge[:, 0], edge[:, 1])
    return np.all(cross >= -tol * length[None, :], axis=1)


def _check_partition(net: Network, sc: Scaling, box: np.ndarray, grid: int) -> R.Partition2D:
    part = R.partition_2d(net, sc, box)
    size = box[:, 1] - box[:, 0]
    areas = part.areas()
    # The polygons tile the box ...
    assert np.all(areas > 0)
    assert abs(areas.sum() - np.prod(size)) <= 1e-9 * np.prod(size)
    assert len(np.unique(part.patterns, axis=0)) == len(part)  # one polygon per region
    # ... each polygon's map is the network inside it ...
    polys = part.polygons()
    cents = np.array([p.mean(axis=0) for p in polys])
    _assert_reproduces(np.einsum("pok,pk->po", part.W, cents) + part.b, _raw(net, sc, cents))
    # ... and neighbours agree where they meet (every vertex, every polygon holding it).
    tol = 1e-9 * float(size.max())
    values = _raw(net, sc, part.vertices)
    scale = np.abs(values).max() + 1.0
    shared = 0
    for p, poly in enumerate(polys):
        holds = _inside(poly, part.vertices, tol)
        at = part.vertices[holds]
        mine = at @ part.W[p].T + part.b[p]
        assert np.max(np.abs(mine - values[holds])) <= 1e-9 * scale
        shared += int(holds.sum()) - len(poly)
    assert shared > 0
    # A fine grid meets no activation pattern without a polygon.
    gx = np.linspace(box[0, 0], box[0, 1], grid)
    gy = np.linspace(box[1, 0], box[1, 1], grid)
    G = np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])
    met = np.unique(R.activation_patterns(net, sc, G), axis=0)
    assert np.all(R.match_patterns(met, part.patterns) >= 0)
    return part


@pytest.mark.parametrize("name", list(CASES_2D))
def test_polygons_tile_the_box_continuously(name):
    spec = CASES_2D[name]
    net = _with_random_biases(spec)
    X, sc = _data(2)
    sc = _scaling_for(spec, sc)
    box = R.default_box(X)
    grid = 1000 if name == "relu 8-8-8" else 300
    part = _check_partition(net, sc, box, grid)
    # Every region the rows meet is a polygon, with the same map.
    reg = R.find_regions(net, sc, X)
    where = R.match_patterns(reg.patterns, part.patterns)
    assert np.all(where >= 0)
    np.testing.assert_allclose(part.W[where], reg.W, rtol=1e-9, atol=1e-12)
    assert part.output == R.output_kind(spec.head)


def test_a_trained_network_on_the_circle():
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.networks.training import Trainer, TrainingConfig
    from nnlin_gui.core.statistics.fitting import build_spec

    data = load_dataset("builtin:circle", target="label")
    spec = build_spec(data, (8, 8), "relu")
    cfg = TrainingConfig(epochs=300, batch_size=0, learning_rate=0.03, seed=1)
    trainer = Trainer(spec, data.X, data.y, cfg)
    trainer.run()
    assert trainer.evaluate()["train_accuracy"] > 0.9
    net, sc = trainer.network, trainer.scaling
    reg = R.find_regions(net, sc, data.X)
    _assert_reproduces(reg.predict(data.X), trainer.raw_predict(data.X))
    assert reg.output == "logit"
    _check_partition(net, sc, R.default_box(data.X), 300)


# -- segments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec.mlp(1, [8, 8, 8], "relu"),
        NetworkSpec.mlp(1, [6], "leaky_relu"),
        NetworkSpec(1, (LayerSpec("dense", 5, "relu"), LayerSpec("residual", 1, "relu", depth=2))),
    ],
    ids=["relu", "leaky", "residual"],
)
def test_segments_cover_the_interval_with_continuous_lines(spec):
    net = _with_random_biases(spec)
    X, sc = _data(1)
    box = R.default_box(X)
    part = R.partition_1d(net, sc, box)
    assert part.lo[0] == box[0, 0] and part.hi[-1] == box[0, 1]
    np.testing.assert_array_equal(part.hi[:-1], part.lo[1:])
    assert np.all(part.hi > part.lo)
    assert len(part.breakpoints) == len(part) - 1 > 0
    line = lambda i, x: part.W[i, :, 0] * x + part.b[i]  # noqa: E731
    raw_at_breaks = _raw(net, sc, part.breakpoints[:, None])
    scale = np.abs(raw_at_breaks).max() + 1.0
    for i, x in enumerate(part.breakpoints):
        assert np.all(np.abs(line(i, x) - line(i + 1, x)) <= 1e-10 * scale)
        assert np.all(np.abs(line(i, x) - raw_at_breaks[i]) <= 1e-10 * scale)
    mid = 0.5 * (part.lo + part.hi)
    _assert_reproduces(part.W[:, :, 0] * mid[:, None] + part.b, _raw(net, sc, mid[:, None]))
    G = np.linspace(box[0, 0], box[0, 1], 100_000)[:, None]
    met = np.unique(R.activation_patterns(net, sc, G), axis=0)
    assert np.all(R.match_patterns(met, part.patterns) >= 0)


def test_partition_checks_its_box_and_features():
    net = _with_random_biases(CASES_2D["relu 8-8-8"])
    with pytest.raises(R.RegionsError, match="min < max"):
        R.partition_2d(net, None, [[0, 1], [2, 2]])
    with pytest.raises(R.RegionsError, match="exactly one feature"):
        R.partition_1d(net, None, [0, 1])
    assert R.partition(net, None, [[0, 1], [0, 1]], cancel=lambda: True) is None
    assert len(R.unit_names(net)) == 24
