"""The tables of the logistic diagnostics page: the confusion matrix, the Hosmer-Lemeshow
groups and the rows flagged as influential. Read-only, sized to their rows (no inner
scrolling inside the scrolling page, except a long list of flagged rows)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

MAX_VISIBLE_ROWS = 10  # the flagged-rows list scrolls beyond this


def _fmt(value: float) -> str:
    value = float(value)
    if not np.isfinite(value):
        return "—"
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def format_p(p: float) -> str:
    """'p = 0.0123', or 'p > 0.999' rather than a rounded 'p = 1'."""
    if p > 0.999:
        return "p > 0.999"
    return f"p = {_fmt(p)}"


class ReadOnlyTable(QTableWidget):
    """A compact read-only table whose height follows its rows."""

    def __init__(self, object_name: str, headers: list[str]) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(object_name)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.setWordWrap(False)
        self._max_visible: int | None = None

    def set_rows(self, rows: list[list[str]], max_visible: int | None = None) -> None:
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                align = Qt.AlignmentFlag.AlignLeft if col == 0 else Qt.AlignmentFlag.AlignRight
                cell.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, col, cell)
        self._max_visible = max_visible
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (at most ``max_visible`` of them), at the current font."""
        self.resizeRowsToContents()
        n = self.rowCount()
        shown = n if self._max_visible is None else min(n, self._max_visible)
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if shown < n
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.setVerticalScrollBarPolicy(policy)
        header = self.horizontalHeader()
        height = max(header.height(), header.sizeHint().height()) + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(shown))
        self.setFixedHeight(height + 2)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: taller rows
            self._fit_height()

    def texts(self) -> list[list[str]]:
        """Every cell's text, row by row (for tests and copying)."""
        return [
            [self.item(r, c).text() if self.item(r, c) else "" for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


class ConfusionTable(ReadOnlyTable):
    """objectName ``confusionTable``: actual classes in rows, predictions (probability at
    least 0.5 means 1) in columns, each count with its share of the actual class."""

    def __init__(self) -> None:
        super().__init__("confusionTable", ["actual \\ predicted", "0", "1"])

    def show_counts(self, confusion: tuple[int, int, int, int], label0: str, label1: str) -> None:
        tn, fp, fn, tp = confusion
        self.setHorizontalHeaderLabels(["actual \\ predicted", label0, label1])

        def share(a: int, b: int) -> list[str]:
            total = max(1, a + b)
            return [f"{a:,} ({a / total:.0%})", f"{b:,} ({b / total:.0%})"]

        self.set_rows([[label0, *share(tn, fp)], [label1, *share(fn, tp)]])


class HosmerLemeshowGroups(ReadOnlyTable):
    """objectName ``hosmerLemeshowTable``: per group of fitted probabilities its range, its
    rows, and the observed against the expected number of 1s ("observed", "expected")."""

    def __init__(self) -> None:
        super().__init__("hosmerLemeshowTable", ["p range", "rows", "observed", "expected"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    def show_table(self, table) -> None:
        if table is None:
            self.set_rows([])
            return
        rows = []
        for lo, hi, n, o, e in zip(
            table.lower, table.upper, table.count, table.observed, table.expected, strict=True
        ):
            span = f"{_fmt(lo)} – {_fmt(hi)}"
            rows.append([span, f"{int(n):,}", f"{int(round(o)):,}", f"{e:.2f}"])
        self.set_rows(rows)


class FlaggedRows(ReadOnlyTable):
    """objectName ``flaggedRowsTable``: the rows whose Cook's distance passes 4/n, the
    largest first (row numbers as the data table counts them)."""

    def __init__(self) -> None:
        super().__init__("flaggedRowsTable", ["row", "y", "fitted p", "leverage", "Cook's D"])

    def show_rows(self, influence, y: np.ndarray, fitted: np.ndarray, rows: np.ndarray) -> None:
        out = []
        for i in np.asarray(influence.flagged, dtype=np.intp):
            out.append(
                [
                    f"{int(rows[i]) + 1:,}",
                    f"{int(y[i])}",
                    f"{fitted[i]:.3f}",
                    _fmt(influence.leverage[i]),
                    _fmt(influence.cooks_distance[i]),
                ]
            )
        self.set_rows(out, MAX_VISIBLE_ROWS)
