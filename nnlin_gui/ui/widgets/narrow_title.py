"""A plot title that never widens its plot: pyqtgraph makes a title's text width the
minimum width of the plot's column, so a long title (or a colour bar or legend beside the
plot) pushed the plot out of a narrow splitter cell. Such a title is clipped instead."""

from __future__ import annotations

from PySide6.QtCore import Qt


def narrow_title(plot_item) -> None:
    """Keep ``plot_item``'s title from setting a minimum width (now and after setTitle)."""
    label = plot_item.titleLabel

    def update_min() -> None:  # LabelItem.updateMin without the minimum width
        rect = label.itemRect()
        label.setMinimumWidth(0)
        label.setMinimumHeight(rect.height())
        label._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, rect.height()),
            Qt.SizeHint.PreferredSize: (rect.width(), rect.height()),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        label.updateGeometry()

    label.updateMin = update_min
    update_min()
