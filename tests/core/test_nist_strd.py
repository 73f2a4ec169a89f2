"""`nnlin ols` on all eleven NIST StRD linear least squares sets, against the certified
values and against statsmodels' ``OLS(...).fit(method="qr")``.

Accuracy is the log relative error, LRE = -log10(|estimate - certified| / |certified|)
(the log absolute error where the certified value is 0, as for Wampler1's standard errors),
capped at 15 digits. ``pytest -s`` prints the table the README shows.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from nnlin_gui.cli import main

NIST = Path(__file__).resolve().parent.parent / "data" / "nist"
CERTIFIED = json.loads((NIST / "certified.json").read_text())
SETS = list(CERTIFIED)  # Norris, Pontius, NoInt1, NoInt2, Filip, Longley, Wampler1-5
QUANTITIES = ("coefficients", "standard errors", "residual SD", "R^2")
# Certified values carry 15 digits and the data are rounded to float64: from about 13
# digits on, differences between two fits are rounding noise, not accuracy.
FULL = 13.0
# Floors measured here (x86-64, long double residuals) with about half a digit of margin.
FLOORS = {"filip": (10.0, 7.5, 11.5, 14.0), "wampler4": (10.9, 12.7, 14.3, 14.5),
          "wampler5": (9.0, 12.7, 14.3, 14.5)}  # fmt: skip
FLOOR = (11.0, 12.5, 12.5, 14.5)


def lre(estimate, certified) -> float:
    """The smallest LRE over the components, capped at 15."""
    est = np.atleast_1d(np.asarray(estimate, dtype=float))
    cert = np.atleast_1d(np.asarray([float(c) for c in np.atleast_1d(certified)]))
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.where(cert == 0, np.abs(est), np.abs(est - cert) / np.abs(cert))
        digits = np.where(err == 0, 15.0, -np.log10(err))
    return float(np.min(np.minimum(np.nan_to_num(digits, nan=0.0), 15.0)))


def ols_command(name: str) -> list[str]:
    """The `nnlin ols` call for a set: `--degree` for the polynomials, `--no-intercept`."""
    cert = CERTIFIED[name]
    args = ["ols", str(NIST / f"{name}.csv"), "--target", "y", "--json", "-"]
    if cert["degree"] is None:
        args += ["--features", ",".join(cert["columns"])]
    elif cert["degree"] > 1:
        args += ["--degree", str(cert["degree"])]
    if not cert["intercept"]:
        args.append("--no-intercept")
    return args


def ours(name: str, capsys) -> tuple[list[float], list[float], float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may reach a user
        assert main(ols_command(name)) == 0
    out = capsys.readouterr()
    assert out.err == ""
    res = json.loads(out.out)["ols"]
    names = list(res["params"])
    return (
        [res["params"][k] for k in names],
        [res["bse"][k] for k in names],
        res["resid_sd"],
        res["r2"],
    )


def statsmodels_qr(name: str) -> tuple[np.ndarray, np.ndarray, float, float]:
    cert = CERTIFIED[name]
    frame = pd.read_csv(NIST / f"{name}.csv")
    if cert["degree"] is None:
        X = frame[cert["columns"]].to_numpy(dtype=float)
    else:
        x = frame["x"].to_numpy(dtype=float)
        X = np.column_stack([x**d for d in range(1, cert["degree"] + 1)])
    if cert["intercept"]:
        X = sm.add_constant(X, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns on Filip's conditioning
        fit = sm.OLS(frame["y"].to_numpy(dtype=float), X).fit(method="qr")
        return fit.params, fit.bse, float(np.sqrt(fit.scale)), float(fit.rsquared)


def table_row(name: str, fit) -> tuple[float, ...]:
    cert = CERTIFIED[name]
    params, bse, resid_sd, r2 = fit
    return (
        lre(params, cert["params"]),
        lre(bse, cert["param_sd"]),
        lre(resid_sd, cert["residual_sd"]),
        lre(r2, cert["r_squared"]),
    )


@pytest.mark.parametrize("name", SETS)
def test_nnlin_ols_is_at_least_as_accurate_as_statsmodels_qr(name, capsys):
    mine = table_row(name, ours(name, capsys))
    theirs = table_row(name, statsmodels_qr(name))
    print(
        f"\n| {name} | "
        + " | ".join(f"{a:.1f} / {b:.1f}" for a, b in zip(mine, theirs, strict=True))
        + " |"
    )
    floors = FLOORS.get(name, FLOOR)
    for what, a, b, floor in zip(QUANTITIES, mine, theirs, floors, strict=True):
        assert a >= min(b, FULL), (name, what, a, b)
        assert a >= floor, (name, what, a, floor)


def test_noint_sets_use_no_intercept_and_keep_the_target(capsys):
    # NoInt2's target 3, 4, 4 has two distinct values; it must be fitted as numbers.
    params, bse, resid_sd, r2 = ours("noint2", capsys)
    assert params == pytest.approx([0.727272727272727], rel=1e-14)
    assert resid_sd == pytest.approx(0.369274472937998, rel=1e-14)
    assert r2 == pytest.approx(0.993348115299335, rel=1e-14)  # uncentred without intercept
