"""Jobs of the window's linear-regions read-outs, Qt-free: the region under a clicked point
(its exact map, the rows it holds and OLS on them) and the local slopes of every row.

Like every job they take copies (a network, its scaling and the data arrays, never written)
and ``(progress, cancel)``.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.networks.network import Network
from nnlin_gui.core.networks.regions import (
    activation_patterns,
    local_affine,
    nonpiecewise_reason,
)
from nnlin_gui.core.networks.scaling import Scaling
from nnlin_gui.core.networks.training import Trainer

Progress = Callable[[float], None]
MAX_SLOPE_ROWS = 20_000  # rows whose local slopes the histogram shows (evenly spaced)

__all__ = ["ClickedRegion", "SlopeSpread", "live_trainer", "region_at_job", "slopes_job"]


def live_trainer(trainer: Trainer, network: Network | None, epoch: int) -> Trainer:
    """A trainer stand-in for a regions job while a run goes on: the trainer's data and
    scaling (never written) with ``network`` (the window's copy of the live parameters),
    copied; the run's own trainer is never touched. Idle: ``trainer.copy()``."""
    if network is None:
        return trainer.copy()
    other = copy.copy(trainer)
    other.network = network.copy()
    other.epoch = int(epoch)
    return other


@dataclass(frozen=True)
class ClickedRegion:
    """The affine map at a clicked point, original units.

    Attributes
    ----------
    point : (features,) the clicked point
    W : (outputs, features), b : (outputs,): the exact region map (or the tangent plane)
    exact : False for a smooth activation (the tangent plane, an approximation)
    output : 'value', 'logit' or 'logits'
    rows : training rows in the same region (0 when not exact)
    ols_W, ols_b : OLS of the target on those rows (None when too few rows or not exact)
    """

    point: np.ndarray
    W: np.ndarray
    b: np.ndarray
    exact: bool
    output: str
    rows: int = 0
    ols_W: np.ndarray | None = None
    ols_b: float | None = None


def region_at_job(
    net: Network,
    scaling: Scaling,
    X: np.ndarray,
    y: np.ndarray,
    point,
    progress: Progress,
    cancel: threading.Event,
) -> ClickedRegion | None:
    """The region of ``point`` (original units): its map, its rows of ``X`` (original
    units) and OLS of ``y`` on them."""
    point = np.asarray(point, dtype=np.float64).reshape(1, -1)
    aff = local_affine(net, scaling, point)
    W, b = aff.W[0], aff.b[0]
    if aff.approximate:
        return ClickedRegion(point[0], W, b, False, aff.output)
    mine = activation_patterns(net, scaling, point)[0]
    if cancel.is_set():
        return None
    same = np.all(activation_patterns(net, scaling, X) == mine, axis=1)
    progress(0.8)
    n, k = int(same.sum()), X.shape[1]
    ols_W, ols_b = None, None
    if n > k + 1:
        A = np.column_stack([X[same], np.ones(n)])
        coef, *_ = np.linalg.lstsq(A, np.asarray(y, dtype=np.float64)[same], rcond=None)
        ols_W, ols_b = coef[:k], float(coef[k])
    return ClickedRegion(point[0], W, b, True, aff.output, n, ols_W, ols_b)


@dataclass(frozen=True)
class SlopeSpread:
    """Every row's local slope per feature (first output), original units.

    slopes : (rows, features); exact : the slopes are region maps (piecewise linear);
    regions : distinct regions among the rows (0 when not exact)
    """

    slopes: np.ndarray
    exact: bool
    regions: int


def slopes_job(
    net: Network, scaling: Scaling, X: np.ndarray, progress: Progress, cancel: threading.Event
) -> SlopeSpread | None:
    """The local slopes of (at most ``MAX_SLOPE_ROWS`` of) the rows ``X`` (original units)."""
    X = np.asarray(X, dtype=np.float64)
    if len(X) > MAX_SLOPE_ROWS:
        X = X[np.linspace(0, len(X) - 1, MAX_SLOPE_ROWS).astype(np.int64)]
    aff = local_affine(net, scaling, X)
    if cancel.is_set():
        return None
    regions = 0
    if nonpiecewise_reason(net.spec) is None:
        regions = len(np.unique(activation_patterns(net, scaling, X), axis=0))
    return SlopeSpread(aff.W[:, 0, :], not aff.approximate, regions)
