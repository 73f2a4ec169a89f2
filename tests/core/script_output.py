"""Run an exported analysis script and read back its numbers; the program's own numbers
for the same choices. Shared by the script export tests (core and ui)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np

from nnlin_gui.core.statistics.diagnostics import diagnose_ols
from nnlin_gui.core.statistics.regression import fit_ols

COEF_COLUMNS = ("coef", "std_err", "t", "p", "ci_low", "ci_high")


def run_script(path, timeout: float = 180) -> str:
    """The script's standard output (run with this Python, on its own, from its folder)."""
    done = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(path.parent),
        env={"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "error::RuntimeWarning"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return done.stdout


def parse_output(text: str) -> dict:
    """{'coef': {name: [6 floats]}, 'model': {key: float}, 'tests': {name: (stat, df, p,
    holm)}} from the printed sections."""
    out: dict = {"coef": {}, "model": {}, "tests": {}}
    section = None
    for line in text.splitlines():
        if line.startswith("== "):
            section = line.strip("= ").split()[0]
            continue
        if section == "coefficients":
            parts = line.rsplit(maxsplit=6)
            if parts[-6:] == list(COEF_COLUMNS):
                continue
            out["coef"][parts[0].strip()] = [float(v) for v in parts[1:]]
        elif section == "model":
            key, value = line.split()
            out["model"][key] = float(value)
        elif section == "assumption" and not line.startswith(("#", "test ")):
            name, stat, df, p, holm = line.rsplit(maxsplit=4)
            out["tests"][name.strip()] = (
                None if stat == "n/a" else float(stat),
                None if df == "-" else tuple(int(v) for v in df.split(",")),
                None if p == "-" else float(p),
                None if holm == "-" else float(holm),
            )
    return out


def program_numbers(dataset, cov_type="nonrobust", hac_lags=None, weights=None) -> dict:
    """The same structure from ``fit_ols`` and ``diagnose_ols`` on ``dataset``."""
    r = fit_ols(
        dataset.X,
        dataset.y,
        dataset.feature_names,
        cov_type=cov_type,
        hac_lags=hac_lags,
        weights=weights,
    )
    coef = {
        name: [r.params[i], r.bse[i], r.tvalues[i], r.pvalues[i], *r.conf_int[i]]
        for i, name in enumerate(r.names)
    }
    keys = ("r2", "adj_r2", "resid_sd", "df_resid", "nobs", "fstat", "f_pvalue", "df_model")
    model = {k: float(getattr(r, k)) for k in (*keys, "llf", "aic", "bic")}
    report = diagnose_ols(dataset.X, dataset.y, dataset.feature_names)
    tests = {}
    for a in report.assumptions:
        for t in a.tests:
            df = None if t.df is None else tuple(np.atleast_1d(t.df).astype(int).tolist())
            tests[t.name] = (t.statistic, df, t.p_value, t.p_adjusted)
    return {"coef": coef, "model": model, "tests": tests}


def worst_difference(script: dict, program: dict) -> float:
    """Largest relative difference over every number (asserts the same names and dfs)."""
    worst = 0.0

    def rel(a, b) -> float:
        if a is None or b is None:
            assert a is None and b is None, (a, b)
            return 0.0
        if not math.isfinite(b):
            return 0.0 if a == b else math.inf
        return abs(a - b) / max(abs(b), 1e-300)

    assert list(script["coef"]) == list(program["coef"])
    for name, values in program["coef"].items():
        worst = max(worst, *(rel(a, b) for a, b in zip(script["coef"][name], values, strict=True)))
    assert set(script["model"]) == set(program["model"])
    for key, value in program["model"].items():
        worst = max(worst, rel(script["model"][key], value))
    assert list(script["tests"]) == list(program["tests"])
    for name, (stat, df, p, holm) in program["tests"].items():
        s_stat, s_df, s_p, s_holm = script["tests"][name]
        assert s_df == df, (name, s_df, df)
        worst = max(worst, rel(s_stat, stat), rel(s_p, p), rel(s_holm, holm))
    return worst
