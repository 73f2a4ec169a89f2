"""Fonts sized relative to the application font, so presentation mode scales them too.

A widget given a fixed point size (the collapse equation at 15 pt, a card title at 14 pt)
kept it when presentation mode enlarged the application font: the plots grew and those
panels stayed small. ``set_relative`` stores the size as a ratio of the application font
(in a widget property) and ``apply_all`` re-applies every ratio after the font changes.
Children without their own font inherit the enlarged one, so a container's ratio is enough.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QApplication, QWidget

RATIO = "nnlinFontRatio"
BOLD = "nnlinFontBold"
BASE_PT = 9.0  # the point size the hand-picked sizes below were chosen against


def ratio_of(points: float) -> float:
    """The ratio that gives ``points`` at the usual 9 pt application font."""
    return points / BASE_PT


def _app_points() -> float:
    size = QApplication.instance().font().pointSizeF()
    return size if size > 0 else BASE_PT


def set_relative(widget: QWidget, ratio: float, bold: bool | None = None) -> None:
    """Give ``widget`` a font ``ratio`` times the application's (kept on font changes)."""
    widget.setProperty(RATIO, float(ratio))
    if bold is not None:
        widget.setProperty(BOLD, bool(bold))
    _apply(widget)


def _apply(widget: QWidget) -> None:
    ratio = widget.property(RATIO)
    if ratio is None:
        return
    font = widget.font()
    font.setPointSizeF(_app_points() * float(ratio))
    bold = widget.property(BOLD)
    if bold is not None:
        font.setBold(bool(bold))
    widget.setFont(font)


def apply_all(root: QWidget) -> None:
    """Re-apply every relative font under ``root`` (after the application font changed)."""
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.property(RATIO) is not None:
            _apply(widget)


_PT = re.compile(r"font-size:\s*([0-9.]+)pt")


def scale_points(html: str, factor: float) -> str:
    """Every ``font-size: Npt`` in ``html`` multiplied by ``factor`` (rich text drawn by
    pyqtgraph carries its sizes inline)."""
    if factor == 1.0:
        return html
    return _PT.sub(lambda m: f"font-size:{float(m.group(1)) * factor:.3g}pt", html)
