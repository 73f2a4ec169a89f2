"""``nnlin diagnose``: every OLS assumption test, for OLS and optionally a network."""

from __future__ import annotations

import argparse
import math

from nnlin_gui.commands.common import (
    add_data_arguments,
    add_task_argument,
    check_network_data,
    feature_list,
    int_list,
    write_json,
)
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.activations import ACTIVATION_NAMES

# Two p columns: say which is which and which one the verdicts use.
P_LEGEND = (
    "p raw is each test on its own; p Holm is adjusted for all the report's p-values at "
    "once, and the verdicts use it (below 0.05 WARNING, below 0.01 VIOLATED)."
)
_MARK = {"ok": "ok", "warning": "WARNING", "violated": "VIOLATED", "not applicable": "n/a"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "diagnose",
        help="test every OLS assumption (collinearity, variance, independence, ...)",
        description="Fit OLS and test collinearity, homoskedasticity, independence, "
        "normality, linearity and influence; with --layers, also test a trained network's "
        "residuals.",
    )
    add_data_arguments(p)
    add_task_argument(p)
    p.add_argument(
        "--lags", type=int, default=4, help="lags for Breusch-Godfrey and Ljung-Box (default 4)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed for sub-sampling and training")
    p.add_argument(
        "--layers",
        help="hidden widths of a network to train and diagnose too, e.g. 8,8 ('none' = no "
        "hidden layer)",
    )
    p.add_argument(
        "--activation",
        default="identity",
        choices=ACTIVATION_NAMES,
        help="network activation (default identity)",
    )
    p.add_argument("--epochs", type=int, default=500, help="network training epochs (default 500)")
    p.add_argument("--json", metavar="PATH|-", help="write the report as JSON")
    p.add_argument("--plots", action="store_true", help="include plot data in the JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnlin_gui.core.data.roles import is_number_text
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols

    if args.lags < 1:
        raise UserError("--lags must be at least 1")
    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task=args.task
    )
    if dataset.task == "multiclass":
        # Class codes 0..K-1 are labels, not amounts: a linear model of them means nothing.
        numbers = all(is_number_text(label) for label in dataset.class_labels)
        hint = " (use --task regression to treat its values as numbers)" if numbers else ""
        raise UserError(
            f"diagnose tests a linear model of a numeric or 0/1 target; "
            f"{dataset.target_name!r} has {len(dataset.class_labels)} classes{hint}"
        )
    ols = diagnose_ols(dataset.X, dataset.y, dataset.feature_names, lags=args.lags, seed=args.seed)
    payload = {"data": args.data, "target": dataset.target_name}
    payload.update(ols.to_dict(include_plots=args.plots))
    network = None
    if args.layers is not None:
        network, info = _network_report(dataset, args)
        payload["network"] = {**info, **network.to_dict(include_plots=args.plots)}
    if args.json:
        write_json(payload, args.json)
    else:
        print(format_report(ols, f"OLS on {args.data} (target {dataset.target_name})"))
        if network is not None:
            print()
            print(format_report(network, f"network {payload['network']['description']}"))
    return 0


def _network_report(dataset, args: argparse.Namespace):
    from nnlin_gui.core.statistics.diagnostics import diagnose_residuals
    from nnlin_gui.core.statistics.fitting import fit_network

    layers = int_list(args.layers, "--layers")
    check_network_data(dataset)
    trainer, result = fit_network(
        dataset, layers, args.activation, epochs=args.epochs, seed=args.seed
    )
    if result is not None and result.diverged:
        raise UserError(f"the network diverged ({result.message}); try a smaller learning rate")
    fitted = trainer.predict(dataset.X)
    report = diagnose_residuals(
        dataset.X,
        dataset.y,
        fitted,
        dataset.feature_names,
        source="network",
        lags=args.lags,
        seed=args.seed,
    )
    widths = "-".join(str(w) for w in layers) or "no hidden layer"
    info = {
        "layers": layers,
        "activation": args.activation,
        "epochs": args.epochs,
        "description": f"{widths}, {args.activation}, {args.epochs} epochs",
    }
    return report, info


def _num(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return f"{v:.4g}"


def format_report(report, title: str) -> str:
    """Plain-text table: one block per assumption, one line per test."""
    lines = [f"{title}: {report.n} rows, {report.k} features"]
    for a in report.assumptions:
        lines.append(f"{a.name:<18} {_MARK[a.verdict]}")
        for t in a.tests:
            df = (
                "-"
                if t.df is None
                else (",".join(map(str, t.df)) if isinstance(t.df, tuple) else t.df)
            )
            lines.append(
                f"  {t.name:<38}{_num(t.statistic):>11}  df {df!s:<8} "
                f"p raw {_num(t.p_value):>9}  p Holm {_num(t.p_adjusted):>9}  {_MARK[t.verdict]}"
            )
        worst = next((t for t in a.tests if t.verdict == a.verdict != "ok"), None)
        if worst is not None:  # one explanation per assumption keeps the table readable
            lines.append(f"  -> {worst.message}")
    for note in report.notes:
        lines.append(f"note: {note}")
    lines.append(f"note: {P_LEGEND}")
    return "\n".join(lines)
