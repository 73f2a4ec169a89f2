"""Regression or classification is the user's decision, with a visible default.

A numeric target is regression unless its values are exactly 0 and 1 (or it is text);
``nnlin ols`` never recodes a target; ``fit``, ``report`` and ``diagnose`` take
``--task regression|classification``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import DataError, load_dataset, load_table, table_from_frame

# NIST StRD NoInt2: y = B1 x without intercept; certified B1 and its standard deviation.
NOINT2 = "x,y\n4,3\n5,4\n6,4\n"
NOINT2_B1, NOINT2_SD = 0.727272727272727, 0.420827318078432e-01


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def few_valued(tmp_path, name: str, values, n: int = 40, seed: int = 0) -> str:
    """A CSV with two numeric features and a target cycling through ``values``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = [values[i % len(values)] for i in range(n)]
    rows = "".join(f"{float(a)!r},{float(b)!r},{v}\n" for (a, b), v in zip(x, y, strict=True))
    return write(tmp_path, name, "x1,x2,y\n" + rows)


def ols_json(args, capsys) -> dict:
    assert main(["ols", *args, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)["ols"]


def test_ols_noint2_gives_the_certified_slope(tmp_path, capsys):
    got = ols_json(
        [write(tmp_path, "noint2.csv", NOINT2), "--target", "y", "--no-intercept"], capsys
    )
    # Before: the target 3, 4, 4 was recoded to 0, 1, 1 and the slope was 0.142857.
    assert got["params"]["x"] == pytest.approx(NOINT2_B1, rel=1e-14)
    assert got["bse"]["x"] == pytest.approx(NOINT2_SD, rel=1e-13)
    assert got["r2"] == pytest.approx(0.993348115299335, rel=1e-14)


@pytest.mark.parametrize(
    "values",
    [
        (10, 20),
        (7, 7, 7, 7, 7, 7, 7, 7, 7, 8),
        (1, 2, 3, 4, 5),  # a Likert scale
        (-1, 1),
        (0.5, 1.5),
        (3, 4, 4),
    ],
)
def test_few_valued_numbers_stay_numbers(tmp_path, capsys, values):
    path = few_valued(tmp_path, "t.csv", values)
    ds = load_dataset(path, target="y")
    assert ds.task == "regression" and ds.class_labels == ()
    frame = pd.read_csv(path)
    np.testing.assert_array_equal(ds.y, frame["y"].to_numpy(dtype=float))
    got = ols_json([path, "--target", "y"], capsys)
    A = np.column_stack([np.ones(len(frame)), frame[["x1", "x2"]].to_numpy()])
    expected = np.linalg.lstsq(A, frame["y"].to_numpy(dtype=float), rcond=None)[0]
    np.testing.assert_allclose(
        [got["params"][k] for k in ("const", "x1", "x2")], expected, rtol=1e-10, atol=1e-12
    )


def test_defaults_zero_one_text_and_booleans_suggest_classes(tmp_path):
    zero_one = load_table(few_valued(tmp_path, "b.csv", (0, 1)))
    assert zero_one.summary.suggested_task == "binary"
    assert zero_one.to_dataset().task == "binary"
    text = load_dataset(few_valued(tmp_path, "t.csv", ("no", "yes", "yes")), target="y")
    assert text.task == "binary" and text.class_labels == ("no", "yes")
    flags = table_from_frame(pd.DataFrame({"x": [1.0, 2, 3, 4], "b": [True, False, True, False]}))
    assert flags.to_dataset(target="b").task == "binary"
    # 0/1 regressed when the user says so: the values themselves, a linear probability model.
    ds = zero_one.to_dataset(task="regression")
    assert ds.task == "regression" and set(ds.y.tolist()) == {0.0, 1.0}


def test_classification_is_binary_or_multiclass_as_the_levels_decide(tmp_path):
    ds = load_dataset(few_valued(tmp_path, "l.csv", (1, 2, 3, 4, 5)), task="classification")
    assert ds.task == "multiclass" and ds.class_labels == ("1", "2", "3", "4", "5")
    np.testing.assert_array_equal(ds.y[:6], [0, 1, 2, 3, 4, 0])
    ds = load_dataset(few_valued(tmp_path, "h.csv", (0.5, 1.5)), task="classification")
    assert ds.task == "binary" and ds.class_labels == ("0.5", "1.5")
    np.testing.assert_array_equal(ds.y[:4], [0, 1, 0, 1])


def test_impossible_choices_are_refused_in_one_line(tmp_path):
    many = write(tmp_path, "m.csv", "x,y\n" + "".join(f"{i},{i * 0.37}\n" for i in range(80)))
    with pytest.raises(DataError, match="80 different values; classification takes at most 50"):
        load_dataset(many, task="classification")
    text = few_valued(tmp_path, "t.csv", ("no", "yes"))
    with pytest.raises(DataError, match="is text .*regression needs numbers"):
        load_dataset(text, target="y", task="regression")
    with pytest.raises(DataError, match="task must be regression or classification"):
        load_dataset(text, target="y", task="ordinal")


@pytest.mark.parametrize(
    ("command", "extra"),
    [("fit", ["--epochs", "5"]), ("report", ["--epochs", "5", "--html", "OUT"])],
)
def test_network_commands_take_task(tmp_path, capsys, command, extra):
    path = few_valued(tmp_path, "l.csv", (1, 2, 3, 4, 5))
    extra = [str(tmp_path / "r.html") if e == "OUT" else e for e in extra]
    # The default is regression (before: multiclass, and `fit` crashed with a TypeError).
    assert main([command, path, "--target", "y", *extra]) == 0
    assert main([command, path, "--target", "y", "--task", "classification", *extra]) == 0
    out = capsys.readouterr()
    assert "internal error" not in out.err
    if command == "fit":
        assert "softmax output" in out.out and "class 5" in out.out
        assert "identity output" in out.out  # the regression run


def test_fit_json_reports_the_task(tmp_path, capsys):
    path = few_valued(tmp_path, "h.csv", (10, 20, 20), seed=3)
    assert main(["fit", path, "--target", "y", "--epochs", "3", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["data"]["task"] == "regression"
    args = ["fit", path, "--target", "y", "--epochs", "3", "--task", "classification"]
    assert main([*args, "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    assert data["task"] == "binary" and data["class_labels"] == ["10", "20"]


def test_ols_refuses_a_text_target_in_one_line(tmp_path, capsys):
    path = few_valued(tmp_path, "t.csv", ("no", "yes"))
    assert main(["ols", path, "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is text (2 classes: no, yes)" in err


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (("no", "yes", "yes"), None),
        ((7, 7, 7, 7, 7, 7, 7, 7, 7, 8), None),
        ((7, 8), "classification"),
    ],
)
def test_diagnose_with_few_valued_targets(tmp_path, capsys, values, task):
    path = few_valued(tmp_path, "d.csv", values, n=60)
    args = ["diagnose", path, "--target", "y", "--json", "-"]
    assert main(args + (["--task", task] if task else [])) == 0
    assert json.loads(capsys.readouterr().out)["target"] == "y"


def test_diagnose_refuses_class_codes_in_one_line(tmp_path, capsys):
    path = few_valued(tmp_path, "l.csv", (1, 2, 3), n=60)
    assert main(["diagnose", path, "--target", "y", "--task", "classification"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'y' has 3 classes" in err
