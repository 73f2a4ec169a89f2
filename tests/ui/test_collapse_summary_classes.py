"""The compact collapse read-out speaks of classes for a softmax network: its rows are the
log-odds of each class against the reference class, named (it said "output 1 ... (+ 2 more
outputs)")."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from nnlin_gui.ui.panels.collapse_summary import equation, relative_rows


def test_softmax_rows_are_classes_against_the_reference():
    base = SimpleNamespace(classes=("setosa", "versicolor", "virginica", "other"))
    W = np.array([[1.0, 2.0], [3.0, 5.0], [0.0, -1.0], [2.0, 2.0]])
    b = np.array([0.5, 1.0, 2.0, -1.0])
    Wr, br, target, more = relative_rows(base, W, b, "species")
    np.testing.assert_array_equal(Wr, W[1:] - W[0])
    np.testing.assert_array_equal(br, b[1:] - b[0])
    assert target == "log P(species=versicolor)/P(species=setosa)"
    assert more == "+ 2 more classes, each vs setosa"
    text = equation(Wr, br, ("x1", "x2"), target, more=more)
    assert "output" not in text
    assert "(+ 2 more classes, each vs setosa)" in text
    assert text.startswith("<i>log P(species=versicolor)/P(species=setosa)</i> = 2·<i>x1</i>")


def test_three_classes_say_one_more_class_and_two_say_none():
    three = SimpleNamespace(classes=("0", "1", "2"))
    W, b = np.eye(3)[:, :2], np.zeros(3)
    *_, more = relative_rows(three, W, b, "cls")
    assert more == "+ 1 more class, each vs 0"
    two = SimpleNamespace(classes=("no", "yes"))
    Wr, br, target, more = relative_rows(two, W[:2], b[:2], "cls")
    assert more is None and Wr.shape == (1, 2) and target == "log P(cls=yes)/P(cls=no)"
    assert "more" not in equation(Wr, br, ("a", "b"), target, more=more)


def test_other_multi_output_rows_keep_the_output_wording():
    """Not a softmax baseline: the rows are as given, the first labelled output 1."""
    W, b = np.ones((3, 2)), np.zeros(3)
    Wr, br, target, more = relative_rows(None, W, b, "y")
    assert Wr is W and more is None and target == "y"
    assert "<i>y, output 1</i>" in equation(W, b, ("a", "b"), target)
    assert "(+ 2 more outputs)" in equation(W, b, ("a", "b"), target)
