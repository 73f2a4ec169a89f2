"""``nnlin report``: train (or solve) a network and write a self-contained HTML report.

Runs without a display, for batch grading: ``nnlin report DATA --target COL --html OUT``.
"""

from __future__ import annotations

import argparse
import sys

from nnlin_gui.commands.common import add_data_arguments, feature_list, int_list
from nnlin_gui.core.activations import ACTIVATION_NAMES
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.optimizers import OPTIMIZERS

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``report`` subcommand to the ``nnlin`` parser."""
    p = subparsers.add_parser(
        "report",
        help="train a network and write an HTML report (data, collapse, diagnostics)",
        description="Train (or solve) a network, compare its collapse with OLS, run the OLS "
        "assumption tests and write everything, plots included, to one HTML file.",
    )
    add_data_arguments(p)
    p.add_argument("--html", required=True, metavar="OUT", help="HTML file to write")
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
    p.add_argument("--no-diagnostics", action="store_true", help="leave out the OLS tests")
    p.add_argument("--title", help="report heading")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, fit, build the report and write it; return the exit status."""
    from nnlin_gui.core.data import load_dataset
    from nnlin_gui.core.fitting import fit_network
    from nnlin_gui.core.report import build_report, write_report

    if args.epochs < 0:
        raise UserError("--epochs cannot be negative")
    dataset = load_dataset(args.data, target=args.target, features=feature_list(args.features))
    trainer, result = fit_network(
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
    html = build_report(
        dataset,
        trainer,
        result=result,
        solved=args.solve,
        diagnostics=not args.no_diagnostics,
        title=args.title,
        source=args.data,
    )
    write_report(args.html, html)
    print(f"report written to {args.html}", file=sys.stderr)
    return 0
