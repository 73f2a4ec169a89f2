"""Edit > Undo and Redo in the window: Reset after training is not the end of the run."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolButton, QWidget


def _action(window, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def test_reset_is_undone_from_the_edit_menu_and_ctrl_z(window, qtbot, wait_idle):
    c = window.controller
    undo, redo = _action(window, "undoAction"), _action(window, "redoAction")
    assert not undo.isEnabled() and undo.text() == "Undo"
    c.set_pace(0)
    c.train()
    wait_idle(c)
    trained_epoch = c.trainer.epoch
    trained = c.trainer.network.theta.copy()
    assert trained_epoch > 0 and undo.isEnabled() and undo.text() == "Undo training from epoch 0"
    qtbot.mouseClick(window.findChild(QToolButton, "resetButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.trainer.epoch == 0)
    assert undo.text() == "Undo Reset"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: c.trainer.epoch == trained_epoch)
    np.testing.assert_array_equal(c.trainer.network.theta, trained)
    assert "Undone: Reset" in window.findChild(QLabel, "statusLabel").text()
    assert window.findChild(QLabel, "epochLabel").text() == f"Epoch {trained_epoch:,}"
    qtbot.waitUntil(lambda: c.results is not None and c.results.epoch == trained_epoch)
    assert redo.isEnabled() and redo.text() == "Redo Reset"
    redo.trigger()
    qtbot.waitUntil(lambda: c.trainer.epoch == 0)
    assert undo.text() == "Undo Reset"


def test_undo_during_a_run_goes_back_to_before_it(window, qtbot, wait_idle):
    c = window.controller
    before = c.trainer.network.theta.copy()
    c.set_pace(20)  # slow: still running when Undo comes
    c.train()
    qtbot.waitUntil(lambda: c.is_training and c.trainer.epoch > 0)
    _action(window, "undoAction").trigger()
    wait_idle(c)
    qtbot.waitUntil(lambda: c.trainer.epoch == 0)
    np.testing.assert_array_equal(c.trainer.network.theta, before)
    assert not c.is_training


def test_a_network_change_is_undone_with_its_trained_weights(window, qtbot, wait_idle):
    from nnlin_gui.core.networks.network import LayerSpec

    c = window.controller
    c.train()
    wait_idle(c)
    epoch, trained, layers = c.trainer.epoch, c.trainer.network.theta.copy(), c.wb.layers
    c.set_layers((LayerSpec("dense", 6, "relu"),))
    qtbot.waitUntil(lambda: c.trainer.epoch == 0 and not c.spec.is_linear)
    undo = _action(window, "undoAction")
    assert undo.text() == "Undo network change"
    undo.trigger()
    qtbot.waitUntil(lambda: c.trainer.epoch == epoch)
    np.testing.assert_array_equal(c.trainer.network.theta, trained)
    assert c.wb.layers == layers and c.spec.is_linear
    layer_list = window.findChild(QWidget, "layerList")
    assert layer_list.count() == len(layers)  # the builder shows the old layers
    qtbot.waitUntil(lambda: c.baseline is not None and c.results.max_diff is not None)
    assert c.results.max_diff < 1e-3  # and the collapse read-out is the trained one's
