"""A file the network cannot be trained on in double precision is refused in one sentence;
the window keeps its data."""

from __future__ import annotations

import numpy as np


def test_a_target_near_1e307_is_refused_and_the_old_data_kept(window, qtbot, tmp_path):
    c = window.controller
    before = c.dataset
    rng = np.random.default_rng(0)
    x = rng.random(40)
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n" + "".join(f"{a!r},{(1 + 2 * a) * 1e307!r}\n" for a in x.tolist()))
    errors = []
    c.error.connect(errors.append)
    c.open_source(str(path))
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert "target 'y' spans" in errors[0] and "squared errors" in errors[0]
    assert "\n" not in errors[0]
    assert c.dataset is before and c.trainer is not None


def test_columns_of_very_different_sizes_train_in_the_window(window, qtbot, tmp_path, wait_idle):
    c = window.controller
    rng = np.random.default_rng(1)
    X = rng.random((60, 2))
    y = 1 + 2 * X[:, 0] - X[:, 1] + 0.1 * rng.normal(size=60)
    path = tmp_path / "mixed.csv"
    rows = "".join(
        f"{a * 1e300!r},{b * 1e-300!r},{v!r}\n"
        for (a, b), v in zip(X.tolist(), y.tolist(), strict=True)
    )
    path.write_text("x1,x2,y\n" + rows)
    c.open_source(str(path))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == str(path), timeout=20000)
    c.solve()
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    W = np.ravel(c.baseline.W)
    assert np.all(np.isfinite(W))
    np.testing.assert_allclose(W * np.array([1e300, 1e-300]), [2, -1], atol=0.2)
