"""What the current network amounts to: its collapse (or best affine approximation), the
closed-form baseline beside it, and its metrics; and the points the fit view draws.

Everything here is a plain function of a trainer that is not training (or of a copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.networks.collapse import (
    AffineApproximation,
    Collapse,
    best_affine_approximation,
)
from nnlin_gui.core.networks.training import Trainer
from nnlin_gui.core.statistics.fitting import Baseline, baseline_difference
from nnlin_gui.workbench.transforms import (
    NO_TRANSFORMS,
    FeatureTransforms,
    apply_transforms,
    base_features,
)

# Rows the fit view's scatter (more than two features) shows at most.
SCATTER_ROWS = 2000


@dataclass(frozen=True)
class Results:
    """The idle network's read-out.

    ``max_diff`` is the largest |difference| between the collapsed coefficients and the
    baseline's (None when either is missing).
    """

    epoch: int
    collapse: Collapse
    approximation: AffineApproximation | None = None
    baseline: Baseline | None = None
    max_diff: float | None = None
    metrics: dict = field(default_factory=dict)
    feature_names: tuple[str, ...] = ()
    target_name: str = ""

    @property
    def W(self) -> np.ndarray | None:
        if self.collapse.collapsible:
            return self.collapse.W
        return None if self.approximation is None else self.approximation.W

    @property
    def b(self) -> np.ndarray | None:
        if self.collapse.collapsible:
            return self.collapse.b
        return None if self.approximation is None else self.approximation.b


def max_difference(col: Collapse, base: Baseline | None) -> float | None:
    """Largest |collapse − baseline| over W and b (None when they cannot be compared);
    a softmax network is compared relative to the reference class (``fitting.comparable``)."""
    if base is None or not col.collapsible:
        return None
    W, b = col.coefficients()
    return baseline_difference(base, W, b)


def results_for(
    trainer: Trainer,
    dataset: Dataset,
    baseline: Baseline | None,
    approximation: AffineApproximation | None,
    metrics: dict,
) -> Results:
    """Assemble the read-out (cheap: the collapse is a product of small matrices)."""
    col = trainer.collapse()
    return Results(
        epoch=trainer.epoch,
        collapse=col,
        approximation=approximation,
        baseline=baseline,
        max_diff=max_difference(col, baseline),
        metrics=metrics,
        feature_names=dataset.feature_names,
        target_name=dataset.target_name,
    )


def approximate(trainer: Trainer, max_rows: int = 2000) -> AffineApproximation | None:
    """Best affine approximation of a nonlinear network (None for a linear one)."""
    if trainer.spec.is_linear:
        return None
    try:
        return best_affine_approximation(trainer.raw_predict, trainer.X, max_rows=max_rows)
    except (ValueError, np.linalg.LinAlgError):
        return None


def evaluate(trainer: Trainer) -> tuple[AffineApproximation | None, dict]:
    """The approximation and the full-data metrics (proportional to the rows)."""
    return approximate(trainer), trainer.evaluate()


@dataclass(frozen=True)
class FitProbe:
    """Points where the network is evaluated for the fit view (fixed for a run)."""

    X: np.ndarray  # (m, k) rows in original units


@dataclass(frozen=True)
class FitView:
    """How the fit view shows this dataset: 'curve' (one feature), 'heatmap' (two) or
    'scatter' (predicted against actual, ``actual`` holding the sampled rows' targets)."""

    mode: str
    probe: FitProbe
    actual: np.ndarray | None = None


def fit_view_for(dataset: Dataset, transforms: FeatureTransforms = NO_TRANSFORMS) -> FitView:
    """Where to evaluate the network for the fit view, by the number of features (of the
    table's own columns when ``transforms`` added some: x1, x2 with x1² still make a map)."""
    X = dataset.X
    transforms = transforms.restricted_to(dataset.feature_names)  # as dataset_for applied
    k = len(base_features(dataset, transforms)) if not transforms.empty else X.shape[1]
    if k < X.shape[1] and k in (1, 2):
        own = replace(dataset, X=X[:, :k], feature_names=dataset.feature_names[:k])
        view = fit_view_for(own)
        grid = replace(own, X=view.probe.X, y=np.zeros(len(view.probe.X)))
        # The probe rows get the same transformed columns as the data (they come last).
        return FitView(view.mode, FitProbe(apply_transforms(grid, transforms).X))
    k = X.shape[1]
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    if k == 1:
        return FitView("curve", FitProbe(np.linspace(lo[0], hi[0], 300)[:, None]))
    if k == 2:
        a, b = np.meshgrid(
            np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60), indexing="ij"
        )
        return FitView("heatmap", FitProbe(np.column_stack([a.ravel(), b.ravel()])))
    rows = np.arange(len(X))
    if len(rows) > SCATTER_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(len(X), SCATTER_ROWS, replace=False))
    return FitView("scatter", FitProbe(X[rows].copy()), dataset.y[rows].copy())


def predict_probe(trainer: Trainer, probe: FitProbe | None) -> np.ndarray | None:
    """Network outputs at the probe rows (first output / class-1 probability / class)."""
    if probe is None or len(probe.X) == 0:
        return None
    out = np.asarray(trainer.predict(probe.X), dtype=np.float64)
    if out.ndim == 2:
        out = out.argmax(axis=1).astype(np.float64) if out.shape[1] > 1 else out[:, 0]
    return out.copy()
