"""One fit from start to finish: build the network for a dataset, train or solve it, and
compare its collapse with the right closed-form baseline (OLS, ridge or logistic).

Used by ``nnlin fit``, ``nnlin diagnose`` and the GUI's self-test; the GUI itself drives a
``Trainer`` step by step.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.collapse import Collapse, best_affine_approximation
from nnlin_gui.core.data import Dataset
from nnlin_gui.core.errors import SpecError
from nnlin_gui.core.network import LayerSpec, NetworkSpec
from nnlin_gui.core.training import Trainer, TrainingConfig, TrainingResult


def head_for_task(task: str, n_classes: int = 2) -> tuple[str, int]:
    """(head, n_outputs) for a dataset task."""
    if task == "binary":
        return "sigmoid", 1
    if task == "multiclass":
        return "softmax", max(n_classes, 2)
    return "identity", 1


def build_spec(
    dataset: Dataset, layers: Sequence[int | LayerSpec], activation: str = "identity"
) -> NetworkSpec:
    """A network for ``dataset``: hidden ``layers`` (widths or LayerSpecs) and its head."""
    n_classes = len(np.unique(dataset.y)) if dataset.task == "multiclass" else 2
    head, n_out = head_for_task(dataset.task, n_classes)
    hidden = tuple(
        lay if isinstance(lay, LayerSpec) else LayerSpec("dense", int(lay), activation)
        for lay in layers
    )
    return NetworkSpec(dataset.X.shape[1], hidden, n_out, head)


@dataclass(frozen=True)
class Baseline:
    """The closed-form model a network's collapse is compared with, in original units."""

    kind: str  # 'ols', 'ridge' or 'logistic'
    W: np.ndarray  # (n_outputs, k)
    b: np.ndarray  # (n_outputs,)
    result: object  # OLSResult, RidgeResult or LogisticResult


def baseline_for(trainer: Trainer, names: Sequence[str]) -> Baseline:
    """OLS on the training rows; ridge (same penalty scaling as training) when L2 > 0;
    logistic regression for a binary target. Multi-class has no baseline here."""
    from nnlin_gui.core import regression

    rows = trainer.train_rows
    X, y = trainer.X[rows], trainer.y[rows]
    head = trainer.spec.head
    if head == "sigmoid":
        res = regression.fit_logistic(X, y, names)
        return Baseline(
            "logistic", np.asarray(res.params[1:])[None, :], np.asarray(res.params[:1]), res
        )
    if head != "identity":
        raise SpecError("multi-class networks have no closed-form baseline to compare with")
    l2 = trainer.config.l2
    if l2 > 0:
        # Training penalises weights in standardised units, so ridge is solved there too.
        Xs, ys = trainer.Xtrain, trainer.Ytrain[:, 0]
        res = regression.fit_ridge(Xs, ys, l2, names=names)
        W, b = trainer.scaling.affine_to_original(
            np.asarray(res.coef)[None, :], np.array([res.intercept])
        )
        return Baseline("ridge", W, b, res)
    res = regression.fit_ols(X, y, names)
    return Baseline("ols", np.asarray(res.params[1:])[None, :], np.asarray(res.params[:1]), res)


def fit_network(
    dataset: Dataset,
    layers: Sequence[int | LayerSpec] = (8, 8),
    activation: str = "identity",
    *,
    solve: bool = False,
    config: TrainingConfig | None = None,
    **settings,
) -> tuple[Trainer, TrainingResult | None]:
    """Build and train (or, with ``solve``, set analytically) a network on ``dataset``.

    ``settings`` are ``TrainingConfig`` fields (epochs, learning_rate, seed, ...).
    Returns the trainer (predict with ``trainer.predict(X)``) and the training result
    (None when solved).
    """
    cfg = config or TrainingConfig(**settings)
    trainer = Trainer(build_spec(dataset, layers, activation), dataset.X, dataset.y, cfg)
    if solve:
        base = baseline_for(trainer, dataset.feature_names)
        trainer.solve((base.W, base.b))
        return trainer, None
    return trainer, trainer.run()


def _named(names: Sequence[str], values: np.ndarray) -> dict[str, float]:
    return {str(n): float(v) for n, v in zip(names, values, strict=True)}


def fit_report(
    dataset: Dataset,
    layers: Sequence[int | LayerSpec] = (8, 8),
    activation: str = "identity",
    *,
    solve: bool = False,
    **settings,
) -> dict:
    """Everything ``nnlin fit --json`` prints, as plain JSON-ready values."""
    t0 = time.perf_counter()
    trainer, result = fit_network(dataset, layers, activation, solve=solve, **settings)
    names = dataset.feature_names
    metrics = trainer.evaluate() if result is None else result.metrics
    report: dict = {
        "data": {
            "path": dataset.source,
            "rows_used": dataset.n_rows,
            "rows_dropped": int(dataset.rows_dropped),
            "rows_train": int(len(trainer.train_rows)),
            "rows_test": int(len(trainer.test_rows)),
            "target": dataset.target_name,
            "features": list(names),
            "task": dataset.task,
        },
        "network": {
            "layers": [lay.describe() for lay in trainer.spec.layers],
            "activations": [lay.activation for lay in trainer.spec.layers],
            "head": trainer.spec.head,
            "parameter_count": trainer.network.n_params,
            "spec": trainer.spec.to_dict(),
        },
        "training": {
            "solved_analytically": solve,
            "epochs_run": 0 if result is None else result.epochs_run,
            "seconds": time.perf_counter() - t0 if result is None else result.seconds,
            "samples_per_second": 0.0 if result is None else result.samples_per_second,
            "diverged": False if result is None else result.diverged,
            "early_stopped": False if result is None else result.early_stopped,
            "message": "" if result is None else result.message,
            **{k: float(v) for k, v in metrics.items()},
        },
    }
    col: Collapse = trainer.collapse()
    report["collapse"] = {
        "collapsible": col.collapsible,
        "reason": col.reason,
        "chain": [{"name": s.name, "shape": list(s.shape)} for s in col.chain],
    }
    base = None
    if trainer.spec.head in ("identity", "sigmoid"):
        base = baseline_for(trainer, names)
        report["baseline"] = {"kind": base.kind}
        if base.kind == "ols":
            report["ols"] = base.result.to_dict()
        elif base.kind == "ridge":
            from nnlin_gui.core.regression import fit_ols

            rows = trainer.train_rows
            report["ols"] = fit_ols(dataset.X[rows], dataset.y[rows], names).to_dict()
            report["baseline"]["l2"] = trainer.config.l2
        else:
            report["logistic"] = base.result.to_dict()
        report["baseline"]["params"] = {"const": float(base.b[0]), **_named(names, base.W[0])}
    if col.collapsible:
        report["collapse"]["W"] = _named(names, col.W[0]) if col.W.shape[0] == 1 else col.W.tolist()
        report["collapse"]["b"] = float(col.b[0]) if col.b.shape[0] == 1 else col.b.tolist()
        if base is not None:
            diff = np.abs(np.r_[col.b - base.b, (col.W - base.W).ravel()])
            report["collapse"]["max_abs_diff_to_baseline"] = float(diff.max())
            report["collapse"][f"max_abs_diff_to_{base.kind}"] = float(diff.max())
    else:
        approx = best_affine_approximation(trainer.raw_predict, dataset.X[trainer.train_rows])
        report["linear_approx"] = {
            "r2": float(approx.r2),
            "slope_spread": float(approx.slope_spread),
            "W": _named(names, approx.W[0]),
            "b": float(approx.b[0]),
        }
    return report
