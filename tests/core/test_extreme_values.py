"""Values at the edge of double precision: right numbers, or one true sentence.

For each of ``ols``, ``fit``, ``diagnose`` and ``report``, data near 1e+308, a target scaled
by 1e307, values near 1e-308, subnormals (down to 5e-324) and columns of very different
sizes either give the numbers the same data give when scaled by hand, or exit with status 2
and one line. No Python warning reaches stderr.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.statistics.numeric_range import (
    NumericRangeError,
    check_diagnostics_range,
    check_network_range,
)
from nnlin_gui.core.statistics.regression import fit_logistic, fit_ols

N = 60
RNG = np.random.default_rng(3)
X1, X2, NOISE = RNG.random(N), RNG.random(N), RNG.normal(size=N)
Y = 1.0 + 2.0 * X1 - X2 + 0.3 * NOISE

# name -> (x1 factor, x2 factor, y factor); values are written as factor * reference.
FILES = {
    "ref": (1.0, 1.0, 1.0),
    "big308": (1e308, 1e308, 5e307),
    "y307": (1.0, 1.0, 1e307),
    "x300": (1e300, 1e300, 1e300),
    "mixed": (1e300, 1e-300, 1.0),
    "tiny308": (1e-308, 1e-308, 1e-308),
    "denormal_x": (1e-320, 1.0, 1.0),
    "denormal_y": (1.0, 1.0, 5e-324),  # whole multiples of the smallest subnormal
}
# What each command must do: "ok" (exit 0, numbers checked) or a phrase of the one line.
SUBNORMAL = "subnormal numbers keep fewer than 16 significant digits"
SQUARES = "squared errors summed over"
EXPECTED = {
    "ols": {"big308": "ok", "y307": "ok", "x300": "ok", "mixed": "ok", "tiny308": SUBNORMAL,
            "denormal_x": SUBNORMAL, "denormal_y": SUBNORMAL},
    "fit": {"big308": SQUARES, "y307": SQUARES, "x300": SQUARES, "mixed": "ok",
            "tiny308": SUBNORMAL, "denormal_x": SUBNORMAL, "denormal_y": SUBNORMAL},
    "diagnose": {"big308": "multiply features by each other", "y307": "fourth powers",
                 "x300": "multiply features by each other",
                 "mixed": "multiply features by each other", "tiny308": SUBNORMAL,
                 "denormal_x": SUBNORMAL, "denormal_y": SUBNORMAL},
    "report": {"big308": SQUARES, "y307": SQUARES, "x300": SQUARES, "mixed": "ok",
               "tiny308": SUBNORMAL, "denormal_x": SUBNORMAL, "denormal_y": SUBNORMAL},
}  # fmt: skip


def write(tmp_path, name: str) -> str:
    f1, f2, fy = FILES[name]
    y = np.round(Y * 2) if name == "denormal_y" else Y
    path = tmp_path / f"{name}.csv"
    rows = "".join(
        f"{float(a * f1)!r},{float(b * f2)!r},{float(c * fy)!r}\n"
        for a, b, c in zip(X1, X2, y, strict=True)
    )
    path.write_text("x1,x2,y\n" + rows)
    return str(path)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    out = capsys.readouterr()
    assert not caught, [str(w.message) for w in caught]
    return code, out.out, out.err


def command(cmd: str, path: str, tmp_path) -> list[str]:
    args = [cmd, path, "--target", "y"]
    if cmd == "fit":
        args += ["--epochs", "300", "--batch-size", "0", "--json", "-"]
    elif cmd == "report":
        args += ["--epochs", "30", "--html", str(tmp_path / "r.html")]
    elif cmd in ("ols", "diagnose"):
        args += ["--json", "-"]
    return args


@pytest.mark.parametrize("cmd", list(EXPECTED))
@pytest.mark.parametrize("name", list(EXPECTED["ols"]))
def test_numbers_are_right_or_one_sentence(tmp_path, capsys, cmd, name):
    expected = EXPECTED[cmd][name]
    code, out, err = run(command(cmd, write(tmp_path, name), tmp_path), capsys)
    if expected != "ok":
        assert code == 2, (code, err)
        assert err.count("\n") == 1 and err.startswith("nnlin: ") and expected in err, err
        return
    assert code == 0, err
    if cmd == "report":
        assert err == "report written to " + str(tmp_path / "r.html") + "\n"
        html = (tmp_path / "r.html").read_text()
        assert ">inf<" not in html and ">nan<" not in html
        return
    assert err == ""
    ref_code, ref_out, _ = run(command(cmd, write(tmp_path, "ref"), tmp_path), capsys)
    assert ref_code == 0
    compare_scaled(cmd, json.loads(out), json.loads(ref_out), FILES[name])


def compare_scaled(cmd: str, got: dict, ref: dict, factors) -> None:
    """The results equal the hand-scaled data's results mapped back to the data's units."""
    f1, f2, fy = factors
    unit = {"const": fy, "x1": fy / f1, "x2": fy / f2}
    if cmd == "ols":
        for key in ("params", "bse"):
            for name, scale in unit.items():
                assert got["ols"][key][name] == pytest.approx(
                    ref["ols"][key][name] * scale, rel=1e-9
                )
        assert got["ols"]["resid_sd"] == pytest.approx(ref["ols"]["resid_sd"] * fy, rel=1e-9)
        assert got["ols"]["r2"] == pytest.approx(ref["ols"]["r2"], rel=1e-12)
        return
    c, cref = got["collapse"], ref["collapse"]
    assert c["b"] == pytest.approx(cref["b"] * fy, rel=1e-6)
    for name in ("x1", "x2"):
        assert c["W"][name] == pytest.approx(cref["W"][name] * unit[name], rel=1e-6)
    for key in ("train_r2", "test_r2"):
        assert got["training"][key] == pytest.approx(ref["training"][key], rel=1e-6)


def test_diagnose_no_longer_claims_an_exact_fit_for_a_large_target(tmp_path, capsys):
    code, _, err = run(["diagnose", write(tmp_path, "y307"), "--target", "y"], capsys)
    assert code == 2 and "reproduces the target exactly" not in err
    assert "the target spans 3e+307" in err


def test_ols_refuses_results_beyond_the_double_range(tmp_path, capsys):
    path = tmp_path / "slope.csv"
    # A slope of 2e600: y about 1e300 on x about 1e-300.
    path.write_text(
        "x,y\n"
        + "".join(
            f"{float(a) * 1e-300!r},{float(c) * 1e300!r}\n" for a, c in zip(X1, Y, strict=True)
        )
    )
    code, out, err = run(["ols", str(path), "--target", "y"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("nnlin: the coefficient of 'x' would be about 2e+600, outside")
    near = tmp_path / "near.csv"
    rows = zip(X1[:8], 1.79e308 - X2[:8] * 1e307, strict=True)
    near.write_text("x,y\n" + "".join(f"{float(a)!r},{float(c)!r}\n" for a, c in rows))
    code, _, err = run(["ols", str(near), "--target", "y"], capsys)
    assert code == 2 and "the 95% interval of 'const' would be about 2e+308" in err


def test_power_of_two_scaling_gives_the_same_bits():
    X = np.column_stack([X1, X2])
    ref = fit_ols(X, Y, ["x1", "x2"])
    for ex, ey in [(1000, 1000), (-1000, 0), (600, -300), (-500, 500)]:
        Xs, ys = np.ldexp(X, ex), np.ldexp(Y, ey)
        got = fit_ols(Xs, ys, ["x1", "x2"])
        scale = np.ldexp(1.0, ey - np.array([0, ex, ex]))
        np.testing.assert_array_equal(got.params, ref.params * scale)
        np.testing.assert_array_equal(got.bse, ref.bse * scale)
        np.testing.assert_array_equal(got.tvalues, ref.tvalues)
        assert got.r2 == ref.r2 and got.resid_sd == np.ldexp(ref.resid_sd, ey)


def test_logistic_regression_with_features_near_1e300():
    X = np.column_stack([X1, X2]) - 0.5
    labels = (X[:, 0] - X[:, 1] + 0.5 * NOISE > 0).astype(float)
    ref = fit_logistic(X, labels, ["a", "b"])
    got = fit_logistic(X * np.array([2.0**990, 2.0**-990]), labels, ["a", "b"])
    scale = np.array([1.0, 2.0**-990, 2.0**990])
    np.testing.assert_allclose(got.params, ref.params * scale, rtol=1e-12)
    np.testing.assert_allclose(got.bse, ref.bse * scale, rtol=1e-12)


def test_typed_errors_from_core():
    X = np.column_stack([X1, X2])
    with pytest.raises(NumericRangeError, match="subnormal"):
        fit_ols(X * 1e-310, Y)
    with pytest.raises(NumericRangeError, match="fourth powers"):
        check_diagnostics_range(X, Y * 1e100, ["x1", "x2"])
    with pytest.raises(NumericRangeError, match="squared errors"):
        check_network_range(X, Y * 1e160, ["x1", "x2"], "y")
    check_network_range(X * 1e300, Y, ["x1", "x2"], "y")  # trainable: standardised inside
