"""Toolbar icons drawn with QPainter: crisp at any size, nothing to package."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

_SIZES = (16, 24, 32, 48)
GREEN = QColor(46, 139, 87)
BLUE = QColor(33, 102, 172)
ORANGE = QColor(214, 96, 30)
GREY = QColor(80, 80, 80)


def _draw(kind: str, p: QPainter, s: float) -> None:
    def poly(*pts: tuple[float, float]) -> QPolygonF:
        return QPolygonF([QPointF(x * s, y * s) for x, y in pts])

    p.setPen(Qt.PenStyle.NoPen)
    if kind == "train":
        p.setBrush(GREEN)
        p.drawPolygon(poly((0.22, 0.12), (0.86, 0.5), (0.22, 0.88)))
    elif kind == "pause":
        p.setBrush(ORANGE)
        p.drawRoundedRect(QRectF(0.2 * s, 0.14 * s, 0.2 * s, 0.72 * s), 0.04 * s, 0.04 * s)
        p.drawRoundedRect(QRectF(0.6 * s, 0.14 * s, 0.2 * s, 0.72 * s), 0.04 * s, 0.04 * s)
    elif kind == "step":
        p.setBrush(BLUE)
        p.drawPolygon(poly((0.14, 0.16), (0.62, 0.5), (0.14, 0.84)))
        p.drawRect(QRectF(0.68 * s, 0.16 * s, 0.16 * s, 0.68 * s))
    elif kind == "reset":
        pen = QPen(GREY, 0.12 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(0.18 * s, 0.18 * s, 0.64 * s, 0.64 * s), 100 * 16, 280 * 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(GREY)
        p.drawPolygon(poly((0.36, 0.02), (0.62, 0.2), (0.36, 0.36)))
    elif kind == "solve":
        # y = Wx + b: a straight line through points, the closed-form fit.
        p.setBrush(BLUE)
        for x, y in ((0.22, 0.7), (0.42, 0.62), (0.6, 0.42), (0.78, 0.3)):
            p.drawEllipse(QPointF(x * s, y * s), 0.07 * s, 0.07 * s)
        pen = QPen(ORANGE, 0.1 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(0.1 * s, 0.82 * s), QPointF(0.9 * s, 0.2 * s))
    elif kind == "open":
        path = QPainterPath()
        path.moveTo(0.08 * s, 0.22 * s)
        path.lineTo(0.4 * s, 0.22 * s)
        path.lineTo(0.48 * s, 0.32 * s)
        path.lineTo(0.92 * s, 0.32 * s)
        path.lineTo(0.92 * s, 0.84 * s)
        path.lineTo(0.08 * s, 0.84 * s)
        path.closeSubpath()
        p.setBrush(QColor(230, 180, 60))
        p.drawPath(path)
    elif kind == "app":
        p.setBrush(BLUE)
        for x, y in ((0.2, 0.3), (0.2, 0.7), (0.5, 0.5), (0.8, 0.5)):
            p.drawEllipse(QPointF(x * s, y * s), 0.1 * s, 0.1 * s)
        p.setPen(QPen(ORANGE, 0.06 * s))
        p.drawLine(QPointF(0.2 * s, 0.3 * s), QPointF(0.5 * s, 0.5 * s))
        p.drawLine(QPointF(0.2 * s, 0.7 * s), QPointF(0.5 * s, 0.5 * s))
        p.drawLine(QPointF(0.5 * s, 0.5 * s), QPointF(0.8 * s, 0.5 * s))


def make_icon(kind: str) -> QIcon:
    """An icon for 'train', 'pause', 'step', 'reset', 'solve', 'open' or 'app'."""
    icon = QIcon()
    for size in _SIZES:
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(kind, painter, float(size))
        painter.end()
        icon.addPixmap(pix)
    return icon


def app_icon() -> QIcon:
    """The application icon from ``resources/icons/app`` (all its sizes); the drawn one
    when the files are not there."""
    from importlib.resources import files
    from pathlib import Path

    try:
        folder = files("nnlin_gui.resources") / "icons" / "app"
    except ModuleNotFoundError:  # a source checkout installed before the mapping
        folder = Path(__file__).resolve().parents[3] / "resources" / "icons" / "app"
    icon = QIcon()
    try:
        for entry in folder.iterdir():
            if entry.name.startswith("nnlin-gui-") and entry.name.endswith(".png"):
                icon.addFile(str(entry))
    except (FileNotFoundError, NotADirectoryError, OSError):
        pass
    return icon if not icon.isNull() else make_icon("app")
