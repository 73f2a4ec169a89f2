"""A plot title is shrunk to fit its plot, but never below half size: a plot a few
pixels wide (while docks were laid out) asked Qt for a 0 pt font, and Qt printed
"QFont::setPointSize: Point size <= 0" once per title."""

from __future__ import annotations

from PySide6.QtCore import qInstallMessageHandler

from nnlin_gui.ui.widgets import plot_style


def test_a_narrow_plot_keeps_a_readable_title(qtbot):
    messages: list[str] = []
    previous = qInstallMessageHandler(lambda mode, ctx, msg: messages.append(msg))
    try:
        widget = plot_style.new_plot("narrowPlot", "Predicted against actual", "x", "y")
        qtbot.addWidget(widget)
        item = widget.getPlotItem()
        item.getViewBox().width = lambda: 30.0  # narrower than the title can be drawn
        item.setTitle("<span style='font-size:11pt'><b>Predicted against actual</b></span>")
        plot_style.fit_title(item)
        qtbot.wait(20)
    finally:
        qInstallMessageHandler(previous)
    assert not [m for m in messages if "setPointSize" in m]
    assert "font-size:5.5pt" in item.titleLabel.text  # half of 11 pt, the floor
