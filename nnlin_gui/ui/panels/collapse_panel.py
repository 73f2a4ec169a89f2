"""The collapse panel (objectName ``collapsePanel``): the argument on screen.

On top the compact read-out it extends (``CollapseSummary``: live equations while
training). Below, when the controller is idle: the collapsed equation y = W_z x + b_z with
its numbers, the product chain W_n ⋯ W_1 with shapes and how b_z is assembled; the
coefficient table against the closed-form baseline (OLS; with L2, ridge for one weight
matrix and the weight-decay point of the ridge path for several; logistic for a binary
target) with the headline verdict and what the penalty amounts to, Copy and Export CSV;
a polynomial comparison of a chosen degree; and "linear vs nonlinear", the same
architecture trained with identity and with a nonlinearity on the task thread, losses and
fits overlaid.
"""

from __future__ import annotations

import html
import logging
import math
import re
import threading
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
from nnlin_gui.core.statistics.comparison import (
    BASELINE_SHORT,
    BASELINE_TITLES,
    CoefficientRow,
    CollapseComparison,
    baseline_inference,
    baseline_title,
    coefficient_columns,
    headline,
    to_csv,
)
from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.ui.panels.collapse_summary import CollapseSummary, shown_equation
from nnlin_gui.ui.panels.covariance_box import CovarianceBox
from nnlin_gui.ui.panels.polynomial_check import PolynomialCheck
from nnlin_gui.ui.panels.region_box import RegionBox
from nnlin_gui.ui.widgets.capping import cap_note, largest
from nnlin_gui.ui.widgets.collapse_compare import ComparePlots
from nnlin_gui.ui.widgets.collapse_equation import (
    bias_html,
    bias_parts,
    chain_html,
    num,
    predicted,
    signed_terms,
)
from nnlin_gui.ui.widgets.reflow import Reflow
from nnlin_gui.workbench.jobs import polynomial_job, train_pair

log = logging.getLogger(__name__)

COLUMNS = ("term", "network", "baseline", "difference", "SE", "95% CI", "t", "p")
T_COLUMN = COLUMNS.index("t")
BODY_PT = 11
MAX_TABLE_ROWS = 50  # a wide table shows the largest terms; Copy and Export have them all


def comparison_from_results(results, max_rows: int | None = None) -> CollapseComparison | None:
    """The table and headline for the controller's ``Results`` (None without a baseline).

    Uses the collapse when the network is linear and the controller's best affine
    approximation otherwise (already computed: nothing heavy runs on the GUI thread).
    With ``max_rows``, a wide table keeps the constant and the terms with the largest
    network coefficients (in table order): one row object per term took 0.16 s for 20,000.
    """
    base, col = results.baseline, results.collapse
    approx = results.approximation
    if base is None:
        return None
    if col.collapsible:
        W, b = col.W, col.b
    elif approx is not None:
        W, b = approx.W, approx.b
    else:
        return None
    if np.shape(W)[1] != np.shape(base.W)[1]:
        return None
    names, net, ref = coefficient_columns(base, W, b, results.feature_names)  # softmax: per class
    diff = net - ref
    se, lo, hi, t, p = baseline_inference(base, len(ref))
    keep = np.arange(len(names))
    if max_rows is not None and len(names) > max_rows:
        keep = np.r_[0, 1 + largest(net[1:], len(names) - 1, max_rows - 1)]
    columns = [
        np.asarray(v, dtype=float)[keep].tolist() for v in (net, ref, diff, se, lo, hi, t, p)
    ]
    rows = tuple(
        CoefficientRow(str(names[i]), *values)
        for i, *values in zip(keep.tolist(), *columns, strict=True)
    )
    max_diff = float(np.abs(diff).max())
    title = baseline_title(base)
    text = headline(
        col.collapsible,
        col.reason,
        base.kind,
        max_diff,
        float(np.abs(ref).max()),
        None if col.collapsible else approx,
        title,
    )
    return CollapseComparison(
        col.collapsible, col.reason, base.kind, rows, max_diff, text, approx, title, base.note
    )


def short_verdict(sentence: str) -> str:
    """The table's one-line verdict: "Collapsed to linear regression (OLS) · largest
    difference 1e-07", "Cannot collapse: layer 1 uses relu · best affine map R² = 0.231"
    (the whole sentence pushed the rows out of a 720-pixel screen; it stays the tooltip)."""
    text = sentence.rstrip(".")
    text = re.sub(r"^[Tt]he network has collapsed to", "Collapsed to", text)
    text = re.sub(r"^[Tt]he network is a linear model still on its way to", "On its way to", text)
    text = re.sub(r" \((largest difference [^)]*)\)", r" · \1", text)
    text = text.replace("; the best affine map explains ", " · best affine map ")
    text = text.replace(" of the network's output", "")
    return text[:1].upper() + text[1:]


def verdict_forms(sentence: str) -> list[str]:
    """``short_verdict`` and shorter forms for a narrow cell, longest first: the baseline by
    its short name ("Collapsed to OLS · largest difference 1e-07"), then the verdict and
    its number alone ("Collapsed · largest difference 1e-07", "Cannot collapse · R² =
    0.231"). (Elided in its middle, "Collapsed to linear reg…argest difference" read badly.)"""
    first = short_verdict(sentence)
    verdict, sep, number = first.partition(" · ")
    if not sep:
        return [first]
    number = number.replace("best affine map ", "").replace(": keep training", "")
    named = re.sub(r"linear regression \(OLS\)", "OLS", verdict)
    named = re.sub(r" \([^)]*\)", "", named)
    bare = re.split(r"[: ]to |: ", verdict, maxsplit=1)[0]
    forms = [first, f"{named} · {number}", f"{bare} · {number}"]
    return [f for i, f in enumerate(forms) if f not in forms[:i]]


class VerdictLine(QLabel):
    """One bold, coloured line that never wraps: the short verdict, or a shorter form where
    the cell is narrow, its middle elided at last (the verdict and the number both stay).
    ``text()`` and the tooltip keep the whole sentence."""

    def __init__(self, name: str) -> None:
        super().__init__(objectName=name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.forms: list[str] = [""]
        self.colour: QColor | None = None

    @property
    def short(self) -> str:
        return self.forms[0]

    def show_verdict(self, sentence: str, colour: str | None) -> None:
        self.forms = verdict_forms(sentence) if colour else [sentence]
        self.colour = QColor(colour) if colour else None
        self.setText(sentence)
        self.setToolTip(sentence if self.short != sentence else "")
        self.update()

    def shown(self) -> str:
        """The form painted at the current width."""
        metrics, room = self.fontMetrics(), self.contentsRect().width() - 2
        for form in self.forms:
            if metrics.horizontalAdvance(form) <= room:
                return form
        return metrics.elidedText(self.forms[-1], Qt.TextElideMode.ElideMiddle, room)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # Not the text's width: a wide hint made the table's box (side by side with "How
        # the network collapses") ask for more than the table itself.
        return QSize(120, self.fontMetrics().height() + 6)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(80, self.fontMetrics().height() + 6)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        colour = self.colour or self.palette().color(self.foregroundRole())
        if self.colour is None:
            colour = QColor(colour)
            colour.setAlpha(150)  # "Waiting for…", an error: muted
        rect = self.contentsRect().adjusted(0, 0, -2, 0)
        painter.setPen(colour)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, align, self.shown())
        painter.end()


class CoefficientTable(QTableWidget):
    """Asks for the width of its columns: the panel puts the explanations beside it only
    when the whole table fits (it was cut at the 95% CI column in presentation mode)."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        width = self.horizontalHeader().length() + 2 * self.frameWidth()
        if self.verticalScrollBar().isVisible():
            width += self.verticalScrollBar().width()
        return QSize(max(hint.width(), width), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Hide the t column where the table would scroll sideways (mtcars at 1280 pixels):
        t is the estimate over its SE, and p says what it means. Copy and Export keep it."""
        header = self.horizontalHeader()
        hidden = header.isSectionHidden(T_COLUMN)
        t_width = max(self.sizeHintForColumn(T_COLUMN), header.sectionSizeHint(T_COLUMN))
        full = header.length() + (t_width if hidden else 0)
        narrow = full > self.viewport().width() and self.rowCount() > 0
        if narrow != hidden:
            self.setColumnHidden(T_COLUMN, narrow)


def _cell(value: float, digits: int = 5) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.{max(1, min(3, digits - 1))}e}"  # as narrow as its digits
    return f"{value:.{digits}g}"


def _group(title: str, name: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title, objectName=name)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(10, 8, 10, 8)
    lay.setSpacing(6)
    return box, lay


def _rich(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CollapsePanel(CollapseSummary):
    """objectName ``collapsePanel``. Children: ``collapseEquation``, ``collapseChain``,
    ``collapseBias``, ``collapseTableHeadline`` (the window's status bar carries the
    always-visible ``collapseHeadline``), ``collapseBaselineNote``, ``collapseSpread``,
    ``collapseTable``,
    ``copyTableButton``, ``exportCsvButton``, ``polyDegreeSpin``, ``polyButton``,
    ``polyResult``, ``compareActivationCombo``, ``compareButton``, ``compareStatus``,
    ``compareLossPlot``, ``compareFitPlot`` (and the read-out's labels above them)."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.setObjectName("collapsePanel")
        self._results = None  # the Results the table shows
        self._full: CollapseComparison | None = None  # every row, built when asked for
        self.pair = None  # the last linear-vs-nonlinear PairResult
        self._poly_token = -2
        self._pair_token = -2
        self._pair_cancel: threading.Event | None = None
        # The headline below says what the verdict and largest-difference lines said.
        self.verdict.hide()
        self.max_diff.hide()
        set_relative(self, ratio_of(BODY_PT))  # scales with presentation mode

        # -- how the network collapses ------------------------------------------------------
        how, how_lay = _group("How the network collapses", "collapseHow")
        self.equation_rich = _rich("collapseEquation")
        set_relative(self.equation_rich, ratio_of(15))
        self.chain = _rich("collapseChain")
        self.bias = _rich("collapseBias")
        # Under the refusal of a nonlinear network (the table's headline): its regions (a
        # ReLU net: many regressions) and the clicked one; the local slopes below the chain.
        self.regions = RegionBox(controller)
        for w in (self.equation_rich, self.chain, self.bias, self.regions.histogram):
            how_lay.addWidget(w)
        how_lay.addStretch(1)

        # -- the table ------------------------------------------------------------------------
        # No title line: the headline is the box's title (a 250-pixel dock shows the rows).
        table_box, table_lay = _group("", "collapseTableBox")
        table_box.setToolTip("The network against the closed-form fit")
        self.headline = VerdictLine("collapseTableHeadline")
        set_relative(self.headline, ratio_of(13), bold=True)
        self.baseline_note = _rich("collapseBaselineNote")
        self.spread = _rich("collapseSpread")
        self.table_note = _rich("collapseTableNote")
        self.table = CoefficientTable(0, len(COLUMNS), objectName="collapseTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setMinimumHeight(140)
        buttons = Reflow(560)
        self.copy_button = QPushButton("Copy table", objectName="copyTableButton")
        self.copy_button.setToolTip("Copy the table (tab-separated) for a spreadsheet")
        self.export_button = QPushButton("Export CSV…", objectName="exportCsvButton")
        self.copy_button.clicked.connect(self.copy_table)
        self.export_button.clicked.connect(self._export_dialog)
        poly = QWidget()
        poly_row = QHBoxLayout(poly)
        poly_row.setContentsMargins(0, 0, 0, 0)
        poly_row.addWidget(QLabel("Polynomial degree"))
        self.poly_degree = QSpinBox(objectName="polyDegreeSpin", minimum=1, maximum=10, value=2)
        self.poly_button = QPushButton("Fit polynomial", objectName="polyButton")
        self.poly_button.setToolTip(
            "OLS on x, x², …, x^d of every feature: the nonlinear relative a linear "
            "network cannot reach"
        )
        self.poly_button.clicked.connect(self.fit_polynomial)
        poly_row.addWidget(self.poly_degree)
        poly_row.addWidget(self.poly_button)
        poly_row.addStretch(1)
        table_buttons = QWidget()
        copy_row = QHBoxLayout(table_buttons)
        copy_row.setContentsMargins(0, 0, 0, 0)
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.export_button)
        copy_row.addStretch(1)
        buttons.add(table_buttons, 1)
        buttons.add(poly)
        self.poly_result = _rich("polyResult")
        # The verdict and the table first: the rows a dock of 250 px shows. (The regions'
        # sentence above the table left only its header at 1280x720.)
        for w in (self.headline, self.table, self.table_note, self.regions):
            table_lay.addWidget(w)
        # The OLS column's covariance (covarianceCombo, hacLagsSpin) and the model's tests.
        self.covariance = CovarianceBox(controller)
        self.covariance.changed.connect(self._redraw_with_covariance)
        self._shown_results = None  # as the controller sent them (before the covariance)
        table_lay.addWidget(self.covariance)
        for w in (self.baseline_note, self.spread):
            table_lay.addWidget(w)
        table_lay.addWidget(buttons)
        table_lay.addWidget(self.poly_result)
        self.poly_check = PolynomialCheck(controller)  # x, x² inputs: fit_polynomial beside
        table_lay.addWidget(self.poly_check)

        # -- linear vs nonlinear --------------------------------------------------------------
        pair_box, pair_lay = _group("Linear vs nonlinear: same network, same data", "comparePair")
        row = QHBoxLayout()
        row.addWidget(QLabel("Train with identity and with"))
        self.pair_activation = QComboBox(objectName="compareActivationCombo")
        for name in ACTIVATION_NAMES:
            if name != "identity":
                self.pair_activation.addItem(name)
        self.pair_button = QPushButton("Train both", objectName="compareButton")
        self.pair_button.clicked.connect(self.train_pair)
        self.pair_status = _rich("compareStatus")
        row.addWidget(self.pair_activation)
        row.addWidget(self.pair_button)
        row.addWidget(self.pair_status, 1)
        pair_lay.addLayout(row)
        self.pair_plots = ComparePlots()
        pair_lay.addWidget(self.pair_plots, 1)

        # Side by side where there is room (about 1,000 px), else the table above the rest.
        top = Reflow(1000)
        # The table at the width of its columns (3:2 cut its p column at 1920 pixels in
        # presentation mode), the explanations the rest.
        top.add(table_box, 0)
        top.add(how, 1)
        below = QVBoxLayout()
        below.addWidget(top)
        below.addWidget(pair_box, 1)
        grid = self.layout()
        grid.setRowStretch(4, 0)
        grid.addLayout(below, 5, 0, 1, 2)
        grid.setRowStretch(5, 1)

        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)
        controller.state_changed.connect(self._on_state)

    def _on_state(self, state: str) -> None:
        # Two trainings at once would fight over the process-wide BLAS thread setting.
        self.pair_button.setEnabled(state != "training")

    # -- results ------------------------------------------------------------------------------

    def show_results(self, results) -> None:
        """Redraw everything from the controller's ``Results`` (idle)."""
        self._shown_results = results
        results = self.covariance.adjusted(results)  # the chosen SEs, once computed
        super().show_results(results)
        c = self.controller
        names, target = results.feature_names, results.target_name or "y"
        col, base = results.collapse, results.baseline
        head = c.spec.head if c.spec is not None else "identity"
        self._results, self._full = results, None
        comp = comparison_from_results(results, MAX_TABLE_ROWS)
        if comp is not None and len(comp.rows) == len(names) + 1:
            self._full = comp  # nothing was left out
        if col.collapsible:
            self.equation_rich.setText(
                f"{shown_equation(base, col.W, col.b, names, target, head)}"
                "<br><span style='font-size:small;color:#888'>= <i>W</i><sub>z</sub> "
                "<i>x</i> + <i>b</i><sub>z</sub>, one affine map (epoch "
                f"{results.epoch:,})</span>"
            )
            self.chain.setText(chain_html(col.chain))
            trainer = c.trainer
            if trainer is not None and not c.is_training:
                self.bias.setText(bias_html(bias_parts(trainer.network.layers, trainer.scaling)))
            self.spread.setText("")
        else:
            ap = results.approximation
            best = ""
            if ap is not None:
                best = (
                    "<br><span style='font-size:small;color:#888'>best affine approximation: "
                    f"{shown_equation(base, ap.W, ap.b, names, target, head)}</span>"
                )
            self.equation_rich.setText(
                f"<span style='color:#e5534b'>No single affine map: {col.reason}.</span>{best}"
            )
            self.chain.setText(chain_html(col.chain))
            self.bias.setText(
                "<span style='color:#888'>A nonlinear activation sits between the factors, "
                "so they do not multiply into one <i>W</i><sub>z</sub>.</span>"
            )
            self.spread.setText(self._spread_text(ap))
        self._show_table(comp, base)
        self._show_table_note(len(comp.rows) if comp is not None else 0, len(names) + 1)

    @Slot()
    def _redraw_with_covariance(self) -> None:
        if self._shown_results is not None and not self.controller.is_training:
            self.show_results(self._shown_results)

    def _show_table_note(self, shown: int, total: int) -> None:
        note = cap_note(shown, total, "terms", "the constant and the largest") if shown else ""
        if note:
            note = f"{note[:1].upper()}{note[1:]}; Copy table and Export CSV have them all."
        self.table_note.setText(f"<span style='color:#a0281a'>{note}</span>" if note else "")
        self.table_note.setVisible(bool(note))

    @property
    def comparison(self) -> CollapseComparison | None:
        """The whole table (every term) of the shown results; None without a baseline."""
        if self._full is None and self._results is not None:
            self._full = comparison_from_results(self._results)
        return self._full

    @staticmethod
    def _spread_text(ap) -> str:
        if ap is None:
            return ""
        return (
            f"The best affine map explains <b>R² = {ap.r2:.3f}</b> of the network's output; "
            f"its local slopes (the Jacobian) vary by <b>{100 * ap.slope_spread:.0f}%</b> "
            "of their size across the data (0% for a linear network)."
        )

    def _show_table(self, comp: CollapseComparison | None, base) -> None:
        if comp is None:
            error = self.controller.baseline_error
            waiting = "Waiting for the closed-form fit…"
            self.headline.show_verdict(
                f"No closed-form comparison: {error}" if error else waiting, None
            )
            self.baseline_note.setText("")
            self.table.setRowCount(0)
            return
        note = comp.baseline_note
        self.baseline_note.setText(
            f"<span style='color:#888'>{html.escape(note[:1].upper() + note[1:])}.</span>"
            if note
            else ""
        )
        ok = comp.collapsible and comp.headline.startswith("the network has collapsed")
        colour = "#2ea043" if ok else ("#e5534b" if not comp.collapsible else "#3884dc")
        text = comp.headline[:1].upper() + comp.headline[1:]
        self.headline.show_verdict(f"{text}.", colour)
        title = comp.baseline_title or BASELINE_TITLES.get(comp.baseline_kind, comp.baseline_kind)
        labels = list(COLUMNS)
        labels[1] = "network" if comp.collapsible else "best affine"
        labels[2] = BASELINE_SHORT.get(comp.baseline_kind, comp.baseline_kind)
        if comp.baseline_kind == "ols":
            labels[4] = self.covariance.se_label()
        self.table.setHorizontalHeaderLabels(labels)
        self.table.horizontalHeaderItem(2).setToolTip(title)
        self.table.setUpdatesEnabled(False)  # one repaint and resize, not one per cell
        try:
            self._fill_table(comp.rows)
        finally:
            self.table.setUpdatesEnabled(True)
        self.table.resizeColumnsToContents()
        self.table.fit_columns()
        self.table.updateGeometry()  # its width hint changed: the panel may reflow
        height = self.table.horizontalHeader().height() + 4
        height += sum(self.table.rowHeight(i) for i in range(len(comp.rows)))
        self.table.setFixedHeight(min(height, 420))

    def _fill_table(self, rows) -> None:
        """One line per row; existing items get new text (cheaper than new items)."""
        self.table.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for i, r in enumerate(rows):
            ci = (
                # Three digits: the interval's width matters, and four needed a sideways
                # scroll at 1280 pixels ("[-0.02392, 0.05099]").
                f"[{_cell(r.ci_low, 3)}, {_cell(r.ci_high, 3)}]" if math.isfinite(r.ci_low) else "—"
            )
            cells = (
                r.name,
                _cell(r.network),
                _cell(r.baseline),
                _cell(r.difference, 2),
                _cell(r.se, 3),
                ci,
                _cell(r.t, 3),
                _cell(r.p, 2),
            )
            for j, text in enumerate(cells):
                item = self.table.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    if j:
                        item.setTextAlignment(right)
                    self.table.setItem(i, j, item)
                item.setText(text)

    # -- copy and export --------------------------------------------------------------------

    def table_text(self, sep: str = ",") -> str:
        """The table as CSV (``sep=","``) or tab-separated text; empty without a table."""
        if self.comparison is None:
            return ""
        text = to_csv(self.comparison)
        if sep == ",":
            return text
        import csv
        import io

        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
        return out.getvalue()

    @Slot()
    def copy_table(self) -> None:
        """Put the table on the clipboard, tab-separated (pastes into a spreadsheet)."""
        text = self.table_text("\t")
        if text:
            QGuiApplication.clipboard().setText(text)
            self.controller.message.emit("Collapse table copied.")

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the collapse table", "collapse.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_csv(path)

    @Slot(str)
    def export_csv(self, path: str) -> bool:
        """Write the table to ``path`` as CSV; says why in the status bar when it cannot."""
        text = self.table_text(",")
        if not text:
            self.controller.error.emit("There is no collapse table to export yet.")
            return False
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            self.controller.error.emit(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.controller.message.emit(f"Collapse table saved to {path}.")
        return True

    # -- polynomial ---------------------------------------------------------------------------

    @Slot()
    def fit_polynomial(self) -> None:
        """OLS on the powers of each feature up to the chosen degree (task thread)."""
        c = self.controller
        trainer, ds = c.trainer, c.dataset
        if trainer is None or ds is None:
            return
        if trainer.spec.head != "identity":
            self.poly_result.setText("Polynomial regression needs a numeric target.")
            return
        rows = trainer.train_rows
        X, y = trainer.X[rows].copy(), trainer.y[rows].copy()
        degree = self.poly_degree.value()
        job = partial(polynomial_job, X, y, degree, tuple(ds.feature_names))
        self._poly_token = c.run_background("panel:polynomial", job)
        self.poly_result.setText(f"Fitting a degree {degree} polynomial…")

    def _show_poly(self, result) -> None:
        res, degree = result
        m = self.controller.results.metrics if self.controller.results else {}
        net_r2 = m.get("train_r2")
        compare = f" (the network: {net_r2:.4f})" if net_r2 is not None else ""
        terms = ""
        if len(res.params) <= 13:  # a readable equation; more terms stay in the R² line
            signed = signed_terms(res.params[1:], res.names[1:])
            ds = self.controller.dataset
            target = predicted(ds.target_name if ds is not None else "y")
            terms = f"<br>{target} = {num(res.params[0])}{_powers(signed)}"
        self.poly_result.setText(
            f"Polynomial of degree {degree}: train <b>R² = {res.r2:.4f}</b>{compare}{terms}"
        )

    # -- linear vs nonlinear -------------------------------------------------------------------

    @Slot()
    def train_pair(self) -> None:
        """Train the architecture with identity and with the chosen activation (task thread)."""
        c = self.controller
        if c.dataset is None or c.trainer is None:
            return
        if self._pair_cancel is not None:
            self._pair_cancel.set()
        self._pair_cancel = threading.Event()
        act = self.pair_activation.currentText()
        job = partial(train_pair, c.dataset, c.layers, c.config, act)
        self._pair_token = c.run_background("panel:pair", job, self._pair_cancel)
        self.pair_status.setText(f"Training identity and {act} networks…")

    def _show_pair(self, res) -> None:
        self.pair = res
        self.pair_plots.show_result(res)
        parts = []
        for run in (res.linear, res.nonlinear):
            r2 = f", R² {run.r2:.4f}" if run.r2 is not None else ""
            parts.append(f"<b>{run.activation}</b>: loss {run.final_loss:.4g}{r2}")
        self.pair_status.setText(" · ".join(parts))

    # -- background results ----------------------------------------------------------------------

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token == self._poly_token:
            self._show_poly(result)
        elif token == self._pair_token and result is not None:
            self._show_pair(result)

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token == self._poly_token:
            self.poly_result.setText(f"<span style='color:#e5534b'>{message}</span>")
        elif token == self._pair_token:
            self.pair_status.setText(f"<span style='color:#e5534b'>{message}</span>")


def _powers(text: str) -> str:
    """x^2 -> x<sup>2</sup> in already formatted terms."""
    return re.sub(r"\^(\d+)", r"<sup>\1</sup>", text)
