"""Feature transforms and the exact map from standardised coefficients back to raw units."""

from __future__ import annotations

import numpy as np
import pytest

from nnlin_gui.core.data.features import (
    Standardizer,
    apply_terms,
    interaction_features,
    log_features,
    polynomial_features,
    transform_dataset,
    trig_features,
)
from nnlin_gui.core.data.tables import DataError, load_dataset

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]])
NAMES = ("x1", "x2")


def test_polynomial_terms_to_degree_3():
    P, names = polynomial_features(X, NAMES, 3)
    assert names == (
        "x1", "x2", "x1^2", "x1*x2", "x2^2", "x1^3", "x1^2*x2", "x1*x2^2", "x2^3",
    )  # fmt: skip
    a, b = X[:, 0], X[:, 1]
    expected = np.column_stack([a, b, a**2, a * b, b**2, a**3, a**2 * b, a * b**2, b**3])
    np.testing.assert_array_equal(P, expected)
    P, names = polynomial_features(X, NAMES, 2, interactions=False)
    assert names == ("x1", "x2", "x1^2", "x2^2")
    with pytest.raises(DataError, match="between 1 and 10"):
        polynomial_features(X, NAMES, 0)


def test_interactions_trig_and_log():
    I, names = interaction_features(np.column_stack([X, X[:, 0] + 1]), ("a", "b", "c"))
    assert names == ("a*b", "a*c", "b*c")
    np.testing.assert_array_equal(I[:, 0], X[:, 0] * X[:, 1])
    T, names = trig_features(X, NAMES, ["x1"])
    assert names == ("sin(x1)", "cos(x1)")
    np.testing.assert_array_equal(T, np.column_stack([np.sin(X[:, 0]), np.cos(X[:, 0])]))
    L, names = log_features(X, NAMES, ["x1"])
    assert names == ("log(x1)",)
    np.testing.assert_array_equal(L[:, 0], np.log(X[:, 0]))


def test_log_of_non_positive_values_is_a_data_error():
    with pytest.raises(
        DataError, match=r"log\(x2\): 1 values are zero or negative \(first in row 2"
    ):
        log_features(X, NAMES)
    with pytest.raises(DataError, match="no feature named 'z'"):
        log_features(X, NAMES, ["z"])


def test_terms_like_the_playground():
    T, names = apply_terms(X, NAMES, ["x1", "x1^2", "x1*x2", "sin(x1)", "sin(x1)*cos(x2)"])
    a, b = X[:, 0], X[:, 1]
    np.testing.assert_array_equal(
        T, np.column_stack([a, a**2, a * b, np.sin(a), np.sin(a) * np.cos(b)])
    )
    assert names[-1] == "sin(x1)*cos(x2)"
    with pytest.raises(DataError, match="no feature of that name"):
        apply_terms(X, NAMES, ["x3"])
    with pytest.raises(DataError, match="zero or negative"):
        apply_terms(X, NAMES, ["log(x2)"])
    with pytest.raises(DataError, match="listed twice"):
        apply_terms(X, NAMES, ["x1", "x1"])


def test_transform_dataset_makes_xor_linear():
    ds = load_dataset("builtin:xor?n=300&seed=4")
    t = transform_dataset(ds, ["x1", "x2", "x1*x2"])
    assert t.feature_names == ("x1", "x2", "x1*x2") and t.X.shape == (300, 3)
    np.testing.assert_array_equal(t.y, ds.y)
    # The product alone separates the classes perfectly.
    assert ((t.X[:, 2] >= 0) == (t.y == 1)).all()


def _ols(X, y):
    A = np.column_stack([np.ones(len(y)), X])
    q, r = np.linalg.qr(A)
    beta = np.linalg.solve(r, q.T @ y)
    return beta[1:], beta[0]


def test_standardizer_maps_coefficients_back_exactly():
    ds = load_dataset("builtin:longley")  # badly scaled: the hard case
    s = Standardizer().fit(ds.X)
    Z = s.transform(ds.X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(s.inverse_transform(Z), ds.X, rtol=1e-13)
    W_raw, b_raw = _ols(ds.X, ds.y)
    W_z, b_z = _ols(Z, ds.y)
    W, b = s.coef_to_original(W_z, b_z)
    np.testing.assert_allclose(W, W_raw, rtol=1e-7)
    np.testing.assert_allclose(b, b_raw, rtol=1e-7)
    # Standardised target too.
    t = Standardizer().fit(ds.y)
    W_zz, b_zz = _ols(Z, t.transform(ds.y))
    W2, b2 = s.coef_to_original(W_zz, b_zz, target=t)
    np.testing.assert_allclose(W2, W_raw, rtol=1e-7)
    np.testing.assert_allclose(b2, b_raw, rtol=1e-7)


def test_standardizer_predictions_agree_and_multi_output():
    rng = np.random.default_rng(0)
    Xr = rng.normal(5, 3, (50, 3))
    s = Standardizer().fit(Xr)
    W = rng.normal(size=(2, 3))
    b = rng.normal(size=2)
    W0, b0 = s.coef_to_original(W, b)
    np.testing.assert_allclose(Xr @ W0.T + b0, s.transform(Xr) @ W.T + b, rtol=1e-12)
    const = Standardizer().fit(np.column_stack([Xr[:, 0], np.full(50, 2.0)]))
    assert const.scale_[1] == 1.0
    with pytest.raises(DataError, match="not been fitted"):
        Standardizer().transform(Xr)
    with pytest.raises(DataError, match="2 weights for 3 features"):
        s.coef_to_original(np.ones(2), 0.0)


def test_overflow_is_a_data_error_without_warnings():
    import warnings

    big = np.array([[1e200, 1.0], [2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match="feature 'x1\\^2' has infinite"):
            polynomial_features(big, NAMES, 2)
        with pytest.raises(DataError, match="'x1\\*x1' has infinite"):
            apply_terms(big, NAMES, ["x1*x1"])
        with pytest.raises(DataError, match="has infinite"):
            interaction_features(np.array([[1e200, 1e200], [1.0, 1.0]]), NAMES)


def test_standardizer_mapping_is_exact_on_a_well_conditioned_fit():
    rng = np.random.default_rng(3)
    Xr = rng.normal([10.0, -4.0, 300.0], [2.0, 0.5, 40.0], (200, 3))
    y = Xr @ [0.5, -2.0, 0.01] + 3.0 + rng.normal(0, 0.1, 200)
    s = Standardizer().fit(Xr)
    W, b = s.coef_to_original(*_ols(s.transform(Xr), y))
    W_raw, b_raw = _ols(Xr, y)
    np.testing.assert_allclose(W, W_raw, rtol=1e-12)
    np.testing.assert_allclose(b, b_raw, rtol=1e-12)
