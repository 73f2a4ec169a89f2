"""The F1 manual describes the features the window has, in the words the window uses: the
logistic diagnostics page, the remedies, the covariance choice and the model's tests, the
multinomial baseline, the Python script export and the lab lock."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QWidget

from nnlin_gui.core.statistics.regression import COV_TYPES
from nnlin_gui.ui.manual import manual_html


def _manual_text(window) -> str:
    dialog = window.show_manual()
    try:
        return dialog.findChild(QWidget, "manualText").toPlainText()
    finally:
        dialog.close()


def test_manual_describes_the_new_features(window):
    text = _manual_text(window)
    for phrase in (
        # the logistic diagnostics page
        "ROC curve",
        "AUC",
        "calibration",
        "confusion matrix at 0.5",
        "Hosmer-Lemeshow",
        "Cook's distance",
        # remedies
        "Remedy",
        "Undo",
        "before and after",
        "never changed",
        # covariance choice and the model's tests
        "Standard errors",
        "HC0–HC3",
        "HAC",
        "adjusted R²",
        "AIC",
        "BIC",
        # multinomial baseline
        "multinomial logistic regression",
        "reference",
        # the script export
        "Python script",
        "nnlin script",
        # the lab lock
        "Unlock instructor controls",
        "Open lessons folder",
        "password",
    ):
        assert phrase in text, phrase
    assert set(COV_TYPES) == {"nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"}


def test_the_manual_names_controls_as_the_window_labels_them(window):
    """Each control the manual names by its label carries that label."""

    def action(name: str) -> QAction:
        found = window.findChild(QAction, name)
        assert found is not None, name
        return found

    html = " ".join(manual_html().split())
    assert action("exportScriptAction").text().startswith("Python script")
    assert action("unlockAction").text().startswith("Unlock instructor controls")
    assert action("openLessonsFolderAction").text().startswith("Open lessons folder")
    assert "Python script&hellip;" in html and "Open lessons folder&hellip;" in html
    box = window.findChild(QWidget, "covarianceBox")
    assert any(label.text() == "Standard errors" for label in box.findChildren(QLabel))
    assert window.findChild(QPushButton, "remedyButton").text() == "Remedy"
    assert window.findChild(QPushButton, "undoRemedyButton").text() == "Undo"
    assert window.findChild(QToolButton, "diagnosticsNotesButton").text().startswith("Notes")
