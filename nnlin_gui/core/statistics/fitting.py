"""One fit from start to finish: build the network for a dataset, train or solve it, and
compare its collapse with the right closed-form baseline (OLS, ridge, logistic, multinomial
logistic for a softmax head, or the weight-decay point of the ridge path for a deep network
trained with L2).

Used by ``nnlin fit``, ``nnlin diagnose`` and the GUI's self-test; the GUI itself drives a
``Trainer`` step by step.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import SpecError
from nnlin_gui.core.networks.collapse import Collapse, best_affine_approximation
from nnlin_gui.core.networks.network import LayerSpec, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig, TrainingResult

if TYPE_CHECKING:  # the fits are imported when first needed
    from nnlin_gui.core.statistics.multinomial import MultinomialL2Fit, MultinomialResult
    from nnlin_gui.core.statistics.regression import LogisticResult, OLSResult, RidgeResult
    from nnlin_gui.core.statistics.weight_decay import WeightDecayFit


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
    """The closed-form model a network's collapse is compared with, in original units.

    ``kind`` is 'ols', 'logistic' (no penalty), 'ridge' / 'logistic_l2' (L2 without a
    hidden layer: ``μ = λ``) or 'weight_decay' / 'logistic_weight_decay' (L2 on a dense
    chain of ``n_matrices`` ≥ 2: a point of the ridge, or penalised-logistic, path at ``mu``);
    for a softmax head 'multinomial' (no penalty) or 'multinomial_l2' (L2 on one weight
    matrix), with ``classes`` the class labels: a softmax's logits matter only up to a common
    row, so such a baseline is compared relative to ``classes[0]`` (see ``comparable``).
    ``title`` names it in a sentence; ``note`` says what the penalty amounts to.
    """

    kind: str
    W: np.ndarray  # (n_outputs, k)
    b: np.ndarray  # (n_outputs,)
    result: (
        OLSResult
        | RidgeResult
        | LogisticResult
        | WeightDecayFit
        | MultinomialResult
        | MultinomialL2Fit
    )
    title: str = ""
    note: str = ""
    mu: float | None = None  # the ridge penalty used, in the network's units
    n_matrices: int = 1
    classes: tuple[str, ...] = ()  # softmax: the class labels, the reference first

    @property
    def reference(self) -> str | None:
        """The class the coefficients are relative to (None: not a softmax baseline)."""
        return self.classes[0] if self.classes else None


def comparable(
    base: Baseline | None, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` in the form compared with ``base``: relative to the reference class for a
    softmax baseline (row k minus row 0), as they are otherwise."""
    if base is not None and base.classes:
        from nnlin_gui.core.statistics.multinomial import relative_to_reference

        return relative_to_reference(W, b)
    return np.atleast_2d(W), np.atleast_1d(b)


def baseline_difference(base: Baseline, W: np.ndarray, b: np.ndarray) -> float | None:
    """Largest |network − baseline| over W and b in the compared form (None: other shapes)."""
    W, b = np.atleast_2d(np.asarray(W, dtype=np.float64)), np.atleast_1d(b)
    if W.shape != np.shape(base.W) or b.shape != np.shape(np.ravel(base.b)):
        return None
    Wn, bn = comparable(base, W, b)
    Wr, br = comparable(base, base.W, np.ravel(base.b))
    return float(max(np.abs(Wn - Wr).max(initial=0.0), np.abs(bn - br).max(initial=0.0)))


def weight_matrices(spec: NetworkSpec) -> int:
    """``L``: the weight matrices a dense chain multiplies (hidden layers + output)."""
    return len(spec.layers) + 1


def _no_baseline_reason(trainer: Trainer) -> str | None:
    """Why no closed-form model is what this network trains towards (None: there is one)."""
    spec, cfg = trainer.spec, trainer.config
    L = weight_matrices(spec)
    if spec.head == "softmax" and cfg.l1 == 0 and cfg.l2 > 0 and L > 1:
        return (
            f"with L2 on {L} weight matrices the penalty on a softmax network's collapse is "
            f"{L}λ Σ σ_i(W_z)^(2/{L}) (a Schatten quasi-norm), not ridge; this program has no "
            "closed form for it with several outputs"
        )
    if cfg.l1 > 0:
        what = (
            ("an L1-penalised multinomial fit" if spec.head == "softmax" else "lasso on W_z")
            if L == 1
            else f"the penalty {L}·l1·‖W_z‖₁^(1/{L}) on W_z (not lasso, and not OLS)"
        )
        return (
            f"L1 on every weight matrix amounts to {what}; this program has no closed form "
            "for it, and gradient descent with L1 does not settle exactly"
        )
    if cfg.l2 > 0 and any(lay.kind != "dense" for lay in spec.layers):
        return (
            "weight decay on a residual block or a convolution penalises its own parameters, "
            "not a function of W_z this program can solve (it is not ridge)"
        )
    return None


def _penalised_baseline(trainer: Trainer, names: Sequence[str]) -> Baseline:
    """L2 > 0: ridge for one weight matrix, else the weight-decay point of the ridge path."""
    from nnlin_gui.core.statistics import regression
    from nnlin_gui.core.statistics.weight_decay import fit_weight_decay, penalty_formula

    lam, L = trainer.config.l2, weight_matrices(trainer.spec)
    Xs, ys = trainer.Xtrain, trainer.Ytrain[:, 0]
    logistic = trainer.spec.head == "sigmoid"
    res: RidgeResult | WeightDecayFit
    if L == 1 and not logistic:
        # Training penalises weights in standardised units, so ridge is solved there too.
        res = regression.fit_ridge(Xs, ys, lam, names=names)
        coef, intercept = np.asarray(res.coef), res.intercept
        kind, title = "ridge", "ridge regression"
        note = f"L2 = {lam:g} on the one weight matrix is ridge with μ = λ (standardised units)"
        mu = lam
    else:
        res = fit_weight_decay(Xs, ys, lam, L, "cross_entropy" if logistic else "mse", tuple(names))
        coef, intercept, mu = res.coef, res.intercept, res.mu
        kind, title, note = _weight_decay_words(res, logistic, penalty_formula(L))
    W, b = trainer.scaling.affine_to_original(coef[None, :], np.array([intercept]))
    return Baseline(kind, W, b, res, title, note, mu if np.isfinite(mu) else None, L)


def _weight_decay_words(res, logistic: bool, formula: str) -> tuple[str, str, str]:
    """(kind, title, note) for a ``WeightDecayFit``."""
    from nnlin_gui.core.statistics.weight_decay import mu_formula

    lam, L = res.lam, res.n_matrices
    path = "L2-penalised logistic path" if logistic else "ridge path"
    if L == 1:
        return (
            "logistic_l2",
            "L2-penalised logistic regression",
            f"L2 = {lam:g} on the one weight matrix is logistic regression with the "
            "penalty λ‖w‖² (μ = λ, standardised units)",
        )
    kind = "logistic_weight_decay" if logistic else "weight_decay"
    head = f"weight decay on {L} weight matrices = penalty {formula} (λ = {lam:g})"
    if res.is_zero:
        title = "the weight-decay fit: W_z = 0"
        note = f"{head}: here the penalty outweighs the fit, so the optimum is W_z = 0"
    else:
        title = f"the weight-decay fit: the {path} at μ = {res.mu:.4g}"
        if not logistic:
            title += ", not ridge"
        note = (
            f"{head}: a point on the {path} (μ = {mu_formula(L)} = {res.mu:.4g}, "
            "standardised units), "
            f"not {'the L2 logistic fit' if logistic else 'ridge'} with μ = λ"
        )
    if L >= 3 and not res.is_zero:
        note += (
            f"; zero weights are also a local minimum (objective {res.zero_objective:.4g} "
            f"against {res.objective:.4g})"
        )
    elif res.other_minima:
        note += f"; a nonzero local minimum also exists (objective {res.other_minima[0][1]:.4g})"
    return kind, title, note


def _multinomial_baseline(trainer: Trainer, names: Sequence[str], labels: Sequence[str]):
    """A softmax head: multinomial logistic regression relative to the first class (no
    penalty), or the L2-penalised multinomial fit for one weight matrix with L2 = λ."""
    from nnlin_gui.core.errors import DataError
    from nnlin_gui.core.statistics import multinomial

    K = trainer.spec.n_outputs
    classes = tuple(str(c) for c in labels) if len(labels) == K else tuple(map(str, range(K)))
    ref = f"relative to class {classes[0]}"
    rows = trainer.train_rows
    lam = trainer.config.l2
    try:
        if lam > 0:
            res: multinomial.MultinomialResult | multinomial.MultinomialL2Fit
            res = multinomial.fit_multinomial_l2(
                trainer.Xtrain, trainer.y[rows], lam, K, names, classes
            )
            W, b = trainer.scaling.affine_to_original(res.coef, res.intercept)
            note = (
                f"L2 = {lam:g} on the one weight matrix penalises all {K} rows of W "
                "(standardised units): the penalised multinomial fit, compared " + ref
            )
            return Baseline(
                "multinomial_l2",
                W,
                b,
                res,
                f"L2-penalised multinomial logistic regression ({ref})",
                note,
                lam,
                1,
                classes,
            )
        res = multinomial.fit_multinomial(
            trainer.X[rows], trainer.y[rows], names, classes, n_classes=K
        )
    except DataError as exc:
        raise SpecError(str(exc)) from None
    W = np.vstack([np.zeros((1, len(names))), res.params[:, 1:]])
    b = np.r_[0.0, res.params[:, 0]]
    note = (
        f"a softmax's logits are defined up to a common row, so both are stated {ref} "
        f"(its logit is 0), as R's nnet::multinom"
    )
    return Baseline(
        "multinomial", W, b, res, f"multinomial logistic regression ({ref})", note, None, 1, classes
    )


def baseline_for(trainer: Trainer, names: Sequence[str], labels: Sequence[str] = ()) -> Baseline:
    """The model the trainer's network converges to when it is linear, in original units.

    OLS (logistic regression for a binary target, multinomial logistic regression relative
    to the first class for a softmax head) without penalties; with L2 = λ on every weight
    matrix, ridge (L2 logistic, L2 multinomial) with μ = λ for one weight matrix and the
    weight-decay point of the ridge (L2 logistic) path for a dense chain of several (see
    ``core.weight_decay``). ``labels`` name a softmax head's classes.

    Raises
    ------
    SpecError
        L1 penalties, L2 on residual or convolution layers and on softmax chains of several
        matrices: there is no closed-form comparison, and the message says what the penalty
        is instead; separable classes (no maximum likelihood estimate).
    """
    from nnlin_gui.core.statistics import regression

    reason = _no_baseline_reason(trainer)
    if reason is not None:
        raise SpecError(reason)
    if trainer.spec.head == "softmax":
        return _multinomial_baseline(trainer, names, labels)
    if trainer.config.l2 > 0:
        return _penalised_baseline(trainer, names)
    rows = trainer.train_rows
    X, y = trainer.X[rows], trainer.y[rows]
    if trainer.spec.head == "sigmoid":
        logit = regression.fit_logistic(X, y, names)
        return Baseline(
            "logistic",
            np.asarray(logit.params[1:])[None, :],
            np.asarray(logit.params[:1]),
            logit,
            "logistic regression",
        )
    ols = regression.fit_ols(X, y, names)
    return Baseline(
        "ols",
        np.asarray(ols.params[1:])[None, :],
        np.asarray(ols.params[:1]),
        ols,
        "linear regression (OLS)",
    )


def solve_to_baseline(trainer: Trainer, base: Baseline) -> None:
    """Set the trainer's weights so its collapse is ``base``.

    With a penalty the factors are balanced (``collapse.solve_balanced``), so the network
    sits where training with that penalty rests; without one the first layer takes the
    smallest change that reaches the target (``Trainer.solve``).
    """
    from nnlin_gui.core.networks.collapse import solve_balanced

    if base.mu is not None or base.kind in ("weight_decay", "logistic_weight_decay"):
        A, c = trainer.scaling.affine_to_standard(base.W, base.b)
        solve_balanced(trainer.network, A, c)
    # After a balanced solve this only corrects rounding; it also records the new state.
    trainer.solve((base.W, base.b))


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
        solve_to_baseline(
            trainer, baseline_for(trainer, dataset.feature_names, dataset.class_labels)
        )
        return trainer, None
    return trainer, trainer.run()


def _named(names: Sequence[str], values: np.ndarray) -> dict[str, float]:
    return {str(n): float(v) for n, v in zip(names, values, strict=True)}


def _report_baseline(
    report: dict, trainer: Trainer, dataset: Dataset, names: Sequence[str]
) -> Baseline | None:
    """Fill ``report["baseline"]`` (kind, the ridge penalty ``mu`` it used, and why) and
    the OLS / logistic / multinomial summaries; returns the baseline, or None when there is
    none."""
    try:
        base = baseline_for(trainer, names, dataset.class_labels)
    except SpecError as exc:
        report["baseline"] = {"kind": "none", "reason": str(exc)}
        return None
    info: dict = {"kind": base.kind, "title": base.title}
    res = base.result
    if base.classes:
        from nnlin_gui.core.statistics.multinomial import MultinomialL2Fit, MultinomialResult

        assert isinstance(res, MultinomialResult | MultinomialL2Fit)
        info.update(reference_class=base.classes[0], note=base.note)
        if isinstance(res, MultinomialResult):
            report["multinomial"] = res.to_dict()
        else:
            info.update(l2=trainer.config.l2, mu=base.mu, weight_matrices=1, fit=res.to_dict())
        W, b = comparable(base, base.W, base.b)
        info["params"] = _relative_table(base.classes, names, W, b)
        report["baseline"] = info
        return base
    if base.kind in ("ols", "logistic"):
        from nnlin_gui.core.statistics.regression import LogisticResult, OLSResult

        assert isinstance(res, OLSResult | LogisticResult)  # what fit_ols / fit_logistic give
        report[base.kind] = res.to_dict()
    else:
        from nnlin_gui.core.statistics.weight_decay import WeightDecayFit

        info.update(
            l2=trainer.config.l2, mu=base.mu, weight_matrices=base.n_matrices, note=base.note
        )
        if isinstance(res, WeightDecayFit):  # a ridge fit has no summary of its own
            info["fit"] = res.to_dict()
        if trainer.spec.head == "identity":
            from nnlin_gui.core.statistics.regression import fit_ols

            rows = trainer.train_rows
            report["ols"] = fit_ols(dataset.X[rows], dataset.y[rows], names).to_dict()
    info["params"] = {"const": float(base.b[0]), **_named(names, base.W[0])}
    report["baseline"] = info
    return base


def _relative_table(
    classes: Sequence[str], names: Sequence[str], W: np.ndarray, b: np.ndarray
) -> dict:
    """{class: {"const": b_k, feature: W_k}} for every class but the reference (row 0)."""
    return {
        str(c): {"const": float(b[k]), **_named(names, W[k])}
        for k, c in enumerate(classes)
        if k > 0
    }


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
    return report_of_fit(dataset, trainer, result, seconds=time.perf_counter() - t0)


def report_of_fit(
    dataset: Dataset, trainer: Trainer, result: TrainingResult | None, seconds: float = 0.0
) -> dict:
    """``fit_report`` of a network already trained (``result``) or solved (None) on
    ``dataset``; ``seconds`` is how long solving took."""
    solve = result is None
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
            "seconds": seconds if result is None else result.seconds,
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
    base = _report_baseline(report, trainer, dataset, names)
    if col.collapsible:
        W, b = col.coefficients()
        report["collapse"]["W"] = _named(names, W[0]) if W.shape[0] == 1 else W.tolist()
        report["collapse"]["b"] = float(b[0]) if b.shape[0] == 1 else b.tolist()
        if base is not None and base.classes:
            Wr, br = comparable(base, W, b)
            report["collapse"]["reference_class"] = base.classes[0]
            report["collapse"]["relative"] = _relative_table(base.classes, names, Wr, br)
        diff = None if base is None else baseline_difference(base, W, b)
        if base is not None and diff is not None:
            report["collapse"]["max_abs_diff_to_baseline"] = diff
            report["collapse"][f"max_abs_diff_to_{base.kind}"] = diff
    else:
        approx = best_affine_approximation(trainer.raw_predict, dataset.X[trainer.train_rows])
        report["linear_approx"] = {
            "r2": float(approx.r2),
            "slope_spread": float(approx.slope_spread),
            "W": _named(names, approx.W[0]),
            "b": float(approx.b[0]),
        }
    return report
