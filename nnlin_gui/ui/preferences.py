"""The preferences dialog (objectName ``preferencesDialog``).

Widgets: ``prefThemeCombo`` (System / Light / Dark), ``prefPresentationCheck``,
``prefInstructorCheck`` (the lessons' instructor mode), ``prefPaceSpin`` (epochs a second
shown while training; 0 = full speed) and ``prefFolderLabel`` (the remembered folder).
OK applies and stores the choices; Cancel leaves everything as it was.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from nnlin_gui.ui.theme import THEMES

_THEME_TEXT = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class PreferencesDialog(QDialog):
    """Edit theme, presentation mode, instructor mode and training pace."""

    def __init__(self, theme, controller, lessons=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.theme_manager = theme
        self.controller = controller
        self.lessons = lessons
        form = QFormLayout(self)
        self.theme_combo = QComboBox(objectName="prefThemeCombo")
        for name in THEMES:
            self.theme_combo.addItem(_THEME_TEXT[name], name)
        self.theme_combo.setCurrentIndex(THEMES.index(theme.theme))
        self.presentation_check = QCheckBox(
            "Larger fonts and thicker lines (for projectors)", objectName="prefPresentationCheck"
        )
        self.presentation_check.setChecked(theme.presentation)
        self.instructor_check = QCheckBox(
            "Hide or lock the controls a lesson step does not need",
            objectName="prefInstructorCheck",
        )
        self.instructor_check.setChecked(lessons is not None and lessons.instructor.isChecked())
        # A lab configuration's lock holds the panel's check box, and this one with it.
        self.instructor_check.setEnabled(lessons is not None and lessons.instructor.isEnabled())
        self.pace_spin = QDoubleSpinBox(objectName="prefPaceSpin")
        self.pace_spin.setRange(0, 100_000)
        self.pace_spin.setDecimals(0)
        self.pace_spin.setSuffix(" epochs/s")
        self.pace_spin.setSpecialValueText("full speed")
        self.pace_spin.setValue(controller.pace)
        folder = str(theme.settings.value("lastFolder", "") or "(none yet)")
        self.folder_label = QLabel(folder, objectName="prefFolderLabel", wordWrap=True)
        form.addRow("Theme:", self.theme_combo)
        form.addRow("Presentation mode:", self.presentation_check)
        form.addRow("Instructor mode:", self.instructor_check)
        form.addRow("Training shown at:", self.pace_spin)
        form.addRow("Last folder:", self.folder_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            objectName="prefButtons",
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        """Apply and store the choices."""
        tm = self.theme_manager
        theme = self.theme_combo.currentData()
        if theme != tm.theme:
            tm.set_theme(theme)
        if self.presentation_check.isChecked() != tm.presentation:
            tm.set_presentation(self.presentation_check.isChecked())
        if self.lessons is not None:
            self.lessons.set_instructor_mode(self.instructor_check.isChecked())
            tm.settings.setValue("instructorMode", self.instructor_check.isChecked())
        if self.pace_spin.value() != self.controller.pace:
            self.controller.set_pace(self.pace_spin.value())
        super().accept()
