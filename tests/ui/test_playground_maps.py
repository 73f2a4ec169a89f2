"""The two-feature map, Playground-grade: 1:1 axes, colour bar, washed background under
outlined points, test rows and discretised output on request, the output thumbnail as
the map, a hovered unit's map large, and points drawn by hand as the dataset."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QToolButton

from nnlin_gui.ui.widgets.map_style import WASH, MapStyle
from nnlin_gui.workbench.drawn import DRAWN_SOURCE


def _load(c, qtbot, name: str, **params) -> None:
    c.load_builtin(name, {"n": 200, "noise": 0.0, "seed": 1, **params})
    qtbot.waitUntil(lambda: c.dataset.source.startswith(f"builtin:{name}"), timeout=20000)
    qtbot.waitUntil(lambda: c.trainer is not None and c.spec is not None, timeout=20000)
    qtbot.waitUntil(lambda: not c.views_pending, timeout=5000)  # the plots: a turn later


def test_the_map_is_square_with_a_colour_bar_and_pale_background(window, qtbot):
    c = window.controller
    _load(c, qtbot, "circle")
    fit = window.plots.fit
    assert fit.mode == "heatmap"
    vb = fit.item.getViewBox()
    assert vb.state["aspectLocked"] == 1.0  # a circle looks like a circle
    assert fit.map.bar.isVisible() and fit.map.bar.scene() is not None
    assert fit.map.bar.levels() == (0.0, 1.0)
    window.refresh_views(force=True)
    # Background: washed towards white; points: the full colour with an outline.
    style = fit.map.style
    full, pale = style.rgb(np.array([1.0]), washed=False)[0], style.rgb(np.array([1.0]))[0]
    assert np.all(pale > full) and np.allclose(248 - pale, (248 - full) * WASH, atol=1)
    brushes = fit.points.data["brush"]
    assert {b.color().getRgb()[:3] for b in brushes} <= {(230, 120, 40), (40, 110, 190)}
    assert fit.points.opts["pen"].color().getRgb()[:3] == (50, 50, 50)
    # One feature: no colour bar, free aspect.
    _load(c, qtbot, "sine", noise=0.1)
    assert fit.mode == "curve" and not vb.state["aspectLocked"]
    assert fit.map.bar.scene() is None or not fit.map.bar.isVisible()


def test_test_rows_and_discretised_output_on_request(window, qtbot):
    c = window.controller
    _load(c, qtbot, "xor")
    fit = window.plots.fit
    n_test = len(c.trainer.test_rows)
    assert n_test > 0
    assert len(fit.points.data) == c.dataset.n_rows - n_test and len(fit.map.test_points.data) == 0
    window.findChild(QCheckBox, "showTestData").setChecked(True)
    assert len(fit.map.test_points.data) == n_test
    assert fit.map.test_points.opts["pen"].widthF() == 2.0
    window.refresh_views(force=True)
    image = fit.image.image.copy()
    window.findChild(QCheckBox, "discretizeOutput").setChecked(True)
    shown = fit.image.image
    assert set(np.unique(shown)) <= {0.0, 1.0}
    np.testing.assert_array_equal(shown, (image >= 0.5).astype(float))


def test_output_thumbnail_is_the_map_and_hover_shows_a_unit_large(window, qtbot):
    from nnlin_gui.ui.widgets.unit_popup import output_image

    c = window.controller
    _load(c, qtbot, "circle")
    window.refresh_views(force=True)
    diagram = window.plots.diagram
    diagram.repaint()
    thumb = output_image(c, diagram.map_style, coarse=True)
    side = int(round(np.sqrt(len(c.latest_fit))))
    grid = c.latest_fit.reshape(side, side)[:: side // 15, :: side // 15]
    # Same colours, same range: the top-left pixel is the map's (x1 low, x2 high) corner.
    expected = window.plots.fit.map.style.rgb(grid[0, -1:])[0]
    assert thumb.pixelColor(0, 0).getRgb()[:3] == tuple(int(v) for v in expected)
    # Hover a hidden unit: its map, large.
    col = diagram._columns[1]
    u, pt = col.units[0]
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        pt,
        QPointF(diagram.mapToGlobal(QPoint(int(pt.x()), int(pt.y())))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(diagram, move)
    popup = diagram._popup
    assert popup is not None and popup.isVisible() and popup.key == (1, u)
    assert popup.picture.pixmap().width() >= 150
    assert "layer 1" in popup.title.text()
    diagram.leaveEvent(None)
    assert not popup.isVisible()


def test_drawn_points_become_the_dataset_and_save_as_csv(window, qtbot, tmp_path, monkeypatch):
    c = window.controller
    _load(c, qtbot, "circle")
    box = window.plots.map_box
    draw = window.findChild(QToolButton, "drawPoints")
    draw.setChecked(True)
    tool = box.tool
    assert tool.active and len(tool.points.y) == c.dataset.n_rows
    tool.clear()
    pts = [(-3, -3, 0), (-2, 3, 0), (3, -2, 1), (2.5, 2.5, 1), (0, 0, 1)]
    for x, y, cls in pts:
        box.draw_class.setCurrentIndex(cls)
        tool.add(x, y)
    qtbot.waitUntil(lambda: c.table is not None and c.table.source == DRAWN_SOURCE, timeout=5000)
    qtbot.waitUntil(lambda: c.dataset.n_rows == len(pts), timeout=5000)
    np.testing.assert_allclose(c.dataset.X, [p[:2] for p in pts])
    np.testing.assert_array_equal(c.dataset.y, [p[2] for p in pts])
    assert c.dataset.task == "binary" and c.trainer.X.shape == (5, 2)
    # A drag erases the points it passes over.
    tool.erase_near(0.0, 0.0, 0.5, 0.5)
    qtbot.waitUntil(lambda: c.dataset.n_rows == 4, timeout=5000)
    save = window.findChild(QToolButton, "saveDrawnData")
    assert save.isEnabled()
    target = str(tmp_path / "mine.csv")
    monkeypatch.setattr(
        "nnlin_gui.ui.widgets.map_box.QFileDialog.getSaveFileName", lambda *a, **k: (target, "")
    )
    assert box.save_dialog() == target
    text = open(target).read().splitlines()
    assert text[0] == "x1,x2,label" and len(text) == 5


def test_map_style_discretises_and_keeps_its_range():
    style = MapStyle()
    style.set_data((0.0, 10.0), "regression")
    style.discrete = True
    shown = style.shown(np.linspace(0, 10, 50))
    assert len(np.unique(shown)) == 6 and shown.min() > 0 and shown.max() < 10
    assert style.rgb(np.array([np.nan])).shape == (1, 3)


def test_each_class_of_a_multiclass_map_has_its_own_hue():
    # A diverging map painted the middle of three classes white, like the background.
    style = MapStyle()
    style.set_data((0.0, 2.0), "multiclass")
    rgb = style.rgb(np.array([0.0, 1.0, 2.0, np.nan]), washed=False).astype(int)
    assert len({tuple(c) for c in rgb[:3]}) == 3
    binary = MapStyle()
    binary.set_data((0.0, 1.0), "binary")
    # Classes 0 and 1 keep a binary target's orange and blue.
    np.testing.assert_array_equal(rgb[:2], binary.rgb(np.array([0.0, 1.0]), washed=False))
    for colour in rgb[:3]:
        assert colour.max() - colour.min() > 60  # a hue, not a grey or white
    np.testing.assert_array_equal(rgb[3], binary.rgb(np.array([np.nan]), washed=False)[0])


def test_draw_mode_takes_the_maps_clicks_and_drags(window, qtbot):
    from PySide6.QtCore import QPointF as P

    c = window.controller
    _load(c, qtbot, "gauss")
    box = window.plots.map_box
    tool, vb = box.tool, window.plots.fit.item.getViewBox()

    class Event:  # what pyqtgraph hands a view box
        def __init__(self, x: float, y: float) -> None:
            self._pos = vb.mapViewToScene(P(x, y))
            self.accepted = False

        def scenePos(self):  # noqa: N802 (pyqtgraph API)
            return self._pos

        def button(self):
            return Qt.MouseButton.LeftButton

        def accept(self) -> None:
            self.accepted = True

    window.findChild(QToolButton, "drawPoints").setChecked(True)
    n = len(tool.points.y)
    click = Event(0.5, 0.5)
    vb.mouseClickEvent(click)
    assert click.accepted and len(tool.points.y) == n + 1
    np.testing.assert_allclose(tool.points.X[-1], [0.5, 0.5], atol=1e-6)
    vb.mouseDragEvent(Event(0.5, 0.5))
    assert len(tool.points.y) <= n
    window.findChild(QToolButton, "drawPoints").setChecked(False)
    assert not tool.active and window.plots.fit.points.isVisible()
