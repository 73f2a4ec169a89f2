"""Network specification and an analytic float64 forward/backward pass in numpy.

Conventions: a batch is a 2-D array (rows = samples). Layers act on rows, ``z = x @ W + b``;
the mathematical map of a layer (used by the collapse) is ``x -> W.T x + b``. A 1-D convolution
treats the feature vector as a signal of length L with C channels, stored row-major as (L, C).
All parameters live in one flat vector ``theta`` (each layer holds views into it), so an
optimizer updates every parameter in one vectorised step: for small nets, Python overhead
and not FLOPs is what costs (STACK-NOTES).
"""

from __future__ import annotations

import functools
import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from nnlin_gui.core.errors import SpecError
from nnlin_gui.core.networks.activations import ACTIVATION_NAMES, get_activation, sigmoid

LAYER_KINDS = ("dense", "residual", "conv1d")
HEADS = ("identity", "sigmoid", "softmax")
MAX_WIDTH = 4096
# Rows per block of an inference pass (see Network.forward).
INFERENCE_BLOCK = 4096


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer.

    Attributes
    ----------
    kind : 'dense', 'residual' or 'conv1d'
    width : units of a dense layer; channels of a conv1d layer; ignored by a residual block
        (its inner layers keep the width of its input, so that y = x + f(x) is defined)
    activation : one of ``ACTIVATION_NAMES``
    kernel_size : conv1d kernel size ('same' padding over the feature axis)
    depth : number of dense layers inside a residual block
    """

    kind: str = "dense"
    width: int = 8
    activation: str = "identity"
    kernel_size: int = 3
    depth: int = 2

    def validate(self, index: int) -> None:
        where = f"layer {index + 1}"
        if self.kind not in LAYER_KINDS:
            raise SpecError(f"{where}: unknown kind {self.kind!r}; use {', '.join(LAYER_KINDS)}")
        if self.activation not in ACTIVATION_NAMES:
            raise SpecError(
                f"{where}: unknown activation {self.activation!r}; "
                f"use {', '.join(ACTIVATION_NAMES)}"
            )
        if self.kind != "residual" and not 1 <= int(self.width) <= MAX_WIDTH:
            raise SpecError(f"{where}: width must be between 1 and {MAX_WIDTH}, not {self.width}")
        if self.kind == "conv1d" and not 1 <= int(self.kernel_size) <= 63:
            raise SpecError(f"{where}: kernel size must be between 1 and 63")
        if self.kind == "residual" and not 1 <= int(self.depth) <= 16:
            raise SpecError(f"{where}: a residual block holds 1 to 16 dense layers")

    def describe(self) -> str:
        if self.kind == "dense":
            return f"dense {self.width} {self.activation}"
        if self.kind == "conv1d":
            return f"conv1d {self.width}ch k{self.kernel_size} {self.activation}"
        return f"residual x{self.depth} {self.activation}"


@dataclass(frozen=True)
class NetworkSpec:
    """A whole network: inputs, hidden layers, and an output head.

    The output layer is always a dense layer to ``n_outputs`` units followed by the head:
    'identity' (regression), 'sigmoid' (binary) or 'softmax' (multi-class).
    """

    n_inputs: int
    layers: tuple[LayerSpec, ...] = field(default_factory=tuple)
    n_outputs: int = 1
    head: str = "identity"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if int(self.n_inputs) < 1:
            raise SpecError("the network needs at least one input feature")
        if self.head not in HEADS:
            raise SpecError(f"unknown output head {self.head!r}; use {', '.join(HEADS)}")
        if int(self.n_outputs) < 1:
            raise SpecError("the network needs at least one output")
        for i, layer in enumerate(self.layers):
            layer.validate(i)

    @classmethod
    def mlp(
        cls,
        n_inputs: int,
        widths,
        activation: str = "identity",
        n_outputs: int = 1,
        head: str = "identity",
    ) -> NetworkSpec:
        """A plain stack of dense layers of the given widths, all with ``activation``."""
        layers = tuple(LayerSpec("dense", int(w), activation) for w in widths)
        return cls(int(n_inputs), layers, int(n_outputs), head)

    def with_activation(self, activation: str) -> NetworkSpec:
        """The same architecture with every hidden activation set to ``activation``."""
        return replace(
            self, layers=tuple(replace(lay, activation=activation) for lay in self.layers)
        )

    @property
    def is_linear(self) -> bool:
        """True when every hidden activation is the identity (the net is one affine map)."""
        return all(layer.activation == "identity" for layer in self.layers)

    def parameter_count(self) -> int:
        return Network(self, seed=0, allocate=False).n_params

    def to_dict(self) -> dict:
        return {
            "n_inputs": int(self.n_inputs),
            "layers": [asdict(layer) for layer in self.layers],
            "n_outputs": int(self.n_outputs),
            "head": self.head,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict) -> NetworkSpec:
        try:
            layers = tuple(LayerSpec(**layer) for layer in data.get("layers", ()))
            return cls(
                int(data["n_inputs"]),
                layers,
                int(data.get("n_outputs", 1)),
                str(data.get("head", "identity")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecError(f"not a valid network description ({exc})") from None

    @classmethod
    def from_json(cls, text: str) -> NetworkSpec:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise SpecError(f"not a valid network description ({exc})") from None


# --------------------------------------------------------------------------------------------
# Layers. Each knows its parameter shapes, binds views into the flat vectors, and implements
# forward (caching what backward needs) and backward (writing its gradient views).
# --------------------------------------------------------------------------------------------


class _Layer(ABC):
    name: str = ""
    activation: str = "identity"
    in_dim: int
    out_dim: int

    def shapes(self) -> list[tuple[tuple[int, ...], bool]]:
        """Parameter shapes, each with True for weights (penalised) and False for biases."""
        return []

    @abstractmethod
    def bind(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Take views of the network's flat parameter and gradient vectors."""

    @abstractmethod
    def init(self, rng: np.random.Generator) -> None:
        """Draw the initial parameters."""

    @abstractmethod
    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        """The layer's outputs for rows ``x``; ``train`` caches what ``backward`` needs."""

    @abstractmethod
    def backward(self, g: np.ndarray) -> np.ndarray | None:
        """Write the parameter gradients; dLoss/dx, or None when no layer needs it."""

    def affine(self) -> tuple[np.ndarray, np.ndarray]:
        """(A, c) with layer(x) = A x + c when the activation is the identity."""
        raise SpecError(f"{self.name} has no affine form")


@functools.lru_cache(maxsize=8)
def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones (cached: batch sizes repeat)."""
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def _act_scale(activation: str) -> float:
    return 2.0 if activation in ("relu", "leaky_relu", "gelu") else 1.0


class Dense(_Layer):
    def __init__(self, in_dim: int, out_dim: int, activation: str, name: str) -> None:
        self.in_dim, self.out_dim = in_dim, out_dim
        self.activation = activation
        self.act = get_activation(activation)
        self.name = name
        self.need_dx = True

    def shapes(self):
        return [((self.in_dim, self.out_dim), True), ((self.out_dim,), False)]

    def bind(self, params, grads):
        self.W, self.b = params
        self.gW, self.gb = grads

    def init(self, rng):
        std = np.sqrt(_act_scale(self.activation) / self.in_dim)
        self.W[...] = rng.normal(0.0, std, self.W.shape)
        self.b[...] = 0.0

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        z = x @ self.W
        z += self.b
        if self.act is None:
            a = z
        else:
            a = self.act[0](z)
        if train:
            self.x, self.z, self.a = x, z, a
        return a

    def backward(self, g: np.ndarray) -> np.ndarray | None:
        dz = g if self.act is None else self.act[1](self.z, self.a, g)
        np.dot(self.x.T, dz, out=self.gW)
        np.dot(_ones(dz.shape[0]), dz, out=self.gb)  # column sums: BLAS is 2x np.sum here
        return dz @ self.W.T if self.need_dx else None

    def affine(self):
        return self.W.T.copy(), self.b.copy()


class Residual(_Layer):
    """y = x + f(x), f a stack of dense layers of the input's width."""

    def __init__(self, dim: int, depth: int, activation: str, name: str) -> None:
        self.in_dim = self.out_dim = dim
        self.activation = activation
        self.name = name
        self.inner = [Dense(dim, dim, activation, f"{name}.{i + 1}") for i in range(depth)]

    def shapes(self):
        return [s for layer in self.inner for s in layer.shapes()]

    def bind(self, params, grads):
        for i, layer in enumerate(self.inner):
            layer.bind(params[2 * i : 2 * i + 2], grads[2 * i : 2 * i + 2])

    def init(self, rng):
        for layer in self.inner:
            layer.init(rng)
        # Start near the identity map so deep residual stacks train stably.
        self.inner[-1].W *= 0.5

    def forward(self, x, train):
        h = x
        for layer in self.inner:
            h = layer.forward(h, train)
        return x + h

    def backward(self, g):
        dh = g.copy()  # the inner layers may overwrite their gradient; the skip needs g
        for layer in reversed(self.inner):
            dh = layer.backward(dh)
        return g + dh

    def affine(self):
        A = np.eye(self.in_dim)
        c = np.zeros(self.in_dim)
        for layer in self.inner:
            Ai, ci = layer.affine()
            A, c = Ai @ A, Ai @ c + ci
        return np.eye(self.in_dim) + A, c


class Conv1d(_Layer):
    """'Same'-padded 1-D convolution over the feature axis: (L, C_in) -> (L, C_out)."""

    def __init__(
        self, length: int, c_in: int, c_out: int, kernel: int, activation: str, name: str
    ) -> None:
        self.L, self.c_in, self.c_out, self.K = length, c_in, c_out, kernel
        self.in_dim, self.out_dim = length * c_in, length * c_out
        self.activation = activation
        self.act = get_activation(activation)
        self.name = name
        self.pad_left = (kernel - 1) // 2
        self.need_dx = True

    def shapes(self):
        return [((self.K * self.c_in, self.c_out), True), ((self.c_out,), False)]

    def bind(self, params, grads):
        self.W, self.b = params
        self.gW, self.gb = grads

    def init(self, rng):
        std = np.sqrt(_act_scale(self.activation) / (self.K * self.c_in))
        self.W[...] = rng.normal(0.0, std, self.W.shape)
        self.b[...] = 0.0

    def _patches(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[0]
        xs = x.reshape(n, self.L, self.c_in)
        right = self.K - 1 - self.pad_left
        xp = np.pad(xs, ((0, 0), (self.pad_left, right), (0, 0)))
        win = np.lib.stride_tricks.sliding_window_view(xp, self.K, axis=1)  # (n, L, c_in, K)
        return win.transpose(0, 1, 3, 2).reshape(n * self.L, self.K * self.c_in)

    def forward(self, x, train):
        n = x.shape[0]
        patches = self._patches(x)
        z = patches @ self.W
        z += self.b
        a = z if self.act is None else self.act[0](z)
        if train:
            self.patches, self.z, self.a, self.n = patches, z, a, n
        return a.reshape(n, self.out_dim)

    def backward(self, g):
        n = self.n
        g2 = g.reshape(n * self.L, self.c_out)
        dz = g2 if self.act is None else self.act[1](self.z, self.a, g2)
        np.dot(self.patches.T, dz, out=self.gW)
        np.dot(_ones(dz.shape[0]), dz, out=self.gb)
        if not self.need_dx:
            return None
        dpatch = (dz @ self.W.T).reshape(n, self.L, self.K, self.c_in)
        dxp = np.zeros((n, self.L + self.K - 1, self.c_in))
        for k in range(self.K):
            dxp[:, k : k + self.L, :] += dpatch[:, :, k, :]
        return dxp[:, self.pad_left : self.pad_left + self.L, :].reshape(n, self.in_dim)

    def affine(self):
        # Output (l, o) = b[o] + sum_k sum_i W[k*c_in + i, o] * x[l + k - pad, i]
        A = np.zeros((self.L, self.c_out, self.L, self.c_in))
        Wk = self.W.reshape(self.K, self.c_in, self.c_out)
        for l in range(self.L):
            for k in range(self.K):
                src = l + k - self.pad_left
                if 0 <= src < self.L:
                    A[l, :, src, :] += Wk[k].T
        c = np.tile(self.b, self.L)
        return A.reshape(self.out_dim, self.in_dim), c


class Network:
    """A network built from a ``NetworkSpec`` with all parameters in one flat vector.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seeds the initial weights (same seed, same numbers).
    allocate : bool
        False only to count parameters.
    """

    def __init__(self, spec: NetworkSpec, seed: int = 0, allocate: bool = True) -> None:
        self.spec = spec
        self.layers: list[_Layer] = []
        dim, length, channels = spec.n_inputs, spec.n_inputs, 1
        for i, ls in enumerate(spec.layers):
            name = f"layer {i + 1}"
            if ls.kind == "dense":
                layer: _Layer = Dense(dim, int(ls.width), ls.activation, name)
                length, channels = int(ls.width), 1
            elif ls.kind == "residual":
                layer = Residual(dim, int(ls.depth), ls.activation, name)
            else:
                # A conv after a dense layer reads its units as a 1-channel signal.
                layer = Conv1d(
                    length, channels, int(ls.width), int(ls.kernel_size), ls.activation, name
                )
                channels = int(ls.width)
            self.layers.append(layer)
            dim = layer.out_dim
        self.output = Dense(dim, spec.n_outputs, "identity", "output")
        self.layers.append(self.output)
        self._first_needs_no_dx()

        shapes = [s for layer in self.layers for s in layer.shapes()]
        sizes = [int(np.prod(shape)) for shape, _ in shapes]
        self.n_params = int(sum(sizes))
        if not allocate:
            return
        self.theta = np.zeros(self.n_params)
        self.grad = np.zeros(self.n_params)
        self.weight_mask = np.zeros(self.n_params)
        offset = 0
        views, gviews = [], []
        for (shape, is_weight), size in zip(shapes, sizes, strict=True):
            views.append(self.theta[offset : offset + size].reshape(shape))
            gviews.append(self.grad[offset : offset + size].reshape(shape))
            if is_weight:
                self.weight_mask[offset : offset + size] = 1.0
            offset += size
        k = 0
        for layer in self.layers:
            n = len(layer.shapes())
            layer.bind(views[k : k + n], gviews[k : k + n])
            k += n
        self.reinitialize(seed)

    def _first_needs_no_dx(self) -> None:
        # The gradient with respect to the inputs is never needed: skip that matmul.
        first = self.layers[0]
        if isinstance(first, Dense | Conv1d):
            first.need_dx = False

    def copy(self) -> Network:
        """An independent network with the same parameters."""
        other = Network(self.spec, seed=0)
        other.theta[...] = self.theta
        return other

    def reinitialize(self, seed: int) -> None:
        """Draw fresh initial weights from ``seed``."""
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            layer.init(rng)

    # -- passes ----------------------------------------------------------------------------

    def forward(self, X: np.ndarray, train: bool = False) -> np.ndarray:
        """Raw outputs (before the head) for rows ``X``; ``train`` caches for ``backward``.

        Without ``train``, large inputs go through in blocks of ``INFERENCE_BLOCK`` rows:
        the layers' temporaries then stay in cache (1M rows of a 10-64-64-1 net: 2.6 s in
        one call, about 0.4 s in blocks)."""
        if not train and len(X) > INFERENCE_BLOCK:
            return np.concatenate(
                [self._forward(X[s : s + INFERENCE_BLOCK], False)
                 for s in range(0, len(X), INFERENCE_BLOCK)]
            )  # fmt: skip
        return self._forward(X, train)

    def _forward(self, X: np.ndarray, train: bool) -> np.ndarray:
        h = X
        for layer in self.layers:
            h = layer.forward(h, train)
        return h

    def backward(self, d_out: np.ndarray) -> np.ndarray:
        """Fill ``self.grad`` from dLoss/d(raw outputs) of the last ``forward(train=True)``."""
        g: np.ndarray | None = d_out
        for layer in reversed(self.layers):
            assert g is not None  # only the first layer, run last, returns None (no dx)
            g = layer.backward(g)
        return self.grad

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs after the head: values, probabilities of class 1, or class probabilities."""
        raw = self.forward(np.asarray(X, dtype=np.float64))
        return apply_head(self.spec.head, raw)

    def copy_parameters(self) -> np.ndarray:
        return self.theta.copy()

    def set_parameters(self, theta: np.ndarray) -> None:
        self.theta[...] = theta


def apply_head(head: str, raw: np.ndarray) -> np.ndarray:
    """Apply the output head to raw outputs."""
    if head == "sigmoid":
        return sigmoid(raw)
    if head == "softmax":
        z = raw - raw.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    return raw
