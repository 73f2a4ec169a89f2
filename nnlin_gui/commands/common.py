"""Argument helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys

from nnlin_gui.core.errors import UserError


def add_data_arguments(parser: argparse.ArgumentParser, target_required: bool = True) -> None:
    """DATA, --target and --features, the same in every subcommand."""
    parser.add_argument(
        "data", metavar="DATA", type=data_source, help="CSV/TSV file or builtin:NAME"
    )
    parser.add_argument("--target", required=target_required, help="target column")
    parser.add_argument("--features", help="comma-separated feature columns (default: all)")


def is_session_file(path: str) -> bool:
    """A session file (``.nnlin``, or JSON that says it is one), not a data table."""
    if path.lower().endswith(".nnlin"):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b"nnlin-session" in head


def data_source(text: str) -> str:
    """DATA as given, unless it is a session file: those are read by ``nnlin grade``."""
    if not text.startswith("builtin:") and is_session_file(text):
        raise argparse.ArgumentTypeError(
            f"{text} is a session file, not a data table; summarise sessions with "
            f"'nnlin grade {text} --csv OUT.csv' or open it in the window"
        )
    return text


def add_task_argument(parser: argparse.ArgumentParser) -> None:
    """--task: regression or classification, the user's decision (default shown in help)."""
    parser.add_argument(
        "--task",
        choices=("regression", "classification"),
        help="regression or classification (binary or multiclass as the target's values "
        "decide); default: regression for numbers unless they are exactly 0 and 1, "
        "classification for text",
    )


def check_network_data(dataset) -> None:
    """Refuse, in one sentence, data a network cannot train and report on in float64."""
    from nnlin_gui.core.statistics.numeric_range import check_network_range

    check_network_range(
        dataset.X, dataset.y, dataset.feature_names, dataset.target_name, dataset.task
    )


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """The network and training options of ``fit`` and ``report`` (same names, same defaults)."""
    from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
    from nnlin_gui.core.networks.optimizers import OPTIMIZERS

    parser.add_argument("--layers", default="8,8", help="hidden widths, e.g. 8,8 (default 8,8)")
    parser.add_argument("--activation", default="identity", choices=ACTIVATION_NAMES)
    parser.add_argument("--optimizer", default="adam", choices=OPTIMIZERS)
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=32, help="0 = full batch")
    parser.add_argument("--l1", type=float, default=0.0)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--patience", type=int, default=0, help="early stopping patience (0 = off)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solve", action="store_true", help="set the weights analytically to OLS")


def network_settings(args: argparse.Namespace) -> dict:
    """Keyword arguments for ``fit_network``/``fit_report`` from ``add_network_arguments``."""
    return {
        "layers": int_list(args.layers, "--layers"),
        "activation": args.activation,
        "solve": args.solve,
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "l1": args.l1,
        "l2": args.l2,
        "test_fraction": args.test_fraction,
        "patience": args.patience,
        "seed": args.seed,
    }


def feature_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UserError("--features names no column; give column names separated by commas")
    return names


def int_list(text: str, option: str) -> list[int]:
    """'8,8' -> [8, 8]; '' or 'none' -> [] (no hidden layer)."""
    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise UserError(
            f"{option} takes widths separated by commas, like 8,8; got {text!r}"
        ) from None


def write_json(payload: dict, where: str) -> None:
    """Write JSON to a path, or to standard output for '-'."""
    text = json.dumps(payload, indent=2, allow_nan=False, default=_plain)
    if where == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        with open(where, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        raise UserError(f"{where}: cannot write ({exc.strerror})") from None


def _plain(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def coefficient_lines(names, params, bse, stat, pvalues, conf_int, stat_name: str) -> list[str]:
    """The coefficient table of ``ols`` and ``logistic`` (``stat_name`` 't' or 'z'), ruled
    above and below; the caller adds its fit statistics."""
    width = max(8, *(len(n) for n in names))
    head = (
        f"{'':<{width}}  {'coef':>12} {'std err':>11} {stat_name:>9} "
        f"{f'P>|{stat_name}|':>9}  {'[0.025':>12} {'0.975]':>12}"
    )
    lines = [head, "-" * len(head)]
    for i, name in enumerate(names):
        lo, hi = conf_int[i]
        lines.append(
            f"{name:<{width}}  {params[i]:>12.6g} {bse[i]:>11.4g} "
            f"{stat[i]:>9.3f} {pvalues[i]:>9.3g}  {lo:>12.6g} {hi:>12.6g}"
        )
    lines.append("-" * len(head))
    return lines
