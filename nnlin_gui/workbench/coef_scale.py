"""Standardised coefficients: coefficient × sd(x) / sd(y), so that coefficients of columns
in different units (mtcars: weight in 1000 lb, displacement in cubic inches) can be
compared on one axis. For a class target the coefficient is on the log-odds scale and
only sd(x) applies ("log-odds per standard deviation of x").

The standard deviations are those of the training rows (the ones the network's own
standardisation uses).
"""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.networks.training import Trainer


def standardised_factors(trainer: Trainer) -> np.ndarray:
    """One factor per column of ``TrainingCurves.coef`` (W_z row by row, then b_z): the
    weights' sd(x)/sd(y), NaN for the intercepts (they have no standardised version)."""
    spec = trainer.spec
    regress = spec.head == "identity"
    if trainer.config.standardize:
        sx, sy = trainer.scaling.x_scale, trainer.scaling.y_scale
    else:
        rows = trainer.train_rows
        sx = _sd(trainer.X[rows])
        y = trainer.y[rows]
        sy = _sd(y.reshape(len(y), -1)) if regress else np.ones(spec.n_outputs)
    sy = np.broadcast_to(np.asarray(sy, dtype=np.float64), (spec.n_outputs,))
    weights = (np.asarray(sx, dtype=np.float64)[None, :] / sy[:, None]).ravel()
    return np.concatenate([weights, np.full(spec.n_outputs, np.nan)])


def _sd(A: np.ndarray) -> np.ndarray:
    sd = A.std(axis=0)
    return np.where(sd > 0, sd, 1.0)


def scale_label(trainer: Trainer) -> str:
    """What the standardised axis shows, in words."""
    if trainer.spec.head == "identity":
        return "coef × sd(x) / sd(y)"
    return "log-odds per sd(x)"
