"""Space trains, even from a number field.

A spin box or the learning-rate box with the focus took the Space key (a number has no
spaces: the validator dropped it) and nothing trained. Number fields here let Space go to
the window's Train/Pause shortcut; free-text fields (the column filter) still type it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QWidget


class SpaceForShortcut(QObject):
    """Event filter: a Space override request on a number field is declined, so the
    shortcut map gives the key to the Space action."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            event.ignore()
            return True
        return False


def number_fields(root: QWidget) -> list[QWidget]:
    """Spin boxes and the line edits of editable combo boxes that take numbers."""
    fields: list[QWidget] = []
    for spin in root.findChildren(QAbstractSpinBox):
        fields.append(spin)
        edit = spin.findChild(QLineEdit)
        if edit is not None:
            fields.append(edit)
    for combo in root.findChildren(QComboBox):
        edit = combo.lineEdit() if combo.isEditable() else None
        if edit is not None and edit.validator() is not None:
            fields += [combo, edit]  # the combo passes the request to its edit directly
    return fields


def install(root: QWidget) -> SpaceForShortcut:
    """Let Space reach the Train shortcut from every number field under ``root`` (again
    after new panels are built: a field is filtered once)."""
    keeper = root.findChild(SpaceForShortcut, "spaceForShortcut")
    if keeper is None:
        keeper = SpaceForShortcut(root)
        keeper.setObjectName("spaceForShortcut")
    for field in number_fields(root):
        if not field.property("nnlinSpaceFiltered"):
            field.setProperty("nnlinSpaceFiltered", True)
            field.installEventFilter(keeper)
    return keeper
