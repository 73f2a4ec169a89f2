"""``nnlin ols``: ordinary least squares (optionally polynomial) on a CSV file."""

from __future__ import annotations

import argparse
import json
import sys

from nnlin_gui.commands.common import add_data_arguments, feature_list
from nnlin_gui.core.errors import UserError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``ols`` subcommand to the ``nnlin`` parser."""
    parser = subparsers.add_parser(
        "ols",
        help="fit ordinary least squares on a data file",
        description="Fit y = b + X w by ordinary least squares (accurate QR solve) and print "
        "coefficients, standard errors, t, p and 95% intervals.",
    )
    add_data_arguments(parser)
    parser.add_argument(
        "--degree", type=int, help="fit a polynomial: powers 1..K of each feature (K = 1..10)"
    )
    parser.add_argument("--no-intercept", action="store_true", help="fit without an intercept")
    parser.add_argument(
        "--json", metavar="PATH", help="write the results as JSON to PATH ('-' for stdout)"
    )
    parser.set_defaults(func=run)


def format_table(result) -> str:
    """A readable coefficient table with the fit statistics below it."""
    width = max(8, *(len(n) for n in result.names))
    head = (
        f"{'':<{width}}  {'coef':>12} {'std err':>11} {'t':>9} {'P>|t|':>9}  "
        f"{'[0.025':>12} {'0.975]':>12}"
    )
    lines = [head, "-" * len(head)]
    for i, name in enumerate(result.names):
        lo, hi = result.conf_int[i]
        lines.append(
            f"{name:<{width}}  {result.params[i]:>12.6g} {result.bse[i]:>11.4g} "
            f"{result.tvalues[i]:>9.3f} {result.pvalues[i]:>9.3g}  {lo:>12.6g} {hi:>12.6g}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"R^2 {result.r2:.6f}   adj. R^2 {result.adj_r2:.6f}   residual SD {result.resid_sd:.6g}"
        f"   n {result.nobs}   df {result.df_resid}"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Load the data, fit, print the table and/or write JSON; return the exit status."""
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.statistics.regression import fit_ols, fit_polynomial

    # OLS fits the numbers as they are: a 0/1 or 1..5 target is never recoded.
    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task="regression"
    )
    intercept = not args.no_intercept
    if args.degree is None:
        result = fit_ols(dataset.X, dataset.y, dataset.feature_names, intercept=intercept)
    else:
        result = fit_polynomial(
            dataset.X, dataset.y, args.degree, dataset.feature_names, intercept=intercept
        )
    if args.json is None or args.json != "-":
        print(f"OLS of {dataset.target_name!r} on {dataset.n_rows} rows of {args.data}")
        if dataset.rows_dropped:
            print(f"({dataset.rows_dropped} rows with missing values dropped)")
        print(format_table(result))
    if args.json is not None:
        payload = {
            "data": {
                "path": args.data,  # as the user gave it
                "rows_used": dataset.n_rows,
                "rows_dropped": int(dataset.rows_dropped),
                "target": dataset.target_name,
                "features": list(dataset.feature_names),
            },
            "ols": result.to_dict(),
        }
        if args.degree is not None:
            payload["degree"] = args.degree
        text = json.dumps(payload, indent=2, allow_nan=False)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            try:
                with open(args.json, "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            except OSError as exc:
                raise UserError(f"cannot write {args.json}: {exc.strerror}") from None
    return 0
