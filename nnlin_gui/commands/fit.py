"""``nnlin fit``: train (or solve) a network and compare its collapse with OLS."""

from __future__ import annotations

import argparse
import math

from nnlin_gui.commands.common import add_data_arguments, feature_list, int_list, write_json
from nnlin_gui.core.activations import ACTIVATION_NAMES
from nnlin_gui.core.optimizers import OPTIMIZERS


def register(subparsers) -> None:
    p = subparsers.add_parser("fit", help="train a network, collapse it, compare with OLS")
    add_data_arguments(p)
    p.add_argument("--layers", default="8,8", help="hidden widths, e.g. 8,8 (default 8,8)")
    p.add_argument("--activation", default="identity", choices=ACTIVATION_NAMES)
    p.add_argument("--optimizer", default="adam", choices=OPTIMIZERS)
    p.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--batch-size", type=int, default=32, help="0 = full batch")
    p.add_argument("--l1", type=float, default=0.0)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--test-fraction", type=float, default=0.2)
    p.add_argument("--patience", type=int, default=0, help="early stopping patience (0 = off)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--solve", action="store_true", help="set the weights analytically to OLS")
    p.add_argument("--json", metavar="PATH|-", help="write the full result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnlin_gui.core.data import load_dataset
    from nnlin_gui.core.fitting import fit_report

    dataset = load_dataset(args.data, target=args.target, features=feature_list(args.features))
    report = fit_report(
        dataset,
        int_list(args.layers, "--layers"),
        args.activation,
        solve=args.solve,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        epochs=args.epochs,
        batch_size=args.batch_size,
        l1=args.l1,
        l2=args.l2,
        test_fraction=args.test_fraction,
        patience=args.patience,
        seed=args.seed,
    )
    if args.json:
        write_json(report, args.json)
    else:
        print(format_report(report))
    return 0


def _fmt(v: float) -> str:
    return "nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v: .6g}"


def format_report(r: dict) -> str:
    """A short human-readable summary of ``fit_report``'s output."""
    d, n, t, c = r["data"], r["network"], r["training"], r["collapse"]
    lines = [
        f"data: {d['path']}  target {d['target']}  rows {d['rows_used']} "
        f"(train {d['rows_train']}, test {d['rows_test']}, dropped {d['rows_dropped']})",
        f"network: {' -> '.join(n['layers']) or 'no hidden layer'} -> {n['head']} output, "
        f"{n['parameter_count']} parameters",
    ]
    if t["solved_analytically"]:
        lines.append("training: solved analytically (no gradient descent)")
    else:
        lines.append(
            f"training: {t['epochs_run']} epochs in {t['seconds']:.2f} s "
            f"({t['samples_per_second']:,.0f} samples/s)"
            + (f"  DIVERGED: {t['message']}" if t["diverged"] else "")
        )
    metrics = {k: v for k, v in t.items() if k.endswith(("_r2", "_mse", "_accuracy"))}
    lines.append("metrics: " + "  ".join(f"{k} {_fmt(v)}" for k, v in metrics.items()))
    if c["collapsible"]:
        base = r.get("baseline", {})
        lines.append(f"collapse: y = W x + b   ({c['reason']})")
        lines.append(f"  {'term':<16}{'network':>14}{base.get('kind', ''):>14}")
        params = base.get("params", {})
        lines.append(f"  {'const':<16}{_fmt(c['b']):>14}{_fmt(params.get('const')):>14}")
        for name, w in c["W"].items():
            lines.append(f"  {name:<16}{_fmt(w):>14}{_fmt(params.get(name)):>14}")
        if "max_abs_diff_to_baseline" in c:
            lines.append(f"  largest difference: {c['max_abs_diff_to_baseline']:.3g}")
    else:
        la = r["linear_approx"]
        lines.append(
            f"{c['reason']}; the best affine map explains R^2 = {la['r2']:.4f} "
            f"of the network's output (slope spread {la['slope_spread']:.3g})"
        )
    return "\n".join(lines)
