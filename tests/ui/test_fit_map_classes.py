"""A multi-class map's colour bar names the classes, not their codes 0, 1, 2."""

from __future__ import annotations


def test_the_colour_bar_names_the_classes(window, qtbot, flowers_csv):
    c = window.controller
    path = flowers_csv
    window.open_path(str(path))
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == str(path), timeout=20000)
    c.set_target("species")
    qtbot.waitUntil(lambda: c.dataset.task == "multiclass" and not c.views_pending, timeout=20000)
    ticks = window.plots.fit.map.bar.getAxis("right")._tickLevels[0]
    labels = [label for _, label in ticks]
    assert c.dataset.class_labels == ("a-very-long-class-name", "setosa", "versicolor")
    assert labels == ["a-very-lo…", "setosa", "versicolor"]
