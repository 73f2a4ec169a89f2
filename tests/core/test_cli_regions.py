"""``nnlin regions``: the JSON contract, exactness of every row, and the error paths."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlin_gui.cli import main


@pytest.fixture()
def csv2(tmp_path):
    rng = np.random.default_rng(0)
    n = 150
    a, b = rng.normal(5.0, 2.0, n), rng.normal(-1.0, 0.3, n)
    y = np.abs(a - 5.0) + 3.0 * b + 0.1 * rng.normal(size=n)
    path = tmp_path / "two.csv"
    path.write_text("a,b,y\n" + "".join(f"{a[i]:.17g},{b[i]:.17g},{y[i]:.17g}\n" for i in range(n)))
    return path


def _json(capsys, argv: list[str]) -> dict:
    assert main([*argv, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def _check_rows(r: dict) -> None:
    """Every row's region map gives the network's output, to 1e-10."""
    names = r["data"]["features"]
    items = {it["id"]: it for it in r["regions"]["items"]}
    X = np.array(r["rows"]["X"])
    pred = np.array(r["rows"]["prediction"])
    mine = np.array(
        [
            items[g]["b"] + sum(items[g]["W"][n] * x[j] for j, n in enumerate(names))
            for g, x in zip(r["rows"]["region"], X, strict=True)
        ]
    )
    assert np.max(np.abs(mine - pred)) <= 1e-10 * np.abs(pred).max()
    assert sum(it["rows"] for it in items.values()) == len(X) == r["data"]["rows_used"]
    assert r["regions"]["count"] == len(items) == len(set(r["rows"]["region"]))


def _area(vertices) -> float:
    v = np.array(vertices)
    w = np.roll(v, -1, axis=0)
    return 0.5 * float(np.sum(v[:, 0] * w[:, 1] - w[:, 0] * v[:, 1]))


def test_two_features_rows_and_polygons(capsys, csv2):
    r = _json(capsys, ["regions", str(csv2), "--target", "y", "--layers", "8,8", "--epochs", "30"])
    assert r["output"] == "value"
    assert r["data"]["features"] == ["a", "b"]
    _check_rows(r)
    assert r["regions"]["count"] > 1
    X = np.array(r["rows"]["X"])
    lo, hi = X.min(axis=0), X.max(axis=0)
    np.testing.assert_allclose(
        r["box"], np.column_stack([lo, hi]) + np.outer(hi - lo, [-0.05, 0.05])
    )
    box = np.array(r["box"])
    total = sum(_area(p["vertices"]) for p in r["polygons"])
    assert total == pytest.approx(np.prod(box[:, 1] - box[:, 0]), rel=1e-9)
    met = {p["region"] for p in r["polygons"] if p["region"] is not None}
    assert met == set(range(r["regions"]["count"]))
    assert [p["id"] for p in r["polygons"]] == list(range(len(r["polygons"])))
    # A polygon of a region carries that region's map.
    items = r["regions"]["items"]
    for p in r["polygons"]:
        if p["region"] is not None:
            for name in ("a", "b"):
                assert p["W"][name] == pytest.approx(items[p["region"]]["W"][name], rel=1e-9)


def test_one_feature_has_segments_and_breakpoints(capsys, tmp_path):
    x = np.linspace(-3, 3, 80)
    path = tmp_path / "one.csv"
    path.write_text("x,y\n" + "".join(f"{v:.17g},{abs(v):.17g}\n" for v in x))
    r = _json(capsys, ["regions", str(path), "--target", "y", "--layers", "6", "--epochs", "20"])
    _check_rows(r)
    segs = r["segments"]
    assert [s["interval"][0] for s in segs[1:]] == r["breakpoints"]
    assert segs[0]["interval"][0] == r["box"][0][0] and segs[-1]["interval"][1] == r["box"][0][1]
    assert "polygons" not in r


def test_a_classifier_reports_the_logit(capsys):
    r = _json(capsys, ["regions", "builtin:xor", "--target", "label", "--epochs", "20"])
    assert r["output"] == "logit"
    assert r["network"]["head"] == "sigmoid"
    _check_rows(r)


def test_three_features_have_no_box(capsys, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    path = tmp_path / "three.csv"
    path.write_text(
        "p,q,s,y\n" + "".join(f"{a:.17g},{b:.17g},{c:.17g},{a * b:.17g}\n" for a, b, c in X)
    )
    r = _json(capsys, ["regions", str(path), "--target", "y", "--epochs", "5"])
    _check_rows(r)
    assert "box" not in r and "polygons" not in r


def test_text_output_is_a_table(capsys, csv2):
    assert main(["regions", str(csv2), "--target", "y", "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    assert "linear region(s) met by the rows" in out
    assert "region" in out and "rows" in out


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--activation", "tanh"], "exact only for ReLU, leaky ReLU and identity"),
        (["--target", "nope"], "nope"),
        (["--layers", "8,x"], "--layers"),
    ],
)
def test_errors_are_one_line_and_status_2(capsys, csv2, extra, words):
    argv = ["regions", str(csv2), "--target", "y", "--epochs", "5", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err
    assert err.count("\n") == 1 and err.startswith("nnlin: ")
