"""Where the main window opens: inside the screen's available area, whatever its size.

A lab PC at 1366x768 or a projector at 1280x720 has less room than the comfortable
default; there the window opens maximised. A remembered geometry from a bigger screen is
pulled back inside. ``available_geometry`` is the one place that asks the screen, so a
test can pretend to be any screen by replacing it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

COMFORTABLE = QSize(1440, 900)  # the default size when the screen has room for it
# The smallest the layout promises to work at (the issue asks for at most 1024x640).
MINIMUM = QSize(1000, 620)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area (without panels and docks) of the widget's screen, or the primary."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1440, 900)


def is_small(avail: QRect) -> bool:
    """True when the comfortable default would not fit (the window then opens maximised)."""
    return avail.width() < COMFORTABLE.width() or avail.height() < COMFORTABLE.height()


def initial_geometry(avail: QRect) -> QRect:
    """The window's first geometry: all of a small screen, else the default size centred."""
    if is_small(avail):
        return QRect(avail)
    rect = QRect(0, 0, COMFORTABLE.width(), COMFORTABLE.height())
    rect.moveCenter(avail.center())
    return rect


def minimum_size(avail: QRect) -> QSize:
    """``MINIMUM``, or less on a screen smaller than that."""
    return MINIMUM.boundedTo(avail.size())


def inside(rect: QRect, avail: QRect) -> QRect:
    """``rect`` shrunk to fit ``avail`` and moved inside it."""
    out = QRect(rect)
    out.setWidth(min(out.width(), avail.width()))
    out.setHeight(min(out.height(), avail.height()))
    out.moveLeft(max(avail.left(), min(out.left(), avail.right() - out.width() + 1)))
    out.moveTop(max(avail.top(), min(out.top(), avail.bottom() - out.height() + 1)))
    return out
