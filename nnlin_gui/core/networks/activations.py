"""Activation functions with their derivatives, float64, in numpy.

Each activation is a pair (forward, backward): ``forward(z)`` returns a(z); ``backward(z, a, g)``
returns dL/dz given the pre-activation z, the activation a and the upstream gradient g.
Both may overwrite their array arguments (z in forward, g in backward): the layers hand them
fresh arrays, which saves an allocation per layer and batch on the hot path.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnlin_gui.core.errors import SpecError

LEAKY_SLOPE = 0.01
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)

Forward = Callable[[np.ndarray], np.ndarray]
Backward = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


def _relu_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    # z was overwritten by the forward pass: a > 0 exactly where z > 0.
    return np.multiply(g, a > 0.0, out=g)


def _leaky(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def _leaky_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g * np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _tanh_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g * (1.0 - a * a)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, stable for large |z|."""
    # exp of a non-positive number never overflows
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g * a * (1.0 - a)


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _softplus_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g * sigmoid(z)


def _gelu(z: np.ndarray) -> np.ndarray:
    # The tanh approximation (as in GPT-2 / PyTorch approximate="tanh"): no scipy on the hot path.
    return 0.5 * z * (1.0 + np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3)))


def _gelu_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    u = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
    t = np.tanh(u)
    du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * z * z)
    return g * (0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du)


def _sine_back(z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g * np.cos(z)


ACTIVATIONS: dict[str, tuple[Forward, Backward] | None] = {
    "identity": None,  # no work at all: the affine layers stay affine
    "relu": (_relu, _relu_back),
    "leaky_relu": (_leaky, _leaky_back),
    "tanh": (_tanh, _tanh_back),
    "sigmoid": (sigmoid, _sigmoid_back),
    "softplus": (_softplus, _softplus_back),
    "gelu": (_gelu, _gelu_back),
    "sine": (np.sin, _sine_back),
}

ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def get_activation(name: str) -> tuple[Forward, Backward] | None:
    """Return (forward, backward) for ``name``, or None for the identity."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise SpecError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATION_NAMES)}"
        ) from None
