"""The coefficient plot with its controls (objectName ``coefBox``): standardised or raw
values (``coefScaleCombo``), the legend on or off (``coefLegendToggle``), and the
intercept, which the plot does not draw, in words (``coefInterceptNote``)."""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.statistics.comparison import BASELINE_SHORT
from nnlin_gui.workbench.coef_scale import scale_label, standardised_factors

MAX_INTERCEPTS = 3  # a multi-class network has one per class: the first few are named


def _num(value: float) -> str:
    return f"{value:.4g}".replace("-", "\u2212")


class CoefBox(QWidget):
    def __init__(self, controller, coef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coefBox")
        self.controller = controller
        self.coef = coef
        self.scale = QComboBox(objectName="coefScaleCombo")
        self.scale.addItem("Standardised", "standardised")
        self.scale.addItem("Raw units", "raw")
        self.scale.setToolTip(
            "Standardised: coefficient × sd(x) / sd(y), so columns in different units "
            "compare on one axis. Raw: in the data's units"
        )
        self.legend = QCheckBox("Legend", objectName="coefLegendToggle")
        self.legend.setChecked(True)
        self.legend.setToolTip("Show which curve is which, beside the plot")
        self.note = QLabel(objectName="coefInterceptNote")
        self._notes: tuple[str, ...] = ()  # the note in full and short
        self.note.setToolTip("The intercept is not drawn: it has no standardised value")
        # The controls keep their full width (presentation fonts cut "Standardised"); the
        # note gives way instead and keeps its whole text as a tooltip.
        self.scale.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scale.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.scale)
        row.addWidget(self.legend)
        row.addWidget(self.note, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(coef.widget, 1)
        self.scale.activated.connect(self._on_scale)
        self.legend.toggled.connect(coef.set_legend_shown)
        controller.results_changed.connect(self._on_results)

    def _on_scale(self, index: int) -> None:
        self.coef.set_standardised(self.scale.itemData(index) == "standardised")
        self.coef.refresh(self.controller)

    def on_model_reset(self) -> None:
        """After the plot's new layout: the new data's standard deviations."""
        trainer = self.controller.trainer
        if trainer is None or not self.coef.curves:
            self.coef.set_scales(None)
            self._notes = ()
            self.note.setText("")
            return
        self.coef.set_scales(standardised_factors(trainer), scale_label(trainer))

    def _on_results(self, results) -> None:
        """The intercept in words (the idle read-out: not every frame)."""
        if results is None or not results.collapse.collapsible or results.b is None:
            self._notes = ()
            self.note.setText("")
            return
        b = np.ravel(results.b)[:MAX_INTERCEPTS]
        text = own = "b<sub>z</sub> " + ", ".join(_num(v) for v in b)
        base = results.baseline
        if base is not None:
            kind = BASELINE_SHORT.get(base.kind, base.kind)
            text += f" · {kind} " + ", ".join(_num(v) for v in np.ravel(base.b)[:MAX_INTERCEPTS])
        # The whole sentence where it fits, the numbers alone where it would be cut.
        self._notes = (
            f"<span style='color:#666'>intercept {text} (not drawn)</span>",
            f"<span style='color:#666'>{text}</span>",
            f"<span style='color:#666'>{own}</span>",
            "",
        )
        self._fit_note()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_note()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode
            self._fit_note()

    def _fit_note(self) -> None:
        if not self._notes:
            return
        room = self.width() - self.scale.sizeHint().width() - self.legend.sizeHint().width() - 40
        metrics = QFontMetrics(self.note.font())
        plain = [re.sub(r"<[^>]+>", "", t) for t in self._notes]
        fits = [i for i, p in enumerate(plain) if metrics.horizontalAdvance(p) <= room]
        text = self._notes[fits[0] if fits else -1]  # the last one is empty
        self.note.setToolTip(f"{plain[0]}: it has no standardised value")
        if text != self.note.text():
            self.note.setText(text)
