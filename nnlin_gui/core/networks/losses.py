"""Losses on raw network outputs: mean squared error and cross-entropy (from logits)."""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.networks.activations import sigmoid


class MSE:
    name = "mse"

    @staticmethod
    def value(out: np.ndarray, y: np.ndarray) -> float:
        d = out - y
        return float(np.vdot(d, d) / d.size)

    @staticmethod
    def value_and_grad(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        d = out - y
        value = float(np.vdot(d, d) / d.size)
        d *= 2.0 / d.size
        return value, d


class BinaryCrossEntropy:
    """Sigmoid head: mean of log(1 + e^z) - y z, stable for any logit."""

    name = "cross_entropy"

    @staticmethod
    def value(out: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(np.logaddexp(0.0, out) - y * out))

    @staticmethod
    def value_and_grad(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        value = float(np.mean(np.logaddexp(0.0, out) - y * out))
        return value, (sigmoid(out) - y) / out.shape[0]


class SoftmaxCrossEntropy:
    """Softmax head with one-hot targets: mean of logsumexp(z) - z_true."""

    name = "cross_entropy"

    @staticmethod
    def _log_softmax(out: np.ndarray) -> np.ndarray:
        z = out - out.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    @classmethod
    def value(cls, out: np.ndarray, y: np.ndarray) -> float:
        return float(-np.sum(y * cls._log_softmax(out)) / out.shape[0])

    @classmethod
    def value_and_grad(cls, out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        logp = cls._log_softmax(out)
        value = float(-np.sum(y * logp) / out.shape[0])
        return value, (np.exp(logp) - y) / out.shape[0]


LOSSES = {"identity": MSE, "sigmoid": BinaryCrossEntropy, "softmax": SoftmaxCrossEntropy}


def loss_for_head(head: str):
    """The loss that matches an output head (MSE for regression, cross-entropy otherwise)."""
    return LOSSES[head]
