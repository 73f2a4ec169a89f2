"""A visual picker of the built-in datasets: a small scatter of each, drawn once with
QPainter from the generators at a small n, in a popup grid (objectName
``datasetGallery``) opened by a button beside the dataset combo
(``datasetGalleryButton``). The same pictures become the combo's item icons.

Rendered on first opening, not at start-up (the first paint must not wait for pandas).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.data.builtin import builtin_info, builtin_names, load_builtin_frame
from nnlin_gui.ui.widgets.map_style import MapStyle

THUMB = 72  # pixels of a thumbnail
SMALL_N = 160  # rows a thumbnail is drawn from
MARGIN = 5


def _columns(frame) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(x, y, colour values, coloured): two features and the target in colour, or the
    first feature against the target."""
    import pandas as pd

    label = frame.iloc[:, -1]
    if pd.api.types.is_numeric_dtype(label):
        target = label.to_numpy(float)
    else:  # text classes: coloured by their sorted codes 0, 1, 2, ...
        target = pd.factorize(label, sort=True)[0].astype(float)
    feats = frame.iloc[:, :-1].select_dtypes("number")
    if feats.shape[1] == 2:
        return feats.iloc[:, 0].to_numpy(float), feats.iloc[:, 1].to_numpy(float), target, True
    return feats.iloc[:, 0].to_numpy(float), target, target, False


def render_thumbnail(name: str, size: int = THUMB) -> QImage:
    """A scatter of the built-in dataset ``name`` (generated at a small n)."""
    info = builtin_info(name)
    frame = load_builtin_frame(name, **({"n": SMALL_N} if "n" in info.params else {}))
    x, y, values, coloured = _columns(frame)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(252, 252, 252))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(200, 200, 200), 1))
    p.drawRect(0, 0, size - 1, size - 1)

    def scale(v: np.ndarray) -> np.ndarray:
        lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
        return (v - lo) / (hi - lo if hi > lo else 1.0)

    px = MARGIN + scale(x) * (size - 2 * MARGIN)
    py = size - MARGIN - scale(y) * (size - 2 * MARGIN)
    style = MapStyle()
    style.set_data((float(np.nanmin(values)), float(np.nanmax(values))), info.task)
    colours = style.colours(values) if coloured else [QColor(90, 90, 90)] * len(x)
    p.setPen(Qt.PenStyle.NoPen)
    radius = 1.8 if len(x) > 60 else 2.6
    for cx, cy, colour in zip(px, py, colours, strict=True):
        if np.isfinite(cx) and np.isfinite(cy):
            p.setBrush(colour)
            p.drawEllipse(QPointF(cx, cy), radius, radius)
    p.end()
    return image


class DatasetGallery(QFrame):
    """The popup grid; ``picked(name)`` when a thumbnail is clicked."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("datasetGallery")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.view = QListWidget(objectName="datasetGalleryList")
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setGridSize(QSize(THUMB + 26, THUMB + 34))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(True)
        self.images: dict[str, QImage] = {}
        for name in builtin_names():
            image = render_thumbnail(name)
            self.images[name] = image
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), builtin_info(name).title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(builtin_info(name).description.strip())
            self.view.addItem(item)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.view)
        self.resize(5 * (THUMB + 26) + 30, 4 * (THUMB + 34) + 16)
        self.view.itemClicked.connect(self._on_item)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.hide()
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))


def attach_gallery(panel) -> QToolButton:
    """Put the gallery button beside ``panel.dataset_combo``; the popup is built (and the
    combo's items get their pictures) the first time it opens."""
    combo = panel.dataset_combo
    layout = combo.parentWidget().layout()
    index = layout.indexOf(combo)
    layout.removeWidget(combo)
    button = QToolButton(objectName="datasetGalleryButton", text="▦")
    button.setToolTip("Pick a dataset by its picture")
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(combo, 1)
    row.addWidget(button)
    layout.insertLayout(index, row)
    panel.gallery = None

    def open_gallery() -> None:
        if panel.gallery is None:
            panel.gallery = DatasetGallery(panel)
            panel.gallery.picked.connect(choose)
            for i in range(combo.count()):
                image = panel.gallery.images.get(combo.itemData(i))
                if image is not None:
                    combo.setItemIcon(i, QIcon(QPixmap.fromImage(image)))
        gallery = panel.gallery
        at = button.mapToGlobal(button.rect().bottomLeft())
        screen = button.screen().availableGeometry()
        gallery.move(
            max(screen.left(), min(at.x(), screen.right() - gallery.width())),
            max(screen.top(), min(at.y(), screen.bottom() - gallery.height())),
        )
        gallery.show()

    def choose(name: str) -> None:
        i = combo.findData(name)
        if i >= 0:
            combo.setCurrentIndex(i)
            combo.activated.emit(i)  # as if picked from the list

    button.clicked.connect(open_gallery)
    return button
