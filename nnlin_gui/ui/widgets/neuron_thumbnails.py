"""What each unit computes, as a thumbnail (the Playground's little pictures): for one- or
two-feature data, every unit's output over a coarse grid of the input space."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

GRID_2D = 15  # cells per side of a two-feature thumbnail
POINTS_1D = 30  # points of a one-feature sparkline
_NEG = np.array([230, 120, 40], dtype=np.float64)
_POS = np.array([40, 110, 190], dtype=np.float64)
_WHITE = np.array([248, 248, 248], dtype=np.float64)


def coarse_grid(probe_X: np.ndarray, n_features: int) -> np.ndarray | None:
    """A coarse subset of the fit view's probe grid (rows in original units)."""
    if n_features == 1:
        step = max(1, len(probe_X) // POINTS_1D)
        return probe_X[::step]
    if n_features == 2:
        side = int(round(np.sqrt(len(probe_X))))
        if side * side != len(probe_X):
            return None
        step = max(1, side // GRID_2D)
        # Transformed inputs (x1², sin x1, ...) ride along as extra columns.
        m = probe_X.shape[1]
        return probe_X.reshape(side, side, m)[::step, ::step].reshape(-1, m)
    return None


def unit_outputs(network, scaling, grid: np.ndarray) -> list[np.ndarray]:
    """Outputs of every column of the diagram at the grid rows: the (standardised) inputs,
    then each layer's outputs; each array has shape (rows, units)."""
    h = scaling.transform_x(grid)
    outs = [h]
    for layer in network.layers:
        h = layer.forward(h, False)
        outs.append(h)
    return outs


def _colours(values: np.ndarray) -> np.ndarray:
    """Orange (negative) through white to blue (positive), scaled per unit."""
    scale = float(np.max(np.abs(values))) or 1.0
    t = np.clip(values / scale, -1.0, 1.0)[..., None]
    rgb = np.where(t >= 0, _WHITE + (_POS - _WHITE) * t, _WHITE + (_NEG - _WHITE) * (-t))
    return rgb.astype(np.uint8)


def heat_image(values: np.ndarray) -> QImage:
    """A square image of one unit over a two-feature grid (x1 across, x2 up)."""
    side = int(round(np.sqrt(len(values))))
    grid = values.reshape(side, side)  # [i along x1, j along x2]
    rgb = _colours(grid.T[::-1])  # rows top to bottom = x2 high to low
    rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)
    rgba = np.ascontiguousarray(rgba)
    image = QImage(rgba.data, side, side, 4 * side, QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: the numpy buffer goes away


def sparkline(values: np.ndarray) -> np.ndarray:
    """Values scaled to [-1, 1] for a one-feature sparkline (0 stays 0)."""
    scale = float(np.max(np.abs(values))) or 1.0
    return np.clip(values / scale, -1.0, 1.0)
