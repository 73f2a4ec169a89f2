"""File > Export through the real window: plots as PNG and SVG, coefficients as CSV, weights
as JSON and the self-contained HTML report."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtGui import QImage


def _trained(qtbot, window, wait_idle):
    c = window.controller
    c.train()
    qtbot.waitUntil(lambda: c.is_training or c.trainer.epoch > 0, timeout=5000)
    wait_idle(c)
    return c


def test_export_menu_entries(window):
    menu = window.teaching.exports.menu
    assert menu.objectName() == "exportMenu"
    names = [a.objectName() for a in menu.actions()]
    assert names == [
        "exportPngAction",
        "exportSvgAction",
        "exportCsvAction",
        "exportJsonAction",
        "exportReportAction",
        "exportScriptAction",
    ]
    file_menu = window.menuBar().actions()[0].menu()
    assert menu.menuAction() in file_menu.actions()


def test_plots_png_and_svg(qtbot, window, wait_idle, tmp_path):
    _trained(qtbot, window, wait_idle)
    exports = window.teaching.exports
    pngs = exports.plots(str(tmp_path / "lab"), "png")
    names = {p.rsplit("-", 1)[1] for p in pngs}
    assert {"lossPlot.png", "fitPlot.png", "coefPlot.png", "networkDiagram.png"} <= names
    for path in pngs:
        image = QImage(path)
        assert not image.isNull() and image.width() >= 200 and image.height() >= 100
    svgs = exports.plots(str(tmp_path / "lab"), "svg")
    assert len(svgs) == len(pngs)
    for path in svgs:
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg")


def test_coefficients_csv_matches_results(qtbot, window, wait_idle, tmp_path):
    c = _trained(qtbot, window, wait_idle)
    path = tmp_path / "coef.csv"
    assert window.teaching.exports.coefficients(str(path))
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["coefficient", "network", "ols", "difference"]
    names = [r[0] for r in rows[1:]]
    assert names == list(c.dataset.feature_names) + ["intercept"]
    net = np.array([float(r[1]) for r in rows[1:]])
    ols = np.array([float(r[2]) for r in rows[1:]])
    np.testing.assert_array_equal(net, np.r_[c.results.collapse.W[0], c.results.collapse.b])
    np.testing.assert_array_equal(ols, np.r_[c.baseline.W[0], c.baseline.b])
    assert max(abs(float(r[3])) for r in rows[1:]) == c.results.max_diff


def test_weights_json(qtbot, window, wait_idle, tmp_path):
    c = _trained(qtbot, window, wait_idle)
    path = tmp_path / "w.json"
    assert window.teaching.exports.weights(str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    np.testing.assert_array_equal(np.array(doc["theta"]), c.trainer.network.theta)
    np.testing.assert_allclose(np.array(doc["collapsed"]["W"]), c.results.collapse.W)
    assert doc["epoch"] == c.trainer.epoch and doc["feature_names"] == list(c.dataset.feature_names)
    assert len(doc["layers"]) == len(c.spec.layers) + 1  # hidden layers and the output


def test_html_report_from_the_gui(qtbot, window, wait_idle, tmp_path):
    c = _trained(qtbot, window, wait_idle)
    exports = window.teaching.exports
    path = tmp_path / "report.html"
    with qtbot.waitSignal(exports.exported, timeout=60000) as blocker:
        assert exports.report(str(path))
    assert blocker.args == [str(path)]
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<table") >= 3  # data, collapse and diagnostics tables
    assert "<svg" in html  # the training curve, fit and diagnostic plots, inline
    assert f"{c.results.collapse.W[0][0]:.6g}"[:5] in html
    # Self-contained: nothing is fetched from elsewhere.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_export_errors_are_one_line(qtbot, window, tmp_path):
    bad = tmp_path / "no" / "such" / "folder" / "c.csv"
    assert not window.teaching.exports.coefficients(str(bad))
    text = window.banner_label.text()
    assert "c.csv" in text and "\n" not in text
