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


def test_the_three_class_set_is_built_in_with_its_labels_as_target(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QComboBox, QTableView

    c = window.controller
    combo = window.findChild(QComboBox, "datasetCombo")
    combo.setCurrentIndex(combo.findData("multinomial"))
    combo.activated.emit(combo.currentIndex())  # what a user's pick sends
    qtbot.waitUntil(
        lambda: c.dataset is not None and c.dataset.source.startswith("builtin:multinomial"),
        timeout=20000,
    )
    qtbot.waitUntil(lambda: not c.views_pending, timeout=20000)
    assert c.dataset.target_name == "class" and c.dataset.task == "multiclass"
    assert window.findChild(QComboBox, "taskCombo").currentData() == "classification"
    ticks = window.plots.fit.map.bar.getAxis("right")._tickLevels[0]
    assert [label for _, label in ticks] == ["A", "B", "C"]
    # The preview's target column is as wide as its bold "class (target)" header.
    view = window.findChild(QTableView, "dataTable")
    model = view.model()
    j = model.column_of("class")
    text = model.headerData(j, Qt.Orientation.Horizontal)
    font = model.headerData(j, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole)
    assert text == "class (target)"
    assert view.columnWidth(j) > QFontMetrics(font).horizontalAdvance(text)
    assert view.columnWidth(0) == view.horizontalHeader().defaultSectionSize()
