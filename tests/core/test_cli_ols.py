"""``nnlin ols``: JSON and table output, and one-line errors with status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.statistics.regression import fit_ols, fit_polynomial

REPO = Path(__file__).resolve().parents[2]
LONGLEY = REPO / "tests" / "data" / "nist" / "longley.csv"
NORRIS = REPO / "tests" / "data" / "nist" / "norris.csv"


@pytest.fixture
def text_target_csv(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("age,height,name\n30,1.7,ann\n41,1.8,bob\n25,1.6,cy\n")
    return path


def test_json_file_params_equal_fit_ols(tmp_path, capsys):
    out = tmp_path / "ols.json"
    features = "x1,x2,x3,x4,x5,x6"
    assert (
        main(["ols", str(LONGLEY), "--target", "y", "--features", features, "--json", str(out)])
        == 0
    )
    payload = json.loads(out.read_text())
    ds = load_dataset(str(LONGLEY), target="y", features=features.split(","))
    direct = fit_ols(ds.X, ds.y, ds.feature_names)
    assert payload["data"] == {
        "path": str(LONGLEY),
        "rows_used": 16,
        "rows_dropped": 0,
        "target": "y",
        "features": ["x1", "x2", "x3", "x4", "x5", "x6"],
    }
    assert payload["ols"] == json.loads(json.dumps(direct.to_dict()))
    assert payload["ols"]["params"]["x6"] == pytest.approx(1829.15146461355, rel=1e-13)
    assert "degree" not in payload
    # A file target still prints the table for the person at the terminal.
    assert "residual SD 304.854" in capsys.readouterr().out


def test_json_to_stdout_with_features_degree_and_no_intercept(capsys):
    args = ["ols", str(LONGLEY), "--target", "y", "--features", "x1, x6", "--degree", "2"]
    assert main([*args, "--no-intercept", "--json", "-"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["degree"] == 2
    assert payload["data"]["features"] == ["x1", "x6"]
    ds = load_dataset(str(LONGLEY), target="y", features=["x1", "x6"])
    direct = fit_polynomial(ds.X, ds.y, 2, ds.feature_names, intercept=False)
    assert list(payload["ols"]["params"]) == ["x1^1", "x1^2", "x6^1", "x6^2"]
    np.testing.assert_array_equal(list(payload["ols"]["params"].values()), direct.params)
    assert payload["ols"]["df_resid"] == 12


def test_default_features_are_every_other_numeric_column(capsys):
    assert main(["ols", str(LONGLEY), "--target", "y", "--json", "-"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["data"]["features"] == ["x1", "x2", "x3", "x4", "x5", "x6"]
    assert payload["ols"]["params"]["x6"] == pytest.approx(1829.15146461355, rel=1e-13)


def test_table_output(capsys):
    assert main(["ols", str(NORRIS), "--target", "y", "--features", "x"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("OLS of 'y' on 36 rows")
    assert lines[1].split() == ["coef", "std", "err", "t", "P>|t|", "[0.025", "0.975]"]
    assert lines[3].split()[:3] == ["const", "-0.262323", "0.2328"]
    assert lines[4].split()[:3] == ["x", "1.00212", "0.0004298"]
    assert "R^2 0.999994" in out and "n 36" in out and "df 34" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ols", "no_such_file.csv", "--target", "y"], "no such file"),
        (["ols", str(NORRIS), "--target", "nope"], "no column named 'nope'"),
        (["ols", str(NORRIS), "--target", "y", "--features", "x,zz"], "no column named 'zz'"),
        (["ols", str(NORRIS), "--target", "y", "--features", "x", "--degree", "11"], "1 to 10"),
        (["ols", str(NORRIS), "--target", "y", "--features", " , "], "names no column"),
    ],
)
def test_user_errors_are_one_line_and_status_2(args, expected, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and expected in captured.err


def test_text_target_and_unwritable_json(text_target_csv, tmp_path, capsys):
    assert main(["ols", str(text_target_csv), "--target", "name"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnlin: ") and err.count("\n") == 1 and "'name'" in err
    bad = tmp_path / "missing_dir" / "out.json"
    assert main(["ols", str(NORRIS), "--target", "y", "--features", "x", "--json", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnlin: cannot write") and err.count("\n") == 1


def _run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "nnlin_gui.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", ["missing file", "unknown column", "text target"])
def test_subprocess_errors(case, text_target_csv, tmp_path):
    args = {
        "missing file": ["ols", str(tmp_path / "absent.csv"), "--target", "y"],
        "unknown column": ["ols", str(NORRIS), "--target", "y", "--features", "w"],
        "text target": ["ols", str(text_target_csv), "--target", "name"],
    }[case]
    proc = _run_cli(args, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("nnlin: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_subprocess_json(tmp_path):
    proc = _run_cli(
        ["ols", str(NORRIS), "--target", "y", "--features", "x", "--json", "-"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    params = json.loads(proc.stdout)["ols"]["params"]
    assert params["x"] == pytest.approx(1.00211681802045, rel=1e-13)


def test_a_closed_pipe_is_not_an_error(tmp_path):
    # `nnlin ... | head -1` used to print "internal error: BrokenPipeError" and exit 1.
    import subprocess
    import sys

    # Far more than a pipe holds (every row is printed), so the writer meets the closed pipe.
    cmd = [sys.executable, "-m", "nnlin_gui.cli", "regions", "builtin:circle?n=20000",
           "--target", "label", "--epochs", "1", "--json", "-"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "internal error" not in err and "Traceback" not in err
