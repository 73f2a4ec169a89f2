"""A self-contained HTML report of one fit: data, network, training curve, collapse table
(network coefficients next to OLS with SE, CI, t, p and the difference) and the OLS
assumption diagnostics with their plots drawn as inline SVG.

The file has no external references (no scripts, fonts, or images to fetch), so it opens
offline and can be mailed or graded. Used by ``nnlin report`` and by the GUI's export.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Sequence
from html import escape

import numpy as np

from nnlin_gui import __version__
from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.svgplot import PALETTE, Bars, Figure, HLine, Line, Points
from nnlin_gui.core.networks.collapse import best_affine_approximation
from nnlin_gui.core.networks.training import Trainer, TrainingResult

log = logging.getLogger(__name__)

__all__ = ["build_report", "write_report"]

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;
color:#222;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid
#ddd;padding-bottom:4px}h3{font-size:15px;margin-bottom:6px}
.meta{color:#666;font-size:13px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;
font-family:Menlo,Consolas,monospace}
.plots{display:flex;flex-wrap:wrap;gap:12px}.plots svg{border:1px solid #eee;max-width:100%;
height:auto}
.ok{color:#1a7f37;font-weight:bold}.warning{color:#b35900;font-weight:bold}
.violated{color:#c62828;font-weight:bold}.na{color:#777}
.note{background:#f7f7f7;border-left:3px solid #bbb;padding:6px 10px;font-size:13px}
"""


def _num(v, digits: int = 6) -> str:
    if v is None:
        return "&ndash;"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return escape(str(v))
    if not np.isfinite(f):
        return "&ndash;" if np.isnan(f) else ("&infin;" if f > 0 else "&minus;&infin;")
    return f"{f:.{digits}g}"


def _p(v) -> str:
    if v is None or not np.isfinite(v):
        return "&ndash;"
    return "&lt;1e-16" if v < 1e-16 else f"{v:.3g}"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    numeric_from: int = 1,
    text_cols: Sequence[int] = (),
) -> str:
    """An HTML table; header and cells are pre-formatted HTML strings. Columns from
    ``numeric_from`` on are right-aligned numbers, except those in ``text_cols``."""
    head = "".join(f"<th>{h}</th>" for h in header)
    thead = f"<thead><tr>{head}</tr></thead>" if header else ""
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>'
            if i >= numeric_from and i not in text_cols
            else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table>{thead}<tbody>{''.join(body)}</tbody></table>"


# ----------------------------------------------------------------------------- sections


def _data_section(ds: Dataset, trainer: Trainer, source: str) -> str:
    from nnlin_gui.core.statistics.numeric_range import mean_std

    rows = []
    for j, name in enumerate(ds.feature_names):
        col = ds.X[:, j]
        mean, sd = mean_std(col, ddof=1)  # no overflow for columns near 1e+-300
        rows.append(
            [escape(name), "feature", _num(mean), _num(sd), _num(col.min()), _num(col.max())]
        )
    y = ds.y
    mean, sd = mean_std(y, ddof=1)
    rows.append(
        [f"<b>{escape(ds.target_name)}</b>", "target", _num(mean), _num(sd),
         _num(y.min()), _num(y.max())]
    )  # fmt: skip
    facts = _table(
        [],
        [
            ["source", escape(source)],
            ["task", escape(ds.task)],
            ["rows used", str(ds.n_rows)],
            ["rows dropped (missing values)", str(ds.rows_dropped)],
            ["training / test rows", f"{len(trainer.train_rows)} / {len(trainer.test_rows)}"],
        ],
        numeric_from=2,
    )
    if ds.class_labels:
        facts += f"<p>Classes: {escape(', '.join(ds.class_labels))}</p>"
    stats = _table(["column", "role", "mean", "SD", "min", "max"], rows, numeric_from=2)
    return f"<h2>Data</h2>{facts}{stats}"


def _network_section(trainer: Trainer) -> str:
    spec = trainer.spec
    rows = [[str(i + 1), escape(lay.describe())] for i, lay in enumerate(spec.layers)]
    rows.append(["output", f"dense {spec.n_outputs} → {escape(spec.head)}"])
    layers = _table(["layer", "description"], rows, numeric_from=9)
    cfg = trainer.config
    settings = _table(
        ["setting", "value"],
        [
            ["inputs", str(spec.n_inputs)],
            ["parameters", str(trainer.network.n_params)],
            ["linear (all activations identity)", "yes" if spec.is_linear else "no"],
            ["optimizer", escape(cfg.optimizer)],
            ["learning rate", _num(cfg.learning_rate)],
            ["batch size", "full batch" if cfg.batch_size == 0 else str(cfg.batch_size)],
            ["L1 / L2", f"{_num(cfg.l1)} / {_num(cfg.l2)}"],
            ["test fraction", _num(cfg.test_fraction)],
            ["standardize", "yes" if cfg.standardize else "no"],
            ["seed", str(cfg.seed)],
        ],
        numeric_from=9,
    )
    return f"<h2>Network</h2><div class='plots'><div>{layers}</div><div>{settings}</div></div>"


def _training_section(trainer: Trainer, result: TrainingResult | None, solved: bool) -> str:
    h = trainer.history
    metrics = trainer.evaluate()
    parts = ["<h2>Training</h2>"]
    if solved:
        parts.append(
            "<p>Solved analytically: the weights were set so that the network equals the "
            "closed-form solution; no gradient descent.</p>"
        )
    else:
        epochs = trainer.epoch
        line = f"<p>{epochs} epochs"
        if result is not None:
            line += f" in {result.seconds:.2f} s ({result.samples_per_second:,.0f} samples/s)"
            if result.message:
                line += f". {escape(result.message)}"
        parts.append(line + ".</p>")
    parts.append(_table(["metric", "value"], [[escape(k), _num(v)] for k, v in metrics.items()]))
    if h.epochs:
        fig = Figure(
            title="Loss during training", xlabel="epoch", ylabel="loss (log scale)", logy=True
        )
        fig.add(Line(np.asarray(h.epochs), np.asarray(h.train_loss), "training", PALETTE[0]))
        test = np.asarray(h.test_loss, dtype=float)
        if np.isfinite(test).any():
            fig.add(Line(np.asarray(h.epochs), test, "test", PALETTE[1], dash="5 3"))
        parts.append(f"<div class='plots'>{fig.to_svg()}</div>")
    return "".join(parts)


def _baseline_rows(trainer: Trainer, base, col_W, col_b, names) -> tuple[list[str], list]:
    """Header and rows of the collapse table (network vs the baseline with its statistics)."""
    if base.classes:
        return _relative_baseline_rows(base, col_W, col_b, names)
    terms = ["const", *names]
    net = np.r_[col_b[0], col_W[0]]
    ref = np.r_[base.b[0], base.W[0]]
    res = base.result
    if base.kind == "ols":
        header = ["term", "network", "OLS", "SE", "95% CI", "t", "p", "network − OLS"]
        rows = []
        for i, term in enumerate(terms):
            lo, hi = res.conf_int[i]
            rows.append(
                [escape(term), _num(net[i], 8), _num(ref[i], 8), _num(res.bse[i], 4),
                 f"[{_num(lo, 5)}, {_num(hi, 5)}]", _num(res.tvalues[i], 4), _p(res.pvalues[i]),
                 _num(net[i] - ref[i], 3)]
            )  # fmt: skip
        return header, rows
    if base.kind == "logistic":
        header = ["term", "network", "logistic", "SE", "95% CI", "z", "p", "difference"]
        rows = []
        for i, term in enumerate(terms):
            se = float(res.bse[i])
            rows.append(
                [escape(term), _num(net[i], 8), _num(ref[i], 8), _num(se, 4),
                 f"[{_num(ref[i] - 1.959964 * se, 5)}, {_num(ref[i] + 1.959964 * se, 5)}]",
                 _num(ref[i] / se if se > 0 else None, 4), _p(res.pvalues[i]),
                 _num(net[i] - ref[i], 3)]
            )  # fmt: skip
        return header, rows
    header = ["term", "network", _baseline_name(base), "difference"]
    rows = [
        [escape(t), _num(net[i], 8), _num(ref[i], 8), _num(net[i] - ref[i], 3)]
        for i, t in enumerate(terms)
    ]
    return header, rows


def _relative_baseline_rows(base, W, b, names) -> tuple[list[str], list]:
    """A softmax network beside its multinomial baseline as the collapse table has it: one
    row per class other than the reference and term ("x [B vs A]"), both sides relative to
    the reference class, with the fit's Wald SE, CI, z and p where it has them."""
    from nnlin_gui.core.statistics.comparison import baseline_inference, coefficient_columns

    terms, net, ref = coefficient_columns(base, W, b, names)
    se, lo, hi, z, p = baseline_inference(base, len(ref))
    if not np.isfinite(se).any():  # the penalised fit: no standard errors
        header = ["term", "network", escape(_baseline_name(base)), "difference"]
        rows = [
            [escape(t), _num(net[i], 8), _num(ref[i], 8), _num(net[i] - ref[i], 3)]
            for i, t in enumerate(terms)
        ]
        return header, rows
    header = ["term", "network", "multinomial", "SE", "95% CI", "z", "p", "difference"]
    rows = [
        [escape(t), _num(net[i], 8), _num(ref[i], 8), _num(se[i], 4),
         f"[{_num(lo[i], 5)}, {_num(hi[i], 5)}]", _num(z[i], 4), _p(p[i]),
         _num(net[i] - ref[i], 3)]
        for i, t in enumerate(terms)
    ]  # fmt: skip
    return header, rows


def _relative_rows(W, b, classes: Sequence[str]) -> list:
    """A softmax's logits relative to ``classes[0]`` (no baseline to compare with): one
    row per other class, the constant then the slopes."""
    from nnlin_gui.core.statistics.multinomial import relative_to_reference

    Wr, br = relative_to_reference(W, b)
    return [
        [f"{escape(c)} vs {escape(classes[0])}", _num(br[k])] + [_num(w) for w in Wr[k]]
        for k, c in enumerate(classes)
        if k > 0
    ]


def _class_names(ds: Dataset, base, k: int) -> tuple[str, ...]:
    """The softmax's classes in output order (as the baseline names them)."""
    if base is not None and len(base.classes) == k:
        return tuple(base.classes)
    labels = tuple(str(c) for c in ds.class_labels)
    return labels if len(labels) == k else tuple(map(str, range(k)))


def _baseline_name(base) -> str:
    """The baseline as a reader calls it ("the weight-decay fit", not "weight_decay")."""
    from nnlin_gui.core.statistics.comparison import baseline_title

    return baseline_title(base)


def _collapse_section(trainer: Trainer, ds: Dataset) -> tuple[str, dict]:
    from nnlin_gui.core.errors import SpecError
    from nnlin_gui.core.statistics.fitting import baseline_difference, baseline_for

    names = list(ds.feature_names)
    col = trainer.collapse()
    parts = ["<h2>Collapse: the network as one linear map</h2>"]
    info: dict = {"collapsible": col.collapsible}
    try:
        base = baseline_for(trainer, names, ds.class_labels)
    except (SpecError, UserError) as exc:
        base = None
        parts.append(f"<p class='note'>No closed-form baseline: {escape(str(exc))}</p>")
    info["baseline"] = base
    if col.collapsible:
        chain = " &middot; ".join(
            f"{escape(s.name)} ({s.shape[0]}&times;{s.shape[1]})" for s in reversed(col.chain)
        )
        # A classifier's affine part gives the logits; the sigmoid or softmax follows.
        identity = trainer.spec.head == "identity"
        what = "the network is exactly <b>y" if identity else "the network's logits are <b>z"
        head = (
            "" if identity else f"; the {escape(trainer.spec.head)} turns them into probabilities"
        )
        parts.append(
            f"<p>All activations are the identity, so {what} = W<sub>z</sub> x + "
            "b<sub>z</sub></b> with W<sub>z</sub> = " + chain + head + ".</p>"
        )
        W, b = col.coefficients()
        # A softmax baseline: the table in the relative form, as the collapse panel has it.
        if base is not None and (W.shape[0] == 1 or base.classes):
            header, rows = _baseline_rows(trainer, base, W, b, names)
            diff = baseline_difference(base, W, b)
            if diff is None:
                diff = float(np.abs(np.r_[b - base.b, (W - base.W).ravel()]).max())
            info["max_abs_diff"] = diff
            parts.append(_table(header, rows))
            parts.append(
                f"<p>Largest difference between the network and {escape(_baseline_name(base))}"
                f": <b>{_num(diff, 3)}</b></p>"
            )
            if base.note:
                parts.append(f"<p class='note'>{escape(base.note)}</p>")
        elif trainer.spec.head == "softmax":
            classes = _class_names(ds, base, W.shape[0])
            parts.append(
                _table(
                    ["log-odds", "const", *(escape(n) for n in names)],
                    _relative_rows(W, b, classes),
                )
            )
            parts.append(
                "<p class='note'>A softmax's logits are defined up to a common row, so each "
                f"class is stated relative to the reference class {escape(classes[0])} (its "
                "logit is 0).</p>"
            )
        else:
            rows = [
                [f"output {o + 1}", _num(b[o])] + [_num(w) for w in W[o]] for o in range(W.shape[0])
            ]
            parts.append(_table(["", "b", *(escape(n) for n in names)], rows))
    else:
        approx = best_affine_approximation(trainer.raw_predict, ds.X[trainer.train_rows])
        info["linear_approx_r2"] = float(approx.r2)
        info["slope_spread"] = float(approx.slope_spread)
        parts.append(
            f"<p>The network does not collapse: {escape(_why_not(col.reason))}. The best "
            "affine map "
            f"explains <b>R&sup2; = {approx.r2:.4f}</b> of its output; the local slopes vary "
            f"by <b>{approx.slope_spread:.3g}</b> of their size across the data (0 for a "
            "linear network).</p>"
        )
        if base is not None and (approx.W.shape[0] == 1 or base.classes):
            header, rows = _baseline_rows(trainer, base, approx.W, approx.b, names)
            header[1] = "best affine map"
            header[-1] = "difference"
            parts.append(_table(header, rows))
    return "".join(parts), info


def _why_not(reason: str) -> str:
    """The collapse's reason without its own "cannot collapse: " (the sentence says it)."""
    prefix = "cannot collapse: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


def _fit_plot(trainer: Trainer, ds: Dataset, base) -> str:
    rows = trainer.train_rows
    X, y = ds.X[rows], ds.y[rows]
    if trainer.spec.head == "identity" and X.shape[1] == 1:
        fig = Figure(title="Data and fits", xlabel=ds.feature_names[0], ylabel=ds.target_name)
        fig.add(Points(X[:, 0], y, "data", "#555555", opacity=0.4))
        grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 300)[:, None]
        fig.add(Line(grid[:, 0], trainer.predict(grid), "network", PALETTE[0], width=2.5))
        if base is not None:
            fig.add(
                Line(grid[:, 0], grid @ base.W[0] + base.b[0], base.kind.upper(), PALETTE[1],
                     dash="6 4")
            )  # fmt: skip
        return fig.to_svg()
    if trainer.spec.head == "identity":
        fig = Figure(
            title="Predicted vs actual (training rows)",
            xlabel=f"actual {ds.target_name}",
            ylabel="predicted",
            equal_line=True,
        )
        fig.add(Points(y, trainer.predict(X), "network", PALETTE[0]))
        return fig.to_svg()
    if trainer.spec.head == "sigmoid" and base is not None:
        fig = Figure(
            title="P(class 1): network vs logistic regression",
            xlabel="logistic regression",
            ylabel="network",
            equal_line=True,
        )
        p_ref = 1.0 / (1.0 + np.exp(-(X @ base.W[0] + base.b[0])))
        fig.add(Points(p_ref, trainer.predict(X), "training rows", PALETTE[0]))
        return fig.to_svg()
    return ""


def _verdict(v: str) -> str:
    cls = {"ok": "ok", "warning": "warning", "violated": "violated"}.get(v, "na")
    return f"<span class='{cls}'>{escape(v)}</span>"


def _diagnostic_plots(plots: dict) -> str:
    figs = []
    rf = plots.get("residuals_vs_fitted")
    if rf:
        fig = Figure(title="Residuals vs fitted", xlabel="fitted", ylabel="residual",
                     width=420, height=300)  # fmt: skip
        fig.add(Points(rf["x"], rf["y"], "", PALETTE[0]))
        fig.add(HLine(0.0))
        fig.add(Line(rf["smooth_x"], rf["smooth_y"], "trend", PALETTE[1]))
        figs.append(fig)
    qq = plots.get("qq")
    if qq:
        fig = Figure(
            title="Normal Q-Q",
            xlabel="theoretical quantile",
            ylabel="standardized residual",
            width=420,
            height=300,
            equal_line=True,
        )
        fig.add(Points(qq["theoretical"], qq["sample"], "", PALETTE[0]))
        figs.append(fig)
    hist = plots.get("histogram")
    if hist:
        fig = Figure(title="Residual histogram", xlabel="residual", ylabel="density",
                     width=420, height=300)  # fmt: skip
        fig.add(Bars(hist["edges"], hist["density"], "residuals", PALETTE[0]))
        fig.add(Line(hist["normal_x"], hist["normal_y"], "normal", PALETTE[1]))
        figs.append(fig)
    acf = plots.get("acf")
    if acf and len(acf.get("lags", ())) > 1:
        fig = Figure(title="Autocorrelation of residuals (row order)", xlabel="lag",
                     ylabel="ACF", width=420, height=300)  # fmt: skip
        lags, r = np.asarray(acf["lags"])[1:], np.asarray(acf["acf"])[1:]
        fig.add(Bars(lags, r, "", PALETTE[0]))
        band = float(np.asarray(acf["band"]).ravel()[0])
        fig.add(HLine(band, PALETTE[1]))
        fig.add(HLine(-band, PALETTE[1]))
        fig.add(HLine(0.0, "#333333", ""))
        figs.append(fig)
    return "<div class='plots'>" + "".join(f.to_svg() for f in figs) + "</div>"


def _diagnostics_section(trainer: Trainer, ds: Dataset, collapsible: bool) -> str:
    try:
        from nnlin_gui.core.statistics.diagnostics import diagnose_ols, diagnose_residuals
    except ImportError as exc:  # the diagnostics package is optional for a report
        log.info("diagnostics unavailable: %s", exc)
        return ""
    rows = trainer.train_rows
    X, y = ds.X[rows], ds.y[rows]
    names = list(ds.feature_names)
    try:
        if collapsible:
            rep = diagnose_ols(X, y, names)
            what = "the OLS fit the network collapses to (training rows)"
        else:
            rep = diagnose_residuals(X, y, trainer.predict(X), names)
            what = "the network's residuals (training rows)"
    except UserError as exc:
        return f"<h2>OLS assumptions</h2><p class='note'>Not run: {escape(str(exc))}</p>"
    parts = [f"<h2>OLS assumptions</h2><p>Tests on {what}.</p>"]
    parts.append(
        _table(
            ["assumption", "verdict", "summary"],
            [[escape(a.name), _verdict(a.verdict), escape(a.summary)] for a in rep.assumptions],
            numeric_from=9,
        )
    )
    test_rows = []
    for a in rep.assumptions:
        for t in a.tests:
            test_rows.append(
                [escape(a.name), escape(t.name), _num(t.statistic, 5), _p(t.p_value),
                 _p(t.p_adjusted), _verdict(t.verdict), escape(t.message)]
            )  # fmt: skip
    parts.append("<h3>Tests</h3>")
    parts.append(
        "<p class='note'>p (raw): each test on its own. p (Holm-adjusted): corrected for all "
        "the p-values of this report at once; the verdicts use it (below 0.05 warning, below "
        "0.01 violated).</p>"
    )
    parts.append(
        _table(
            [
                "assumption",
                "test",
                "statistic",
                "p (raw)",
                "p (Holm-adjusted)",
                "verdict",
                "meaning",
            ],
            test_rows,
            numeric_from=2,
            text_cols=(5, 6),
        )
    )
    if rep.notes:
        parts.append("<div class='note'>" + "<br>".join(escape(n) for n in rep.notes) + "</div>")
    parts.append("<h3>Plots</h3>")
    parts.append(_diagnostic_plots(rep.plots.arrays))
    return "".join(parts)


# ---------------------------------------------------------------------------------- API


def build_report(
    dataset: Dataset,
    trainer: Trainer,
    *,
    result: TrainingResult | None = None,
    solved: bool = False,
    diagnostics: bool = True,
    title: str | None = None,
    source: str | None = None,
) -> str:
    """The HTML text of a report on ``trainer`` (trained or solved) and its ``dataset``.

    Parameters
    ----------
    dataset : the data the trainer was built on
    trainer : a trained (or analytically solved) ``Trainer``
    result : the last ``TrainingResult`` (timing and stop message), if any
    solved : the weights were set analytically
    diagnostics : include the OLS assumption tests and their plots (regression only)
    title : heading; default names the target and the source
    source : full data path or builtin string (``Dataset.source`` holds only a file name)
    """
    source = source or dataset.source
    title = title or f"nnlin report: {dataset.target_name} from {os.path.basename(source)}"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    collapse_html, info = _collapse_section(trainer, dataset)
    fit = _fit_plot(trainer, dataset, info.get("baseline"))
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p class='meta'>nnlin {escape(__version__)} &middot; {stamp}</p>",
        _data_section(dataset, trainer, source),
        _network_section(trainer),
        _training_section(trainer, result, solved),
        collapse_html,
    ]
    if fit:
        body.append(f"<h3>Fit</h3><div class='plots'>{fit}</div>")
    if diagnostics and trainer.spec.head == "identity":
        body.append(_diagnostics_section(trainer, dataset, info["collapsible"]))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta name='generator' content='nnlin {escape(__version__)}'>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def write_report(path: str | os.PathLike, html: str) -> None:
    """Write the report atomically (temporary file in the same folder, then rename).

    Raises
    ------
    UserError
        The file cannot be written.
    """
    path = os.fspath(path)
    tmp = f"{path}.part"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UserError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
