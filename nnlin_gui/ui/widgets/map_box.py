"""The fit view with the map's controls above it (objectName ``fitMapBox``): show test
data, discretize output, and drawing points by hand (class or value, clear, save as CSV).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.ui.widgets.draw_tool import DrawTool
from nnlin_gui.ui.widgets.reflow import Reflow
from nnlin_gui.workbench.drawn import is_drawn

TITLE_ROOM = 260  # a map at least this high keeps its title above it


class MapBox(QWidget):
    """Children: ``showTestData``, ``discretizeOutput``, ``drawPoints``, ``drawClassCombo``,
    ``drawValueSpin``, ``clearDrawnButton``, ``saveDrawnData``, ``drawHint`` and the
    ``fitPlot`` itself.

    Signals
    -------
    map_changed(): the map's picture changed (discretised or not)
    """

    map_changed = Signal()

    def __init__(self, controller, fit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fitMapBox")
        self.controller = controller
        self.fit = fit
        self.tool = DrawTool(controller, fit, self)

        self.show_test = QCheckBox("Show test data", objectName="showTestData")
        self.show_test.setToolTip("Also show the rows held out for testing (black outline)")
        self.discretize = QCheckBox("Discretize output", objectName="discretizeOutput")
        self.discretize.setToolTip(
            "Show the predicted class (probability ≥ 0.5) instead of the probability; "
            "a regression's output in a few steps"
        )
        self._labels = {
            self.show_test: ("Show test data", "Test data"),
            self.discretize: ("Discretize output", "Discretize"),
        }
        self.draw = QToolButton(objectName="drawPoints", text="Draw")
        self.draw.setCheckable(True)
        self.draw.setToolTip(
            "Draw your own data on the map: click adds a point of the chosen class, "
            "drag erases; the network trains on what you draw"
        )
        self.draw_class = QComboBox(objectName="drawClassCombo")
        self.draw_class.setToolTip("The class a click adds")
        self.draw_value = QDoubleSpinBox(objectName="drawValueSpin", minimum=-1e6, maximum=1e6)
        self.draw_value.setToolTip("The target value a click adds")
        self.clear = QToolButton(objectName="clearDrawnButton", text="Clear")
        self.clear.setToolTip("Remove every point and draw from scratch")
        self.save = QToolButton(objectName="saveDrawnData", text="Save CSV…")
        self.save.setToolTip("Save the drawn points as a CSV file")
        self.hint = QLabel(objectName="drawHint")
        self.hint.setStyleSheet("color: #a0281a;")

        # The view toggles and the drawing tools: one row, or two where the cell is narrow
        # (one row of all of them squeezed the diagram beside the map); a column beside the
        # map where the cell is wide and low (1366x768: above it they left a 70-px map).
        self.controls = Reflow(0, spacing=4)
        self.controls.setObjectName("mapControls")
        self.controls.box.setContentsMargins(4, 0, 4, 0)
        self._groups: list[QBoxLayout] = []
        for group in (
            (self.show_test, self.discretize),
            (self.draw, self.draw_class, self.draw_value, self.clear, self.save),
        ):
            host = QWidget()
            row = QBoxLayout(QBoxLayout.Direction.LeftToRight, host)
            row.setContentsMargins(0, 0, 0, 0)
            for w in group:
                row.addWidget(w)
            row.addStretch(1)
            self._groups.append(row)
            self.controls.add(host)
        self.beside = False  # the controls in a column left of the map
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(2)
        self.body.addWidget(self.controls)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.hint)
        column.addWidget(fit.widget, 1)
        self.body.addLayout(column, 1)
        self._arrange_timer = QTimer(self, singleShot=True, interval=0)
        self._arrange_timer.timeout.connect(self.arrange)

        self.show_test.toggled.connect(fit.map.set_show_test)
        self.discretize.toggled.connect(self._on_discretize)
        self.draw.toggled.connect(self._on_draw)
        self.draw_class.currentIndexChanged.connect(self._on_value)
        self.draw_value.valueChanged.connect(self._on_value)
        self.clear.clicked.connect(self.tool.clear)
        self.save.clicked.connect(self.save_dialog)
        self.tool.hint.connect(self._on_hint)
        controller.table_changed.connect(self._on_table)
        controller.model_reset.connect(self._sync)
        self._sync()

    # -- intents --------------------------------------------------------------------------

    def _on_discretize(self, on: bool) -> None:
        self.fit.map.set_discrete(on)
        self.map_changed.emit()  # the diagram's output thumbnail is the same picture

    def _on_draw(self, on: bool) -> None:
        if on and not self.tool.start():
            self.draw.setChecked(False)
            return
        if not on and self.tool.active:
            self.tool.stop()
        self._on_value()
        self._sync()

    def _on_value(self, *_args) -> None:
        p = self.tool.points
        classes = p is not None and p.classification
        self.tool.value = (
            float(max(0, self.draw_class.currentIndex())) if classes else self.draw_value.value()
        )

    def save_dialog(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save drawn points", "drawn.csv", "CSV files (*.csv)"
        )
        return self.controller.save_table_csv(path) if path else None

    # -- views ----------------------------------------------------------------------------

    def _on_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _on_table(self, table) -> None:
        # Another dataset while drawing: draw on it (two features) or stop.
        if self.tool.active and not is_drawn(table):
            self.tool.stop()
            self.draw.setChecked(False)
        self._sync()

    def _sync(self) -> None:
        ds = self.controller.dataset
        two = ds is not None and self.controller.fit_mode == "heatmap"  # transforms aside
        classes = ds is not None and ds.task != "regression"
        self.draw.setEnabled(two or self.tool.active)
        drawing = self.tool.active
        self.draw_class.setVisible(drawing and classes)
        self.draw_value.setVisible(drawing and not classes)
        self.clear.setVisible(drawing)
        self.save.setEnabled(is_drawn(self.controller.table))
        self.save.setVisible(drawing or is_drawn(self.controller.table))
        if classes and ds is not None:
            labels = [f"class {label}" for label in (ds.class_labels or ("0", "1"))]
            if [self.draw_class.itemText(i) for i in range(self.draw_class.count())] != labels:
                index = self.draw_class.currentIndex()
                self.draw_class.blockSignals(True)
                self.draw_class.clear()
                self.draw_class.addItems(labels)
                self.draw_class.setCurrentIndex(index if 0 <= index < len(labels) else 1)
                self.draw_class.blockSignals(False)
                self._on_value()
        # Only a two-feature map has these: other views get the height back.
        self.controls.setVisible(two or drawing)
        self.hint.setVisible(bool(self.hint.text()))
        self._arrange_timer.start()  # after the fit view has its new title and layout

    # -- arrangement ----------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._arrange_timer.start()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: wider controls
            self._arrange_timer.start()

    def arrange(self) -> None:
        """Controls above the map or beside it, whichever leaves the larger square map;
        the map's title only where there is height to spare (its colour bar names it)."""
        mapped = self.controls.isVisibleTo(self) and self.fit.map.active
        w, h = self.width(), self.height()
        over_w, over_h = self.fit.map.overheads()
        # Short labels ("Test data", "Discretize") where the full ones would be cut.
        self._short_labels(False)
        sizes = [s for s in (_group_size(g) for g in self._groups) if s[0] > 0]
        if max(s[0] for s in sizes) + 12 > w:
            self._short_labels(True)
            sizes = [s for s in (_group_size(g) for g in self._groups) if s[0] > 0]
        one_row = sum(s[0] for s in sizes) + 12 <= w
        top_h = max(s[1] for s in sizes) if one_row else sum(s[1] for s in sizes)
        side_w = max(s[2] for s in sizes) + 12
        side_h = sum(s[3] for s in sizes)
        above = min(w - over_w, h - top_h - over_h)
        beside = min(w - side_w - over_w, h - over_h)
        self._set_beside(mapped and side_h <= h and beside > above + 8)
        room = h - over_h - (0 if self.beside else top_h)
        self.fit.map.set_title_shown(not mapped or room > TITLE_ROOM)
        # Its widgets' texts changed, maybe not its width (no resize event): reflow now, by
        # the widths measured here (the layouts' cached hints may be stale).
        if not self.beside:
            self.controls.breakpoint = sum(s[0] for s in sizes) + 12
        self.controls._reflow(self.controls.width() if self.beside else w)

    def ideal_width(self, height: int) -> int:
        """The width at which a cell ``height`` high shows the largest square map with the
        controls in a column beside it."""
        over_w, over_h = self.fit.map.overheads()
        sizes = [s for s in (_group_size(g) for g in self._groups) if s[0] > 0]
        side_w = max((s[2] for s in sizes), default=0) + 12
        return side_w + over_w + max(0, height - over_h)

    def _short_labels(self, short: bool) -> None:
        for box, (full, brief) in self._labels.items():
            box.setText(brief if short else full)

    def _set_beside(self, beside: bool) -> None:
        if beside == self.beside:
            return
        self.beside = beside
        self.body.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        )
        for group in self._groups:
            group.setDirection(
                QBoxLayout.Direction.TopToBottom if beside else QBoxLayout.Direction.LeftToRight
            )
        # A column beside the map: stacked whatever its width (above it: see ``arrange``).
        self.controls.breakpoint = 10**6 if beside else 0
        self.body.setAlignment(
            self.controls, Qt.AlignmentFlag.AlignTop if beside else Qt.AlignmentFlag(0)
        )


def _group_size(group: QBoxLayout) -> tuple[int, int, int, int]:
    """(width, height) of a group's shown widgets as a row, then as a column."""
    hints = [
        item.widget().sizeHint()
        for item in (group.itemAt(i) for i in range(group.count()))
        if item.widget() is not None and not item.widget().isHidden()
    ]
    if not hints:
        return (0, 0, 0, 0)
    gap = group.spacing() * (len(hints) - 1)
    widths, heights = [x.width() for x in hints], [x.height() for x in hints]
    return (sum(widths) + gap, max(heights), max(widths), sum(heights) + gap)
