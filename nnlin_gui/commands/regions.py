"""``nnlin regions``: train a ReLU network and list its linear regions, one exact linear
regression each."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from nnlin_gui.commands.common import (
    add_data_arguments,
    add_network_arguments,
    add_task_argument,
    check_network_data,
    feature_list,
    network_settings,
    write_json,
)

__all__ = ["build_report", "format_report", "register", "run"]

TEXT_ROWS = 20  # regions listed by the text output; --json has them all

DESCRIPTION = """\
Train a network (the options of `nnlin fit`) and show that it is a patchwork of linear
regressions: with ReLU, leaky ReLU or identity activations (residual blocks and 1-D
convolutions included) it is exactly one affine map y = W x + b on each activation region.
Lists the regions the rows fall in, each with its rows and exact W and b in the data's
original units. The activation defaults to relu here (identity makes one region). Other
activations (tanh, sigmoid, softplus, gelu, sine) are refused with status 2: their regions
would only be tangent-plane approximations. For a classifier the maps are those of the
logit (sigmoid head) or of each class's logit (softmax head), as the "output" field says.
With two features the JSON also holds the exact partition of the box into convex polygons
(every region in it, met by rows or not: "region" is null for the latter), with one
feature the segments and their breakpoints; the box is the data's range padded by 5% of
it on each side (the window's fit view).
"""

JSON_HELP = (
    'write JSON: "data", "network", "training", "output", "regions" {"count", "units", '
    '"items": [{"id", "rows", "W": {feature: w}, "b"}]}, "rows" {"X", "region", '
    '"prediction" (the network output in original units: the logit for a classifier)}, '
    'and "box" with "polygons" (two features) or "segments" and "breakpoints" (one); '
    "with several outputs W holds a list per feature and b a list"
)


def register(subparsers) -> None:
    """Add the ``regions`` subcommand to the ``nnlin`` parser."""
    p = subparsers.add_parser(
        "regions",
        help="train a ReLU network and list its linear regions (one regression each)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(p)
    add_task_argument(p)
    add_network_arguments(p)
    p.set_defaults(activation="relu")
    p.add_argument("--json", metavar="PATH|-", help=JSON_HELP)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnlin_gui.core.data.tables import load_dataset

    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task=args.task
    )
    check_network_data(dataset)
    report = build_report(dataset, network_settings(args))
    if args.json:
        write_json(report, args.json)
    else:
        print(format_report(report))
    if report["training"]["diverged"]:
        print(f"nnlin: {report['training']['message']}", file=sys.stderr)
        return 2
    return 0


def _named(names, W: np.ndarray, b: np.ndarray) -> tuple[dict, float | list]:
    """W (outputs, k) and b (outputs,) as {feature: w} and b, or lists per output."""
    if W.shape[0] == 1:
        return {str(n): float(w) for n, w in zip(names, W[0], strict=True)}, float(b[0])
    return {str(n): W[:, j].tolist() for j, n in enumerate(names)}, b.tolist()


def _piece(names, idx: int, region: int, W: np.ndarray, b: np.ndarray) -> dict:
    Wd, bd = _named(names, W, b)
    return {"id": idx, "region": None if region < 0 else int(region), "W": Wd, "b": bd}


def _cells(trainer, X: np.ndarray, names, regions) -> dict:
    """The box and its exact cells (polygons or segments), for one or two features."""
    from nnlin_gui.core.networks.regions import BOX_PAD, default_box, match_patterns, partition

    k = X.shape[1]
    if k > 2:
        return {}
    box = default_box(X)
    part = partition(trainer.network, trainer.scaling, box)
    region = match_patterns(part.patterns, regions.patterns)
    out: dict = {"box": box.tolist(), "box_padding": BOX_PAD}
    if k == 1:
        out["breakpoints"] = part.breakpoints.tolist()
        out["segments"] = [
            {
                **_piece(names, i, region[i], part.W[i], part.b[i]),
                "interval": [float(part.lo[i]), float(part.hi[i])],
            }
            for i in range(len(part))
        ]
        return out
    # Polygons of the regions the rows meet first (in region order), then the others.
    last = np.iinfo(np.int64).max
    order = np.lexsort((np.arange(len(part)), np.where(region < 0, last, region)))
    polys = part.polygons()
    out["polygons"] = [
        {
            **_piece(names, i, region[p], part.W[p], part.b[p]),
            "vertices": polys[p].tolist(),
        }
        for i, p in enumerate(order)
    ]
    return out


def build_report(dataset, settings: dict) -> dict:
    """Everything ``nnlin regions --json`` prints, as plain JSON-ready values.

    Raises
    ------
    UserError
        A non-piecewise-linear activation (``RegionsError``), or any data/spec problem.
    """
    from nnlin_gui.core.networks.regions import find_regions, require_piecewise_linear
    from nnlin_gui.core.statistics.fitting import build_spec, fit_network

    require_piecewise_linear(build_spec(dataset, settings["layers"], settings["activation"]))
    trainer, result = fit_network(dataset, **settings)
    names = list(dataset.feature_names)
    X = dataset.X
    regions = find_regions(trainer.network, trainer.scaling, X)
    raw = trainer.raw_predict(X)
    metrics = trainer.evaluate() if result is None else result.metrics
    items = []
    for r in range(regions.count):
        Wd, bd = _named(names, regions.W[r], regions.b[r])
        items.append({"id": r, "rows": int(regions.rows[r]), "W": Wd, "b": bd})
    data = {
        "path": dataset.source,
        "target": dataset.target_name,
        "features": names,
        "task": dataset.task,
        "rows_used": int(len(X)),
    }
    if dataset.class_labels:
        data["class_labels"] = list(dataset.class_labels)
    return {
        "data": data,
        "network": {
            "layers": [lay.describe() for lay in trainer.spec.layers],
            "head": trainer.spec.head,
            "parameter_count": trainer.network.n_params,
            "spec": trainer.spec.to_dict(),
        },
        "training": {
            "solved_analytically": result is None,
            "epochs_run": 0 if result is None else result.epochs_run,
            "diverged": False if result is None else result.diverged,
            "message": "" if result is None else result.message,
            **{k: float(v) for k, v in metrics.items()},
        },
        "output": regions.output,
        "regions": {"count": regions.count, "units": regions.n_bits, "items": items},
        "rows": {
            "X": X.tolist(),
            "region": regions.region.tolist(),
            "prediction": (raw[:, 0] if raw.shape[1] == 1 else raw).tolist(),
        },
        **_cells(trainer, X, names, regions),
    }


def _fmt(v: float) -> str:
    return f"{v: .6g}"


def format_report(r: dict) -> str:
    """A short table of the regions: id, rows, b and W (one line per output)."""
    d, n, reg = r["data"], r["network"], r["regions"]
    names = d["features"]
    lines = [
        f"data: {d['path']}  target {d['target']}  rows {d['rows_used']}",
        f"network: {' -> '.join(n['layers']) or 'no hidden layer'} -> {n['head']} output",
        f"{reg['count']} linear region(s) met by the rows ({reg['units']} switching units); "
        f"each is exactly {r['output']} = b + W x in the data's units",
    ]
    if r["output"] == "logits":
        lines.append("one line per class, in the order of the class labels")
    if "polygons" in r:
        lines.append(f"{len(r['polygons'])} polygon(s) tile the box (data range + 5%)")
    elif "segments" in r:
        lines.append(f"{len(r['segments'])} segment(s) cover the interval (data range + 5%)")
    lines.append(
        f"  {'region':>6} {'rows':>8} {'b':>13}" + "".join(f" {name[:12]:>13}" for name in names)
    )
    for item in reg["items"][:TEXT_ROWS]:
        bs = np.atleast_1d(item["b"])
        for o, b in enumerate(bs):
            ws = [np.atleast_1d(item["W"][name])[o] for name in names]
            head = f"  {item['id']:>6} {item['rows']:>8}" if o == 0 else " " * 17
            lines.append(head + f" {_fmt(b):>13}" + "".join(f" {_fmt(w):>13}" for w in ws))
    if reg["count"] > TEXT_ROWS:
        lines.append(f"  ... {reg['count'] - TEXT_ROWS} more (--json lists them all)")
    return "\n".join(lines)
