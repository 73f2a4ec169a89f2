"""``nnlin fit``: train (or solve) a network and compare its collapse with OLS."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from nnlin_gui.commands.common import (
    add_data_arguments,
    add_network_arguments,
    add_task_argument,
    check_network_data,
    feature_list,
    network_settings,
    write_json,
)


def register(subparsers) -> None:
    p = subparsers.add_parser("fit", help="train a network, collapse it, compare with OLS")
    add_data_arguments(p)
    add_task_argument(p)
    add_network_arguments(p)
    p.add_argument("--json", metavar="PATH|-", help="write the full result as JSON")
    p.add_argument(
        "--session",
        metavar="PATH",
        help="also save the trained network as a session file (.nnlin) the window opens "
        "(data, network, settings, weights and history; grade many with 'nnlin grade')",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.statistics.fitting import fit_network, report_of_fit

    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task=args.task
    )
    check_network_data(dataset)
    t0 = time.perf_counter()
    trainer, result = fit_network(dataset, **network_settings(args))
    report = report_of_fit(dataset, trainer, result, seconds=time.perf_counter() - t0)
    if args.session and not report["training"]["diverged"]:
        save_fit_session(args, dataset, trainer)
    if dataset.class_labels:  # the values the class indices stand for
        report["data"].setdefault("class_labels", list(dataset.class_labels))
    if args.json:
        write_json(report, args.json)
    else:
        print(format_report(report))
    if report["training"]["diverged"]:
        # The report (with "diverged": true) is written; the status says the fit failed.
        print(f"nnlin: {report['training']['message']}", file=sys.stderr)
        if args.session:
            print(f"nnlin: no session written to {args.session}", file=sys.stderr)
        return 2
    return 0


def save_fit_session(args: argparse.Namespace, dataset, trainer) -> None:
    """Save the network ``trainer`` holds, as trained (or solved) for the report, as a
    session (it used to be trained a second time for this)."""
    from nnlin_gui.core.files.session import save_session, session_from_trainer

    if not args.session.lower().endswith(".nnlin"):
        args.session += ".nnlin"
    source = args.data if args.data.startswith("builtin:") else os.path.abspath(args.data)
    state = session_from_trainer(
        trainer, dataset, source=source, extra={"solved": bool(args.solve)}
    )
    save_session(args.session, state)
    print(f"session written to {args.session}", file=sys.stderr)


def _fmt(v: float) -> str:
    return "nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v: .6g}"


def _multiclass_collapse(c: dict, r: dict) -> list[str]:
    """One column of logit weights per class (a softmax head has one output per class)."""
    labels = r["data"].get("class_labels") or [str(i) for i in range(len(c["b"]))]
    names = ["const", *r["data"]["features"]]
    rows = [c["b"], *zip(*c["W"], strict=True)]  # one row per term, one value per class
    lines = [f"collapse: logits = W x + b   ({c['reason']})"]
    lines.append(f"  {'term':<16}" + "".join(f"{'class ' + str(k):>14}" for k in labels))
    for name, values in zip(names, rows, strict=True):
        lines.append(f"  {name:<16}" + "".join(f"{_fmt(v):>14}" for v in values))
    base = r.get("baseline", {})
    if base.get("reason"):
        lines.append(f"  no closed-form comparison: {base['reason']}")
    relative = c.get("relative")
    if relative and base.get("params"):
        ref = c["reference_class"]
        lines.append(f"  {base['title']}, its logit 0 for class {ref}:")
        lines.append(f"  {'class':<10}{'term':<16}{'network':>14}{base['kind']:>14}")
        for cls, terms in relative.items():
            for name, v in terms.items():
                lines.append(
                    f"  {cls:<10}{name:<16}{_fmt(v):>14}{_fmt(base['params'][cls][name]):>14}"
                )
        if "max_abs_diff_to_baseline" in c:
            lines.append(f"  largest difference: {c['max_abs_diff_to_baseline']:.3g}")
    return lines


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
    if c["collapsible"] and isinstance(c["b"], list):
        lines += _multiclass_collapse(c, r)
    elif c["collapsible"] and r.get("baseline", {}).get("kind") == "none":
        lines.append(f"collapse: y = W x + b   ({c['reason']})")
        lines.append(f"  {'const':<16}{_fmt(c['b']):>14}")
        lines.extend(f"  {name:<16}{_fmt(w):>14}" for name, w in c["W"].items())
        lines.append(f"  no closed-form comparison: {r['baseline'].get('reason', '')}")
    elif c["collapsible"]:
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
