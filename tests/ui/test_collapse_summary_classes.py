"""The compact collapse read-out speaks of classes for a softmax network: its rows are the
log-odds of each class against the reference class, named (it said "output 1 ... (+ 2 more
outputs)")."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from nnlin_gui.ui.panels.collapse_summary import equation, relative_rows, shown_equation, shown_rows


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


def test_a_classifier_output_is_never_called_a_prediction_of_y():
    """A sigmoid network's collapsed map gives the log-odds, a softmax network's rows are
    logits before the softmax: "ŷ =" or "predicted cls =" was false for both."""
    W, b = np.array([[1.0, -2.0]]), np.array([0.5])
    *_, target, more = shown_rows(None, W, b, "am", head="sigmoid")
    assert target == "logit P(am=1)" and more is None
    text = shown_equation(None, W, b, ("wt", "hp"), "am", head="sigmoid")
    assert text.startswith("<i>logit P(am=1)</i> = 0.5") and "predicted" not in text
    W3, b3 = np.eye(3)[:, :2], np.zeros(3)
    *_, target, more = shown_rows(None, W3, b3, "cls", head="softmax")  # no baseline yet
    assert target == "cls logit 1" and more == "+ 2 more logits, before softmax"
    text = shown_equation(None, W3, b3, ("a", "b"), "cls", head="softmax")
    assert "predicted" not in text and "(+ 2 more logits, before softmax)" in text
    base = SimpleNamespace(kind="multinomial", classes=("0", "1", "2"))
    *_, target, more = shown_rows(base, W3, b3, "cls", head="softmax")
    assert target == "log P(cls=1)/P(cls=0)" and more == "+ 1 more class, each vs 0"
    ols = SimpleNamespace(kind="ols", classes=())
    text = shown_equation(ols, W, b, ("x1", "x2"), "y")
    assert text.startswith("<i>y</i>&#770; = 0.5")  # a regression's ŷ stays
