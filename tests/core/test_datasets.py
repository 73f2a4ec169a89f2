"""Built-in datasets: shapes, names, parameters, and the verdicts the teaching sets teach."""

from __future__ import annotations

import numpy as np
import pytest

from nnlin_gui.core.data.builtin import (
    BuiltinInfo,
    builtin_info,
    builtin_names,
    load_builtin_frame,
    parse_builtin_source,
)
from nnlin_gui.core.data.tables import DataError, load_dataset, load_table

PLAYGROUND_CLASSIFY = ("circle", "xor", "gauss", "spiral")
EXPECTED = PLAYGROUND_CLASSIFY + (
    "plane", "multigauss", "linear", "quadratic", "sine", "heteroskedastic", "ar1",
    "collinear", "outliers", "logistic", "multinomial", "longley", "stackloss",
)  # fmt: skip


def _ols(X: np.ndarray, y: np.ndarray):
    A = np.column_stack([np.ones(len(y)), X])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    return A, beta, y - A @ beta


def test_names_and_info():
    assert set(builtin_names()) == set(EXPECTED)
    for name in builtin_names():
        info = builtin_info(name)
        assert isinstance(info, BuiltinInfo) and info.name == name
        assert info.title and len(info.description) > 80 and "\n" not in info.description
        assert info.task in ("regression", "binary", "multiclass")
        if info.group == "real":
            assert info.params == {}
        else:
            assert set(info.params) == {"n", "noise", "seed"}
            assert 200 <= info.params["n"] <= 500


@pytest.mark.parametrize("name", EXPECTED)
def test_every_dataset_loads_with_target_last_and_its_task(name):
    frame = load_builtin_frame(name)
    info = builtin_info(name)
    table = load_table(f"builtin:{name}")
    assert table.summary.default_target == str(frame.columns[-1])
    ds = table.to_dataset()
    assert ds.task == info.task
    assert ds.n_rows == len(frame) and ds.rows_dropped == 0
    assert np.isfinite(ds.X).all() and np.isfinite(ds.y).all()
    if info.group != "real":
        assert ds.n_rows == info.params["n"]
    np.testing.assert_array_equal(ds.X, frame.iloc[:, :-1].to_numpy(dtype=float))


@pytest.mark.parametrize("name", PLAYGROUND_CLASSIFY)
def test_playground_classification_sets(name):
    frame = load_builtin_frame(name, n=400, noise=0.0, seed=5)
    assert list(frame.columns) == ["x1", "x2", "label"]
    assert set(frame["label"].unique()) == {0, 1}
    assert 0.3 < frame["label"].mean() < 0.7
    assert np.abs(frame[["x1", "x2"]].to_numpy()).max() < 7


def test_playground_geometry():
    c = load_builtin_frame("circle", n=600, seed=1)
    r = np.hypot(c.x1, c.x2)
    assert (r[c.label == 1] <= 2.5).all() and (r[c.label == 0] >= 3.5).all()
    x = load_builtin_frame("xor", n=600, seed=1)
    assert ((x.x1 * x.x2 >= 0) == (x.label == 1)).all()
    p = load_builtin_frame("plane", n=100, seed=1)
    np.testing.assert_allclose(p.y, (p.x1 + p.x2) / 10)
    m = load_builtin_frame("multigauss", n=500, seed=1)
    assert m.y.min() >= -1 and m.y.max() <= 1 and m.y.std() > 0.2


def test_params_change_the_data_and_seed_reproduces():
    a = load_builtin_frame("linear", n=50, noise=0.3, seed=2)
    b = load_builtin_frame("linear", n=50, noise=0.3, seed=2)
    c = load_builtin_frame("linear", n=50, noise=0.3, seed=3)
    assert a.equals(b) and not a.equals(c) and len(a) == 50
    ds = load_dataset("builtin:linear?n=500&noise=0.3&seed=2")
    assert ds.n_rows == 500 and ds.source == "builtin:linear?n=500&noise=0.3&seed=2"
    np.testing.assert_array_equal(
        ds.y, load_builtin_frame("linear", n=500, noise=0.3, seed=2)["y"].to_numpy()
    )


def test_multinomial_labels_are_the_target_and_recover_their_log_odds():
    from nnlin_gui.core.statistics.multinomial import fit_multinomial

    table = load_table("builtin:multinomial")
    assert table.summary.default_target == "class"
    assert table.summary.suggested_task == "multiclass"
    ds = table.to_dataset()
    assert ds.feature_names == ("x1", "x2") and ds.task == "multiclass"
    assert np.bincount(ds.y.astype(int)).min() > 60  # no class is rare
    big = load_dataset("builtin:multinomial?n=20000&seed=1")
    fit = fit_multinomial(big.X, big.y, names=("x1", "x2"), classes=("A", "B", "C"))
    noise = builtin_info("multinomial").params["noise"]
    truth = np.array([[0.5, 2.0, -1.0], [-0.5, -1.0, 2.0]]) / noise  # B, C vs A: const, x1, x2
    np.testing.assert_allclose(fit.params, truth, atol=4 * fit.bse.max())


def test_a_file_keeps_the_last_numeric_column_as_its_target(tmp_path):
    # Only a built-in set's text label is its default target; a file's is the last number.
    path = tmp_path / "three.csv"
    load_builtin_frame("multinomial", n=40).to_csv(path, index=False)
    table = load_table(str(path))
    assert table.summary.default_target == "x2"
    assert table.to_dataset(target="class").task == "multiclass"


def test_parse_source():
    assert parse_builtin_source("builtin:sine?n=10&noise=0.5") == (
        "sine",
        {"n": "10", "noise": "0.5"},
    )
    assert parse_builtin_source("builtin:gauss") == ("gauss", {})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("builtin:nope", "no built-in dataset 'nope'; choose one of circle"),
        ("builtin:linear?m=3", "unknown parameter 'm' (takes n, noise, seed)"),
        ("builtin:linear?n=abc", "n='abc' is not a number"),
        ("builtin:linear?n=2.5", "is not a number"),
        ("builtin:linear?n=1", "n must be between 4 and"),
        ("builtin:linear?noise=-1", "noise must not be negative"),
        ("builtin:linear?noise=nan", "noise must be finite"),
        ("builtin:linear?n=5&n=6", "parameter 'n' given twice"),
        ("builtin:longley?n=5", "unknown parameter 'n' (takes no parameters)"),
        ("builtin:logistic?noise=0", "noise must be positive"),
        ("builtin:multinomial?noise=0", "noise must be positive"),
        ("builtin:linear?&&", "parameters must look like"),
    ],
)
def test_bad_builtin_sources(source, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_dataset(source)


def test_linear_passes_the_assumption_tests():
    from scipy import stats

    ds = load_dataset("builtin:linear")
    A, beta, e = _ols(ds.X, ds.y)
    n = len(e)
    np.testing.assert_allclose(beta, [1.5, 2.0, -1.0, 0.5], atol=0.2)
    assert stats.jarque_bera(e).pvalue > 0.2
    assert stats.shapiro(e).pvalue > 0.2
    # Breusch-Pagan (studentised): n R^2 of e^2 on X.
    u = e**2
    _, _, r = _ols(ds.X, u)
    r2 = 1 - r @ r / ((u - u.mean()) @ (u - u.mean()))
    assert stats.chi2.sf(n * r2, ds.X.shape[1]) > 0.2
    dw = np.sum(np.diff(e) ** 2) / (e @ e)
    assert 1.8 < dw < 2.2
    vif = np.diag(np.linalg.inv(np.corrcoef(ds.X, rowvar=False)))
    assert vif.max() < 1.1
    # RESET: adding fitted^2 and fitted^3 does not help.
    fitted = A @ beta
    A2 = np.column_stack([A, fitted**2, fitted**3])
    e2 = ds.y - A2 @ np.linalg.lstsq(A2, ds.y, rcond=None)[0]
    F = ((e @ e - e2 @ e2) / 2) / (e2 @ e2 / (n - A2.shape[1]))
    assert stats.f.sf(F, 2, n - A2.shape[1]) > 0.2


def test_teaching_sets_break_their_assumption_clearly():
    from scipy import stats

    ds = load_dataset("builtin:heteroskedastic")
    _, _, e = _ols(ds.X, ds.y)
    x1 = ds.X[:, 0]
    low, high = e[x1 < 1], e[x1 > 4]  # the error SD doubles from x1 = 0 to x1 = 5
    assert 1.5 < high.std() / low.std() < 2.2

    ds = load_dataset("builtin:ar1")
    _, _, e = _ols(ds.X, ds.y)
    assert np.sum(np.diff(e) ** 2) / (e @ e) < 1.5  # Durbin-Watson well below 2
    assert 0.25 < np.corrcoef(e[:-1], e[1:])[0, 1] < 0.55

    ds = load_dataset("builtin:collinear")
    assert 0.98 < np.corrcoef(ds.X[:, 0], ds.X[:, 1])[0, 1] < 0.995
    vif = np.diag(np.linalg.inv(np.corrcoef(ds.X, rowvar=False)))
    assert vif.max() > 30

    ds = load_dataset("builtin:quadratic")
    _, _, e_lin = _ols(ds.X, ds.y)
    _, _, e_quad = _ols(np.column_stack([ds.X, ds.X**2]), ds.y)
    assert e_quad @ e_quad < 0.2 * (e_lin @ e_lin)

    ds = load_dataset("builtin:outliers")
    A, _, e = _ols(ds.X, ds.y)
    h = np.einsum("ij,ji->i", A, np.linalg.pinv(A))
    s2 = e @ e / (len(e) - 2)
    cook = e**2 / (2 * s2) * h / (1 - h) ** 2
    assert (cook > 1).sum() >= 1 and (h > 4 * 2 / len(e)).sum() >= 3
    assert stats.jarque_bera(e).pvalue < 1e-6

    ds = load_dataset("builtin:logistic")
    assert ds.task == "binary" and 0.3 < ds.y.mean() < 0.7


def test_real_datasets_match_certified_values():
    # NIST StRD certified coefficients for Longley (y = TOTEMP).
    ds = load_dataset("builtin:longley")
    assert ds.n_rows == 16 and ds.target_name == "TOTEMP"
    assert ds.feature_names == ("GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR")
    A = np.column_stack([np.ones(16), ds.X])
    q, r = np.linalg.qr(A)
    beta = np.linalg.solve(r, q.T @ ds.y)
    certified = [-3482258.63459582, 15.0618722713733, -0.358191792925910e-01,
                 -2.02022980381683, -1.03322686717359, -0.511041056535807e-01,
                 1829.15146461355]  # fmt: skip
    np.testing.assert_allclose(beta, certified, rtol=1e-7)
    ds = load_dataset("builtin:stackloss")
    assert ds.n_rows == 21 and ds.target_name == "STACKLOSS"
    assert ds.y[:3].tolist() == [42, 37, 37]
