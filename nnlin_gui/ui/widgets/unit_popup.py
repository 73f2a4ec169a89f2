"""A unit's output over the input space, large: the popup the diagram shows while a unit
is hovered (objectName ``unitMapPopup``). The output unit is drawn as the fit view's map
(same colours, same range); the others with their own diverging scale, as the
thumbnails. One-feature data get the unit's curve."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from nnlin_gui.ui.widgets import neuron_thumbnails as thumbs

SIZE = 200  # pixels of the large map


def output_image(controller, style, coarse: bool) -> QImage | None:
    """The fit view's map as an image (``coarse``: the thumbnails' grid), or None."""
    fit, probe = controller.latest_fit, controller.fit_probe
    if style is None or fit is None or probe is None or controller.fit_mode != "heatmap":
        return None
    side = int(round(np.sqrt(len(fit))))
    if len(fit) != len(probe.X) or side * side != len(fit):
        return None
    values = fit.reshape(side, side)
    if coarse:
        step = max(1, side // thumbs.GRID_2D)
        values = values[::step, ::step]
    return style.image(values.ravel())


def unit_values(controller, column: int, unit: int) -> np.ndarray | None:
    """One unit's output on the fit view's full probe grid (rows in original units)."""
    net, trainer, probe = controller.diagram_net, controller.trainer, controller.fit_probe
    if net is None or trainer is None or probe is None:
        return None
    try:
        outputs = thumbs.unit_outputs(net, trainer.scaling, probe.X)
    except (ValueError, FloatingPointError):
        return None
    if column >= len(outputs) or unit >= outputs[column].shape[1]:
        return None
    return outputs[column][:, unit]


def curve_image(values: np.ndarray, size: int = SIZE) -> QImage:
    """A one-feature unit's output as a curve (x across, the unit's value up)."""
    image = QImage(size, size * 3 // 4, QImage.Format.Format_RGB32)
    image.fill(QColor(252, 252, 252))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    ys = thumbs.sparkline(values)
    w, h = image.width(), image.height()
    mid, half = h / 2, h / 2 - 6
    p.setPen(QPen(QColor(200, 200, 200), 1))
    p.drawLine(0, int(mid), w, int(mid))
    xs = np.linspace(4, w - 4, len(ys))
    p.setPen(QPen(QColor(40, 110, 190), 2))
    p.drawPolyline([QPointF(x, mid - half * y) for x, y in zip(xs, ys, strict=True)])
    p.end()
    return image


class UnitPopup(QFrame):
    """A frameless tooltip-like window with the map, a title and what the colours mean."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("unitMapPopup")
        self.setFrameShape(QFrame.Shape.Box)
        self.title = QLabel(objectName="unitMapTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.picture = QLabel(objectName="unitMapPicture")
        self.caption = QLabel(objectName="unitMapCaption")
        self.caption.setWordWrap(True)
        self.caption.setMaximumWidth(SIZE)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(3)
        for w in (self.title, self.picture, self.caption):
            lay.addWidget(w)
        self.key: tuple[int, int] | None = None  # the unit shown

    def show_image(self, image: QImage, title: str, caption: str, at: QPoint) -> None:
        pixmap = QPixmap.fromImage(image)
        if image.width() < SIZE:
            pixmap = pixmap.scaled(
                SIZE, SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
        self.picture.setPixmap(pixmap)
        self.title.setText(title)
        self.caption.setText(caption)
        self.adjustSize()
        self.move(at + QPoint(16, 16))
        self.show()
        self.raise_()
