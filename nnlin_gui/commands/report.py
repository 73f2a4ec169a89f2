"""``nnlin report``: train (or solve) a network and write a self-contained HTML report.

Runs without a display, for batch grading: ``nnlin report DATA --target COL --html OUT``.
"""

from __future__ import annotations

import argparse
import sys

from nnlin_gui.commands.common import (
    add_data_arguments,
    add_network_arguments,
    add_task_argument,
    check_network_data,
    feature_list,
    network_settings,
)
from nnlin_gui.core.errors import UserError

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
    add_task_argument(p)
    p.add_argument("--html", required=True, metavar="OUT", help="HTML file to write")
    add_network_arguments(p)
    p.add_argument("--no-diagnostics", action="store_true", help="leave out the OLS tests")
    p.add_argument("--title", help="report heading")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, fit, build the report and write it; return the exit status."""
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.files.report import build_report, write_report
    from nnlin_gui.core.statistics.fitting import fit_network

    if args.epochs < 0:
        raise UserError("--epochs cannot be negative")
    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task=args.task
    )
    check_network_data(dataset)
    trainer, result = fit_network(dataset, **network_settings(args))
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
