"""``nnlin fit``: the JSON contract, --solve equals OLS, and every error path exits 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.statistics.regression import fit_ols


@pytest.fixture()
def linear_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = 3.0 + 1.5 * a - 2.0 * b + 0.2 * rng.normal(size=n)
    path = tmp_path / "lin.csv"
    path.write_text(
        "a,b,name,y\n" + "".join(f"{a[i]:.17g},{b[i]:.17g},row{i},{y[i]:.17g}\n" for i in range(n))
    )
    return path


def _run_json(capsys, argv):
    assert main(argv + ["--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def test_solve_matches_ols_to_1e_10(capsys, linear_csv):
    r = _run_json(
        capsys,
        [
            "fit",
            str(linear_csv),
            "--target",
            "y",
            "--features",
            "a,b",
            "--layers",
            "16,4,8",
            "--solve",
            "--test-fraction",
            "0",
        ],
    )
    ols = r["ols"]["params"]
    assert r["collapse"]["collapsible"] is True
    assert r["collapse"]["b"] == pytest.approx(ols["const"], rel=1e-10)
    for name in ("a", "b"):
        assert r["collapse"]["W"][name] == pytest.approx(ols[name], rel=1e-10)
    assert r["collapse"]["max_abs_diff_to_ols"] < 1e-10
    # The OLS part is the real OLS on those rows.
    import pandas as pd

    df = pd.read_csv(linear_csv)
    direct = fit_ols(df[["a", "b"]].to_numpy(), df["y"].to_numpy(), ["a", "b"])
    assert ols["a"] == pytest.approx(direct.params[1], rel=1e-12)
    assert r["ols"]["bse"]["b"] == pytest.approx(direct.bse[2], rel=1e-12)


def test_fit_json_contract(capsys, linear_csv):
    r = _run_json(
        capsys,
        [
            "fit",
            str(linear_csv),
            "--target",
            "y",
            "--features",
            "a,b",
            "--epochs",
            "300",
            "--batch-size",
            "0",
            "--optimizer",
            "sgd",
            "--lr",
            "0.05",
        ],
    )
    assert r["data"]["path"] == str(linear_csv)
    assert r["data"]["rows_used"] == 120 and r["data"]["rows_dropped"] == 0
    assert r["data"]["target"] == "y" and r["data"]["features"] == ["a", "b"]
    assert r["network"]["layers"] == ["dense 8 identity", "dense 8 identity"]
    assert r["network"]["parameter_count"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
    t = r["training"]
    assert t["epochs_run"] == 300 and t["diverged"] is False and t["samples_per_second"] > 0
    assert t["train_r2"] > 0.95 and "test_loss" in t and "train_loss" in t
    assert set(r["ols"]) >= {"params", "bse", "r2", "resid_sd"}
    assert set(r["ols"]["params"]) == {"const", "a", "b"}
    assert r["collapse"]["max_abs_diff_to_ols"] < 1e-3


def test_nonlinear_fit_reports_layer_and_linear_approx(capsys, linear_csv):
    r = _run_json(
        capsys,
        [
            "fit",
            str(linear_csv),
            "--target",
            "y",
            "--features",
            "a,b",
            "--activation",
            "relu",
            "--epochs",
            "20",
        ],
    )
    assert r["collapse"]["collapsible"] is False
    assert r["collapse"]["reason"] == "cannot collapse: layer 1 uses relu"
    assert 0.9 < r["linear_approx"]["r2"] <= 1.0


def test_l2_compares_with_ridge(capsys, linear_csv):
    r = _run_json(
        capsys,
        [
            "fit",
            str(linear_csv),
            "--target",
            "y",
            "--features",
            "a,b",
            "--layers",
            "",
            "--l2",
            "0.1",
            "--epochs",
            "3000",
            "--batch-size",
            "0",
            "--optimizer",
            "sgd",
            "--lr",
            "0.1",
            "--test-fraction",
            "0",
        ],
    )
    assert r["baseline"]["kind"] == "ridge"
    # A single linear layer with L2 is exactly ridge: gradient descent converges to it.
    assert r["collapse"]["max_abs_diff_to_ridge"] < 1e-6
    assert abs(r["baseline"]["params"]["a"]) < abs(r["ols"]["params"]["a"])


@pytest.mark.parametrize(
    "argv,message",
    [
        (["fit", "missing.csv", "--target", "y"], "no such file"),
        (["fit", "{csv}", "--target", "nope"], "no column named 'nope'"),
        (["fit", "{csv}", "--target", "name"], "text"),
        (["fit", "{csv}", "--target", "y", "--features", "a,zz"], "no column named 'zz'"),
        (["fit", "{csv}", "--target", "y", "--lr", "-1"], "learning rate"),
        (["fit", "{csv}", "--target", "y", "--layers", "8,x"], "--layers"),
        (["fit", "{csv}", "--target", "y", "--layers", "0,8"], "width"),
        (["fit", "{empty}", "--target", "y"], ""),
        (["fit", "{dir}", "--target", "y"], "folder"),
        (["fit", "builtin:nothing", "--target", "y"], "no built-in dataset"),
        (["fit", "{csv}", "--target", "y", "--json", "/nonexistent/dir/out.json"], "cannot write"),
    ],
)
def test_user_errors_exit_2_with_one_line(capsys, tmp_path, linear_csv, argv, message):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    argv = [a.format(csv=linear_csv, empty=empty, dir=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nnlin: ")
    assert message in err
    assert "Traceback" not in err


def test_usage_error_is_one_line_and_status_2():
    proc = subprocess.run(
        [sys.executable, "-m", "nnlin_gui.cli", "fit"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "required" in proc.stderr


def test_subprocess_fit_prints_the_collapse(linear_csv):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nnlin_gui.cli",
            "fit",
            str(linear_csv),
            "--target",
            "y",
            "--features",
            "a,b",
            "--solve",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "collapse: y = W x + b" in proc.stdout and "largest difference" in proc.stdout
