"""OLS, ridge, logistic and polynomial baselines: accuracy on NIST StRD, agreement with
statsmodels, and clear errors on designs that cannot be fitted."""

from __future__ import annotations

import csv
import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlin_gui.core.errors import DataError, SpecError
from nnlin_gui.core.statistics.linalg import CollinearError
from nnlin_gui.core.statistics.regression import (
    fit_logistic,
    fit_ols,
    fit_polynomial,
    fit_ridge,
    polynomial_design,
)

NIST = Path(__file__).resolve().parent.parent / "data" / "nist"
CERTIFIED = json.loads((NIST / "certified.json").read_text())
# Certified values carry 15 significant digits and the data are rounded to float64, so an
# LRE of about 13 or more is the full precision reachable here (measured: 13.9 to 15).
FULL = 13.0


def lre(estimate, certified) -> np.ndarray:
    """Log relative error, capped at 15 digits (the certified values' precision)."""
    est = np.atleast_1d(np.asarray(estimate, dtype=float))
    cert = np.atleast_1d(np.asarray([float(c) for c in np.atleast_1d(certified)]))
    with np.errstate(divide="ignore"):
        return np.minimum(-np.log10(np.abs(est - cert) / np.abs(cert)), 15.0)


def load_nist(name: str):
    cert = CERTIFIED[name]
    with open(NIST / f"{name}.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    X = np.array([[float(r[c]) for c in cert["columns"]] for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    return X, y, cert


@pytest.mark.parametrize("name", ["norris", "longley"])
def test_nist_accuracy_at_least_statsmodels_qr(name):
    X, y, cert = load_nist(name)
    ours = fit_ols(X, y, cert["columns"])
    theirs = sm.OLS(y, sm.add_constant(X)).fit(method="qr")
    table = {
        "params": (lre(ours.params, cert["params"]), lre(theirs.params, cert["params"])),
        "bse": (lre(ours.bse, cert["param_sd"]), lre(theirs.bse, cert["param_sd"])),
        "resid_sd": (
            lre(ours.resid_sd, cert["residual_sd"]),
            lre(np.sqrt(theirs.scale), cert["residual_sd"]),
        ),
    }
    for what, (mine, sm_qr) in table.items():
        print(
            f"\n{name} {what:8s} LRE ours {np.round(mine, 2)}  statsmodels qr {np.round(sm_qr, 2)}"
        )
        # Where statsmodels is at full precision the comparison is rounding noise.
        required = np.where(sm_qr < FULL, sm_qr, FULL)
        assert np.all(mine >= required), (what, mine, sm_qr)
    assert ours.df_resid == len(y) - X.shape[1] - 1
    assert ours.names == ("const", *cert["columns"])


@pytest.mark.parametrize("name", ["norris", "longley"])
def test_nist_r_squared_and_floor(name):
    X, y, cert = load_nist(name)
    ours = fit_ols(X, y, cert["columns"])
    assert lre(ours.r2, cert["r_squared"])[0] >= FULL
    # Longley is the hard case: statsmodels qr reaches about 8 digits on its errors.
    for values, certified in [(ours.params, "params"), (ours.bse, "param_sd")]:
        assert lre(values, cert[certified]).min() >= FULL


def _exact_least_squares(X, y: np.ndarray):
    """Exact rational least squares on the float64 data: coefficients, diag((X'X)^-1), SSR.

    ``X`` may hold Fractions (exact polynomial powers)."""
    A = [[Fraction(1)] + [v if isinstance(v, Fraction) else Fraction(float(v)) for v in row]
         for row in X]  # fmt: skip
    b = [Fraction(float(v)) for v in y]
    p = len(A[0])
    M = [
        [sum(a[i] * a[j] for a in A) for j in range(p)]
        + [sum(a[i] * bb for a, bb in zip(A, b, strict=True))]
        + [Fraction(int(i == j)) for j in range(p)]
        for i in range(p)
    ]
    for i in range(p):  # Gauss-Jordan, exact
        for r in range(p):
            if r != i:
                f = M[r][i] / M[i][i]
                M[r] = [u - f * v for u, v in zip(M[r], M[i], strict=True)]
    coef = [M[i][p] / M[i][i] for i in range(p)]
    inv_diag = [M[i][p + 1 + i] / M[i][i] for i in range(p)]
    res = [
        bb - sum(c * a for c, a in zip(coef, row, strict=True))
        for row, bb in zip(A, b, strict=True)
    ]
    return (
        np.array([float(c) for c in coef]),
        np.array([float(v) for v in inv_diag]),
        float(sum(r * r for r in res)),
    )


@pytest.mark.parametrize("name", ["norris", "longley"])
def test_matches_exact_rational_solution_of_the_float_data(name):
    X, y, cert = load_nist(name)
    coef, inv_diag, ssr = _exact_least_squares(X, y)
    ours = fit_ols(X, y, cert["columns"])
    unscaled = np.diag(ours.cov_params) / ours.resid_sd**2
    with np.errstate(divide="ignore"):
        digits_coef = -np.log10(np.abs(ours.params - coef) / np.abs(coef))
        digits_cov = -np.log10(np.abs(unscaled - inv_diag) / inv_diag)
        digits_ssr = -np.log10(abs(ours.resid_sd**2 * ours.df_resid - ssr) / ssr)
    print(f"\n{name} digits vs exact: coef {digits_coef.min():.2f} cov {digits_cov.min():.2f}")
    assert digits_coef.min() >= 15.0
    assert digits_cov.min() >= 14.0
    assert digits_ssr >= 14.5


def test_high_degree_polynomial_beats_statsmodels_qr():
    # A Filip-like design (NIST Filip: degree 10 in x from -8.8 to -3.1, 82 rows).
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(-8.8, -3.1, 82))
    design, names = polynomial_design(x, 10)
    y = design @ (rng.normal(size=10) * 10.0 ** -np.arange(1, 11)) + rng.normal(size=82) * 1e-3
    # The reference: the exact solution for the exact powers of the float64 x (rounding the
    # powers to float64 alone moves this solution in its 7th digit).
    exact, _, _ = _exact_least_squares([[Fraction(v) ** d for d in range(1, 11)] for v in x], y)
    ours = fit_polynomial(x, y, 10)
    theirs = sm.OLS(y, sm.add_constant(design)).fit(method="qr")
    digits = -np.log10(np.abs(ours.params - exact) / np.abs(exact))
    digits_sm = -np.log10(np.abs(theirs.params - exact) / np.abs(exact))
    print(f"\nFilip-like degree 10: digits ours {digits.min():.2f}, sm qr {digits_sm.min():.2f}")
    # Measured 8.9 against 5.9: the powers are kept in long double (64-bit mantissas) and
    # the residuals are accumulated in it.
    assert digits.min() >= 8.5 and digits.min() >= digits_sm.min() + 2.0
    assert ours.df_resid == 71 and theirs.df_resid == 72  # statsmodels' numerical rank


@pytest.fixture
def random_data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(120, 3)) * [1.0, 10.0, 0.1]
    y = 2.0 + X @ [1.5, -0.2, 4.0] + rng.normal(size=120)
    return X, y


@pytest.mark.parametrize("intercept", [True, False])
def test_ols_matches_statsmodels_on_a_well_conditioned_design(random_data, intercept):
    X, y = random_data
    ours = fit_ols(X, y, ["a", "b", "c"], intercept=intercept)
    ref = sm.OLS(y, sm.add_constant(X) if intercept else X).fit()
    assert ours.names == (("const",) if intercept else ()) + ("a", "b", "c")
    for mine, theirs in [
        (ours.params, ref.params),
        (ours.bse, ref.bse),
        (ours.tvalues, ref.tvalues),
        (ours.pvalues, ref.pvalues),
        (ours.conf_int, ref.conf_int()),
        (ours.fitted, ref.fittedvalues),
        (ours.cov_params, ref.cov_params()),
    ]:
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.resid, ref.resid, atol=1e-12)
    assert ours.r2 == pytest.approx(ref.rsquared, rel=1e-12)
    assert ours.adj_r2 == pytest.approx(ref.rsquared_adj, rel=1e-12)
    assert ours.resid_sd == pytest.approx(np.sqrt(ref.scale), rel=1e-12)
    assert (ours.nobs, ours.df_resid) == (120, ref.df_resid)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(5, 60),
    k=st.integers(1, 4),
    log_scale=st.floats(-6, 6),
    offset=st.floats(-1e6, 1e6),
    intercept=st.booleans(),
)
def test_ols_solves_the_normal_equations(seed, n, k, log_scale, offset, intercept):
    rng = np.random.default_rng(seed)
    if n <= k + int(intercept):
        n = k + 3
    X = rng.normal(size=(n, k)) * 10.0 ** (log_scale * rng.uniform(-1, 1, size=k)) + offset
    y = rng.normal(size=n) * 10.0**log_scale + offset
    fit = fit_ols(X, y, intercept=intercept)
    A = np.column_stack([np.ones(n), X]) if intercept else X
    # The residual is orthogonal to every column (relative to the column and y sizes).
    grad = A.T @ fit.resid
    assert np.all(np.abs(grad) <= 1e-9 * np.linalg.norm(A, axis=0) * np.linalg.norm(y))
    # To rounding at the scale of y: one y near 0 among large ones sums with cancellation
    # (found: -2.4e-05 off by 5e-17 with other rows near 1).
    np.testing.assert_allclose(
        fit.fitted + fit.resid, y, rtol=1e-13, atol=1e-13 * float(np.abs(y).max())
    )
    assert fit.df_resid == n - A.shape[1] and np.all(fit.bse > 0)


def test_df_resid_counts_columns_not_a_numerical_rank():
    # Column scales 1e9 apart: statsmodels' SVD rank drops a column; the fit is fine scaled.
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=50) * 1e8, rng.normal(size=50) * 1e-10])
    y = 1.0 + X @ [1e-8, 3e10] + rng.normal(size=50)
    ours = fit_ols(X, y)
    assert ours.df_resid == 47
    assert sm.OLS(y, sm.add_constant(X)).fit(method="qr").df_resid == 48
    # The same fit on rescaled columns is well conditioned for statsmodels too.
    scale = np.array([1e8, 1e-10])
    ref = sm.OLS(y, sm.add_constant(X / scale)).fit()
    np.testing.assert_allclose(ours.params, ref.params / np.r_[1.0, scale], rtol=1e-10)
    np.testing.assert_allclose(ours.bse, ref.bse / np.r_[1.0, scale], rtol=1e-10)


def test_to_dict_is_plain_json_and_frozen(random_data):
    X, y = random_data
    result = fit_ols(X, y, ["a", "b", "c"])
    d = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert set(d) == {
        "params", "bse", "tvalues", "pvalues", "conf_int", "r2", "adj_r2", "resid_sd",
        "df_resid", "nobs", "cov_type", "weighted", "fstat", "f_pvalue", "df_model", "llf",
        "aic", "bic",
    }  # fmt: skip
    assert list(d["params"]) == ["const", "a", "b", "c"]
    assert d["params"]["b"] == pytest.approx(result.params[2], rel=0, abs=0)
    lo, hi = d["conf_int"]["c"]
    assert lo < d["params"]["c"] < hi
    assert type(d["r2"]) is float and d["df_resid"] == 116 and d["nobs"] == 120
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.r2 = 1.0
    with pytest.raises(ValueError):
        result.params[0] = 0.0


def test_exact_fit_gives_valid_json_without_warnings():
    x = np.arange(6.0)
    result = fit_ols(x, 1.0 + 2.0 * x)
    np.testing.assert_allclose(result.params, [1.0, 2.0], rtol=1e-15)
    assert result.resid_sd < 1e-14 and result.r2 == pytest.approx(1.0)
    json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (lambda X: X[:, 0] + X[:, 1], "columns 'a', 'b', 'd' are collinear"),
        (lambda X: 2.5 * X[:, 2], "columns 'c', 'd' are collinear"),
        (lambda X: np.full(len(X), 4.0), "column 'd' is constant"),
    ],
)
def test_singular_designs_name_the_columns(random_data, extra, expected):
    X, y = random_data
    bad = np.column_stack([X, extra(X)])
    with pytest.raises(CollinearError if "collinear" in expected else DataError) as info:
        fit_ols(bad, y, ["a", "b", "c", "d"])
    message = str(info.value)
    assert expected in message and "\n" not in message


def test_other_unusable_inputs(random_data):
    X, y = random_data
    with pytest.raises(DataError, match="3 rows are not enough to fit 4 coefficients"):
        fit_ols(X[:3], y[:3])
    with pytest.raises(DataError, match="'a' is all zeros"):
        fit_ols(np.column_stack([np.zeros(120), X[:, 1]]), y, ["a", "b"], intercept=False)
    with pytest.raises(DataError, match="missing or infinite"):
        fit_ols(np.where(X == X[5, 1], np.nan, X), y)
    with pytest.raises(DataError, match="duplicate column name"):
        fit_ols(X, y, ["a", "const", "c"])
    with pytest.raises(DataError, match="2 names given for 3"):
        fit_ols(X, y, ["a", "b"])
    with pytest.raises(DataError, match="one target column"):
        fit_ols(X, np.column_stack([y, y]))
    with pytest.raises(DataError, match="no rows"):
        fit_ols(X[:0], y[:0])
    np.testing.assert_array_equal(fit_ols(X, y[:, None]).params, fit_ols(X, y).params)


def _ridge_gradient(X, y, w, b, l2):
    res = y - X @ w - b
    return np.concatenate([[-2.0 * res.mean()], -2.0 / len(y) * X.T @ res + 2.0 * l2 * w])


@pytest.mark.parametrize("l2", [1e-4, 0.3, 50.0])
def test_ridge_is_the_minimiser(random_data, l2):
    X, y = random_data
    fit = fit_ridge(X, y, l2, names=["a", "b", "c"])
    assert fit.names == ("a", "b", "c")
    grad = _ridge_gradient(X, y, fit.coef, fit.intercept, l2)
    assert np.max(np.abs(grad)) < 1e-12 * np.max(np.abs(X.T @ y))

    # Brute force: any small step away increases the objective.
    def objective(w, b):
        return np.mean((y - X @ w - b) ** 2) + l2 * w @ w

    best = objective(fit.coef, fit.intercept)
    rng = np.random.default_rng(0)
    for _ in range(20):
        step = rng.normal(size=4) * 1e-4
        assert objective(fit.coef + step[1:], fit.intercept + step[0]) > best
    np.testing.assert_allclose(fit.predict(X), X @ fit.coef + fit.intercept)


def test_ridge_special_cases(random_data):
    X, y = random_data
    ols = fit_ols(X, y)
    zero = fit_ridge(X, y, 0.0)
    np.testing.assert_allclose(zero.coef, ols.params[1:], rtol=1e-13)
    assert zero.intercept == pytest.approx(ols.params[0], rel=1e-13)
    huge = fit_ridge(X, y, 1e12)
    assert np.max(np.abs(huge.coef)) < 1e-9 and huge.intercept == pytest.approx(y.mean())
    # A duplicated column is fine with a penalty: the weight is shared equally.
    dup = fit_ridge(np.column_stack([X, X[:, 0]]), y, 0.1)
    assert dup.coef[0] == pytest.approx(dup.coef[3], rel=1e-10)
    const = fit_ridge(np.column_stack([X, np.full(len(y), 2.0)]), y, 0.1)
    assert const.coef[3] == 0.0
    np.testing.assert_allclose(const.coef[:3], fit_ridge(X, y, 0.1).coef, rtol=1e-12)
    no_b = fit_ridge(X, y, 0.2, intercept=False)
    assert no_b.intercept == 0.0
    res = y - X @ no_b.coef
    np.testing.assert_allclose(-2.0 / len(y) * X.T @ res + 0.4 * no_b.coef, 0.0, atol=1e-12)
    with pytest.raises(SpecError, match=">= 0"):
        fit_ridge(X, y, -1.0)


def test_logistic_matches_statsmodels():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(300, 2))
    y = (0.5 + X @ [1.2, -0.8] + rng.logistic(size=300) > 0).astype(float)
    ours = fit_logistic(X, y, ["u", "v"])
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    assert ours.converged and ours.names == ("const", "u", "v") and ours.nobs == 300
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-8)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(ours.pvalues, ref.pvalues, rtol=1e-6)
    assert ours.llf == pytest.approx(ref.llf, rel=1e-12)
    d = json.loads(json.dumps(ours.to_dict(), allow_nan=False))
    assert d["converged"] is True and list(d["params"]) == ["const", "u", "v"]


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.0, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1]),  # complete separation
        ([1.0, 2, 3, 3, 5, 6], [0, 0, 1, 0, 1, 1]),  # quasi-complete: a tie at x = 3
    ],
)
def test_logistic_separation_is_a_clear_error(x, y):
    with pytest.raises(DataError, match="separable by the features") as info:
        fit_logistic(np.array(x), np.array(y, dtype=float))
    # Not "perfectly": the quasi-complete case is not (its classes tie at x = 3).
    assert "\n" not in str(info.value) and "perfectly" not in str(info.value)
    assert "up to ties on the boundary" in str(info.value) and "infinity" in str(info.value)


def test_logistic_bad_targets_and_designs():
    x = np.arange(8.0)
    with pytest.raises(DataError, match="0/1 target; found values 0, 1, 2"):
        fit_logistic(x, np.array([0, 1, 2, 0, 1, 0, 1, 1.0]))
    with pytest.raises(DataError, match="only one class"):
        fit_logistic(x, np.ones(8))
    y = np.array([0, 1, 0, 0, 1, 1, 0, 1.0])
    with pytest.raises(DataError, match="'a', 'b' are collinear"):
        fit_logistic(np.column_stack([x, 2 * x]), y, ["a", "b"])
    assert fit_logistic(x, y).converged


def test_polynomial_design_names_and_values():
    X, names = polynomial_design(np.array([1.0, 2.0, 3.0]), 3)
    assert names == ("x^1", "x^2", "x^3")
    np.testing.assert_array_equal(X[1], [2.0, 4.0, 8.0])
    X, names = polynomial_design(np.array([[1.0, 2.0], [3.0, -1.0]]), 2, ["a", "b"])
    assert names == ("a^1", "a^2", "b^1", "b^2")
    np.testing.assert_array_equal(X, [[1, 1, 2, 4], [3, 9, -1, 1]])
    assert polynomial_design(np.ones((2, 2)), 1, "z")[1] == ("z1^1", "z2^1")
    for bad in [0, 11, 2.5, True]:
        with pytest.raises(DataError, match="degree"):
            polynomial_design(np.ones(3), bad)


def test_fit_polynomial_recovers_a_cubic_and_equals_ols_on_the_design():
    x = np.linspace(-2.0, 3.0, 40)
    y = 1.0 - 2.0 * x + 0.5 * x**3 + np.random.default_rng(5).normal(size=40) * 1e-3
    fit = fit_polynomial(x, y, 3, ["t"])
    assert fit.names == ("const", "t^1", "t^2", "t^3")
    np.testing.assert_allclose(fit.params, [1.0, -2.0, 0.0, 0.5], atol=2e-3)
    design, names = polynomial_design(x, 3, "t")
    # Equal up to the rounding of the powers, which fit_polynomial keeps in long double.
    np.testing.assert_allclose(fit.params, fit_ols(design, y, names).params, rtol=1e-12)


def test_fit_polynomial_explains_numerical_singularity():
    years = np.linspace(1947.0, 1962.0, 16)
    with pytest.raises(CollinearError, match="degree 10 polynomial is numerically singular") as e:
        fit_polynomial(years, np.sin(years), 10, ["year"])
    assert "centre and rescale" in str(e.value) and "'year^" in str(e.value)
