"""``nnlin logistic``: binary logistic regression with its diagnostics on a data file."""

from __future__ import annotations

import argparse

from nnlin_gui.commands.common import (
    add_data_arguments,
    coefficient_lines,
    feature_list,
    write_json,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``logistic`` subcommand to the ``nnlin`` parser."""
    parser = subparsers.add_parser(
        "logistic",
        help="fit a binary logistic regression on a data file",
        description="Fit P(y = 1) = 1 / (1 + exp(-(b + X w))) by maximum likelihood and print "
        "coefficients, standard errors, z, p and 95%% Wald intervals, the likelihoods, AUC, "
        "the confusion table at 0.5 and the Hosmer-Lemeshow test (10 groups). The target "
        "must have two values; the larger (or later in sorted order) is 1.",
    )
    add_data_arguments(parser)
    parser.add_argument(
        "--json", metavar="PATH", help="write the results as JSON to PATH ('-' for stdout)"
    )
    parser.set_defaults(func=run)


def format_table(result) -> str:
    """A readable coefficient table with the fit statistics below it."""
    r = result
    lines = coefficient_lines(r.names, r.params, r.bse, r.zvalues, r.pvalues, r.conf_int, "z")
    lines.append(
        f"log-likelihood {result.llf:.6g} (null {result.llnull:.6g})   deviance "
        f"{result.deviance:.6g} (null {result.null_deviance:.6g})   n {result.nobs}"
    )
    lines.append(
        f"AIC {result.aic:.6g}   BIC {result.bic:.6g}   McFadden R^2 "
        f"{result.pseudo_r2_mcfadden:.4f}   AUC {result.auc:.4f}"
    )
    tn, fp, fn, tp = result.confusion
    lines.append(f"at 0.5: tn {tn}  fp {fp}  fn {fn}  tp {tp}")
    hl = result.hosmer_lemeshow
    if hl is not None:
        lines.append(
            f"Hosmer-Lemeshow {hl['statistic']:.4f} on {hl['df']} df, p {hl['pvalue']:.4g} "
            f"({hl['groups']} groups)"
        )
    if not result.converged:
        lines.append("warning: the fit did not converge")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Load the data, fit, print the table and/or write JSON; return the exit status."""
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.statistics.regression import fit_logistic

    dataset = load_dataset(
        args.data, target=args.target, features=feature_list(args.features), task="binary"
    )
    result = fit_logistic(dataset.X, dataset.y, dataset.feature_names)
    positive = dataset.class_labels[1] if dataset.class_labels else "1"
    if args.json is None or args.json != "-":
        print(
            f"Logistic regression of {dataset.target_name!r} = {positive} on "
            f"{dataset.n_rows} rows of {args.data}"
        )
        if dataset.rows_dropped:
            print(f"({dataset.rows_dropped} rows with missing values dropped)")
        print(format_table(result))
    if args.json is not None:
        payload = {
            "data": {
                "path": args.data,
                "rows_used": dataset.n_rows,
                "rows_dropped": int(dataset.rows_dropped),
                "target": dataset.target_name,
                "positive": positive,
                "features": list(dataset.feature_names),
            },
            "logistic": result.to_dict(),
        }
        write_json(payload, args.json)
    return 0
