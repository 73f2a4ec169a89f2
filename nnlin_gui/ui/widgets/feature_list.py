"""The feature picker's model: one checkable row per column, filtered by a text.

A ``QListWidget`` makes an item object per column (20,000 columns took half a second to
fill); this model keeps the names and a boolean array, and the view asks only for the rows
it paints. Filtering keeps a list of the matching rows; "tick all" and "untick all" act on
the rows the filter shows, so a user can pick a few features out of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

Index = QModelIndex | QPersistentModelIndex


class FeatureListModel(QAbstractListModel):
    """Checkable column names.

    Signals
    -------
    toggled(): the user changed which columns are ticked (not sent by ``set_columns``).
    """

    toggled = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._checked = np.zeros(0, dtype=bool)
        self._rows: list[int] = []  # indices into _names that the filter lets through
        self._filter = ""

    # -- filling -------------------------------------------------------------------------------

    def set_columns(self, names: Iterable[str], checked: Iterable[str]) -> None:
        """Every candidate column, with the ``checked`` ones ticked (the filter stays)."""
        self.beginResetModel()
        self._names = [str(n) for n in names]
        ticked = set(checked)
        self._checked = np.fromiter((n in ticked for n in self._names), bool, len(self._names))
        self._rows = self._matching(self._filter)
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Show only the columns whose name contains ``text`` (case-insensitive)."""
        self.beginResetModel()
        self._filter = text.strip().lower()
        self._rows = self._matching(self._filter)
        self.endResetModel()

    def _matching(self, text: str) -> list[int]:
        if not text:
            return list(range(len(self._names)))
        return [i for i, name in enumerate(self._names) if text in name.lower()]

    # -- reading -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Columns in the model (whatever the filter shows)."""
        return len(self._names)

    def checked_names(self) -> tuple[str, ...]:
        """The ticked columns, in table order."""
        return tuple(self._names[i] for i in np.flatnonzero(self._checked))

    def row_of(self, name: str) -> int:
        """The row showing ``name`` (-1 when filtered out or absent)."""
        try:
            return self._rows.index(self._names.index(name))
        except ValueError:
            return -1

    # -- changing ------------------------------------------------------------------------------

    def set_shown_checked(self, checked: bool) -> None:
        """Tick (or untick) every column the filter shows, as one change."""
        if not self._rows:
            return
        self._checked[self._rows] = checked
        self.dataChanged.emit(
            self.index(0), self.index(len(self._rows) - 1), [Qt.ItemDataRole.CheckStateRole]
        )
        self.toggled.emit()

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        i = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._names[i]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self._checked[i] else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | (Qt.ItemFlag.ItemIsUserCheckable)
        )

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        i = self._rows[index.row()]
        self._checked[i] = state == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.toggled.emit()
        return True
