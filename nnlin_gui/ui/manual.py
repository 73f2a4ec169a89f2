"""The short manual (F1): what each panel shows (the remedies and the logistic diagnostics
page too), the formulas (the multinomial baseline too), the assumptions, the files a user
can export, labs, and the keyboard shortcuts of the window it belongs to.

The text is ``resources/manual/manual.html`` (bundled like the lessons); the shortcut table
is built from the window's actions, so it cannot drift from them.
"""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from nnlin_gui.ui.font_roles import set_relative


def manual_html() -> str:
    """The bundled manual (HTML body)."""
    return (files("nnlin_gui.resources") / "manual" / "manual.html").read_text(encoding="utf-8")


def shortcuts_html(actions: list[QAction]) -> str:
    """A table of every action that has a shortcut."""
    rows = "".join(
        f"<tr><td><b>{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}</b>"
        f"</td><td>&nbsp;&nbsp;{a.text().replace('&', '')}</td></tr>"
        for a in actions
        if not a.shortcut().isEmpty()
    )
    return f"<h3>Keyboard shortcuts</h3><table>{rows}</table>"


class ManualDialog(QDialog):
    """objectName ``manualDialog``; the text is in ``manualText`` (a QTextBrowser)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("manualDialog")
        self.setWindowTitle("nnlin manual")
        self.text = QTextBrowser(objectName="manualText")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(manual_html() + shortcuts_html(parent.actions()))
        set_relative(self.text, 1.1)  # a little larger; presentation mode scales it too
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)
        # Most of a small screen, never more than the window.
        size = parent.size()
        self.resize(min(760, int(size.width() * 0.8)), int(size.height() * 0.85))
