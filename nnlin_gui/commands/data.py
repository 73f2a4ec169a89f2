"""``nnlin data``: what a data file holds and what each column would be used for."""

from __future__ import annotations

import argparse
import sys

from nnlin_gui.commands.common import data_source, write_json

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``data`` subcommand to the ``nnlin`` parser."""
    parser = subparsers.add_parser(
        "data",
        help="summarise a data file: rows, dropped rows, column roles and reasons",
        description="Read a CSV/TSV/TXT file (or builtin:NAME) the way the app does and "
        "print how many rows it has, how many are dropped for missing values, and what "
        "each column is used for, with the reason.",
    )
    parser.add_argument(
        "data", metavar="DATA", type=data_source, help="CSV/TSV/TXT file or builtin:NAME"
    )
    parser.add_argument(
        "--missing",
        choices=("drop", "mean"),
        default="drop",
        help="drop rows with missing values (default) or replace them by the column mean",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the summary as JSON to PATH ('-' for stdout)"
    )
    parser.set_defaults(func=run)


def format_summary(summary) -> str:
    """The summary as lines: totals, then one aligned line per column."""
    lines = [summary.source]
    rows = f"{summary.n_rows:,} rows"
    if summary.rows_dropped:
        rows += f", {summary.rows_dropped:,} dropped for missing values"
    lines.append(rows)
    if summary.default_target is not None:
        lines.append(f"target: {summary.default_target} ({summary.suggested_task})")
    else:
        lines.append("target: none (no numeric column)")
    if summary.notes:
        lines.append("read as: " + ", ".join(summary.notes))
    width = max(len(c.name) for c in summary.columns)
    role_width = max(len(c.role) for c in summary.columns)
    lines.append("columns:")
    for c in summary.columns:
        lines.append(f"  {c.name:<{width}}  {c.role:<{role_width}}  {c.reason}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Load the table and print (or write) its summary; return the exit status."""
    from nnlin_gui.core.data.tables import load_table

    table = load_table(args.data, missing=args.missing)
    if args.json:
        write_json(table.summary.to_dict(), args.json)
        if args.json == "-":
            return 0
    sys.stdout.write(format_summary(table.summary) + "\n")
    return 0
