"""``nnlin ols``: ordinary least squares (optionally polynomial) on a CSV file."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from nnlin_gui.commands.common import add_data_arguments, coefficient_lines, feature_list
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
        "--cov",
        default="nonrobust",
        type=_cov_choice,
        metavar="{nonrobust,HC0,HC1,HC2,HC3,HAC}",
        help="coefficient covariance: classical (default), White HC0-HC3 as R's "
        "sandwich::vcovHC, or HAC (Newey-West, Bartlett kernel, no prewhitening, no "
        "small-sample factor); t, p and intervals use t(n - p) for every choice",
    )
    parser.add_argument(
        "--hac-lags",
        type=int,
        metavar="K",
        help="lags for --cov HAC (default floor(4 (n/100)^(2/9)))",
    )
    parser.add_argument(
        "--weights",
        metavar="COLUMN",
        help="weighted least squares with these positive weights (as lm(..., weights = w)); "
        "rows with a missing weight are dropped, zero or negative weights are refused",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the results as JSON to PATH ('-' for stdout)"
    )
    parser.set_defaults(func=run)


def _cov_choice(text: str) -> str:
    from nnlin_gui.core.statistics.regression import COV_TYPES

    for name in COV_TYPES:
        if text.lower() == name.lower():
            return name
    raise argparse.ArgumentTypeError(f"choose from {', '.join(COV_TYPES)}, not {text!r}")


def format_table(result) -> str:
    """A readable coefficient table with the fit statistics below it."""
    r = result
    lines = coefficient_lines(r.names, r.params, r.bse, r.tvalues, r.pvalues, r.conf_int, "t")
    lines.append(
        f"R^2 {result.r2:.6f}   adj. R^2 {result.adj_r2:.6f}   residual SD {result.resid_sd:.6g}"
        f"   n {result.nobs}   df {result.df_resid}"
    )
    lines.append(
        f"F {result.fstat:.6g} on {result.df_model} and {result.df_resid} df, "
        f"p {result.f_pvalue:.4g}   log-likelihood {result.llf:.6g}   AIC {result.aic:.6g}"
        f"   BIC {result.bic:.6g}"
    )
    if result.cov_type != "nonrobust":
        lags = f", {result.hac_lags} lags" if result.hac_lags is not None else ""
        lines.append(f"standard errors: {result.cov_type}{lags} (F uses the classical errors)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Load the data, fit, print the table and/or write JSON; return the exit status."""
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.statistics.regression import fit_ols, fit_polynomial

    # OLS fits the numbers as they are: a 0/1 or 1..5 target is never recoded.
    if args.hac_lags is not None and args.cov != "HAC":
        raise UserError("--hac-lags goes with --cov HAC")
    features = feature_list(args.features)
    weights = None
    if args.weights is None:
        dataset = load_dataset(args.data, target=args.target, features=features, task="regression")
    else:
        dataset, weights = _load_weighted(args.data, args.target, features, args.weights)
    intercept = not args.no_intercept
    options = {"cov_type": args.cov, "hac_lags": args.hac_lags, "weights": weights}
    if args.degree is None:
        result = fit_ols(
            dataset.X, dataset.y, dataset.feature_names, intercept=intercept, **options
        )
    else:
        result = fit_polynomial(
            dataset.X,
            dataset.y,
            args.degree,
            dataset.feature_names,
            intercept=intercept,
            **options,
        )
    if args.json is None or args.json != "-":
        kind = "WLS" if weights is not None else "OLS"
        print(f"{kind} of {dataset.target_name!r} on {dataset.n_rows} rows of {args.data}")
        if weights is not None:
            print(f"(weights from column {args.weights!r})")
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
                **({"weights": args.weights} if args.weights is not None else {}),
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


def _load_weighted(source: str, target: str, features, weights: str):
    """The dataset without the weight column, and the weights of its complete rows.

    The weight column is read as one more feature, so that a row missing its weight is
    dropped like any row with a missing value, then split off.
    """
    from dataclasses import replace

    from nnlin_gui.core.data.tables import load_table

    table = load_table(source)
    info = table.summary.column(weights)  # one-line error for an unknown column
    if info.kind != "numeric":
        raise UserError(f"the weight column {weights!r} must hold numbers")
    if weights == target:
        raise UserError(f"{weights!r} cannot be both the target and the weights")
    if features is None:
        features = [
            c.name for c in table.summary.columns if c.used and c.name not in (target, weights)
        ]
    elif weights in features:
        raise UserError(f"{weights!r} cannot be both a feature and the weights")
    dataset = table.to_dataset(target, [*features, weights], task="regression")
    if dataset.feature_names[-1] != weights:
        raise UserError(f"the weight column {weights!r} must hold numbers")
    w = dataset.X[:, -1].copy()
    trimmed = replace(
        dataset, X=np.ascontiguousarray(dataset.X[:, :-1]), feature_names=dataset.feature_names[:-1]
    )
    return trimmed, w
