"""Every number the window prints about the current state, computed in one place.

The toolbar's epoch and loss, the collapse headline, the read-out's caption and metrics:
each view used to build its own text from whatever signal it last saw, so some lagged
(epoch 0 beside a live equation, "untrained" after Solve). ``readout`` derives all of
them from the workbench as it is now, during a run (from the newest streamed points) and
at rest (from the results), so every view shows the same, current numbers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.statistics.comparison import COLLAPSED_RELATIVE, baseline_title
from nnlin_gui.core.statistics.fitting import baseline_difference
from nnlin_gui.workbench.state import Workbench

# Verdicts of the collapse headline.
COLLAPSED, ON_ITS_WAY, CANNOT, WAITING = "collapsed", "on its way", "cannot collapse", "waiting"


@dataclass(frozen=True)
class Headline:
    """The collapse result in one line: ``verdict`` (one of the constants above),
    ``text`` (plain), ``max_diff`` (None when there is nothing to compare)."""

    verdict: str
    text: str
    max_diff: float | None = None


@dataclass(frozen=True)
class Readout:
    """What the views print; all plain text."""

    epoch: int
    epoch_text: str  # "Epoch 1,200" / "Epoch 0 · solved"
    loss_text: str  # "train MSE 0.902 · test MSE 0.846" / "untrained"
    caption: str  # "Network (epoch 1,200)"
    metrics_text: str  # "train R² 0.8543, MSE 0.902 · test R² 0.846, MSE 0.91"
    headline: Headline


def readout(wb: Workbench, training: bool) -> Readout:
    """The read-outs of ``wb`` now (``training``: a run is streaming into its curves)."""
    curves = wb.curves
    epoch = (
        int(curves.epochs[-1])
        if len(curves)
        else (wb.trainer.epoch if wb.trainer is not None else 0)
    )
    solved = wb.solved and not training
    epoch_text = f"Epoch {epoch:,}" + (" · solved" if solved else "")
    metrics = _metrics(wb, training)
    return Readout(
        epoch=epoch,
        epoch_text=epoch_text,
        loss_text=_loss_text(wb, metrics),
        caption=f"Network (epoch {epoch:,})",
        metrics_text=_metrics_text(metrics),
        headline=headline(wb, training),
    )


def _metrics(wb: Workbench, training: bool) -> dict:
    """Train/test MSE and R² (or accuracy): from the newest streamed loss while training,
    else the idle results' (which also cover a solve, whose loss is not in the curves)."""
    trainer, curves = wb.trainer, wb.curves
    results = wb.results
    idle = dict(results.metrics) if results is not None else {}
    if trainer is None:
        return {}
    if (not training and idle) or not len(curves) or (wb.solved and not training):
        return idle  # a solve's loss is not in the curves: the results have it
    units = trainer.loss_units
    out: dict = {}
    if units.name != "MSE":
        out["train_loss"] = float(curves.train_loss[-1])
        test = float(curves.test_loss[-1])
        if test == test:
            out["test_loss"] = test
        return out
    # The network trains on the target standardised over the training rows, so its
    # training loss is the MSE over var(y_train): R² = 1 − loss.
    train = float(curves.train_loss[-1])
    out["train_mse"] = train * units.factor
    out["train_r2"] = 1.0 - train
    test = float(curves.test_loss[-1])
    if test == test:  # not NaN: there are test rows
        out["test_mse"] = test * units.factor
        var = _test_variance(trainer)
        if var > 0:
            out["test_r2"] = 1.0 - out["test_mse"] / var
    return out


_variances: dict[int, tuple[object, float]] = {}


def _test_variance(trainer) -> float:
    """var(y) over the test rows, once per trainer (the rows never change during a run)."""
    key = id(trainer)
    hit = _variances.get(key)
    if hit is not None and hit[0] is trainer.test_rows:
        return hit[1]
    rows = trainer.test_rows
    value = float(np.var(trainer.y[rows])) if len(rows) else 0.0
    _variances.clear()  # one trainer at a time: no growth
    _variances[key] = (rows, value)
    return value


def _loss_text(wb: Workbench, metrics: dict) -> str:
    if "train_mse" in metrics:
        text = f"train MSE {metrics['train_mse']:.4g}"
        if "test_mse" in metrics:
            text += f" · test MSE {metrics['test_mse']:.4g}"
        return text
    if "train_loss" in metrics and wb.trainer is not None and wb.trainer.loss_units.name != "MSE":
        name = wb.trainer.loss_units.name
        text = f"train {name} {metrics['train_loss']:.4g}"
        if "test_loss" in metrics:
            text += f" · test {metrics['test_loss']:.4g}"
        return text
    if "train_accuracy" in metrics:
        return f"train accuracy {100 * metrics['train_accuracy']:.1f}%"
    return "solved · measuring the loss…" if wb.solved else "untrained"


def _metrics_text(m: dict) -> str:
    parts = []
    for part in ("train", "test"):
        if f"{part}_r2" in m:
            parts.append(f"{part} R² {m[f'{part}_r2']:.4f}, MSE {m[f'{part}_mse']:.4g}")
        elif f"{part}_mse" in m:
            parts.append(f"{part} MSE {m[f'{part}_mse']:.4g}")
        elif f"{part}_accuracy" in m:
            parts.append(f"{part} accuracy {100 * m[f'{part}_accuracy']:.1f}%")
        elif f"{part}_loss" in m:
            parts.append(f"{part} loss {m[f'{part}_loss']:.4g}")
    return " · ".join(parts)


def headline(wb: Workbench, training: bool) -> Headline:
    """Collapsed / on its way / cannot collapse, with the largest difference."""
    trainer, base = wb.trainer, wb.baseline
    if trainer is None:
        return Headline(WAITING, "Load data to build a network")
    spec = trainer.spec
    if not spec.is_linear:
        i, bad = next((i, s) for i, s in enumerate(spec.layers) if s.activation != "identity")
        text = f"Cannot collapse: layer {i + 1} uses {bad.activation}"
        results = wb.results
        ap = results.approximation if results is not None and not training else None
        if ap is not None:
            text += f" · best affine map R² = {ap.r2:.3f}"
        return Headline(CANNOT, text)
    if base is None:
        why = wb.baseline_error
        text = "A linear network: one affine map · " + (
            f"no closed-form comparison ({why})" if why else "waiting for the closed-form fit…"
        )
        return Headline(WAITING, text)
    diff = _max_diff(wb, training)
    title = baseline_title(base)
    if diff is None:
        return Headline(WAITING, f"A linear network: one affine map · compared with {title}")
    scale = max(float(np.abs(base.W).max(initial=0.0)), float(np.abs(base.b).max(initial=0.0)))
    if diff <= COLLAPSED_RELATIVE * max(1.0, scale):
        return Headline(
            COLLAPSED, f"Network collapsed to {title} · largest difference {diff:.1g}", diff
        )
    return Headline(ON_ITS_WAY, f"On its way to {title} · largest difference {diff:.3g}", diff)


def _max_diff(wb: Workbench, training: bool) -> float | None:
    """Largest |collapse − baseline|: from the newest streamed coefficients during a run,
    else from the results."""
    base = wb.baseline
    if training and base is not None and len(wb.curves.coef_epochs):
        row = np.asarray(wb.curves.coef[-1])
        W = np.shape(base.W)
        if len(row) != W[0] * W[1] + np.size(base.b):
            return None
        return baseline_difference(base, row[: W[0] * W[1]].reshape(W), row[W[0] * W[1] :])
    results = wb.results
    return None if results is None else results.max_diff


def data_summary(table, dataset) -> str:
    """The data panel's summary (rich text) for the current target and features.

    The table's own summary names the target it guessed when the file was read; after
    the user picks another target that line and the two columns' roles are rewritten.
    """
    ds = dataset
    task = {
        "regression": "regression",
        "binary": "binary classification",
        "multiclass": f"classification, {len(ds.class_labels)} classes",
    }.get(ds.task, ds.task)
    k = len(ds.feature_names)
    words = [
        f"Predicting <b>{html.escape(ds.target_name)}</b> from {k} "
        f"feature{'s' if k != 1 else ''} ({task}), {ds.n_rows:,} rows used."
    ]
    if ds.rows_dropped:
        words.append(f"{ds.rows_dropped:,} rows with missing values were dropped.")
    text = " ".join(words)
    if table is not None:
        details = html.escape("; ".join(_column_lines(table.summary, ds)), quote=False)
        text += f"<br><i>{details}</i>"
    return text


# Columns the summary describes one by one; wider tables end with a count (a 20,000-column
# table made a 3.7 s label).
MAX_COLUMN_LINES = 40


def _column_lines(summary, ds) -> list[str]:
    # Sets: checking every column against every feature name was O(k^2).
    feats = set(ds.feature_names)
    dummies = {f.split("[", 1)[0] for f in ds.feature_names if "[" in f}

    def used(name: str) -> bool:
        return name in feats or name in dummies

    lines = [line for line in summary.lines(columns=False) if not line.startswith("target ")]
    lines.append(f"target {ds.target_name!r} ({ds.task})")
    shown = [c for c in summary.columns[:MAX_COLUMN_LINES]]
    if not any(c.name == ds.target_name for c in shown):
        shown += [c for c in summary.columns if c.name == ds.target_name]
    for c in shown:
        if c.name == ds.target_name:
            lines.append(c.describe() if c.role == "target" else f"column {c.name!r}: target")
        elif c.role == "target":
            lines.append(
                f"column {c.name!r}: " + ("numeric feature" if used(c.name) else "not used")
            )
        elif c.role in ("feature", "categorical") and not used(c.name):
            lines.append(f"column {c.name!r}: not used (unticked)")
        else:
            lines.append(c.describe())
    more = len(summary.columns) - len(shown)
    if more > 0:
        lines.append(f"… and {more:,} more columns")
    return lines
