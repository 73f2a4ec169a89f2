"""The read-out's one-line equation: what it leaves out when the line is short."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from nnlin_gui.ui.panels.collapse_summary import fit_one_line

MORE = "+ 1 more class, each vs A"


@pytest.fixture
def label(qtbot):
    widget = QLabel()
    qtbot.addWidget(widget)
    return widget


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("&nbsp;", " ")


@pytest.mark.parametrize("width", [120, 260, 330, 420, 2000])
def test_one_term_is_never_left_out_for_a_longer_tail(label, width):
    label.setFixedWidth(width)
    W, b = np.array([[1.5095, -1.099], [-0.95, 1.53]]), np.array([0.3345, -0.54])
    text = _plain(fit_one_line(label, W, b, ("x1", "x2"), "log P(class=B)/P(class=A)", MORE))
    assert "more term" not in text
    assert "x1" in text and "x2" in text and "class" in text
    ten = _plain(fit_one_line(label, np.ones((1, 10)), b, [f"x{i}" for i in range(10)], "y"))
    assert "and 1 more term" not in ten


def test_the_class_tail_is_shortened_before_a_term_goes(label):
    W = np.array([[1.5095, -1.099, 2.5, 0.25], [-0.95, 1.53, 0.1, 0.2]])
    b = np.array([0.3345, -0.54])
    names, target = ("x1", "x2", "x3", "x4"), "log P(class=B)/P(class=A)"
    label.setFixedWidth(4000)
    assert "each vs A" in _plain(fit_one_line(label, W, b, names, target, MORE))
    full = label.fontMetrics().horizontalAdvance(
        _plain(fit_one_line(label, W, b, names, target, ""))
    )
    label.setFixedWidth(full + label.fontMetrics().horizontalAdvance(" (+ 1 more class)") + 8)
    text = _plain(fit_one_line(label, W, b, names, target, MORE))
    assert "(+ 1 more class)" in text and "x4" in text and "more term" not in text


def test_the_class_column_name_goes_before_a_term(label):
    W = np.array([[1.5095, -1.099, 2.5], [-0.95, 1.53, 0.1]])
    b = np.array([0.3345, -0.54])
    names, target = ("x1", "x2", "x3"), "log P(class=B)/P(class=A)"
    label.setFixedWidth(4000)
    short = _plain(fit_one_line(label, W, b, names, "log P(B)/P(A)", "+ 1 more class"))
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(short) + 12)
    text = _plain(fit_one_line(label, W, b, names, target, MORE))
    assert text.startswith("log P(B)/P(A) = ") and "x3" in text and "(+ 1 more class)" in text
