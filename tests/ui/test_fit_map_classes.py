"""A multi-class map's colour bar names the classes, not their codes 0, 1, 2."""

from __future__ import annotations

import numpy as np


def test_the_colour_bar_names_the_classes(window, qtbot, tmp_path):
    c = window.controller
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    level = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.4).astype(int)
    kinds = np.array(["setosa", "versicolor", "a-very-long-class-name"])[level]
    path = tmp_path / "flowers.csv"
    rows = "".join(f"{a},{b},{k}\n" for (a, b), k in zip(X, kinds, strict=True))
    path.write_text("petal,sepal,species\n" + rows)
    window.open_path(str(path))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == str(path), timeout=20000)
    c.set_target("species")
    qtbot.waitUntil(lambda: c.dataset.task == "multiclass" and not c.views_pending, timeout=20000)
    ticks = window.plots.fit.map.bar.getAxis("right")._tickLevels[0]
    labels = [label for _, label in ticks]
    assert c.dataset.class_labels == ("a-very-long-class-name", "setosa", "versicolor")
    assert labels == ["a-very-lo…", "setosa", "versicolor"]
