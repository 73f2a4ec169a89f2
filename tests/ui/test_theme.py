"""Themes, presentation mode and the preferences dialog through the real window."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from nnlin_gui.ui.theme import FONT_SCALE, PEN_SCALE, system_scheme


@pytest.fixture
def themed(window):
    """The window; the application's look is put back afterwards (it is process-wide)."""
    yield window
    theme = window.teaching.theme
    theme.set_presentation(False)
    theme.set_theme("system")


def _loss_curves(window):
    plot = window.findChild(pg.PlotWidget, "lossPlot")
    return plot, plot.getPlotItem().listDataItems()


def test_follows_the_system_by_default(themed):
    theme = themed.teaching.theme
    assert theme.theme == "system"
    assert theme.scheme == system_scheme()


def test_dark_theme_reaches_the_plots(themed):
    theme = themed.teaching.theme
    theme.set_theme("dark")
    app = QApplication.instance()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    plot, _ = _loss_curves(themed)
    assert plot.backgroundBrush().color().lightness() < 60
    axis = plot.getPlotItem().getAxis("left")
    assert axis.textPen().color().lightness() > 180
    legend = plot.getPlotItem().legend
    assert legend.items and all(
        pg.mkColor(label.opts["color"]).lightness() > 180 for _, label in legend.items
    )
    assert themed.settings.value("theme") == "dark"
    assert themed.teaching.theme_actions["dark"].isChecked()
    theme.set_theme("light")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 150
    assert plot.backgroundBrush().color().lightness() > 240


def test_network_diagram_follows_the_theme(themed):
    diagram = themed.findChild(QWidget, "networkDiagram")
    theme = themed.teaching.theme
    theme.set_theme("dark")
    QApplication.processEvents()  # palette changes reach widgets as events
    corner = diagram.grab().toImage().pixelColor(3, 3)
    assert corner.lightness() < 80
    theme.set_theme("light")
    QApplication.processEvents()
    assert diagram.grab().toImage().pixelColor(3, 3).lightness() > 200


def test_presentation_mode_larger_fonts_thicker_lines(qtbot, themed, wait_idle):
    teaching = themed.teaching
    app = QApplication.instance()
    base_size = app.font().pointSizeF()
    _, curves = _loss_curves(themed)
    widths = [c.opts["pen"].widthF() for c in curves]
    act = teaching.act_presentation
    assert act.shortcut().toString() == "Ctrl+Shift+P"
    act.trigger()
    assert teaching.theme.presentation and themed.settings.value("presentationMode") in (
        True,
        "true",
    )
    assert app.font().pointSizeF() == pytest.approx(base_size * FONT_SCALE)
    _, curves = _loss_curves(themed)
    assert [c.opts["pen"].widthF() for c in curves] == [w * PEN_SCALE for w in widths]
    # Thick lines survive a training run (drawn thin while live, restored after).
    c = themed.controller
    c.train()
    qtbot.waitUntil(lambda: c.is_training or c.trainer.epoch > 0, timeout=5000)
    wait_idle(c)
    _, curves = _loss_curves(themed)
    assert [c.opts["pen"].widthF() for c in curves] == [w * PEN_SCALE for w in widths]
    act.trigger()
    assert app.font().pointSizeF() == pytest.approx(base_size)
    assert [c.opts["pen"].widthF() for c in curves] == widths


def test_preferences_dialog_applies_and_stores(qtbot, themed):
    teaching = themed.teaching
    dialog = teaching.show_preferences()
    assert isinstance(dialog, QDialog) and dialog.objectName() == "preferencesDialog"
    combo = dialog.findChild(QWidget, "prefThemeCombo")
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.findChild(QWidget, "prefPresentationCheck").setChecked(True)
    dialog.findChild(QWidget, "prefInstructorCheck").setChecked(True)
    dialog.findChild(QWidget, "prefPaceSpin").setValue(250)
    dialog.accept()
    assert teaching.theme.theme == "dark" and teaching.theme.presentation
    assert teaching.lessons.instructor.isChecked()
    assert themed.controller.pace == 250
    s = themed.settings
    assert s.value("theme") == "dark" and s.value("instructorMode") in (True, "true")
    teaching.lessons.set_instructor_mode(False)


def test_cancel_changes_nothing(qtbot, themed):
    teaching = themed.teaching
    dialog = teaching.show_preferences()
    combo = dialog.findChild(QWidget, "prefThemeCombo")
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.reject()
    assert teaching.theme.theme == "system"


def test_the_feature_list_shows_whole_rows_in_presentation(qtbot, themed):
    from PySide6.QtWidgets import QListView

    view = themed.findChild(QListView, "featureList")
    rows = view.model().rowCount()
    assert rows == 3  # x1, x2, x3

    def whole_rows() -> bool:
        row = max(view.sizeHintForRow(0), view.fontMetrics().height())
        return view.height() >= rows * row

    assert whole_rows()
    small = view.fontMetrics().height()
    themed.teaching.act_presentation.trigger()  # a larger font after the list was sized
    qtbot.waitUntil(lambda: view.fontMetrics().height() > small, timeout=5000)
    qtbot.wait(100)
    assert whole_rows()
