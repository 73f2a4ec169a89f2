"""Standardisation the training loop applies, and its exact inverse for affine maps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scaling:
    """x_std = (x - x_mean) / x_scale;  y = y_mean + y_scale * raw (regression only).

    For classification ``y_mean`` is 0 and ``y_scale`` 1: logits are not rescaled.
    """

    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: np.ndarray
    y_scale: np.ndarray

    @classmethod
    def identity(cls, n_inputs: int, n_outputs: int) -> Scaling:
        return cls(np.zeros(n_inputs), np.ones(n_inputs), np.zeros(n_outputs), np.ones(n_outputs))

    @classmethod
    def fit(cls, X: np.ndarray, Y: np.ndarray | None, n_outputs: int) -> Scaling:
        """Z-scores from the training rows; constant columns keep scale 1."""
        x_mean, x_scale = _mean_std(X)
        if Y is None:
            return cls(x_mean, x_scale, np.zeros(n_outputs), np.ones(n_outputs))
        y_mean, y_scale = _mean_std(Y)
        return cls(x_mean, x_scale, y_mean, y_scale)

    def transform_x(self, X: np.ndarray) -> np.ndarray:
        return (X - self.x_mean) / self.x_scale

    def transform_y(self, Y: np.ndarray) -> np.ndarray:
        return (Y - self.y_mean) / self.y_scale

    def inverse_y(self, raw: np.ndarray) -> np.ndarray:
        return raw * self.y_scale + self.y_mean

    def affine_to_original(self, A: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map raw = A x_std + c to y = W x + b in original units; returns (W, b)."""
        W = (self.y_scale[:, None] * A) / self.x_scale[None, :]
        b = self.y_mean + self.y_scale * (c - A @ (self.x_mean / self.x_scale))
        return W, b

    def affine_to_standard(self, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of ``affine_to_original``: (A, c) in the units the network sees."""
        A = (W * self.x_scale[None, :]) / self.y_scale[:, None]
        c = (b - self.y_mean + W @ self.x_mean) / self.y_scale
        return A, c


def _mean_std(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations (1 for constant columns) without overflow.

    Columns are divided by a power of two near their largest magnitude first: exact, so the
    numbers are bit for bit those of ``A.mean`` / ``A.std`` wherever those do not overflow
    or underflow, and right for data near 1e+-308 too.
    """
    if len(A) == 0:
        return A.mean(axis=0), np.ones(A.shape[1])
    m = np.max(np.abs(A), axis=0)
    _, e = np.frexp(m)
    e = np.where(m > 0, e, 0)
    scaled = np.ldexp(A, -e)  # ldexp, not a product with 2**e: 2**1024 itself overflows
    mean = np.ldexp(scaled.mean(axis=0), e)
    std = np.ldexp(scaled.std(axis=0), e)
    std[~(std > 0)] = 1.0
    return mean, std
