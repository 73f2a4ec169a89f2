"""``nnlin diagnose`` end to end: JSON contract, text table, network residuals, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.cli import main


@pytest.fixture
def csv_path(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    a, b = rng.normal(size=n), rng.normal(size=n)
    noise = rng.normal(size=n)
    y = 1 + 2 * a - b + noise
    path = tmp_path / "data.csv"
    lines = ["a,b,junk,y"] + [
        f"{a[i]:.10g},{b[i]:.10g},{noise[i] * 0:.3g},{y[i]:.10g}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_json_to_stdout_keeps_the_contract(csv_path, capsys):
    out = _json(
        capsys, ["diagnose", str(csv_path), "--target", "y", "--features", "a,b", "--json", "-"]
    )
    names = [a["name"] for a in out["assumptions"]]
    assert names == [
        "collinearity",
        "homoskedasticity",
        "independence",
        "normality",
        "linearity",
        "influence",
    ]
    tests = {t["name"]: t for a in out["assumptions"] for t in a["tests"]}
    assert tests["Breusch-Godfrey"]["df"] == 4  # default lags
    assert tests["Ljung-Box"]["df"] == 4
    assert out["features"] == ["a", "b"]
    assert "plots" not in out and "network" not in out
    verdicts = {a["name"]: a["verdict"] for a in out["assumptions"]}
    assert verdicts["collinearity"] == verdicts["linearity"] == "ok"
    assert set(verdicts.values()) <= {"ok", "warning", "violated"}


def test_lags_and_plots_options(csv_path, tmp_path, capsys):
    target = tmp_path / "report.json"
    argv = ["diagnose", str(csv_path), "--target", "y", "--features", "a,b", "--lags", "7"]
    assert main(argv + ["--plots", "--json", str(target)]) == 0
    out = json.loads(target.read_text())
    tests = {t["name"]: t for a in out["assumptions"] for t in a["tests"]}
    assert tests["Breusch-Godfrey"]["df"] == 7
    assert len(out["plots"]["qq"]["sample"]) == 120


def test_text_table(csv_path, capsys):
    assert main(["diagnose", str(csv_path), "--target", "y", "--features", "a,b"]) == 0
    text = capsys.readouterr().out
    assert "homoskedasticity" in text and "Durbin-Watson" in text
    assert "rows in file order" in text


CARS = Path(__file__).resolve().parents[1] / "data" / "r" / "cars.csv"


def test_json_has_raw_and_holm_p_values_labelled(capsys):
    # cars (dist ~ speed): Goldfeld-Quandt's raw p is R's
    # gqtest(fm, order.by = ~ speed, fraction = 0.2, alternative = "two.sided")$p.value;
    # it is the smallest of the report's 14 p-values, so its Holm p is 14 times it.
    out = _json(capsys, ["diagnose", str(CARS), "--target", "dist", "--json", "-"])
    tests = {t["name"]: t for a in out["assumptions"] for t in a["tests"]}
    gq = tests["Goldfeld-Quandt"]
    assert gq["pvalue"] == pytest.approx(0.00079412603828710594, rel=1e-9)
    assert gq["pvalue_holm"] == pytest.approx(14 * 0.00079412603828710594, rel=1e-9)
    assert gq["verdict"] == "warning" and gq["verdict_basis"] == "pvalue_holm"
    assert "raw p = 0.000794, Holm-adjusted p = 0.0111" in gq["message"]
    assert tests["VIF (speed)"]["verdict_basis"] == "statistic"
    assert tests["VIF (speed)"]["pvalue"] is None and tests["VIF (speed)"]["pvalue_holm"] is None


def test_text_table_labels_both_p_values(capsys):
    assert main(["diagnose", str(CARS), "--target", "dist"]) == 0
    text = capsys.readouterr().out
    gq = next(line for line in text.splitlines() if "Goldfeld-Quandt" in line)
    assert "p raw 0.0007941" in gq and "p Holm   0.01112" in gq
    assert "the verdicts use it" in text


def test_network_residuals_are_added_under_network(capsys):
    argv = ["diagnose", "builtin:linear", "--target", "y", "--layers", "none", "--epochs", "30"]
    out = _json(capsys, argv + ["--json", "-"])
    assert out["source"] == "ols"
    net = out["network"]
    assert net["source"] == "network"
    assert net["layers"] == [] and net["activation"] == "identity"
    tests = {t["name"]: t for a in net["assumptions"] for t in a["tests"]}
    assert tests["Harvey-Collier"]["verdict"] == "not applicable"
    assert tests["Breusch-Pagan (Koenker)"]["statistic"] is not None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diagnose", "missing.csv", "--target", "y"], "no such file"),
        (["diagnose", "builtin:linear", "--target", "nope"], "nope"),
        (["diagnose", "builtin:linear", "--target", "y", "--lags", "0"], "--lags"),
    ],
)
def test_user_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_text_class_target_is_not_told_to_use_regression(capsys, tmp_path):
    # "--task regression" helps class codes 1, 2, 3; it cannot turn A, B, C into numbers.
    assert main(["diagnose", "builtin:multinomial", "--target", "class"]) == 2
    text = capsys.readouterr().err
    assert "'class' has 3 classes" in text and "--task regression" not in text
    coded = tmp_path / "coded.csv"
    coded.write_text("x,k\n" + "".join(f"{i},{i % 3 + 1}\n" for i in range(30)))
    argv = ["diagnose", str(coded), "--target", "k", "--task", "classification"]
    assert main(argv) == 2
    assert "use --task regression" in capsys.readouterr().err
