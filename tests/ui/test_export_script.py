"""File > Export > Python script… through the real window: the action exists, writes a
script (and the built-in table's rows beside it) that prints the window's OLS numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from nnlin_gui.core.networks.training import split_rows


def _script_output():
    """tests/core/script_output.py (tests are not a package)."""
    path = Path(__file__).resolve().parents[1] / "core" / "script_output.py"
    spec = importlib.util.spec_from_file_location("script_output", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_menu_has_the_script_action(window):
    exports = window.teaching.exports
    action = exports.actions["exportScriptAction"]
    assert action.text() == "Python script…"
    assert action in exports.menu.actions()


def test_script_from_the_window_prints_its_numbers(qtbot, window, tmp_path):
    exports = window.teaching.exports
    c = window.controller
    path = tmp_path / "analysis.py"
    with qtbot.waitSignal(exports.exported, timeout=60000) as blocker:
        assert exports.script(str(path))
    assert blocker.args == [str(path)]
    assert (tmp_path / "analysis-data.csv").exists()  # builtin:linear's rows
    text = path.read_text(encoding="utf-8")
    assert f"TEST_FRACTION = {c.config.test_fraction!r}" in text
    qtbot.waitUntil(lambda: "analysis.py" in window.status_label.text(), timeout=5000)

    helpers = _script_output()
    ds = c.dataset
    rows, _ = split_rows(ds.n_rows, c.config.test_fraction, c.config.seed)
    assert len(rows) == len(c.trainer.train_rows)
    from dataclasses import replace

    train = replace(ds, X=ds.X[rows], y=ds.y[rows])
    printed = helpers.parse_output(helpers.run_script(path))
    assert helpers.worst_difference(printed, helpers.program_numbers(train)) < 1e-8
    # The window's own baseline (the collapse table's OLS column) is what it printed.
    params = c.baseline.result.params
    assert printed["coef"]["const"][0] == pytest.approx(float(params[0]), rel=1e-10)


def test_script_export_error_is_one_line(qtbot, window, tmp_path):
    exports = window.teaching.exports
    bad = tmp_path / "no" / "such" / "analysis.py"
    with qtbot.waitSignal(window.controller.background_failed, timeout=30000):
        assert exports.script(str(bad))
    qtbot.waitUntil(lambda: "analysis" in window.banner_label.text(), timeout=5000)
    assert "\n" not in window.banner_label.text()


def test_script_uses_the_collapse_tables_covariance(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QWidget

    box = window.findChild(QWidget, "covarianceBox")
    if box is None:
        pytest.skip("no covariance choice in this window")
    box.set_cov_type("HAC", 2)
    exports = window.teaching.exports
    path = tmp_path / "hac.py"
    with qtbot.waitSignal(exports.exported, timeout=60000):
        assert exports.script(str(path))
    text = path.read_text(encoding="utf-8")
    assert "COV_TYPE = 'HAC'" in text and "HAC_LAGS = 2" in text
    helpers = _script_output()
    c = window.controller
    ds = c.dataset
    rows = c.trainer.train_rows
    from dataclasses import replace

    train = replace(ds, X=ds.X[rows], y=ds.y[rows])
    printed = helpers.parse_output(helpers.run_script(path))
    program = helpers.program_numbers(train, cov_type="HAC", hac_lags=2)
    assert helpers.worst_difference(printed, program) < 1e-8


def test_script_keeps_the_windows_transforms(qtbot, window, tmp_path):
    from dataclasses import replace

    from nnlin_gui.workbench.transforms import FeatureTransforms

    c = window.controller
    c.set_transforms(FeatureTransforms(squares=("x1",), products=("x1", "x2")))
    qtbot.waitUntil(lambda: "x1²" in c.dataset.feature_names and c.baseline is not None)
    exports = window.teaching.exports
    path = tmp_path / "squares.py"
    with qtbot.waitSignal(exports.exported, timeout=60000):
        assert exports.script(str(path))
    text = path.read_text(encoding="utf-8")
    assert "SQUARES = ['x1']" in text and "FEATURES = ['x1', 'x2', 'x3']" in text
    helpers = _script_output()
    ds, rows = c.dataset, c.trainer.train_rows
    printed = helpers.parse_output(helpers.run_script(path))
    program = helpers.program_numbers(replace(ds, X=ds.X[rows], y=ds.y[rows]))
    assert "x1·x2" in printed["coef"]
    assert helpers.worst_difference(printed, program) < 1e-8
