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
        x_mean = X.mean(axis=0)
        x_scale = X.std(axis=0)
        x_scale[~(x_scale > 0)] = 1.0
        if Y is None:
            return cls(x_mean, x_scale, np.zeros(n_outputs), np.ones(n_outputs))
        y_mean = Y.mean(axis=0)
        y_scale = Y.std(axis=0)
        y_scale[~(y_scale > 0)] = 1.0
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
