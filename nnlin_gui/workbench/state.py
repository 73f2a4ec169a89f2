"""The state a user has and the rules for changing it, without Qt or threads.

A ``Workbench`` holds the table, the dataset built from it, the hidden layers, the
training settings, the model (spec, trainer, fit view, diagram), the closed-form baseline,
the read-out and the curves. Every change is validated in full before anything is
replaced: the ``check_*`` and ``*_for`` methods raise ``UserError`` with one sentence and
change nothing; the ``adopt_*`` methods only assign what was already validated and built.
The window's controller calls them from its GUI thread (cheap: work proportional to the
data happens in ``workbench.jobs``); tests call them directly.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnlin_gui.core.data.tables import Dataset, Table
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.network import LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig, TrainingResult
from nnlin_gui.core.statistics.fitting import Baseline, solve_to_baseline
from nnlin_gui.core.statistics.numeric_range import check_network_range
from nnlin_gui.workbench.curves import TrainingCurves
from nnlin_gui.workbench.jobs import Model
from nnlin_gui.workbench.results import (
    FitView,
    Results,
    fit_view_for,
    predict_probe,
    results_for,
)
from nnlin_gui.workbench.sources import choosable_columns
from nnlin_gui.workbench.transforms import NO_TRANSFORMS, FeatureTransforms, apply_transforms
from nnlin_gui.workbench.undo import Current, WeightHistory, WeightState

DEFAULT_SOURCE = "builtin:linear"
DEFAULT_LAYERS = (LayerSpec("dense", 4, "identity"), LayerSpec("dense", 4, "identity"))
# Full-batch Adam reaches the OLS solution to ~1e-7 in 300 epochs on the linear set.
DEFAULT_CONFIG = TrainingConfig(
    optimizer="adam", learning_rate=0.03, batch_size=0, epochs=300, progress_interval=1 / 200
)
# rows x parameters (or rows x columns) above which work leaves the GUI thread (~30 ms)
LARGE_WORK = 3_000_000


def dataset_for(
    table: Table,
    target: str,
    features,
    task: str | None = None,
    transforms: FeatureTransforms = NO_TRANSFORMS,
) -> Dataset:
    """The dataset for these columns (with the ``transforms``' columns added), checked for
    a network in double precision.

    Raises
    ------
    UserError
        Unknown or unusable columns, a task the target cannot have, values a network cannot
        train on (near 1e+-308).
    """
    base = table.to_dataset(target, features, task=task)
    # A column that is no longer a feature loses its transforms (and gets them back later).
    dataset = apply_transforms(base, transforms.restricted_to(base.feature_names))
    check_network_range(
        dataset.X, dataset.y, dataset.feature_names, dataset.target_name, dataset.task
    )
    return dataset


def check_layers(layers: tuple[LayerSpec, ...]) -> None:
    """Raise ``UserError`` naming the first hidden layer that is not valid."""
    for i, layer in enumerate(layers):
        layer.validate(i)


def is_large(dataset: Dataset, n_params: int = 1) -> bool:
    """Whether work on ``dataset`` would stall a window (it then runs as a job)."""
    return dataset.n_rows * max(dataset.X.shape[1], n_params) > LARGE_WORK


class Workbench:
    """Everything the user has; see the module's docstring for the rules."""

    def __init__(self) -> None:
        self.table: Table | None = None
        self.dataset: Dataset | None = None
        # The user's regression/classification choice (None: the data's default) and the
        # feature columns the dataset was built from (None: all).
        self.task_choice: str | None = None
        self.feature_choice: tuple[str, ...] | None = None
        # Squares, products and sines added to the chosen features (workbench.transforms).
        self.transforms: FeatureTransforms = NO_TRANSFORMS
        self.layers: tuple[LayerSpec, ...] = DEFAULT_LAYERS
        self.config: TrainingConfig = DEFAULT_CONFIG
        self.model: Model | None = None
        self.baseline: Baseline | None = None
        self.baseline_error: str | None = None
        self.results: Results | None = None
        self.curves = TrainingCurves()
        self.latest_fit: np.ndarray | None = None
        self.last_result: TrainingResult | None = None
        self.solved = False
        # Bumped whenever the parameters change other than by training (reset, solve, edit).
        self.param_version = 0
        # (param_version, epoch) -> (approximation, metrics) of the idle trainer.
        self.evaluated: tuple | None = None
        self.weight_history = WeightHistory()  # Undo/Redo of runs, reset, solve, edits
        self._model_data: Dataset | None = None  # the dataset the model was built on

    # -- what there is ----------------------------------------------------------------------

    @property
    def spec(self) -> NetworkSpec | None:
        return None if self.model is None else self.model.spec

    @property
    def trainer(self) -> Trainer | None:
        return None if self.model is None else self.model.trainer

    @property
    def fit(self) -> FitView | None:
        return None if self.model is None else self.model.fit

    @property
    def diagram(self) -> Network | None:
        return None if self.model is None else self.model.diagram

    @property
    def results_key(self) -> tuple[int, int] | None:
        """What the read-out depends on besides the baseline: the parameters and epoch."""
        trainer = self.trainer
        return None if trainer is None else (self.param_version, trainer.epoch)

    # -- rules: each returns what to build, or raises UserError and changes nothing ----------

    def columns_for_target(self, target: str) -> tuple[str, ...] | None:
        """The features after choosing ``target``: the roles swap (the old target becomes
        a feature, the new one leaves them), in file order. None: every other column."""
        if self.dataset is None or self.table is None:
            return None
        old = self.dataset
        columns = choosable_columns(self.table)
        # The chosen columns, not the dataset's inputs: a text column's inputs are its
        # one-hot levels ("species[versicolor]"), and transformed inputs are rebuilt.
        chosen = self.feature_choice
        if chosen is None:
            used = (c.name for c in self.table.summary.columns if c.used)
            chosen = tuple(n for n in used if n != old.target_name)
        kept = [f for f in chosen if f != target]
        if old.target_name in columns:
            kept.append(old.target_name)
        order = {name: i for i, name in enumerate(columns)}
        return tuple(sorted(kept, key=lambda f: order.get(f, len(order)))) or None

    def features_without_target(self, features: tuple[str, ...]) -> tuple[str, ...]:
        """``features`` minus the target; ``UserError`` when nothing is left."""
        assert self.dataset is not None
        feats = tuple(f for f in features if f != self.dataset.target_name)
        if not feats:
            raise UserError("Choose at least one feature column.")
        return feats

    def config_restarts(self, config: TrainingConfig) -> bool:
        """Whether ``config`` needs a new trainer (a new split or scaling), not just new
        settings for the running one (learning rate, penalties, epochs: as the Playground)."""
        old = self.config
        return (old.seed, old.test_fraction, old.standardize) != (
            config.seed,
            config.test_fraction,
            config.standardize,
        )

    # -- changes (already validated and built) -----------------------------------------------

    def adopt_data(
        self,
        table: Table,
        dataset: Dataset,
        task: str | None,
        features: tuple[str, ...] | None,
        transforms: FeatureTransforms = NO_TRANSFORMS,
    ) -> None:
        self.table, self.dataset = table, dataset
        self.task_choice, self.feature_choice = task, features
        self.transforms = transforms

    def adopt_model(self, model: Model) -> None:
        """Use a freshly built model: new curves, no baseline until it is fitted."""
        if not self.transforms.empty and self.dataset is not None:
            # The fit view over the table's own columns (a map of x1, x2 with x1², x2²).
            fit = fit_view_for(self.dataset, self.transforms)
            model = replace(model, fit=fit, first_fit=None)
        self._keep_replaced_model(model)
        self.model = model
        self._model_data = self.dataset
        self.layers = tuple(model.spec.layers)
        self.baseline, self.baseline_error = None, None
        self.param_version += 1
        self.restart_curves(model.first_fit)

    def _keep_replaced_model(self, new: Model) -> None:
        """A new network on the same (small) data is a step Undo takes back; other data
        starts a new history (the copies belong to the previous data)."""
        old, data = self.model, self.dataset
        if old is None or data is None or self._model_data is not data or is_large(data):
            self.weight_history.clear()
            return
        layers = tuple(old.spec.layers)
        label = "network change" if layers != tuple(new.spec.layers) else "new settings"
        config = replace(old.trainer.config, progress_interval=self.config.progress_interval)
        self.weight_history.record_model(label, Current(old, layers, config, self.solved))

    def adopt_config(self, config: TrainingConfig) -> None:
        """New settings for the current trainer (the caller checked it is idle)."""
        self.config = config
        if self.trainer is not None:
            self.trainer.set_config(
                replace(config, progress_interval=self.trainer.config.progress_interval)
            )

    def restart_curves(self, first_fit: np.ndarray | None = None) -> None:
        """Curves rebuilt from the trainer's history (a new model, a reset, a session);
        ``first_fit``: the network's outputs at the probe rows when a job computed them."""
        trainer = self.trainer
        assert trainer is not None
        self.solved = False
        n_coef = trainer.spec.n_outputs * (trainer.spec.n_inputs + 1)
        self.curves = TrainingCurves.from_history(trainer.history, n_coef)
        self.last_result = None
        self.sync_views(first_fit)

    def sync_views(self, first_fit: np.ndarray | None = None) -> None:
        """Copy the idle trainer's parameters and fit to what the views read."""
        trainer = self.trainer
        assert trainer is not None
        fit = self.fit
        if first_fit is not None:
            self.latest_fit = first_fit
        else:
            self.latest_fit = predict_probe(trainer, None if fit is None else fit.probe)
        if self.diagram is not None:
            self.diagram.theta[...] = trainer.network.theta

    def take_progress(self, update) -> None:
        """Add a running trainer's report (``TrainingUpdate``: copied arrays) to the views."""
        self.curves.extend_loss(update.epochs, update.train_loss, update.test_loss)
        for epoch, row in zip(update.coef_epochs, update.coef, strict=True):
            self.curves.add_coefficient_row(int(epoch), row)
        if update.fit is not None:
            self.latest_fit = update.fit
        diagram = self.diagram
        if diagram is not None and len(update.theta) == len(diagram.theta):
            diagram.theta[...] = update.theta

    def reset_weights(self) -> None:
        assert self.trainer is not None
        self.remember("Reset")
        self.trainer.reset()
        self.param_version += 1
        self.restart_curves()

    def solve(self) -> None:
        """Set the weights to the baseline (balanced under weight decay).

        Raises
        ------
        UserError
            A nonlinear network, no baseline (with the reason), or a bottleneck.
        """
        trainer = self.trainer
        assert trainer is not None
        if not trainer.spec.is_linear:
            i, bad = next(
                (i, lay)
                for i, lay in enumerate(trainer.spec.layers)
                if lay.activation != "identity"
            )
            raise UserError(
                f"Cannot solve analytically: layer {i + 1} uses {bad.activation}. "
                "Make all layers identity first."
            )
        if self.baseline is None:
            raise UserError(
                f"Cannot solve analytically: {self.baseline_error or 'no baseline yet'}"
            )
        kept = self.remember("Solve analytically")
        try:
            solve_to_baseline(trainer, self.baseline)
        except UserError:
            if kept:
                self.weight_history.forget_last()  # nothing changed after all
            raise
        self.param_version += 1
        self.solved = True
        col = trainer.collapse()
        if col.collapsible:
            self.curves.add_coefficients(trainer.epoch, *col.coefficients())
        self.sync_views()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set weight (i, j) of ``network.layers[layer]`` (a dense layer's matrix)."""
        assert self.trainer is not None
        W = getattr(self.trainer.network.layers[layer], "W", None)
        if W is None or not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise UserError("That weight cannot be edited.")
        if not np.isfinite(value):
            raise UserError("A weight must be a finite number.")
        self.remember("weight edit")
        W[i, j] = value
        self.param_version += 1
        self.sync_views()

    # -- undo and redo of the weights ---------------------------------------------------------

    def remember(self, label: str) -> bool:
        """Keep the trainer as it is before ``label`` (a run, Reset...) changes it."""
        if self.trainer is None:
            return False
        return self.weight_history.record(label, self.trainer, self.solved)

    def undo_weights(self) -> WeightState | None:
        """Back to the weights (or network) before the last change; None when nothing."""
        return self._restore(self.weight_history.undo)

    def redo_weights(self) -> WeightState | None:
        return self._restore(self.weight_history.redo)

    def _restore(self, step) -> WeightState | None:
        if self.model is None:
            return None
        state = step(Current(self.model, self.layers, self.config, self.solved))
        if state is None:
            return None
        if state.model is not None:  # the network, its settings and its trained state
            assert state.config is not None
            self.model, self.layers, self.config = state.model, state.layers, state.config
            self.baseline, self.baseline_error = None, None
        else:
            trainer = state.trainer
            # Today's settings (a learning rate changed since): what Train would use.
            config = replace(self.config, progress_interval=trainer.config.progress_interval)
            trainer.set_config(config)
            self.model = replace(self.model, trainer=trainer)
        self.param_version += 1
        self.restart_curves()
        self.solved = state.solved
        return state

    # -- the read-out ------------------------------------------------------------------------

    def cached_evaluation(self) -> tuple | None:
        """(approximation, metrics) of the idle trainer when already computed."""
        if self.evaluated is not None and self.evaluated[0] == self.results_key:
            return self.evaluated[1:]
        return None

    def remember_evaluation(self, key: tuple[int, int] | None, approx, metrics: dict) -> bool:
        """Keep an evaluation if it is still of the current parameters; True when kept."""
        if key is None or key != self.results_key:
            return False
        self.evaluated = (key, approx, metrics)
        return True

    def update_results(self, approx=None, metrics: dict | None = None) -> Results | None:
        """The read-out of the idle trainer (the collapse now; metrics when known)."""
        trainer, ds = self.trainer, self.dataset
        if trainer is None or ds is None:
            return None
        self.results = results_for(trainer, ds, self.baseline, approx, metrics or {})
        return self.results
