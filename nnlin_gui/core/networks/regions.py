"""Activation regions: a ReLU network is one exact linear regression per region.

When every hidden activation is piecewise linear (ReLU, leaky ReLU, identity), fixing which
units are on (the *activation pattern*) makes every layer affine, so on the set of inputs
sharing a pattern, a convex *activation region*, the network is exactly ``y = W_r x + b_r``.
The regions tile the input space and neighbouring maps agree on shared boundaries (the
network is continuous): a patchwork of linear regressions.

Everything here is in the data's original units (the network's input and output scaling is
folded into the maps), works on a ``Network`` plus its ``Scaling``, and is vectorised:

- ``assign_regions``: the pattern of every row (bits packed, rows grouped by pattern);
- ``region_maps``: the exact ``(W_r, b_r)`` of given patterns;
- ``find_regions``: both, for the rows of a data set;
- ``local_affine``: the map at any points: exact for piecewise-linear nets, the tangent
  plane (Jacobian), flagged ``approximate``, for smooth activations such as tanh;
- ``partition_2d`` / ``partition_1d``: the exact cells of a box (two features: convex
  polygons; one feature: segments between breakpoints), each with its map.

For a classifier the maps are those of the logit(s), before the sigmoid or softmax head.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, Self, TypeVar

import numpy as np

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.activations import LEAKY_SLOPE, get_activation
from nnlin_gui.core.networks.network import Conv1d, Dense, Network, NetworkSpec, Residual
from nnlin_gui.core.networks.scaling import Scaling

PIECEWISE_LINEAR = ("identity", "relu", "leaky_relu")
# Slope of a unit that is off (pre-activation <= 0); a unit that is on has slope 1.
OFF_SLOPE = {"relu": 0.0, "leaky_relu": LEAKY_SLOPE}
ROW_CHUNK = 4096  # rows pushed through at once: their layers stay in the CPU caches
MAP_WORK = 2**23  # floats of Jacobian composed at once (64 MB): sets the regions per chunk
MAX_CELLS = 250_000  # a partition with more cells is refused rather than filling memory
SNAP = 1e-12  # |pre-activation| below SNAP x its terms' size counts as on the boundary
BOX_PAD = 0.05  # the default box is the data's range padded by 5% each side (the fit view's)

__all__ = [
    "BOX_PAD",
    "OFF_SLOPE",
    "PIECEWISE_LINEAR",
    "LocalAffine",
    "Partition1D",
    "Partition2D",
    "Regions",
    "RegionsError",
    "RowRegions",
    "activation_patterns",
    "assign_regions",
    "count_regions",
    "default_box",
    "find_regions",
    "local_affine",
    "match_patterns",
    "nonpiecewise_reason",
    "output_kind",
    "partition",
    "partition_1d",
    "partition_2d",
    "region_maps",
    "require_piecewise_linear",
    "unit_names",
]


class RegionsError(UserError):
    """Regions asked of a network or box where they are not defined."""


# -- the network as a list of steps ---------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """'layer' (z = lin(h) + bias, then the activation), 'push' (save h: a residual block
    starts) or 'add' (h = saved + h: it ends). ``units`` locates a layer's bits."""

    kind: str
    lin: Callable[[np.ndarray], np.ndarray] = lambda x: x
    bias: np.ndarray = field(default_factory=lambda: np.zeros(0))
    activation: str = "identity"
    units: slice = field(default_factory=lambda: slice(0, 0))
    name: str = ""


def _forward(activation: str) -> Callable[[np.ndarray], np.ndarray]:
    """The forward function of a non-identity activation (it may overwrite its input)."""
    act = get_activation(activation)
    assert act is not None, "the identity has no forward function"
    return act[0]


def _dense_lin(layer: Dense) -> Callable[[np.ndarray], np.ndarray]:
    W = layer.W
    return lambda x: x @ W


def _conv_lin(layer: Conv1d) -> Callable[[np.ndarray], np.ndarray]:
    # _patches accepts any rows of length L * c_in: value rows and Jacobian rows alike.
    return lambda x: (layer._patches(x) @ layer.W).reshape(len(x), layer.out_dim)


def _steps(net: Network) -> tuple[list[_Step], _Step, int]:
    """The hidden layers as steps, the output step, and the number of pattern bits."""
    steps: list[_Step] = []
    n_bits = 0

    def add_layer(layer: Dense | Conv1d, lin) -> None:
        nonlocal n_bits
        width = layer.out_dim if layer.activation in OFF_SLOPE else 0
        units = slice(n_bits, n_bits + width)
        n_bits += width
        # A convolution's output is (position, channel) row-major: one bias per channel.
        bias = np.tile(layer.b, layer.L) if isinstance(layer, Conv1d) else layer.b
        steps.append(_Step("layer", lin, bias, layer.activation, units, layer.name))

    for layer in net.layers[:-1]:
        if isinstance(layer, Residual):
            steps.append(_Step("push"))
            for inner in layer.inner:
                add_layer(inner, _dense_lin(inner))
            steps.append(_Step("add"))
        elif isinstance(layer, Conv1d):
            add_layer(layer, _conv_lin(layer))
        elif isinstance(layer, Dense):
            add_layer(layer, _dense_lin(layer))
    out = net.output
    return steps, _Step("layer", _dense_lin(out), out.b, "identity", name=out.name), n_bits


def unit_names(net: Network) -> list[str]:
    """A name for each pattern bit, in bit order ('layer 2 unit 3', 'layer 1 position 4
    channel 2', 'layer 3.1 unit 5' for a residual block's first inner layer)."""
    names: list[str] = []
    layers = [
        inner
        for layer in net.layers[:-1]
        for inner in (layer.inner if isinstance(layer, Residual) else [layer])
    ]
    for layer in layers:
        if layer.activation not in OFF_SLOPE:
            continue
        if isinstance(layer, Conv1d):
            names += [
                f"{layer.name} position {p + 1} channel {c + 1}"
                for p in range(layer.L)
                for c in range(layer.c_out)
            ]
        else:
            names += [f"{layer.name} unit {u + 1}" for u in range(layer.out_dim)]
    return names


def nonpiecewise_reason(spec: NetworkSpec) -> str | None:
    """A phrase naming the first layer whose activation is not piecewise linear, or None."""
    for i, ls in enumerate(spec.layers):
        if ls.activation not in PIECEWISE_LINEAR:
            return f"layer {i + 1} uses {ls.activation}"
    return None


def require_piecewise_linear(spec: NetworkSpec) -> None:
    """Raise ``RegionsError`` (one sentence) unless the network has exact regions."""
    reason = nonpiecewise_reason(spec)
    if reason is not None:
        raise RegionsError(
            "linear regions are exact only for ReLU, leaky ReLU and identity activations; "
            f"{reason}, whose local linear maps are only tangent-plane approximations"
        )


def output_kind(head: str) -> str:
    """What the maps describe: 'value' (regression), 'logit' (sigmoid) or 'logits'."""
    return {"sigmoid": "logit", "softmax": "logits"}.get(head, "value")


def _scaling(net: Network, scaling: Scaling | None) -> Scaling:
    return scaling or Scaling.identity(net.spec.n_inputs, net.spec.n_outputs)


# -- activation patterns of rows ------------------------------------------------------------


def _pattern_bits(steps: list[_Step], n_bits: int, xs: np.ndarray) -> np.ndarray:
    """Bits (rows, n_bits), True where a unit's pre-activation is > 0, for standardised
    rows; the hidden layers are computed as ``Network.forward`` computes them."""
    bits = np.empty((len(xs), n_bits), dtype=bool)
    h, saved = xs, []
    last = len(steps) - 1
    for i, st in enumerate(steps):
        if st.kind == "push":
            saved.append(h)
        elif st.kind == "add":
            h = saved.pop() + h
        else:
            z = st.lin(h)
            z += st.bias
            if st.activation in OFF_SLOPE:
                np.greater(z, 0.0, out=bits[:, st.units])
                if i < last:  # the output layer needs no pattern: skip its input
                    h = _forward(st.activation)(z)
            else:
                h = z
    return bits


def activation_patterns(
    net: Network, scaling: Scaling | None, X: np.ndarray, packed: bool = True
) -> np.ndarray:
    """The activation pattern of each row of ``X`` (original units).

    Returns
    -------
    ndarray
        ``packed``: uint8 (n, ceil(bits / 8)), ``np.packbits`` of the bits along each row;
        otherwise bool (n, bits). Bit order is ``unit_names(net)``.
    """
    require_piecewise_linear(net.spec)
    # None: rows already in the network's units (Trainer.Xtrain), no copy to scale.
    scale = (lambda x: x) if scaling is None else scaling.transform_x
    steps, _, n_bits = _steps(net)
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    out = np.empty((n, (n_bits + 7) // 8 if packed else n_bits), dtype=np.uint8 if packed else bool)
    for s in range(0, n, ROW_CHUNK):
        bits = _pattern_bits(steps, n_bits, scale(X[s : s + ROW_CHUNK]))
        out[s : s + ROW_CHUNK] = np.packbits(bits, axis=1) if packed else bits
    return out


def _words(packed: np.ndarray) -> np.ndarray:
    """Packed patterns as uint64 words (n, w), zero-padded to whole words."""
    n, nbytes = packed.shape
    w = (nbytes + 7) // 8
    if nbytes == 8 * w:
        return np.ascontiguousarray(packed).view(np.uint64)
    padded = np.zeros((n, 8 * w), dtype=np.uint8)
    padded[:, :nbytes] = packed
    return padded.view(np.uint64)


def _hash(words: np.ndarray) -> np.ndarray:
    """One uint64 per row mixing its words (splitmix64 steps; wraps modulo 2**64)."""
    h = np.zeros(len(words), dtype=np.uint64)
    for j in range(words.shape[1]):
        h ^= words[:, j]
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
    return h


def _group_keys(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inverse, first row, rows) of the distinct values of ``key`` (n >= 1), in sorted
    order. One unstable argsort (3x faster than a stable one; np.unique with its extra
    outputs costs ten times more), then linear passes."""
    order = np.argsort(key)
    sorted_key = key[order]
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    inverse = np.empty(len(key), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    rows = np.diff(np.append(starts, len(key)))
    return inverse, np.minimum.reduceat(order, starts), rows


def _group(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inverse, first row, rows) of the distinct patterns, by exact comparison.

    Up to 64 bits the pattern is its own key; beyond, a 64-bit hash groups the rows and a
    vectorised check that every row equals its group's first row proves the grouping
    exact (a collision falls back to a sort of the raw bytes).
    """
    words = _words(packed)
    n = len(packed)
    if n == 0 or words.shape[1] == 0:  # no rows, or no unit that switches: one region
        m = min(n, 1)
        return np.zeros(n, np.int64), np.zeros(m, np.int64), np.full(m, n, np.int64)
    if words.shape[1] == 1:
        return _group_keys(words[:, 0])
    inverse, first, rows = _group_keys(_hash(words))
    if np.array_equal(words, words[first[inverse]]):
        return inverse, first, rows
    void = np.dtype((np.void, words.shape[1] * 8))
    _, first, inverse, rows = np.unique(
        np.ascontiguousarray(words).view(void).ravel(),
        return_index=True,
        return_inverse=True,
        return_counts=True,
    )
    return inverse.ravel(), first, rows


@dataclass(frozen=True)
class RowRegions:
    """The regions met by some rows. Region ids run from the most populated region down
    (ties: the one met first).

    Attributes
    ----------
    region : int64 (n,), each row's region id
    patterns : uint8 (count, bytes), each region's packed activation pattern
    rows : int64 (count,), rows in each region
    first_row : int64 (count,), the first row in each region
    n_bits : units whose on/off state makes the pattern
    """

    region: np.ndarray
    patterns: np.ndarray
    rows: np.ndarray
    first_row: np.ndarray
    n_bits: int

    @property
    def count(self) -> int:
        return len(self.rows)


def assign_regions(net: Network, scaling: Scaling | None, X: np.ndarray) -> RowRegions:
    """Group the rows of ``X`` (original units) by activation pattern.

    Raises
    ------
    RegionsError
        When an activation is not piecewise linear.
    """
    packed = activation_patterns(net, scaling, X)
    inverse, first, rows = _group(packed)
    # Most rows first, then first met: one key (n * n < 2**63 for any table in memory).
    order = np.argsort((len(packed) - rows) * len(packed) + first)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    n_bits = _steps(net)[2]
    return RowRegions(rank[inverse], packed[first[order]], rows[order], first[order], n_bits)


def count_regions(net: Network, scaling: Scaling | None, X: np.ndarray) -> int:
    """The number of distinct activation patterns met by the rows of ``X``."""
    if len(X) == 0:
        return 0
    return len(_group(activation_patterns(net, scaling, X))[2])


def match_patterns(query: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each packed pattern in ``query``, its row in ``table``, or -1 when absent."""
    index = {row.tobytes(): i for i, row in enumerate(np.ascontiguousarray(table))}
    return np.array(
        [index.get(row.tobytes(), -1) for row in np.ascontiguousarray(query)], dtype=np.int64
    )


# -- affine maps ----------------------------------------------------------------------------


def _input_map(sc: Scaling, m: int) -> tuple[np.ndarray, np.ndarray]:
    """x_std = x @ A + c for m copies: A (m, k, k), c (m, k); the input scaling folded in."""
    k = len(sc.x_scale)
    A = np.broadcast_to(np.diag(1.0 / sc.x_scale), (m, k, k)).copy()
    c = np.broadcast_to(-sc.x_mean / sc.x_scale, (m, k)).copy()
    return A, c


def _apply_lin(st: _Step, A: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, c) of z = lin(h) + bias, from h = x @ A + c (A: (m, k, d), c: (m, d))."""
    m, k, d = A.shape
    Az = st.lin(A.reshape(m * k, d))
    Az = Az.reshape(m, k, Az.shape[1])
    cz = st.lin(c)
    cz += st.bias
    return Az, cz


def _to_original(sc: Scaling, A: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Output maps y = W x + b in original units: W (m, outputs, k), b (m, outputs)."""
    W = np.transpose(A, (0, 2, 1)) * sc.y_scale[None, :, None]
    return W, c * sc.y_scale + sc.y_mean


def _compose(
    steps: list[_Step],
    out: _Step,
    sc: Scaling,
    slopes: Callable[[_Step, np.ndarray], np.ndarray],
    m: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Compose the layers with per-map unit slopes ``slopes(step, cz)`` (m, d)."""
    A, c = _input_map(sc, m)
    saved: list[tuple[np.ndarray, np.ndarray]] = []
    for st in steps:
        if st.kind == "push":
            saved.append((A, c))
        elif st.kind == "add":
            A0, c0 = saved.pop()
            A, c = A0 + A, c0 + c
        else:
            A, c = _apply_lin(st, A, c)
            if st.activation != "identity":
                s = slopes(st, c)
                A, c = A * s[:, None, :], c * s
    return _to_original(sc, *_apply_lin(out, A, c))


def _map_chunk(net: Network) -> int:
    """Maps composed at once: each carries a (features x widest layer) Jacobian."""
    widest = max([net.spec.n_inputs] + [layer.out_dim for layer in net.layers])
    return max(1, MAP_WORK // (net.spec.n_inputs * widest))


def _slopes_of_bits(bits: np.ndarray) -> Callable[[_Step, np.ndarray], np.ndarray]:
    def slopes(st: _Step, _cz: np.ndarray) -> np.ndarray:
        return np.where(bits[:, st.units], 1.0, OFF_SLOPE[st.activation])

    return slopes


def region_maps(
    net: Network, scaling: Scaling | None, patterns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The exact map of each packed activation pattern, in original units.

    Returns
    -------
    W : (regions, outputs, features)
    b : (regions, outputs)
    """
    require_piecewise_linear(net.spec)
    sc = _scaling(net, scaling)
    steps, out, n_bits = _steps(net)
    R = len(patterns)
    W = np.empty((R, net.spec.n_outputs, net.spec.n_inputs))
    b = np.empty((R, net.spec.n_outputs))
    chunk = _map_chunk(net)
    for s in range(0, R, chunk):
        bits = np.unpackbits(patterns[s : s + chunk], axis=1, count=n_bits).astype(bool)
        W[s : s + chunk], b[s : s + chunk] = _compose(
            steps, out, sc, _slopes_of_bits(bits), len(bits)
        )
    return W, b


@dataclass(frozen=True)
class Regions(RowRegions):
    """``RowRegions`` with each region's exact map ``W`` (count, outputs, features) and
    ``b`` (count, outputs), in original units, of the ``output`` ('value', 'logit' or
    'logits')."""

    W: np.ndarray = field(default_factory=lambda: np.empty((0, 1, 1)))
    b: np.ndarray = field(default_factory=lambda: np.empty((0, 1)))
    output: str = "value"

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Each row through its own region's map (rows must be those the regions came
        from): the network's raw output, (n, outputs)."""
        X = np.asarray(X, dtype=np.float64)
        return np.einsum("nok,nk->no", self.W[self.region], X) + self.b[self.region]


def find_regions(net: Network, scaling: Scaling | None, X: np.ndarray) -> Regions:
    """The regions met by the rows of ``X`` (original units), with their exact maps."""
    rr = assign_regions(net, scaling, X)
    W, b = region_maps(net, scaling, rr.patterns)
    return Regions(
        rr.region, rr.patterns, rr.rows, rr.first_row, rr.n_bits, W, b, output_kind(net.spec.head)
    )


@dataclass(frozen=True)
class LocalAffine:
    """The affine map at each point: W (n, outputs, features), b (n, outputs). Exact for a
    piecewise-linear network; otherwise the tangent plane and ``approximate`` is True."""

    W: np.ndarray
    b: np.ndarray
    approximate: bool
    output: str


def _tangent_slopes(
    steps: list[_Step], xs: np.ndarray
) -> Callable[[_Step, np.ndarray], np.ndarray]:
    """Slopes act'(z) at the points, by a forward pass that records them per layer."""
    found: dict[int, np.ndarray] = {}
    h, saved = xs, []
    for i, st in enumerate(steps):
        if st.kind == "push":
            saved.append(h)
        elif st.kind == "add":
            h = saved.pop() + h
        else:
            z = st.lin(h)
            z += st.bias
            act = get_activation(st.activation)
            if act is None:
                h = z
                continue
            a = act[0](z.copy())  # forward functions may overwrite their argument
            found[i] = act[1](z, a, np.ones_like(z))
            h = a
    index = {id(st): i for i, st in enumerate(steps)}
    return lambda st, _cz: found[index[id(st)]]


def local_affine(net: Network, scaling: Scaling | None, X: np.ndarray) -> LocalAffine:
    """The affine map of the network's raw output at each row of ``X`` (original units).

    Exact (the row's region map) when every activation is piecewise linear; otherwise the
    tangent plane ``f(x) + J (x' - x)``, labelled ``approximate=True``.
    """
    sc = _scaling(net, scaling)
    X = np.asarray(X, dtype=np.float64)
    kind = output_kind(net.spec.head)
    if nonpiecewise_reason(net.spec) is None:
        W, b = region_maps(net, sc, activation_patterns(net, sc, X))
        return LocalAffine(W, b, False, kind)
    steps, out, _ = _steps(net)
    W = np.empty((len(X), net.spec.n_outputs, net.spec.n_inputs))
    b = np.empty((len(X), net.spec.n_outputs))
    chunk = _map_chunk(net)
    for s in range(0, len(X), chunk):
        x = X[s : s + chunk]
        slopes = _tangent_slopes(steps, sc.transform_x(x))
        Wc, _ = _compose(steps, out, sc, slopes, len(x))
        fx = net.forward(sc.transform_x(x))
        fx = fx * sc.y_scale + sc.y_mean
        W[s : s + chunk] = Wc
        b[s : s + chunk] = fx - np.einsum("nok,nk->no", Wc, x)
    return LocalAffine(W, b, True, kind)


# -- exact partitions of a box --------------------------------------------------------------


def default_box(X: np.ndarray, pad: float = BOX_PAD) -> np.ndarray:
    """The data's range per feature, padded by ``pad`` of it each side: (features, 2)."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    margin = pad * np.where(hi > lo, hi - lo, 1.0)
    return np.column_stack([lo - margin, hi + margin])


def _check_box(box, k: int) -> np.ndarray:
    box = np.asarray(box, dtype=np.float64).reshape(k, 2)
    if not (np.all(np.isfinite(box)) and np.all(box[:, 1] > box[:, 0])):
        raise RegionsError("the box needs finite bounds with min < max for every feature")
    return box


class _Cells(Protocol):
    """The geometry the partition walk splits (polygons or segments)."""

    def __len__(self) -> int: ...

    def split(self, a: np.ndarray, c: np.ndarray) -> tuple[Self, np.ndarray | None, np.ndarray]: ...


CellsT = TypeVar("CellsT", bound=_Cells)


def _clip(
    v: np.ndarray, counts: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sutherland-Hodgman for convex polygons that all cross their line, at once.

    ``s`` is each vertex's signed value on its polygon's line. Returns the vertices and
    counts of the positive pieces, then of the negative ones; vertices on the line (s = 0)
    and the crossing points belong to both.
    """
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    nxt = np.arange(1, len(s) + 1)
    nxt[starts + counts - 1] = starts
    sn = s[nxt]
    cross = ((s > 0) & (sn < 0)) | ((s < 0) & (sn > 0))
    t = np.divide(s, s - sn, out=np.zeros_like(s), where=cross)
    points = v + t[:, None] * (v[nxt] - v)
    cand = np.stack([v, points], axis=1).reshape(-1, 2)  # each vertex, then its edge's cut
    keep_pos = np.stack([s >= 0, cross], axis=1)
    keep_neg = np.stack([s <= 0, cross], axis=1)
    return (
        cand[keep_pos.ravel()],
        np.add.reduceat(keep_pos.sum(axis=1), starts),
        cand[keep_neg.ravel()],
        np.add.reduceat(keep_neg.sum(axis=1), starts),
    )


@dataclass
class _Polygons:
    """Convex polygons in CSR form: ``vertices`` (V, 2) in order, ``counts`` per polygon."""

    vertices: np.ndarray
    counts: np.ndarray
    starts: np.ndarray = field(init=False)
    pid: np.ndarray = field(init=False)  # each vertex's polygon

    def __post_init__(self) -> None:
        self.starts = np.zeros(len(self.counts), dtype=np.int64)
        np.cumsum(self.counts[:-1], out=self.starts[1:])
        self.pid = np.repeat(np.arange(len(self.counts)), self.counts)

    def __len__(self) -> int:
        return len(self.counts)

    def split(self, a, c):
        """Split every polygon p by the line x . a[p] + c[p] = 0.

        Returns the pieces, each piece's parent (None when no polygon was cut: the cells
        are unchanged) and whether it lies where the unit is on (x . a + c > 0).
        """
        v, pid = self.vertices, self.pid
        ap, cp = a[pid], c[pid]
        terms = v * ap
        s = terms[:, 0] + terms[:, 1] + cp
        size = np.abs(terms).sum(axis=1) + np.abs(cp)
        s[np.abs(s) <= SNAP * size] = 0.0  # on the line up to rounding: in both pieces
        has_pos = np.maximum.reduceat(s, self.starts) > 0
        crossed = has_pos & (np.minimum.reduceat(s, self.starts) < 0)
        if not crossed.any():
            # A polygon with no vertex strictly positive lies where the unit is off.
            return self, None, has_pos
        # Only the cut polygons are clipped; the others keep their vertices and order.
        keep = ~crossed
        at_cut = crossed[pid]
        pos_v, pos_n, neg_v, neg_n = _clip(v[at_cut], self.counts[crossed], s[at_cut])
        cut = np.flatnonzero(crossed)
        pieces = _Polygons(
            np.concatenate([v[~at_cut], pos_v, neg_v]),
            np.concatenate([self.counts[keep], pos_n, neg_n]),
        )
        parent = np.concatenate([np.flatnonzero(keep), cut, cut])
        on = np.concatenate([has_pos[keep], np.ones(len(cut), bool), np.zeros(len(cut), bool)])
        return pieces, parent, on


@dataclass
class _Segments:
    """Intervals [lo, hi] of one feature."""

    lo: np.ndarray
    hi: np.ndarray

    def __len__(self) -> int:
        return len(self.lo)

    def split(self, a, c):
        a = a[:, 0]
        s_lo, s_hi = a * self.lo + c, a * self.hi + c
        for s, x in ((s_lo, self.lo), (s_hi, self.hi)):
            s[np.abs(s) <= SNAP * (np.abs(a * x) + np.abs(c))] = 0.0
        cross = ((s_lo > 0) & (s_hi < 0)) | ((s_lo < 0) & (s_hi > 0))
        t = np.divide(s_lo, s_lo - s_hi, out=np.zeros_like(s_lo), where=cross)
        x = self.lo + t * (self.hi - self.lo)
        has_pos = np.maximum(s_lo, s_hi) > 0
        has_neg = (np.minimum(s_lo, s_hi) < 0) | ~has_pos
        up = s_lo <= s_hi  # the positive side is to the right
        pos_lo = np.where(cross & up, x, self.lo)
        pos_hi = np.where(cross & ~up, x, self.hi)
        neg_lo = np.where(cross & ~up, x, self.lo)
        neg_hi = np.where(cross & up, x, self.hi)
        pieces = _Segments(
            np.concatenate([pos_lo[has_pos], neg_lo[has_neg]]),
            np.concatenate([pos_hi[has_pos], neg_hi[has_neg]]),
        )
        parent = np.concatenate([np.flatnonzero(has_pos), np.flatnonzero(has_neg)])
        on = np.repeat([True, False], [int(has_pos.sum()), int(has_neg.sum())])
        return pieces, parent, on


def _walk(
    net: Network, sc: Scaling, cells: CellsT, cancel: Callable[[], bool] | None
) -> tuple[CellsT, np.ndarray, np.ndarray, np.ndarray] | None:
    """Split ``cells`` layer by layer, unit by unit, by each unit's boundary; returns the
    final cells, their bits (cells, n_bits) and maps W (cells, outputs, k), b, or None
    when ``cancel()`` turned True."""
    steps, out, n_bits = _steps(net)
    A, c = _input_map(sc, 1)
    bits = np.zeros((1, n_bits), dtype=bool)
    saved: list[tuple[np.ndarray, np.ndarray]] = []
    for st in steps:
        if cancel is not None and cancel():
            return None
        if st.kind == "push":
            saved.append((A, c))
            continue
        if st.kind == "add":
            A0, c0 = saved.pop()
            A, c = A0 + A, c0 + c
            continue
        A, c = _apply_lin(st, A, c)
        if st.activation == "identity":
            continue
        # Within a layer every unit's pre-activation is affine on the cell the layer
        # started with: the splits by its other units do not change it. So the cells only
        # remember that cell (``origin``) until the layer ends.
        origin = np.arange(len(cells))
        layer_bits = np.zeros((len(cells), A.shape[2]), dtype=bool)
        for j in range(A.shape[2]):
            cells, parent, on = cells.split(A[origin, :, j], c[origin, j])
            if parent is not None:
                if len(cells) > MAX_CELLS:
                    raise RegionsError(
                        f"the box holds more than {MAX_CELLS:,} linear regions; "
                        "use a smaller network or box"
                    )
                origin, layer_bits = origin[parent], layer_bits[parent]
            layer_bits[:, j] = on
        A, c, bits = A[origin], c[origin], bits[origin]
        saved = [(sa[origin], sb[origin]) for sa, sb in saved]
        bits[:, st.units] = layer_bits
        s = np.where(layer_bits, 1.0, OFF_SLOPE[st.activation])
        A, c = A * s[:, None, :], c * s
    W, b = _to_original(sc, *_apply_lin(out, A, c))
    return cells, bits, W, b


@dataclass(frozen=True)
class Partition2D:
    """The exact activation regions of a box of two features: convex polygons.

    Attributes
    ----------
    box : (2, 2) [[x1 min, x1 max], [x2 min, x2 max]]
    vertices : (V, 2), the polygons' vertices one after the other, counter-clockwise
    counts : (P,), vertices of each polygon
    patterns : uint8 (P, bytes), each polygon's packed activation pattern
    W : (P, outputs, 2) and b : (P, outputs), each polygon's exact map (original units)
    output : 'value', 'logit' or 'logits'
    """

    box: np.ndarray
    vertices: np.ndarray
    counts: np.ndarray
    patterns: np.ndarray
    W: np.ndarray
    b: np.ndarray
    output: str

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)

    def polygons(self) -> list[np.ndarray]:
        """Each polygon's vertices (n_i, 2)."""
        return np.split(self.vertices, np.cumsum(self.counts)[:-1])

    def areas(self) -> np.ndarray:
        """Each polygon's area (shoelace, relative to the box's centre for accuracy)."""
        v = self.vertices - self.box.mean(axis=1)
        starts = self.starts
        nxt = np.arange(1, len(v) + 1)
        nxt[starts + self.counts - 1] = starts
        cross = v[:, 0] * v[nxt, 1] - v[nxt, 0] * v[:, 1]
        return 0.5 * np.add.reduceat(cross, starts)


@dataclass(frozen=True)
class Partition1D:
    """The exact activation regions of an interval of one feature: segments, left to right.

    Attributes
    ----------
    box : (1, 2) [[min, max]]
    lo, hi : (P,) segment ends; ``breakpoints`` are the interior ends (P - 1,)
    patterns, W (P, outputs, 1), b (P, outputs), output : as in ``Partition2D``
    """

    box: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    patterns: np.ndarray
    W: np.ndarray
    b: np.ndarray
    output: str

    def __len__(self) -> int:
        return len(self.lo)

    @property
    def breakpoints(self) -> np.ndarray:
        return self.lo[1:]


def partition_2d(
    net: Network,
    scaling: Scaling | None,
    box,
    cancel: Callable[[], bool] | None = None,
) -> Partition2D | None:
    """Cut ``box`` ((2, 2), original units) into the network's activation regions.

    Starts from the box and, layer by layer, splits every polygon by each unit's
    ``pre-activation = 0`` line (affine on the polygon, since the map is affine there).
    Returns None when ``cancel()`` became True.

    Raises
    ------
    RegionsError
        Not two features, a non-piecewise-linear activation, or an empty box.
    """
    require_piecewise_linear(net.spec)
    if net.spec.n_inputs != 2:
        raise RegionsError("a polygon partition needs exactly two features")
    box = _check_box(box, 2)
    (x0, x1), (y0, y1) = box
    square = _Polygons(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), np.array([4]))
    done = _walk(net, _scaling(net, scaling), square, cancel)
    if done is None:
        return None
    cells, bits, W, b = done
    packed = np.packbits(bits, axis=1)
    return Partition2D(box, cells.vertices, cells.counts, packed, W, b, output_kind(net.spec.head))


def partition_1d(
    net: Network,
    scaling: Scaling | None,
    box,
    cancel: Callable[[], bool] | None = None,
) -> Partition1D | None:
    """Cut the interval ``box`` ((1, 2) or (2,), original units) into activation regions:
    the breakpoints and each segment's line. None when ``cancel()`` became True."""
    require_piecewise_linear(net.spec)
    if net.spec.n_inputs != 1:
        raise RegionsError("a segment partition needs exactly one feature")
    box = _check_box(box, 1)
    done = _walk(net, _scaling(net, scaling), _Segments(box[:, 0], box[:, 1]), cancel)
    if done is None:
        return None
    cells, bits, W, b = done
    order = np.argsort(cells.lo, kind="stable")
    packed = np.packbits(bits, axis=1)[order]
    return Partition1D(
        box,
        cells.lo[order],
        cells.hi[order],
        packed,
        W[order],
        b[order],
        output_kind(net.spec.head),
    )


def partition(
    net: Network, scaling: Scaling | None, box, cancel: Callable[[], bool] | None = None
) -> Partition1D | Partition2D | None:
    """``partition_1d`` or ``partition_2d`` by the number of features."""
    if net.spec.n_inputs == 1:
        return partition_1d(net, scaling, box, cancel)
    return partition_2d(net, scaling, box, cancel)
