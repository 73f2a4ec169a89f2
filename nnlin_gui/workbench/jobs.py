"""Every background job of the window as a plain function of copied inputs.

A job has the signature ``job(..., progress, cancel)`` once its inputs are bound with
``functools.partial``: ``progress(fraction)`` reports 0..1, ``cancel`` is a
``threading.Event`` it checks at safe points. A job never touches the live trainer (it
gets ``Trainer.copy()``) or anything of the window, so it can be abandoned at any moment.
The CLI runs the same computations directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nnlin_gui.core.data.tables import Dataset, Table
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.session_fields import SessionError
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.fitting import Baseline, baseline_for, build_spec
from nnlin_gui.workbench.results import FitView, evaluate, fit_view_for, predict_probe
from nnlin_gui.workbench.sources import load_source, table_of_dataset
from nnlin_gui.workbench.transforms import NO_TRANSFORMS, FeatureTransforms, check_transforms

Progress = Callable[[float], None]

MAX_PAIR_EPOCHS = 5000  # keeps the linear-vs-nonlinear comparison to a few seconds

__all__ = [
    "MAX_PAIR_EPOCHS",
    "Model",
    "PairResult",
    "SessionBuild",
    "TrainedRun",
    "baseline_job",
    "build_model",
    "columns_job",
    "open_job",
    "Opened",
    "evaluation_job",
    "lesson_check_job",
    "load_source",
    "model_job",
    "polynomial_job",
    "report_job",
    "session_job",
    "train_pair",
]


# -- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """What a dataset, hidden layers and settings build: the network's spec, a fresh
    trainer (it standardises the rows: proportional to the data), the fit view, and the
    network the diagram draws."""

    spec: NetworkSpec
    trainer: Trainer
    fit: FitView
    diagram: Network
    first_fit: np.ndarray | None = None  # the fresh network at ``fit``'s probe rows


def build_model(dataset: Dataset, layers: Sequence[LayerSpec], config: TrainingConfig) -> Model:
    """Build everything for ``dataset`` (raises ``UserError`` with a one-line message)."""
    spec = build_spec(dataset, tuple(layers))
    trainer = Trainer(spec, dataset.X, dataset.y, config)
    fit = fit_view_for(dataset)
    # Predicted here (a job), not when the window adopts the model: 2,000 probe rows of a
    # 20,000-column table took 0.2 s of the GUI thread.
    first = predict_probe(trainer, fit.probe)
    return Model(spec, trainer, fit, Network(spec, seed=config.seed), first)


def model_job(
    dataset: Dataset,
    layers: tuple[LayerSpec, ...],
    config: TrainingConfig,
    progress: Progress,
    cancel: threading.Event,
) -> Model:
    return build_model(dataset, layers, config)


def baseline_job(
    trainer: Trainer,
    names: tuple[str, ...],
    progress: Progress,
    cancel: threading.Event,
    labels: tuple[str, ...] = (),
) -> Baseline:
    """The closed-form model the network is compared with (``trainer`` is a copy);
    ``labels`` name a softmax head's classes (the first is the reference)."""
    return baseline_for(trainer, names, labels)


def evaluation_job(trainer: Trainer, progress: Progress, cancel: threading.Event):
    """(best affine approximation, full-data metrics) of a copied trainer."""
    return evaluate(trainer)


@dataclass(frozen=True)
class Opened:
    """A table with the dataset and model built from it (all off the GUI thread)."""

    table: Table
    dataset: Dataset
    model: Model
    task: str | None
    features: tuple[str, ...] | None
    transforms: FeatureTransforms = NO_TRANSFORMS


def columns_job(
    table: Table,
    target: str | None,
    features: tuple[str, ...] | None,
    task: str | None,
    layers: tuple[LayerSpec, ...],
    config: TrainingConfig,
    progress: Progress,
    cancel: threading.Event,
    *,
    transforms: FeatureTransforms = NO_TRANSFORMS,
) -> Opened:
    """The dataset for these columns (``target`` None: the table's default), with the
    ``transforms``' columns added, and its model."""
    from nnlin_gui.workbench.sources import default_target
    from nnlin_gui.workbench.state import dataset_for

    dataset = dataset_for(table, target or default_target(table), features, task, transforms)
    model = build_model(dataset, layers, config)
    return Opened(table, dataset, model, task, features, transforms)


def open_job(
    source: str,
    target: str | None,
    features: tuple[str, ...] | None,
    layers: tuple[LayerSpec, ...],
    config: TrainingConfig,
    progress: Progress,
    cancel: threading.Event,
) -> Opened:
    """Read ``source`` and build its dataset and model: a dropped file in one job."""
    table = load_source(source, lambda f: progress(0.9 * f), cancel)
    opened = columns_job(table, target, features, None, layers, config, progress, cancel)
    progress(1.0)
    return opened


# -- sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionBuild:
    """A session file read, checked and built off the GUI thread, with what the views
    need: swapping it in is then only assignments and signals."""

    opened: object  # core.session.OpenedSession
    table: Table
    fit: FitView
    diagram: Network
    transforms: FeatureTransforms = NO_TRANSFORMS


def session_job(path: str, progress: Progress, cancel: threading.Event) -> SessionBuild:
    """Open ``path`` in full (``SessionError`` with one line when any part is wrong)."""
    from nnlin_gui.core.files.session import open_session

    opened = open_session(path)
    state = opened.state
    name = Path(path).name
    try:
        transforms, base = _saved_transforms(state.dataset, state.transforms)
    except UserError as exc:
        raise SessionError(f"{name}: {exc}") from None
    columns = state.dataset
    if len(base) < len(columns.feature_names):
        # The table holds the data's own columns: the transforms' ones are made from them.
        columns = replace(columns, X=columns.X[:, : len(base)], feature_names=base)
    try:
        return SessionBuild(
            opened,
            table_of_dataset(columns, state.source),
            fit_view_for(state.dataset, transforms),
            Network(state.spec, seed=state.config.seed),
            transforms,
        )
    except MemoryError:
        raise SessionError(f"{name}: too large to open with the memory available") from None


def _saved_transforms(
    dataset: Dataset, saved: Mapping[str, tuple[str, ...]]
) -> tuple[FeatureTransforms, tuple[str, ...]]:
    """A session's feature transforms and the columns they transform, the first of
    ``dataset``'s features (the file's counts and names of them are checked in core).

    Raises ``UserError`` when the last columns are not named as the transforms name them,
    or the transforms are more than the window allows.
    """
    spec = FeatureTransforms(**saved)  # keys: squares, products, sines
    names = dataset.feature_names
    added = spec.new_names(names)  # the spec's columns are all among the first ones
    base = names[: len(names) - len(added)]
    if base + added != names:
        raise SessionError(
            "the last columns of data.feature_names are not the ones data.transforms add "
            f"({', '.join(added[:3])}{', ...' if len(added) > 3 else ''})"
        )
    check_transforms(spec, base)
    return spec, base


# -- the panels' jobs -----------------------------------------------------------------------


def polynomial_job(
    X: np.ndarray, y: np.ndarray, degree: int, names, progress: Progress, cancel
) -> tuple:
    """OLS on the powers of each feature up to ``degree``: (result, degree)."""
    from nnlin_gui.core.statistics.regression import fit_polynomial

    return fit_polynomial(X, y, degree, names), degree


def lesson_check_job(
    trainer: Trainer, dataset: Dataset, solved: bool, diagnostics: bool, ui: dict, progress, cancel
) -> dict:
    """The state a lesson step's check reads, from a copied trainer."""
    from nnlin_gui.core.files.lessons import lesson_state

    return lesson_state(trainer, dataset, solved=solved, diagnostics=diagnostics, ui=ui)


def report_job(
    dataset: Dataset, trainer: Trainer, result, solved: bool, source: str, path: str,
    progress, cancel,
) -> str:  # fmt: skip
    """Build the HTML report of a copied trainer and write it to ``path``."""
    from nnlin_gui.core.files.report import build_report, write_report

    html = build_report(dataset, trainer, result=result, solved=solved, source=source)
    write_report(path, html)
    return path


@dataclass(frozen=True)
class TrainedRun:
    """One network of the pair: its loss curve and its predictions."""

    activation: str
    epochs: np.ndarray
    train_loss: np.ndarray
    final_loss: float
    r2: float | None
    fit: np.ndarray  # predictions at ``PairResult.probe`` (1 feature) or at the data rows


@dataclass(frozen=True)
class PairResult:
    """Both runs plus what the fit plot needs."""

    linear: TrainedRun
    nonlinear: TrainedRun
    mode: str  # 'curve' (one feature) or 'scatter' (predicted against actual)
    probe: np.ndarray  # x grid (curve) or actual y (scatter)
    data_x: np.ndarray
    data_y: np.ndarray


def train_pair(dataset, layers, config, activation: str, progress, cancel: threading.Event):
    """Train ``layers`` with identity and with ``activation`` (task thread).

    Returns None when cancelled.
    """
    cfg = replace(config, epochs=min(config.epochs, MAX_PAIR_EPOCHS), progress_interval=1e9)
    X, y = dataset.X, dataset.y
    one = X.shape[1] == 1
    rows = np.arange(len(y))
    if len(rows) > 2000:
        rows = np.sort(np.random.default_rng(0).choice(len(y), 2000, replace=False))
    if one:
        probe = np.linspace(X[:, 0].min(), X[:, 0].max(), 300)
        at = probe[:, None]
    else:
        probe = y[rows]
        at = X[rows]
    runs = []
    for i, act in enumerate(("identity", activation)):
        hidden = tuple(replace(lay, activation=act) for lay in layers)
        trainer = Trainer(build_spec(dataset, hidden), X, y, cfg)
        trainer.run(stop=cancel)
        if cancel.is_set():
            return None
        h = trainer.history
        metrics = trainer.evaluate()
        pred = np.asarray(trainer.predict(at), dtype=float)
        runs.append(
            TrainedRun(
                act,
                np.asarray(h.epochs, dtype=float),
                np.asarray(h.train_loss, dtype=float),
                float(h.train_loss[-1]) if h.train_loss else float("nan"),
                metrics.get("train_r2"),
                pred if pred.ndim == 1 else pred[:, 0],
            )
        )
        progress((i + 1) / 2)
    return PairResult(
        runs[0],
        runs[1],
        "curve" if one else "scatter",
        probe,
        X[rows, 0].copy() if one else y[rows].copy(),
        y[rows].copy(),
    )
