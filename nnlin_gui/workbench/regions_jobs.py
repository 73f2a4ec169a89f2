"""Jobs of the linear-regions view, Qt-free: the exact partition of the plotted box and the
number of regions the training rows meet (for a 'linear regions over the epochs' plot).

Like every job (see ``jobs``), ``regions_job`` takes a ``Trainer.copy()``, reports
``progress(fraction)`` and honours ``cancel`` (a ``threading.Event``); it returns None when
cancelled. A network whose activations are not all piecewise linear gets a view with
``exact=False`` and the reason in one sentence, never an approximate partition.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.regions import (
    Partition1D,
    Partition2D,
    assign_regions,
    count_regions,
    default_box,
    match_patterns,
    nonpiecewise_reason,
    output_kind,
    partition,
    require_piecewise_linear,
)
from nnlin_gui.core.networks.training import Trainer

Progress = Callable[[float], None]

__all__ = ["RegionsView", "count_training_regions", "region_count_job", "regions_job"]


@dataclass(frozen=True)
class RegionsView:
    """What the regions view draws for one state of the network.

    Attributes
    ----------
    epoch : the trainer's epoch
    exact : False when an activation is not piecewise linear (then only ``reason`` is set)
    reason : why there are no exact regions ('' when ``exact``)
    output : 'value', 'logit' or 'logits': what the maps describe
    box : (features, 2) in original units, or None for more than two features
    partition : ``Partition2D`` (two features: polygons), ``Partition1D`` (one: segments)
        or None; each cell carries its exact W, b in original units
    cell_rows : (cells,) training rows in each cell (0: a region no row meets)
    n_cells : polygons or segments in the box (0 without a partition)
    n_regions_train : distinct regions the training rows meet
    """

    epoch: int
    exact: bool
    reason: str = ""
    output: str = "value"
    box: np.ndarray | None = None
    partition: Partition1D | Partition2D | None = None
    cell_rows: np.ndarray | None = None
    n_cells: int = 0
    n_regions_train: int = 0


def _training_rows(trainer: Trainer, max_rows: int | None) -> np.ndarray:
    """The standardised training rows, or an evenly spaced subset of at most ``max_rows``."""
    X = trainer.Xtrain
    if max_rows is not None and len(X) > max_rows:
        X = X[np.linspace(0, len(X) - 1, max_rows).astype(np.int64)]
    return X


def count_training_regions(trainer: Trainer, max_rows: int | None = None) -> int | None:
    """Distinct linear regions the training rows meet now; None when the network's
    activations are not piecewise linear. ``max_rows`` bounds the cost on large data
    (1M rows through a 10-64-64-1 network: about half a second)."""
    if nonpiecewise_reason(trainer.spec) is not None:
        return None
    # The training rows are stored standardised: no scaling to apply.
    return count_regions(trainer.network, None, _training_rows(trainer, max_rows))


def region_count_job(
    trainer: Trainer, max_rows: int | None, progress: Progress, cancel: threading.Event
) -> tuple[int, int | None]:
    """(epoch, regions met by the training rows) of a trainer copy, for the epochs plot."""
    return trainer.epoch, count_training_regions(trainer, max_rows)


def regions_job(
    trainer: Trainer, box, progress: Progress, cancel: threading.Event
) -> RegionsView | None:
    """The regions view of a trainer copy: the exact cells of ``box`` (one or two
    features; None: the data's range padded 5% each side, as the fit view) and the
    regions the training rows meet. None when cancelled.
    """
    spec = trainer.spec
    try:
        require_piecewise_linear(spec)
    except UserError as exc:
        return RegionsView(trainer.epoch, exact=False, reason=str(exc))
    net, sc = trainer.network, trainer.scaling
    rows = assign_regions(net, None, trainer.Xtrain)
    progress(0.3)
    view = RegionsView(
        trainer.epoch, True, output=output_kind(spec.head), n_regions_train=rows.count
    )
    if spec.n_inputs > 2:
        return view
    box = default_box(trainer.X) if box is None else np.asarray(box, dtype=np.float64)
    cells = partition(net, sc, box, cancel=cancel.is_set)
    if cells is None:
        return None
    progress(1.0)
    where = match_patterns(cells.patterns, rows.patterns)
    cell_rows = np.where(where >= 0, rows.rows[np.maximum(where, 0)], 0)
    return RegionsView(
        trainer.epoch,
        True,
        output=view.output,
        box=cells.box,
        partition=cells,
        cell_rows=cell_rows,
        n_cells=len(cells),
        n_regions_train=rows.count,
    )
