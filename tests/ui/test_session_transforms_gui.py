"""A session saved with a feature transform ticked reopens with it ticked: the transforms
box, the controller's transforms and the dataset (the very one saved) all agree."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox

from nnlin_gui.workbench.transforms import FeatureTransforms


def _tick(qtbot, window, name: str, on: bool) -> None:
    c = window.controller
    box = window.findChild(QCheckBox, name)
    assert box is not None, name
    box.setChecked(on)
    qtbot.waitUntil(lambda: ("x1²" in c.dataset.feature_names) == on, timeout=10000)
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=10000)


def test_a_square_survives_save_and_open(qtbot, window, tmp_path):
    c, sessions = window.controller, window.teaching.sessions
    base = c.base_features()
    _tick(qtbot, window, "transform_sq_x1", True)
    saved = c.dataset
    assert saved.feature_names == (*base, "x1²")
    theta = c.trainer.network.theta.copy()
    path = tmp_path / "squares.nnlin"
    assert sessions.save_to(str(path)) and sessions.wait_saved()
    _tick(qtbot, window, "transform_sq_x1", False)  # the session must bring it back

    with qtbot.waitSignal(sessions.opened, timeout=20000):
        assert sessions.open(str(path))
    qtbot.waitUntil(lambda: not c.views_pending and c.baseline is not None, timeout=10000)
    assert window.findChild(QCheckBox, "transform_sq_x1").isChecked()
    assert not window.findChild(QCheckBox, "transform_sin_x1").isChecked()
    assert c.transforms == FeatureTransforms(squares=("x1",))
    assert c.base_features() == base  # x1² is the transform's column, not an own one
    assert c.dataset.feature_names == saved.feature_names
    np.testing.assert_array_equal(c.dataset.X, saved.X)
    np.testing.assert_array_equal(c.trainer.network.theta, theta)

    # The next tick adds to the saved transforms (x1² is not made a second time).
    window.findChild(QCheckBox, "transform_sin_x2").setChecked(True)
    qtbot.waitUntil(lambda: "sin(x2)" in c.dataset.feature_names, timeout=10000)
    assert c.dataset.feature_names == (*base, "x1²", "sin(x2)")
