"""Exact collapse of identity-activation networks, best affine approximation otherwise,
and the analytic solution that sets a linear network to a given affine map.

A layer with identity activation is an affine map x -> A x + c (dense: A = W; residual:
A = I + A_f; convolution: a banded matrix). Composing them gives y = W_z x + b_z.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.errors import CollapseError
from nnlin_gui.core.networks.network import Dense, Network
from nnlin_gui.core.networks.scaling import Scaling


@dataclass(frozen=True)
class ChainStep:
    """One factor of the product W_n ... W_1: its name, kind and matrix shape (out, in)."""

    name: str
    kind: str
    shape: tuple[int, int]
    activation: str


@dataclass(frozen=True)
class Collapse:
    """The collapsed network y = W x + b in original units (None when not collapsible).

    ``W`` has shape (n_outputs, n_inputs); ``W_std``, ``b_std`` are the same map in the
    standardised units the network trains in.
    """

    collapsible: bool
    reason: str
    W: np.ndarray | None
    b: np.ndarray | None
    W_std: np.ndarray | None
    b_std: np.ndarray | None
    chain: tuple[ChainStep, ...]

    def coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        """``(W, b)`` of a collapsible network; ``CollapseError(reason)`` otherwise."""
        if self.W is None or self.b is None:
            raise CollapseError(self.reason)
        return self.W, self.b


def layer_chain(net: Network) -> tuple[ChainStep, ...]:
    """The layers as factors of the collapsed product, first layer first."""
    steps = []
    for layer in net.layers:
        kind = type(layer).__name__.lower()
        steps.append(ChainStep(layer.name, kind, (layer.out_dim, layer.in_dim), layer.activation))
    return tuple(steps)


def nonlinear_layer(net: Network) -> str | None:
    """A sentence naming the first layer that prevents the collapse, or None."""
    for i, ls in enumerate(net.spec.layers):
        if ls.activation != "identity":
            return f"layer {i + 1} uses {ls.activation}"
    return None


def collapse_affine(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """(A, c) with net.forward(x) = A x + c exactly, in the network's own units.

    Raises
    ------
    CollapseError
        When a layer is nonlinear; the message names it.
    """
    reason = nonlinear_layer(net)
    if reason is not None:
        raise CollapseError(f"cannot collapse: {reason}")
    # Start from the first layer's map, not an identity: at 20,000 inputs that identity is
    # 3.2 GB and its product took seconds.
    A, c = net.layers[0].affine()
    for layer in net.layers[1:]:
        Ai, ci = layer.affine()
        A, c = Ai @ A, Ai @ c + ci
    return A, c


def collapse_network(net: Network, scaling: Scaling | None = None) -> Collapse:
    """Collapse ``net`` and map the result back to original units with ``scaling``."""
    chain = layer_chain(net)
    reason = nonlinear_layer(net)
    if reason is not None:
        return Collapse(False, f"cannot collapse: {reason}", None, None, None, None, chain)
    A, c = collapse_affine(net)
    if scaling is None:
        W, b = A, c
    else:
        W, b = scaling.affine_to_original(A, c)
    return Collapse(True, "all activations are the identity", W, b, A, c, chain)


@dataclass(frozen=True)
class AffineApproximation:
    """The least-squares affine fit of a network's outputs on its inputs.

    ``r2`` is the share of the output's variance the affine map explains (1 for a linear
    net); ``slope_spread`` is the relative spread of the local slopes (Jacobian) across the
    data, as a share of their root-mean-square size: 0 for an affine map, up to 1 when the
    slopes change so much from place to place that they average out.
    """

    W: np.ndarray
    b: np.ndarray
    r2: float
    slope_spread: float


def best_affine_approximation(
    predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, max_rows: int = 20000, seed: int = 0
) -> AffineApproximation:
    """Fit outputs = W x + b by least squares over the rows of ``X`` (a subsample if large).

    Parameters
    ----------
    predict : function from rows (n, k) to outputs (n,) or (n, m), in original units
    X : inputs in original units
    """
    X = np.asarray(X, dtype=np.float64)
    if X.shape[0] > max_rows:
        rows = np.random.default_rng(seed).choice(X.shape[0], max_rows, replace=False)
        X = X[rows]
    Y = np.asarray(predict(X), dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    design = np.column_stack([np.ones(X.shape[0]), X])
    coef, *_ = np.linalg.lstsq(design, Y, rcond=None)
    fitted = design @ coef
    ss_res = float(((Y - fitted) ** 2).sum())
    ss_tot = float(((Y - Y.mean(axis=0)) ** 2).sum())
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    spread = _slope_spread(predict, X, coef[1:].T, seed)
    return AffineApproximation(coef[1:].T.copy(), coef[0].copy(), r2, spread)


def _slope_spread(predict, X: np.ndarray, W: np.ndarray, seed: int, n_points: int = 200) -> float:
    """RMS spread of finite-difference Jacobians around their mean, over their RMS size."""
    rng = np.random.default_rng(seed)
    pts = X[rng.choice(X.shape[0], min(n_points, X.shape[0]), replace=False)]
    # Standard deviations of values near 1e300 overflow when squared: scale first.
    big = np.max(np.abs(X), axis=0)
    big[~(big > 0) | ~np.isfinite(big)] = 1.0
    scale = (X / big).std(axis=0) * big
    scale[~(scale > 0)] = 1.0
    h = 1e-4 * scale
    k = X.shape[1]
    jac = []
    for j in range(k):
        up, down = pts.copy(), pts.copy()
        up[:, j] += h[j]
        down[:, j] -= h[j]
        d = (np.asarray(predict(up)) - np.asarray(predict(down))) / (2 * h[j])
        jac.append(d.reshape(len(pts), -1) * scale[j])  # slope per standard deviation
    J = np.stack(jac, axis=-1)  # (points, outputs, k)
    mean = J.mean(axis=0)
    size = float(np.sqrt((J**2).sum(axis=(1, 2)).mean()))
    if size == 0.0:
        return 0.0
    return float(np.sqrt(((J - mean) ** 2).sum(axis=(1, 2)).mean()) / size)


def solve_analytically(
    net: Network, A_target: np.ndarray, c_target: np.ndarray, common_row_free: bool = False
) -> None:
    """Set the parameters of a linear ``net`` so that its collapse is exactly A x + c.

    Works for any widths and depth: the first dense layer (or, when the first layer is not
    dense, the output layer) is corrected by the minimum-norm change that makes the product
    equal ``A_target``; the output bias then fixes ``c``. Other weights keep their values.
    With ``common_row_free`` (a softmax head: adding one row to every output's weights
    changes no probability) a target a hidden layer narrower than the outputs cannot reach
    exactly is reached up to such a row.

    Raises
    ------
    CollapseError
        If the network is nonlinear, or a bottleneck makes the target unreachable.
    """
    reason = nonlinear_layer(net)
    if reason is not None:
        raise CollapseError(f"cannot solve analytically: {reason}")
    A_target = np.atleast_2d(np.asarray(A_target, dtype=np.float64))
    c_target = np.atleast_1d(np.asarray(c_target, dtype=np.float64))
    first = net.layers[0]
    if isinstance(first, Dense):
        # collapse = V @ W1^T + ... ; V is the product of every later layer.
        V = np.eye(first.out_dim)
        for layer in net.layers[1:]:
            V = layer.affine()[0] @ V
        W1 = first.W.T  # (h1, k)
        residual = A_target - V @ W1
        correction = np.linalg.lstsq(V, residual, rcond=None)[0]
        if common_row_free and not np.allclose(V @ correction, residual, rtol=0, atol=1e-12):
            # Solve V C - 1 r' = residual: the collapse becomes A_target + 1 r'.
            Vr = np.column_stack([V, -np.ones(len(V))])
            correction = np.linalg.lstsq(Vr, residual, rcond=None)[0][:-1]
        first.W[...] = (W1 + correction).T
    else:
        out = net.output
        P = np.eye(net.spec.n_inputs)
        for layer in net.layers[:-1]:
            P = layer.affine()[0] @ P
        out.W[...] = np.linalg.lstsq(P.T, A_target.T, rcond=None)[0]
    A, c = collapse_affine(net)
    scale = max(1.0, float(np.abs(A_target).max()))
    miss = A - A_target
    if common_row_free:
        miss = miss - miss[:1]  # a row common to every output changes nothing
    if float(np.abs(miss).max()) > 1e-9 * scale:
        raise CollapseError(
            "cannot solve analytically: a layer narrower than the number of outputs or "
            "features limits what the network can represent"
        )
    net.output.b[...] += c_target - c


def _spread_basis(height: int, rank: int) -> np.ndarray:
    """``height × rank`` orthonormal columns, the first spread evenly over every unit (so
    each hidden unit carries the same share of a rank-one map)."""
    M = np.eye(height)[:, :rank]
    if rank:
        M[:, 0] = 1.0
    return np.linalg.qr(M)[0]


def balanced_factors(A: np.ndarray, widths: Sequence[int]) -> list[np.ndarray]:
    """Factors ``F_L ⋯ F_1 = A`` (shapes (widths[0], k), ..., (m, widths[-1])) that all
    carry the singular values ``σ_i(A)^(1/L)``.

    Among all factorisations of ``A`` through these widths they have the least
    ``Σ_l ‖F_l‖²`` (``L Σ_i σ_i^(2/L)``), so with weight decay a network set to them sits at
    a stationary point whenever ``A`` is optimal for the collapsed problem.

    Raises
    ------
    CollapseError
        When ``A`` has more rank than the narrowest width can carry.
    """
    A = np.atleast_2d(np.asarray(A, dtype=np.float64))
    L = len(widths) + 1
    if L == 1:
        return [A.copy()]
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    rank = int(np.sum(s > 1e-14 * max(1.0, float(s.max(initial=0.0)))))
    if rank > min(widths):
        raise CollapseError(
            f"cannot solve analytically: a layer of width {min(widths)} cannot carry a map of "
            f"rank {rank}"
        )
    root = s[:rank] ** (1.0 / L)
    bases = [_spread_basis(int(h), rank) for h in widths]
    factors = [bases[0] * root @ Vt[:rank]]
    for below, above in zip(bases[:-1], bases[1:], strict=True):
        factors.append(above * root @ below.T)
    factors.append(U[:, :rank] * root @ bases[-1].T)
    return factors


def solve_balanced(net: Network, A_target: np.ndarray, c_target: np.ndarray) -> None:
    """Set a plain dense chain to the collapse ``A x + c`` with balanced factors.

    Every weight matrix gets ``σ_i(A)^(1/L)`` (see ``balanced_factors``), the hidden biases
    0 and the output bias ``c``. This is where training with weight decay can rest;
    ``solve_analytically`` keeps the other weights instead and is not.

    Raises
    ------
    CollapseError
        A nonlinear network, a residual or convolution layer, or a too narrow bottleneck.
    """
    reason = nonlinear_layer(net)
    if reason is not None:
        raise CollapseError(f"cannot solve analytically: {reason}")
    if any(ls.kind != "dense" for ls in net.spec.layers):
        raise CollapseError(
            "balanced factors need a plain chain of dense layers (no residual or convolution)"
        )
    widths = [layer.out_dim for layer in net.layers[:-1]]
    factors = balanced_factors(A_target, widths)
    for layer, factor in zip(net.layers, factors, strict=True):
        assert isinstance(layer, Dense)  # a plain dense chain, checked above
        layer.W[...] = factor.T  # layers act on rows: z = x @ W
        layer.b[...] = 0.0
    net.output.b[...] = np.atleast_1d(np.asarray(c_target, dtype=np.float64))
