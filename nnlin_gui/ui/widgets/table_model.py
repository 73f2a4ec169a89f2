"""A read-only table model over a pandas DataFrame (the data preview)."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex


class FrameTableModel(QAbstractTableModel):
    """Shows a DataFrame without copying it; cells are formatted on demand.

    The target column is shown bold and tinted, unused columns greyed, so the preview
    says which columns the model uses.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._frame = None
        self._columns: list[str] = []
        self._values: dict[int, object] = {}
        self.target: str | None = None
        self.features: set[str] = set()

    def set_frame(self, frame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._columns = [str(c) for c in frame.columns.tolist()] if frame is not None else []
        # Column arrays are fetched when a column is first painted (then a cell lookup is a
        # plain index): fetching all 20,000 of a wide table up front took seconds.
        self._values = {}
        self.endResetModel()

    def _column(self, j: int):
        values = self._values.get(j)
        if values is None:
            values = self._values[j] = self._frame.iloc[:, j].to_numpy()
        return values

    def set_roles(self, target: str | None, features) -> None:
        self.target, self.features = target, set(features or ())
        if self._columns:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if self._frame is None or parent.isValid() else len(self._frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        name = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._column(index.column())[index.row()]
            if isinstance(value, float):
                return "" if math.isnan(value) else f"{value:.6g}"
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self._column(index.column())[index.row()]
            if isinstance(value, str):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self.target is not None:
            if name != self.target and name not in self.features:
                return QColor(150, 150, 150)
        if role == Qt.ItemDataRole.BackgroundRole and name == self.target:
            # A warm tint that keeps the text readable in light and dark palettes.
            dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
            return QColor(86, 70, 30) if dark else QColor(255, 244, 214)
        return None

    def column_of(self, name: str | None) -> int | None:
        """The index of column ``name`` (None when absent)."""
        try:
            return self._columns.index(name) if name is not None else None
        except ValueError:
            return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self._columns):
                return None
            name = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{name} (target)" if name == self.target else name
            if role == Qt.ItemDataRole.FontRole and name == self.target:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


class RowNumberHeader(QHeaderView):
    """The preview's row numbers, measured once per row count and font.

    Qt sizes a header from its first and last 100 sections, asking the model for four
    roles of each, and does it again whenever the layout asks after a change: 21,600
    Python calls (about 40 ms of the GUI thread) for every loaded table. The numbers' width
    depends only on how many rows there are, so one measurement per table is enough.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as QTableView's own row header
        self.setHighlightSections(True)
        self._hint: tuple[tuple, object] | None = None

    def sizeHint(self):  # noqa: N802 (Qt override)
        key = (self.count(), self.font().key(), self.style().name())
        if self._hint is None or self._hint[0] != key:
            self._hint = (key, super().sizeHint())
        return self._hint[1]


def fit_target_column(view: QTableView, model: FrameTableModel, previous: int | None) -> int | None:
    """Widen the target's column to its bold "name (target)" header (one column measured:
    a fixed width cut it to "lass (targe"); ``previous`` goes back to the default width.
    Returns the widened column."""
    header = view.horizontalHeader()
    if previous is not None and previous < model.columnCount():
        header.resizeSection(previous, header.defaultSectionSize())
    j = model.column_of(model.target)
    if j is not None:
        text = model.headerData(j, Qt.Orientation.Horizontal)
        font = model.headerData(j, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole)
        width = QFontMetrics(font).horizontalAdvance(str(text)) + 16  # the header's margins
        header.resizeSection(j, max(header.defaultSectionSize(), min(width, 320)))
    return j
