"""A standalone Python script that reproduces an analysis (File > Export > Python script,
``nnlin script``), in the spirit of jamovi's syntax mode.

``script_spec(table, ...)`` checks the choices the way the program does (the same
``DataError`` sentences) and records them with the format the file was sniffed with;
``render_script(spec)`` writes the script: a block of settings a reader can edit, then the
fixed, commented body of ``script_body``. ``export_script`` does both and, for a built-in
dataset (which the script cannot generate), writes its rows to a CSV file beside the script.
"""

from __future__ import annotations

import datetime
import os
import pprint
from collections.abc import Sequence
from dataclasses import dataclass, field

from nnlin_gui import __version__
from nnlin_gui.core.data.sniff import read_sniff_head, sniff_format
from nnlin_gui.core.data.tables import Table
from nnlin_gui.core.errors import DataError, UserError
from nnlin_gui.core.files.script_body import SCRIPT_BODY, SCRIPT_IMPORTS
from nnlin_gui.core.statistics.regression import COV_TYPES

__all__ = ["ScriptSpec", "export_script", "render_script", "script_spec", "write_script"]


_RULE = "# " + "-" * 86


@dataclass(frozen=True)
class ScriptSpec:
    """Everything the script needs to load the same rows and fit the same model.

    ``features`` are the file's columns (a categorical one becomes its one-hot columns,
    levels in ``categorical``); ``squares``, ``products`` and ``sines`` are the window's
    feature transforms; ``test_fraction`` and ``seed`` the window's train/test split (0:
    every row, as the command line).
    """

    data_path: str
    source: str
    columns: tuple[str, ...]
    target: str
    features: tuple[str, ...]
    categorical: tuple[tuple[str, tuple[str, ...]], ...] = ()
    weights: str | None = None
    cov_type: str = "nonrobust"
    hac_lags: int | None = None
    encoding: str = "utf-8"
    sep: str = ","
    decimal: str = "."
    thousands: str | None = None
    skip_lines: int = 0
    has_header: bool = True
    na_values: tuple[str, ...] = ()
    missing: str = "drop"
    squares: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    sines: tuple[str, ...] = ()
    test_fraction: float = 0.0
    seed: int = 0
    lags: int = 4
    written_by: str = field(default="nnlin script", compare=False)


def _cov(cov_type: str, hac_lags: int | None) -> str:
    for name in COV_TYPES:
        if str(cov_type).lower() == name.lower():
            if hac_lags is not None and name != "HAC":
                raise UserError("the HAC lags go with the HAC covariance")
            if hac_lags is not None and hac_lags < 0:
                raise UserError(f"the HAC lags must be 0 or more; got {hac_lags}")
            return name
    raise UserError(f"the covariance must be one of {', '.join(COV_TYPES)}; got {cov_type!r}")


def check_choices(
    table: Table,
    target: str,
    features: Sequence[str] | None,
    weights: str | None,
    hac_lags: int | None = None,
) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """The feature columns (default: every used one) and the categorical ones' levels,
    checked with the program's own messages (``UserError``)."""
    summary = table.summary
    if features is None:
        features = [c.name for c in summary.columns if c.used and c.name not in (target, weights)]
    features = list(features)
    if weights is not None:
        info = summary.column(weights)
        if info.kind != "numeric":
            raise UserError(f"the weight column {weights!r} must hold numbers")
        if weights == target:
            raise UserError(f"{weights!r} cannot be both the target and the weights")
        if weights in features:
            raise UserError(f"{weights!r} cannot be both a feature and the weights")
    # Unknown columns, text targets, too few rows: as ``nnlin ols`` says them.
    dataset = table.to_dataset(target, features + ([weights] if weights else []), task="regression")
    if hac_lags is not None and hac_lags >= dataset.n_rows:
        raise UserError(f"the HAC lags must be below the {dataset.n_rows} rows; got {hac_lags}")
    categorical = []
    for name in features:
        info = summary.column(name)
        if info.role == "categorical":
            categorical.append((name, tuple(info.levels)))
        elif info.role == "date":
            raise DataError(f"date feature {name!r}: the script cannot read dates yet")
    return features, categorical


def script_spec(
    table: Table,
    target: str,
    features: Sequence[str] | None = None,
    *,
    weights: str | None = None,
    cov_type: str = "nonrobust",
    hac_lags: int | None = None,
    data_path: str | None = None,
    squares: Sequence[str] = (),
    products: Sequence[str] = (),
    sines: Sequence[str] = (),
    test_fraction: float = 0.0,
    seed: int = 0,
    written_by: str = "nnlin script",
) -> ScriptSpec:
    """The choices for ``table``, checked as the program checks them.

    ``data_path`` is the file the script reads (default the table's source; required for
    a built-in dataset, whose rows must be written out first).

    Raises
    ------
    UserError
        An unknown or unusable column, a text target, a date feature, weights that are
        also the target or a feature, an unknown covariance.
    """
    cov = _cov(cov_type, hac_lags)
    features, categorical = check_choices(table, target, features, weights, hac_lags)
    path = data_path if data_path is not None else table.source
    if path.startswith("builtin:"):
        raise UserError(f"{path} is built in: write its rows to a CSV file for the script")
    fmt = _sniffed(path)
    return ScriptSpec(
        data_path=os.path.abspath(path),
        source=table.source,
        columns=tuple(str(c) for c in table.frame.columns),
        target=target,
        features=tuple(features),
        categorical=tuple(categorical),
        weights=weights,
        cov_type=cov,
        hac_lags=hac_lags,
        encoding=fmt.encoding,
        sep=fmt.sep,
        decimal=fmt.decimal,
        thousands=fmt.thousands,
        skip_lines=fmt.skip_lines,
        has_header=fmt.has_header,
        na_values=tuple(fmt.na_extra),
        missing=table.missing,
        squares=tuple(squares),
        products=tuple(products),
        sines=tuple(sines),
        test_fraction=float(test_fraction),
        seed=int(seed),
        written_by=written_by,
    )


def _sniffed(path: str):
    name = os.path.basename(path) or path
    try:
        size = os.path.getsize(path)
        head = read_sniff_head(path)
    except OSError as exc:
        raise DataError(f"{name}: cannot open ({exc.strerror or exc})") from None
    return sniff_format(name, head, complete=len(head) >= size)


def render_script(spec: ScriptSpec) -> str:
    """The script's text: a docstring, the settings, the fixed body."""
    read_options = {
        "encoding": spec.encoding,
        "sep": spec.sep,
        "decimal": spec.decimal,
        "thousands": spec.thousands,
        "skiprows": spec.skip_lines,
        "header": 0 if spec.has_header else None,
        "na_values": list(spec.na_values),
        "skip_blank_lines": True,
    }
    lags = "None  # floor(4 (n/100)^(2/9))" if spec.hac_lags is None else repr(spec.hac_lags)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = [
        _RULE,
        "# 1. The choices (edit these to rerun the analysis another way)",
        _RULE,
        f"DATA_PATH = {spec.data_path!r}",
        f"SOURCE = {spec.source!r}  # what the program called the data",
        "# How the program read the file (sniffed): pandas.read_csv options.",
        f"READ_OPTIONS = {_literal(read_options)}",
        f"COLUMN_NAMES = {_literal(list(spec.columns))}",
        f"TARGET = {spec.target!r}",
        f"FEATURES = {_literal(list(spec.features))}",
        "# Text columns with few levels, one-hot; the first (sorted) level is the baseline.",
        f"CATEGORICAL = {_literal(dict((k, list(v)) for k, v in spec.categorical))}",
        f"WEIGHTS = {spec.weights!r}  # a column of positive weights: WLS as lm(..., weights = w)",
        f"MISSING = {spec.missing!r}  # 'drop' rows with a missing value, or 'mean'-fill features",
        f"SQUARES = {list(spec.squares)!r}",
        f"PRODUCTS = {list(spec.products)!r}  # every pair of these is multiplied",
        f"SINES = {list(spec.sines)!r}",
        f"TEST_FRACTION = {spec.test_fraction!r}  # rows held out by the window (0: none)",
        f"SEED = {spec.seed!r}",
        f"COV_TYPE = {spec.cov_type!r}  # nonrobust, HC0, HC1, HC2, HC3 or HAC",
        f"HAC_LAGS = {lags}",
        f"LAGS = {spec.lags!r}  # Breusch-Godfrey and Ljung-Box",
        "SHAPIRO_SEED = 0  # the Shapiro-Wilk subsample above 5,000 rows",
    ]
    name = os.path.basename(spec.source) or spec.source
    head = (
        "#!/usr/bin/env python3\n"
        f'"""Reproduce the nnlin analysis of {spec.target!r} in {name}.\n\n'
        f"Written by {spec.written_by} (nnlin {__version__}) on {when}. Run it on its own:\n\n"
        "    python this_script.py\n\n"
        "It needs numpy, pandas, scipy and statsmodels. It loads the file with the options\n"
        "the program sniffed, builds the same columns and rows, fits the model with the chosen\n"
        "covariance, and prints the coefficient table, the model's own tests and every\n"
        "assumption test with the program's numbers (12 significant digits).\n"
        '"""'
    )
    parts = [head, SCRIPT_IMPORTS.strip("\n"), "\n".join(settings), SCRIPT_BODY.strip("\n")]
    return "\n\n\n".join(parts) + "\n"


def _literal(value: object) -> str:
    """A Python literal of ``value``; a dictionary one entry per line, a list wrapped."""
    if isinstance(value, dict) and value:
        items = "".join(
            f"    {k!r}: {pprint.pformat(v, width=80, compact=True)},\n" for k, v in value.items()
        )
        return "{\n" + items + "}"
    return pprint.pformat(value, width=88, compact=True, sort_dicts=False)


def write_script(spec: ScriptSpec, path: str) -> None:
    """Write ``render_script(spec)`` to ``path`` (``UserError`` when it cannot)."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(render_script(spec))
    except OSError as exc:
        raise UserError(f"{os.path.basename(path)}: cannot write ({exc.strerror})") from None


def companion_csv(script_path: str) -> str:
    """Where the rows of a built-in dataset go: beside the script, ``NAME-data.csv``."""
    return os.path.splitext(script_path)[0] + "-data.csv"


def write_rows(table: Table, path: str) -> None:
    """The table's rows as CSV, numbers with 17 significant digits (they read back exactly)."""
    try:
        table.frame.to_csv(path, index=False, float_format="%.17g")
    except OSError as exc:
        raise UserError(f"{os.path.basename(path)}: cannot write ({exc.strerror})") from None


def export_script(table: Table, path: str, target: str, **choices) -> list[str]:
    """Check the choices, write the script to ``path`` (and a built-in table's rows beside
    it, ``companion_csv(path)``); returns the paths written. ``choices`` as in
    :func:`script_spec`."""
    written = [path]
    data_path = choices.pop("data_path", None)
    if data_path is None and (table.source.startswith("builtin:") or not table.source):
        lags = choices.get("hac_lags")
        _cov(choices.get("cov_type", "nonrobust"), lags)
        check_choices(table, target, choices.get("features"), choices.get("weights"), lags)
        data_path = companion_csv(path)
        write_rows(table, data_path)
        written.append(data_path)
    spec = script_spec(table, target, data_path=data_path, **choices)
    write_script(spec, path)
    return written
