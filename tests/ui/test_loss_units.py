"""The toolbar's loss and the loss plot are in the data's units, as the MSE beside them
(they were in standardised units: "train loss 0.0253" next to "MSE 1.003")."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel


def test_toolbar_loss_is_the_mse_in_data_units(window, wait_idle):
    c = window.controller
    c.train()
    wait_idle(c)
    window.refresh_views(force=True)
    text = window.findChild(QLabel, "lossLabel").text()
    assert text.startswith("train MSE ")
    shown = float(text.split()[2])
    y_var = float(c.trainer.scaling.y_scale[0] ** 2)
    assert y_var > 2  # the linear set's target is not standardised: the units matter
    assert shown == pytest.approx(c.curves.train_loss[-1] * y_var, rel=1e-3)
    # Converged full-batch training: the last epoch's loss is the final weights' MSE.
    assert shown == pytest.approx(c.results.metrics["train_mse"], rel=0.02)
    axis = window.plots.loss.widget.getPlotItem().getAxis("left")
    assert "MSE" in axis.labelText
