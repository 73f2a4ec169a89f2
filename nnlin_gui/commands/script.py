"""``nnlin script``: write a standalone Python script that reproduces ``nnlin ols`` and
``nnlin diagnose`` on the same file (numpy, pandas, scipy, statsmodels)."""

from __future__ import annotations

import argparse

from nnlin_gui.commands.common import add_data_arguments, feature_list
from nnlin_gui.commands.ols import _cov_choice
from nnlin_gui.core.errors import UserError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``script`` subcommand to the ``nnlin`` parser."""
    parser = subparsers.add_parser(
        "script",
        help="write a Python script that reproduces the OLS table and assumption tests",
        description="Write a standalone, commented Python script (numpy, pandas, scipy, "
        "statsmodels) that loads DATA with the options nnlin sniffed, fits the same model "
        "with the same covariance and prints the coefficient table, the model's tests and "
        "every assumption test with nnlin's numbers. A built-in dataset's rows are written "
        "beside the script as OUT-data.csv.",
    )
    add_data_arguments(parser)
    parser.add_argument(
        "--cov",
        default="nonrobust",
        type=_cov_choice,
        metavar="{nonrobust,HC0,HC1,HC2,HC3,HAC}",
        help="coefficient covariance, as in nnlin ols (default nonrobust)",
    )
    parser.add_argument("--hac-lags", type=int, metavar="K", help="lags for --cov HAC")
    parser.add_argument("--weights", metavar="COLUMN", help="weighted least squares, as nnlin ols")
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="where to write the script"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the choices, write the script, say what was written."""
    from nnlin_gui.core.data.tables import load_table
    from nnlin_gui.core.files.script import export_script

    if args.hac_lags is not None and args.cov != "HAC":
        raise UserError("--hac-lags goes with --cov HAC")
    if args.hac_lags is not None and args.hac_lags < 0:
        raise UserError(f"--hac-lags must be 0 or more; got {args.hac_lags}")
    table = load_table(args.data)
    written = export_script(
        table,
        args.output,
        args.target,
        features=feature_list(args.features),
        weights=args.weights,
        cov_type=args.cov,
        hac_lags=args.hac_lags,
    )
    print(f"wrote {written[0]}" + (f" (rows in {written[1]})" if len(written) > 1 else ""))
    return 0
