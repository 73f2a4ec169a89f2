"""``nnlin data``: the summary on stdout or as JSON; errors as one line and status 2."""

from __future__ import annotations

import json

from nnlin_gui.cli import main


def test_data_prints_rows_roles_and_reasons(tmp_path, capsys):
    path = tmp_path / "d.csv"
    rows = "".join(f"id{i},{i},{'' if i == 4 else i * 2},{i % 3}\n" for i in range(12))
    path.write_text("name,x1,x2,y\n" + rows)
    assert main(["data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "12 rows, 1 dropped for missing values" in out
    assert "target: y (regression)" in out
    assert "name  identifier  identifier (unique text per row)" in out
    assert "x1    feature     numeric feature" in out


def test_data_json_to_stdout_and_file(tmp_path, capsys):
    assert main(["data", "builtin:circle?n=40", "--json", "-"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n_rows"] == 40 and d["default_target"] == "label"
    assert d["suggested_task"] == "binary"
    assert [c["name"] for c in d["columns"]] == ["x1", "x2", "label"]
    out = tmp_path / "s.json"
    assert main(["data", "builtin:stackloss", "--json", str(out)]) == 0
    assert "21 rows" in capsys.readouterr().out
    assert json.loads(out.read_text())["default_target"] == "STACKLOSS"


def test_data_mean_policy(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text("x,y\n1,2\n,3\n3,5\n4,\n")
    assert main(["data", str(path), "--missing", "mean", "--json", "-"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rows_dropped"] == 1 and d["missing"] == "mean"


def test_data_errors_are_one_line_and_status_2(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    assert main(["data", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == "nnlin: r.csv: line 3: 3 fields, but the header has 2\n"
    assert main(["data", "builtin:nothing"]) == 2
    assert capsys.readouterr().err.startswith("nnlin: no built-in dataset 'nothing'")
    assert main(["data", str(tmp_path / "gone.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_fit_and_ols_accept_builtin_sources(capsys):
    assert main(["ols", "builtin:stackloss", "--target", "STACKLOSS", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "AIRFLOW" in json.dumps(out)
    argv = ["fit", "builtin:linear?n=60&seed=1", "--target", "y", "--solve", "--json", "-"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)
