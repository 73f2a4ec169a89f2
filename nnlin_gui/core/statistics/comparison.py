"""The collapse set beside its closed-form baseline: the table, the headline and CSV export.

This is what the collapse panel shows; it is computed here, without Qt.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnlin_gui.core.networks.collapse import AffineApproximation, best_affine_approximation
from nnlin_gui.core.networks.training import Trainer
from nnlin_gui.core.statistics.fitting import Baseline, baseline_for, comparable

# A collapse counts as "reached" when every coefficient is within this share of the largest
# baseline coefficient (or of 1, for tiny coefficients).
COLLAPSED_RELATIVE = 1e-3

BASELINE_TITLES = {
    "ols": "linear regression (OLS)",
    "ridge": "ridge regression",
    "logistic": "logistic regression",
    "logistic_l2": "L2-penalised logistic regression",
    "weight_decay": "the weight-decay fit (a point on the ridge path, not ridge)",
    "logistic_weight_decay": "the weight-decay fit (a point on the L2 logistic path)",
    "multinomial": "multinomial logistic regression",
    "multinomial_l2": "L2-penalised multinomial logistic regression",
    "polynomial": "polynomial regression",
}
# Column headers and short names.
BASELINE_SHORT = {
    "ols": "OLS",
    "ridge": "ridge",
    "logistic": "logistic",
    "logistic_l2": "L2 logistic",
    "weight_decay": "weight decay",
    "logistic_weight_decay": "weight decay",
    "multinomial": "multinomial",
    "multinomial_l2": "L2 multinomial",
}


def baseline_title(base: Baseline) -> str:
    """The baseline named in a sentence (its own title, else the kind's)."""
    return base.title or BASELINE_TITLES.get(base.kind, base.kind)


@dataclass(frozen=True)
class CoefficientRow:
    """One term: the network's coefficient beside the baseline's with its inference."""

    name: str
    network: float
    baseline: float
    difference: float
    se: float
    ci_low: float
    ci_high: float
    t: float
    p: float


@dataclass(frozen=True)
class CollapseComparison:
    """Everything the collapse panel states about one trained network."""

    collapsible: bool
    reason: str
    baseline_kind: str
    rows: tuple[CoefficientRow, ...]
    max_abs_diff: float
    headline: str
    approximation: AffineApproximation | None = None
    baseline_title: str = ""
    baseline_note: str = ""


def baseline_inference(base: Baseline, p: int) -> tuple[np.ndarray, ...]:
    """(se, ci_low, ci_high, t, p) per term; NaN where the baseline has no inference (ridge).

    A multinomial fit gives them per class and term, flattened class by class (the
    reference class has none)."""
    from nnlin_gui.core.statistics.multinomial import MultinomialResult
    from nnlin_gui.core.statistics.regression import LogisticResult, OLSResult

    res = base.result
    if isinstance(res, MultinomialResult):
        return (
            res.bse.ravel(),
            res.conf_int[..., 0].ravel(),
            res.conf_int[..., 1].ravel(),
            res.zvalues.ravel(),
            res.pvalues.ravel(),
        )
    if base.kind in ("ols", "logistic") and isinstance(res, OLSResult | LogisticResult):
        bse = np.asarray(res.bse, dtype=float)
        params = np.asarray(res.params, dtype=float)
        pvals = np.asarray(res.pvalues, dtype=float)
        ci = getattr(res, "conf_int", None)
        if ci is None:
            ci = np.column_stack(
                [params - 1.959963984540054 * bse, params + 1.959963984540054 * bse]
            )
        ci = np.asarray(ci, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = params / bse
        return bse, ci[:, 0], ci[:, 1], t, pvals
    nan = np.full(p, np.nan)
    return nan, nan, nan, nan, nan


def coefficient_columns(
    base: Baseline, W: np.ndarray, b: np.ndarray, names: Sequence[str]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(terms, network, baseline) as the table lists them, ``"const"`` first.

    One output: the constant and the slopes. A softmax baseline: one row per class other
    than the reference and term, ``"x [k vs ref]"``, both sides relative to the reference
    class (its logit is 0; see ``fitting.comparable``), in the order of ``baseline_inference``.
    """
    terms = ["const", *map(str, names)]
    if base.classes:
        Wn, bn = comparable(base, W, b)
        Wr, br = comparable(base, base.W, base.b)
        net = np.column_stack([bn, Wn])[1:].ravel()
        ref = np.column_stack([br, Wr])[1:].ravel()
        ref_class = base.classes[0]
        terms = [f"{t} [{c} vs {ref_class}]" for c in base.classes[1:] for t in terms]
        return terms, net, ref
    W = np.atleast_2d(W)
    return terms, np.r_[np.ravel(b)[:1], W[0]], np.r_[np.ravel(base.b)[:1], base.W[0]]


def compare(
    trainer: Trainer, names: Sequence[str], base: Baseline | None = None
) -> CollapseComparison:
    """Compare ``trainer``'s network with its baseline (see ``fitting.baseline_for``).

    For a nonlinear network the table compares the best affine approximation instead and
    the headline says which layer prevents the collapse.
    """
    base = base or baseline_for(trainer, names)
    col = trainer.collapse()
    approx = None
    if col.collapsible:
        W, b = col.coefficients()
    else:
        approx = best_affine_approximation(trainer.raw_predict, trainer.X[trainer.train_rows])
        W, b = approx.W, approx.b
    terms, net, ref = coefficient_columns(base, W, b, names)
    diff = net - ref
    se, lo, hi, t, p = baseline_inference(base, len(ref))
    rows = tuple(
        CoefficientRow(
            str(n),
            float(net[i]),
            float(ref[i]),
            float(diff[i]),
            float(se[i]),
            float(lo[i]),
            float(hi[i]),
            float(t[i]),
            float(p[i]),
        )
        for i, n in enumerate(terms)
    )
    max_diff = float(np.abs(diff).max())
    return CollapseComparison(
        col.collapsible,
        col.reason,
        base.kind,
        rows,
        max_diff,
        headline(
            col.collapsible,
            col.reason,
            base.kind,
            max_diff,
            float(np.abs(ref).max()),
            approx,
            baseline_title(base),
        ),
        approx,
        baseline_title(base),
        base.note,
    )


def headline(
    collapsible: bool,
    reason: str,
    kind: str,
    max_diff: float,
    scale: float,
    approx: AffineApproximation | None = None,
    title: str | None = None,
) -> str:
    """The one sentence the panel leads with; ``title`` names the baseline (default: by
    ``kind``)."""
    title = title or BASELINE_TITLES.get(kind, kind)
    if not collapsible:
        share = f"; the best affine map explains R\u00b2 = {approx.r2:.3f}" if approx else ""
        return f"{reason}{share} of the network's output"
    if max_diff <= COLLAPSED_RELATIVE * max(1.0, scale):
        return f"the network has collapsed to {title} (largest difference {max_diff:.1g})"
    return (
        f"the network is a linear model still on its way to {title} "
        f"(largest difference {max_diff:.3g}): keep training"
    )


def to_csv(comparison: CollapseComparison) -> str:
    """The table as CSV text (header row first), for copying and export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "term",
            "network",
            comparison.baseline_kind,
            "difference",
            "std_err",
            "ci_low",
            "ci_high",
            "t",
            "p",
        ]
    )
    for r in comparison.rows:
        writer.writerow(
            [r.name]
            + [
                repr(float(v))
                for v in (r.network, r.baseline, r.difference, r.se, r.ci_low, r.ci_high, r.t, r.p)
            ]
        )
    return out.getvalue()
