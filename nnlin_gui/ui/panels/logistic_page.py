"""The logistic diagnostics page (objectName ``logisticPage``): what the diagnostics panel
shows for a classification target instead of the OLS assumption cards.

Five boxes about the logistic regression on the training rows: the ROC curve (``rocPlot``,
AUC in its title), calibration as Gelman and Hill's binned residuals (``calibrationPlot``),
the confusion matrix at 0.5 (``confusionTable``), the Hosmer-Lemeshow test with a verdict
in plain words (``hosmerLemeshowLabel``, groups in ``hosmerLemeshowTable``) and influence
(``influencePlot``: Cook's distance by row; ``flaggedRowsTable``: rows above 4/n). A
multi-class target gets one line in ``logisticHeadline`` and no boxes.

The numbers come from ``workbench.logistic_jobs.logistic_page_job`` on the controller's
task thread (kind ``panel:logistic``); the GUI thread hands it read-only views of the
trainer's arrays and only draws. The panel calls ``show_for`` when it would compute (its
tab can be seen, nothing is training); unchanged inputs do not start the job again.
"""

from __future__ import annotations

import html
import logging
from functools import partial

import numpy as np
from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from nnlin_gui.ui.font_roles import BASE_PT, ratio_of, set_relative
from nnlin_gui.ui.widgets.logistic_plots import (
    draw_calibration,
    draw_influence,
    draw_roc,
    new_logistic_plot,
)
from nnlin_gui.ui.widgets.logistic_tables import (
    ConfusionTable,
    FlaggedRows,
    HosmerLemeshowGroups,
    format_p,
)
from nnlin_gui.workbench.logistic_jobs import LogisticInputs, LogisticPageData, logistic_page_job

log = logging.getLogger(__name__)

KIND = "panel:logistic"
BOX_WIDTH = 360  # narrower than the OLS cards (no test tables): two columns in a 754-px dock
BODY_PT = 11
BOXES = ("roc", "calibration", "confusion", "hosmerLemeshow", "influence")
TITLES = {
    "roc": "ROC curve",
    "calibration": "Calibration",
    "confusion": "Confusion matrix",
    "hosmerLemeshow": "Hosmer-Lemeshow",
    "influence": "Influence",
}
MEANING = {
    "roc": "Every threshold on the predicted probability gives one point: the share of 1s "
    "caught against the share of 0s falsely flagged. AUC is the chance that a random 1 gets "
    "a higher probability than a random 0, ties counting half (0.5: a coin, 1: perfect). "
    "The dot is the 0.5 threshold.",
    "calibration": "Rows grouped by predicted probability; each dot is a group's mean "
    "residual (observed − predicted). A calibrated model keeps about 19 dots in 20 inside "
    "the dashed ±2 SE band (Gelman and Hill's binned residual plot).",
    "confusion": "Predicting 1 when the probability is at least 0.5, on the training rows.",
    "hosmerLemeshow": "Ten groups by predicted probability: do the observed 1s match the "
    "expected ones (the sum of the probabilities)? A small p says they do not.",
    "influence": "Cook's distance: about how far the fit moves when one row is left out (R's "
    "one-step approximation for a glm). Rows above 4/n (the dashed line) are listed.",
}


class LogisticPage(QWidget):
    """objectName ``logisticPage`` (see the module docstring)."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logisticPage")
        self.controller = controller
        self.data: LogisticPageData | None = None
        self._token = -2
        self._shown_key: tuple | None = None
        self._pending_key: tuple | None = None
        self._columns = 0
        self.headline = QLabel(objectName="logisticHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        set_relative(self.headline, ratio_of(11))
        self.boxes: dict[str, QFrame] = {}
        self.box_layouts: dict[str, QVBoxLayout] = {}
        for name in BOXES:
            self._box(name)
        self.roc_plot = new_logistic_plot(
            "rocPlot", "ROC curve", "false positive rate", "true positive rate"
        )
        self.calibration_plot = new_logistic_plot(
            "calibrationPlot", "Binned residuals", "mean predicted probability", "mean residual"
        )
        self.calibration_label = self._label("calibrationLabel")
        self.confusion_table = ConfusionTable()
        self.confusion_label = self._label("confusionLabel")
        self.hl_label = self._label("hosmerLemeshowLabel")
        self.hl_table = HosmerLemeshowGroups()
        self.influence_plot = new_logistic_plot(
            "influencePlot", "Cook's distance", "row", "Cook's D"
        )
        self.influence_label = self._label("influenceLabel")
        self.flagged_table = FlaggedRows()
        for name, widgets in (
            ("roc", (self.roc_plot,)),
            ("calibration", (self.calibration_plot, self.calibration_label)),
            ("confusion", (self.confusion_table, self.confusion_label)),
            ("hosmerLemeshow", (self.hl_label, self.hl_table)),
            ("influence", (self.influence_plot, self.influence_label, self.flagged_table)),
        ):
            for widget in widgets:
                self.box_layouts[name].addWidget(widget)
            self.box_layouts[name].addStretch(1)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.headline)
        lay.addLayout(self.grid, 1)
        self._layout_boxes()
        self._show_boxes(False)
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)

    def _box(self, name: str) -> None:
        box = QFrame(objectName=f"{name}Box")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        set_relative(box, ratio_of(BODY_PT))
        lay = QVBoxLayout(box)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(6)
        title = QLabel(f"<span style='font-size:large'><b>{TITLES[name]}</b></span>")
        meaning = QLabel(MEANING[name], objectName=f"meaning_{name}")
        meaning.setWordWrap(True)
        lay.addWidget(title)
        lay.addWidget(meaning)
        self.boxes[name] = box
        self.box_layouts[name] = lay
        self._restyle(box)

    @staticmethod
    def _restyle(box: QFrame) -> None:
        points = box.font().pointSizeF()
        box.setStyleSheet(
            f"#{box.objectName()} {{ background: palette(base); border: 1px solid palette(mid); "
            f"border-radius: 6px; }} QLabel {{ font-size: {points:.3g}pt; }}"
        )

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel(objectName=name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- computing --------------------------------------------------------------------------

    @property
    def up_to_date(self) -> bool:
        """True when the page shows the current inputs' result (nothing pending)."""
        return self._pending_key is None and self._shown_key is not None

    def show_for(self, trainer, dataset) -> None:
        """Compute the page for ``trainer``'s training rows (idle trainer) unless it
        already shows them."""
        inputs = LogisticInputs.of(
            trainer.X,
            trainer.y,
            trainer.train_rows,
            dataset.feature_names,
            dataset.target_name,
            dataset.class_labels,
        )
        key = inputs.key()
        if key in (self._shown_key, self._pending_key):
            return
        self._pending_key = key
        self._token = self.controller.run_background(KIND, partial(logistic_page_job, inputs))
        self.headline.setText(
            f"Fitting the logistic regression on {len(inputs.rows):,} training rows…"
        )

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token != self._token or result is None:
            return
        self._shown_key, self._pending_key = self._pending_key, None
        self.data = result
        self._draw()

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token != self._token:
            return
        self._shown_key, self._pending_key = self._pending_key, None
        self.data = None
        self._show_boxes(False)
        self.headline.setText(f"No logistic diagnostics: {html.escape(message)}")

    # -- drawing ----------------------------------------------------------------------------

    def _show_boxes(self, on: bool) -> None:
        for box in self.boxes.values():
            box.setVisible(on)

    def _draw(self) -> None:
        data = self.data
        if data is None:
            return
        diag = data.diagnostics
        if diag is None:
            self._show_boxes(False)
            self.headline.setText(html.escape(data.note))
            return
        fit = diag.fit
        features = ", ".join(data.names) if len(data.names) <= 4 else f"{len(data.names)} features"
        self.headline.setText(
            f"Logistic regression of <b>{html.escape(data.target)}</b> on "
            f"{html.escape(features)}, {data.n_rows:,} training rows: AUC "
            f"<b>{diag.roc.auc:.3f}</b>, accuracy {diag.accuracy:.1%} at 0.5, McFadden "
            f"R² {fit.pseudo_r2_mcfadden:.3f}, deviance {fit.deviance:.4g} on "
            f"{fit.nobs - len(fit.params)} df. "
            f"<span style='color:#888'>({diag.seconds:.2f} s)</span>"
        )
        self._show_boxes(True)
        roc, keep = diag.roc, data.roc_points
        draw_roc(self.roc_plot, roc.fpr[keep], roc.tpr[keep], roc.auc, diag.confusion)
        self._draw_calibration(diag)
        self._draw_confusion(data, diag)
        self._draw_hosmer_lemeshow(diag)
        self._draw_influence(data, diag)

    def _draw_calibration(self, diag) -> None:
        b = diag.binned
        draw_calibration(self.calibration_plot, b)
        k, out = len(b.count), b.outside
        expected = max(1, round(0.05 * k))
        verdict = (
            "no more than chance allows"
            if out <= expected
            else "more than chance allows: the model is off where those dots sit"
        )
        self.calibration_label.setText(
            f"{out} of {k} bins (about {int(np.median(b.count))} rows each) outside ±2 SE: "
            f"{verdict}."
        )

    def _draw_confusion(self, data: LogisticPageData, diag) -> None:
        tn, fp, fn, tp = diag.confusion
        self.confusion_table.show_counts(diag.confusion, data.label(0), data.label(1))

        def rate(a: int, b: int) -> str:
            return f"{a / (a + b):.1%}" if a + b else "—"

        self.confusion_label.setText(
            f"Accuracy {diag.accuracy:.1%}; sensitivity (1s caught) {rate(tp, fn)}; "
            f"specificity (0s recognised) {rate(tn, fp)}; precision {rate(tp, fp)}."
        )

    def _draw_hosmer_lemeshow(self, diag) -> None:
        from nnlin_gui.core.statistics.logistic_diagnostics import hosmer_lemeshow_verdict

        hl = diag.hosmer_lemeshow
        verdict = html.escape(hosmer_lemeshow_verdict(hl))
        if hl is None:
            self.hl_label.setText(verdict)
        else:
            colour = "#d62728" if hl.pvalue < 0.05 else "#2ca02c"
            self.hl_label.setText(
                f"<b>χ² = {hl.statistic:.3f}, df = {hl.df}, {format_p(hl.pvalue)}</b><br>"
                f"<span style='color:{colour}'>●</span> {verdict}"
            )
        self.hl_table.show_table(hl)

    def _draw_influence(self, data: LogisticPageData, diag) -> None:
        infl = diag.influence
        shown = data.influence_points  # every row of small data, a sample of big data
        draw_influence(
            self.influence_plot,
            data.rows[shown] + 1,
            infl.cooks_distance[shown],
            infl.threshold,
        )
        n = infl.n_flagged
        if n == 0:
            text = f"No row has a Cook's distance above 4/n = {infl.threshold:.3g}."
        else:
            listed = "" if n <= len(infl.flagged) else f" (the {len(infl.flagged)} largest listed)"
            text = (
                f"{n:,} row(s) above 4/n = {infl.threshold:.3g}{listed}; largest "
                f"{float(infl.cooks_distance[infl.flagged[0]]):.3g}. Check them for data "
                "errors and compare the fit without them."
            )
        self.influence_label.setText(text)
        self.flagged_table.show_rows(infl, data.y, np.asarray(diag.fit.fitted), data.rows)
        self.flagged_table.setVisible(n > 0)

    # -- layout and look --------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._layout_boxes()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.FontChange:  # presentation mode: larger text, wider boxes
            for box in self.boxes.values():
                self._restyle(box)
            self._columns = 0
            self._layout_boxes()
        elif kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._draw()  # the plots' colours follow the theme

    def _layout_boxes(self) -> None:
        per_box = int(BOX_WIDTH * max(1.0, self.font().pointSizeF() / BASE_PT))
        columns = int(np.clip(self.width() // per_box, 1, 3))
        if columns == self._columns:
            return
        self._columns = columns
        for i, name in enumerate(BOXES):
            box = self.boxes[name]
            self.grid.removeWidget(box)
            # The last box takes what is left of its row (a wide influence plot).
            span = columns - i % columns if i == len(BOXES) - 1 else 1
            self.grid.addWidget(box, i // columns, i % columns, 1, span)
        for col in range(3):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
