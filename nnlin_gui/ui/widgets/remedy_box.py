"""The remedy row of a diagnostics card and its before/after comparison.

objectNames (inside ``card_<assumption>``): ``remedyCombo`` (which remedy; the card's
default first), ``remedyButton`` (apply it: a job re-runs the card on the remedied fit),
``undoRemedyButton`` (back to the card alone), ``remedyStatus`` (what was done, or why
not), ``remedyTable`` (two columns side by side, before and after: the card's verdict,
each test's statistic and p, each coefficient with its standard error) and
``remedyDroppedRows`` (the rows a "drop" remedy left out, by their dataset row number).

A remedy is a view of the card: it never changes the user's data or network, so Undo only
hides the comparison (the dropped rows were never removed).
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.statistics.remedies import REMEDIES, REMEDY_LABELS

HEADERS = ("", "before", "after")
MAX_ROWS_LISTED = 20


def _num(value, digits: int = 4) -> str:
    if value is None:
        return "—"
    value = float(value)
    if not math.isfinite(value):
        return "—"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.{max(digits - 1, 1)}e}"
    return f"{value:.{digits}g}"


def _test_cell(t) -> str:
    if t is None:
        return "—"
    if t.verdict == "not applicable":
        return "n/a"
    p = f", p {_num(t.p_value, 3)}" if t.p_value is not None else ""
    return f"{_num(t.statistic)}{p} ({t.verdict})"


def _coef_cell(fit, name: str) -> str:
    c = fit.coefficient(name)
    if c is None:
        return "—"
    est, se = c
    return f"{_num(est)} ({_num(se, 3)})" if se is not None else _num(est)


def comparison_rows(result) -> list[tuple[str, str, str]]:
    """(label, before, after) lines of a ``RemedyResult``: verdict, tests, coefficients."""
    a0, a1 = result.assumption_before, result.assumption_after
    rows = [("verdict", a0.verdict, a1.verdict)]
    after_by_name = {t.name: t for t in a1.tests}
    names = [t.name for t in a0.tests] + [
        t.name for t in a1.tests if t.name not in {t.name for t in a0.tests}
    ]
    before_by_name = {t.name: t for t in a0.tests}
    for name in names[:12]:
        rows.append(
            (name, _test_cell(before_by_name.get(name)), _test_cell(after_by_name.get(name)))
        )
    b, f = result.before, result.after
    rows.append(("model", b.label, f.label))
    rows.append(("rows", f"{b.nobs:,}", f"{f.nobs:,}"))
    terms = list(b.names) + [n for n in f.names if n not in b.names]
    for name in terms:
        rows.append((name, _coef_cell(b, name), _coef_cell(f, name)))
    return rows


class RemedyBox(QWidget):
    """One card's remedies: choose, apply (``remedy_requested``), compare, undo."""

    remedy_requested = Signal(str, str)  # assumption, remedy

    def __init__(self, assumption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assumption = assumption
        self.setObjectName(f"remedyBox_{assumption}")
        self.outcome = None  # the RemedyOutcome shown (None: the card alone)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        row = QHBoxLayout()
        self.combo = QComboBox(objectName="remedyCombo")
        for key in REMEDIES[assumption]:
            self.combo.addItem(REMEDY_LABELS[key], key)
        self.combo.setToolTip("What to apply; the card is re-run on the remedied fit")
        self.button = QPushButton("Remedy", objectName="remedyButton")
        self.button.setToolTip(
            "Apply the chosen remedy to a copy of the OLS fit and show the card's tests and "
            "the coefficients before and after, side by side (your data stay as they are)"
        )
        self.undo = QPushButton("Undo", objectName="undoRemedyButton")
        self.undo.setToolTip("Back to the card without the remedy")
        self.undo.hide()
        row.addWidget(self.combo, 1)
        row.addWidget(self.button)
        row.addWidget(self.undo)
        lay.addLayout(row)
        self.status = QLabel(objectName="remedyStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.hide()
        lay.addWidget(self.status)
        self.table = QTableWidget(0, len(HEADERS), objectName="remedyTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)  # one line per row; a narrow card elides (tooltips)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        lay.addWidget(self.table)
        self.dropped = QLabel(objectName="remedyDroppedRows")
        self.dropped.setWordWrap(True)
        self.dropped.hide()
        lay.addWidget(self.dropped)
        self.button.clicked.connect(self._request)
        self.undo.clicked.connect(self.clear)

    @property
    def remedy(self) -> str:
        return str(self.combo.currentData())

    def set_remedy(self, remedy: str) -> None:
        index = self.combo.findData(remedy)
        if index < 0:
            raise ValueError(f"{self.assumption} has no remedy {remedy!r}")
        self.combo.setCurrentIndex(index)

    def _request(self) -> None:
        self.button.setEnabled(False)
        self.status.setText(f"Applying: {html.escape(self.combo.currentText())}…")
        self.status.show()
        self.remedy_requested.emit(self.assumption, self.remedy)

    def show_outcome(self, outcome) -> None:
        """Show a ``RemedyOutcome``: what was done, before/after, the rows left out."""
        self.outcome = outcome
        res = outcome.result
        self.button.setEnabled(True)
        self.undo.show()
        self.status.setText(html.escape(res.description))
        self.status.show()
        rows = comparison_rows(res)
        self.table.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if j:
                    item.setTextAlignment(right)
                if cells[0] == "verdict" or cells[0] == "model":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, j, item)
        line = self.table.fontMetrics().height() + 6
        for i in range(len(rows)):
            self.table.setRowHeight(i, line)
        height = self.table.horizontalHeader().height() + 4
        height += sum(self.table.rowHeight(i) for i in range(len(rows)))
        self.table.setFixedHeight(height)
        self.table.show()
        if outcome.dataset_rows:
            listed = ", ".join(str(r + 1) for r in outcome.dataset_rows[:MAX_ROWS_LISTED])
            self.dropped.setText(
                f"Left out (dataset rows, counting from 1): {listed}. They were left out of "
                "this comparison only: your data were not changed (Undo hides it)."
            )
            self.dropped.show()
        else:
            self.dropped.hide()

    def show_failure(self, message: str) -> None:
        """Say in one line why the remedy does not apply."""
        self.outcome = None
        self.button.setEnabled(True)
        self.table.hide()
        self.dropped.hide()
        self.undo.hide()
        self.status.setText(f"<span style='color:#e5534b'>{html.escape(message)}</span>")
        self.status.show()

    def clear(self) -> None:
        """Back to the card alone (Undo; or the data changed under the comparison)."""
        self.outcome = None
        self.button.setEnabled(True)
        for w in (self.undo, self.status, self.table, self.dropped):
            w.hide()
        self.table.setRowCount(0)

    def comparison(self) -> list[list[str]]:
        """The before/after table as text (tests and copying)."""
        return [
            [self.table.item(i, j).text() for j in range(len(HEADERS))]
            for i in range(self.table.rowCount())
        ]
